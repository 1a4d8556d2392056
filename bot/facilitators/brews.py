"""Facilitators' brew commands: /newbrew, /brews, /close, /summary, /export and their help."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import (
    Bot,
    BotCommandScopeChatAdministrators,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import (
    NO_CODEBOOK,
    Action,
    CodebookAction,
    PaceAction,
    PackAction,
    PickAction,
    Purpose,
)
from bot.facilitators import approval
from bot.facilitators import export_files as export
from bot.facilitators.codebooks import InUse, brew_in_use, title_of
from bot.facilitators.gate import for_facilitators
from bot.facilitators.invite import invite_link, qr_png
from bot.facilitators.picking import (
    RECENT,
    THEME_LIMIT,
    OnPick,
    may_press,
    offer,
    offer_brews,
    pick_pattern,
    read_pick,
    theme_words,
)
from bot.facilitators.reports import brew_summary, post_summary
from bot.jobs.pacing import DEFAULT_AT
from bot.replies import action_keyboard, chunks, cosmetic, show_typing
from bot.services import App, BrewContext, Services
from bot.tg import acknowledge, menu
from conversations.messages import Messages
from conversations.model import Pace
from conversations.reporting import clean
from conversations.time_of_day import read_time_of_day
from storage.records import Brew

log = logging.getLogger(__name__)

DEFAULT_PACK = "over-a-brew"

FACILITATOR_COMMANDS = (
    "newbrew",
    "live",
    "ask",
    "endlive",
    "brews",
    "close",
    "summary",
    "export",
    "codebook",
    "digest",
    "wesaid",
    "prioritise",
    "plan",
    "review",
    "ideas",
    "timegiven",
    "region",
    "language",
    "help_facilitators",
)  # each described by its `menu_` message

# ------------------------------------------------------------------ /newbrew


@dataclass(frozen=True)
class NewBrew:
    """What /newbrew asked for: a pack (pack=ID), a pace (pace=live or daily, at=HH:MM), the
    language people start in (lang=cy)."""

    pack: str | None
    theme: str
    pace: str | None = None
    at: str | None = None
    lang: str | None = None


_OPTIONS = ("pack", "pace", "at", "lang")


def parse_newbrew(args: Sequence[str]) -> NewBrew:
    """Split /newbrew's words into its options (each once, before the theme) and the theme."""
    options: dict[str, str] = {}
    words: list[str] = []
    for arg in args:
        name, equals, value = arg.partition("=")
        name = name.casefold()
        if equals and not words and name in _OPTIONS and name not in options:
            options[name] = value.casefold()
        else:
            words.append(arg)
    theme = clean(" ".join(words))
    return NewBrew(
        options.get("pack"), theme, options.get("pace"), options.get("at"), options.get("lang")
    )


def pack_list(services: Services) -> str:
    """List the packs a brew can use, one a line."""
    return "\n".join(
        services.text("newbrew_pack_line", pack_id=pack_id, title=pack.title)
        for pack_id, pack in sorted(services.packs.items())
    )


def pace_problem(services: Services, pace: str, at: str | None) -> str | None:
    """Say what is wrong with a pace and its hour (unknown, not a time, in quiet hours)."""
    if pace not in {p.value for p in Pace}:
        return services.text("newbrew_unknown_pace", pace=pace[:20])
    when = read_time_of_day(at) if at is not None else DEFAULT_AT
    if when is None or services.settings.is_quiet(when):
        quiet = f"{services.settings.quiet_start:%H:%M}–{services.settings.quiet_end:%H:%M}"
        return services.text("newbrew_bad_time", at=(at or "")[:10], quiet=quiet)
    return None


def language_problem(services: Services, lang: str | None) -> str | None:
    """Say so if a brew asks for a language brewbot does not speak."""
    if lang is None or services.catalogue.speaks(lang):
        return None
    return services.text(
        "newbrew_unknown_language", lang=lang[:10], langs=", ".join(services.catalogue.codes())
    )


def newbrew_problem(services: Services, pack_id: str, theme: str) -> str | None:
    """Say what stops a brew being opened (no theme, too long, unknown pack), or None."""
    if not theme:
        return services.text("newbrew_how")
    if len(theme) > THEME_LIMIT:
        return services.text("newbrew_too_long", length=len(theme), limit=THEME_LIMIT)
    if pack_id not in services.packs:
        example = next((p for p in sorted(services.packs) if p != DEFAULT_PACK), DEFAULT_PACK)
        return services.text(
            "newbrew_unknown_pack",
            pack=pack_id[:40],
            packs=pack_list(services),
            example=example,
            theme=theme,
        )
    return None


