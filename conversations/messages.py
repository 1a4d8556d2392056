"""Every text the bot says outside the packs, loaded from ``conversations/messages/*.yaml``.

Each file maps a key to its words::

    key_name:
      text: "Plain words, may use {placeholders}."   # or a list of variants
      easy: "Easy-read words."                       # optional, falls back to text; may be a list

Variants (lists) take turns: ``turn % len(variants)`` picks one, so thank-yous vary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from conversations.yamlfile import (
    PackError,
    compose,
    line_of,
    mapping,
    placeholders,
    refuse_unknown,
    texts,
)

__all__ = ["MESSAGES_DIR", "Message", "Messages", "PackError", "load_messages", "shipped_messages"]

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
MESSAGE_FIELDS = ("text", "easy")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


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
    """All loaded messages, by key."""

    entries: Mapping[str, Message]

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
        try:
            return self.entries[key]
        except KeyError:
            raise KeyError(
                f"no message {key!r}; add it to a file in conversations/messages/"
            ) from None

    def count(self, key: str, count: int) -> str:
        """Say a count in words: ``key_one`` for 1 when there is one, else ``key``."""
        one = f"{key}_one"
        return self.text(one if count == 1 and one in self else key, count=count)

    def keys(self) -> tuple[str, ...]:
        """Return every key, sorted."""
        return tuple(sorted(self.entries))

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.entries)


def load_messages(directory: str | Path | None = None) -> Messages:
    """Load every ``*.yaml`` in ``directory`` (default: the shipped messages)."""
    folder = MESSAGES_DIR if directory is None else Path(directory)
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
    return Messages(MappingProxyType(entries))


@functools.cache
def shipped_messages() -> Messages:
    """Load the shipped message files once, for callers that do not pass their own."""
    return load_messages()


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
