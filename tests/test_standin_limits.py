"""The stand-in's copy of Telegram's HTML parse mode, limits and spec checks, without HTTP."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from standin import API_JSON, ApiError, Spec, StandIn, parse_html
from standin.flood import FloodControl, most_in_one_second
from standin.limits import check_reply_markup, check_text


@pytest.fixture
def spec() -> Spec:
    return Spec.load(API_JSON)


def test_html_gives_plain_text_and_utf16_entities() -> None:
    text, entities = parse_html('☕ <b>tea</b> 😀 <a href="https://x.org/?a=1&amp;b=2">go</a>')
    assert text == "☕ tea 😀 go"
    assert entities == [
        {"type": "bold", "offset": 2, "length": 3},
        {"type": "text_link", "offset": 9, "length": 2, "url": "https://x.org/?a=1&b=2"},
    ]


def test_html_nests_and_knows_every_telegram_tag() -> None:
    markup = (
        "<b><i>x</i></b><u>u</u><ins>i</ins><s>s</s><strike>k</strike><del>d</del>"
        '<span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler><code>c</code>'
        '<pre><code class="language-python">y</code></pre><blockquote expandable>z</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><strong>b</strong><em>e</em>'
    )
    text, entities = parse_html(markup)
    assert text == "xuiskdpqcyz👍be"
    kinds = [e["type"] for e in entities]
    assert kinds[:2] == ["bold", "italic"]
    assert {"pre", "expandable_blockquote", "custom_emoji", "spoiler"} <= set(kinds)
    assert next(e for e in entities if e["type"] == "pre")["language"] == "python"


def test_html_entities_are_only_the_four_named_and_numeric_ones() -> None:
    assert parse_html("&lt;&gt;&amp;&quot;&#39;&#x41;")[0] == "<>&\"'A"
    assert parse_html("fish &chips; &nbsp; & done")[0] == "fish &chips; &nbsp; & done"


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("tea </b>", "Unexpected end tag at byte offset 4"),
        ("☕ <b", "Unclosed start tag at byte offset 4"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ],
)
def test_html_errors_read_like_telegrams(markup: str, error: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(markup)
    assert caught.value.code == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {error}"


@given(st.text())
def test_escaped_text_always_parses_back_to_itself(text: str) -> None:
    assert parse_html(html.escape(text, quote=False)) == (text, [])


def test_text_limits() -> None:
    check_text("x" * 4096)
    with pytest.raises(ApiError, match="message is too long"):
        check_text("x" * 4097)
    with pytest.raises(ApiError, match="message text is empty"):
        check_text(" \n ")


@pytest.mark.parametrize(
    ("button", "error"),
    [
        ({"text": "A", "callback_data": "x" * 65}, "BUTTON_DATA_INVALID"),
        ({"text": "A", "callback_data": "é" * 33}, "BUTTON_DATA_INVALID"),
        ({"text": "A", "callback_data": ""}, "BUTTON_DATA_INVALID"),
        ({"text": "A"}, "Text buttons are unallowed"),
        ({"text": " ", "callback_data": "a"}, "BUTTON_TEXT_EMPTY"),
    ],
)
def test_inline_keyboard_limits(button: dict[str, str], error: str) -> None:
    with pytest.raises(ApiError, match=error):
        check_reply_markup({"inline_keyboard": [[button]]})


def test_a_hundred_buttons_pass_and_one_more_does_not() -> None:
    rows = [[{"text": str(i), "callback_data": str(i)}] for i in range(100)]
    check_reply_markup({"inline_keyboard": rows})
    with pytest.raises(ApiError, match="reply markup is too long"):
        check_reply_markup({"inline_keyboard": [*rows, [{"text": "x", "callback_data": "x"}]]})


def test_spec_checks_nested_objects_for_unknown_and_missing_fields(spec: Spec) -> None:
    params = {
        "chat_id": 1,
        "text": "hi",
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_dat": "a"}]]},
    }
    problems = spec.check_call("sendMessage", params, set())
    assert any("has no field 'callback_dat'" in p for p in problems)
    assert spec.check_call("sendPhoto", {"chat_id": 1}, {"photo"}) == []
    assert spec.check_call("sendPhoto", {"chat_id": 1}, set()) == [
        "sendPhoto: required field 'photo' is missing"
    ]


def test_spec_tells_subtypes_apart_by_their_fixed_status(spec: Spec) -> None:
    user = {"id": 1, "is_bot": False, "first_name": "A"}
    assert spec.check_value(["ChatMember"], {"status": "left", "user": user}, "m") == []
    assert spec.check_value(["ChatMember"], {"status": "gone", "user": user}, "m") != []
    assert spec.check_value(["Integer"], True, "n") == ["n: expected Integer, got True"]


def test_spec_method_names_are_case_insensitive(spec: Spec) -> None:
    assert spec.method_name("SENDMESSAGE") == "sendMessage"
    assert spec.method_name("sendTelepathy") is None
    assert "text" in spec.string_params("sendMessage")
    assert "chat_id" not in spec.string_params("sendMessage")


def test_the_overall_window_refuses_the_31st_send_or_edit_in_any_second() -> None:
    now = [0.0]
    flood = FloodControl(speed=1000.0, overall=30, clock=lambda: now[0])
    for n in range(30):  # thirty chats, each once: no chat's own limit is near
        now[0] = n * 0.02
        flood.check("editMessageText" if n % 2 else "sendMessage", n + 1, "bot-a")
    flood.check("answerCallbackQuery", 99, "bot-a")  # not counted, as on Telegram
    with pytest.raises(ApiError) as caught:
        flood.check("sendMessage", 99, "bot-a")
    assert caught.value.code == 429 and caught.value.parameters == {"retry_after": 1}
    flood.check("sendMessage", 99, "bot-b")  # the limit belongs to the token
    now[0] = 1.0  # the first send (at 0.0) has left the window
    flood.check("sendMessage", 99, "bot-a")
    with pytest.raises(ApiError):
        flood.check("sendMessage", 100, "bot-a")
    assert flood.busiest_second("bot-a") == 30 and flood.refused_overall == 2


def test_the_overall_window_is_off_unless_asked_for_and_counts_all_the_same() -> None:
    now = [0.0]
    flood = FloodControl(speed=1000.0, clock=lambda: now[0])
    for n in range(100):  # a crowd's replies: Telegram holds them to each chat's pace only
        flood.check("sendMessage", n + 1)
    assert flood.refused == 0 and flood.busiest_second("") == 100
    flood.overall = 30  # news starts: the second before it counts too
    now[0] = 0.5
    with pytest.raises(ApiError):
        flood.check("sendMessage", 500)
    now[0] = 1.0
    for n in range(30):
        flood.check("sendMessage", 600 + n)
    assert flood.refused_overall == 1


def test_the_most_in_one_second_of_any_moments() -> None:
    assert most_in_one_second([]) == 0
    assert most_in_one_second([0.0, 0.5, 0.99, 1.0, 1.2, 3.0]) == 4
    assert most_in_one_second([2.0, 0.0, 1.0]) == 1


def test_the_overall_window_can_refuse_only_the_bulk_counting_replies_all_the_same() -> None:
    flood = FloodControl(
        speed=1000.0, overall=30, bulk=lambda chat: int(chat) >= 900, clock=lambda: 0.0
    )
    for n in range(40):  # replies to a crowd: counted, never refused
        flood.check("sendMessage", n + 1)
    with pytest.raises(ApiError):  # news: the second is already full
        flood.check("sendMessage", 900)
    assert flood.busiest_second("") == 40 and flood.refused_overall == 1


async def test_the_stand_in_takes_a_send_to_a_chat_that_wrote_lately_for_a_reply() -> None:
    standin = StandIn()
    standin.private_message(501, "hello")
    standin.command(502, "/summary", chat_id=-1001)
    press = {"id": "7", "from": {"id": 503}, "message": {"chat": {"id": 503}}, "data": "b:1"}
    standin.heard_from(press)  # as press() does, for a message the bot sent
    assert not standin.is_bulk("501") and not standin.is_bulk("-1001")
    assert not standin.is_bulk("503"), "a press is writing to the bot too"
    assert standin.is_bulk("504"), "a chat that never wrote gets bulk"
