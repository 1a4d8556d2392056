"""Theme labels: a short phrase a reader knows, never a word fewer than five people typed."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from bot import embedder
from conversations.checker import JARGON
from conversations.labels import (
    Embed,
    LabelWords,
    candidate_phrases,
    label_themes,
    shipped_phrases,
    words_of,
)
from conversations.language import ENGLISH, language_of
from conversations.reading import read_themes
from conversations.text_words import stop_words

ANSWERS = Path(__file__).resolve().parent / "data" / "answers.csv"
MIN = 5


def _embed() -> Embed:
    """Read meanings as a summary does (short texts, such as label phrases, read once)."""
    embed = embedder.embedding()
    assert embed is not None, "the meaning model is installed by make"
    return embed


def test_words_are_counted_by_people_and_by_stem() -> None:
    counts = LabelWords.of(
        ["Waiting again", "I waited and waited", "still waiting", "no wait"],
        ["a", "b", "b", "c"],
    )
    assert counts.typed_by("waiting") == 3  # wait, waited, waiting: three people
    assert counts.typed_by("Waited") == 3
    assert counts.typed_by("again") == 1 and counts.typed_by("never") == 0
    assert counts.shareable("waiting again", min_group=3) is False
    assert counts.shareable("waiting", min_group=3) is True
    assert counts.shareable("waiting lists", min_group=3, ours=True)  # nobody typed "lists"
    assert not counts.shareable("waiting again", min_group=3, ours=True)  # one typed "again"


def test_candidate_phrases_are_two_to_five_words_and_never_start_or_end_weakly() -> None:
    found = candidate_phrases(
        "I waited six weeks for a call back from the [name] team, and nothing."
    )
    assert "waited six weeks" in found and "call back" in found
    assert all(2 <= len(p.split()) <= 5 for p in found)
    for phrase in found:
        first, *_, last = phrase.split()
        assert first not in stop_words() and last not in stop_words(), phrase
    assert not any("name" in p or "back team" in p for p in found)  # never across a marker


def test_a_rare_word_dominating_a_small_cluster_never_names_it() -> None:
    # "Bexley" is typed by four people, all in one theme; "transport" by six.
    texts = [f"the Bexley bus never comes, person {n}" for n in range(4)]
    texts += [f"transport to the Bexley centre is hard {n}" for n in range(2)]
    texts += [f"transport is the problem for me {n}" for n in range(4)]
    texts += [f"lonely most days {n}" for n in range(6)]
    people = (
        [f"p{n}" for n in range(4)]
        + ["p0", "p1"]
        + [f"q{n}" for n in range(4)]
        + [f"r{n}" for n in range(6)]
    )
    groups = [list(range(10)), list(range(10, 16))]
    counts = LabelWords.of(texts, people)
    assert counts.typed_by("bexley") == 4
    for embed in (None, _embed()):
        labels = label_themes(texts, groups, counts, min_group=MIN, embed=embed)
        for label in labels:
            if label is None:
                continue
            assert "bexley" not in label.casefold()
            for word in words_of(label):
                assert counts.typed_by(word) in (0, *range(MIN, 99)), (label, word)


def test_a_label_fits_what_the_minimum_group_of_people_said_not_one_voice() -> None:
    # One person wrote six answers about food; five others one each, about other things.
    one_voice = [
        "a roast on Sunday",
        "hot dinners every night",
        "fresh veg with my tea",
        "puddings like mum made",
        "a cooked breakfast",
        "soup at lunchtime",
    ]
    others = [
        "the bus was late again",
        "my sister rings on Fridays",
        "the garden needs weeding",
        "a new phone I cannot work",
        "the rain got into the hall",
    ]
    alone = [
        "nobody visits me",
        "I sit by myself all day",
        "no one to chat to",
        "the days are empty and quiet",
        "I miss having company",
    ]
    texts = one_voice + others + alone
    people = ["p0"] * 6 + [f"p{n}" for n in range(1, 6)] + [f"q{n}" for n in range(5)]
    groups = [list(range(11)), list(range(11, 16))]
    listed = [
        "homemade food",
        "feeling lonely",
        "buses and travel",
        "time with family",
        "gardening and plants",
        "phones and gadgets",
        "repairs at home",
        "money worries",
        "help with washing",
        "seeing the doctor",
        "staff who listen",
        "getting out and about",
        "waiting for news",
        "forms and letters",
        "choosing my carers",
        "hobbies and fun",
        "feeling safe",
        "kind words",
        "taking tablets",
    ]
    counts = LabelWords.of(texts, people)
    embed = _embed()
    kw = {"min_group": MIN, "embed": embed, "phrases": listed}
    # read as if every answer were a different person's, food heads the first theme...
    assert label_themes(texts, groups, counts, **kw)[0] == "homemade food"
    # ...but only one person said it, so it may not head a theme of six
    food, lonely = label_themes(texts, groups, counts, people=people, **kw)
    assert food is None
    assert lonely == "feeling lonely"


@pytest.fixture(scope="module")
def answers_themes() -> tuple[list[str], list[str], list[str], list[str | None]]:
    with ANSWERS.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    texts = [r["answer"] for r in rows]
    groups = [r["group"] for r in rows]
    people = [f"row {i}" for i in range(len(rows))]
    themes = read_themes(texts, people, min_group=MIN, embed=_embed())
    named = [None if a is None else themes.themes[a].label for a in themes.assignments]
    return texts, groups, people, named


# A word a reader would expect in the name of each planted group (answers.csv).
EXPECTED = {
    "waiting": {"wait", "waiting", "waited", "long", "delay"},
    "lonely": {"lonely", "friends", "alone", "company", "loneliness", "isolated"},
    "continuity": {"same", "carer", "carers", "faces", "staff", "know"},
    "listened": {"listens", "listen", "listened", "heard", "people"},
    "transport": {"out", "getting", "transport", "bus", "travel", "lift"},
    "paying": {"pay", "paying", "money", "cost", "charges", "bills"},
}


def test_new_themes_group_the_planted_ones_and_each_label_has_an_expected_word(
    answers_themes: tuple[list[str], list[str], list[str], list[str | None]],
) -> None:
    texts, groups, people, named = answers_themes
    labels = {label for label in named if label}
    assert len(labels) >= 5
    counts = LabelWords.of(texts, people)
    for label in labels:
        members = [g for g, n in zip(groups, named, strict=True) if n == label and g]
        planted, _ = Counter(members).most_common(1)[0]
        words = set(words_of(label))
        assert words & EXPECTED[planted], (label, planted)
        assert 2 <= len(label.split()) <= 5
        assert all(counts.typed_by(w) in (0, *range(MIN, 999)) for w in words), label


def test_a_label_is_never_a_stop_word_a_lone_stem_or_a_name() -> None:
    texts = [f"Margaret Smith was lovely and kind, visit {n}" for n in range(6)]
    texts += [f"so kind and lovely, Margaret {n}" for n in range(6)]
    people = [f"p{n}" for n in range(12)]
    from conversations.redaction import redact, unmarked

    cleaned = [unmarked(redact(t), gap=" ; ") for t in texts]
    assert not any("Margaret" in t for t in cleaned)
    themes = read_themes(cleaned, people, min_group=MIN, embed=_embed())
    for theme in themes.themes:
        if not theme.label:
            continue
        words = theme.label.split()
        assert len(words) >= 2 and "margaret" not in theme.label.casefold()
        assert words[0] not in stop_words() and words[-1] not in stop_words()


def test_labels_without_the_model_come_from_people_s_words_only() -> None:
    texts = ["waiting lists are long"] * 3 + ["long waiting lists here"] * 3
    texts += ["lonely at home alone"] * 6
    people = [f"p{n}" for n in range(12)]
    labels = label_themes(
        texts, [list(range(6)), list(range(6, 12))], LabelWords.of(texts, people), min_group=MIN
    )
    waiting, lonely = labels
    assert waiting is not None and "waiting lists" in waiting
    assert lonely is not None and set(lonely.split()) <= {"lonely", "at", "home", "alone"}


def test_every_shipped_heading_is_short_plain_and_free_of_jargon() -> None:
    headings = shipped_phrases()
    assert len(headings) > 2000, "the three lists are read"
    jargon = [re.compile(rf"\b(?:{p})\b", re.IGNORECASE) for p, _ in JARGON]
    for heading in headings:
        assert 2 <= len(heading.split()) <= 5, heading
        assert heading == heading.lower(), heading
        assert not any(pattern.search(heading) for pattern in jargon), heading
        assert language_of(heading) in (None, ENGLISH), heading  # read by the English model
