"""Plain data types shared by the engine, the storage layer and the bot shell."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Principle(StrEnum):
    """What a prompt is about: one of the four principles, or the session theme."""

    ASSETS = "assets"
    WORK = "work"
    RECIPROCITY = "reciprocity"
    NETWORKS = "networks"
    THEME = "theme"


class Kind(StrEnum):
    """How a prompt is answered."""

    STAGE = "stage"  # one of the four stages
    TEXT = "text"  # free text
    CHOICE = "choice"  # one of the prompt's options
    CONSENT = "consent"  # yes or no, remembered


class Rag(StrEnum):
    """Red / amber / green. Always shown with words, never colour alone."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class Stage(IntEnum):
    """The four stages of the self-reflection tool, in order."""

    NOT_YET = 1
    BASICS = 2
    GETTING_THERE = 3
    DOING_WELL = 4

    @property
    def key(self) -> str:
        return _STAGE_KEYS[self]

    @property
    def rag(self) -> Rag:
        return _STAGE_RAG[self]

    @classmethod
    def from_key(cls, key: str) -> Stage:
        for stage, stage_key in _STAGE_KEYS.items():
            if stage_key == key:
                return stage
        raise ValueError(f"unknown stage {key!r}")


_STAGE_KEYS = {
    Stage.NOT_YET: "not_yet",
    Stage.BASICS: "basics",
    Stage.GETTING_THERE: "getting_there",
    Stage.DOING_WELL: "doing_well",
}
_STAGE_RAG = {
    Stage.NOT_YET: Rag.RED,
    Stage.BASICS: Rag.AMBER,
    Stage.GETTING_THERE: Rag.AMBER,
    Stage.DOING_WELL: Rag.GREEN,
}


class Keeps(StrEnum):
    """Where a choice or consent answer is remembered beyond the answers table."""

    SELF_DESCRIPTION = "self_description"  # choice: how the person describes themselves
    QUOTE_CONSENT = "quote_consent"  # consent: may we quote their words, without a name


@dataclass(frozen=True)
class Option:
    """One option of a ``choice`` prompt."""

    id: str
    text: str
    easy: str


@dataclass(frozen=True)
class Prompt:
    """One question. Every prompt is optional. ``text`` and ``easy`` may use ``{theme}``."""

    id: str
    principle: Principle
    kind: Kind
    text: str
    easy: str
    story: str | None = None  # a very short story shown just before the question
    story_easy: str | None = None
    options: tuple[Option, ...] = ()  # only for CHOICE
    keeps: Keeps | None = None
    idea: bool = False  # asks for ideas for change: summaries rank these for /prioritise
    line: int = 0  # where it starts in its pack file, for error messages


@dataclass(frozen=True)
class Pack:
    """One short conversation: a title, an opening, prompts and a close."""

    id: str
    title: str
    opening: str
    opening_easy: str
    close: str
    close_easy: str
    prompts: tuple[Prompt, ...]
    source: str = ""  # the file it was loaded from

    def prompt(self, prompt_id: str) -> Prompt | None:
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        return None


# ---------------------------------------------------------------- engine I/O


class Pace(StrEnum):
    """How a brew's questions reach people."""

    SELF = "self"  # each person walks the whole pack when they open the link
    LIVE = "live"  # in a live session: a question arrives when the facilitator pushes it
    DAILY = "daily"  # a part at a time, one a day (a person may keep going sooner)


class Status(StrEnum):
    """Where a person is with one pack."""

    ACTIVE = "active"  # waiting for an answer to ``current``
    PAUSED = "paused"  # said "pause"; nothing is sent until they resume
    STOPPED = "stopped"  # said "stop"; nothing is sent until they come back
    FINISHED = "finished"  # reached the close


