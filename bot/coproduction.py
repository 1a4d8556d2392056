"""The co-production loop's features, put together once for bot/app.py: themes people
suggest (/idea, /ideas), time given (/mytime, /timegiven), co-producers' check of each
summary, and the region's look across councils (/region).

Facilitators' commands come before the participants' catch-alls; order within is free.
"""

from __future__ import annotations

from bot.facilitators import approval, ideas, region, timegiven
from bot.handlers import mytime, suggest

FEATURES = (ideas, timegiven, approval, region, suggest, mytime)
