"""``brewbot themes`` run as a real process on the answers fixture."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "tests" / "data" / "answers.csv"


def _brewbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "themes", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_prints_each_theme_with_words_and_two_examples() -> None:
    done = _brewbot(str(ANSWERS), "--text-column", "answer")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "themes in 118 answers" in lines[0]
    headings = [line for line in lines if line[:1].isdigit() and "answers)" in line]
    assert len(headings) >= 3
    assert sum(1 for line in lines if line.strip().startswith("words: ")) == len(headings)
    assert sum(1 for line in lines if line.strip().startswith("row ")) == 2 * len(headings)


def test_json_gives_themes_and_every_row() -> None:
    done = _brewbot(str(ANSWERS), "--text-column", "Answer", "--k", "6", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["answers"] == 118 and len(data["rows"]) == 118
    assert 1 <= len(data["themes"]) <= 6
    labels = {t["index"]: t["label"] for t in data["themes"]}
    assert sum(t["size"] for t in data["themes"]) == 118 - data["without_theme"]
    with ANSWERS.open(encoding="utf-8") as f:
        answers = [r["answer"] for r in csv.DictReader(f)]
    for example in (e for t in data["themes"] for e in t["examples"]):
        assert example["text"] == answers[example["row"] - 2]
    for row in data["rows"]:
        if row["theme"] is None:
            assert row["label"] is None and row["why"] == []
        else:
            assert row["label"] == labels[row["theme"]] and row["why"]
    assert data["rows"][0]["row"] == 2  # the header is row 1, as in a spreadsheet
    assert data["rows"][-1]["theme"] is None  # the last answer is just "ok"


def test_missing_column_is_one_line_naming_the_columns() -> None:
    done = _brewbot(str(ANSWERS), "--text-column", "comment")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "'comment'" in done.stderr and "'answer'" in done.stderr and "'prompt'" in done.stderr


def test_csv_without_text_column_says_which_columns_exist() -> None:
    done = _brewbot(str(ANSWERS))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--text-column" in done.stderr and "answer" in done.stderr


def test_wrong_encoding_is_one_clear_line(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("answer\nMore café mornings\nA caf\xe9 club\n".encode("latin-1"))
    done = _brewbot(str(latin), "--text-column", "answer")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "UTF-8" in done.stderr


def test_utf8_with_bom_and_plain_text_files_are_read(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text("answer\nwaiting list\nwaiting list too long\n", encoding="utf-8-sig")
    done = _brewbot(str(bom), "--text-column", "answer", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"][0]["why"]
    lines = tmp_path / "answers.txt"
    lines.write_text("lonely at weekends\nso lonely\n\nbuses\n", encoding="utf-8")
    done = _brewbot(str(lines), "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert [r["row"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["label"] == rows[1]["label"] == "lonely"
    assert rows[3]["theme"] is None


def test_missing_file_is_exit_two() -> None:
    done = _brewbot("no-such-file.csv", "--text-column", "answer")
    assert done.returncode == 2
    assert "no such file" in done.stderr
