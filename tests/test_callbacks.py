"""Button data: typed, signed, within 64 bytes; forged or foreign data is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import (
    ButtonCodec,
    CodebookAction,
    ForgedButton,
    ForgetAction,
    NewsAction,
    PackAction,
    PickAction,
    PromptAction,
    ReviewAction,
)
from conversations.loader import load_packs
from conversations.model import Choose, Kind, Pause, Resume, Skip, Stage, Stop, WordsFor

CODEC = ButtonCodec(b"123:secret")
ids = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
actions = st.one_of(
    st.builds(PromptAction, st.integers(1, 10**9), st.builds(Choose, ids, ids)),
    st.builds(PromptAction, st.integers(1, 10**9), st.builds(Skip, ids)),
    st.builds(PromptAction, st.integers(1, 10**9), st.sampled_from([Pause(), Resume(), Stop()])),
    st.builds(PromptAction, st.integers(1, 10**9), st.builds(WordsFor, st.none() | ids)),
    st.builds(ForgetAction, st.booleans()),
    st.builds(NewsAction, st.integers(1, 10**9), st.booleans()),
    st.builds(PickAction, ids, st.integers(1, 10**9)),
    st.builds(PackAction, st.integers(1, 10**9), ids),
    st.builds(CodebookAction, st.integers(1, 10**9), ids),
    st.builds(ReviewAction, st.integers(1, 10**9), st.booleans()),
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
    data = CODEC.pack(PromptAction(3, Choose("about_you", "other")))
    with pytest.raises(ForgedButton):
        ButtonCodec(b"456:other").unpack(data)
    with pytest.raises(ForgedButton):
        CODEC.unpack(data.replace("other", "works_in_care"))
    which = CODEC.pack(PromptAction(3, WordsFor("live_1")))
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
                CODEC.pack(PromptAction(big_brew, Choose(prompt.id, option)))
            CODEC.pack(PromptAction(big_brew, Skip(prompt.id)))
