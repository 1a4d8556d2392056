"""/mydata shows everything kept about a person; /forget deletes it all, after a confirm.

An answer with a name, number or address in it is shown whole, as kept, and then as a
quote of it would look to anyone else, with those taken out.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import ForgetAction
from bot.handlers.common import in_place, pressed_action, say, who_sees
from bot.handlers.language import forget_chat_menu
from bot.keyed import suggester
from bot.place import Place
from bot.replies import action_keyboard, chunks, tidy
from bot.services import App, BrewContext, Handler, Services
from bot.tg import acknowledge, drop_buttons, minute_words
from conversations.model import Kind, Prompt
from conversations.redaction import markers_from, redact
from conversations.timegiven import minutes
from storage.records import Participant

# What a command about this person's data does: (context, the person, their chat's id).
ForPerson = Callable[[BrewContext, Participant, int], Awaitable[None]]


def _known_here(unknown: str) -> Callable[[ForPerson], Handler]:
    """Wrap a command about the person behind this private chat: run it with them and the
    chat's id, or say ``unknown`` if there is no one brewbot knows."""

    def wrap(handler: ForPerson) -> Handler:
        @in_place
        @functools.wraps(handler)
        async def known(update: Update, context: BrewContext, place: Place) -> None:
            chat = update.effective_chat
            if place.participant is None or chat is None:
                await say(update, context, unknown)
                return
            await handler(context, place.participant, chat.id)

        return known

    return wrap


@_known_here("mydata_empty")
async def mydata(context: BrewContext, participant: Participant, chat_id: int) -> None:
    """Send a readable copy of everything kept about this person, and the same as a file."""
    services = context.services
    key = suggester(services.settings.require_token(), participant.id)
    kept = in_their_words(services, await services.store.export(participant.id, suggester=key))
    told = who_sees(context, easy=participant.easy)
    lines = await _readable(services, kept, told, easy=participant.easy)
    for chunk in chunks(lines, sep="\n"):
        await context.bot.send_message(chat_id, chunk)
    document = InputFile(
        json.dumps(kept, indent=2, ensure_ascii=False).encode(), filename="brewbot-my-data.json"
    )
    await context.bot.send_document(
        chat_id, document, caption=services.text("mydata_file", easy=participant.easy)
    )


@_known_here("forget_nothing")
async def forget(context: BrewContext, participant: Participant, chat_id: int) -> None:
    """Ask, with two buttons, before deleting everything."""
    services = context.services
    easy = participant.easy
    markup = action_keyboard(
        [
            [(services.text("forget_yes", easy=easy), ForgetAction(True))],
            [(services.text("forget_no", easy=easy), ForgetAction(False))],
        ],
        services.buttons,
    )
    await context.bot.send_message(
        chat_id, services.text("forget_ask", easy=easy), reply_markup=markup
    )


@in_place
async def forget_confirmed(update: Update, context: BrewContext, place: Place) -> None:
    """Delete everything on 'yes'; keep it all on 'no'; say which happened."""
    services = context.services
    query, action = pressed_action(update, context, ForgetAction)
    await acknowledge(query)
    participant = place.participant
    if participant is None:
        await say(update, context, "forget_nothing")
    elif action.confirm:
        key = suggester(services.settings.require_token(), participant.id)
        await services.store.forget(participant.id, suggester=key)
        await say(update, context, "forget_done", easy=participant.easy)
        await forget_chat_menu(context.bot, participant.chat_id)
    else:
        await say(update, context, "forget_kept", easy=participant.easy)
    tidy(context, drop_buttons(query))  # after the work: a failed tidy never stops it


def in_their_words(services: Services, kept: dict[str, Any]) -> dict[str, Any]:
    """Add the export's notes in the person's language: what the file is (first), and each
    stage in words (beside the stage)."""
    answers = [_stage_in_words(services, answer) for answer in kept.get("answers", [])]
    return {"about": services.text("mydata_about"), **kept, "answers": answers}


def _stage_in_words(services: Services, answer: dict[str, Any]) -> dict[str, Any]:
    """Return an answer with its stage's words next to the stage (None without a stage)."""
    worded: dict[str, Any] = {}
    for key, value in answer.items():
        worded[key] = value
        if key == "stage":
            worded["stage_words"] = services.text(f"stage_name_{value}") if value else None
    return worded


