"""``brewbot console`` and ``brewbot check`` as a person runs them: real processes, piped input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path("tests") / "data" / "broken-pack.yaml"


def brewbot(*args: str, given: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=given,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_over_a_brew_from_start_to_close() -> None:
    answers = [
        "2",  # an unpaid carer
        "yes",  # may quote
        "Being listened to, not rushed.",
        "",  # nothing typed: asked again
        "The day my review began with what matters to me.",
        "s",  # skip
        "p",  # pause
        "r",  # carry on
        "Please read my notes before you visit.",
    ]
    done = brewbot(
        "console",
        "--pack",
        "over-a-brew",
        "--theme",
        "going through a review",
        given="\n".join(answers) + "\n",
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "Today we are talking about going through a review." in out
    assert "1) I draw on care and support" in out and "s) Skip   p) Pause" in out
    assert "I did not catch any words there." in out
    assert "r) Carry on   q) Stop" in out
    assert "never your name" in out  # the close
    kept = out.split("What would be kept:")[1]
    assert "5 answer(s)" in kept
    assert "about_you [theme, choice] option=unpaid_carer" in kept
    assert "'Please read my notes before you visit.'" in kept
    assert "better" not in kept  # skipped, so nothing kept for it
    assert "May quote their words: yes" in kept
    assert "How they describe themselves: unpaid_carer" in kept
    assert done.stderr == ""


def test_four_principles_in_easy_words_with_stages_as_words_and_colours() -> None:
    answers = [
        "5",  # rather not say
        "2",  # no quoting
        "3",  # getting there
        "People ask what I am good at.",
        "s",
        "red",  # typed words work as well as numbers
        "Caring is not seen as real work.",
    ]
    done = brewbot(
        "console",
        "--pack",
        "four-principles",
        "--easy",
        "--theme",
        "how we work together",
        given="\n".join(answers) + "\n",
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "Ravi uses a wheelchair." in out  # the easy story
    assert "3) 🟠 Getting there (amber)" in out and "1) 🔴 Not yet (red)" in out
    assert "Your place is kept" in out  # input ended before the close
    kept = out.split("What would be kept:")[1]
    assert "assets_stage [assets, stage] stage=getting_there (amber)" in kept
    assert "work_stage [work, stage] stage=not_yet (red)" in kept
    assert "'Caring is not seen as real work.'" in kept
    assert "May quote their words: no" in kept
    assert "How they describe themselves: rather_not_say" in kept


def test_words_of_harm_are_noticed_in_the_console() -> None:
    done = brewbot("console", given="s\ns\nMy son hits me when I ask about money\n")
    assert "brewbot would now point to help" in done.stdout
    assert "at risk: 1" in done.stdout


def test_stop_says_how_to_come_back() -> None:
    done = brewbot("console", given="q\n")
    assert "/resume" in done.stdout and "/forget" in done.stdout
    assert done.returncode == 0


def test_a_broken_pack_is_one_line_and_exit_2_in_the_console() -> None:
    done = brewbot("console", "--pack", str(BROKEN), given="")
    assert done.returncode == 2
    assert done.stderr.strip() == f"{BROKEN}:14: unknown kind `stages`; did you mean `stage`?"
    assert "Traceback" not in done.stderr


def test_an_unknown_pack_name_is_one_line_and_exit_2() -> None:
    done = brewbot("console", "--pack", "no-such-pack")
    assert done.returncode == 2
    assert "four-principles" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_check_passes_the_shipped_packs_codebooks_and_messages() -> None:
    done = brewbot("check")
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith("All 2 packs and 2 codebooks look good")
    assert "error" not in done.stdout
    assert "engine.yaml" not in done.stdout and "packs/" not in done.stdout


def test_check_fails_on_the_broken_pack_with_file_and_line() -> None:
    done = brewbot("check", str(BROKEN))
    assert done.returncode == 1
    first = done.stdout.splitlines()[0]
    assert first == f"{BROKEN}:14: error: unknown kind `stages`; did you mean `stage`?"


def test_check_reports_jargon_but_loads_the_good_pack() -> None:
    done = brewbot("check", "tests/data/jargon-pack.yaml", "tests/data/tiny-pack.yaml")
    assert done.returncode == 1
    assert "tests/data/jargon-pack.yaml:10: error:" in done.stdout
    assert "tiny-pack" not in done.stdout
