"""Every text the bot says outside the packs, loaded from ``conversations/messages/*.yaml``.

Each file maps a key to its words::

    key_name:
      text: "Plain words, may use {placeholders}."   # or a list of variants
      easy: "Easy-read words."                       # optional, falls back to text; may be a list

Variants (lists) take turns: ``turn % len(variants)`` picks one, so thank-yous vary.

English lives in ``messages/*.yaml``; each other language in a folder named by its code
(``messages/cy/*.yaml``, Welsh), with the same keys and placeholders. A key that a language
has not translated yet is said in English (``brewbot check`` and the tests name it).

Counts: ``count(key, n)`` picks ``key_<form>`` for the language's plural form of ``n`` (the
Unicode CLDR forms, from Babel: English has ``one`` and ``other``; Welsh has ``zero``,
``one``, ``two``, ``few``, ``many`` and ``other``), and plain ``key`` for ``other`` or for a
form the file does not write. So ``count_people_one`` says "1 person", ``count_people`` says
"{count} people", and Welsh adds ``count_people_two``, ``_few`` and ``_many`` where its
nouns and numbers change.

Why YAML with plural keys and not gettext ``.po`` files: a message here is more than one
string. It has easy-read words beside the plain ones and variants that take turns, and it
is found by a key, so an English edit does not orphan the Welsh (a ``.po`` file keys on the
English sentence itself). The checker reads it with file and line numbers, as it reads the
packs. Plural forms are the one thing gettext adds, and ``count`` does the same job with
the same CLDR rules (Babel is what writes gettext's ``Plural-Forms`` too).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from babel import Locale

from conversations.yamlfile import (
    PackError,
    compose,
    line_of,
    mapping,
    placeholders,
    refuse_unknown,
    texts,
)

__all__ = [
    "ENGLISH",
    "MESSAGES_DIR",
    "PLURAL_FORMS",
    "Catalogue",
    "Message",
    "Messages",
    "PackError",
    "load_catalogue",
    "load_messages",
    "plural_form",
    "shipped_catalogue",
    "shipped_messages",
]

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
MESSAGE_FIELDS = ("text", "easy")
ENGLISH = "en"
# CLDR's plural forms, as key endings; "other" is the bare key.
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


@functools.cache
def plural_form(language: str, count: int) -> str:
    """Return the CLDR plural form of ``count`` in ``language`` ("one", "few", ...)."""
    return str(Locale.parse(language).plural_form(abs(count)))


@dataclass(frozen=True)
class Message:
    """One message: its variants in plain and easy-read words, and where it was written."""

    key: str
    text: tuple[str, ...]
    easy: tuple[str, ...]  # empty: use ``text``
    path: str
    line: int

    def variants(self, *, easy: bool = False) -> tuple[str, ...]:
        """Return the variants for the wording asked for."""
        return self.easy if easy and self.easy else self.text


@dataclass(frozen=True)
class Messages:
    """All loaded messages of one language, by key; ``fallback`` says what it lacks."""

    entries: Mapping[str, Message]
    language: str = ENGLISH
    fallback: Messages | None = None  # English, for a key not translated yet

    def text(self, key: str, *, easy: bool = False, turn: int = 0, **values: object) -> str:
        """Return the words for ``key``, choosing a variant by ``turn`` and filling values."""
        variants = self.entry(key).variants(easy=easy)
        template = variants[turn % len(variants)]
        try:
            return template.format(**values)
        except KeyError as exc:
            raise KeyError(f"message {key!r} needs a value for {{{exc.args[0]}}}") from None

    def entry(self, key: str) -> Message:
        """Return one message, or raise KeyError naming the missing key."""
        found = self.entries.get(key)
        if found is not None:
            return found
        if self.fallback is not None and key in self.fallback:
            return self.fallback.entry(key)
        raise KeyError(f"no message {key!r}; add it to a file in conversations/messages/")

    def count(self, key: str, count: int) -> str:
        """Say a count in words, in the plural form the language uses for it.

        ``key_<form>`` (``key_one``, Welsh ``key_two``, ...) where this language writes one,
        else ``key``; the number fills ``{count}``.
        """
        form = f"{key}_{plural_form(self.language, count)}"
        return self.text(form if form in self.entries else key, count=count)

    def twin(self, key: str) -> str:
        """Return the English key a key of this language stands for: itself, or for a plural
        form English does not write (``count_people_two``), the key it is a form of."""
        english = self.fallback or self
        for form in PLURAL_FORMS:
            if key.endswith(f"_{form}") and key not in english.entries:
                return key[: -len(form) - 1]
        return key

    def missing(self) -> tuple[str, ...]:
        """Return the keys this language takes from its fallback: not translated yet."""
        if self.fallback is None:
            return ()
        return tuple(key for key in self.fallback if key not in self.entries)

    def keys(self) -> tuple[str, ...]:
        """Return every key, sorted (with the fallback's, which it can say)."""
        if self.fallback is None:
            return tuple(sorted(self.entries))
        return tuple(sorted({*self.entries, *self.fallback.entries}))

    def __contains__(self, key: object) -> bool:
        return key in self.entries or (self.fallback is not None and key in self.fallback)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())


