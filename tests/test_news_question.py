"""The question at the end of a brew, "would you like news of what changed?": asked of
someone who finished until they answer it, even when the message carrying it never arrived
or its buttons were taken off by what they typed next."""

from __future__ import annotations

from tests.running import FACILITATORS, Running
from tests.test_journey import OVER_A_BREW_ANSWERS

ANNE = 1101
NEWS = "Would you like a short message when the group shares what changed"


async def finish(brewbot: Running, person: int, *, last_fails: bool = False) -> None:
    """Take a person through the whole Over a brew pack; the last reply may fail to send."""
    brew = await brewbot.new_brew("getting help at home")
    await brewbot.send(person, f"/start {brew.code}")
    await brewbot.tap(person, "I am an unpaid carer")
    await brewbot.tap(person, "Yes")
    for answer in OVER_A_BREW_ANSWERS[:-1]:
        await brewbot.send(person, answer)
    if last_fails:
        brewbot.standin.fail_next("sendMessage", status=400, description="Bad Request: try later")
    await brewbot.send(person, OVER_A_BREW_ANSWERS[-1])


def asked_news(brewbot: Running, person: int) -> int:
    return sum(NEWS in text for text in brewbot.texts(person))


async def test_typing_after_the_end_asks_the_news_question_again_until_answered(
    brewbot: Running,
) -> None:
    await finish(brewbot, ANNE)
    assert asked_news(brewbot, ANNE) == 1
    await brewbot.send(ANNE, "Thanks, that was nice")  # the first question's buttons go...
    assert "already finished" in brewbot.last(ANNE)
    assert brewbot.last(ANNE).endswith('It\'s called "we said, we did".')  # ...and it comes back
    assert asked_news(brewbot, ANNE) == 2
    await brewbot.tap(ANNE, "No, thanks")
    await brewbot.send(ANNE, "Bye!")
    assert asked_news(brewbot, ANNE) == 2  # answered: never asked again in this brew
    participant = await brewbot.services.store.participant_by_chat(ANNE)
    assert participant is not None and not participant.news


async def test_the_news_question_is_asked_next_time_when_the_last_reply_never_arrived(
    brewbot: Running,
) -> None:
    await finish(brewbot, ANNE, last_fails=True)
    assert asked_news(brewbot, ANNE) == 0
    await brewbot.send(ANNE, "Hello? Did that go through?")
    assert NEWS in brewbot.last(ANNE)
    await brewbot.tap(ANNE, "Yes, please")
    participant = await brewbot.services.store.participant_by_chat(ANNE)
    assert participant is not None and participant.news
    await brewbot.send(ANNE, "Thank you")
    assert asked_news(brewbot, ANNE) == 1


async def test_a_closed_brew_still_asks_whoever_finished_it_about_news(brewbot: Running) -> None:
    await finish(brewbot, ANNE)
    (brew,) = await brewbot.services.store.open_brews(FACILITATORS)
    await brewbot.services.store.close_brew(brew.id)
    await brewbot.send(ANNE, "Is it still open?")
    assert asked_news(brewbot, ANNE) == 2 and NEWS in brewbot.last(ANNE)
    assert "closed" in brewbot.texts(ANNE)[-1]