@for_facilitators
async def newbrew(update: Update, context: BrewContext) -> None:
    """Open a brew in this group and post its invite link with a QR code."""
    chat = update.effective_chat
    assert chat is not None
    await open_brew(context, chat.id, parse_newbrew(context.args or ()))


async def open_brew(context: BrewContext, chat_id: int, asked: NewBrew) -> None:
    """Open the brew asked for and post its invite link with a QR code, or say what is wrong."""
    services = context.services
    pack_id = asked.pack if asked.pack is not None else DEFAULT_PACK
    pace = asked.pace or Pace.SELF.value
    problem = (
        newbrew_problem(services, pack_id, asked.theme)
        or pace_problem(services, pace, asked.at)
        or language_problem(services, asked.lang)
    )
    if problem is not None:
        await context.bot.send_message(chat_id, problem)
        return
    at = read_time_of_day(asked.at) if pace == Pace.DAILY and asked.at else None
    brew = await services.store.create_brew(
        theme=asked.theme,
        pack_id=pack_id,
        group_chat_id=chat_id,
        pace=Pace(pace),
        pace_at=f"{at or DEFAULT_AT:%H:%M}" if pace == Pace.DAILY else None,
        language=asked.lang,
    )
    await send_invite(context, chat_id, brew)


async def send_invite(context: BrewContext, chat_id: int, brew: Brew) -> None:
    """Post a new brew's invite: its link, a QR code, and buttons for a change of mind."""
    services = context.services
    link = invite_link(context.bot.username, brew.code)
    picture = await asyncio.to_thread(qr_png, link)
    codebook = await brew_in_use(services, brew)
    await context.bot.send_photo(
        chat_id,
        InputFile(picture, filename="brew-invite.png"),
        caption=invite_caption(services, brew, link, codebook),
        reply_markup=other_packs(services, brew, codebook),
    )


def invite_caption(services: Services, brew: Brew, link: str, codebook: InUse | None) -> str:
    """Say the brew is open, which questions it uses, how they go out, the codebook its
    answers are sorted by, and how to share it."""
    title = services.packs[brew.pack_id].title
    lines = [services.text("newbrew_open", theme=brew.theme, pack=title, link=link)]
    if brew.pace is not Pace.SELF:
        lines.append(services.text(f"pace_note_{brew.pace.value}", at=brew.pace_at or ""))
    if codebook is not None:
        lines.append(services.text("codebook_note", title=title_of(codebook.codebook)))
    return "\n".join(lines)


def other_packs(
    services: Services, brew: Brew, codebook: InUse | None
) -> InlineKeyboardMarkup | None:
    """Offer the other packs, one button each, and a part a day (or all at once), for a
    change of mind before anyone joins; and the other shipped codebooks, or none."""
    rows: list[list[tuple[str, Action]]] = [
        [(services.text("button_use_pack", title=pack.title), PackAction(brew.id, pack_id))]
        for pack_id, pack in sorted(services.packs.items())
        if pack_id != brew.pack_id
    ]
    if brew.pace is not Pace.LIVE:
        other = Pace.SELF if brew.pace is Pace.DAILY else Pace.DAILY
        rows.append([(services.text(f"button_pace_{other.value}"), PaceAction(brew.id, other))])
    rows += other_codebooks(services, brew, codebook)
    return action_keyboard(rows, services.buttons) if rows else None


def other_codebooks(
    services: Services, brew: Brew, codebook: InUse | None
) -> list[list[tuple[str, Action]]]:
    """A button for each shipped codebook the brew does not use, and one for none."""
    rows: list[list[tuple[str, Action]]] = [
        [
            (
                services.text("button_use_codebook", title=title_of(shipped)),
                CodebookAction(brew.id, shipped_id),
            )
        ]
        for shipped_id, shipped in sorted(services.codebooks.items())
        if codebook is None or shipped_id != codebook.shipped_id
    ]
    if codebook is not None:
        none = services.text("button_no_codebook")
        rows.append([(none, CodebookAction(brew.id, NO_CODEBOOK))])
    return rows


async def change_invite(update: Update, context: BrewContext) -> None:
    """Change a new brew as an admin tapped under its invite: its pack, pace or codebook."""
    services = context.services
    pressed = await _pressed_for_brew(update, context)
    if pressed is None:
        return
    query, action, brew = pressed
    if isinstance(action, CodebookAction):
        if action.codebook_id not in services.codebooks and action.codebook_id != NO_CODEBOOK:
            await acknowledge(query, services.text("codebook_gone"), show_alert=True)
            return
        locked = "codebook_brew_closed"  # a codebook may change until the brew closes
    else:
        locked = "pack_locked"  # questions stay as they are once someone has begun
    await _show_switched(context, query, await _switch(services, brew, action), locked)


