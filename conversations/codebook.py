"""A codebook: the themes a council already reports against, written as YAML it keeps in git.

Qualitative researchers call coding against such a framework deductive coding: each
answer goes to the framework's theme it fits best, when it fits well enough, and only what
is left is searched for new themes (:mod:`conversations.coding`). A codebook is plain words:

.. code-block:: yaml

    title: Waiting and being heard         # optional
    themes:
      - name: Waiting
        description: Waiting for call-backs, assessments and decisions   # optional
        examples:                                                       # optional
          - Six weeks and still nobody has rung me back

Every mistake is one line naming the file and line, as for packs (:mod:`.yamlfile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node

from conversations.yamlfile import (
    ID_PATTERN,
    PackError,
    compose_source,
    line_of,
    mapping,
    read_source,
    refuse_unknown,
    sequence,
    text,
)

__all__ = [
    "CODEBOOKS_DIR",
    "Codebook",
    "CodebookTheme",
    "load_codebook",
    "looks_like_codebook",
    "parse_codebook",
    "shipped_codebooks",
]

CODEBOOKS_DIR = Path(__file__).resolve().parent / "codebooks"
CODEBOOK_KEYS = ("id", "title", "themes")
THEME_KEYS = ("name", "description", "examples")
NAME_LONGEST = 60  # a heading on a phone, and a CSV column a spreadsheet shows whole
DESCRIPTION_LONGEST = 300
EXAMPLE_LONGEST = 500
MOST_THEMES = 60
MOST_EXAMPLES = 20


@dataclass(frozen=True)
class CodebookTheme:
    """One theme of a codebook: its name as people will read it, and what it covers."""

    name: str
    description: str = ""
    examples: tuple[str, ...] = ()

    @property
    def cues(self) -> tuple[str, ...]:
        """The theme's own words, one text each: its name with its description, then examples."""
        head = f"{self.name}: {self.description}" if self.description else self.name
        return (head, *self.examples)


@dataclass(frozen=True)
class Codebook:
    """A council's framework: an id, a title and at least one theme, names unique."""

    id: str
    title: str
    themes: tuple[CodebookTheme, ...]
    source: str = ""  # the YAML as written, so it can be kept and shown again

    @property
    def names(self) -> tuple[str, ...]:
        """The themes' names, in the codebook's order."""
        return tuple(t.name for t in self.themes)


def load_codebook(path: str | Path) -> Codebook:
    """Load a codebook file, or raise PackError naming the file, line and fix."""
    path = Path(path)
    return parse_codebook(read_source(path), path)


def parse_codebook(source: str, where: str | Path) -> Codebook:
    """Read a codebook from YAML text (a file's, or a document posted in a group).

    ``where`` names it in errors: a path, or the document's file name.
    """
    path = Path(where)
    root = compose_source(source, path, "the codebook")
    items = mapping(path, root, "a codebook")
    refuse_unknown(path, items, CODEBOOK_KEYS, "the codebook")
    fields = {key: (line, node) for key, line, node in items}
    if "themes" not in fields:
        raise PackError(
            path, line_of(root), "the codebook has no `themes:`; add a list of `- name:` items"
        )
    codebook_id = _id(path, fields["id"][1]) if "id" in fields else _stem_id(path)
    title = text(path, fields["title"][1], "title") if "title" in fields else path.stem
    themes = _themes(path, fields["themes"][1])
    return Codebook(codebook_id, title, themes, source)


def looks_like_codebook(path: Path) -> bool:
    """Say whether a YAML file is meant as a codebook (its top has `themes:`, not `prompts:`)."""
    try:
        root = compose_source(read_source(path), path, "the file")
    except PackError:
        return False
    if not isinstance(root, MappingNode):
        return False
    keys = {str(key.value) for key, _ in root.value}
    return "themes" in keys and "prompts" not in keys


def shipped_codebooks(directory: str | Path | None = None) -> dict[str, Codebook]:
    """Load every codebook shipped with brewbot (or in ``directory``), by id."""
    folder = CODEBOOKS_DIR if directory is None else Path(directory)
    found: dict[str, Codebook] = {}
    for path in sorted(folder.glob("*.yaml")):
        codebook = load_codebook(path)
        if codebook.id in found:
            raise PackError(path, 1, f"codebook id `{codebook.id}` is used twice; rename one")
        found[codebook.id] = codebook
    return found


def _themes(path: Path, node: Node) -> tuple[CodebookTheme, ...]:
    """Read the list of themes, refusing repeated names."""
    items = sequence(path, node, "themes")
    if not items:
        raise PackError(path, line_of(node), "`themes` is an empty list; add at least one theme")
    if len(items) > MOST_THEMES:
        raise PackError(
            path, line_of(items[MOST_THEMES]), f"a codebook holds at most {MOST_THEMES} themes"
        )
    seen: dict[str, int] = {}
    themes = []
    for item in items:
        theme = _theme(path, item)
        key = theme.name.casefold()
        if key in seen:
            raise PackError(
                path,
                line_of(item),
                f"the theme `{theme.name}` is named twice (first at line {seen[key]}); "
                "give each theme its own name",
            )
        seen[key] = line_of(item)
        themes.append(theme)
    return tuple(themes)


def _theme(path: Path, node: Node) -> CodebookTheme:
    """Read one theme: a name, and perhaps a description and examples."""
    items = mapping(path, node, "a theme")
    refuse_unknown(path, items, THEME_KEYS, "a theme")
    fields = {key: (line, value) for key, line, value in items}
    if "name" not in fields:
        raise PackError(path, line_of(node), "this theme has no `name:`; add a short name")
    name = _short(path, fields["name"][1], "name", NAME_LONGEST)
    description = (
        _short(path, fields["description"][1], "description", DESCRIPTION_LONGEST)
        if "description" in fields
        else ""
    )
    examples: tuple[str, ...] = ()
    if "examples" in fields:
        nodes = sequence(path, fields["examples"][1], "examples")
        if len(nodes) > MOST_EXAMPLES:
            raise PackError(
                path,
                line_of(nodes[MOST_EXAMPLES]),
                f"a theme holds at most {MOST_EXAMPLES} examples; keep the clearest",
            )
        examples = tuple(_short(path, n, "an example", EXAMPLE_LONGEST) for n in nodes)
    return CodebookTheme(name, description, examples)


def _short(path: Path, node: Node, field: str, longest: int) -> str:
    """Return a field's words on one line, refusing any longer than ``longest`` characters."""
    value = " ".join(text(path, node, field).split())
    if len(value) > longest:
        raise PackError(
            path,
            line_of(node),
            f"{field} is {len(value)} characters long; keep it to {longest} or fewer",
        )
    return value


def _id(path: Path, node: Node) -> str:
    """Return the codebook's id as written, if it is a usable one."""
    value = text(path, node, "id")
    if not ID_PATTERN.match(value) or len(value) > 40:
        raise PackError(
            path,
            line_of(node),
            f"`id: {value}` is not a usable id; use up to 40 lower-case letters, digits,"
            " `_` or `-`",
        )
    return value


def _stem_id(path: Path) -> str:
    """Use the file name as the id, made usable (a posted document may be called anything)."""
    stem = "".join(c if c.isalnum() or c in "_-" else "-" for c in path.stem.lower())
    stem = stem.strip("-_")[:40] or "codebook"
    return stem if ID_PATTERN.match(stem) else "codebook"
