"""Message files load by key, vary by turn, and stop at mistakes with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conversations.engine import ENGINE_MESSAGE_KEYS
from conversations.messages import (
    MESSAGES_DIR,
    Messages,
    PackError,
    load_catalogue,
    load_messages,
    plural_form,
)


def folder(tmp_path: Path, **files: str) -> Path:
    for name, body in files.items():
        (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return tmp_path


def loaded(tmp_path: Path, body: str) -> Messages:
    return load_messages(folder(tmp_path, words=body))


def mistake(tmp_path: Path, **files: str) -> PackError:
    with pytest.raises(PackError) as caught:
        load_messages(folder(tmp_path, **files))
    assert "\n" not in str(caught.value)
    return caught.value


def test_shipped_messages_have_every_key_the_engine_uses() -> None:
    messages = load_messages()
    missing = [key for key in ENGINE_MESSAGE_KEYS if key not in messages]
    assert not missing
    assert messages.entry("thanks").path == str(MESSAGES_DIR / "engine.yaml")


def test_stage_labels_carry_words_and_the_colour_as_a_word() -> None:
    messages = load_messages()
    for key, colour in [
        ("stage_not_yet", "red"),
        ("stage_basics", "amber"),
        ("stage_getting_there", "amber"),
        ("stage_doing_well", "green"),
    ]:
        for easy in (False, True):
            label = messages.text(key, easy=easy)
            assert f"({colour})" in label
            assert sum(ch.isalpha() for ch in label) > len(colour) + 3


def test_text_fills_values_and_falls_back_to_text_without_easy(tmp_path: Path) -> None:
    messages = loaded(tmp_path, "hello:\n  text: 'Hello {name}!'\n")
    assert messages.text("hello", name="Sam") == "Hello Sam!"
    assert messages.text("hello", easy=True, name="Sam") == "Hello Sam!"
    assert messages.keys() == ("hello",)


def test_variants_take_turns(tmp_path: Path) -> None:
    body = "thanks:\n  text: [One, Two, Three]\n  easy: [Easy one, Easy two]\n"
    messages = loaded(tmp_path, body)
    assert [messages.text("thanks", turn=t) for t in range(4)] == ["One", "Two", "Three", "One"]
    assert [messages.text("thanks", easy=True, turn=t) for t in range(3)] == [
        "Easy one",
        "Easy two",
        "Easy one",
    ]


def test_values_are_not_formatted_again(tmp_path: Path) -> None:
    messages = loaded(tmp_path, "echo:\n  text: 'You said {words}'\n")
    assert messages.text("echo", words="{0} {theme}") == "You said {0} {theme}"


def test_unknown_key_is_a_clear_key_error(tmp_path: Path) -> None:
    messages = loaded(tmp_path, "hello:\n  text: Hi\n")
    with pytest.raises(KeyError, match="no message 'goodbye'"):
        messages.text("goodbye")


def test_missing_value_is_a_clear_key_error(tmp_path: Path) -> None:
    messages = loaded(tmp_path, "hello:\n  text: 'Hi {name}'\n")
    with pytest.raises(KeyError, match=r"'hello' needs a value for \{name\}"):
        messages.text("hello")


def test_the_same_key_in_two_files(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="hi:\n  text: Hi\n", b="# second\nhi:\n  text: Hello\n")
    assert error.path == str(tmp_path / "b.yaml") and error.line == 2
    assert f"already in {tmp_path / 'a.yaml'}:1" in error.message


def test_unknown_field(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="hi:\n  text: Hi\n  eazy: Hi\n")
    assert error.line == 3 and "did you mean `easy`?" in error.message


def test_missing_text(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="hi:\n  easy: Hi\n")
    assert error.line == 2 and "has no `text:`" in error.message


def test_message_that_is_not_a_mapping(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="hi: Hello\n")
    assert error.line == 1 and "`key: value`" in error.message


def test_empty_variant_list(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="hi:\n  text: []\n")
    assert error.line == 2 and "empty list" in error.message


def test_easy_with_a_placeholder_text_lacks(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="hi:\n  text: Hello\n  easy: 'Hi {name}'\n")
    assert error.line == 3 and "uses `{name}` but `text` does not" in error.message


def test_positional_placeholder(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="hi:\n  text: 'Hi {}'\n")
    assert error.line == 2 and "one word" in error.message


def test_bad_key(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="Hi There:\n  text: Hi\n")
    assert error.line == 1 and "not a usable key" in error.message


def test_empty_file(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="")
    assert error.line == 1 and "empty" in error.message


def test_yaml_syntax(tmp_path: Path) -> None:
    error = mistake(tmp_path, a="hi:\n  text: 'unclosed\n")
    assert "YAML syntax" in error.message


def test_counts_take_each_language_s_plural_forms(tmp_path: Path) -> None:
    folder(tmp_path, words="apples:\n  text: '{count} apples'\napples_one:\n  text: '1 apple'\n")
    (tmp_path / "cy").mkdir()
    (tmp_path / "cy" / "words.yaml").write_text(
        "apples_zero:\n  text: dim afalau\napples_one:\n  text: un afal\n"
        "apples_two:\n  text: dau afal\napples_few:\n  text: tri afal\n"
        "apples_many:\n  text: chwe afal\napples:\n  text: '{count} afal'\n",
        encoding="utf-8",
    )
    catalogue = load_catalogue(tmp_path)
    english, welsh = catalogue.messages("en"), catalogue.messages("cy")
    assert [english.count("apples", n) for n in (0, 1, 2)] == ["0 apples", "1 apple", "2 apples"]
    said = [welsh.count("apples", n) for n in (0, 1, 2, 3, 4, 6, 11)]
    assert said == [
        "dim afalau",
        "un afal",
        "dau afal",
        "tri afal",
        "4 afal",
        "chwe afal",
        "11 afal",
    ]
    assert welsh.twin("apples_two") == "apples" and welsh.twin("apples_one") == "apples_one"


def test_a_language_says_english_only_where_it_has_no_words_yet(tmp_path: Path) -> None:
    folder(tmp_path, words="hello:\n  text: Hello\nbye:\n  text: Bye\n")
    (tmp_path / "cy").mkdir()
    (tmp_path / "cy" / "words.yaml").write_text("hello:\n  text: Helo\n", encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    welsh = catalogue.messages("cy")
    assert (welsh.text("hello"), welsh.text("bye")) == ("Helo", "Bye")
    assert welsh.missing() == ("bye",)
    assert catalogue.codes() == ("en", "cy") and catalogue.speaks("cy")
    assert catalogue.messages("fr") is catalogue.messages("en")
    assert plural_form("cy", 2) == "two" and plural_form("en", 2) == "other"
