"""Answers get their meaning vectors in the background, after they are kept and answered."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot import embedder
from standin import StandIn
from tests.facilitator_support import ADMIN, finish_pack, group_calls, in_group
from tests.running import FACILITATORS, Running

PEOPLE = [770301 + n for n in range(5)]


async def _all_embedded(brewbot: Running) -> None:
    """Wait (up to 30 s: the model loads first) until no typed answer waits for a vector."""
    store = brewbot.services.store
    for _ in range(300):
        if not await store.texts_without_vector(embedder.MODEL_NAME, 1):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("answers were not embedded")


async def test_answers_kept_before_and_after_start_get_vectors(
    standin: StandIn, tmp_path: Path
) -> None:
    brewbot = Running(standin, tmp_path / "brewbot.db")  # meaning off: as before the upgrade
    await brewbot.start()
    try:
        brew = await brewbot.new_brew("staying connected")
        await finish_pack(brewbot, brew.code, PEOPLE[:2])
        store = brewbot.services.store
        waiting = await store.texts_without_vector(embedder.MODEL_NAME, 100)
        assert len(waiting) == 8 and brewbot.services.embedding is None
    finally:
        await brewbot.stop()

    brewbot.settings = replace(brewbot.settings, meaning=True)
    await brewbot.start()
    try:
        await _all_embedded(brewbot)  # what was kept before the upgrade
        await finish_pack(brewbot, brew.code, PEOPLE[2:])
        await _all_embedded(brewbot)  # what came in while running
        store = brewbot.services.store
        kept = await store.brew_vectors(brew.id, embedder.MODEL_NAME)
        texts = await store.answer_texts(brew.id, include_held=True)
        assert sorted(kept) == sorted(t.answer_id for t in texts) and len(kept) == 20
        model = embedder.model()
        assert model is not None
        one = texts[0]
        np.testing.assert_allclose(
            embedder.from_bytes(kept[one.answer_id]), model.embed([one.text])[0], atol=1e-5
        )

        mark = len(group_calls(brewbot))
        await in_group(brewbot, "/summary")
        posted = "\n".join(c.text or "" for c in group_calls(brewbot)[mark:])
        assert "5 people took part" in posted
        brewbot.standin.assert_no_problems()
    finally:
        await brewbot.stop()


def test_a_summary_embeds_what_has_no_vector_yet() -> None:
    model = embedder.model()
    assert model is not None
    texts = ["I feel lonely at weekends", "no company since my wife died", "waiting lists"] * 4
    texts += ["the waiting list for an OT", "nobody to talk to", "slow assessment"] * 4
    people = [f"p{i}" for i in range(len(texts))]
    whole = embedder.reader({})(texts, people, min_group=3)
    vectors = model.embed(texts)
    half_known = {t: v for t, v in zip(texts[:3], vectors[:3], strict=True)}
    half = embedder.reader(half_known)(texts, people, min_group=3)
    # the same themes; a vector read in another batch may differ in its last bits (float32)
    assert (half.themes, half.assignments, half.reasons) == (
        whole.themes,
        whole.assignments,
        whole.reasons,
    )
    assert half.scores == pytest.approx(whole.scores, abs=1e-6)
    assert whole.by_meaning


async def test_answers_imported_in_the_group_get_vectors(standin: StandIn, tmp_path: Path) -> None:
    brewbot = Running(standin, tmp_path / "brewbot.db", meaning=True)
    await brewbot.start()
    try:
        brewbot.standin.set_admins(FACILITATORS, [ADMIN])
        brew = await brewbot.new_brew("getting about town")
        await _all_embedded(brewbot)  # the worker has looked once, at start, and is idle
        paper = b"answer\nA lift that works\nSomeone who rings back\n"
        standin.document(FACILITATORS, ADMIN, "paper.csv", paper, f"/import {brew.code}")
        await standin.wait_idle()
        assert "Added 2 answers" in (standin.last_text(FACILITATORS) or "")
        await _all_embedded(brewbot)
        assert len(await brewbot.services.store.brew_vectors(brew.id, embedder.MODEL_NAME)) == 2
    finally:
        await brewbot.stop()
