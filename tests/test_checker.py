"""The checker: shipped words pass clean; jargon, length and hard reading are caught."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from conversations.checker import (
    BUTTON_LIMIT,
    PHONE_LIMIT,
    TELEGRAM_LIMIT,
    Finding,
    check_messages,
    check_pack,
    check_translation,
    lix,
)
from conversations.loader import load_pack, load_packs
from conversations.messages import Messages, load_catalogue, load_messages
from conversations.model import Kind, Option, Pack, Principle, Prompt

DATA = Path(__file__).parent / "data"


def a_pack(*prompts: Prompt) -> Pack:
    return Pack(
        id="p",
        title="A pack",
        opening="Hello, and thank you for coming today.",
        opening_easy="Hello, and thank you.",
        close="Thank you, that is all.",
        close_easy="Thank you.",
        prompts=prompts,
    )


def a_prompt(**fields: object) -> Prompt:
    base = Prompt(
        id="q",
        principle=Principle.THEME,
        kind=Kind.TEXT,
        text="What matters to you?",
        easy="What is important to you?",
        line=3,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(load_packs()))
def test_shipped_packs_have_no_findings(name: str) -> None:
    assert check_pack(load_packs()[name]) == []


def test_every_shipped_message_has_no_findings() -> None:
    assert check_messages(load_messages()) == []


def test_jargon_is_an_error_at_its_line() -> None:
    path = str(DATA / "jargon-pack.yaml")
    findings = check_pack(load_pack(DATA / "jargon-pack.yaml"))
    assert all(f.level == "error" for f in findings)
    assert [(f.line, f.text.split(" says ")[1].split(";")[0]) for f in findings] == [
        (10, "'service users'"),
        (10, "'care package'"),
        (11, "'care package'"),
        (17, "'client'"),
    ]
    assert str(findings[0]) == (
        f"{path}:10: error: prompt `package` text says 'service users'; "
        "say 'people who draw on care and support' instead"
    )


@pytest.mark.parametrize(
    "words",
    [
        "We want to hear from our clients.",
        "Are you vulnerable?",
        "How did the intervention go?",
        "How is your safeguarding plan?",
        "Were you non-compliant?",
        "How is your placement?",
        "This cohort will be asked again.",
        "All stakeholders are welcome.",
        "How do we deliver better care?",
        "What is a Service-User forum?",
    ],
)
def test_each_kind_of_jargon_is_caught(words: str) -> None:
    findings = check_pack(a_pack(a_prompt(text=words)))
    assert [f.level for f in findings if "says" in f.text] == ["error"]


@pytest.mark.parametrize(
    "words",
    ["We care about you.", "How are things?", "What would make it better for you?"],
)
def test_ordinary_words_are_not_jargon(words: str) -> None:
    assert check_pack(a_pack(a_prompt(text=words))) == []


def test_jargon_in_the_opening_points_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            title: A pack
            opening: Hello to every stakeholder, about {theme}.
            opening_easy: Hello!
            close: Thank you.
            close_easy: Thank you.
            prompts:
              - id: q
                kind: text
                text: What matters?
                easy: What is important?
            """
        ),
        encoding="utf-8",
    )
    assert check_pack(load_pack(path)) == [
        Finding(
            str(path),
            2,
            "error",
            "opening says 'stakeholder'; say 'people who are involved' instead",
        )
    ]


def test_a_story_and_question_too_long_for_a_phone_is_a_warning() -> None:
    story = "Sam goes to the shop. " * 20  # 440 characters
    findings = check_pack(a_pack(a_prompt(story=story)))
    assert [(f.level, f.text.split(" is ")[0]) for f in findings] == [
        ("warning", "prompt `q` text"),  # the story is told in both wordings
        ("warning", "prompt `q` easy"),
    ]
    assert f"keep it under {PHONE_LIMIT}" in findings[0].text and "story" in findings[0].text


