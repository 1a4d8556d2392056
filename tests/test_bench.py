"""The benchmarks still run (on tiny sizes): a bench that rots says nothing when it matters.

Speed is measured by running them (``make bench``), not here: these only check they work.
"""

from __future__ import annotations

import re

import pytest

from bench import (
    crowd,
    live_push,
    redaction,
    storage_bench,
    summary_bench,
    themes_ceiling,
    timegiven_bench,
)


def test_the_storage_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert storage_bench.main(["--answers", "300"]) == 0
    assert "ratio" in capsys.readouterr().out.lower()


@pytest.mark.slow  # about 3 seconds of a 35-second fast run
def test_the_summary_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert summary_bench.main(["--small", "60", "--big", "120"]) == 0
    assert "ratio" in capsys.readouterr().out.lower()


def test_the_redaction_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert redaction.main(["--repeats", "1", "--no-real"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^name +\d+ +0\.\d{3}", out, re.MULTILINE), out
    assert "answers a second" in out


@pytest.mark.e2e
@pytest.mark.subprocess
def test_the_crowd_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    # The echo bot's half is left out here: it has no pacing, so it needs a slow crowd.
    args = ["--people", "3", "--think", "0.3", "--arrive", "0.2", "--no-echo"]
    assert crowd.main(args) == 0
    out = capsys.readouterr().out
    assert re.search(r"people who finished +3\n", out), out
    assert "0 ERROR lines, 0 tracebacks" in out


def test_the_timegiven_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert timegiven_bench.main(["--people", "3", "--steps", "2"]) == 0
    assert "ratio" in capsys.readouterr().out.lower()


@pytest.mark.e2e
def test_the_live_push_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert live_push.main(["--people", "6", "--answering", "2", "--settle", "0"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"got it exactly once +6/6 +6/6", out), out
    assert re.search(r"429s meanwhile +0 +0", out), out


@pytest.mark.filterwarnings("ignore:The least populated class")
@pytest.mark.slow  # reads 200 meanings: about 6 seconds
def test_the_themes_ceiling_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    # 200 comments, 4 groups: every row is printed with its scores, then the trained ceiling.
    assert themes_ceiling.main(["--rows", "200", "--k", "4", "--seeds", "0"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^brewbot: meaning beside words, k-means +5 +0\.\d{3}", out, re.M), out
    assert re.search(r"^40 k-means groups joined by average linkage +4 ", out, re.M), out
    assert re.search(r"meaning \(MiniLM\) +AMI\(label\) 0\.\d{3}, right \d", out), out