@dataclass(frozen=True)
class Progress:
    """A person's place in one pack, as plain data that storage keeps as JSON."""

    pack_id: str
    status: Status = Status.ACTIVE
    current: str | None = None  # id of the prompt awaiting an answer
    done: tuple[str, ...] = ()  # ids answered or skipped, in order
    easy: bool = False  # easy-read wording
    consents: tuple[tuple[str, bool], ...] = ()  # remembered consent answers
    turns: int = 0  # events handled; varies the thank-yous
    stages: tuple[tuple[str, str], ...] = ()  # (prompt id, stage key) chosen, for the recap
    # Live and paced brews: the questions sent to this person so far, in the order sent.
    released: tuple[str, ...] = ()
    # Live: the question that was open when the next one was pushed. Typed words written
    # while it was still the one on their screen answer it (see conversations/pacing.py).
    late: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "pack_id": self.pack_id,
            "status": self.status.value,
            "current": self.current,
            "done": list(self.done),
            "easy": self.easy,
            "consents": [[k, v] for k, v in self.consents],
            "turns": self.turns,
            "stages": [[k, v] for k, v in self.stages],
            "released": list(self.released),
            "late": self.late,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Progress:
        done = data.get("done", [])
        consents = data.get("consents", [])
        turns = data.get("turns", 0)
        current = data.get("current")
        stages = data.get("stages", [])
        released = data.get("released", [])
        late = data.get("late")
        return cls(
            pack_id=str(data["pack_id"]),
            status=Status(str(data.get("status", "active"))),
            current=None if current is None else str(current),
            done=tuple(str(d) for d in done) if isinstance(done, list) else (),
            easy=bool(data.get("easy", False)),
            consents=tuple((str(k), bool(v)) for k, v in consents)
            if isinstance(consents, list)
            else (),
            turns=int(turns) if isinstance(turns, int) else 0,
            stages=tuple((str(k), str(v)) for k, v in stages) if isinstance(stages, list) else (),
            released=tuple(str(r) for r in released) if isinstance(released, list) else (),
            late=None if late is None else str(late),
        )


# Events a participant can cause. Buttons carry these as their action.


@dataclass(frozen=True)
class Begin:
    """Start (or come back to) the pack."""


@dataclass(frozen=True)
class AnswerText:
    """Typed text. Answers the current prompt when it takes text.

    In a live brew, words may have been written for the question before the one now open:
    ``at`` is when they were sent and ``shown_at`` when the question now open reached the
    person's screen (None: it has not, as far as anyone knows), both in seconds on one
    clock (Telegram's dates, in the bot).
    """

    text: str
    at: float | None = None
    shown_at: float | None = None


@dataclass(frozen=True)
class Choose:
    """A button press choosing ``option`` for ``prompt_id``.

    For STAGE prompts ``option`` is a Stage key; for CONSENT "yes" or "no".
    """

    prompt_id: str
    option: str


@dataclass(frozen=True)
class Skip:
    """Skip ``prompt_id`` (ignored unless it is the current prompt)."""

    prompt_id: str


@dataclass(frozen=True)
class Pause:
    """Take a break; nothing more is sent until Resume."""


@dataclass(frozen=True)
class Resume:
    """Carry on from where they left off."""


@dataclass(frozen=True)
class Stop:
    """Stop this pack for now."""


@dataclass(frozen=True)
class SetEasy:
    """Switch easy-read wording on or off."""

    on: bool


@dataclass(frozen=True)
class WordsFor:
    """Which question typed ``text`` is for, after brewbot asked (None: for none of them).

    The button carries only the question; the shell gives the words, from the message the
    question was asked about.
    """

    prompt_id: str | None
    text: str = ""


@dataclass(frozen=True)
class Push:
    """A facilitator sent ``prompt_id`` to everyone in a live brew."""

    prompt_id: str


@dataclass(frozen=True)
class NextPart:
    """A paced brew's delivery: the next part, for someone who has answered what they had."""


@dataclass(frozen=True)
class LiveEnded:
    """The live part of a brew is over: what is left may be answered in one's own time."""


Event = (
    Begin
    | AnswerText
    | Choose
    | Skip
    | Pause
    | Resume
    | Stop
    | SetEasy
    | WordsFor
    | Push
    | NextPart
    | LiveEnded
)


@dataclass(frozen=True)
class Button:
    """A button: its words and the event pressing it causes."""

    label: str
    event: Event


@dataclass(frozen=True)
class Reply:
    """One message to send. ``buttons`` are laid out one row per button."""

    text: str
    buttons: tuple[Button, ...] = ()
    expects_text: bool = False  # the person may type an answer
    about_words: bool = False  # a reply to the words just typed: its buttons say what they are for


@dataclass(frozen=True)
class Answer:
    """One answer to keep. Never holds who gave it: storage adds the random id."""

    prompt_id: str
    principle: Principle
    kind: Kind
    text: str | None = None  # free text, or the chosen option's words
    option: str | None = None  # option id / stage key / "yes" / "no"
    stage: Stage | None = None
    quote_consent: bool = False


@dataclass(frozen=True)
class Outcome:
    """What the engine decided: the new progress, what to send, what to keep."""

    progress: Progress
    replies: tuple[Reply, ...] = ()
    answers: tuple[Answer, ...] = ()
    quote_consent: bool | None = None  # set for all this person's answers in the brew
    self_description: str | None = None  # option id kept on the participant
    concern: bool = False  # an answer suggests someone may be at risk: hold it, offer help
    changed: bool = True  # False when the event changed nothing (stale button, odd input)
    notes: tuple[str, ...] = field(default=())  # message keys, for tests and logs
