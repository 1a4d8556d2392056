"""One reader for times of day, so "9" means nine in the morning everywhere."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.time_of_day import read_time_of_day


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("9", time(9)),
        ("09", time(9)),
        ("9:30", time(9, 30)),
        ("09:30", time(9, 30)),
        ("9.30", time(9, 30)),
        ("21:00", time(21)),
        (" 21:00 ", time(21)),
        ("0", time(0)),
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        ("9pm", time(21)),
        ("9 PM", time(21)),
        ("9:30am", time(9, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
    ],
)
def test_times_people_write_are_read(text: str, meant: time) -> None:
    assert read_time_of_day(text) == meant


@pytest.mark.parametrize(
    "text",
    ["", None, "24:00", "9:5", "9:60", "25", "13pm", "0am", "9:30:00", "soon", "9 o'clock", "-1"],
)
def test_what_is_not_a_time_of_day_is_none(text: str | None) -> None:
    assert read_time_of_day(text) is None


@given(st.times())
def test_every_time_written_as_hh_mm_reads_back(moment: time) -> None:
    assert read_time_of_day(f"{moment:%H:%M}") == moment.replace(second=0, microsecond=0)
