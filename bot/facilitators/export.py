"""/export's files: a brew's answers as a spreadsheet-safe CSV, and its summary as Markdown.

The CSV never holds a participant id or a Telegram id. Words are blanked where their
author did not agree to be quoted, answers held back for a check are left out, and days
stand in for exact times, so answers are harder to line up into one person's story.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Mapping, Sequence
from datetime import tzinfo

from telegram import InputFile

from bot.facilitators.brew_buttons import shown_theme
from bot.facilitators.reports import brew_summary, option_words
from bot.handlers.common import Context
from bot.services import services
from storage.records import Brew, StoredAnswer

COLUMNS = (
    "answer_id",
    "prompt_id",
    "principle",
    "kind",
    "stage",
    "stage_words",
    "rag",
    "option",
    "option_words",
    "text",
    "may_quote",
    "imported",
    "created_at",
)
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula: lead such a cell with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def answer_row(answer: StoredAnswer, words: Mapping[str, str], zone: tzinfo) -> list[str]:
    """Turn one answer into CSV cells, with its words only if its author said they may be quoted."""
    option = answer.option or ""
    cells = [
        str(answer.id),
        answer.prompt_id,
        answer.principle.value,
        answer.kind.value,
        "" if answer.stage is None else str(answer.stage.value),
        "" if answer.stage is None else answer.stage.label,
        "" if answer.rag is None else answer.rag.value,
        option,
        words.get(option, "") if option else "",
        (answer.text or "") if answer.quote_consent else "",
        "yes" if answer.quote_consent else "no",
        "yes" if answer.imported else "no",
        answer.created_at.astimezone(zone).date().isoformat(),
    ]
    return [guard(cell) for cell in cells]


def answers_csv(answers: Sequence[StoredAnswer], words: Mapping[str, str], zone: tzinfo) -> bytes:
    """Write the answers not held back as UTF-8 CSV with a BOM, so Excel reads it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(answer_row(a, words, zone) for a in answers if not a.held)
    return out.getvalue().encode("utf-8-sig")


def file_stem(brew: Brew) -> str:
    """Name a brew's files by its number and opening day, never by its theme."""
    return f"brew-{brew.id}-{brew.opened_at.date().isoformat()}"


async def send_export(context: Context, chat_id: int, brew: Brew) -> None:
    """Send a brew's answers as CSV and its summary as Markdown, if enough people took part."""
    found = services(context)
    theme = shown_theme(brew)
    counts = await found.store.brew_counts(brew.id)
    if counts.took_part < found.settings.min_group:
        text = found.text("export_too_few", theme=theme, min_group=found.settings.min_group)
        await context.bot.send_message(chat_id, text)
        return
    await context.bot.send_chat_action(chat_id, "upload_document")
    answers = await found.store.answers(brew.id)
    words = option_words(found.packs.get(brew.pack_id))
    table = await asyncio.to_thread(answers_csv, answers, words, found.settings.timezone)
    summary = await brew_summary(found, brew)
    stem = file_stem(brew)
    await context.bot.send_document(
        chat_id,
        InputFile(table, filename=f"{stem}-answers.csv"),
        caption=found.text("export_csv_caption", theme=theme),
    )
    await context.bot.send_document(
        chat_id,
        InputFile(summary.markdown.encode(), filename=f"{stem}-summary.md"),
        caption=found.text("export_report_caption"),
    )
