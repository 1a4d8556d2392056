"""/wesaid keeps a "we said, we did" for a brew and sends it to those who asked for news."""

from __future__ import annotations

from datetime import timedelta

from bot.facilitators.picking import RECENT
from tests.facilitator_support import (
    ADMIN,
    MEMBER,
    group_texts,
    in_group,
    last_in_group,
    news_to,
    post_brew_summary,
    reply_in_group,
    tap_in_group,
    took_part,
)
from tests.running import FACILITATORS, Running

WANT_NEWS = (873001, 873002, 873003)
NO_NEWS = (873011, 873012)
WORDS = "We now ring people back within a day."


async def _brew_with_people(brewbot: Running, theme: str = "getting help at home") -> int:
    brew = await brewbot.new_brew(theme)
    await took_part(brewbot, brew, WANT_NEWS)
    await took_part(brewbot, brew, NO_NEWS, news=False)
    return brew.id


async def test_news_replying_to_a_summary_goes_to_those_who_asked(brewbot: Running) -> None:
    brew_id = await _brew_with_people(brewbot)
    brew = await brewbot.services.store.brew(brew_id)
    assert brew is not None
    headline = await post_brew_summary(brewbot, brew)
    await reply_in_group(brewbot, f"/wesaid {WORDS}", headline)
    await brewbot.standin.wait_for(lambda: all(news_to(brewbot, c) for c in WANT_NEWS))
    assert "3 people" in last_in_group(brewbot)
    assert '"getting help at home"' in last_in_group(brewbot)
    for chat in WANT_NEWS:
        (news,) = news_to(brewbot, chat)
        assert '"getting help at home"' in news and WORDS in news and "/stop" in news
    assert all(news_to(brewbot, chat) == [] for chat in NO_NEWS)
    brewbot.standin.assert_no_problems()


async def test_news_without_a_reply_asks_which_brew_and_a_second_tap_sends_nothing_more(
    brewbot: Running,
) -> None:
    await _brew_with_people(brewbot, "choosing my own support")
    other = await brewbot.new_brew("meeting people nearby")
    await in_group(brewbot, f"/wesaid {WORDS}")
    assert last_in_group(brewbot) == brewbot.services.text("pick_brew")
    picker = brewbot.standin.newest_with_button(FACILITATORS, "choosing my own support")
    assert picker is not None
    buttons = dict(brewbot.standin.buttons(brewbot.standin.message(FACILITATORS, picker) or {}))
    assert "meeting people nearby" in buttons and other.theme == "meeting people nearby"
    await tap_in_group(brewbot, "choosing my own support")
    await brewbot.standin.wait_for(lambda: all(news_to(brewbot, c) for c in WANT_NEWS))
    shown = brewbot.standin.message(FACILITATORS, picker) or {}
    assert shown.get("text") == 'You chose "choosing my own support".'
    assert not brewbot.standin.buttons(shown)
    # The same button again (a quick double tap) keeps and sends nothing twice.
    data = str(buttons["choosing my own support"])
    brewbot.standin.press(ADMIN, picker, data, chat_id=FACILITATORS, strict=False)
    await brewbot.standin.wait_idle()
    assert last_in_group(brewbot) == brewbot.services.text("wesaid_again")
    assert all(len(news_to(brewbot, c)) == 1 for c in WANT_NEWS)


async def test_said_and_did_are_shown_as_such(brewbot: Running) -> None:
    brew_id = await _brew_with_people(brewbot)
    brew = await brewbot.services.store.brew(brew_id)
    assert brew is not None
    headline = await post_brew_summary(brewbot, brew)
    await reply_in_group(brewbot, "/wesaid Letters were scary | We rewrote the letters", headline)
    await brewbot.standin.wait_for(lambda: news_to(brewbot, WANT_NEWS[0]))
    (news,) = news_to(brewbot, WANT_NEWS[0])
    assert "You said: Letters were scary\nWe did: We rewrote the letters" in news


async def test_easy_words_reach_people_who_asked_for_them(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting out and about")
    (person,) = await took_part(brewbot, brew, [873021])
    await brewbot.services.store.set_preferences(person, easy=True)
    headline = await post_brew_summary(brewbot, brew)
    await reply_in_group(brewbot, f"/wesaid {WORDS}", headline)
    await brewbot.standin.wait_for(lambda: news_to(brewbot, 873021))
    (news,) = news_to(brewbot, 873021)
    assert news.startswith('News about "getting out and about"')
    assert "1 person" in last_in_group(brewbot)


async def test_when_nobody_asked_for_news_it_is_kept_for_the_digest(brewbot: Running) -> None:
    brew = await brewbot.new_brew("feeling safe at home")
    await took_part(brewbot, brew, NO_NEWS, news=False)
    headline = await post_brew_summary(brewbot, brew)
    await reply_in_group(brewbot, f"/wesaid {WORDS}", headline)
    assert "Nobody from" in last_in_group(brewbot)
    store, day = brewbot.services.store, (brew.opened_at, brew.opened_at + timedelta(1))
    kept = await store.week_wesaid(*day, group_chat_id=FACILITATORS)
    assert [w.text for w in kept] == [WORDS]


async def test_wesaid_explains_itself_and_refuses_an_essay(brewbot: Running) -> None:
    await brewbot.new_brew()
    await in_group(brewbot, "/wesaid")
    assert last_in_group(brewbot) == brewbot.services.text("wesaid_usage")
    await in_group(brewbot, "/wesaid " + "word " * 300)
    assert last_in_group(brewbot) == brewbot.services.text("wesaid_too_long", limit=1000)


async def test_a_group_with_no_brews_is_told_how_to_start_one(brewbot: Running) -> None:
    await in_group(brewbot, f"/wesaid {WORDS}")
    assert last_in_group(brewbot) == brewbot.services.text("no_brews", days=RECENT.days)


async def test_only_admins_may_tap_the_brew_buttons(brewbot: Running) -> None:
    await _brew_with_people(brewbot, "choosing my own support")
    await in_group(brewbot, f"/wesaid {WORDS}")
    brewbot.standin.tap(MEMBER, "choosing my own support", chat_id=FACILITATORS)
    await brewbot.standin.wait_idle()
    (query,) = brewbot.standin.world.callback_queries.values()
    assert query["answer"]["text"] == brewbot.services.text("press_refused")
    assert all(news_to(brewbot, c) == [] for c in WANT_NEWS)
    assert group_texts(brewbot)[-1] == brewbot.services.text("pick_brew")