async def _switch(
    services: Services, brew: Brew, action: PackAction | PaceAction | CodebookAction
) -> Brew | None:
    """Make the change a button under the invite asks for; None if the brew can't take it."""
    match action:
        case PackAction(pack_id=pack_id) if pack_id in services.packs:
            return await services.store.switch_pack(brew.id, pack_id)
        case PaceAction(pace=pace):
            at = f"{DEFAULT_AT:%H:%M}" if pace is Pace.DAILY else None
            return await services.store.switch_pace(brew.id, pace, at)
        case CodebookAction(codebook_id=codebook_id):
            chosen = services.codebooks.get(codebook_id)
            source = None if chosen is None else chosen.source
            return await services.store.set_brew_codebook(brew.id, source, codebook_id)
    return None


async def _pressed_for_brew(
    update: Update, context: BrewContext
) -> tuple[CallbackQuery, PackAction | PaceAction | CodebookAction, Brew] | None:
    """Read an admin's pack, pace or codebook button on a new brew's invite, if it is this
    group's."""
    services, query = context.services, update.callback_query
    if query is None or not await may_press(update, context):
        return None
    action = services.buttons.unpack(query.data)
    assert isinstance(action, PackAction | PaceAction | CodebookAction)
    brew = await services.store.brew(action.brew_id)
    chat = update.effective_chat
    if brew is None or chat is None or brew.group_chat_id != chat.id:
        await acknowledge(query, services.text("not_this_group"), show_alert=True)
        return None
    return query, action, brew


async def _show_switched(
    context: BrewContext, query: CallbackQuery, switched: Brew | None, locked: str = "pack_locked"
) -> None:
    """Show the invite as the brew is now, or say why it can no longer change (``locked``:
    someone joined, or it closed)."""
    services = context.services
    if switched is None:
        await acknowledge(query, services.text(locked), show_alert=True)
        return
    await acknowledge(query)
    link = invite_link(context.bot.username, switched.code)
    codebook = await brew_in_use(services, switched)
    # Kept already: a double tap finds it changed, and a failed edit only shows it late.
    await cosmetic(
        query.edit_message_caption(
            caption=invite_caption(services, switched, link, codebook),
            reply_markup=other_packs(services, switched, codebook),
        ),
        "show an invite's new pack",
    )


# ------------------------------------------------------------------ /brews


async def brew_line(context: BrewContext, brew: Brew) -> str:
    """Describe one open brew: theme, pack, day opened, who took part, and its link."""
    services = context.services
    counts = await services.store.brew_counts(brew.id)
    pack = services.packs.get(brew.pack_id)
    opened = brew.opened_at.astimezone(services.settings.timezone)
    return services.text(
        "brews_item_live" if brew.was_live else "brews_item",
        theme=theme_words(brew, THEME_LIMIT),
        pack=pack.title if pack else brew.pack_id,
        date=f"{opened.day} {opened:%b %Y}",
        took_part=counts.took_part,
        finished=counts.finished,
        link=invite_link(context.bot.username, brew.code),
    )


@for_facilitators
async def list_brews(update: Update, context: BrewContext) -> None:
    """List this group's open brews with how many took part."""
    services = context.services
    chat_id, brews = await _open_here(update, context)
    closed = await services.store.closed_brews(chat_id, within=RECENT)
    checked = await approval.status_lines(services, closed)  # none without a review chat
    if not brews and not checked:
        await context.bot.send_message(chat_id, services.text("brews_none"))
        return
    lines = [services.text("brews_heading")] if brews else [services.text("brews_none")]
    lines += [await brew_line(context, b) for b in brews] + checked
    for message in chunks(lines):
        await context.bot.send_message(chat_id, message)


async def _open_here(update: Update, context: BrewContext) -> tuple[int, list[Brew]]:
    """Return this group's chat id and its open brews, oldest first."""
    chat = update.effective_chat
    assert chat is not None
    return chat.id, await context.services.store.open_brews(chat.id)


# ------------------------------------------------------------------ /close


@for_facilitators
async def close(update: Update, context: BrewContext) -> None:
    """Ask which open brew to close; with only one, ask straight away to be sure."""
    chat_id, brews = await _open_here(update, context)
    if not brews:
        await context.bot.send_message(chat_id, context.services.text("close_none"))
    elif len(brews) == 1:
        await ask_to_close(context, chat_id, brews[0])
    else:
        await offer(update, context, Purpose.CLOSE, brews)


