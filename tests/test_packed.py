"""Typed records packed into short strings: the declared fields are the format, each value
has one packed form, and anything else is refused with a reason."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.packed import BadPacked, OneOf, Packed


class Colour(Enum):
    RED = "red"
    DARK_BLUE = "dark-blue"


class Every(Packed, prefix="e"):
    number: int
    word: str
    flag: bool
    day: date
    colour: Colour
    more: int | None = None
    last: str | None = None


class Nothing(Packed, prefix="nil"):
    pass


class Family(Packed):
    shared: int


class Member(Family, prefix="m"):
    own: str


words = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)
everys = st.builds(
    Every,
    st.integers(-(10**18), 10**18),
    words,
    st.booleans(),
    st.dates(),
    st.sampled_from(Colour),
    st.none() | st.integers(0, 10**6),
    st.none() | words,
).filter(lambda e: e.last is None or e.more is not None)
BOTH = OneOf(Every, Nothing, Member)


@given(everys)
def test_every_record_round_trips(record: Every) -> None:
    packed = record.pack()
    assert Every.unpack(packed) == record
    assert BOTH.unpack(packed) == record


@given(st.text(max_size=60))
def test_anything_not_packed_by_it_is_refused_or_read_back_the_same(text: str) -> None:
    try:
        record = BOTH.unpack(text)
    except BadPacked:
        return
    assert record.pack() == text  # one packed form for each value


def test_the_format_is_the_prefix_then_the_fields_in_order() -> None:
    record = Every(7, "w", True, date(2026, 11, 24), Colour.DARK_BLUE)
    assert record.pack() == "e:7:w:1:2026-11-24:dark-blue"
    assert Every(7, "w", False, date(2026, 11, 24), Colour.RED, 3).pack().endswith(":red:3")
    assert Nothing().pack() == "nil" and Nothing.unpack("nil") == Nothing()
    assert Member(1, "x").pack() == "m:1:x" and BOTH.unpack("m:1:x") == Member(1, "x")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("e:7:w:1:2026-11-24", "has 5 to 7 fields"),
        ("e:7:w:1:2026-11-24:red:1:x:y", "has 5 to 7 fields"),
        ("e:07:w:1:2026-11-24:red", "'07' is not its number"),
        ("e:7:w:yes:2026-11-24:red", "'yes' is not its flag"),
        ("e:7:w:1:20261124:red", "'20261124' is not its day"),
        ("e:7:w:1:2026-02-30:red", "is not its day"),
        ("e:7:w:1:2026-11-24:green", "'green' is not its colour"),
        ("e:7::1:2026-11-24:red", "'' is not its word"),
        ("nil:1", "has 0 to 0 fields"),
        ("x:1", "names none of e, nil, m"),
    ],
)
def test_garbled_text_is_refused_saying_why(text: str, why: str) -> None:
    with pytest.raises(BadPacked, match=why):
        BOTH.unpack(text)


def test_a_kind_reads_only_its_own_prefix() -> None:
    with pytest.raises(BadPacked, match="is not a Nothing"):
        Nothing.unpack("m:1:x")
    with pytest.raises(BadPacked, match="a family"):
        Family(1).pack()


@pytest.mark.parametrize(
    "record",
    [
        Every(1, "a:b", True, date(2026, 1, 1), Colour.RED),  # the separator
        Every(1, "", True, date(2026, 1, 1), Colour.RED),
        Every(1, "x" * 41, True, date(2026, 1, 1), Colour.RED),
        Every(1, "w", True, datetime(2026, 1, 1, 9), Colour.RED),  # a moment, not a day
        Every(True, "w", True, date(2026, 1, 1), Colour.RED),
        Every(1, "w", 1, date(2026, 1, 1), Colour.RED),  # type: ignore[arg-type]
        Every(1, "w", True, date(2026, 1, 1), Colour.RED, None, "last"),  # a gap
        Every(1, "w", True, date(2026, 1, 1), None),  # type: ignore[arg-type]
        Every(1, "w", True, date(2026, 1, 1), "red"),  # type: ignore[arg-type]
    ],
)
def test_a_value_that_cannot_be_read_back_is_refused_when_packing(record: Every) -> None:
    with pytest.raises(BadPacked):
        record.pack()


def test_a_declaration_it_cannot_pack_fails_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="cannot pack"):

        class Floaty(Packed, prefix="fl"):
            amount: float

    with pytest.raises(TypeError, match="only the last fields"):

        class Gappy(Packed, prefix="ga"):
            first: int | None
            second: int

    with pytest.raises(TypeError, match="prefix"):

        class Shouty(Packed, prefix="A:B"):
            pass

    with pytest.raises(TypeError, match="a prefix of its own"):
        OneOf(Every, Every)
