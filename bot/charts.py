"""Draw summary and digest charts as PNG bytes, headless, without pyplot's global state.

Text is drawn with ``parse_math=False``: a '$' in a label is a dollar, not maths. Words are
the ``messages`` given: the language of the report the chart belongs to.

Every chart reads without colour: stage segments carry hatching and their words, trend
lines differ in marker and dash and are labelled where they end.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from babel.dates import format_date
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch

from conversations.digest import BadWeek, week_start
from conversations.messages import Messages
from conversations.model import Stage
from conversations.reporting import (
    ChartSpec,
    StageChart,
    StageRow,
    TrendChart,
    colour_words,
    stage_label,
    stage_name,
)

DPI = 110
WIDTH = 9.0  # inches: about 1000 px, sharp on a phone
INK = "#222222"
MUTED = "#666666"
# Red / amber / green, with the two amber stages told apart by shade and hatching.
STAGE_STYLE: dict[Stage, tuple[str, str, str]] = {  # fill, hatch, text colour
    Stage.NOT_YET: ("#c0392b", "xx", "white"),
    Stage.BASICS: ("#e67e22", "//", INK),
    Stage.GETTING_THERE: ("#f4d03f", "..", INK),
    Stage.DOING_WELL: ("#1e8449", "", "white"),
}
# Okabe-Ito colours (safe for colour-blind readers), each with its own marker and dash.
LINE_STYLE = (
    ("#0072B2", "o", "-"),
    ("#D55E00", "s", "--"),
    ("#009E73", "^", "-."),
    ("#CC79A7", "D", ":"),
    ("#56B4E9", "v", "-"),
)


def render(spec: ChartSpec, *, messages: Messages) -> bytes:
    """Draw a chart spec and return PNG bytes."""
    if isinstance(spec, StageChart):
        return render_stages(spec, messages=messages)
    return render_trend(spec, messages=messages)


def render_stages(spec: StageChart, *, messages: Messages) -> bytes:
    """Draw one stacked bar per principle, each segment labelled with its stage and count."""
    say = messages
    rows = [row for row in spec.rows if row.total > 0]
    fig = _figure(2.2 + 0.8 * max(1, len(rows)))
    ax = fig.add_subplot()
    _title(ax, spec.title)
    if not rows:
        _empty(ax, say)
        return _png(fig)
    for y, row in enumerate(reversed(rows)):
        _stage_bar(ax, y, row, say)
    labels = [
        say.text("chart_row", principle=row.label, people=say.count("count_people", row.total))
        for row in reversed(rows)
    ]
    ax.set_yticks(range(len(rows)), labels, parse_math=False)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(say.text("chart_share"), color=MUTED)
    ax.tick_params(axis="y", length=0, labelsize=11, labelcolor=INK)
    ax.tick_params(axis="x", labelcolor=MUTED)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles = [
        Patch(facecolor=fill, hatch=hatch, edgecolor="white", label=stage_label(s, messages=say))
        for s, (fill, hatch, _) in STAGE_STYLE.items()
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=2,
        frameon=False,
        fontsize=10,
        handleheight=1.4,
        handlelength=2.4,
    )
    return _png(fig)


def _stage_bar(ax: Axes, y: int, row: StageRow, say: Messages) -> None:
    """Draw one principle's bar, segment by segment, with words inside when they fit."""
    left = 0.0
    for stage, count in row.counts:
        if count <= 0:
            continue
        width = 100 * count / row.total
        fill, hatch, ink = STAGE_STYLE[stage]
        ax.barh(y, width, left=left, height=0.62, color=fill, hatch=hatch, edgecolor="white")
        words = say.text("chart_bar_count", stage=stage_name(stage, messages=say), count=count)
        text = words if width >= 17 else str(count)
        ax.text(
            left + width / 2,
            y,
            text,
            ha="center",
            va="center",
            fontsize=9.5 if width >= 17 else 10,
            color=ink,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": fill, "edgecolor": "none"},
            parse_math=False,
        )
        left += width


