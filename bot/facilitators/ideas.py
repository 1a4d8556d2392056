"""/ideas: the themes people suggested for future brews, only those enough people made;
/ideas poll puts the top ones to the people who took part lately and asked for news;
/ideas results adds up their votes, with a button that starts a brew on the winner."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, PollHandler, filters

from bot.callbacks import ThemeAction
from bot.facilitators.brews import DEFAULT_PACK, send_invite
from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import RECENT, THEME_LIMIT, may_press
from bot.jobs import ideapolls
from bot.replies import action_keyboard, chunks, tidy
from bot.services import App, BrewContext, Services
from bot.tg import acknowledge, command_words
from conversations.suggestions import visible

POLL_OPTIONS = 10  # Telegram allows up to 10 (12 lately); ten is plenty to read on a phone


@for_facilitators
async def ideas(update: Update, context: BrewContext) -> None:
    """List suggestions made by at least the minimum group; count the others, never show them.
    With 'poll', put the top ones to a vote; with 'results', add the votes up."""
    services, message = context.services, update.effective_message
    assert message is not None
    asked = command_words(message).casefold()
    if asked == "poll":
        await _poll(services, message, context)
    elif asked == "results":
        await _results(services, message)
    elif asked:
        await message.reply_text(services.text("ideas_usage"))
    else:
        await _list(services, message)


async def _list(services: Services, message: Message) -> None:
    least = services.settings.min_group
    listed = visible(await services.store.idea_counts(message.chat_id), min_group=least)
    if not listed.shown and not listed.others:
        await message.reply_text(services.text("ideas_none"))
        return
    lines = [services.text("ideas_heading")]
    lines += [services.text("ideas_item", text=i.text, people=i.people) for i in listed.shown]
    if listed.others:
        key = "ideas_other" if listed.others == 1 else "ideas_others"
        key += "_only" if not listed.shown else ""
        lines.append(services.text(key, others=listed.others, min_group=least))
    if len(listed.shown) >= 2:
        lines.append(services.text("ideas_poll_hint"))
    for chunk in chunks(lines, sep="\n"):
        await message.reply_text(chunk)


async def _poll(services: Services, message: Message, context: BrewContext) -> None:
    """Queue a copy of a poll of the top suggestions for each person who may get one."""
    least = services.settings.min_group
    listed = visible(await services.store.idea_counts(message.chat_id), min_group=least)
    options = [item.text for item in listed.shown[:POLL_OPTIONS]]
    if len(options) < 2:
        await message.reply_text(services.text("ideas_poll_too_few", min_group=least))
        return
    since = services.clock() - RECENT
    _, queued = await services.store.start_idea_poll(message.chat_id, options, since=since)
    if queued:
        ideapolls.start_sending(context.application)
    key = "ideas_poll_nobody" if not queued else "ideas_poll_queued"
    await message.reply_text(services.text(key, people=queued, days=RECENT.days))


async def _results(services: Services, message: Message) -> None:
    """Add up the latest poll's votes, most first, and offer a brew on the winner."""
    tally = await services.store.latest_idea_poll(message.chat_id)
    if tally is None:
        await message.reply_text(services.text("ideas_results_none"))
        return
    ranked = sorted(range(len(tally.options)), key=lambda i: (-tally.votes[i], i))
    lines = [services.text("ideas_results_heading", sent=tally.sent, waiting=tally.waiting)]
    lines += [
        services.text("ideas_results_item", text=tally.options[i], votes=tally.votes[i])
        for i in ranked
    ]
    best = ranked[0]
    markup = None
    if tally.votes[best] > 0:
        label = services.text("button_brew_on", theme=tally.options[best][:40])
        markup = action_keyboard([[(label, ThemeAction(tally.poll_id, best))]], services.buttons)
    await message.reply_text("\n".join(lines), reply_markup=markup)


async def brew_on_winner(update: Update, context: BrewContext) -> None:
    """Open a brew on the theme an admin tapped, as /newbrew would, with its link and QR."""
    services, query = context.services, update.callback_query
    if query is None or not await may_press(update, context):
        return
    action = services.buttons.unpack(query.data)
    shown = query.message if isinstance(query.message, Message) else None
    poll = (
        await services.store.idea_poll_options(action.poll_id)
        if isinstance(action, ThemeAction)
        else None
    )
    if (
        not isinstance(action, ThemeAction)
        or shown is None
        or poll is None
        or poll[0] != shown.chat_id
        or not 0 <= action.option < len(poll[1])
    ):
        await acknowledge(query, services.text("not_this_group"), show_alert=True)
        return
    await acknowledge(query)
    theme = poll[1][action.option][:THEME_LIMIT]
    brew = await services.store.create_brew(
        theme=theme, pack_id=DEFAULT_PACK, group_chat_id=poll[0]
    )
    await send_invite(context, poll[0], brew)
    tidy(context, shown.edit_reply_markup(reply_markup=None), "take a chosen theme's button off")


async def ballot(update: Update, context: BrewContext) -> None:
    """Keep the votes on a copy of a theme poll (Telegram says only how many, never who)."""
    poll = update.poll
    if poll is not None:
        votes = [option.voter_count for option in poll.options]
        await context.services.store.record_ballot(poll.id, votes)


def register(app: App, services: Services) -> None:
    """Add /ideas, its brew button, the poll votes, and the job that sends the polls."""
    app.add_handler(CommandHandler("ideas", ideas, filters=~filters.UpdateType.EDITED))
    app.add_handler(
        CallbackQueryHandler(brew_on_winner, pattern=services.buttons.accepts(ThemeAction))
    )
    app.add_handler(PollHandler(ballot))
    ideapolls.schedule(app)
