"""Telling a Welsh answer from an English one, for themes (conversations/language.py)."""

from __future__ import annotations

import csv
import re

import pytest

from bench.welsh_themes import load
from conversations.language import ENGLISH, WELSH, language_of
from conversations.messages import load_catalogue
from tests.brew_support import BREWS


def test_every_answer_in_the_welsh_themes_bench_is_told_right() -> None:
    english, welsh, _ = load()
    assert [language_of(t) for t in english] == [ENGLISH] * len(english)
    assert [language_of(t) for t in welsh] == [WELSH] * len(welsh)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Diolch", WELSH),
        ("Llai o aros.", WELSH),
        ("Cael fy nghlywed.", WELSH),
        ("Being listened to.", ENGLISH),
        ("ok", None),  # too little to tell: the caller keeps what it knew
        ("", None),
    ],
)
def test_short_answers(text: str, language: str | None) -> None:
    assert language_of(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "Continuity. Full stop.",  # "ll": Welsh uses it, and so does English
        "Everything well.",
        "Company matters as much as a clean kitchen.",
        "I know him better than any chart does",  # "does" is a Welsh word too
        "Same carer, same time. Thats all I ask",
    ],
)
def test_english_with_welsh_looking_letters_is_not_welsh(text: str) -> None:
    assert language_of(text) != WELSH


def test_no_planted_english_answer_is_told_welsh_and_the_catalogues_are_told_apart() -> None:
    for path in sorted(BREWS.glob("*.csv")):
        with path.open(encoding="utf-8") as file:
            said = [row["answer"] for row in csv.DictReader(file)]
        assert [t for t in said if language_of(t) == WELSH] == [], path.name
    catalogue = load_catalogue()
    for code, other in ((ENGLISH, WELSH), (WELSH, ENGLISH)):
        messages = catalogue.messages(code)
        texts = [
            re.sub(r"\{[a-z_]+\}", "", t)  # the names of the values filled in are English
            for key in messages.entries
            for t in messages.entries[key].text
        ]
        assert [t for t in texts if language_of(t) == other] == [], code
