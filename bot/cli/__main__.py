"""``python -m bot.cli``: the ``brewbot`` command, as the benchmarks and tests start it."""

import sys

from bot.cli import main

sys.exit(main())
