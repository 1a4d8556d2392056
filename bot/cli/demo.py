"""``brewbot demo``: run a whole brew offline and print what people see.

Run brewbot against a local Bot API stand-in on 127.0.0.1: a facilitator opens a brew, six
people answer, and the summary is posted. No token, no network.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from bot.demo_scene import SCRIPTS, Demo
from bot.logs import setup_logging


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot demo``'s options."""
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("brewbot-demo"),
        help="where to keep the database and pictures (default: ./brewbot-demo)",
    )
    parser.add_argument(
        "--lang",
        choices=sorted(SCRIPTS),
        default="en",
        help="the language of the brew: cy plays it in Welsh (default: en)",
    )


def run(args: argparse.Namespace) -> int:
    """Play the demo scene and print it."""
    setup_logging(level=logging.WARNING)
    return asyncio.run(Demo(args.out, language=args.lang).run())
