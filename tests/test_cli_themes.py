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


def test_prints_each_theme_with_its_label_and_two_examples() -> None:
    done = _brewbot(str(ANSWERS), "--text-column", "answer")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "themes in 118 answers" in lines[0]
    headings = [line for line in lines if line[:1].isdigit() and "answers)" in line]
    assert len(headings) >= 3
    named = [h.split(". ", 1)[1].split(" (")[0] for h in headings if "(no phrase" not in h]
    assert len(named) >= 3 and all(2 <= len(label.split()) <= 5 for label in named)
    assert sum(1 for line in lines if line.strip().startswith("row ")) == 2 * len(headings)


def test_json_gives_themes_and_every_row() -> None:
    done = _brewbot(str(ANSWERS), "--text-column", "Answer", "--k", "6", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["answers"] == 118 and len(data["rows"]) == 118
    assert 1 <= len(data["themes"]) <= 6
    labels = [t["label"] for t in data["themes"]]
    assert sum(t["size"] for t in data["themes"]) == 118 - data["without_theme"]
    with ANSWERS.open(encoding="utf-8") as f:
        answers = [r["answer"] for r in csv.DictReader(f)]
    for example in (e for t in data["themes"] for e in t["examples"]):
        assert example["text"] == answers[example["row"] - 2]
    for i, row in enumerate(data["rows"]):
        assert row["index"] == i and row["row"] == i + 2  # the header is row 1, as a sheet shows
        if row["theme"] is None:
            assert row["from"] is None and row["why"] == []
        else:
            assert row["theme"] in labels and row["from"] == "new" and 0 < row["score"] <= 1


def test_a_codebook_codes_first_and_names_its_themes_exactly(tmp_path: Path) -> None:
    codebook = tmp_path / "ours.yaml"
    codebook.write_text(
        "themes:\n"
        "  - name: Waiting for help\n"
        "    description: Waiting for assessments, reviews and call-backs\n"
        "  - name: Paying for care\n"
        "    description: Charges, bills and what care costs\n",
        encoding="utf-8",
    )
    done = _brewbot(str(ANSWERS), "--text-column", "answer", "--codebook", str(codebook), "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    with ANSWERS.open(encoding="utf-8") as f:
        groups = [r["group"] for r in csv.DictReader(f)]
    coded = {r["theme"] for r in rows if r["from"] == "codebook"}
    assert coded == {"Waiting for help", "Paying for care"}
    waiting = [r for r, g in zip(rows, groups, strict=True) if g == "waiting"]
    right = sum(r["theme"] == "Waiting for help" for r in waiting)
    assert right >= 0.7 * len(waiting)
    assert {r["from"] for r in rows} <= {"codebook", "new", None}


def test_a_broken_codebook_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    codebook = tmp_path / "broken.yaml"
    codebook.write_text("themes:\n  - nme: Waiting\n", encoding="utf-8")
    done = _brewbot(str(ANSWERS), "--text-column", "answer", "--codebook", str(codebook))
    assert done.returncode == 2 and done.stdout == ""
    assert f"{codebook}:2:" in done.stderr and "did you mean `name`" in done.stderr


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
    assert [r["index"] for r in json.loads(done.stdout)["rows"]] == [0, 1]
    lines = tmp_path / "answers.txt"
    lines.write_text("lonely at weekends\nso lonely\n\nbuses\n", encoding="utf-8")
    done = _brewbot(str(lines), "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert [r["row"] for r in rows] == [1, 2, 3, 4]
    assert rows[2]["theme"] is None  # an empty line has no theme
    assert all("lonely" not in (r["theme"] or "") for r in rows)  # two typed it: not shown


def test_missing_file_is_exit_two() -> None:
    done = _brewbot("no-such-file.csv", "--text-column", "answer")
    assert done.returncode == 2
    assert "no such file" in done.stderr
