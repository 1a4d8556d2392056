"""Coding against a codebook: each answer to the theme it fits, when it fits well enough."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_mutual_info_score

from bot import embedder
from conversations.codebook import load_codebook
from conversations.coding import FITS, code_answers, spread_people, unit
from conversations.reading import read_themes
from tests.brew_support import planted_brew

MIN = 5


def _embed(texts: list[str]) -> np.ndarray:
    """Read meanings as a summary does (short texts, such as label phrases, read once)."""
    embed = embedder.embedding()
    assert embed is not None, "the meaning model is installed by make"
    return embed(texts)


@pytest.mark.parametrize("name", ["story", "home", "carers", "big"])
@pytest.mark.parametrize("kind", ["names", "described"])
def test_with_a_codebook_each_answer_lands_in_its_theme(name: str, kind: str) -> None:
    brew = planted_brew(name)
    codebook = load_codebook(brew.codebook(kind))
    themes = read_themes(brew.texts, brew.people, min_group=MIN, embed=_embed, codebook=codebook)
    named = [None if a is None else themes.themes[a] for a in themes.assignments]
    right = [
        t is not None and t.origin == "codebook" and brew.planted(t.label) == planted
        for t, planted in zip(named, brew.themes, strict=True)
    ]
    found = [-1 if a is None else a for a in themes.assignments]
    assert sum(right) / len(right) >= 0.65, (name, kind, sum(right) / len(right))
    assert adjusted_mutual_info_score(brew.themes, found) >= 0.5
    assert all(t.origin == "codebook" for t in themes.themes[: len(codebook.themes)] if t.size)


def test_an_answer_far_from_every_theme_stays_uncoded_and_is_found_anew() -> None:
    brew = planted_brew("home")
    codebook = load_codebook(brew.codebook("described"))
    themes = read_themes(brew.texts, brew.people, min_group=MIN, embed=_embed, codebook=codebook)
    assert themes.scores and len(themes.scores) == len(brew.texts)
    for i, a in enumerate(themes.assignments):
        if a is not None and themes.themes[a].origin == "codebook":
            assert themes.scores[i] >= FITS


def test_closeness_decides_and_what_fits_no_theme_stays_uncoded() -> None:
    rng = np.random.default_rng(0)
    near_a = unit(np.array([1.0, 0, 0, 0]) + 0.05 * rng.standard_normal((6, 4)))
    near_b = unit(np.array([0, 1.0, 0, 0]) + 0.05 * rng.standard_normal((6, 4)))
    stray = unit(np.array([[0, 0, 0, 1.0]]))
    vectors = np.vstack([near_a, near_b, stray])
    cues = [np.array([[1.0, 0, 0, 0]]), np.array([[0, 1.0, 0, 0]])]
    coded = code_answers(vectors, cues)
    assert coded.themes[:6] == (0,) * 6 and coded.themes[6:12] == (1,) * 6
    assert coded.themes[12] is None  # fits neither well enough
    assert coded.scores[12] < FITS <= min(coded.scores[:12])
    assert code_answers(np.zeros((0, 4)), cues).themes == ()


def test_one_person_s_answers_are_read_together() -> None:
    points = unit(np.array([[1.0, 0], [0.2, 1.0], [0, 1.0]]))
    pulled = spread_people(points, ["p", "p", "q"])
    assert pulled[1] @ points[0] > points[1] @ points[0]  # towards the same person's other answer
    assert np.allclose(pulled[2], points[2])  # one answer: as it was
    with pytest.raises(ValueError, match="2 people for 3 answers"):
        spread_people(points, ["p", "q"])


def test_codebook_coding_by_words_when_the_model_is_missing() -> None:
    brew = planted_brew("big")
    codebook = load_codebook(brew.codebook("described"))
    themes = read_themes(brew.texts, brew.people, min_group=MIN, embed=None, codebook=codebook)
    assert not themes.by_meaning
    coded = [a for a in themes.assignments if a is not None]
    assert coded and themes.themes[0].origin == "codebook"
