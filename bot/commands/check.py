"""``brewbot check``: find mistakes, jargon and hard reading in packs and messages."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from conversations.checker import Finding, check_messages, check_pack, check_translation
from conversations.loader import PACKS_DIR, PackError, load_pack, missing_words
from conversations.messages import load_catalogue, load_messages


def register(subparsers: Any) -> None:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check",
        help="check prompt packs and messages for mistakes",
        description="Check prompt packs and the bot's messages: every mistake is shown as "
        "path:line: error|warning: what to change. Exits 1 if there are errors.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="pack files, or folders of *.yaml packs (default: the shipped packs)",
    )
    parser.add_argument(
        "--messages",
        metavar="DIR",
        help="folder of message files to check too (default: the shipped messages)",
    )


def run(args: argparse.Namespace) -> int:
    """Check each pack and the messages, print what was found, return 1 on errors."""
    files = _pack_files([Path(p) for p in args.paths] or [PACKS_DIR])
    findings: list[Finding] = []
    packs_seen: dict[str, str] = {}
    for path in files:
        try:
            pack = load_pack(path)
        except PackError as exc:
            findings.append(_finding(exc))
            continue
        if pack.id in packs_seen:
            text = f"pack id `{pack.id}` is also used by {packs_seen[pack.id]}; rename one"
            findings.append(Finding(str(path), 1, "error", text))
        packs_seen.setdefault(pack.id, str(path))
        findings.extend(check_pack(pack))
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
        findings.append(Finding(" ".join(args.paths), 1, "error", "no *.yaml pack files here"))
    for finding in findings:
        print(finding)
    return _summary(findings, packs=len(files), messages=count)


def _pack_files(paths: list[Path]) -> list[Path]:
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


def _summary(findings: list[Finding], *, packs: int, messages: int) -> int:
    """Print one closing line and return the exit code."""
    errors = sum(1 for f in findings if f.level == "error")
    warnings = len(findings) - errors
    if errors:
        print(f"{_count(errors, 'error')} to fix, {_count(warnings, 'warning')} to look at.")
        return 1
    looked = f" ({_count(warnings, 'warning')} worth a look)" if warnings else ""
    if packs == 1:
        print(f"The pack and {_count(messages, 'message')} look good{looked}.")
    else:
        print(f"All {packs} packs look good, and {_count(messages, 'message')} too{looked}.")
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
