"""/export's files: a brew's answers as a spreadsheet-safe CSV, and its summary as Markdown.

The CSV never holds a participant id or a Telegram id. Words are blanked where their
author did not agree to be quoted, names, numbers and addresses are taken out of the rest
(:func:`conversations.redaction.redact`), answers held back for a check are left out, and days
stand in for exact times, so answers are harder to line up into one person's story. Its words
(stages, markers, theme names) and the report are in the facilitators' group's language.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from telegram import InputFile

from bot.facilitators.picking import THEME_LIMIT, theme_words
from bot.facilitators.reports import brew_reader, option_words, results_from
from bot.replies import show_typing
from bot.services import BrewContext
from conversations.messages import Messages
from conversations.model import Pack
from conversations.redaction import markers_from, redact
from conversations.reporting import stage_name
from conversations.shown import enough_people
from conversations.summary import (
    AnswerTheme,
    BrewResults,
    ThemeFinder,
    build_summary,
    report_themes,
)
from storage.records import Brew, StoredAnswer
from storage.store import Store

COLUMNS = (
    "row",
    "prompt_id",
    "principle",
    "kind",
    "stage",
    "stage_words",
    "rag",
    "option",
    "option_words",
    "text",
    "theme",
    "from",
    "may_quote",
    "imported",
    "created_at",
)
NO_THEME = AnswerTheme("", "")  # a choice, a stage, or an answer held back
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula: lead such a cell with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def answer_row(
    answer: StoredAnswer,
    words: Mapping[str, str],
    zone: tzinfo,
    theme: AnswerTheme = NO_THEME,
    row: int = 1,
    *,
    messages: Messages,
) -> list[str]:
    """Turn one answer into CSV cells, with its words only if its author said they may be quoted."""
    option = answer.option or ""
    text = redact(answer.text or "", markers_from(messages)) if answer.quote_consent else ""
    cells = [
        str(row),
        answer.prompt_id,
        answer.principle.value,
        answer.kind.value,
        "" if answer.stage is None else str(answer.stage.value),
        "" if answer.stage is None else stage_name(answer.stage, messages=messages),
        "" if answer.rag is None else answer.rag.value,
        option,
        words.get(option, "") if option else "",
        text,
        theme.label,
        theme.origin,
        "yes" if answer.quote_consent else "no",
        "yes" if answer.imported else "no",
        answer.created_at.astimezone(zone).date().isoformat(),
    ]
    return [guard(cell) for cell in cells]


def answers_csv(
    answers: Sequence[StoredAnswer],
    words: Mapping[str, str],
    zone: tzinfo,
    themes: Mapping[int, AnswerTheme] | None = None,
    *,
    messages: Messages,
) -> bytes:
    """Write the answers not held back as UTF-8 CSV with a BOM, so Excel reads it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    named = themes or {}
    shown = sorted((a for a in answers if not a.held), key=_unlinked)
    writer.writerows(
        answer_row(a, words, zone, named.get(a.id, NO_THEME), row, messages=messages)
        for row, a in enumerate(shown, start=1)
    )
    return out.getvalue().encode("utf-8-sig")


def _unlinked(answer: StoredAnswer) -> tuple[str, int, str, str]:
    """Order rows by question and answer, not by when they came, so one person's answers
    don't sit side by side (storage ids and times would line them up into a story)."""
    stage = 0 if answer.stage is None else int(answer.stage)
    return (answer.prompt_id, stage, answer.option or "", (answer.text or "").casefold())


def theme_of_each(
    results: BrewResults, *, min_group: int, messages: Messages, find: ThemeFinder | None = None
) -> dict[int, AnswerTheme]:
    """Name the theme of each typed answer not held back (by storage id), as the summary
    groups them: the same answers, read the same way, in the same order."""
    named = report_themes(
        results.answers, results.idea_prompts, min_group=min_group, find=find, messages=messages
    )
    return {a.answer_id: theme for a, theme in zip(results.answers, named, strict=True)}


@dataclass(frozen=True)
class ExportFiles:
    """A brew's two files: its answers as CSV and its summary as Markdown."""

    stem: str
    table: bytes
    report: bytes


async def export_files(
    store: Store,
    packs: Mapping[str, Pack],
    brew: Brew,
    *,
    min_group: int,
    zone: tzinfo,
    messages: Messages,
    meaning: bool = True,
) -> ExportFiles:
    """Build a brew's CSV (with each answer's theme) and Markdown report, off the event loop.

    ``messages`` gives their words: the facilitators' group's language (the command line's:
    the deployment's)."""
    answers = await store.answers(brew.id)
    words = option_words(packs.get(brew.pack_id))
    results = await results_from(store, packs, brew)
    find = await brew_reader(store, brew, meaning=meaning)

    def build() -> ExportFiles:
        themes = theme_of_each(results, min_group=min_group, messages=messages, find=find)
        summary = build_summary(results, min_group=min_group, messages=messages, find=find)
        table = answers_csv(answers, words, zone, themes, messages=messages)
        return ExportFiles(file_stem(brew), table, summary.markdown.encode())

    return await asyncio.to_thread(build)


def file_stem(brew: Brew) -> str:
    """Name a brew's files by its number and opening day, never by its theme."""
    return f"brew-{brew.id}-{brew.opened_at.date().isoformat()}"


async def send_export(context: BrewContext, chat_id: int, brew: Brew) -> None:
    """Send a brew's answers as CSV and its summary as Markdown, if enough people took part."""
    services = context.services
    theme = theme_words(brew, THEME_LIMIT)
    counts = await services.store.brew_counts(brew.id)
    if not enough_people(counts.people, min_group=services.settings.min_group):
        text = services.text("export_too_few", theme=theme, min_group=services.settings.min_group)
        await context.bot.send_message(chat_id, text)
        return
    show_typing(context, chat_id, "upload_document")
    files = await export_files(
        services.store,
        services.packs,
        brew,
        min_group=services.settings.min_group,
        zone=services.settings.timezone,
        messages=services.messages,
        meaning=services.settings.meaning,
    )
    await context.bot.send_document(
        chat_id,
        InputFile(files.table, filename=f"{files.stem}-answers.csv"),
        caption=services.text("export_csv_caption", theme=theme),
    )
    await context.bot.send_document(
        chat_id,
        InputFile(files.report, filename=f"{files.stem}-summary.md"),
        caption=services.text("export_report_caption"),
    )
