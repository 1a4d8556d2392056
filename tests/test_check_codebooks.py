"""``brewbot check`` reads codebooks as it reads packs: each mistake as file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from conversations.codebook import CODEBOOKS_DIR

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken-codebook.yaml"


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["check", *args])
    return code, capsys.readouterr().out.splitlines()


def test_by_default_the_shipped_packs_and_codebooks_are_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines = _check(capsys)
    assert code == 0, lines
    assert lines[-1].startswith("All 2 packs and 2 codebooks look good, and ")


def test_a_broken_codebook_is_one_line_with_its_file_and_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines = _check(capsys, str(BROKEN))
    assert code == 1
    assert lines == [
        f"{BROKEN}:9: error: this theme has no `name:`; add a short name",
        "1 error to fix, 0 warnings to look at.",
    ]


def test_codebooks_and_packs_are_told_apart_in_one_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DATA / "tiny-pack.yaml", tmp_path / "tiny-pack.yaml")
    shutil.copy(CODEBOOKS_DIR / "making-it-real.yaml", tmp_path / "ours.yaml")
    code, lines = _check(capsys, str(tmp_path))
    assert code == 0, lines
    assert lines[-1].startswith("All 1 pack and 1 codebook look good")
    code, lines = _check(capsys, str(tmp_path / "ours.yaml"))
    assert code == 0 and lines[-1].startswith("The codebook and ")


def test_a_codebook_id_used_twice_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("one.yaml", "two.yaml"):
        shutil.copy(CODEBOOKS_DIR / "four-principles.yaml", tmp_path / name)
    code, lines = _check(capsys, str(tmp_path))
    assert code == 1
    assert (
        f"{tmp_path / 'two.yaml'}:1: error: codebook id `four-principles` is also used by"
        in (lines[0])
    )