async def ask_to_close(context: BrewContext, chat_id: int, brew: Brew) -> None:
    """Check before closing, since a closed brew cannot be opened again."""
    services = context.services
    if not brew.is_open:
        await context.bot.send_message(
            chat_id, services.text("close_already", theme=theme_words(brew, THEME_LIMIT))
        )
        return
    buttons = action_keyboard(
        [
            [(services.text("button_close_yes"), PickAction(Purpose.CLOSE_YES, brew.id))],
            [(services.text("button_close_no"), PickAction(Purpose.CLOSE_NO, brew.id))],
        ],
        services.buttons,
    )
    text = services.text("close_ask", theme=theme_words(brew, THEME_LIMIT))
    await context.bot.send_message(chat_id, text, reply_markup=buttons)


async def close_now(context: BrewContext, chat_id: int, brew: Brew) -> None:
    """Close the brew, thank everyone, and post its summary."""
    services = context.services
    theme = theme_words(brew, THEME_LIMIT)
    if not brew.is_open:
        await context.bot.send_message(chat_id, services.text("close_already", theme=theme))
        return
    closed = await services.store.close_brew(brew.id)
    await context.bot.send_message(chat_id, services.text("close_done", theme=theme))
    await post_brew_summary(context, chat_id, closed)


async def keep_open(context: BrewContext, chat_id: int, brew: Brew) -> None:
    """Leave the brew open and say so."""
    theme = theme_words(brew, THEME_LIMIT)
    await context.bot.send_message(chat_id, context.services.text("close_kept", theme=theme))


# ------------------------------------------------------------------ /summary, /export


async def post_brew_summary(context: BrewContext, chat_id: int, brew: Brew) -> None:
    """Build a brew's summary (finding themes may take a moment) and post it."""
    show_typing(context, chat_id)
    services = context.services
    summary = await brew_summary(services, brew)
    await post_summary(
        context.bot, chat_id, summary, services.store, brew, messages=services.messages
    )
    await approval.send_draft(context, brew, summary)  # co-producers check it (issue 15)


@for_facilitators
async def summary(update: Update, context: BrewContext) -> None:
    """Post the summary of a brew that is open or closed lately (asking which, if several)."""
    await offer_brews(update, context, Purpose.SUMMARY, then=post_brew_summary)


@for_facilitators
async def export_answers(update: Update, context: BrewContext) -> None:
    """Send a brew's answers and report as files (asking which brew, if several)."""
    await offer_brews(update, context, Purpose.EXPORT, then=export.send_export)


# ------------------------------------------------------------------ buttons, help, menu

ON_PICK: dict[Purpose, OnPick] = {
    Purpose.CLOSE: ask_to_close,
    Purpose.CLOSE_YES: close_now,
    Purpose.CLOSE_NO: keep_open,
    Purpose.SUMMARY: post_brew_summary,
    Purpose.EXPORT: export.send_export,
}


async def picked(update: Update, context: BrewContext) -> None:
    """Carry out what an admin chose with a brew button."""
    chosen = await read_pick(update, context, needs_command=False)
    if chosen is not None:
        await ON_PICK[chosen.purpose](context, chosen.chat_id, chosen.brew)


@for_facilitators
async def help_facilitators(update: Update, context: BrewContext) -> None:
    """List what facilitators can do in their group."""
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    words = services.text("help_facilitators") + "\n\n" + services.text("help_facilitators_loop")
    await context.bot.send_message(chat.id, words)


async def set_menus(bot: Bot, chat_ids: Iterable[int], messages: Messages) -> None:
    """Show the facilitator commands in the menu of each registered group's admins."""
    commands = menu(FACILITATOR_COMMANDS, messages)
    for chat_id in chat_ids:
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeChatAdministrators(chat_id))
        except TelegramError as exc:  # brewbot is not in that group yet
            log.warning("Could not set the facilitators' menu for a group: %s", exc)


def register(app: App, services: Services) -> None:
    """Add the brew commands, their buttons, and /help in facilitators' groups."""
    fresh = ~filters.UpdateType.EDITED  # an edited command is not a new request
    app.add_handler(CommandHandler("newbrew", newbrew, filters=fresh))
    app.add_handler(CommandHandler("brews", list_brews, filters=fresh))
    app.add_handler(CommandHandler("close", close, filters=fresh))
    app.add_handler(CommandHandler("summary", summary, filters=fresh))
    app.add_handler(CommandHandler("export", export_answers, filters=fresh))
    app.add_handler(CommandHandler("help_facilitators", help_facilitators, filters=fresh))
    app.add_handler(
        CommandHandler("help", help_facilitators, filters=filters.ChatType.GROUPS & fresh)
    )
    app.add_handler(CallbackQueryHandler(picked, pattern=pick_pattern(services.buttons, ON_PICK)))
    for kind in (PackAction, PaceAction, CodebookAction):
        app.add_handler(CallbackQueryHandler(change_invite, pattern=services.buttons.accepts(kind)))
