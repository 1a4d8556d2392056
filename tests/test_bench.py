"""The benchmarks still run (on tiny sizes): a bench that rots says nothing when it matters.

Speed is measured by running them (``make bench``), not here: these only check they work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from bench import (
    crowd,
    feedback,
    live_push,
    redaction,
    storage_bench,
    summary_bench,
    themes_bench,
    themes_ceiling,
    themes_ideas,
    timegiven_bench,
)

# Comments written for these tests, in the feedback data's columns: the benches that read the
# feedback data (../shared, not in a clone) run on these here, with or without it.
SAMPLE = Path(__file__).resolve().parent / "data" / "feedback-sample.csv"


def test_the_storage_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert storage_bench.main(["--answers", "300"]) == 0
    assert "ratio" in capsys.readouterr().out.lower()


@pytest.mark.slow  # about 3 seconds of a 35-second fast run
def test_the_summary_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert summary_bench.main(["--small", "60", "--big", "120", "--data", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "ratio" in out.lower()
    assert "answers' words from tests/data/feedback-sample.csv" in out


def test_the_redaction_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert redaction.main(["--repeats", "1", "--data", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^name +\d+ +0\.\d{3}", out, re.MULTILINE), out
    assert "answers a second" in out
    assert "132 real comments (feedback data)" in out


@pytest.mark.e2e
@pytest.mark.subprocess
def test_the_crowd_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    # The echo bot's half is left out here: it has no pacing, so it needs a slow crowd.
    # --before runs the same crowd from another checkout beside it: here, this one again.
    root = Path(crowd.__file__).resolve().parent.parent
    args = ["--people", "3", "--think", "0.3", "--arrive", "0.2", "--no-echo"]
    assert crowd.main([*args, "--before", str(root)]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"brewbot sqlite +before \({re.escape(root.name)}\)\n", out), out
    assert re.search(r"people who finished +3 +3\n", out), out
    assert re.search(r"busiest second: news +0 +0\n", out), out  # and of everything, above it
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
@pytest.mark.slow  # reads 132 meanings: about 6 seconds
def test_the_themes_ceiling_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    # 132 comments, 4 groups: every row is printed with its scores, then the trained ceiling.
    assert themes_ceiling.main(["--data", str(SAMPLE), "--k", "4", "--seeds", "0"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^brewbot: meaning beside words, k-means +[45] +0\.\d{3}", out, re.M), out
    assert re.search(r"^40 k-means groups joined by average linkage +4 ", out, re.M), out
    assert re.search(r"meaning \(MiniLM\) +AMI\(label\) 0\.\d{3}, right \d", out), out


@pytest.mark.parametrize(
    ("name", "main"),
    [
        ("themes bench", themes_bench.main),
        ("themes ceiling", themes_ceiling.main),
        ("themes ideas", themes_ideas.main),
    ],
)
def test_a_bench_without_the_feedback_data_says_so_and_succeeds(
    name: str,
    main: Callable[[Sequence[str]], int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # As in a clone with nothing beside it: `make bench` goes on to the other benches.
    missing = tmp_path / "shared" / "feedback-data" / "text_data.csv"
    assert main(["--data", str(missing)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{name}: skipped, no feedback data at {missing}"), line


def test_the_benches_look_for_the_feedback_data_beside_the_repository(repo_root: Path) -> None:
    # A clone in /tmp/x/brewbot looks in /tmp/x/shared (and a clone alone finds nothing there).
    assert feedback.DATA.relative_to(repo_root.parent) == Path("shared/feedback-data/text_data.csv")


@pytest.mark.slow  # hears three short recordings: a few seconds
def test_the_voice_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import voice

    if not voice.voice.available():
        pytest.skip("the voice model is not installed")
    assert voice.normalise("My neighbor helps, 6 weeks on!") == "my neighbour helps six weeks on"
    assert voice.main(["--voices", "", "--engines", "whisper,whisper-greedy"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"WER, clear speech +0\.\d{3} +0\.\d{3}", out), out
    assert "beam 1 over whisper tiny.en, beam 5" in out


@pytest.mark.e2e
@pytest.mark.subprocess
def test_the_crowd_bench_runs_with_voice_notes(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.voice import available

    if not available():
        pytest.skip("the voice model is not installed")
    args = ["--people", "3", "--think", "0.3", "--arrive", "0.2", "--voice", "1", "--no-echo"]
    assert crowd.main(args) == 0
    out = capsys.readouterr().out
    assert re.search(r"people who finished +3 +3\n", out), out
    assert re.search(r"p95 s, voice senders' replies +nan +\d+\.\d\d\n", out), out
    assert out.count("0 ERROR lines, 0 tracebacks") == 2, out
