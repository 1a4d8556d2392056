"""Charts render to sane PNGs from stage and trend specs, including empty ones."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from conversations.model import Stage
from conversations.reporting import ChartSpec, StageChart, StageRow, TrendChart, TrendLine
from tests.english import render, render_all

PNG = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    """Read width and height from the PNG header."""
    assert png[:8] == PNG
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def _row(label: str, *counts: int) -> StageRow:
    return StageRow(label, tuple(zip(Stage, counts, strict=True)))


STAGES = StageChart(
    "Where people think we are",
    (
        _row("People as assets", 1, 1, 5, 1),
        _row("Valuing work differently", 4, 3, 1, 0),
        _row("Give and get", 0, 3, 3, 0),
        _row("Staying connected", 0, 0, 0, 7),
    ),
    alt="Most people said getting there about people as assets.",
)
TREND = TrendChart(
    "How answers have moved, week by week",
    ("2024-W50", "2024-W51", "2024-W52", "2025-W01", "2025-W02", "2025-W03"),
    (
        TrendLine("People as assets", (2.0, 2.2, None, 2.6, 2.9, 3.1)),
        TrendLine("Valuing work differently", (1.3, 1.3, 1.4, 1.3, 1.3, 1.4)),
        TrendLine("Give and get", (None, None, 2.5, 2.4, 2.6, 3.0)),
        TrendLine("Staying connected", (None, 3.1, None, None, None, None)),
    ),
    alt="Assets moved up.",
    note="A gap means fewer than 5 people answered that week.",
)
EMPTY_STAGES = StageChart("Where people think we are", (), alt="")
EMPTY_TREND = TrendChart("How answers have moved", (), (), alt="")
NO_POINTS = TrendChart("How answers have moved", ("2025-W03",), (TrendLine("x", (None,)),), "")


@pytest.mark.parametrize(
    "spec",
    [STAGES, TREND, EMPTY_STAGES, EMPTY_TREND, NO_POINTS],
    ids=["stages", "trend", "empty-stages", "empty-trend", "no-points"],
)
def test_renders_a_png_of_sane_size(spec: ChartSpec) -> None:
    width, height = _size(render(spec))
    assert 800 <= width <= 1280
    assert 150 <= height <= 1280


def test_stage_chart_grows_with_rows() -> None:
    one = StageChart("t", STAGES.rows[:1], "")
    assert _size(render(one))[1] < _size(render(STAGES))[1]


def test_labels_with_dollars_and_odd_text_draw_as_text() -> None:
    spec = StageChart("$5 a week \\frac{1}{2} ^_^", (_row("$x$ & <b>", 2, 0, 0, 3),), "")
    assert render(spec)[:8] == PNG


def test_unknown_week_keys_still_draw() -> None:
    spec = TrendChart("t", ("week one", "week two"), (TrendLine("a", (1.0, 4.0)),), "")
    assert render(spec)[:8] == PNG


def test_render_all_keeps_order() -> None:
    pngs = render_all((STAGES, TREND))
    assert [_size(p)[1] for p in pngs] == [_size(render(STAGES))[1], _size(render(TREND))[1]]


@pytest.mark.subprocess
def test_charts_never_touch_pyplot() -> None:
    script = (
        "import sys\n"
        "from tests.test_charts import STAGES, TREND\n"
        "from tests.english import render_all\n"
        "render_all((STAGES, TREND))\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_write_samples_for_a_look(tmp_path: Path) -> None:
    for name, spec in (("stages", STAGES), ("trend", TREND)):
        path = tmp_path / f"{name}.png"
        path.write_bytes(render(spec))
        assert path.stat().st_size > 10_000
