"""Read YAML files as nodes that know their line, and stop at the first mistake.

Packs and message files are written by people, not programs, so every mistake
becomes one readable line: ``path:line: what is wrong and what to change``.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PACK_ID_LONGEST = 40
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "null", "bool", "int", "float", "timestamp", "map", "seq")
)


class PackError(Exception):
    """A mistake in a pack or message file, as one line: ``path:line: message``."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        self.path = str(path)
        self.line = max(1, line)
        self.message = " ".join(message.split())
        super().__init__(f"{self.path}:{self.line}: {self.message}")


def line_of(node: Node) -> int:
    """Return the 1-based line where ``node`` starts."""
    return int(node.start_mark.line) + 1


def compose(path: Path) -> Node:
    """Parse ``path`` with safe YAML rules and return its root node."""
    return compose_source(read_source(path), path, "the pack or messages")


def read_source(path: Path) -> str:
    """Return a YAML file's text, or raise PackError saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackError(path, 1, "no such file; check the name and folder") from None
    except UnicodeDecodeError:
        raise PackError(path, 1, "this file is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise PackError(path, 1, f"cannot read this file ({exc.strerror})") from None


def compose_source(source: str, path: Path, what: str) -> Node:
    """Parse YAML text (named ``path`` in errors) with safe rules and return its root node.

    ``what`` says what an empty file should hold, e.g. "the codebook".
    """
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "this is not valid YAML"
        raise PackError(
            path, line, f"YAML syntax: {problem}; check the indentation, colons and quotes here"
        ) from None
    except yaml.YAMLError as exc:
        raise PackError(path, 1, f"YAML syntax: {exc}") from None
    if root is None:
        raise PackError(path, 1, f"the file is empty; write {what} in it")
    return root


def refuse_tags(path: Path, node: Node) -> None:
    """Refuse YAML tags such as ``!!python/object``: packs are plain words and lists."""
    if node.tag not in _PLAIN_TAGS:
        raise PackError(path, line_of(node), f"the tag `{node.tag}` is not allowed here; remove it")


def mapping(path: Path, node: Node, what: str) -> list[tuple[str, int, Node]]:
    """Return ``(key, line, value)`` for each entry of a mapping node, refusing repeats."""
    refuse_tags(path, node)
    if not isinstance(node, MappingNode):
        raise PackError(path, line_of(node), f"{what} should be a set of `key: value` lines")
    seen: dict[str, int] = {}
    items: list[tuple[str, int, Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise PackError(path, line_of(key_node), f"a key in {what} should be a plain word")
        key = str(key_node.value)
        line = line_of(key_node)
        if key in seen:
            raise PackError(
                path, line, f"`{key}` appears twice in {what} (first at line {seen[key]}); keep one"
            )
        seen[key] = line
        items.append((key, line, value_node))
    return items


def refuse_unknown(
    path: Path, items: Iterable[tuple[str, int, Node]], known: Sequence[str], what: str
) -> None:
    """Stop at the first key that is not one of ``known``, suggesting the nearest."""
    for key, line, _ in items:
        if key not in known:
            raise PackError(path, line, f"unknown key `{key}` in {what}; {suggest(key, known)}")


def suggest(word: str, known: Sequence[str]) -> str:
    """Say which known word was probably meant, or list them all."""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.5)
    if close:
        return f"did you mean `{close[0]}`?"
    return "use one of: " + ", ".join(f"`{k}`" for k in known)


def text(path: Path, node: Node, field: str) -> str:
    """Return a scalar's words as written (so `yes` stays "yes"), refusing empty ones."""
    refuse_tags(path, node)
    if not isinstance(node, ScalarNode):
        raise PackError(path, line_of(node), f"`{field}` should be words, not a list or a mapping")
    value = str(node.value).strip()
    if node.tag == "tag:yaml.org,2002:null" or not value:
        raise PackError(path, line_of(node), f"`{field}` is empty; write some words after it")
    return value


def texts(path: Path, node: Node, field: str) -> tuple[str, ...]:
    """Return one text or a list of variant texts as a tuple."""
    if isinstance(node, SequenceNode):
        if not node.value:
            raise PackError(path, line_of(node), f"`{field}` is an empty list; add some words")
        return tuple(text(path, item, field) for item in node.value)
    return (text(path, node, field),)


def sequence(path: Path, node: Node, field: str) -> list[Node]:
    """Return the items of a list node."""
    refuse_tags(path, node)
    if not isinstance(node, SequenceNode):
        raise PackError(path, line_of(node), f"`{field}` should be a list of `- ` items")
    return list(node.value)


def identifier(path: Path, node: Node, field: str, *, longest: int = 20) -> str:
    """Return an id: lower-case letters, digits, `_` or `-`, at most ``longest`` characters.

    Prompt and option ids ride in button data, which Telegram caps at 64 bytes,
    so they stay at 20 characters each.
    """
    value = text(path, node, field)
    if not ID_PATTERN.match(value) or len(value) > longest:
        raise PackError(
            path,
            line_of(node),
            f"`{field}: {value}` is not a usable id; use up to {longest} lower-case letters, "
            "digits, `_` or `-`",
        )
    return value


def placeholders(path: Path, line: int, value: str, field: str) -> list[str]:
    """Return the ``{names}`` in a text, refusing stray braces and odd formats."""
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError:
        raise PackError(
            path, line, f"`{field}` has a lone `{{` or `}}`; write `{{{{` or `}}}}` for a brace"
        ) from None
    names: list[str] = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise PackError(
                path, line, f"`{field}` has `{shown}`; a placeholder is one word, like `{{theme}}`"
            )
        names.append(name)
    return names
