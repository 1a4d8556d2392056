"""News goes out paced within Telegram's limits, and each person gets it exactly once,
even when Telegram fails part-way and brewbot is killed and started again."""

from __future__ import annotations

from dataclasses import replace

from bot.jobs.broadcast import send_news
from standin.faults import FaultPlan
from standin.flood import most_in_one_second
from tests.facilitator_support import news_to, post_brew_summary, reply_in_group, took_part
from tests.running import Running

MANY = range(874001, 874091)  # 90 people: more than Telegram takes in one second
OVERALL_PER_SECOND = 30


def _news_times(brewbot: Running) -> list[float]:
    """When Telegram accepted each news message, to anyone."""
    calls = brewbot.standin.calls_to("sendMessage")
    return sorted(
        c.at for c in calls if c.ok and int(c.chat_id) > 0 and (c.text or "").startswith("News")
    )


async def _news_for(brewbot: Running, chats: range | list[int], *, wait: bool = True) -> None:
    """People took part in a brew; an admin replies to its summary with /wesaid."""
    brew = await brewbot.new_brew("getting help at home")
    await took_part(brewbot, brew, list(chats), stage=None)
    headline = await post_brew_summary(brewbot, brew)
    await reply_in_group(brewbot, "/wesaid We fixed it.", headline, wait=wait)


async def test_news_to_many_people_is_paced_within_telegrams_limits(brewbot: Running) -> None:
    await _news_for(brewbot, MANY)
    await brewbot.standin.wait_for(lambda: len(_news_times(brewbot)) == len(MANY), timeout=20)
    # Never more than 30 in any one second, the first included (the stand-in counts too).
    assert most_in_one_second(_news_times(brewbot)) <= OVERALL_PER_SECOND
    assert brewbot.standin.busiest_second() <= OVERALL_PER_SECOND
    assert all(len(news_to(brewbot, chat)) == 1 for chat in MANY)
    brewbot.standin.assert_no_problems()


async def test_several_news_to_one_person_are_paced_for_that_person(brewbot: Running) -> None:
    await brewbot.stop()
    brewbot.settings = replace(brewbot.settings, person_rate=1.0)
    await brewbot.start()
    store = brewbot.services.store
    for n in range(6):
        brew = await brewbot.new_brew(f"brew number {n}")
        await took_part(brewbot, brew, [874500], stage=None)
        await store.record_wesaid(brew.id, f"News {n}.", f"test:{n}")
    await brewbot.run_job(send_news)
    await brewbot.standin.wait_for(lambda: len(news_to(brewbot, 874500)) == 6, timeout=20)
    # About one a second, with a burst of three: never more than 4 in any 1.5 seconds.
    assert brewbot.standin.max_rate(874500, 1.5) <= 4


async def test_a_kill_half_way_through_sends_the_rest_once_after_a_restart(
    brewbot: Running,
) -> None:
    await _news_for(brewbot, MANY, wait=False)
    await brewbot.standin.wait_for(lambda: len(_news_times(brewbot)) >= 40, timeout=20)
    brewbot.standin.fail_next("sendMessage", status=500, times=100_000)
    await brewbot.standin.wait_for(
        lambda: any(c.status == 500 for c in brewbot.standin.calls_to("sendMessage"))
    )
    await brewbot.kill()
    reached = {chat for chat in MANY if news_to(brewbot, chat)}
    assert 40 <= len(reached) < len(MANY)
    brewbot.standin.faults = FaultPlan()
    await brewbot.start()  # the queue is sent from the database at start-up
    await brewbot.standin.wait_for(lambda: len(_news_times(brewbot)) >= len(MANY), timeout=20)
    await brewbot.standin.wait_idle()
    assert [len(news_to(brewbot, chat)) for chat in MANY] == [1] * len(MANY)


async def test_someone_who_blocked_brewbot_is_tried_once_not_for_ever(brewbot: Running) -> None:
    brewbot.standin.world.blocked.add(874601)
    await _news_for(brewbot, [874600, 874601, 874602])
    await brewbot.standin.wait_for(lambda: news_to(brewbot, 874602))
    await brewbot.run_job(send_news)
    await brewbot.restart()
    await brewbot.run_job(send_news)
    tries = [c for c in brewbot.standin.calls_to("sendMessage") if c.chat_id == 874601]
    assert [c.status for c in tries] == [403]
    assert len(news_to(brewbot, 874600)) == 1 and len(news_to(brewbot, 874602)) == 1
    assert await brewbot.services.store.pending_news(10) == []


async def test_a_person_who_stops_before_their_turn_gets_nothing(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting help at home")
    (person,) = await took_part(brewbot, brew, [874700], stage=None)
    await brewbot.services.store.record_wesaid(brew.id, "We fixed it.", "test:stop")
    await brewbot.send(874700, "/stop")
    await brewbot.run_job(send_news)
    assert news_to(brewbot, 874700) == []
    assert person
