"""``brewbot themes``: find themes in free-text answers.

Find themes in free-text answers: each theme with its words and two examples. Reads a CSV
(UTF-8) with --text-column, or a .txt file with one answer a line. Rows are counted as a
spreadsheet shows them (a CSV's header is row 1).

What it prints (labels, words, examples) has names, numbers and addresses taken out.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli import refused
from bot.settings import SettingsError, load_settings
from conversations.codebook import Codebook, load_codebook
from conversations.coding import CODEBOOK
from conversations.redaction import redact
from conversations.yamlfile import PackError

if TYPE_CHECKING:
    import numpy as np

    from conversations.labels import Embed
    from conversations.themes import Themes

PROGRESS_FROM = 1000  # show progress on stderr from this many answers
EXAMPLES_SHOWN = 2
EXAMPLE_CHARS = 120


class AnswersError(Exception):
    """The answers file cannot be read as asked; the message is one readable line."""


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot themes``'s options."""
    parser.add_argument("file", metavar="FILE", help="a .csv file, or a .txt file")
    parser.add_argument("--text-column", metavar="NAME", help="the CSV column holding the answers")
    parser.add_argument(
        "--k", type=_positive, metavar="N", help="how many themes (default: chosen for you)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for repeatable results")
    parser.add_argument(
        "--codebook",
        metavar="FILE",
        help="a codebook (YAML): code each answer to its themes first, then find what is new",
    )
    parser.add_argument(
        "--person-column",
        metavar="NAME",
        help="the CSV column saying who wrote each answer (any id), so one person's answers"
        " are read together; without it, each row counts as a different person",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for other tools")


def run(args: argparse.Namespace) -> int:
    """Read the answers, find themes, print them; exit 2 if a file or setting cannot be read."""
    try:
        codebook = load_codebook(args.codebook) if args.codebook else None
        settings = load_settings()
        texts, first_row, themes = analyse(
            Path(args.file),
            args.text_column,
            k=args.k,
            seed=args.seed,
            quiet=False,
            meaning=settings.meaning,
            codebook=codebook,
            person_column=args.person_column,
            min_group=settings.min_group,
        )
    except PackError as exc:
        return refused(exc, "brewbot themes")
    except (AnswersError, SettingsError) as exc:
        return refused(exc, "brewbot themes")
    if args.json:
        print(json.dumps(as_json(texts, themes, first_row), ensure_ascii=False, indent=2))
    else:
        print(as_text(texts, themes, first_row))
    return 0


def analyse(
    path: Path,
    column: str | None,
    *,
    k: int | None,
    seed: int,
    quiet: bool,
    min_group: int,
    meaning: bool = True,
    vectors: np.ndarray | None = None,
    codebook: Codebook | None = None,
    person_column: str | None = None,
) -> tuple[list[str], int, Themes]:
    """Load the answers and find their themes: the CLI's whole path, for benchmarks too.

    Themes are read as a brew's report reads them (:func:`conversations.reading.read_themes`):
    against the codebook first, if one is given, then by meaning as well as words (with the
    model installed; without it, by words, said once). ``vectors`` are meanings already read
    (as the bot keeps them with its answers). ``k`` fixes how many new themes."""
    texts, first_row = load_answers(path, column)
    people = (
        load_people(path, person_column)
        if person_column
        else [f"row {i + first_row}" for i in range(len(texts))]
    )
    progress = _stderr if len(texts) >= PROGRESS_FROM and not quiet else None
    embed = (
        _embedding(texts, vectors, quiet=quiet, progress=progress is not None) if meaning else None
    )
    from conversations.reading import read_themes  # scikit-learn loads only when needed

    found = read_themes(
        texts,
        people,
        min_group=min_group,
        embed=embed,
        codebook=codebook,
        seed=seed,
        progress=progress,
        k=k,
    )
    return texts, first_row, found


def _embedding(
    texts: list[str], vectors: np.ndarray | None, *, quiet: bool, progress: bool
) -> Embed | None:
    """Read the answers' meanings once (or take those given), and anything else on demand."""
    from bot import embedder

    if vectors is None:
        vectors = _meanings(texts, quiet=quiet, progress=progress)
        if vectors is None:
            return None
    return embedder.embedding(dict(zip(texts, vectors, strict=True)))


def _meanings(texts: list[str], *, quiet: bool, progress: bool) -> np.ndarray | None:
    """Embed the answers with the bundled model, or None (said once) if it is missing."""
    from bot import embedder

    model = embedder.model()
    if model is None:
        if not quiet:
            _stderr(f"Grouping by words only: {embedder.MISSING}")
        return None
    return embedder.embed_many(texts, progress_bar("Reading meanings") if progress else None)


def progress_bar(what: str) -> Callable[[int, int], None]:
    """Return a progress bar on stderr that redraws one line, about every 5%."""
    shown = [-1]

    def show(done: int, total: int) -> None:
        step = done * 20 // max(total, 1)
        if step != shown[0] or done == total:
            shown[0] = step
            bar = "#" * step + "." * (20 - step)
            end = "\n" if done == total else "\r"
            print(f"{what} [{bar}] {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)

    return show


def load_people(path: Path, column: str) -> list[str]:
    """Return who wrote each answer (any id, as the file has it; used only to read a person's
    answers together and to count people, never shown)."""
    if path.suffix.lower() == ".txt":
        raise AnswersError("--person-column needs a CSV file; a .txt file has no columns")
    return [who or f"row {i}" for i, who in enumerate(_column(_read(path), path, column))]


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


def theme_names(themes: Themes) -> list[str]:
    """Name each theme for the terminal: a codebook's own name, or a new theme's label with
    names and numbers taken out ("" for a new theme no phrase could name safely)."""
    return [t.label if t.origin == CODEBOOK else redact(t.label) for t in themes.themes]


def as_json(texts: list[str], themes: Themes, first_row: int) -> dict[str, Any]:
    """Return themes and every row's theme as plain JSON data.

    Each row: ``index`` (data rows from 0), ``row`` (as a spreadsheet shows it), ``theme``
    (a codebook theme's name exactly, or a new theme's label; null if none), ``from``
    (``codebook`` or ``new``; null if none), ``score`` (closeness to its theme) and ``why``.
    Each theme says the ``language`` of its answers ("en", "cy"): each is read on its own.
    """
    names = theme_names(themes)
    scores = themes.scores or (0.0,) * len(texts)
    return {
        "answers": len(texts),
        "grouped_by": "meaning and words" if themes.by_meaning else "words",
        "without_theme": sum(1 for a in themes.assignments if a is None),
        "themes": [
            {
                "index": i,
                "label": names[i],
                "from": t.origin,
                "language": t.language,
                "size": t.size,
                "words": [redact(w) for w in t.words],
                "examples": [{"row": e + first_row, "text": redact(texts[e])} for e in t.examples],
            }
            for i, t in enumerate(themes.themes)
        ],
        "rows": [
            {
                "index": i,
                "row": i + first_row,
                "theme": None if a is None else names[a],
                "from": None if a is None else themes.themes[a].origin,
                "score": round(float(scores[i]), 4),
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
    names = theme_names(themes)
    coded = any(t.origin == CODEBOOK for t in themes.themes)
    bilingual = len({t.language for t in themes.themes}) > 1
    for number, (theme, name) in enumerate(zip(themes.themes, names, strict=True), start=1):
        where = (", from the codebook" if theme.origin == CODEBOOK else ", new") if coded else ""
        where += f", in {theme.language!r}" if bilingual else ""
        shown = name or "(no phrase enough people used to name it)"
        lines += ["", f"{number}. {shown} ({theme.size:,} answers{where})"]
        if theme.words:
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
