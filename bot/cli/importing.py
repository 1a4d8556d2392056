"""``brewbot import``: add answers from a CSV or text file to a brew.

Add answers gathered off Telegram to the brew with this invite code. They are anonymous, may
not be quoted unless a column says so, and are marked as imported. Importing the same file
again adds nothing.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli import brew_code, database_option, refused
from bot.cli.themes import progress_bar
from bot.embedder import embed_pending
from bot.settings import SettingsError, load_settings
from conversations.importing import (
    ImportProblem,
    answer_count,
    answers_for,
    prompt_for,
    read_answers,
)
from conversations.loader import load_packs
from conversations.messages import load_messages
from storage.errors import StorageError
from storage.store import Store


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot import``'s options."""
    brew_code(parser)
    parser.add_argument("file", type=Path, help="a CSV file, or a .txt file with one answer a line")
    parser.add_argument("--text-column", help="the CSV column holding the answers")
    parser.add_argument("--consent-column", help="a yes/no column: may we quote these words?")
    parser.add_argument("--prompt", help="the question they answered (default: the pack's first)")
    database_option(parser)


def run(args: argparse.Namespace) -> int:
    """Import the file, or say in one line why not."""
    try:
        print(asyncio.run(_import(args)))
    except (ImportProblem, SettingsError, StorageError) as exc:
        return refused(exc)
    return 0


async def _import(args: argparse.Namespace) -> str:
    settings = load_settings()
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"{args.file} cannot be read ({exc.strerror})") from None
    async with await Store.open(args.db or settings.db) as store:
        brew = await store.brew_by_code(args.code)
        if brew is None:
            raise ImportProblem(f"there is no brew with the code {args.code!r}")
        pack = load_packs().get(brew.pack_id)
        if pack is None:
            raise ImportProblem(f"the brew uses the pack {brew.pack_id!r}, which is not installed")
        imported = read_answers(
            data,
            name=args.file.name,
            text_column=args.text_column,
            consent_column=args.consent_column,
        )
        prompt = prompt_for(pack, args.prompt)
        added = await store.import_answers(
            brew_id=brew.id, sha256=imported.sha256, answers=answers_for(imported, prompt)
        )
        if added and settings.meaning:  # now, so summaries only cluster
            await embed_pending(store, progress=progress_bar("Reading meanings"))
    messages = load_messages()
    if added is None:
        return messages.text("import_again", theme=brew.theme)
    key = "import_added_skipped" if imported.empty else "import_added"
    return messages.text(key, answers=answer_count(added), empty=imported.empty, theme=brew.theme)
