"""The Bot API stand-in, driven by the real python-telegram-bot over real HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from standin import StandIn, StandInError, StandInTimeout, tiny_png

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def make_bot(standin: StandIn) -> Bot:
    """A real PTB Bot pointed at the stand-in."""
    return Bot(standin.token, base_url=standin.base_url, base_file_url=standin.base_file_url)


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


@asynccontextmanager
async def polling_app(
    standin: StandIn, *handlers: Any
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run a real Application that long-polls the stand-in."""
    app = (
        ApplicationBuilder()
        .token(standin.token)
        .base_url(standin.base_url)
        .base_file_url(standin.base_file_url)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5, allowed_updates=Update.ALL_TYPES)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_get_me_describes_the_bot(standin: StandIn) -> None:
    async with make_bot(standin) as bot:
        me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (standin.bot_user["id"], "brewbot_test_bot", True)
    assert standin.calls_to("getMe")[0].ok
    assert standin.problems == []


async def test_a_malformed_token_is_unauthorized(standin: StandIn) -> None:
    bot = Bot("not-a-token", base_url=standin.base_url)
    with pytest.raises(InvalidToken):
        await bot.get_me()


async def test_an_injected_message_reaches_a_message_handler(standin: StandIn) -> None:
    seen: list[tuple[int, str]] = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and update.effective_chat
        seen.append((update.effective_chat.id, update.effective_message.text or ""))
        await update.effective_message.reply_text("Got it")

    async with polling_app(standin, MessageHandler(filters.TEXT, echo)):
        standin.private_message(42, "a cup of tea")
        await standin.wait_for(lambda: standin.last_text(42) == "Got it")
        await standin.wait_idle()
    assert seen == [(42, "a cup of tea")]
    assert [c.method for c in standin.sent_to(42)] == ["sendMessage"]
    assert standin.problems == []


async def test_an_injected_message_may_carry_the_date_a_test_chooses(standin: StandIn) -> None:
    dates: list[float] = []

    async def note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        dates.append(update.effective_message.date.timestamp())

    async with polling_app(standin, MessageHandler(filters.TEXT, note)):
        standin.private_message(42, "sent twenty seconds on", date=1_800_000_020)
        standin.private_message(42, "sent now")
        await standin.wait_for(lambda: len(dates) == 2)
    assert dates[0] == 1_800_000_020 and abs(dates[1] - time.time()) < 5