async def _readable(
    services: Services, kept: dict[str, Any], told: str, *, easy: bool
) -> list[str]:
    """Turn the export into short lines a person can read on a phone."""
    prefs = kept.get("preferences", {})

    def on_off(key: str) -> str:
        return services.text("mydata_on" if prefs.get(key) else "mydata_off", easy=easy)

    lines = [
        services.text("mydata_intro", easy=easy, who_sees=told),
        services.text(
            "mydata_settings",
            easy=easy,
            easy_words=on_off("easy_read"),
            nudges=on_off("nudges"),
            news=on_off("news"),
            messages=services.text("mydata_stopped" if prefs.get("stopped") else "mydata_on"),
            language=services.catalogue.messages(services.spoken(prefs.get("language"))).text(
                "language_name"
            ),
            described=_described(services, kept.get("self_description"), easy=easy),
        ),
    ]
    for entry in kept.get("brews", []):
        mine = [a for a in kept.get("answers", []) if a["brew_id"] == entry["brew_id"]]
        lines += ["", *await _brew_lines(services, entry, mine, easy=easy)]
    lines += _loop_lines(services, kept, easy=easy)
    return lines


def _loop_lines(services: Services, kept: dict[str, Any], *, easy: bool) -> list[str]:
    """Say the time counted, the themes suggested and a voice note's words waiting, if any."""
    lines: list[str] = []
    seconds = sum(int(t["seconds"]) for t in kept.get("time_given", []))
    if seconds:
        lines += [
            "",
            services.text(
                "mydata_time", easy=easy, time=minute_words(services, minutes(seconds), easy=easy)
            ),
        ]
    for idea in kept.get("ideas", []):
        lines.append(services.text("mydata_idea", easy=easy, text=idea["text"]))
    for heard in kept.get("voice_note_words_waiting", []):
        lines.append(services.text("mydata_heard", easy=easy, text=heard["text"]))
    return lines


async def _brew_lines(
    services: Services, entry: dict[str, Any], answers: list[dict[str, Any]], *, easy: bool
) -> list[str]:
    """Name one brew, then each kept answer beside its question."""
    brew = await services.store.brew(int(entry["brew_id"]))
    pack = services.packs.get(brew.pack_id) if brew else None
    date = str(entry.get("opened_at", ""))[:10]
    lines = [services.text("mydata_brew", easy=easy, theme=entry["theme"], date=date)]
    cleared = services.text("mydata_cleared", easy=easy, days=services.settings.retention_days)
    for answer in answers:
        prompt = pack.prompt(str(answer["prompt_id"])) if pack else None
        if prompt is None:
            question = str(answer["prompt_id"])
        else:
            words = prompt.easy if easy and prompt.easy else prompt.text
            question = words.replace("{theme}", str(entry["theme"]))
        given = _given(services, prompt, answer) or cleared
        lines.append(services.text("mydata_answer", question=question, answer=given))
        quoted = redact(str(answer.get("text") or ""), markers_from(services.messages))
        if quoted != (answer.get("text") or ""):
            lines.append(services.text("mydata_quoted", easy=easy, quoted=quoted))
    if not answers:
        lines.append(services.text("mydata_no_answers", easy=easy))
    return lines


def _given(services: Services, prompt: Prompt | None, answer: dict[str, Any]) -> str | None:
    """Say an answer in the person's language: a button's words as they read now, typed
    words as typed."""
    option = answer.get("option")
    if answer.get("kind") == Kind.CONSENT.value and option in ("yes", "no"):
        return services.text(f"button_{option}")
    chosen = next((o for o in prompt.options if o.id == option), None) if prompt else None
    if chosen is not None:
        return chosen.text
    return answer.get("stage_words") or answer.get("text")


def _described(services: Services, option_id: object, *, easy: bool) -> str:
    """Return the words of the option a person chose to describe themselves."""
    if not option_id:
        return services.text("mydata_not_given", easy=easy)
    for pack in services.packs.values():
        for prompt in pack.prompts:
            for option in prompt.options:
                if option.id == option_id:
                    return option.text
    return str(option_id)


def register(app: App, services: Services) -> None:
    """Add /mydata, /forget and the forget confirmation buttons."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("mydata", mydata, filters=private))
    app.add_handler(CommandHandler("forget", forget, filters=private))
    app.add_handler(
        CallbackQueryHandler(forget_confirmed, pattern=services.buttons.accepts(ForgetAction))
    )
