"""A brew answered in Welsh and English: Welsh read by its words alone, each language themed
on its own, and the summary showing the two side by side (docs/benchmarks.md, "Themes in
Welsh"). The answers are written for these tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from conversations import summary
from conversations.language import ENGLISH, WELSH, language_of
from conversations.messages import load_catalogue
from conversations.model import Principle
from conversations.reading import Reader, languages_of, read_themes
from conversations.shown import FreeText
from tests.summary_support import shown

MIN = 5
ENGLISH_SAID = (
    "I waited weeks for a call back from the team.",
    "Nobody called me back after the assessment.",
    "Waiting for a call back is the worst part.",
    "I am still waiting for someone to call me back.",
    "They said they would call back and never did.",
    "Weeks of waiting for a phone call back.",
    "The letters are too hard to read.",
    "Letters full of long words I cannot read.",
    "The letter frightened me, it was hard to read.",
    "Please write letters in plain words I can read.",
    "I could not read the letter they sent.",
    "Their letters are hard to read and understand.",
)
WELSH_SAID = (
    "Roedd rhaid aros wythnosau am alwad yn ôl.",
    "Does neb wedi fy ffonio yn ôl ar ôl yr asesiad.",
    "Aros am alwad yn ôl yw'r peth gwaethaf.",
    "Rydw i'n dal i aros am alwad yn ôl.",
    "Dywedon nhw y bydden nhw'n ffonio yn ôl, ond wnaethon nhw ddim.",
    "Mae'r llythyrau yn rhy anodd i'w darllen.",
    "Llythyrau yn llawn geiriau hir, dydw i ddim yn gallu eu darllen.",
    "Roedd y llythyr yn codi ofn arna i, roedd yn anodd ei ddarllen.",
    "Ysgrifennwch lythyrau mewn geiriau clir os gwelwch yn dda.",
    "Doeddwn i ddim yn gallu darllen y llythyr.",
)
TEXTS = (*ENGLISH_SAID, *WELSH_SAID)
PEOPLE = tuple(f"en{i}" for i in range(len(ENGLISH_SAID))) + tuple(
    f"cy{i}" for i in range(len(WELSH_SAID))
)
CATALOGUE = load_catalogue()


class HashedMeaning:
    """Stands in for the meaning model: words hashed into one fixed space (so vectors from
    different calls can be compared), and every text it was asked to read, kept."""

    def __init__(self) -> None:
        self.read: list[str] = []
        self._hash = HashingVectorizer(n_features=256, alternate_sign=False)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.read += texts
        vectors = self._hash.transform(list(texts)).toarray() + 1e-6
        return np.asarray(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


def test_welsh_answers_are_never_read_by_the_english_meaning_model() -> None:
    meaning = HashedMeaning()
    found = read_themes(TEXTS, PEOPLE, min_group=MIN, embed=meaning)
    assert meaning.read, "the English answers were read by meaning"
    assert not [t for t in meaning.read if language_of(t) == WELSH]
    assert found.by_meaning
    welsh_only = HashedMeaning()
    read_themes(WELSH_SAID, PEOPLE[len(ENGLISH_SAID) :], min_group=MIN, embed=welsh_only)
    assert welsh_only.read == []
    assert len(Reader(welsh_only).meanings(list(TEXTS))) == len(TEXTS)
    assert welsh_only.read == []  # a mix is read by words, in one space


def test_each_language_gets_its_own_themes_side_by_side() -> None:
    found = read_themes(TEXTS, PEOPLE, min_group=MIN)
    languages = languages_of(TEXTS)
    assert {t.language for t in found.themes} == {ENGLISH, WELSH}
    for index, theme in enumerate(found.themes):
        members = [i for i, a in enumerate(found.assignments) if a == index]
        assert members and {languages[i] for i in members} == {theme.language}
        assert all(languages[e] == theme.language for e in theme.examples)
    welsh = [t.label for t in found.themes if t.language == WELSH and t.label]
    assert "yn ôl" in welsh  # a label keeps the circumflex its writers gave it


def test_a_language_too_few_people_wrote_in_gets_no_themes_of_its_own() -> None:
    texts = (*ENGLISH_SAID, *WELSH_SAID[:3])
    found = read_themes(texts, PEOPLE[: len(texts)], min_group=MIN)
    assert {t.language for t in found.themes} == {ENGLISH}
    assert found.assignments[len(ENGLISH_SAID) :] == (None, None, None)


def test_a_short_answer_goes_with_the_brews_usual_language() -> None:
    assert languages_of(["ok", "Diolch yn fawr iawn", "Mae'n dda"]) == [WELSH] * 3
    assert languages_of(["ok", "Thanks, that was good"]) == [ENGLISH] * 2
    assert languages_of(["ok"]) == [ENGLISH]


def _results() -> summary.BrewResults:
    answers = tuple(
        FreeText(person, "what_matters", Principle.THEME, text, quote_consent=True)
        for person, text in zip(PEOPLE, TEXTS, strict=True)
    )
    return summary.BrewResults(
        "getting help at home", "Over a Brew", took_part=len(PEOPLE), finished=0, answers=answers
    )


def _said(language: str) -> str:
    built = summary.build_summary(
        _results(), min_group=MIN, find=Reader(), messages=CATALOGUE.messages(language)
    )
    return "\n".join(shown(s) for s in built.sections)


def test_a_bilingual_summary_shows_each_languages_themes_under_its_name() -> None:
    text = _said(ENGLISH)
    english, welsh = text.index("Answers in English"), text.index("Answers in Welsh")
    assert english < welsh, "the group's own language first"
    assert "Yn ôl" in text[welsh:]  # a Welsh theme, named in Welsh words, under its line
    assert "call back" in text[english:welsh].casefold()
    for quote in [line for line in text[english:welsh].splitlines() if line.startswith("“")]:
        assert language_of(quote) == ENGLISH
    for quote in [line for line in text[welsh:].splitlines() if line.startswith("“")]:
        assert language_of(quote) == WELSH


def test_a_welsh_group_reads_its_own_language_first() -> None:
    text = _said(WELSH)
    assert text.index("Atebion yn Gymraeg") < text.index("Atebion yn Saesneg")
    assert "Answers in" not in text


def test_one_language_needs_no_line_naming_it() -> None:
    english_only = [a for a in _results().answers if a.person.startswith("en")]
    results = summary.BrewResults("t", "p", took_part=12, finished=0, answers=tuple(english_only))
    built = summary.build_summary(
        results, min_group=MIN, find=Reader(), messages=CATALOGUE.messages(ENGLISH), themes_from=5
    )
    assert "Answers in" not in built.markdown and "Call back" in built.markdown
