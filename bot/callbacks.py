"""Typed button data: the one place that packs and unpacks ``callback_data``.

Each kind of button is a small record whose fields declare its format
(``conversations.packed``, aiogram's ``CallbackData`` shape), packed as ``kind:field:field``
with a short HMAC tag keyed by a secret, so forged or mangled data is rejected instead of
being mistaken for an answer. Everything fits Telegram's 64-byte limit.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from collections.abc import Callable
from enum import StrEnum
from typing import ClassVar

from conversations.model import Choose, Event, Pace, Pause, Resume, Skip, Stop, WordsFor
from conversations.packed import BadPacked, OneOf, Packed
from conversations.voice import HeardChoice

MAX_BYTES = 64
_TAG_BYTES = 6  # 48 bits: plenty against guessing, short enough for the limit


class ForgedButton(Exception):
    """Button data brewbot did not make (or made for another key)."""


class PromptAction(Packed):
    """A participant's button in a brew: answer, skip, pause, carry on, stop, or say which
    question typed words are for. Each kind carries the brew and the fields of the engine
    event it stands for (``event``)."""

    brew_id: int
    EVENT: ClassVar[Callable[..., Event]]

    @property
    def event(self) -> Event:
        """The engine event this button stands for."""
        return self.EVENT(**{name: getattr(self, name) for name in _event_fields(type(self))})

    @staticmethod
    def of(brew_id: int, event: Event) -> PromptAction:
        """Return the button for an engine event in a brew."""
        for kind in PROMPT_KINDS:
            if type(event) is kind.EVENT:
                return kind(brew_id, *(getattr(event, name) for name in _event_fields(kind)))
        raise BadPacked(f"no button stands for {event!r}")


def _event_fields(kind: type[PromptAction]) -> list[str]:
    """The fields of a prompt button that are its event's (all but the brew)."""
    return [f.name for f in dataclasses.fields(kind) if f.name != "brew_id"]


class ChooseAction(PromptAction, prefix="c"):
    """Choose an option of a question."""

    EVENT = Choose
    prompt_id: str
    option: str


class SkipAction(PromptAction, prefix="s"):
    """Skip a question."""

    EVENT = Skip
    prompt_id: str


class PauseAction(PromptAction, prefix="p"):
    """Take a break."""

    EVENT = Pause


class ResumeAction(PromptAction, prefix="r"):
    """Carry on."""

    EVENT = Resume


class StopAction(PromptAction, prefix="x"):
    """Stop for now."""

    EVENT = Stop


class WordsForAction(PromptAction, prefix="a"):
    """Say which question typed words are for (None: none of them); the words come from the
    message it replied to."""

    EVENT = WordsFor
    prompt_id: str | None


PROMPT_KINDS: tuple[type[PromptAction], ...] = (
    ChooseAction,
    SkipAction,
    PauseAction,
    ResumeAction,
    StopAction,
    WordsForAction,
)


class ForgetAction(Packed, prefix="f"):
    """The confirm or cancel button under /forget."""

    confirm: bool


class NewsAction(Packed, prefix="n"):
    """Yes or no to 'we said, we did' news at the end of a brew."""

    brew_id: int
    wanted: bool


class Purpose(StrEnum):
    """What a facilitator's brew button is for (its value is what the button carries)."""

    CLOSE = "close"
    CLOSE_YES = "close_yes"
    CLOSE_NO = "close_no"
    SUMMARY = "summary"
    EXPORT = "export"
    APPROVE = "sum_ok"
    ASK_CHANGE = "sum_change"
    PRIORITISE = "prioritise"
    PLAN = "plan"
    PLAN_SHOW = "plan_show"
    WESAID = "wesaid"


class PickAction(Packed, prefix="k"):
    """A facilitator choosing a brew for a purpose (summary, close, wesaid, ...)."""

    purpose: Purpose
    brew_id: int


class PackAction(Packed, prefix="b"):
    """A facilitator switching a new brew to another pack, before anyone has joined."""

    brew_id: int
    pack_id: str


class PaceAction(Packed, prefix="q"):
    """A facilitator switching a new brew to a part a day, or back to all at once."""

    brew_id: int
    pace: Pace


class CodebookAction(Packed, prefix="o"):
    """A facilitator choosing the shipped codebook a new brew's answers are read against,
    or none (``NO_CODEBOOK``)."""

    brew_id: int
    codebook_id: str


NO_CODEBOOK = "off"


class ReviewAction(Packed, prefix="v"):
    """A facilitator releasing or keeping out a held answer."""

    answer_id: int
    release: bool


class RevealAction(Packed, prefix="w"):
    """A facilitator asking to see one held answer with its names and numbers left in."""

    answer_id: int


class ThemeAction(Packed, prefix="t"):
    """A facilitator starting a brew on the theme a poll of suggestions chose."""

    poll_id: int
    option: int


class HeardAction(Packed, prefix="h"):
    """Keep, Try again or Type instead, under the words heard in a voice note."""

    heard_id: int
    choice: HeardChoice


class LanguageAction(Packed, prefix="l"):
    """A person (or a group's admin) choosing the language brewbot speaks to them."""

    language: str


Action = (
    PromptAction
    | ForgetAction
    | NewsAction
    | PickAction
    | PackAction
    | ReviewAction
    | RevealAction
    | ThemeAction
    | PaceAction
    | CodebookAction
    | HeardAction
    | LanguageAction
)

BUTTONS: OneOf[Action] = OneOf(
    *PROMPT_KINDS,
    ForgetAction,
    NewsAction,
    PickAction,
    PackAction,
    ReviewAction,
    RevealAction,
    ThemeAction,
    PaceAction,
    CodebookAction,
    HeardAction,
    LanguageAction,
)


class ButtonCodec:
    """Pack actions into signed callback data and unpack only what it packed."""

    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(b"brewbot-buttons\x00" + key).digest()

    def pack(self, action: Action) -> str:
        """Return callback data for an action, at most 64 bytes."""
        body = action.pack()
        data = f"{body}.{self._tag(body)}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"button data too long ({len(data.encode())} bytes): {body!r}")
        return data

    def unpack(self, data: str | None) -> Action:
        """Return the action behind callback data, or raise ForgedButton."""
        if not data or "." not in data or len(data.encode()) > MAX_BYTES:
            raise ForgedButton("button data is missing or malformed")
        body, _, tag = data.rpartition(".")
        if not hmac.compare_digest(tag.encode(), self._tag(body).encode()):
            raise ForgedButton("button data is not signed by this bot")
        try:
            return BUTTONS.unpack(body)
        except BadPacked:
            raise ForgedButton("button data names an unknown action") from None

    def accepts(self, kind: type[Action]) -> Callable[[object], bool]:
        """Return a predicate for CallbackQueryHandler: data this codec made, of that kind."""

        def predicate(data: object) -> bool:
            try:
                return isinstance(data, str) and isinstance(self.unpack(data), kind)
            except ForgedButton:
                return False

        return predicate

    def _tag(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()[:_TAG_BYTES]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