async def test_a_command_carries_a_bot_command_entity(standin: StandIn) -> None:
    args: list[list[str]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args.append(list(context.args or []))

    async with polling_app(standin, CommandHandler("start", start)):
        update = standin.command(7, "/start CODE42")
        await standin.wait_for(lambda: args)
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert args == [["CODE42"]]


async def test_a_button_press_arrives_with_its_message(standin: StandIn) -> None:
    pressed: list[tuple[str, int]] = []

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query and query.message and query.data
        pressed.append((query.data, query.message.message_id))
        await query.answer("Thanks")
        await query.edit_message_text("You chose tea")

    async with polling_app(standin, CallbackQueryHandler(on_press)):
        async with make_bot(standin) as bot:
            standin.private_message(5, "hi")
            sent = await bot.send_message(
                5, "Tea or coffee?", reply_markup=keyboard(("Tea", "t"), ("Coffee", "c"))
            )
        assert standin.buttons(standin.sent_to(5)[-1]) == [("Tea", "t"), ("Coffee", "c")]
        standin.press(5, sent.message_id, "t")
        await standin.wait_for(lambda: standin.last_text(5) == "You chose tea")
    assert pressed == [("t", sent.message_id)]
    assert standin.calls_to("answerCallbackQuery")[0].params["text"] == "Thanks"
    with pytest.raises(StandInError):
        standin.press(5, sent.message_id, "not-a-button")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_surfaces_as_ptb_retry_after(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    standin.fail_next("sendMessage", status=429, retry_after=7)
    async with make_bot(standin) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1, "hello")
        await bot.send_message(1, "hello again")
    assert caught.value.retry_after in (7, timedelta(seconds=7))  # PTB_TIMEDELTA may be set
    assert [c.status for c in standin.calls_to("sendMessage")] == [429, 200]
    assert standin.problems == []


@pytest.mark.parametrize(
    ("status", "error"), [(502, NetworkError), (500, NetworkError), (400, BadRequest)]
)
async def test_server_errors_map_to_ptb_errors(
    standin: StandIn, status: int, error: type[Exception]
) -> None:
    standin.private_message(1, "hi")
    standin.fail_next("sendMessage", status=status)
    async with make_bot(standin) as bot:
        with pytest.raises(error):
            await bot.send_message(1, "hello")
    assert standin.calls_to("sendMessage")[0].status == status


async def test_a_dropped_connection_after_sending_leaves_the_message_sent(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    standin.drop_next("sendMessage", after_effect=True)
    async with make_bot(standin) as bot:
        with pytest.raises(NetworkError):
            await bot.send_message(1, "maybe twice")
    assert standin.texts(1) == ["maybe twice"]


async def test_unconfirmed_updates_are_redelivered_to_a_new_poller(standin: StandIn) -> None:
    standin.private_message(3, "first")
    async with make_bot(standin) as bot:
        fetched = await bot.get_updates(timeout=0)  # no offset: nothing is confirmed
    assert [u.message.text for u in fetched if u.message] == ["first"]

    texts: list[str] = []

    async def collect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message
        texts.append(update.message.text or "")

    async with polling_app(standin, MessageHandler(filters.TEXT, collect)):
        standin.private_message(3, "second")
        await standin.wait_for(lambda: len(texts) == 2)
        await standin.wait_idle()
    assert texts == ["first", "second"]
    assert standin.updates.all_confirmed


async def test_an_offset_confirms_and_a_long_poll_wakes_for_new_updates(standin: StandIn) -> None:
    first = standin.private_message(3, "one")
    async with make_bot(standin) as bot:
        waiting = asyncio.create_task(bot.get_updates(offset=first["update_id"] + 1, timeout=30))
        await standin.wait_for(lambda: standin.updates.all_confirmed)
        standin.private_message(3, "two")
        updates = await waiting
    assert [u.message.text for u in updates if u.message] == ["two"]


async def test_allowed_updates_filters_what_is_delivered(standin: StandIn) -> None:
    standin.private_message(9, "hello")
    sent = standin.world.new_message(
        standin.world.private_chat(9),
        standin.bot_user,
        text="Pick",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    standin.press(9, sent["message_id"], "a")
    async with make_bot(standin) as bot:
        updates = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["a"]
    assert len(updates) == 1


async def test_invalid_html_is_rejected_and_recorded(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    async with make_bot(standin) as bot:
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(1, "<b>unclosed", parse_mode="HTML")
        ok = await bot.send_message(1, "<b>fine</b> &lt;3", parse_mode="HTML")
    assert ok.text == "fine <3"
    assert standin.problems == [
        "sendMessage: 400 Bad Request: can't parse entities: "
        'Can\'t find end tag corresponding to start tag "b"'
    ]


async def test_callback_data_over_64_bytes_is_rejected(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    async with make_bot(standin) as bot:
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(1, "Pick", reply_markup=keyboard(("A", "x" * 65)))
        await bot.send_message(1, "Pick", reply_markup=keyboard(("A", "é" * 32)))
    assert len(standin.problems) == 1 and "BUTTON_DATA_INVALID" in standin.problems[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "x" * 4097}, "message is too long"),
        ({"text": "   "}, "message text is empty"),
        ({"text": "<i></i>", "parse_mode": "HTML"}, "message text is empty"),
        (
            {
                "text": "Pick",
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
                ),
            },
            "reply markup is too long",
        ),
    ],
)
async def test_telegram_limits_on_messages(
    standin: StandIn, kwargs: dict[str, Any], message: str
) -> None:
    standin.private_message(1, "hi")
    async with make_bot(standin) as bot:
        with pytest.raises(BadRequest, match=message.capitalize()[:12]):
            await bot.send_message(1, **kwargs)
    assert message in standin.problems[-1]


async def test_a_caption_over_1024_characters_is_rejected(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    async with make_bot(standin) as bot:
        with pytest.raises(BadRequest, match="caption is too long"):
            await bot.send_photo(1, tiny_png(), caption="c" * 1025)


async def test_unknown_chats_and_messages_are_refused_like_telegram(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    async with make_bot(standin) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(999, "hello")
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("new", chat_id=1, message_id=99)
        sent = await bot.send_message(1, "same")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("same", chat_id=1, message_id=sent.message_id)
        await bot.edit_message_text("changed", chat_id=1, message_id=sent.message_id)
    assert standin.message(1, sent.message_id)["text"] == "changed"  # type: ignore[index]
    assert len(standin.problems) == 3


async def test_a_blocked_person_gives_forbidden(standin: StandIn) -> None:
    standin.private_message(4, "hi")
    standin.blocked_by(4)
    async with make_bot(standin) as bot:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(4, "hello")


async def test_the_spec_check_catches_a_missing_required_field(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    async with httpx.AsyncClient() as client:
        url = f"{standin.base_url}{standin.token}"
        missing = await client.post(f"{url}/sendMessage", data={"text": "no chat"})
        unknown = await client.post(
            f"{url}/sendMessage", data={"chat_id": "1", "text": "x", "colour": "red"}
        )
        nowhere = await client.post(f"{url}/sendTelepathy", data={})
    assert missing.status_code == 400 and missing.json()["ok"] is False
    assert unknown.status_code == 200
    assert nowhere.status_code == 404
    assert nowhere.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert "sendMessage: required field 'chat_id' is missing" in standin.problems
    assert "sendMessage: unknown field 'colour'" in standin.problems
    assert "sendTelepathy: no such Bot API method" in standin.problems


async def test_files_round_trip_through_upload_get_file_and_download(standin: StandIn) -> None:
    standin.document(8, 8, "answers.csv", b"stage,count\nassets,3\n", "my file")
    async with make_bot(standin) as bot:
        updates = await bot.get_updates(timeout=0)
        document = updates[0].message.document  # type: ignore[union-attr]
        assert document and document.file_name == "answers.csv"
        downloaded = await (await bot.get_file(document.file_id)).download_as_bytearray()
        sent = await bot.send_document(8, b"%PDF-1.4 tiny", filename="summary.pdf", caption="Here")
        again = await (await sent.document.get_file()).download_as_bytearray()  # type: ignore[union-attr]
    assert bytes(downloaded) == b"stage,count\nassets,3\n"
    upload = standin.calls_to("sendDocument")[0].files["document"]
    assert (upload.filename, upload.data) == ("summary.pdf", b"%PDF-1.4 tiny")
    assert bytes(again) == b"%PDF-1.4 tiny"


async def test_groups_admins_and_the_bot_being_added(standin: StandIn) -> None:
    seen: list[str] = []

    async def on_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member
        seen.append(update.my_chat_member.new_chat_member.status)

    standin.set_admins(-100, [11, 12])
    async with polling_app(standin, ChatMemberHandler(on_member)):
        standin.bot_added_to_group(-100, by_user_id=11)
        standin.group_message(-100, 13, "/link@brewbot_test_bot")
        await standin.wait_for(lambda: seen)
        async with make_bot(standin) as bot:
            admins = await bot.get_chat_administrators(-100)
            member = await bot.get_chat_member(-100, 13)
    assert seen == ["member"]
    assert [(a.user.id, a.status) for a in admins] == [(11, "creator"), (12, "administrator")]
    assert member.status == "member"


async def test_every_returned_object_is_spec_valid(standin: StandIn) -> None:
    assert standin.spec is not None
    standin.private_message(1, "hi")
    standin.command(1, "/start X")
    standin.sticker(1)
    standin.photo(1)
    standin.voice(1)
    standin.document(1, 1, "a.txt", b"a", "cap")
    standin.bot_added_to_group(-5, 1)
    standin.group_message(-5, 2, "hello all")
    async with make_bot(standin) as bot:
        sent = await bot.send_message(
            1, "<i>Q</i>", parse_mode="HTML", reply_markup=keyboard(("A", "a"))
        )
        standin.press(1, sent.message_id, "a")
        standin.edited_message(1, 1, "hi again")
        poll = await bot.send_poll(1, "Tea?", ["Yes", "No"], is_anonymous=False)
        standin.poll_answer(1, poll.message_id, [0])
        await bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES)
        await bot.edit_message_reply_markup(1, sent.message_id, reply_markup=None)
        await bot.send_photo(1, tiny_png(), caption="pic")
        await bot.get_chat(1)
        await bot.get_chat_member(1, 1)
        await bot.get_chat_member(-5, 2)
        await bot.set_my_commands([("start", "Begin")])
        await bot.get_my_commands()
        await bot.stop_poll(1, poll.message_id)
        await bot.get_webhook_info()
        await bot.delete_message(1, sent.message_id)
    results = [c for c in standin.calls if c.ok]
    assert {"getUpdates", "sendMessage", "sendPoll", "getChat", "stopPoll"} <= {
        c.method for c in results
    }
    problems = [p for c in results for p in standin.spec.check_result(c.method, c.result)]
    assert problems == []
    assert standin.problems == []


async def test_the_spec_walker_notices_a_missing_required_field(standin: StandIn) -> None:
    assert standin.spec is not None
    broken = {"message_id": 1, "chat": {"id": 1, "type": "private"}}  # no date
    assert standin.spec.check_value(["Message"], broken, "x") == ["x: Message needs 'date'"]


async def test_max_rate_counts_sends_per_chat(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    async with make_bot(standin) as bot:
        for n in range(3):
            await bot.send_message(1, f"message {n}")
    assert standin.max_rate(1, window_s=3600.0) == 3
    assert standin.max_rate(2, window_s=3600.0) == 0


async def test_two_live_pollers_conflict_like_telegram(standin: StandIn) -> None:
    async with make_bot(standin) as first, make_bot(standin) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=30))
        await standin.wait_for(lambda: standin.updates.polls_waiting == 1)
        await second.get_updates(timeout=0)
        with pytest.raises(Conflict):
            await waiting
    assert any("409 Conflict" in p for p in standin.problems)


async def test_delete_webhook_can_drop_pending_updates(standin: StandIn) -> None:
    standin.private_message(1, "old news")
    async with make_bot(standin) as bot:
        await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates(timeout=0) == ()
    await standin.wait_idle()


async def test_wait_idle_says_why_when_nobody_polls(standin: StandIn) -> None:
    standin.private_message(1, "anyone there?")
    with pytest.raises(StandInTimeout, match="1 update"):
        await standin.wait_idle(timeout=0.3)


async def test_offline_drops_every_connection(standin: StandIn) -> None:
    standin.offline = True
    bot = make_bot(standin)
    with pytest.raises(NetworkError):
        await bot.get_me()
    standin.offline = False
    async with bot:
        assert (await bot.get_me()).username == "brewbot_test_bot"


async def test_a_photo_that_is_not_an_image_is_refused(standin: StandIn) -> None:
    standin.private_message(1, "hi")
    async with make_bot(standin) as bot:
        with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
            await bot.send_photo(1, b"plain words, not a picture")


async def test_tap_presses_the_newest_message_showing_a_label(standin: StandIn) -> None:
    standin.private_message(6, "hi")
    async with make_bot(standin) as bot:
        await bot.send_message(6, "Old", reply_markup=keyboard(("Skip", "skip-1")))
        newer = await bot.send_message(6, "New", reply_markup=keyboard(("Skip", "skip-2")))
    assert standin.newest_with_button(6, "Skip") == newer.message_id
    assert standin.newest_with_button(6, "Stop") is None
    update = standin.tap(6, "Skip")
    assert update["callback_query"]["data"] == "skip-2"
    assert [m["message_id"] for m in standin.messages_in(6)] == [1, 2, 3]
    with pytest.raises(StandInError):
        standin.tap(6, "Stop")


async def test_the_bot_cannot_start_a_private_chat_with_someone_seen_only_in_a_group(
    standin: StandIn,
) -> None:
    standin.group_message(-200, 21, "hello")
    async with make_bot(standin) as bot:
        with pytest.raises(Forbidden, match="initiate conversation"):
            await bot.send_message(21, "psst")
        await bot.send_message(-200, "hello group")
    standin.private_message(21, "hi bot")
    async with make_bot(standin) as bot:
        await bot.send_message(21, "hi you")
    assert standin.texts(21) == ["hi you"]


async def test_wait_idle_waits_out_a_retry_after_it_promised(standin: StandIn) -> None:
    update = standin.private_message(1, "hi")
    standin.fail_next("sendMessage", status=429, retry_after=1)

    async def send_until_accepted() -> None:
        async with make_bot(standin) as bot:
            try:
                await bot.send_message(1, "hello")
            except RetryAfter:
                await asyncio.sleep(1)  # what a polite bot does
                await bot.send_message(1, "hello")

    async with make_bot(standin) as bot:
        await bot.get_updates(offset=update["update_id"] + 1, timeout=0)
    sender = asyncio.create_task(send_until_accepted())
    await standin.wait_for(lambda: standin.calls_to("sendMessage"))
    await standin.wait_idle(quiet=0.05)
    assert standin.texts(1) == ["hello"]
    await sender
