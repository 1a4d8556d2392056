"""The words of a "we said, we did": what was done, or what people said | what was done."""

from __future__ import annotations

from bot.news import digest_update, said_and_did
from conversations.digest import Update


def test_words_without_a_bar_are_what_was_done() -> None:
    assert said_and_did("  We rang everyone back. ") == ("", "We rang everyone back.")


def test_a_bar_splits_what_people_said_from_what_was_done() -> None:
    assert said_and_did("Letters were scary | We rewrote them") == (
        "Letters were scary",
        "We rewrote them",
    )
    assert said_and_did("a | b | c") == ("a", "b | c")


def test_an_empty_half_is_not_a_split() -> None:
    assert said_and_did("| We rewrote them") == ("", "| We rewrote them")
    assert said_and_did("Letters were scary |") == ("", "Letters were scary |")


def test_the_digest_names_the_brew_when_only_the_deed_is_given() -> None:
    assert digest_update("reviews", "We shortened the form.") == Update(
        "reviews", "We shortened the form."
    )
    assert digest_update("reviews", "Too long | Shorter now") == Update("Too long", "Shorter now")
