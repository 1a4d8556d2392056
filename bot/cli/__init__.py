"""The ``brewbot`` command line: one subcommand per module, put together here."""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from bot.settings import database

# subcommand name -> module in this package that provides arguments(parser) -> None and
# run(args) -> int, and whose docstring says what it does (see described())
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
        line, description = described(module)
        module.arguments(subparsers.add_parser(name, help=line, description=description))
        runners[name] = module.run
    return parser, runners


def described(module: ModuleType) -> tuple[str, str]:
    """A subcommand's line in ``brewbot --help`` and the top of its own ``--help``, from its
    module's docstring: the first line after ``brewbot NAME``: (without its full stop), and
    the paragraph after it. Any paragraphs after that are for the code's readers."""
    line, _, rest = inspect.cleandoc(module.__doc__ or "").partition("\n\n")
    description = rest.partition("\n\n")[0]
    return line.partition(": ")[2].removesuffix("."), " ".join(description.split())


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


def refused(error: object, who: str = "brewbot") -> int:
    """Say in one line on stderr why a subcommand cannot go on; return its exit code, 2."""
    print(f"{who}: {error}", file=sys.stderr)
    return 2


def brew_code(parser: argparse.ArgumentParser) -> None:
    """Add the brew's invite code, which names the brew a subcommand works on."""
    parser.add_argument("code", help="the brew's invite code (the part after ?start=)")


def database_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--db``: the database, where not the one the settings name."""
    parser.add_argument(
        "--db", type=database, help="the database (default: BREWBOT_DB or ./brewbot.db)"
    )
