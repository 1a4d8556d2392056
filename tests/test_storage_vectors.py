"""Meaning vectors are kept beside typed answers and go wherever the answers' words go."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conversations.model import Answer, Kind, Principle
from storage import Store
from tests.storage_support import Clock, inspect, step, text

MODEL = "all-MiniLM-L6-v2"
GROUP = -100300


def _blob(answer_id: int) -> bytes:
    """A vector's bytes that can be found again in the file."""
    return f"vector-of-answer-{answer_id:06d}".encode() * 4


def _file_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as bytes."""
    return b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists() and p.stat().st_size
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "brewbot.db", now=Clock()) as opened:
        yield opened


async def _answer(store: Store, chat: int, brew: int, *words: str) -> str:
    person = await store.join(chat)
    answers = [text(f"t{i}", Principle.NETWORKS, w) for i, w in enumerate(words)]
    choice = Answer("who", Principle.THEME, Kind.CHOICE, text="a carer", option="carer")
    await store.record_step(
        participant_id=person.id, brew_id=brew, outcome=step(*answers, choice), update_id=None
    )
    return person.id


async def test_only_typed_answers_wait_for_a_vector_and_saved_ones_stop_waiting(
    store: Store,
) -> None:
    brew = (await store.create_brew(theme="Company", pack_id="p", group_chat_id=GROUP)).id
    await _answer(store, 11, brew, "I never see anyone", "more company please")
    waiting = await store.texts_without_vector(MODEL, 10)
    assert [t for _, t in waiting] == ["I never see anyone", "more company please"]
    assert await store.count_without_vector(MODEL) == 2

    first = waiting[0][0]
    assert await store.save_vectors(MODEL, [(first, _blob(first))]) == 1
    assert [t for _, t in await store.texts_without_vector(MODEL, 10)] == ["more company please"]
    assert await store.brew_vectors(brew, MODEL) == {first: _blob(first)}
    # Another model's vectors are its own; saving again replaces.
    assert len(await store.texts_without_vector("another-model", 10)) == 2
    assert await store.save_vectors(MODEL, [(first, b"new")]) == 1
    assert await store.brew_vectors(brew, MODEL) == {first: b"new"}


async def test_forget_takes_the_vectors_with_the_answers(store: Store, tmp_path: Path) -> None:
    brew = (await store.create_brew(theme="Company", pack_id="p", group_chat_id=GROUP)).id
    leaving = await _answer(store, 21, brew, "lonely at weekends")
    await _answer(store, 22, brew, "my carer is kind")
    pairs = [(i, _blob(i)) for i, _ in await store.texts_without_vector(MODEL, 10)]
    assert await store.save_vectors(MODEL, pairs) == 2

    await store.forget(leaving)

    kept = await store.brew_vectors(brew, MODEL)
    assert list(kept.values()) == [_blob(pairs[1][0])]
    assert _blob(pairs[0][0]) not in _file_bytes(tmp_path / "brewbot.db")
    with inspect(tmp_path / "brewbot.db") as db:
        assert db.execute("SELECT COUNT(*) FROM answer_vectors").fetchone()[0] == 1


async def test_a_vector_for_an_answer_gone_meanwhile_is_not_kept(store: Store) -> None:
    brew = (await store.create_brew(theme="Company", pack_id="p", group_chat_id=GROUP)).id
    person = await _answer(store, 31, brew, "no one to talk to")
    [(answer_id, _)] = await store.texts_without_vector(MODEL, 10)
    await store.forget(person)  # while the worker was embedding
    assert await store.save_vectors(MODEL, [(answer_id, _blob(answer_id))]) == 0
    assert await store.brew_vectors(brew, MODEL) == {}


async def test_retention_drops_the_vectors_of_the_words_it_clears(tmp_path: Path) -> None:
    clock = Clock()
    async with await Store.open(tmp_path / "old.db", now=clock) as store:
        brew = (await store.create_brew(theme="Company", pack_id="p", group_chat_id=GROUP)).id
        await _answer(store, 41, brew, "old words")
        clock.advance(days=300)
        await _answer(store, 42, brew, "newer words")
        pairs = [(i, _blob(i)) for i, _ in await store.texts_without_vector(MODEL, 10)]
        await store.save_vectors(MODEL, pairs)
        clock.advance(days=100)

        assert await store.apply_retention(365) == 1

        assert list((await store.brew_vectors(brew, MODEL)).keys()) == [pairs[1][0]]
        assert [t for _, t in await store.texts_without_vector(MODEL, 10)] == []
