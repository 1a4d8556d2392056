"""``brewbot themes``: find themes in a file of free-text answers (CSV or plain text).

What it prints (labels, words, examples) has names, numbers and addresses taken out.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conversations.redaction import redact

if TYPE_CHECKING:
    from conversations.themes import Themes

PROGRESS_FROM = 1000  # show progress on stderr from this many answers
EXAMPLES_SHOWN = 2
EXAMPLE_CHARS = 120


class AnswersError(Exception):
    """The answers file cannot be read as asked; the message is one readable line."""


def register(subparsers: Any) -> None:
    """Add the ``themes`` subcommand."""
    parser = subparsers.add_parser(
        "themes",
        help="find themes in free-text answers",
        description="Find themes in free-text answers: each theme with its words and two "
        "examples. Reads a CSV (UTF-8) with --text-column, or a .txt file with one answer a "
        "line. Rows are counted as a spreadsheet shows them (a CSV's header is row 1).",
    )
    parser.add_argument("file", metavar="FILE", help="a .csv file, or a .txt file")
    parser.add_argument("--text-column", metavar="NAME", help="the CSV column holding the answers")
    parser.add_argument(
        "--k", type=_positive, metavar="N", help="how many themes (default: chosen for you)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for repeatable results")
    parser.add_argument("--json", action="store_true", help="print JSON for other tools")


def run(args: argparse.Namespace) -> int:
    """Read the answers, find themes, print them; exit 2 if the file cannot be read."""
    try:
        texts, first_row, themes = analyse(
            Path(args.file), args.text_column, k=args.k, seed=args.seed, quiet=False
        )
    except AnswersError as exc:
        print(f"brewbot themes: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(as_json(texts, themes, first_row), ensure_ascii=False, indent=2))
    else:
        print(as_text(texts, themes, first_row))
    return 0


def analyse(
    path: Path, column: str | None, *, k: int | None, seed: int, quiet: bool
) -> tuple[list[str], int, Themes]:
    """Load the answers and find their themes: the CLI's whole path, for benchmarks too."""
    from conversations.themes import find_themes  # scikit-learn loads only when needed

    texts, first_row = load_answers(path, column)
    progress = _stderr if len(texts) >= PROGRESS_FROM and not quiet else None
    return texts, first_row, find_themes(texts, k=k, seed=seed, progress=progress)


def load_answers(path: Path, column: str | None) -> tuple[list[str], int]:
    """Return the answers and the row number of the first one."""
    if path.suffix.lower() == ".txt":
        return _read(path).splitlines(), 1
    if not column:
        names = ", ".join(_header(_read(path), path))
        raise AnswersError(f"say which column holds the answers: --text-column NAME ({names})")
    return _column(_read(path), path, column), 2


def _read(path: Path) -> str:
    """Read a UTF-8 file (with or without a byte order mark)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnswersError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        hint = "save it as 'CSV UTF-8' and try again"
        raise AnswersError(f"{path} is not UTF-8 text; {hint}") from None
    except OSError as exc:
        raise AnswersError(f"cannot read {path}: {exc.strerror}") from None


def _header(text: str, path: Path) -> list[str]:
    """Return the CSV's column names."""
    header = next(csv.reader(text.splitlines()[:1]), [])
    if not header:
        raise AnswersError(f"{path} is empty: it needs a header row naming its columns")
    return header


def _column(text: str, path: Path, column: str) -> list[str]:
    """Return one column of a CSV, matching its name loosely."""
    csv.field_size_limit(2**31 - 1)
    reader = csv.DictReader(text.splitlines(keepends=True))
    names = reader.fieldnames or []
    if not names:
        raise AnswersError(f"{path} is empty: it needs a header row naming its columns")
    wanted = {n.strip().casefold(): n for n in names}.get(column.strip().casefold())
    if wanted is None:
        found = ", ".join(repr(n) for n in names)
        raise AnswersError(f"no column {column!r} in {path}; columns found: {found}")
    try:
        return [row.get(wanted) or "" for row in reader]
    except csv.Error as exc:
        raise AnswersError(f"{path} is not a readable CSV: {exc}") from None


def as_json(texts: list[str], themes: Themes, first_row: int) -> dict[str, Any]:
    """Return themes and every row's theme as plain JSON data."""
    labels = [redact(t.label) for t in themes.themes]
    return {
        "answers": len(texts),
        "without_theme": sum(1 for a in themes.assignments if a is None),
        "themes": [
            {
                "index": i,
                "label": labels[i],
                "size": t.size,
                "words": [redact(w) for w in t.words],
                "examples": [{"row": e + first_row, "text": redact(texts[e])} for e in t.examples],
            }
            for i, t in enumerate(themes.themes)
        ],
        "rows": [
            {
                "row": i + first_row,
                "theme": a,
                "label": None if a is None else labels[a],
                "why": [redact(w) for w in themes.why(i)],
            }
            for i, a in enumerate(themes.assignments)
        ],
    }


def as_text(texts: list[str], themes: Themes, first_row: int) -> str:
    """Return the themes as short plain text for a person to read."""
    spare = sum(1 for a in themes.assignments if a is None)
    if not themes.themes:
        return (
            f"No themes in {len(texts):,} answers yet: they share too few words. "
            "Try again when more people have answered."
        )
    lines = [f"{len(themes.themes)} themes in {len(texts):,} answers ({spare:,} with no theme)"]
    for number, theme in enumerate(themes.themes, start=1):
        lines += ["", f"{number}. {redact(theme.label)} ({theme.size:,} answers)"]
        lines.append(f"   words: {', '.join(redact(w) for w in theme.words)}")
        for e in theme.examples[:EXAMPLES_SHOWN]:
            lines.append(f'   row {e + first_row}: "{_short(redact(texts[e]))}"')
    return "\n".join(lines)


def _short(text: str) -> str:
    """Put an answer on one line, cut to a readable length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= EXAMPLE_CHARS else flat[: EXAMPLE_CHARS - 1].rstrip() + "…"


def _positive(value: str) -> int:
    """Parse a whole number of at least 1."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _stderr(message: str) -> None:
    """Print a progress line on stderr."""
    print(message, file=sys.stderr, flush=True)
