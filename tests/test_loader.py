"""Packs load into plain data, and every mistake stops with one file:line message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conversations.loader import PACKS_DIR, PackError, load_pack, load_packs
from conversations.model import Keeps, Kind, Principle

DATA = Path(__file__).parent / "data"

HEAD = """\
# A test pack.
title: A test pack
opening: Hello! This is about {theme}.
opening_easy: Hello! This is about {theme}.
close: Thank you.
close_easy: Thank you.
prompts:
"""  # `prompts:` is line 7, so the first prompt starts on line 8


def write(tmp_path: Path, body: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def mistake(tmp_path: Path, body: str) -> PackError:
    path = write(tmp_path, body)
    with pytest.raises(PackError) as caught:
        load_pack(path)
    error = caught.value
    assert str(error).startswith(f"{path}:{error.line}: ")
    assert "\n" not in str(error)
    return error


def test_shipped_packs_load() -> None:
    packs = load_packs()
    assert set(packs) == {"four-principles", "over-a-brew"}
    for pack in packs.values():
        assert pack.source.startswith(str(PACKS_DIR))
        assert all(p.easy and p.text for p in pack.prompts)


def test_four_principles_covers_each_principle_with_a_story_and_two_questions() -> None:
    pack = load_packs()["four-principles"]
    for principle in (Principle.ASSETS, Principle.WORK, Principle.RECIPROCITY, Principle.NETWORKS):
        kinds = [p.kind for p in pack.prompts if p.principle is principle]
        assert kinds == [Kind.STAGE, Kind.TEXT, Kind.TEXT]
        stage = next(p for p in pack.prompts if p.principle is principle)
        assert stage.story and stage.story_easy
    keeps = {p.keeps: p.kind for p in pack.prompts if p.keeps}
    assert keeps == {Keeps.SELF_DESCRIPTION: Kind.CHOICE, Keeps.QUOTE_CONSENT: Kind.CONSENT}


def test_over_a_brew_uses_the_theme_and_asks_about_self_and_quoting() -> None:
    pack = load_packs()["over-a-brew"]
    assert "{theme}" in pack.opening and "{theme}" in pack.opening_easy
    assert any("{theme}" in p.text for p in pack.prompts)
    assert [p.keeps for p in pack.prompts[:2]] == [Keeps.SELF_DESCRIPTION, Keeps.QUOTE_CONSENT]
    about = pack.prompts[0]
    assert [o.id for o in about.options] == [
        "draws_on_care",
        "unpaid_carer",
        "works_in_care",
        "other",
        "rather_not_say",
    ]


def test_a_valid_pack_becomes_plain_data() -> None:
    pack = load_pack(DATA / "tiny-pack.yaml")
    assert pack.id == "tiny"
    assert [p.id for p in pack.prompts] == ["who", "quote", "stage", "why"]
    who = pack.prompt("who")
    assert who is not None and who.line == 9 and who.principle is Principle.THEME
    assert [(o.id, o.easy) for o in who.options] == [
        ("carer", "I look after someone"),
        ("other", "Other"),
    ]
    stage = pack.prompt("stage")
    assert stage is not None and stage.options == () and stage.story_easy is None


def test_pack_id_defaults_to_the_file_name(tmp_path: Path) -> None:
    body = HEAD + "  - {id: a, kind: text, text: Hi, easy: Hi}\n"
    assert load_pack(write(tmp_path, body, "my-brew.yaml")).id == "my-brew"


def test_words_like_yes_stay_words(tmp_path: Path) -> None:
    body = HEAD + (
        "  - id: a\n    kind: choice\n    text: Well?\n    easy: Well?\n"
        "    options:\n      - {id: y, text: yes}\n      - {id: n, text: no}\n"
    )
    prompt = load_pack(write(tmp_path, body)).prompts[0]
    assert [o.text for o in prompt.options] == ["yes", "no"]


def test_the_deliberately_broken_pack_names_its_line() -> None:
    with pytest.raises(PackError) as caught:
        load_pack(DATA / "broken-pack.yaml")
    assert str(caught.value) == (
        f"{DATA / 'broken-pack.yaml'}:14: unknown kind `stages`; did you mean `stage`?"
    )


def test_yaml_syntax_error(tmp_path: Path) -> None:
    error = mistake(tmp_path, HEAD + "  - id: a\n    kind: text\n   text: [oops\n")
    assert error.line in (9, 10)
    assert "YAML syntax" in error.message


def test_unknown_key_suggests_the_nearest(tmp_path: Path) -> None:
    error = mistake(tmp_path, HEAD + "  - id: a\n    kind: text\n    txt: Hi?\n    easy: Hi?\n")
    assert error.line == 10
    assert "unknown key `txt`" in error.message and "did you mean `text`?" in error.message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    error = mistake(tmp_path, "tittle: Oops\n" + HEAD)
    assert error.line == 1 and "did you mean `title`?" in error.message


@pytest.mark.parametrize("missing", ["text", "easy", "kind", "id"])
def test_missing_prompt_field(tmp_path: Path, missing: str) -> None:
    fields = {"id": "a", "kind": "text", "text": "Hi?", "easy": "Hi?"}
    del fields[missing]
    lines = "".join(f"    {k}: {v}\n" for k, v in fields.items())
    error = mistake(tmp_path, HEAD + "  - " + lines[4:])
    assert error.line == 8
    assert f"has no `{missing}:`" in error.message


def test_missing_pack_field(tmp_path: Path) -> None:
    body = HEAD.replace("opening_easy: Hello! This is about {theme}.\n", "")
    error = mistake(tmp_path, body + "  - {id: a, kind: text, text: Hi, easy: Hi}\n")
    assert error.line == 2 and "`opening_easy:`" in error.message


def test_empty_text(tmp_path: Path) -> None:
    error = mistake(tmp_path, HEAD + "  - id: a\n    kind: text\n    text:\n    easy: Hi?\n")
    assert error.line == 10 and "`text` is empty" in error.message


def test_text_that_is_a_list(tmp_path: Path) -> None:
    error = mistake(tmp_path, HEAD + "  - id: a\n    kind: text\n    text: [a, b]\n    easy: Hi\n")
    assert error.line == 10 and "should be words" in error.message


def test_duplicate_prompt_id(tmp_path: Path) -> None:
    body = HEAD + (
        "  - {id: same, kind: text, text: One, easy: One}\n"
        "  - {id: same, kind: text, text: Two, easy: Two}\n"
    )
    error = mistake(tmp_path, body)
    assert error.line == 9 and "`same` is used twice (first at line 8)" in error.message


def test_duplicate_key_in_one_prompt(tmp_path: Path) -> None:
    body = HEAD + "  - id: a\n    kind: text\n    text: One?\n    text: Two?\n    easy: Hi\n"
    error = mistake(tmp_path, body)
    assert error.line == 11 and "appears twice" in error.message


def test_unknown_kind(tmp_path: Path) -> None:
    error = mistake(tmp_path, HEAD + "  - id: a\n    kind: txt\n    text: Hi?\n    easy: Hi?\n")
    assert error.line == 9 and "unknown kind `txt`; did you mean `text`?" in error.message


def test_unknown_principle(tmp_path: Path) -> None:
    body = HEAD + "  - id: a\n    kind: text\n    principle: network\n    text: Hi\n    easy: Hi\n"
    error = mistake(tmp_path, body)
    assert error.line == 10 and "did you mean `networks`?" in error.message


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("stage", "four stages built in"),
        ("consent", "Yes and No built in"),
        ("text", "typed answers"),
    ],
)
def test_options_on_a_prompt_that_is_not_a_choice(tmp_path: Path, kind: str, why: str) -> None:
    body = HEAD + (
        f"  - id: a\n    kind: {kind}\n    text: Hi?\n    easy: Hi?\n"
        "    options:\n      - {id: x, text: X}\n      - {id: y, text: Y}\n"
    )
    error = mistake(tmp_path, body)
    assert error.line == 12 and why in error.message


def test_choice_without_options(tmp_path: Path) -> None:
    error = mistake(tmp_path, HEAD + "  - id: a\n    kind: choice\n    text: Hi?\n    easy: Hi\n")
    assert error.line == 8 and "needs `options:`" in error.message


def test_choice_with_one_option(tmp_path: Path) -> None:
    body = HEAD + (
        "  - id: a\n    kind: choice\n    text: Hi?\n    easy: Hi?\n"
        "    options:\n      - {id: x, text: X}\n"
    )
    error = mistake(tmp_path, body)
    assert error.line == 12 and "at least two options" in error.message


def test_duplicate_option_id(tmp_path: Path) -> None:
    body = HEAD + (
        "  - id: a\n    kind: choice\n    text: Hi?\n    easy: Hi?\n"
        "    options:\n      - {id: x, text: X}\n      - {id: x, text: Y}\n"
    )
    error = mistake(tmp_path, body)
    assert error.line == 14 and "option id `x` is used twice" in error.message


def test_unknown_placeholder(tmp_path: Path) -> None:
    body = HEAD + "  - id: a\n    kind: text\n    text: Hi {name}?\n    easy: Hi?\n"
    error = mistake(tmp_path, body)
    assert error.line == 10 and "unknown placeholder `{name}`" in error.message


def test_lone_brace(tmp_path: Path) -> None:
    body = HEAD + "  - id: a\n    kind: text\n    text: Hi?\n    easy: 'Hi :-}'\n"
    error = mistake(tmp_path, body)
    assert error.line == 11 and "lone" in error.message


def test_placeholder_with_a_format(tmp_path: Path) -> None:
    body = HEAD + "  - id: a\n    kind: text\n    text: 'Hi {theme!r}'\n    easy: Hi?\n"
    error = mistake(tmp_path, body)
    assert error.line == 10 and "`{theme!r}`" in error.message


@pytest.mark.parametrize(
    ("kind", "keeps", "needs"),
    [("text", "self_description", "choice"), ("choice", "quote_consent", "consent")],
)
def test_keeps_on_the_wrong_kind(tmp_path: Path, kind: str, keeps: str, needs: str) -> None:
    options = "    options:\n      - {id: x, text: X}\n      - {id: y, text: Y}\n"
    body = HEAD + (
        f"  - id: a\n    kind: {kind}\n    keeps: {keeps}\n    text: Hi?\n    easy: Hi?\n"
        + (options if kind == "choice" else "")
    )
    error = mistake(tmp_path, body)
    assert error.line == 10 and f"only works on a {needs} prompt" in error.message


def test_unknown_keeps(tmp_path: Path) -> None:
    body = HEAD + "  - id: a\n    kind: consent\n    keeps: quote\n    text: Hi\n    easy: Hi\n"
    error = mistake(tmp_path, body)
    assert error.line == 10 and "did you mean `quote_consent`?" in error.message


def test_keeps_twice(tmp_path: Path) -> None:
    body = HEAD + (
        "  - {id: a, kind: consent, keeps: quote_consent, text: Hi, easy: Hi}\n"
        "  - {id: b, kind: consent, keeps: quote_consent, text: Hi, easy: Hi}\n"
    )
    error = mistake(tmp_path, body)
    assert error.line == 9 and "already on the prompt at line 8" in error.message


def test_story_easy_without_story(tmp_path: Path) -> None:
    body = HEAD + "  - id: a\n    kind: text\n    text: Hi?\n    easy: Hi?\n    story_easy: Once\n"
    error = mistake(tmp_path, body)
    assert error.line == 12 and "needs a `story:`" in error.message


def test_bad_id(tmp_path: Path) -> None:
    error = mistake(
        tmp_path, HEAD + "  - id: What Matters\n    kind: text\n    text: Hi\n    easy: Hi\n"
    )
    assert error.line == 8 and "not a usable id" in error.message


def test_empty_prompt_list(tmp_path: Path) -> None:
    error = mistake(tmp_path, HEAD + "  []\n")
    assert error.line == 8 and "`prompts:` is empty" in error.message


def test_empty_file(tmp_path: Path) -> None:
    error = mistake(tmp_path, "# nothing but a comment\n")
    assert error.line == 1 and "the file is empty" in error.message


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    error = mistake(tmp_path, "- just\n- a list\n")
    assert error.line == 1 and "`key: value`" in error.message


def test_two_documents(tmp_path: Path) -> None:
    error = mistake(tmp_path, "title: a\n---\ntitle: b\n")
    assert error.line == 2 and "YAML syntax" in error.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"nope\.yaml:1: no such file"):
        load_pack(tmp_path / "nope.yaml")


def test_two_files_with_one_pack_id(tmp_path: Path) -> None:
    body = "id: same\n" + HEAD + "  - {id: a, kind: text, text: Hi, easy: Hi}\n"
    write(tmp_path, body, "a.yaml")
    second = write(tmp_path, body, "b.yaml")
    with pytest.raises(PackError) as caught:
        load_packs(tmp_path)
    assert caught.value.path == str(second) and "pack id `same`" in caught.value.message


def test_yaml_tags_are_refused(tmp_path: Path) -> None:
    body = HEAD + "  - id: a\n    kind: text\n    text: !!python/name:os.system\n    easy: Hi\n"
    error = mistake(tmp_path, body)
    assert error.line == 10 and "tag" in error.message


def test_ids_stay_short_enough_for_button_data(tmp_path: Path) -> None:
    body = HEAD + "  - {id: a_very_long_prompt_id_here, kind: text, text: Hi, easy: Hi}\n"
    error = mistake(tmp_path, body)
    assert error.line == 8 and "up to 20" in error.message


def test_idea_marks_a_text_prompt_and_nothing_else(tmp_path: Path) -> None:
    pack = tmp_path / "ideas.yaml"
    body = (
        "title: T\nopening: Hi\nopening_easy: Hi\nclose: Bye\nclose_easy: Bye\nprompts:\n"
        "  - id: better\n    kind: text\n    idea: true\n    text: What would help?\n"
        "    easy: What would help?\n"
    )
    pack.write_text(body)
    assert load_pack(pack).prompts[0].idea
    pack.write_text(body.replace("kind: text", "kind: consent"))
    with pytest.raises(PackError, match=r"ideas\.yaml:9: `idea: true` only works on a text"):
        load_pack(pack)
    pack.write_text(body.replace("idea: true", "idea: maybe"))
    with pytest.raises(PackError, match="should be true or false"):
        load_pack(pack)
