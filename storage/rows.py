"""Turn stored rows into records: the column lists and the converters live together."""

from __future__ import annotations

import json

from conversations.model import Kind, Pace, Principle, Progress, Rag, Stage
from storage.backend import Row
from storage.records import Brew, Group, Participant, PlanItem, StoredAnswer, StoredText
from storage.times import parse, parse_optional

GROUP_COLUMNS = "g.id, g.chat_id, g.settings, g.created_at"
BREW_COLUMNS = (
    "b.id, b.code, b.theme, b.pack_id, b.group_id, g.chat_id AS group_chat_id,"
    " b.opened_at, b.closed_at, b.pace, b.pace_at, b.live_ended_at, b.codebook_id, b.language"
)
BREW_FROM = "brews AS b LEFT JOIN groups AS g ON g.id = b.group_id"
PARTICIPANT_COLUMNS = (
    "p.id, p.chat_id, p.easy, p.nudges, p.news, p.stopped, p.self_description, p.created_at,"
    " p.language"
)
ANSWER_COLUMNS = (
    "a.id, a.participant_id, a.brew_id, a.prompt_id, a.principle, a.kind, a.stage, a.rag,"
    " a.option, a.text, a.quote_consent, a.held, a.review, a.imported, a.created_at"
)
PLAN_COLUMNS = "id, brew_id, who, what, due, created_at"
# An opaque key per person in ``answers``, to count people not answers: a participant's
# random id, or the row's own id for an imported answer (each one a person of its own).
PERSON = "COALESCE('p:' || participant_id, 'a:' || id)"
A_PERSON = "COALESCE('p:' || a.participant_id, 'a:' || a.id)"  # the same, for ``answers AS a``


def optional_str(value: object) -> str | None:
    """Return a stored text value, or None."""
    return None if value is None else str(value)


def settings(text: str) -> dict[str, object]:
    """Read a group's settings JSON."""
    value = json.loads(text)
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def group(row: Row) -> Group:
    """Build a Group from a row selected with GROUP_COLUMNS."""
    return Group(
        id=int(row["id"]),
        chat_id=int(row["chat_id"]),
        settings=settings(str(row["settings"])),
        created_at=parse(str(row["created_at"])),
    )


def brew(row: Row) -> Brew:
    """Build a Brew from a row selected with BREW_COLUMNS."""
    group_id, group_chat_id = row["group_id"], row["group_chat_id"]
    return Brew(
        id=int(row["id"]),
        code=str(row["code"]),
        theme=str(row["theme"]),
        pack_id=str(row["pack_id"]),
        group_id=None if group_id is None else int(group_id),
        group_chat_id=None if group_chat_id is None else int(group_chat_id),
        opened_at=parse(str(row["opened_at"])),
        closed_at=parse_optional(optional_str(row["closed_at"])),
        pace=Pace(str(row["pace"])),
        pace_at=optional_str(row["pace_at"]),
        live_ended_at=parse_optional(optional_str(row["live_ended_at"])),
        codebook_id=None if row["codebook_id"] is None else int(row["codebook_id"]),
        language=optional_str(row["language"]),
    )


def participant(row: Row) -> Participant:
    """Build a Participant from a row selected with PARTICIPANT_COLUMNS."""
    return Participant(
        id=str(row["id"]),
        chat_id=int(row["chat_id"]),
        easy=bool(row["easy"]),
        nudges=bool(row["nudges"]),
        news=bool(row["news"]),
        stopped=bool(row["stopped"]),
        self_description=optional_str(row["self_description"]),
        created_at=parse(str(row["created_at"])),
        language=optional_str(row["language"]),
    )


def progress(state: str) -> Progress:
    """Read a Progress kept as JSON."""
    data = json.loads(state)
    if not isinstance(data, dict):
        raise ValueError("stored progress is not a JSON object")
    return Progress.from_dict({str(k): v for k, v in data.items()})


def answer(row: Row) -> StoredAnswer:
    """Build a StoredAnswer from a row selected with ANSWER_COLUMNS."""
    stage, rag = row["stage"], row["rag"]
    return StoredAnswer(
        id=int(row["id"]),
        participant_id=optional_str(row["participant_id"]),
        brew_id=int(row["brew_id"]),
        prompt_id=str(row["prompt_id"]),
        principle=Principle(str(row["principle"])),
        kind=Kind(str(row["kind"])),
        stage=None if stage is None else Stage(int(stage)),
        rag=None if rag is None else Rag(str(rag)),
        option=optional_str(row["option"]),
        text=optional_str(row["text"]),
        quote_consent=bool(row["quote_consent"]),
        held=bool(row["held"]),
        review=optional_str(row["review"]),
        imported=bool(row["imported"]),
        created_at=parse(str(row["created_at"])),
    )


def answer_text(row: Row) -> StoredText:
    """Build an StoredText from a row of id, person (see PERSON), prompt_id, principle, text
    and quote_consent."""
    return StoredText(
        answer_id=int(row["id"]),
        person=str(row["person"]),
        prompt_id=str(row["prompt_id"]),
        principle=Principle(str(row["principle"])),
        text=str(row["text"]),
        quote_consent=bool(row["quote_consent"]),
    )


def plan_item(row: Row) -> PlanItem:
    """Build a PlanItem from a row selected with PLAN_COLUMNS."""
    return PlanItem(
        id=int(row["id"]),
        brew_id=int(row["brew_id"]),
        who=str(row["who"]),
        what=str(row["what"]),
        due=optional_str(row["due"]),
        created_at=parse(str(row["created_at"])),
    )
