"""The live counts message: how many answered the open question, and its themes so far.

One message in the facilitators' group per live question, edited in place. Groups take
about 20 messages a minute and edits count, so answers arriving together make one edit:
after an answer the edit waits ``edit_every`` seconds, then shows the count as it is then;
answers during that wait ride along, and the last edit always shows the true count.
With several workers on one database, the group's allowance is still the group's: a worker
edits a brew's counts only when it takes that brew's turn (a job lease lasting one wait), so
together they edit no more often than one worker would.
Themes appear only once enough people answered (``enough_people``), and only themes from
at least the minimum group of people; nothing else about anyone is shown. It is worded in the
group's language, whoever's answer brought the edit about.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from telegram.error import BadRequest, TelegramError

from bot.facilitators.reports import theme_finder
from bot.runtime.ratelimit import Priority, sending_as
from bot.services import App, BrewContext, Services, require_job_queue, services_of
from bot.speaking import speaking_in
from conversations.shown import FreeText, enough_people
from conversations.summary import group_themes
from storage.errors import StorageError
from storage.records import Brew, LiveQuestion

log = logging.getLogger(__name__)

_STATE = "brewbot.live_counts"
_SHOWN = "brewbot.live_counts_shown"  # (chat, message) -> the text this worker last put there
_EDITING = "brewbot.live_counts_editing"  # (chat, message) -> held while one edit is made
THEMES_SHOWN = 3
SHOWN_KEPT = 200


@dataclass
class _Pending:
    """Questions of one brew whose counts changed, and the task that will show them."""

    prompts: set[str] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


def edit_every(services: Services) -> float:
    """Seconds between edits of one counts message: half the group's allowance at most."""
    return 2 * 60.0 / services.settings.group_per_minute


async def my_turn(services: Services, brew_id: int) -> bool:
    """Take this brew's turn to edit its counts, shared by every worker on the database."""
    try:
        return await services.store.take_job(
            f"live-counts-{brew_id}", lasting=timedelta(seconds=edit_every(services))
        )
    except StorageError:  # the counts can wait; the answers are kept
        log.warning("Could not take the live counts' turn; they are shown at the next one")
        return False


def answered(app: App, brew_id: int, prompt_ids: set[str]) -> None:
    """Note that these questions of a live brew have new answers; show them soon, together."""
    pending: dict[int, _Pending] = app.bot_data.setdefault(_STATE, {})
    entry = pending.setdefault(brew_id, _Pending())
    entry.prompts |= prompt_ids
    if entry.task is None or entry.task.done():
        entry.task = app.create_task(_show_soon(app, brew_id, entry), name="brewbot live counts")


async def _show_soon(app: App, brew_id: int, entry: _Pending) -> None:
    """Wait a moment, then edit every counts message with new answers; again while more come."""
    services = services_of(app)
    while entry.prompts:
        await asyncio.sleep(edit_every(services))
        if not await my_turn(services, brew_id):
            continue  # another worker showed them a moment ago; ours wait for the next turn
        prompts, entry.prompts = entry.prompts, set()
        brew = await services.store.brew(brew_id)
        if brew is None or brew.group_chat_id is None:
            return
        for question in await services.store.live_questions(brew_id):
            if question.prompt_id in prompts and question.counts_message_id is not None:
                await show(app, brew, question)


async def show_all(context: BrewContext) -> None:
    """Show where each live brew's open question stands (at start-up: edits a stop cut short)."""
    services = context.services
    for brew in await services.store.live_brews():
        asked = await services.store.live_questions(brew.id)
        shown = asked and asked[-1].counts_message_id is not None
        if shown and brew.group_chat_id is not None and await my_turn(services, brew.id):
            await show(context.application, brew, asked[-1])  # workers starting: once


def schedule(app: App) -> None:
    """Bring the counts messages up to date soon after start-up."""
    require_job_queue(app).run_once(show_all, when=3, name="live counts")


def posted(app: App, chat_id: int, message_id: int, text: str) -> None:
    """Note the words a counts message was posted with, so nothing edits it to the same."""
    shown: dict[tuple[int, int], str] = app.bot_data.setdefault(_SHOWN, {})
    shown[(chat_id, message_id)] = text


async def show(app: App, brew: Brew, question: LiveQuestion) -> None:
    """Edit a question's counts message to show how it stands now.

    One edit of a message at a time in this worker: the start-up round and a round after
    answers can come together, and the second would make the same edit, which Telegram
    refuses ("message is not modified") after spending the group's allowance on it."""
    services = services_of(app)
    assert brew.group_chat_id is not None and question.counts_message_id is not None
    where = (brew.group_chat_id, question.counts_message_id)
    editing: dict[tuple[int, int], asyncio.Lock] = app.bot_data.setdefault(_EDITING, {})
    async with editing.setdefault(where, asyncio.Lock()):
        with speaking_in(await services.group_language(brew.group_chat_id)):
            text = await counts_text(services, brew, question)
        shown: dict[tuple[int, int], str] = app.bot_data.setdefault(_SHOWN, {})
        if shown.get(where) == text:
            return  # an edit to the same words is refused, and would spend the allowance
        try:
            with sending_as(Priority.TIDY):
                await app.bot.edit_message_text(
                    text, chat_id=brew.group_chat_id, message_id=question.counts_message_id
                )
            if len(shown) >= SHOWN_KEPT:
                shown.clear()  # only the open questions' matter
                editing.clear()
            shown[where] = text
        except BadRequest as error:  # unchanged (another worker showed it), or deleted
            log.info("The live counts message was not edited: %s", error)
        except TelegramError as error:
            log.warning("The live counts message could not be edited just now: %s", error)


async def counts_text(services: Services, brew: Brew, question: LiveQuestion) -> str:
    """Say which question is open, how many answered it, and its themes once enough did."""
    people, texts = await services.store.answered(brew.id, question.prompt_id)
    lines = [
        services.text(
            "live_counts", number=question.number, question=question_words(services, brew, question)
        ),
        services.text("live_counts_answered", count=people),
    ]
    min_group = services.settings.min_group
    writers = {t.person for t in texts}
    if enough_people(len(writers), min_group=min_group):
        said = [FreeText(t.person, t.prompt_id, t.principle, t.text) for t in texts]
        find = await theme_finder(services, brew)
        groups = await asyncio.to_thread(
            group_themes,
            said,
            find=find,
            min_group=min_group,
            limit=THEMES_SHOWN,
            quotes=0,
            messages=services.messages,
        )
        labels = [view.label for view in groups.shown]
        if labels:
            lines.append(services.text("live_counts_themes", themes="; ".join(labels)))
    return "\n".join(lines)


def question_words(services: Services, brew: Brew, question: LiveQuestion) -> str:
    """Return a live question's words: the facilitator's own, or the pack's with the theme."""
    if question.text is not None:
        return question.text
    pack = services.packs.get(brew.pack_id)
    prompt = pack.prompt(question.prompt_id) if pack is not None else None
    return prompt.text.format(theme=brew.theme) if prompt is not None else question.prompt_id
