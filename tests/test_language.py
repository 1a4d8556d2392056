"""Telling a Welsh answer from an English one, for themes (conversations/language.py)."""

from __future__ import annotations

import pytest

from bench.welsh_themes import load
from conversations.language import ENGLISH, WELSH, language_of


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
