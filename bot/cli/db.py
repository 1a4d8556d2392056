"""``brewbot db``: the database: status, migrate, backup FILE, copy URL.

Look after brewbot's database (BREWBOT_DB: an SQLite file, or a postgresql:// URL). Safe
while brewbot runs.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
from pathlib import Path

from bot.cli import database_option, refused
from bot.settings import SettingsError, database, load_settings
from storage.errors import StorageError
from storage.operations import backup, copy_records, status, upgrade


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot db``'s options and its three actions."""
    database_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("status", help="schema version, migrations still to apply, table sizes")
    actions.add_parser("migrate", help="apply any migrations still to apply")
    copy = actions.add_parser(
        "backup",
        help="copy the database consistently to FILE",
        description="SQLite: an online backup, consistent while brewbot writes. PostgreSQL: "
        "runs pg_dump (custom format; restore with pg_restore), or prints the command when "
        "pg_dump is not installed here.",
    )
    copy.add_argument("file", type=Path, help="a new file for the copy")
    move = actions.add_parser(
        "copy",
        help="copy every record from an SQLite file into a new PostgreSQL database",
        description="Moving from one process on SQLite to several workers on PostgreSQL: "
        "stop brewbot, then copy the file's records into an empty database (its tables are "
        "made first), in one transaction. The file is left as it was.",
    )
    move.add_argument("to", type=database, metavar="URL", help="the new database")


def run(args: argparse.Namespace) -> int:
    """Do the action and print what happened, or say in one line why not."""
    try:
        target = args.db or load_settings().db
        lines = asyncio.run(_ACTIONS[args.action](target, args))
    except (SettingsError, StorageError) as exc:
        return refused(exc)
    print("\n".join(lines))
    return 0


async def _status(target: str | Path, args: argparse.Namespace) -> list[str]:
    found = await status(target)
    lines = [f"database: {found.where} ({found.dialect})", f"schema version: {found.version}"]
    if found.pending:
        lines.append("pending migrations (brewbot db migrate applies them):")
        lines.extend(f"  {number}: {description}" for number, description in found.pending)
    else:
        lines.append("pending migrations: none")
    lines.append("rows:")
    lines.extend(f"  {table}: {count}" for table, count in found.counts.items())
    return lines


async def _migrate(target: str | Path, args: argparse.Namespace) -> list[str]:
    done = await upgrade(target)
    if not done:
        return ["The database is up to date; nothing to apply."]
    return [f"Applied migrations {', '.join(str(n) for n in done)}."]


async def _backup(target: str | Path, args: argparse.Namespace) -> list[str]:
    command = await backup(target, args.file)
    if command is None:
        return [f"Backed up to {args.file}."]
    shown = shlex.join(command)
    if await asyncio.to_thread(args.file.exists):
        return [f"Backed up to {args.file} with: {shown}", "Restore with pg_restore."]
    return [
        "pg_dump is not installed here. On a machine that has it (PostgreSQL's client tools,",
        "the same major version as the server or newer), run:",
        f"  {shown}",
    ]


async def _copy(target: str | Path, args: argparse.Namespace) -> list[str]:
    copied = await copy_records(target, args.to)
    rows = sum(copied.values())
    return [f"Copied {rows} rows in {len(copied)} tables into the new database."] + [
        f"  {table}: {count}" for table, count in copied.items()
    ]


_ACTIONS = {"status": _status, "migrate": _migrate, "backup": _backup, "copy": _copy}
