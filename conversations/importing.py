"""Read answers gathered off Telegram (a CSV, or a text file with one answer per line).

Pure: bytes in, plain rows out. Every problem is an :class:`ImportProblem` whose message is
one line a facilitator can act on. Nothing here keeps anything; storage keeps the rows in
one transaction, once per file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.model import Answer, Kind, Pack, Prompt

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_ANSWER_CHARS = 4096
TEXT_COLUMN_GUESSES = ("answer", "answers", "text", "comment", "comments", "response", "feedback")
CONSENT_COLUMN_GUESSES = ("may_quote", "quote_ok", "consent", "can_quote", "quote")
_YES = frozenset({"yes", "y", "true", "1", "ok", "agreed"})


class ImportProblem(Exception):
    """A file that can't be imported as it is. The message is one line saying what to do."""


@dataclass(frozen=True)
class ImportedRow:
    """One answer from the file: the words, and whether the person agreed to be quoted."""

    text: str
    quote_consent: bool = False


@dataclass(frozen=True)
class ImportedFile:
    """What a file holds: its answers, how many rows were empty, and its fingerprint."""

    rows: tuple[ImportedRow, ...]
    empty: int
    sha256: str
    column: str | None  # the CSV column the words came from (None for a text file)


def read_answers(
    data: bytes,
    *,
    name: str,
    text_column: str | None = None,
    consent_column: str | None = None,
) -> ImportedFile:
    """Read a CSV (or .txt, one answer a line) into rows, or raise ImportProblem."""
    if len(data) > MAX_BYTES:
        raise ImportProblem(
            f"{name} is {len(data) // (1024 * 1024)} MB; the most brewbot takes is "
            f"{MAX_BYTES // (1024 * 1024)} MB, so split it into smaller files"
        )
    text = _decode(data, name)
    column: str | None = None
    if name.lower().endswith(".txt"):
        rows = _lines(text)
        empty = sum(1 for line in text.splitlines() if not line.strip())
    else:
        rows, empty, column = _csv(text, name, text_column, consent_column)
    if len(rows) > MAX_ROWS:
        raise ImportProblem(
            f"{name} has {len(rows):,} answers; the most brewbot takes at once is {MAX_ROWS:,}"
        )
    if not rows:
        raise ImportProblem(f"{name} has no answers in it (every row was empty)")
    return ImportedFile(tuple(rows), empty, hashlib.sha256(data).hexdigest(), column)


def answers_for(imported: ImportedFile, prompt: Prompt) -> tuple[Answer, ...]:
    """Turn imported rows into answers to one text prompt."""
    return tuple(
        Answer(
            prompt_id=prompt.id,
            principle=prompt.principle,
            kind=Kind.TEXT,
            text=row.text,
            quote_consent=row.quote_consent,
        )
        for row in imported.rows
    )


def answer_count(n: int) -> str:
    """Say "1 answer" or "N answers"."""
    return f"{n:,} answer" if n == 1 else f"{n:,} answers"


def prompt_for(pack: Pack, prompt_id: str | None) -> Prompt:
    """Pick the text prompt imported answers belong to (the pack's first, unless named)."""
    texts = [p for p in pack.prompts if p.kind is Kind.TEXT]
    if prompt_id is None:
        if not texts:
            raise ImportProblem(f"the pack {pack.id!r} has no question that takes typed answers")
        return texts[0]
    for prompt in texts:
        if prompt.id == prompt_id:
            return prompt
    names = ", ".join(p.id for p in texts)
    raise ImportProblem(
        f"{prompt_id!r} is not a typed-answer question of {pack.id!r}; use one of: {names}"
    )


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            f"{name} is not UTF-8 text (a problem at byte {exc.start}); save it again as "
            "'CSV UTF-8' (in Excel: Save As, then CSV UTF-8)"
        ) from None


def _lines(text: str) -> list[ImportedRow]:
    return [
        ImportedRow(line.strip()[:MAX_ANSWER_CHARS]) for line in text.splitlines() if line.strip()
    ]


def _csv(
    text: str, name: str, text_column: str | None, consent_column: str | None
) -> tuple[list[ImportedRow], int, str]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportProblem(f"{name} is empty") from None
    except csv.Error as exc:
        raise ImportProblem(f"{name} could not be read as CSV ({exc})") from None
    columns = [c.strip() for c in header]
    words_at = _column(columns, text_column, TEXT_COLUMN_GUESSES, name)
    if words_at is None:
        if len(columns) != 1:
            raise ImportProblem(
                f"which column holds the answers? Name it with --text-column; "
                f"{name}'s columns are: {', '.join(columns)}"
            )
        words_at = 0
    consent_at = _column(columns, consent_column, CONSENT_COLUMN_GUESSES, name)
    rows: list[ImportedRow] = []
    empty = 0
    try:
        for record in reader:
            words = record[words_at].strip() if words_at < len(record) else ""
            if not words:
                empty += 1
                continue
            consent = (
                consent_at is not None
                and consent_at < len(record)
                and (record[consent_at].strip().lower() in _YES)
            )
            rows.append(ImportedRow(words[:MAX_ANSWER_CHARS], consent))
    except csv.Error as exc:
        raise ImportProblem(f"{name} line {reader.line_num}: {exc}") from None
    return rows, empty, columns[words_at]


def _column(
    columns: Sequence[str], wanted: str | None, guesses: Sequence[str], name: str
) -> int | None:
    """Find the named column, or else the first likely one; None when there is none."""
    lowered = [c.lower() for c in columns]
    if wanted is not None:
        if wanted.lower() in lowered:
            return lowered.index(wanted.lower())
        raise ImportProblem(
            f"{name} has no column {wanted!r}; its columns are: {', '.join(columns)}"
        )
    for guess in guesses:
        if guess in lowered:
            return lowered.index(guess)
    return None
