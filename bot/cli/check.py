"""``brewbot check``: check prompt packs, codebooks and messages for mistakes.

Check prompt packs, codebooks and the bot's messages: every mistake is shown as path:line:
error|warning: what to change. Exits 1 if there are errors.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from conversations.checker import Finding, check_messages, check_pack, check_translation
from conversations.codebook import CODEBOOKS_DIR, load_codebook, looks_like_codebook
from conversations.loader import PACKS_DIR, PackError, load_pack, missing_words
from conversations.messages import load_catalogue, load_messages


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot check``'s options."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="pack or codebook files (a file whose top has `themes:` is a codebook), or "
        "folders of *.yaml files (default: the shipped packs and codebooks)",
    )
    parser.add_argument(
        "--messages",
        metavar="DIR",
        help="folder of message files to check too (default: the shipped messages)",
    )


def run(args: argparse.Namespace) -> int:
    """Check each pack, codebook and the messages, print what was found, return 1 on errors."""
    if args.paths:
        files = _yaml_files([Path(p) for p in args.paths])
        codebooks = [path for path in files if looks_like_codebook(path)]
    else:
        codebooks = _yaml_files([CODEBOOKS_DIR])
        files = _yaml_files([PACKS_DIR]) + codebooks
    packs = [path for path in files if path not in codebooks]
    findings = _check_packs(packs) + _check_codebooks(codebooks)
    try:
        messages = load_messages(args.messages)
    except PackError as exc:
        findings.append(_finding(exc))
        count = 0
    else:
        findings.extend(check_messages(messages))
        count = len(messages)
        findings.extend(_other_languages(args.messages, files))
    if not files:
        findings.append(Finding(" ".join(args.paths), 1, "error", "no *.yaml files here"))
    for finding in findings:
        print(finding)
    return _summary(findings, packs=len(packs), codebooks=len(codebooks), messages=count)


def _check_packs(files: list[Path]) -> list[Finding]:
    """Load and lint each pack; a pack id used twice is an error."""
    packs, findings = _load_each(files, load_pack, "pack")
    for pack in packs:
        findings.extend(check_pack(pack))
    return findings


def _check_codebooks(files: list[Path]) -> list[Finding]:
    """Load each codebook; a codebook id used twice is an error."""
    return _load_each(files, load_codebook, "codebook")[1]


class _Named(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Named)


def _load_each(
    files: list[Path], load: Callable[[Path], T], kind: str
) -> tuple[list[T], list[Finding]]:
    """Load each file; what does not load, and an id used twice, are error findings."""
    loaded: list[T] = []
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            item = load(path)
        except PackError as exc:
            findings.append(_finding(exc))
            continue
        if item.id in seen:
            text = f"{kind} id `{item.id}` is also used by {seen[item.id]}; rename one"
            findings.append(Finding(str(path), 1, "error", text))
        seen.setdefault(item.id, str(path))
        loaded.append(item)
    return loaded, findings


def _yaml_files(paths: list[Path]) -> list[Path]:
    """Expand folders to the *.yaml files in them."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


def _other_languages(folder: str | None, packs: list[Path]) -> list[Finding]:
    """Check each other language's messages and pack texts against the English."""
    try:
        catalogue = load_catalogue(folder)
    except PackError as exc:
        return [_finding(exc)]
    findings: list[Finding] = []
    for code in catalogue.codes()[1:]:
        findings.extend(check_translation(catalogue.messages(code)))
        for path in packs:
            try:
                missing = missing_words(path, code)
            except PackError:
                continue  # already reported above
            if not _partly(missing, path, code):
                continue  # a pack with none of this language is said in English, as written
            findings.extend(
                Finding(str(path), line, "warning", f"`{field}` is not written yet")
                for line, field in missing
            )
    return findings


def _partly(missing: list[tuple[int, str]], path: Path, code: str) -> bool:
    """Say whether a pack has some of a language's words (``text_cy:``), but not all."""
    return bool(missing) and f"_{code}:" in path.read_text(encoding="utf-8")


def _finding(error: PackError) -> Finding:
    """Turn a load error into an error finding."""
    return Finding(error.path, error.line, "error", error.message)


def _summary(findings: list[Finding], *, packs: int, codebooks: int, messages: int) -> int:
    """Print one closing line and return the exit code."""
    errors = sum(1 for f in findings if f.level == "error")
    warnings = len(findings) - errors
    if errors:
        print(f"{_count(errors, 'error')} to fix, {_count(warnings, 'warning')} to look at.")
        return 1
    looked = f" ({_count(warnings, 'warning')} worth a look)" if warnings else ""
    said = _count(messages, "message")
    if packs + codebooks == 1:
        what = "pack" if packs else "codebook"
        print(f"The {what} and {said} look good{looked}.")
        return 0
    files = " and ".join(
        _count(n, word) for n, word in ((packs, "pack"), (codebooks, "codebook")) if n
    )
    print(f"All {files} look good, and {said} too{looked}.")
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
