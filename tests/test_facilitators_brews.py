"""Facilitators' brew commands in their group, end to end through the stand-in."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.facilitators.brews import set_menus
from bot.facilitators.picking import RECENT
from conversations.messages import load_messages
from conversations.model import Status
from standin import StandIn
from tests.english import too_few
from tests.facilitator_support import (
    ADMIN,
    LINK,
    MEMBER,
    STRANGERS,
    finish_pack,
    group_calls,
    group_texts,
    in_group,
    qr_text_matches,
    shown_now,
    tap_in_group,
)
from tests.running import FACILITATORS, Running

ANNE = 880101
PEOPLE = [880201 + n for n in range(5)]
HOSTILE_THEME = '<b>x</b><script>alert("hi")</script> & ‮שלום‬ 🫖'


async def _brews(brewbot: Running) -> list[tuple[str, str, bool]]:
    store = brewbot.services.store
    found = await store.open_brews(FACILITATORS)
    return [(b.theme, b.pack_id, b.is_open) for b in found]


def _photo_upload(brewbot: Running) -> bytes:
    call = brewbot.standin.calls_to("sendPhoto")[-1]
    return next(iter(call.files.values())).data


# ------------------------------------------------------------------ /newbrew


async def test_newbrew_posts_a_link_and_qr_code_that_join_the_brew(brewbot: Running) -> None:
    await in_group(brewbot, "/newbrew what makes a good review")
    assert await _brews(brewbot) == [("what makes a good review", "over-a-brew", True)]
    photo = group_calls(brewbot)[-1]
    assert photo.method == "sendPhoto" and photo.text is not None
    assert "QR code" in photo.text and "what makes a good review" in photo.text
    found = LINK.search(photo.text)
    assert found is not None and found.group(1) == "brewbot_test_bot"
    picture = _photo_upload(brewbot)
    assert picture.startswith(b"\x89PNG")
    width, height = photo.result["photo"][0]["width"], photo.result["photo"][0]["height"]
    assert width == height and width >= 800  # big enough for a slide or a poster
    assert qr_text_matches(picture, found.group(0))

    await brewbot.send(ANNE, f"/start {found.group(2)}")
    brew = (await brewbot.services.store.open_brews(FACILITATORS))[0]
    participant = await brewbot.services.store.participant_by_chat(ANNE)
    assert participant is not None
    assert await brewbot.services.store.progress(participant.id, brew.id) is not None
    assert any("what makes a good review" in t for t in brewbot.texts(ANNE))
    brewbot.standin.assert_no_problems()


async def test_newbrew_uses_the_pack_asked_for(brewbot: Running) -> None:
    await in_group(brewbot, "/newbrew pack=four-principles staying connected")
    assert await _brews(brewbot) == [("staying connected", "four-principles", True)]
    assert "How are we doing?" in group_texts(brewbot)[-1]


async def test_the_pack_can_be_chosen_with_a_button_until_someone_joins(brewbot: Running) -> None:
    await in_group(brewbot, "/newbrew staying connected")
    invite = group_calls(brewbot)[-1]
    other = "Use “How are we doing?” instead"
    daily = "Send a part each day"
    codebooks = ["Themes: The four co-production principles", "Themes: Making it Real"]
    assert [label for label, _ in brewbot.standin.buttons(invite)] == [other, daily, *codebooks]
    await tap_in_group(brewbot, other, user=MEMBER)
    assert await _brews(brewbot) == [("staying connected", "over-a-brew", True)]
    await tap_in_group(brewbot, other)
    assert await _brews(brewbot) == [("staying connected", "four-principles", True)]
    shown = shown_now(brewbot, invite.result["message_id"])
    assert "How are we doing?" in shown["caption"]
    back = [label for label, _ in brewbot.standin.buttons(shown)]
    assert back == ["Use “Over a brew” instead", daily, *codebooks]

    found = LINK.search(shown["caption"])
    assert found is not None
    await brewbot.send(ANNE, f"/start {found.group(2)}")
    await tap_in_group(brewbot, back[0])
    assert await _brews(brewbot) == [("staying connected", "four-principles", True)]
    refusal = brewbot.standin.calls_to("answerCallbackQuery")[-1]
    assert refusal.params["text"] == brewbot.services.text("pack_locked")
    brewbot.standin.assert_no_problems()


async def test_a_part_a_day_can_be_chosen_with_a_button_until_someone_joins(
    brewbot: Running,
) -> None:
    await in_group(brewbot, "/newbrew staying connected")
    invite = group_calls(brewbot)[-1]
    await tap_in_group(brewbot, "Send a part each day")
    shown = shown_now(brewbot, invite.result["message_id"])
    assert "one part a day at 10:00" in shown["caption"]
    assert "Send it all at once" in [label for label, _ in brewbot.standin.buttons(shown)]
    brew = (await brewbot.services.store.open_brews(FACILITATORS))[0]
    assert (brew.pace.value, brew.pace_at) == ("daily", "10:00")
    await tap_in_group(brewbot, "Send it all at once")
    brew = (await brewbot.services.store.open_brews(FACILITATORS))[0]
    assert (brew.pace.value, brew.pace_at) == ("self", None)


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("/newbrew pace=weekly a good day", '"weekly"'),
        ("/newbrew pace=daily at=23:00 a good day", "quiet hours"),
        ("/newbrew pace=daily at=soon a good day", '"soon"'),
        ("/newbrew pace=daily at=9:5 a good day", '"9:5"'),
        ("/newbrew pace=daily at=9pm a good day", "quiet hours"),
    ],
)
async def test_newbrew_with_a_pace_it_cannot_keep_says_why(
    brewbot: Running, command: str, says: str
) -> None:
    await in_group(brewbot, command)
    assert says in group_texts(brewbot)[-1]
    assert await _brews(brewbot) == []


async def test_newbrew_reads_its_hour_as_people_write_it(brewbot: Running) -> None:
    await in_group(brewbot, "/newbrew pace=daily at=9 a good day")
    assert "one part a day at 09:00" in (group_calls(brewbot)[-1].text or "")
    brew = (await brewbot.services.store.open_brews(FACILITATORS))[0]
    assert (brew.pace.value, brew.pace_at) == ("daily", "09:00")


async def test_newbrew_with_an_unknown_pack_lists_the_packs(brewbot: Running) -> None:
    await in_group(brewbot, "/newbrew pack=fancy staying connected")
    reply = group_texts(brewbot)[-1]
    assert '"fancy"' in reply
    assert "over-a-brew" in reply and "four-principles" in reply
    assert "/newbrew pack=four-principles staying connected" in reply
    assert await _brews(brewbot) == []


async def test_editing_a_newbrew_command_opens_nothing_more(brewbot: Running) -> None:
    await in_group(brewbot, "/newbrew staying connected")
    command = next(
        m for m in brewbot.standin.messages_in(FACILITATORS) if m.get("from", {}).get("id") == ADMIN
    )
    mark = len(group_calls(brewbot))
    brewbot.standin.edited_message(
        ADMIN, command["message_id"], "/newbrew keeping well", chat_id=FACILITATORS
    )
    await brewbot.standin.wait_idle()
    assert await _brews(brewbot) == [("staying connected", "over-a-brew", True)]
    assert group_calls(brewbot)[mark:] == []


@pytest.mark.parametrize("command", ["/newbrew", "/newbrew   ", "/newbrew pack=four-principles"])
async def test_newbrew_without_a_theme_shows_how(brewbot: Running, command: str) -> None:
    await in_group(brewbot, command)
    reply = group_texts(brewbot)[-1]
    assert "for example: /newbrew " in reply and len(reply.splitlines()) == 1
    assert await _brews(brewbot) == []


async def test_a_long_theme_is_refused_kindly_and_200_letters_is_fine(brewbot: Running) -> None:
    await in_group(brewbot, "/newbrew " + "a" * 201)
    assert "201" in group_texts(brewbot)[-1] and "200" in group_texts(brewbot)[-1]
    assert await _brews(brewbot) == []
    await in_group(brewbot, "/newbrew " + "b" * 200)
    assert [theme for theme, _, _ in await _brews(brewbot)] == ["b" * 200]


async def test_a_theme_with_markup_and_odd_letters_is_shown_as_typed(brewbot: Running) -> None:
    await in_group(brewbot, f"/newbrew {HOSTILE_THEME}")
    # Markup stays words; only the characters that flip the rest of a line are dropped.
    typed = HOSTILE_THEME.replace("\u202e", "").replace("\u202c", "")
    assert [theme for theme, _, _ in await _brews(brewbot)] == [typed]
    assert typed in group_texts(brewbot)[-1]
    await in_group(brewbot, "/brews")
    assert typed in group_texts(brewbot)[-1]
    await in_group(brewbot, "/close")
    await tap_in_group(brewbot, "Yes, close it")
    assert any(typed in t for t in group_texts(brewbot)[-3:])
    brewbot.standin.assert_no_problems()


# ------------------------------------------------------------------ /brews


async def test_brews_lists_open_brews_with_who_took_part(brewbot: Running) -> None:
    await in_group(brewbot, "/brews")
    assert "no open brews" in group_texts(brewbot)[-1]
    first = await brewbot.new_brew("getting help at home")
    second = await brewbot.new_brew("staying connected", pack="four-principles")
    await finish_pack(brewbot, first.code, PEOPLE[:2])
    await brewbot.send(ANNE, f"/start {first.code}")
    await brewbot.services.store.close_brew(second.id)
    await in_group(brewbot, "/brews")
    listing = group_texts(brewbot)[-1]
    assert '"getting help at home" (Over a brew)' in listing
    assert "3 took part and 2 got to the end" in listing
    assert f"start={first.code}" in listing
    assert "staying connected" not in listing
    opened = first.opened_at.astimezone(brewbot.settings.timezone)
    assert f"opened {opened.day} {opened:%b %Y}" in listing


# ------------------------------------------------------------------ /close


async def test_close_asks_first_then_closes_and_posts_the_summary(brewbot: Running) -> None:
    brew = await brewbot.new_brew("what makes a good review")
    await in_group(brewbot, "/close")
    assert "can't be opened again" in group_texts(brewbot)[-1]
    await tap_in_group(brewbot, "No, keep it open")
    assert "stays open" in group_texts(brewbot)[-1]
    assert (await brewbot.services.store.brew(brew.id)).is_open  # type: ignore[union-attr]

    await in_group(brewbot, "/close")
    await tap_in_group(brewbot, "Yes, close it")
    closed = await brewbot.services.store.brew(brew.id)
    assert closed is not None and not closed.is_open
    said = group_texts(brewbot)
    assert "is closed" in said[-2] and too_few(0, min_group=5) in said[-1]
    await brewbot.send(ANNE, f"/start {brew.code}")
    assert brewbot.last(ANNE) == brewbot.services.text("start_closed_brew", theme=brew.theme)
    assert await brewbot.services.store.participant_by_chat(ANNE) is None
    await in_group(brewbot, "/close")
    assert "no open brew to close" in group_texts(brewbot)[-1]
    brewbot.standin.assert_no_problems()


async def test_close_with_several_brews_closes_only_the_one_picked(brewbot: Running) -> None:
    first = await brewbot.new_brew("getting help at home")
    second = await brewbot.new_brew("staying connected")
    await in_group(brewbot, "/close")
    picker = group_calls(brewbot)[-1]
    assert [label for label, _ in brewbot.standin.buttons(picker)] == [
        "getting help at home",
        "staying connected",
    ]
    await tap_in_group(brewbot, "staying connected")
    assert 'Close the brew about "staying connected"?' in group_texts(brewbot)[-1]
    await tap_in_group(brewbot, "Yes, close it")
    assert [b.id for b in await brewbot.services.store.open_brews(FACILITATORS)] == [first.id]
    assert not (await brewbot.services.store.brew(second.id)).is_open  # type: ignore[union-attr]
    # The picker's buttons were taken away once used.
    shown = brewbot.standin.message(FACILITATORS, picker.result["message_id"])
    assert shown is not None and not shown.get("reply_markup")


async def test_a_member_cannot_use_an_admins_buttons(brewbot: Running) -> None:
    brew = await brewbot.new_brew("staying connected")
    await in_group(brewbot, "/close")
    await tap_in_group(brewbot, "Yes, close it", user=MEMBER)
    answer = brewbot.standin.calls_to("answerCallbackQuery")[-1]
    assert answer.params["text"] == brewbot.services.text("press_refused")
    assert (await brewbot.services.store.brew(brew.id)).is_open  # type: ignore[union-attr]


async def test_a_closing_tap_twice_closes_and_summarises_once(brewbot: Running) -> None:
    brew = await brewbot.new_brew("staying connected")
    await in_group(brewbot, "/close")
    await in_group(brewbot, "/close")
    await tap_in_group(brewbot, "Yes, close it")
    await tap_in_group(brewbot, "Yes, close it")  # the older message still shows one
    said = group_texts(brewbot)
    assert sum("is closed" in t for t in said) == 1
    assert "was already closed" in said[-1]
    assert not (await brewbot.services.store.brew(brew.id)).is_open  # type: ignore[union-attr]


# ------------------------------------------------------------------ /summary


async def test_summary_of_the_only_brew_is_posted_straight_away(brewbot: Running) -> None:
    await in_group(brewbot, "/summary")
    assert group_texts(brewbot)[-1] == brewbot.services.text("no_brews", days=RECENT.days)
    await brewbot.new_brew("getting help at home")
    await in_group(brewbot, "/summary")
    assert "getting help at home" in group_texts(brewbot)[-1]
    assert too_few(0, min_group=5) in group_texts(brewbot)[-1]


async def test_summary_offers_open_and_lately_closed_brews(brewbot: Running) -> None:
    await brewbot.new_brew("getting help at home")
    closed = await brewbot.new_brew("staying connected")
    await brewbot.services.store.close_brew(closed.id)
    await in_group(brewbot, "/summary")
    labels = [label for label, _ in brewbot.standin.buttons(group_calls(brewbot)[-1])]
    assert labels == ["getting help at home", "staying connected (closed)"]
    await tap_in_group(brewbot, "staying connected (closed)")
    assert "staying connected" in group_texts(brewbot)[-1]


async def test_four_people_get_the_short_message_and_five_the_full_summary(
    brewbot: Running,
) -> None:
    brew = await brewbot.new_brew("how we work together", pack="four-principles")
    await finish_pack(brewbot, brew.code, PEOPLE[:4], pack="four-principles")
    mark = len(group_calls(brewbot))
    await in_group(brewbot, "/summary")
    posted = group_calls(brewbot)[mark:]
    assert [c.method for c in posted] == ["sendMessage"]
    assert too_few(4, min_group=5) in (posted[0].text or "")

    await finish_pack(brewbot, brew.code, PEOPLE[4:], pack="four-principles")
    counts = await brewbot.services.store.brew_counts(brew.id)
    assert (counts.took_part, counts.finished) == (5, 5)
    mark = len(group_calls(brewbot))
    await in_group(brewbot, "/summary")
    posted = group_calls(brewbot)[mark:]
    assert posted[-1].method == "sendPhoto"
    assert "5 people took part and 5 got to the end" in (posted[0].text or "")
    text = "\n".join(c.text or "" for c in posted)
    assert "Where people think we are" in text and "(amber)" in text
    brewbot.standin.assert_no_problems()


async def test_summary_shows_perspectives_side_by_side_only_where_big_enough(
    brewbot: Running,
) -> None:
    brew = await brewbot.new_brew("how we work together", pack="four-principles")
    about = (
        ["I draw on care and support"] * 5
        + ["I am an unpaid carer"] * 5
        + ["I work in care"] * 2
        + ["I would rather not say"] * 3
    )
    people = [880301 + n for n in range(len(about))]
    await finish_pack(brewbot, brew.code, people, pack="four-principles", about=about)
    mark = len(group_calls(brewbot))
    await in_group(brewbot, "/summary")
    posted = group_calls(brewbot)[mark:]
    assert all(c.ok for c in posted)
    text = "\n".join(c.text or "" for c in posted)
    assert "15 people took part and 15 got to the end" in text
    both = (
        "• People who draw on care and support, 5 people: getting there (amber): 5\n"
        "• Unpaid carers, 5 people: getting there (amber): 5"
    )
    assert text.count(both) == 1  # "people as assets": everyone picked "getting there"
    for stage in ("got the basics (amber)", "haven't got this yet (red)", "doing really well"):
        assert f"• Unpaid carers, 5 people: {stage}" in text  # the other principles
    assert "Everyone else is only in the total, so nobody can be picked out." in text
    # Nothing about the two people who work in care: not named, not counted apart.
    for hint in ("work in care", "staff", ", 2 people"):
        assert hint not in text.casefold()
    brewbot.standin.assert_no_problems()


async def test_hostile_answers_are_shown_safely(brewbot: Running) -> None:
    hostile = [
        "<b>x</b><script>alert(1)</script> & more &amp; <i>",
        "x" * 4096,
        "Tea 🫖 and 👩🏽‍🦽 friends 💬 " * 20,
        "‮ what matters ‬ مرحبا بكم في المجموعة שלום לכולם",
        "=HYPERLINK(\"http://example.com\") <a href='x'>link</a>",
    ]
    brew = await brewbot.new_brew("<b>tea</b> & talk")
    texts = {p: [hostile[(i + n) % 5] for n in range(4)] for i, p in enumerate(PEOPLE)}
    await finish_pack(brewbot, brew.code, PEOPLE, texts=texts)
    await in_group(brewbot, "/close")
    mark = len(group_calls(brewbot))
    await tap_in_group(brewbot, "Yes, close it")
    posted = group_calls(brewbot)[mark:]
    assert all(c.ok for c in posted) and len(posted) >= 3
    assert any("5 people took part" in (c.text or "") for c in posted)
    # The theme and every quote went out as Telegram HTML, and read back exactly as typed.
    assert "is closed" in (posted[0].text or "")
    summary = [c for c in posted[1:] if c.method == "sendMessage"]
    assert summary and all(c.params.get("parse_mode") == "HTML" for c in summary)
    assert any("☕ Over a Brew: \u2068<b>tea</b> & talk\u2069" in (c.text or "") for c in posted)
    kept = [a.text for a in await brewbot.services.store.answers(brew.id) if a.text]
    assert "x" * 4096 in kept and hostile[0] in kept
    brewbot.standin.assert_no_problems()


# ------------------------------------------------------------------ help and menus


@pytest.mark.parametrize("command", ["/help_facilitators", "/help"])
async def test_help_lists_the_facilitator_commands(brewbot: Running, command: str) -> None:
    await in_group(brewbot, command)
    shown = group_texts(brewbot)[-1]
    for name in ("/newbrew", "/brews", "/close", "/summary", "/export", "/review"):
        assert name in shown


async def test_help_in_private_is_still_the_participants_help(brewbot: Running) -> None:
    await brewbot.send(ANNE, "/help")
    assert "/pause" in brewbot.last(ANNE) and "/newbrew" not in brewbot.last(ANNE)


async def test_admins_of_registered_groups_get_the_facilitator_menu(brewbot: Running) -> None:
    calls = brewbot.standin.calls_to("setMyCommands")
    scoped = [c for c in calls if c.params.get("scope", {}).get("type") == "chat_administrators"]
    assert [c.params["scope"]["chat_id"] for c in scoped] == [FACILITATORS]
    described = {c["command"]: c["description"] for c in scoped[0].params["commands"]}
    assert {"newbrew", "brews", "close", "summary", "export", "help_facilitators"} <= set(described)
    assert described["close"] == brewbot.services.text("menu_close")  # words from the files


async def test_a_group_whose_menu_cannot_be_set_does_not_stop_the_others(
    standin: StandIn,
) -> None:
    standin.fail_next("setMyCommands", status=400, description="Bad Request: chat not found")
    async with Bot(standin.token, base_url=standin.base_url) as bot:
        await set_menus(bot, [STRANGERS, FACILITATORS], load_messages())
    calls = standin.calls_to("setMyCommands")
    assert [(c.params["scope"]["chat_id"], c.ok) for c in calls] == [
        (STRANGERS, False),
        (FACILITATORS, True),
    ]


async def test_a_finished_journey_counts_as_finished(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting help at home")
    await finish_pack(brewbot, brew.code, PEOPLE[:1])
    participant = await brewbot.services.store.participant_by_chat(PEOPLE[0])
    assert participant is not None
    progress = await brewbot.services.store.progress(participant.id, brew.id)
    assert progress is not None and progress.status is Status.FINISHED
