"""``brewbot export``: write a brew's answers (CSV) and summary (Markdown) to files.

Write the brew's anonymised answers as CSV, with each answer's theme and quotes blanked
where people did not agree, and its summary as Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli import brew_code, database_option, refused
from bot.facilitators.export_files import export_files
from bot.settings import SettingsError, load_settings
from conversations.loader import load_packs
from conversations.messages import load_catalogue
from conversations.shown import enough_people
from storage.errors import StorageError
from storage.store import Store


class ExportProblem(Exception):
    """Nothing to export, said in one line."""


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot export``'s options."""
    brew_code(parser)
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for the two files")
    database_option(parser)


def run(args: argparse.Namespace) -> int:
    """Write the two files and name them, or say in one line why not."""
    try:
        for path in asyncio.run(_export(args)):
            print(path)
    except (ExportProblem, SettingsError, StorageError) as exc:
        return refused(exc)
    return 0


async def _export(args: argparse.Namespace) -> list[Path]:
    settings = load_settings()
    messages = load_catalogue().messages(settings.language)  # the deployment's, else English
    async with await Store.open(args.db or settings.db) as store:
        brew = await store.brew_by_code(args.code)
        if brew is None:
            raise ExportProblem(f"there is no brew with the code {args.code!r}")
        counts = await store.brew_counts(brew.id)
        if not enough_people(counts.people, min_group=settings.min_group):
            text = messages.text("export_too_few", theme=brew.theme, min_group=settings.min_group)
            raise ExportProblem(" ".join(text.split()))
        files = await export_files(
            store,
            load_packs(),
            brew,
            min_group=settings.min_group,
            zone=settings.timezone,
            messages=messages,
            meaning=settings.meaning,
        )
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        table = args.out / f"{files.stem}-answers.csv"
        report = args.out / f"{files.stem}-summary.md"
        table.write_bytes(files.table)
        report.write_bytes(files.report)
    except OSError as exc:
        raise ExportProblem(f"{args.out} cannot be written ({exc.strerror})") from None
    return [table, report]
