"""Typed button data: the one place that packs and unpacks ``callback_data``.

Each button carries a small action, packed as ``kind:field:field`` with a short
HMAC tag keyed by a secret, so forged or mangled data is rejected instead of
being mistaken for an answer. Everything fits Telegram's 64-byte limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass

from conversations.model import Choose, Event, Pause, Resume, Skip, Stop, WordsFor
from conversations.voice import HeardChoice

MAX_BYTES = 64
_FIELD = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_TAG_BYTES = 6  # 48 bits: plenty against guessing, short enough for the limit


class ForgedButton(Exception):
    """Button data brewbot did not make (or made for another key)."""


@dataclass(frozen=True)
class PromptAction:
    """A participant's button in a brew: answer, skip, pause, carry on, stop, or say which
    question typed words are for."""

    brew_id: int
    event: Event


@dataclass(frozen=True)
class ForgetAction:
    """The confirm or cancel button under /forget."""

    confirm: bool


@dataclass(frozen=True)
class NewsAction:
    """Yes or no to 'we said, we did' news at the end of a brew."""

    brew_id: int
    wanted: bool


@dataclass(frozen=True)
class PickAction:
    """A facilitator choosing a brew for a purpose (summary, close, wesaid, ...)."""

    purpose: str
    brew_id: int


@dataclass(frozen=True)
class PackAction:
    """A facilitator switching a new brew to another pack, before anyone has joined."""

    brew_id: int
    pack_id: str


@dataclass(frozen=True)
class PaceAction:
    """A facilitator switching a new brew to a part a day, or back to all at once."""

    brew_id: int
    pace: str


@dataclass(frozen=True)
class CodebookAction:
    """A facilitator choosing the shipped codebook a new brew's answers are read against,
    or none (``NO_CODEBOOK``)."""

    brew_id: int
    codebook_id: str


NO_CODEBOOK = "off"


@dataclass(frozen=True)
class ReviewAction:
    """A facilitator releasing or keeping out a held answer."""

    answer_id: int
    release: bool


@dataclass(frozen=True)
class RevealAction:
    """A facilitator asking to see one held answer with its names and numbers left in."""

    answer_id: int


@dataclass(frozen=True)
class ThemeAction:
    """A facilitator starting a brew on the theme a poll of suggestions chose."""

    poll_id: int
    option: int


@dataclass(frozen=True)
class HeardAction:
    """Keep, Try again or Type instead, under the words heard in a voice note."""

    heard_id: int
    choice: HeardChoice


@dataclass(frozen=True)
class LanguageAction:
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


class ButtonCodec:
    """Pack actions into signed callback data and unpack only what it packed."""

    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(b"brewbot-buttons\x00" + key).digest()

    def pack(self, action: Action) -> str:
        """Return callback data for an action, at most 64 bytes."""
        body = ":".join(_fields(action))
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
            return _action(body.split(":"))
        except (ValueError, IndexError):
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


def _check(*parts: str) -> tuple[str, ...]:
    for part in parts:
        if not _FIELD.match(part):
            raise ValueError(f"cannot put {part!r} in button data")
    return parts


def _fields(action: Action) -> tuple[str, ...]:
    match action:
        case PromptAction(brew_id, Choose(prompt_id, option)):
            return _check("c", str(brew_id), prompt_id, option)
        case PromptAction(brew_id, Skip(prompt_id)):
            return _check("s", str(brew_id), prompt_id)
        case PromptAction(brew_id, Pause()):
            return _check("p", str(brew_id))
        case PromptAction(brew_id, Resume()):
            return _check("r", str(brew_id))
        case PromptAction(brew_id, Stop()):
            return _check("x", str(brew_id))
        case PromptAction(brew_id, WordsFor(None)):
            return _check("a", str(brew_id))
        case PromptAction(brew_id, WordsFor(str(prompt_id))):
            return _check("a", str(brew_id), prompt_id)
        case ForgetAction(confirm):
            return ("f", "1" if confirm else "0")
        case NewsAction(brew_id, wanted):
            return ("n", str(brew_id), "1" if wanted else "0")
        case PickAction(purpose, brew_id):
            return _check("k", purpose, str(brew_id))
        case PackAction(brew_id, pack_id):
            return _check("b", str(brew_id), pack_id)
        case PaceAction(brew_id, pace):
            return _check("q", str(brew_id), pace)
        case CodebookAction(brew_id, codebook_id):
            return _check("o", str(brew_id), codebook_id)
        case ReviewAction(answer_id, release):
            return ("v", str(answer_id), "1" if release else "0")
        case RevealAction(answer_id):
            return ("w", str(answer_id))
        case ThemeAction(poll_id, option):
            return ("t", str(poll_id), str(option))
        case HeardAction(heard_id, choice):
            return _check("h", str(heard_id), choice.value)
        case LanguageAction(language):
            return _check("l", language)
    raise ValueError(f"no button data for {action!r}")


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(text)
    return text == "1"


def _action(parts: list[str]) -> Action:
    kind, args = parts[0], parts[1:]
    simple: dict[str, type[Pause] | type[Resume] | type[Stop]] = {
        "p": Pause,
        "r": Resume,
        "x": Stop,
    }
    if kind == "c" and len(args) == 3:
        return PromptAction(int(args[0]), Choose(args[1], args[2]))
    if kind == "s" and len(args) == 2:
        return PromptAction(int(args[0]), Skip(args[1]))
    if kind in simple and len(args) == 1:
        return PromptAction(int(args[0]), simple[kind]())
    if kind == "a" and len(args) in (1, 2):  # the words come from the message it replied to
        return PromptAction(int(args[0]), WordsFor(args[1] if len(args) == 2 else None))
    if kind == "f" and len(args) == 1:
        return ForgetAction(_flag(args[0]))
    if kind == "n" and len(args) == 2:
        return NewsAction(int(args[0]), _flag(args[1]))
    if kind == "k" and len(args) == 2:
        return PickAction(args[0], int(args[1]))
    if kind == "b" and len(args) == 2:
        return PackAction(int(args[0]), args[1])
    if kind == "q" and len(args) == 2:
        return PaceAction(int(args[0]), args[1])
    if kind == "o" and len(args) == 2:
        return CodebookAction(int(args[0]), args[1])
    if kind == "v" and len(args) == 2:
        return ReviewAction(int(args[0]), _flag(args[1]))
    if kind == "w" and len(args) == 1:
        return RevealAction(int(args[0]))
    if kind == "t" and len(args) == 2:
        return ThemeAction(int(args[0]), int(args[1]))
    if kind == "h" and len(args) == 2:
        return HeardAction(int(args[0]), HeardChoice(args[1]))
    if kind == "l" and len(args) == 1:
        return LanguageAction(args[0])
    raise ValueError(kind)
