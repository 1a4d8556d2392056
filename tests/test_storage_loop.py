"""The loop's records: ideas counted once per keyed person and wiped with them; time given
added step by step with long pauses capped; old ideas fade with old words."""

from __future__ import annotations

from pathlib import Path

from conversations.model import Principle
from storage import Store
from tests.storage_support import Clock, step, text

GROUP = -100300
IDEA = "a kestrel-4417 walking group"


async def test_ideas_count_each_person_once_and_go_with_them(tmp_path: Path) -> None:
    path = tmp_path / "brewbot.db"
    async with await Store.open(path) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
        people = [await store.join(chat) for chat in (11, 12)]
        await store.record_step(
            participant_id=people[0].id, brew_id=brew.id, outcome=step(), update_id=None
        )
        assert await store.suggest_idea(people[0].id, suggester="a" * 64, text=IDEA)
        assert not await store.suggest_idea(people[0].id, suggester="a" * 64, text=IDEA.upper())
        assert await store.suggest_idea(people[1].id, suggester="b" * 64, text=f"{IDEA}!")
        (counted,) = await store.idea_counts(GROUP)
        assert (counted.text, counted.people) == (IDEA, 2)
        exported = await store.export(people[0].id, suggester="a" * 64)
        assert [i["text"] for i in exported["ideas"]] == [IDEA]  # type: ignore[index]
        await store.forget(people[0].id, suggester="a" * 64)
        (counted,) = await store.idea_counts(GROUP)
        assert counted.people == 1
        await store.forget(people[1].id, suggester="b" * 64)
        assert await store.idea_counts(GROUP) == []
    assert b"kestrel-4417" not in path.read_bytes()


async def test_time_adds_up_between_steps_with_long_pauses_capped(tmp_path: Path) -> None:
    clock = Clock()
    async with await Store.open(tmp_path / "brewbot.db", now=clock) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
        person = await store.join(21)
        for gap in (0, 90, 30, 3 * 3600):  # the first step starts the clock
            clock.advance(seconds=gap)
            await store.record_step(
                participant_id=person.id,
                brew_id=brew.id,
                outcome=step(text("t", Principle.THEME, "words")),
                update_id=None,
            )
        (mine,) = await store.my_time(person.id)
        assert mine.seconds == 90 + 30 + 300
        assert await store.brew_seconds(brew.id) == [420]


async def test_old_ideas_fade_with_old_words(tmp_path: Path) -> None:
    clock = Clock()
    async with await Store.open(tmp_path / "brewbot.db", now=clock) as store:
        person = await store.join(31)
        await store.suggest_idea(person.id, suggester="c" * 64, text=IDEA)
        clock.advance(days=400)
        assert await store.apply_retention(days=365) == 1
        assert await store.idea_counts(GROUP) == []
