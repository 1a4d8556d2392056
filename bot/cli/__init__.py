"""The ``brewbot`` command line: one subcommand per module, put together here."""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Callable, Sequence

# subcommand name -> module in this package that provides
#   register(subparsers) -> None   and   run(args) -> int
SUBCOMMANDS: dict[str, str] = {
    "check": "bot.cli.check",
    "console": "bot.cli.console",
    "run": "bot.cli.run",
    "demo": "bot.cli.demo",
    "import": "bot.cli.importing",
    "export": "bot.cli.export",
    "themes": "bot.cli.themes",
    "db": "bot.cli.db",
    "receipt": "bot.cli.receipt",
}


def build_parser() -> tuple[
    argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]
]:
    """Build the parser and map each subcommand to its runner."""
    parser = argparse.ArgumentParser(
        prog="brewbot",
        description="brewbot: short, kind reflection conversations for Over a Brew sessions.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    runners: dict[str, Callable[[argparse.Namespace], int]] = {}
    for name, module_name in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        module.register(subparsers)
        runners[name] = module.run
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    """Run one brewbot subcommand and return its exit code."""
    # Opt in to python-telegram-bot's coming timedelta retry_after (brewbot handles both).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    return runners[args.command](args)