@dataclass(frozen=True)
class Catalogue:
    """Every language's messages, by language code; English is always there."""

    languages: Mapping[str, Messages]

    def messages(self, language: str | None) -> Messages:
        """Return one language's messages, or English for a language brewbot does not speak."""
        return self.languages.get(language or ENGLISH) or self.languages[ENGLISH]

    def speaks(self, language: str | None) -> bool:
        """Say whether brewbot has messages in ``language``."""
        return language is not None and language in self.languages

    def codes(self) -> tuple[str, ...]:
        """Return the language codes, English first, then the others in order."""
        return (ENGLISH, *sorted(code for code in self.languages if code != ENGLISH))


def load_messages(directory: str | Path | None = None, language: str = ENGLISH) -> Messages:
    """Load every ``*.yaml`` in ``directory`` (default: the shipped messages).

    For another language, its folder inside ``directory`` (``cy/``), said in English where
    it has no words yet.
    """
    folder = MESSAGES_DIR if directory is None else Path(directory)
    if language != ENGLISH:
        english = load_messages(folder)
        return Messages(_load_folder(folder / language), language, english)
    return Messages(_load_folder(folder), ENGLISH)


def load_catalogue(directory: str | Path | None = None) -> Catalogue:
    """Load English and every language folder beside it (``cy/``)."""
    folder = MESSAGES_DIR if directory is None else Path(directory)
    english = load_messages(folder)
    languages = {ENGLISH: english}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and _LANGUAGE.match(p.name)):
        languages[sub.name] = Messages(_load_folder(sub), sub.name, english)
    return Catalogue(MappingProxyType(languages))


def _load_folder(folder: Path) -> Mapping[str, Message]:
    """Read every message file in one folder, refusing a key written twice."""
    if not folder.is_dir():
        raise PackError(folder, 1, "no such folder; give the folder that holds message files")
    entries: dict[str, Message] = {}
    for path in sorted(folder.glob("*.yaml")):
        for message in _load_file(path):
            if message.key in entries:
                first = entries[message.key]
                raise PackError(
                    path,
                    message.line,
                    f"message `{message.key}` is already in {first.path}:{first.line}; "
                    "keep one or rename this one",
                )
            entries[message.key] = message
    return MappingProxyType(entries)


@functools.cache
def shipped_messages() -> Messages:
    """Load the shipped message files once, for callers that do not pass their own."""
    return load_messages()


@functools.cache
def shipped_catalogue() -> Catalogue:
    """Load every shipped language once."""
    return load_catalogue()


def _load_file(path: Path) -> list[Message]:
    """Read one message file."""
    root = compose(path)
    found: list[Message] = []
    for key, line, node in mapping(path, root, "a messages file"):
        if not _KEY.match(key):
            raise PackError(
                path, line, f"`{key}` is not a usable key; use lower-case letters, digits and `_`"
            )
        items = mapping(path, node, f"message `{key}`")
        refuse_unknown(path, items, MESSAGE_FIELDS, f"message `{key}`")
        fields = {name: (field_line, value) for name, field_line, value in items}
        if "text" not in fields:
            raise PackError(path, line_of(node), f"message `{key}` has no `text:`; add its words")
        text = texts(path, fields["text"][1], "text")
        easy = texts(path, fields["easy"][1], "easy") if "easy" in fields else ()
        allowed = set()
        for variant in text:
            allowed.update(placeholders(path, fields["text"][0], variant, "text"))
        for variant in easy:
            for name in placeholders(path, fields["easy"][0], variant, "easy"):
                if name not in allowed:
                    raise PackError(
                        path,
                        fields["easy"][0],
                        f"`easy` of `{key}` uses `{{{name}}}` but `text` does not; "
                        "use the same placeholders in both",
                    )
        found.append(Message(key=key, text=text, easy=easy, path=str(path), line=line))
    return found