def test_a_message_longer_than_telegram_allows_is_an_error() -> None:
    words = "Tea. " * (TELEGRAM_LIMIT // 5 + 1)
    findings = check_pack(a_pack(a_prompt(text=words)))
    assert any(f.level == "error" and str(TELEGRAM_LIMIT) in f.text for f in findings)


def test_hard_reading_is_a_warning() -> None:
    hard = (
        "Notwithstanding organisational considerations, how satisfactorily were "
        "individualised communication methodologies operationalised?"
    )
    findings = check_pack(a_pack(a_prompt(text=hard)))
    assert [f.level for f in findings] == ["warning"]
    assert "grade" in findings[0].text


def test_easy_wording_is_held_to_an_easier_grade() -> None:
    middling = (  # grade 7.7: fine for plain words, hard for easy-read
        "Think about how local groups thank people for the many different things they do "
        "to help others."
    )
    assert check_pack(a_pack(a_prompt(text=middling))) == []
    findings = check_pack(a_pack(a_prompt(easy=middling)))
    assert [f.level for f in findings] == ["warning"] and "easy" in findings[0].text


def test_long_words_in_short_texts_are_a_warning() -> None:
    findings = check_pack(a_pack(a_prompt(easy="Your communication preferences?")))
    assert [f.level for f in findings] == ["warning"]
    assert "communication" in findings[0].text


def test_a_long_option_label_is_a_warning() -> None:
    long_label = "I look after someone in my family most days of the week"
    assert len(long_label) > BUTTON_LIMIT
    prompt = a_prompt(
        kind=Kind.CHOICE,
        options=(Option("a", long_label, "I care for someone"), Option("b", "Other", "Other")),
    )
    findings = check_pack(a_pack(prompt))
    assert [f.level for f in findings] == ["warning"] and "button" in findings[0].text


def test_messages_are_linted_at_their_lines(tmp_path: Path) -> None:
    (tmp_path / "words.yaml").write_text(
        "hello:\n  text: Hello!\nbye:\n  text: [Bye, Goodbye dear client]\n"
        "button_go:\n  text: Go on then, tap this very long button label right here\n",
        encoding="utf-8",
    )
    findings = check_messages(load_messages(tmp_path))
    path = str(tmp_path / "words.yaml")
    mine = [f for f in findings if f.path == path]
    assert sorted((f.line, f.level) for f in mine) == [(3, "error"), (5, "warning")]


def test_a_missing_engine_message_is_an_error() -> None:
    shipped = load_messages()
    entries = {k: shipped.entry(k) for k in shipped if k != "thanks"}
    findings = check_messages(Messages(MappingProxyType(entries)))
    assert [(f.level, f.text) for f in findings if f.level == "error"] == [
        ("error", "no message `thanks`; the engine needs it")
    ]


def test_every_shipped_welsh_message_has_no_findings() -> None:
    assert check_translation(load_catalogue().messages("cy")) == []


def test_welsh_long_sentences_hard_words_and_strange_values_are_found(tmp_path: Path) -> None:
    (tmp_path / "words.yaml").write_text(
        "hello:\n  text: 'Hello {name}'\nbye:\n  text: Bye\n", encoding="utf-8"
    )
    (tmp_path / "cy").mkdir()
    long = " ".join(["gair"] * 26) + "."
    hard = "Gweinyddwyr cyfrifoldebau gwasanaethau cymdeithasol ddatblygiadau " * 3
    (tmp_path / "cy" / "words.yaml").write_text(
        f"hello:\n  text: 'Helo {{enw}}. {long}'\n  easy: '{hard}'\n", encoding="utf-8"
    )
    found = [f.text for f in check_translation(load_catalogue(tmp_path).messages("cy"))]
    assert any("`bye` has no cy words yet" in f for f in found)
    assert any("uses ['enw'], which English never fills" in f for f in found)
    assert any("a sentence of 26 words" in f for f in found)
    assert any("easy has a LIX of" in f for f in found)
    assert lix("Rydw i'n hoffi te. Mae hi'n braf heddiw. Diolch yn fawr iawn.") is not None
