"""/review shows answers kept back, one at a time, without who wrote them; Release lets one
into summaries, Keep out keeps it out for good."""

from __future__ import annotations

from bot.facilitators.reports import brew_results, brew_summary
from storage.records import Brew
from tests.facilitator_support import (
    ADMIN,
    MEMBER,
    in_group,
    last_in_group,
    shown_now,
    tap_in_group,
    took_part,
)
from tests.running import FACILITATORS, Running

RELEASED = "A bit of help with the shopping on Mondays would be good."
KEPT_OUT = "Nobody came for three days and I was frightened."
HELD_PEOPLE = (876101, 876102)


async def _brew_with_held_answers(brewbot: Running) -> tuple[Brew, list[str]]:
    brew = await brewbot.new_brew("feeling safe at home")
    await took_part(brewbot, brew, list(range(876001, 876006)))
    held = []
    for chat, words in zip(HELD_PEOPLE, (RELEASED, KEPT_OUT), strict=True):
        held += await took_part(
            brewbot, brew, [chat], words=(words,), prompt="better", concern=True
        )
    return brew, held


async def _summary_text(brewbot: Running, brew: Brew) -> str:
    summary = await brew_summary(brewbot.services, brew)
    return "\n".join((*summary.sections, summary.markdown))


async def test_review_shows_each_answer_without_who_wrote_it(brewbot: Running) -> None:
    _, held_ids = await _brew_with_held_answers(brewbot)
    await in_group(brewbot, "/review")
    shown = last_in_group(brewbot)
    assert shown.startswith('Kept back for a second look (1 of 2), from "feeling safe at home"')
    assert RELEASED in shown and KEPT_OUT not in shown
    for secret in (*held_ids, *map(str, HELD_PEOPLE)):
        assert secret not in shown
    message_id = brewbot.standin.newest_with_button(FACILITATORS, "Release")
    assert message_id is not None
    labels = [label for label, _ in brewbot.standin.buttons(shown_now(brewbot, message_id))]
    assert labels == ["Release", "Keep out"]
    brewbot.standin.assert_no_problems()


async def test_release_lets_an_answer_in_and_keep_out_never_does(brewbot: Running) -> None:
    brew, _ = await _brew_with_held_answers(brewbot)
    before = await _summary_text(brewbot, brew)
    assert RELEASED not in before and KEPT_OUT not in before
    await in_group(brewbot, "/review")
    message_id = brewbot.standin.newest_with_button(FACILITATORS, "Release")
    assert message_id is not None
    await tap_in_group(brewbot, "Release")
    now = shown_now(brewbot, message_id)["text"]
    assert now.startswith("Released. It can now be part of summaries.")
    assert "(1 of 1)" in now and KEPT_OUT in now and RELEASED not in now
    await tap_in_group(brewbot, "Keep out")
    now = shown_now(brewbot, message_id)["text"]
    assert (
        now
        == "Kept out. It will never be shown.\n\nThat's everything for now. Thank you for looking."
    )
    assert not brewbot.standin.buttons(shown_now(brewbot, message_id))
    after = await _summary_text(brewbot, brew)
    assert RELEASED in after and KEPT_OUT not in after
    texts = [a.text for a in (await brew_results(brewbot.services, brew)).answers]
    assert RELEASED in texts and KEPT_OUT not in texts
    await brewbot.restart()
    assert KEPT_OUT not in await _summary_text(brewbot, brew)
    await in_group(brewbot, "/review")
    assert last_in_group(brewbot) == brewbot.services.text("review_nothing")


async def test_an_old_button_changes_nothing_twice(brewbot: Running) -> None:
    await _brew_with_held_answers(brewbot)
    await in_group(brewbot, "/review")
    message_id = brewbot.standin.newest_with_button(FACILITATORS, "Keep out")
    assert message_id is not None
    buttons = dict(brewbot.standin.buttons(shown_now(brewbot, message_id)))
    await tap_in_group(brewbot, "Keep out")
    brewbot.standin.press(
        ADMIN, message_id, str(buttons["Release"]), chat_id=FACILITATORS, strict=False
    )
    await brewbot.standin.wait_idle()
    assert shown_now(brewbot, message_id)["text"].startswith("Someone has already looked")
    pending = await brewbot.services.store.held_answers(FACILITATORS)
    assert [h.text for h in pending] == [KEPT_OUT]


async def test_only_admins_may_release(brewbot: Running) -> None:
    await _brew_with_held_answers(brewbot)
    await in_group(brewbot, "/review")
    brewbot.standin.tap(MEMBER, "Release", chat_id=FACILITATORS)
    await brewbot.standin.wait_idle()
    (query,) = brewbot.standin.world.callback_queries.values()
    assert query["answer"] == {"text": brewbot.services.text("press_refused"), "show_alert": True}
    assert len(await brewbot.services.store.held_answers(FACILITATORS)) == 2


async def test_nothing_waiting_is_a_kind_note(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await took_part(brewbot, brew, [876201], words=("All fine.",))
    await in_group(brewbot, "/review")
    assert last_in_group(brewbot) == brewbot.services.text("review_nothing")