def render_trend(spec: TrendChart, *, messages: Messages) -> bytes:
    """Draw each principle's average stage week by week, labelled where each line ends."""
    say = messages
    fig = _figure(4.8)
    ax = fig.add_subplot()
    _title(ax, spec.title)
    weeks = list(spec.weeks)
    plotted = [line for line in spec.lines if any(p is not None for p in line.points)]
    if not weeks or not plotted:
        _empty(ax, say)
        return _png(fig)
    ends: list[tuple[float, float, str, str]] = []
    for i, line in enumerate(plotted):
        colour, marker, dash = LINE_STYLE[i % len(LINE_STYLE)]
        ys = [math.nan if p is None else p for p in line.points[: len(weeks)]]
        ax.plot(range(len(ys)), ys, color=colour, marker=marker, linestyle=dash, lw=2.2, ms=7)
        last = max(j for j, p in enumerate(ys) if not math.isnan(p))
        ends.append((last, ys[last], line.label, colour))
    _end_labels(ax, ends)
    ax.set_xticks(range(len(weeks)), [_week_label(w, say) for w in weeks], parse_math=False)
    ax.set_xlim(-0.3, len(weeks) - 0.3 + 1.6)
    note = f"\n{spec.note}" if spec.note else ""
    ax.set_xlabel(f"{say.text('chart_weeks')}{note}", color=MUTED, parse_math=False)
    ax.set_ylim(0.7, 4.3)
    ticks = [
        say.text(
            "chart_stage",
            stage=stage_name(s, messages=say),
            colour=colour_words(s.rag, messages=say),
        )
        for s in Stage
    ]
    ax.set_yticks([int(s) for s in Stage], ticks, parse_math=False)
    for stage in Stage:
        ax.axhspan(stage - 0.5, stage + 0.5, color=STAGE_STYLE[stage][0], alpha=0.08, lw=0)
    ax.grid(axis="y", color="#dddddd", lw=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelcolor=INK)
    return _png(fig)


def _end_labels(ax: Axes, ends: list[tuple[float, float, str, str]]) -> None:
    """Name each line just right of its last point, nudging apart labels that would touch."""
    placed: list[tuple[float, float]] = []
    for x, y, label, colour in sorted(ends, key=lambda e: (e[0], e[1])):
        near = [py for px, py in placed if px == x and abs(py - y) < 0.22]
        ty = max([y, *(py + 0.22 for py in near)])
        placed.append((x, ty))
        ax.text(x + 0.15, ty, label, color=colour, va="center", fontsize=10, parse_math=False)


def _week_label(key: str, say: Messages) -> str:
    """Show a week key as the day it starts, e.g. '13 Jan' ('13 Ion' in Welsh)."""
    try:
        monday = week_start(key)
    except BadWeek:
        return key
    return format_date(monday, "d MMM", locale=say.language)


def _figure(height: float) -> Figure:
    """Make a figure attached to the Agg canvas, outside pyplot."""
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
    fig.set_layout_engine(ConstrainedLayoutEngine(w_pad=0.15, h_pad=0.12))
    FigureCanvasAgg(fig)
    return fig


def _title(ax: Axes, title: str) -> None:
    """Put a plain title above the chart, on the left."""
    ax.set_title(title, loc="left", fontsize=14, color=INK, pad=14, parse_math=False)


def _empty(ax: Axes, say: Messages) -> None:
    """Say there is nothing to draw yet."""
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        say.text("chart_empty"),
        ha="center",
        va="center",
        fontsize=12,
        parse_math=False,
    )


def _png(fig: Figure) -> bytes:
    """Return the figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def render_all(specs: Sequence[ChartSpec], *, messages: Messages) -> tuple[bytes, ...]:
    """Draw every chart of a summary or digest."""
    return tuple(render(spec, messages=messages) for spec in specs)
