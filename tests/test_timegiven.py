"""Time given: steps add up, long pauses are capped, and a brew's total shows only for enough."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.timegiven import PAUSE_CAP, added_seconds, brew_time, minutes

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_a_gap_counts_up_to_the_cap_and_never_backwards() -> None:
    assert added_seconds(T0, T0 + timedelta(seconds=90)) == 90
    assert added_seconds(T0, T0 + timedelta(days=2)) == int(PAUSE_CAP.total_seconds())
    assert added_seconds(T0, T0 - timedelta(seconds=5)) == 0


def test_minutes_round_and_any_time_is_at_least_one() -> None:
    assert [minutes(s) for s in (0, 1, 89, 90, 1500)] == [0, 1, 1, 2, 25]


def test_a_brews_total_and_median_need_enough_people() -> None:
    assert brew_time([60, 120, 0, 0, 600], min_group=4) is None  # two gave none
    counted = brew_time([60, 120, 180, 240, 6000], min_group=5)
    assert counted is not None
    assert (counted.people, counted.total_minutes, counted.median_minutes) == (5, 110, 3)
