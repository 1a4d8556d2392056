"""Every Welsh word brewbot says: there for every English one, spelled right, mutated right,
no longer than half again its English twin, and in sentences of 25 words at most.

The spelling comes from the techiaith cy_GB hunspell dictionary (LGPL), read by spylls in
pure Python; the dictionary and a rule-based mutation checker ship in the cymraeg-mcp wheel,
which the Makefile installs (its MCP server is not needed, so without its dependencies).
A word the dictionary cannot know (a name, a command, a file type) is in ALLOWED, with why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conversations.loader import PACKS_DIR, load_pack, missing_words
from conversations.messages import Message, Messages, load_catalogue
from conversations.yamlfile import placeholders

WELSH = "cy"
LONGEST_SENTENCE = 25  # words: Cymraeg Clir's limit
LONGER_BY_AT_MOST = 1.5  # a Welsh text against its English twin

ALLOWED = {
    "brewbot",  # the bot's name
    "QR",  # "cod QR"
    "GIF",  # a kind of picture
    "CSV",  # a kind of file
    "txt",  # a file's ending, ".txt"
    "cy",  # the code for Welsh, as typed in lang=cy
    "MB",  # megabytes
    "KB",  # kilobytes
    "UTF",  # a way of saving text, UTF-8
    "docs",  # the folder of docs/facilitators.md
    "Ravi",  # names of the people in the four-principles stories
    "Jo",
    "Dee",
    "Stan",
}
# A command's own words stay as typed: /mytime receipt, /ideas poll, /region last,
# /codebook off.
_COMMAND = re.compile(r"/[a-z_]+(?: (?:receipt|poll|results|last|off))?")
_OPTION = re.compile(r"\b[a-z]+=[\w:]*")  # pace=daily, at=10:00, lang=cy
_SETTING = re.compile(r"\bBREWBOT_[A-Z_]+")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_FILE_ENDING = re.compile(r"\.[a-z]{2,4}\b(?=\s|$)")
_CODE = re.compile(r"\b\w*\d\w*\b")  # a brew's code, as in /import AbC123
_CLITICS = ("'r", "'n", "'i", "'w", "'ch", "'m", "'th", "'u", "'ma", "'na")


@dataclass(frozen=True)
class WelshText:
    """One Welsh text to check, where it is written, and its English twin."""

    where: str
    words: str
    english: str


def catalogue_texts(english: Messages, welsh: Messages) -> Iterator[WelshText]:
    """Every variant of every Welsh message, beside the English variant it stands for."""
    for key, message in sorted(welsh.entries.items()):
        twin = english.entries.get(welsh.twin(key))
        for easy, variants in ((False, message.text), (True, message.easy)):
            theirs = twin.variants(easy=easy) if twin else ()
            for turn, words in enumerate(variants):
                where = f"{message.path}:{message.line} `{key}`" + (" easy" if easy else "")
                yield WelshText(where, words, theirs[turn % len(theirs)] if theirs else "")


def pack_texts() -> Iterator[WelshText]:
    """Every Welsh text of the shipped packs, beside its English twin."""
    for path in sorted(PACKS_DIR.glob("*.yaml")):
        english, welsh = load_pack(path), load_pack(path, WELSH)
        pairs = [(f"{path.name} {f}", getattr(welsh, f), getattr(english, f)) for f in _PACK]
        for mine, theirs in zip(welsh.prompts, english.prompts, strict=True):
            for field in ("text", "easy", "story", "story_easy"):
                pairs.append(
                    (f"{path.name} {mine.id} {field}", getattr(mine, field), getattr(theirs, field))
                )
            for option, twin in zip(mine.options, theirs.options, strict=True):
                pairs.append((f"{path.name} {mine.id}.{option.id}", option.text, twin.text))
                pairs.append((f"{path.name} {mine.id}.{option.id} easy", option.easy, twin.easy))
        yield from (WelshText(w, m, t) for w, m, t in pairs if m)


_PACK = ("title", "opening", "opening_easy", "close", "close_easy")


@pytest.fixture(scope="module")
def catalogue() -> tuple[Messages, Messages]:
    loaded = load_catalogue()
    return loaded.messages("en"), loaded.messages(WELSH)


@pytest.fixture(scope="module")
def welsh_texts(catalogue: tuple[Messages, Messages]) -> list[WelshText]:
    return [*catalogue_texts(*catalogue), *pack_texts()]


@pytest.fixture(scope="module")
def proofing() -> Any:
    """The cy_GB dictionary and the mutation rules, from the cymraeg-mcp wheel."""
    try:
        from cymraeg_mcp import spelling
        from cymraeg_mcp.mutations import MutationEngine
        from cymraeg_mcp.paths import mutation_rules_path
    except ImportError:  # pragma: no cover - the Makefile installs it
        pytest.fail(
            "the Welsh checks need the cymraeg-mcp wheel: run `make test`, or "
            "`.venv/bin/pip install --no-deps cymraeg-mcp==0.1.0 spylls`"
        )
    return spelling, MutationEngine(mutation_rules_path(), spelling.lookup)


def prose(words: str) -> str:
    """Leave only the Welsh prose: commands, options, settings and placeholders become a
    number, which the checkers read as a break (no mutation reaches across it)."""
    for pattern in (_COMMAND, _OPTION, _SETTING, _PLACEHOLDER, _FILE_ENDING, _CODE):
        words = pattern.sub(" 7 ", words)
    return words


def sentences(words: str) -> list[str]:
    """Split text into sentences (at . ! ? and line ends)."""
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", words) if s.strip()]


def test_every_english_message_has_its_welsh_twin(catalogue: tuple[Messages, Messages]) -> None:
    english, welsh = catalogue
    missing = welsh.missing()
    assert not missing, (
        f"{len(missing)} message(s) have no Welsh yet, so a Welsh speaker would read English: "
        f"{', '.join(missing)}. Add each to conversations/messages/cy/ (docs/welsh.md)."
    )
    strays = [k for k in welsh.entries if welsh.twin(k) not in english.entries]
    assert not strays, f"Welsh keys with no English message: {strays}"


def test_welsh_fills_the_same_values_as_english(catalogue: tuple[Messages, Messages]) -> None:
    english, welsh = catalogue
    wrong = []
    for key, message in welsh.entries.items():
        twin = english.entry(welsh.twin(key))
        theirs = {n for v in (*twin.text, *twin.easy) for n in _names(twin, v)}
        mine = {n for v in (*message.text, *message.easy) for n in _names(message, v)}
        if mine - theirs or (key == welsh.twin(key) and theirs - mine - {"count"}):
            wrong.append(f"{key}: Welsh {sorted(mine)}, English {sorted(theirs)}")
    assert not wrong


def test_every_pack_text_has_its_welsh_twin() -> None:
    missing = {path.name: missing_words(path, WELSH) for path in sorted(PACKS_DIR.glob("*.yaml"))}
    assert not any(missing.values()), f"pack texts with no Welsh (line, field): {missing}"


def test_every_welsh_word_is_spelled_right(welsh_texts: list[WelshText], proofing: Any) -> None:
    spelling, _ = proofing
    wrong = [
        f"{text.where}: {word}"
        for text in welsh_texts
        for word in _misspelled(spelling, prose(text.words))
    ]
    assert not wrong, "not in the cy_GB dictionary (fix, or add a name to ALLOWED):\n" + "\n".join(
        wrong
    )


def test_welsh_mutations_are_right(welsh_texts: list[WelshText], proofing: Any) -> None:
    _, mutations = proofing
    wrong = [
        f"{text.where}: '{found.trigger} {found.word}' should be {found.suggestions}"
        f" ({found.explanation})"
        for text in welsh_texts
        for found in mutations.check_text(prose(text.words))
        if found.confidence == "high"
    ]
    assert not wrong, "\n".join(wrong)


def test_no_welsh_text_is_longer_than_half_again_its_english(
    welsh_texts: list[WelshText],
) -> None:
    long = [
        f"{text.where}: {len(text.words)} characters against {len(text.english)}"
        for text in welsh_texts
        if text.english and len(text.words) > LONGER_BY_AT_MOST * len(text.english)
    ]
    assert not long, "\n".join(long)


def test_no_welsh_sentence_is_over_25_words(welsh_texts: list[WelshText]) -> None:
    long = [
        f"{text.where}: {len(sentence.split())} words: {sentence}"
        for text in welsh_texts
        for sentence in sentences(text.words)
        if len(sentence.split()) > LONGEST_SENTENCE
    ]
    assert not long, "\n".join(long)


def test_the_spell_check_catches_a_misspelling(proofing: Any) -> None:
    spelling, mutations = proofing
    assert list(_misspelled(spelling, "Diolch am eich amser.")) == []
    assert list(_misspelled(spelling, "Diolch am eich amsr.")) == ["amsr"]
    assert [f.word for f in mutations.check_text("Diolch am cael help.")] == ["cael"]


def _names(message: Message, variant: str) -> set[str]:
    return placeholders(Path(message.path), message.line, variant, "text")


def _misspelled(spelling: Any, words: str) -> Iterator[str]:
    """Yield each word the dictionary does not know, nor ALLOWED; a clitic ('r, 'n) is read
    apart from the word it leans on, as Welsh writes it ("Sgyrsiau'r", "pethau'n")."""
    for token in re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", words):
        word = token.replace("’", "'")
        if word in ALLOWED or spelling.known(word):
            continue
        stem = next((word[: -len(c)] for c in _CLITICS if word.endswith(c)), None)
        if stem is not None and (stem in ALLOWED or spelling.known(stem)):
            continue
        yield word
