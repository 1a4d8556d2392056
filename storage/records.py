"""Frozen records the store hands back. None of them holds a name; only ``Participant``,
``NudgeDue``, ``NewsItem`` and ``Delivery`` carry a person's chat id, to reach them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from conversations.model import Kind, Pace, Principle, Rag, Stage
from conversations.packed import OneOf, Packed


@dataclass(frozen=True)
class Group:
    """A facilitators' group chat (its Telegram id is always negative)."""

    id: int
    chat_id: int
    settings: dict[str, object] = field(hash=False)
    created_at: datetime


@dataclass(frozen=True)
class Brew:
    """One session on a theme, joined through its unguessable ``code``."""

    id: int
    code: str
    theme: str
    pack_id: str
    group_id: int | None
    group_chat_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    pace: Pace = Pace.SELF
    pace_at: str | None = None  # a paced brew's local time of day, "HH:MM"
    live_ended_at: datetime | None = None
    codebook_id: int | None = None  # the codebook its answers are read against, if any
    language: str | None = None  # /newbrew lang=cy: the language new people start in

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def was_live(self) -> bool:
        """Say whether the brew is, or was, run live (so it may hold one-off questions)."""
        return self.pace is Pace.LIVE or self.live_ended_at is not None


@dataclass(frozen=True)
class StoredCodebook:
    """A codebook as a group chose it: its YAML as written, and the file name or shipped id
    it came as (read it with ``conversations.codebook.parse_codebook(source, name)``)."""

    id: int
    name: str
    source: str


@dataclass(frozen=True)
class BrewCounts:
    """How many people began a brew on Telegram, how many reached its close, and how many
    answers were brought in from elsewhere (paper, web forms: one person each)."""

    took_part: int
    finished: int
    imported: int = 0

    @property
    def people(self) -> int:
        """Everyone whose words count: on Telegram, and each answer brought in."""
        return self.took_part + self.imported


@dataclass(frozen=True)
class Participant:
    """A person, known by a random id; ``chat_id`` is only how we reach them."""

    id: str
    chat_id: int
    easy: bool
    nudges: bool
    news: bool
    stopped: bool
    self_description: str | None
    created_at: datetime
    language: str | None = None  # chosen, or the one they started in; None: not yet known


@dataclass(frozen=True)
class LiveQuestion:
    """A question pushed in a live brew: one of its pack's, or the facilitator's own words."""

    id: int
    brew_id: int
    number: int
    prompt_id: str
    text: str | None  # the facilitator's own question; None for one of the pack's
    asked_at: datetime
    counts_message_id: int | None


class AskLive(Packed, prefix="ask"):
    """A live question to deliver, by its number in the brew (kept as "ask:N")."""

    number: int


class DayPart(Packed, prefix="day"):
    """A paced brew's part for a day (kept as "day:YYYY-MM-DD")."""

    day: date


class LiveEnd(Packed, prefix="end"):
    """The end of a brew's live part (kept as "end")."""


DeliveryWhat = AskLive | DayPart | LiveEnd
DELIVERING: OneOf[DeliveryWhat] = OneOf(AskLive, DayPart, LiveEnd)


@dataclass(frozen=True)
class Delivery:
    """One person's copy of a live question, a day's part, or the end of the live part,
    kept before it is sent. ``what`` is None if it names something this brewbot does not
    know (kept by a newer one): it is marked done without sending anything."""

    id: int
    brew_id: int
    participant_id: str
    chat_id: int
    what: DeliveryWhat | None


@dataclass(frozen=True)
class NudgeDue:
    """Someone who went quiet part way through a brew and may get one gentle nudge."""

    participant_id: str
    chat_id: int
    brew_id: int


@dataclass(frozen=True)
class StageCount:
    """How many (not held) answers put a principle at a stage in one brew."""

    principle: Principle
    stage: Stage
    rag: Rag
    count: int


@dataclass(frozen=True)
class WeeklyStageCount:
    """How many (not held) answers put a principle at a stage in an ISO week."""

    week: str  # "YYYY-Www"
    principle: Principle
    stage: Stage
    count: int


@dataclass(frozen=True)
class WeeklyBrewStageCount:
    """How many (not held) answers in one brew put a principle at a stage in an ISO week."""

    week: str  # "YYYY-Www"
    brew_id: int
    principle: Principle
    stage: Stage
    count: int


@dataclass(frozen=True)
class StoredText:
    """One free-text answer. ``person`` is an opaque key, only to count people, not answers."""

    answer_id: int
    person: str
    prompt_id: str
    principle: Principle
    text: str
    quote_consent: bool


@dataclass(frozen=True)
class BrewAnswerText:
    """A free-text answer and the brew it was given in (for the digest)."""

    brew_id: int
    answer: StoredText


@dataclass(frozen=True)
class StoredAnswer:
    """One answer row as kept (for exports and checks); ``participant_id`` is random."""

    id: int
    participant_id: str | None
    brew_id: int
    prompt_id: str
    principle: Principle
    kind: Kind
    stage: Stage | None
    rag: Rag | None
    option: str | None
    text: str | None
    quote_consent: bool
    held: bool
    review: str | None
    imported: bool
    created_at: datetime


@dataclass(frozen=True)
class HeldAnswer:
    """An answer held back for a facilitator to look at before it is summarised."""

    answer_id: int
    brew_id: int
    text: str | None
    created_at: datetime
    shown_in_full: int = 0  # times an admin showed it unmasked (never who)


@dataclass(frozen=True)
class PlanItem:
    """One action in a brew's plan: who does what, by when."""

    id: int
    brew_id: int
    who: str
    what: str
    due: str | None
    created_at: datetime


@dataclass(frozen=True)
class WeekBrew:
    """A brew that was opened or answered in a week, and how many people answered it then."""

    brew_id: int
    theme: str
    took_part: int


@dataclass(frozen=True)
class WeSaid:
    """One "we said, we did" update a facilitator wrote for a brew."""

    id: int
    brew_id: int
    theme: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class NewsItem:
    """One queued "we said, we did" message for one person, with what is needed to word it."""

    outbox_id: int
    chat_id: int
    easy: bool
    theme: str
    text: str
    language: str | None = None  # the person's, to word it in


@dataclass(frozen=True)
class WeSaidQueued:
    """A newly kept "we said, we did" and how many people it was queued for."""

    wesaid_id: int
    queued: int
