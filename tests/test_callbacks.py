"""Button data: typed, signed, within 64 bytes; forged or foreign data is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import (
    Action,
    ButtonCodec,
    CodebookAction,
    ForgedButton,
    ForgetAction,
    HeardAction,
    LanguageAction,
    NewsAction,
    PaceAction,
    PackAction,
    PickAction,
    PromptAction,
    Purpose,
    RevealAction,
    ReviewAction,
    ThemeAction,
)
from conversations.loader import load_packs
from conversations.model import Choose, Kind, Pace, Pause, Resume, Skip, Stage, Stop, WordsFor
from conversations.voice import HeardChoice

CODEC = ButtonCodec(b"123:secret")
ids = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
actions = st.one_of(
    st.builds(PromptAction.of, st.integers(1, 10**9), st.builds(Choose, ids, ids)),
    st.builds(PromptAction.of, st.integers(1, 10**9), st.builds(Skip, ids)),
    st.builds(PromptAction.of, st.integers(1, 10**9), st.sampled_from([Pause(), Resume(), Stop()])),
    st.builds(PromptAction.of, st.integers(1, 10**9), st.builds(WordsFor, st.none() | ids)),
    st.builds(ForgetAction, st.booleans()),
    st.builds(NewsAction, st.integers(1, 10**9), st.booleans()),
    st.builds(PickAction, st.sampled_from(Purpose), st.integers(1, 10**9)),
    st.builds(PackAction, st.integers(1, 10**9), ids),
    st.builds(CodebookAction, st.integers(1, 10**9), ids),
    st.builds(ReviewAction, st.integers(1, 10**9), st.booleans()),
    st.builds(RevealAction, st.integers(1, 10**9)),
    st.builds(ThemeAction, st.integers(1, 10**9), st.integers(0, 10)),
    st.builds(HeardAction, st.integers(1, 10**9), st.sampled_from(HeardChoice)),
    st.builds(LanguageAction, st.sampled_from(["en", "cy"])),
    st.builds(PaceAction, st.integers(1, 10**9), st.sampled_from(Pace)),
)


@given(actions)
def test_every_action_round_trips_within_64_bytes(action: object) -> None:
    data = CODEC.pack(action)  # type: ignore[arg-type]
    assert len(data.encode()) <= 64
    assert CODEC.unpack(data) == action


@given(st.text(max_size=80))
def test_anything_else_is_refused(data: str) -> None:
    with pytest.raises(ForgedButton):
        CODEC.unpack(data)


def test_data_from_another_key_or_tampered_is_refused() -> None:
    data = CODEC.pack(PromptAction.of(3, Choose("about_you", "other")))
    with pytest.raises(ForgedButton):
        ButtonCodec(b"456:other").unpack(data)
    with pytest.raises(ForgedButton):
        CODEC.unpack(data.replace("other", "works_in_care"))
    which = CODEC.pack(PromptAction.of(3, WordsFor("live_1")))
    with pytest.raises(ForgedButton):  # "these words are for another question" is refused
        CODEC.unpack(which.replace("live_1", "live_2"))


def test_every_button_of_the_shipped_packs_fits() -> None:
    big_brew = 10**9
    for pack in load_packs().values():
        for prompt in pack.prompts:
            options = [o.id for o in prompt.options]
            if prompt.kind is Kind.STAGE:
                options = [s.key for s in Stage]
            if prompt.kind is Kind.CONSENT:
                options = ["yes", "no"]
            for option in options:
                CODEC.pack(PromptAction.of(big_brew, Choose(prompt.id, option)))
            CODEC.pack(PromptAction.of(big_brew, Skip(prompt.id)))


@given(actions)
def test_a_button_carries_the_event_it_was_made_for(action: object) -> None:
    if isinstance(action, PromptAction):
        assert PromptAction.of(action.brew_id, action.event) == action


def test_the_words_typed_are_not_in_the_button() -> None:
    pressed = CODEC.unpack(CODEC.pack(PromptAction.of(3, WordsFor("live_1", "my words"))))
    assert isinstance(pressed, PromptAction) and pressed.event == WordsFor("live_1")


# Buttons already on people's screens were packed like this (by the hand-split codec
# before the typed one): they must keep working.
ON_SCREENS = [
    ("c:12345:p_1:o-2.hOg1mKtT", PromptAction.of(12345, Choose("p_1", "o-2"))),
    ("a:12345.3FE0Q4ke", PromptAction.of(12345, WordsFor(None))),
    ("k:plan:4.EHKWvcys", PickAction(Purpose.PLAN, 4)),
    ("h:8:type.dQrmstm-", HeardAction(8, HeardChoice.TYPE)),
]


@pytest.mark.parametrize(("data", "action"), ON_SCREENS)
def test_buttons_packed_before_read_the_same(data: str, action: Action) -> None:
    assert CODEC.unpack(data) == action
    assert CODEC.pack(action) == data


@pytest.mark.parametrize(
    "body",
    [
        "c:3:about_you",  # a field short
        "c:3:about_you:other:more",  # one too many
        "c:03:about_you:other",  # a number written two ways
        "c:+3:about_you:other",
        "f:2",  # neither yes nor no
        "h:8:shout",  # no such choice
        "k:launch:4",  # no such purpose
        "q:4:weekly",  # no such pace
        "z:1",  # no such kind
        "c:3:about you:other",  # a space
        "",
    ],
)
def test_signed_but_garbled_data_is_refused(body: str) -> None:
    with pytest.raises(ForgedButton):
        CODEC.unpack(f"{body}.{CODEC._tag(body)}")


def test_a_field_that_would_break_the_data_is_refused_when_packing() -> None:
    for bad in ("a:b", "a.b", "", "é", "x" * 41):
        with pytest.raises(ValueError):
            CODEC.pack(PackAction(1, bad))
