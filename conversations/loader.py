"""Load prompt packs from YAML, stopping at the first mistake with its file and line.

A pack file looks like this (every prompt is optional for the person answering)::

    title: Over a brew
    opening: "Hello! Today we're talking about {theme}."
    opening_easy: "Hello! Today's chat is about {theme}."
    close: "Thank you ..."
    close_easy: "Thank you ..."
    prompts:
      - id: matters
        kind: text            # text | choice | stage | consent
        principle: theme      # assets | work | reciprocity | networks | theme (default)
        text: "What matters to you about {theme}?"
        easy: "What is important to you about {theme}?"
        story: "..."          # optional, shown just before the question
        story_easy: "..."     # optional
        keeps: self_description   # choice only; quote_consent on consent only
        idea: true            # text only: asks for ideas for change (ranked for /prioritise)
        options:              # choice only: stage and consent prompts have theirs built in
          - id: carer
            text: "I'm an unpaid carer"
            easy: "I look after someone"   # optional, falls back to text

Each text can have its other languages beside it, named with the language's code: ``text_cy``
and ``easy_cy`` (Welsh), ``opening_cy``, ``opening_easy_cy``, ``story_cy``, and so on.
``load_pack(path, language="cy")`` reads those; a text not yet written in that language is
said in English (``missing_words`` lists them, and ``brewbot check`` warns about them).
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from yaml.nodes import Node

from conversations.messages import ENGLISH, shipped_catalogue
from conversations.model import Keeps, Kind, Option, Pack, Principle, Prompt
from conversations.yamlfile import (
    ID_PATTERN,
    PACK_ID_LONGEST,
    PackError,
    compose,
    identifier,
    line_of,
    mapping,
    placeholders,
    refuse_unknown,
    sequence,
    suggest,
    text,
)

__all__ = [
    "PACKS_DIR",
    "PackError",
    "load_pack",
    "load_pack_languages",
    "load_packs",
    "missing_words",
]

PACKS_DIR = Path(__file__).resolve().parent / "packs"

PACK_WORDS = ("title", "opening", "opening_easy", "close", "close_easy")
PROMPT_WORDS = ("text", "easy", "story", "story_easy")
OPTION_WORDS = ("text", "easy")


def _with_languages(keys: tuple[str, ...], words: tuple[str, ...]) -> tuple[str, ...]:
    """Add each text's other-language twins (``text_cy``) to the keys a mapping may use."""
    others = [code for code in shipped_catalogue().codes() if code != ENGLISH]
    return (*keys, *(f"{word}_{code}" for code in others for word in words))


PACK_KEYS = _with_languages(("id", *PACK_WORDS, "prompts"), PACK_WORDS)
PROMPT_KEYS = _with_languages(
    ("id", "kind", "principle", *PROMPT_WORDS, "options", "keeps", "idea"), PROMPT_WORDS
)
OPTION_KEYS = _with_languages(("id", *OPTION_WORDS), OPTION_WORDS)
ALLOWED_PLACEHOLDERS = ("theme",)
_E = TypeVar("_E", Kind, Principle, Keeps)
_KEEPS_KIND = {Keeps.SELF_DESCRIPTION: Kind.CHOICE, Keeps.QUOTE_CONSENT: Kind.CONSENT}


def load_pack(path: str | Path, language: str = ENGLISH) -> Pack:
    """Load one pack file in one language, or raise PackError naming the file, line and fix."""
    path = Path(path)
    root = compose(path)
    items = mapping(path, root, "a pack")
    refuse_unknown(path, items, PACK_KEYS, "the pack")
    fields = _in_language({key: (line, node) for key, line, node in items}, language)

    def required(key: str, hint: str) -> str:
        if key not in fields:
            raise PackError(path, line_of(root), f"the pack has no `{key}:`; add {hint}")
        value = text(path, fields[key][1], key)
        _check_placeholders(path, fields[key][0], value, key)
        return value

    pack_id = (
        identifier(path, fields["id"][1], "id", longest=PACK_ID_LONGEST)
        if "id" in fields
        else _stem_id(path)
    )
    title = required("title", "a short title")
    opening = required("opening", "a warm first message")
    opening_easy = required("opening_easy", "the first message in easy-read words")
    close = required("close", "a warm last message that says what happens next")
    close_easy = required("close_easy", "the last message in easy-read words")
    if "prompts" not in fields:
        raise PackError(path, line_of(root), "the pack has no `prompts:`; add a list of prompts")
    prompts = _prompts(path, fields["prompts"][1], language)
    return Pack(
        id=pack_id,
        title=title,
        opening=opening,
        opening_easy=opening_easy,
        close=close,
        close_easy=close_easy,
        prompts=prompts,
        source=str(path),
    )


def load_packs(directory: str | Path | None = None, language: str = ENGLISH) -> dict[str, Pack]:
    """Load every ``*.yaml`` pack in ``directory`` (default: the shipped packs), by id."""
    folder = PACKS_DIR if directory is None else Path(directory)
    if not folder.is_dir():
        raise PackError(folder, 1, "no such folder; give a folder that holds pack files")
    packs: dict[str, Pack] = {}
    for path in sorted(folder.glob("*.yaml")):
        pack = load_pack(path, language)
        if pack.id in packs:
            raise PackError(
                path, 1, f"pack id `{pack.id}` is also used by {packs[pack.id].source}; rename one"
            )
        packs[pack.id] = pack
    return packs


def load_pack_languages(
    directory: str | Path | None = None, languages: tuple[str, ...] | None = None
) -> dict[str, dict[str, Pack]]:
    """Load every pack in each language brewbot speaks: language code -> pack id -> pack."""
    codes = shipped_catalogue().codes() if languages is None else languages
    return {code: load_packs(directory, code) for code in codes}


def missing_words(path: str | Path, language: str) -> list[tuple[int, str]]:
    """List (line, field) for each text in a pack file with no words in ``language`` yet."""
    path = Path(path)
    root = compose(path)
    found: list[tuple[int, str]] = []

    def look(node: Node, words: tuple[str, ...], what: str) -> dict[str, tuple[int, Node]]:
        fields = {key: (line, value) for key, line, value in mapping(path, node, what)}
        found.extend(
            (fields[word][0], f"{word}_{language}")
            for word in words
            if word in fields and f"{word}_{language}" not in fields
        )
        return fields

    pack = look(root, PACK_WORDS, "a pack")
    for prompt_node in sequence(path, pack["prompts"][1], "prompts") if "prompts" in pack else ():
        prompt = look(prompt_node, PROMPT_WORDS, "a prompt")
        for option in (
            sequence(path, prompt["options"][1], "options") if "options" in prompt else ()
        ):
            look(option, OPTION_WORDS, "an option")
    return found


def _in_language(fields: dict[str, tuple[int, Node]], language: str) -> dict[str, tuple[int, Node]]:
    """Put a language's words (``text_cy``) in place of the English ones they sit beside."""
    if language == ENGLISH:
        return fields
    ending = f"_{language}"
    return {
        **fields,
        **{key[: -len(ending)]: entry for key, entry in fields.items() if key.endswith(ending)},
    }


def _stem_id(path: Path) -> str:
    """Use the file name (without .yaml) as the pack id."""
    stem = path.stem
    if not ID_PATTERN.match(stem) or len(stem) > PACK_ID_LONGEST:
        raise PackError(
            path,
            1,
            f"the file name `{stem}` cannot be the pack id; add `id:` with up to "
            f"{PACK_ID_LONGEST} lower-case letters, digits, `_` or `-`",
        )
    return stem


def _prompts(path: Path, node: Node, language: str) -> tuple[Prompt, ...]:
    """Build every prompt, refusing repeated ids and repeated keeps."""
    nodes = sequence(path, node, "prompts")
    if not nodes:
        raise PackError(path, line_of(node), "`prompts:` is empty; add at least one prompt")
    prompts: list[Prompt] = []
    first_line: dict[str, int] = {}
    keeps_line: dict[Keeps, int] = {}
    for item in nodes:
        prompt = _prompt(path, item, language)
        if prompt.id in first_line:
            raise PackError(
                path,
                prompt.line,
                f"prompt id `{prompt.id}` is used twice (first at line {first_line[prompt.id]}); "
                "give each prompt its own id",
            )
        first_line[prompt.id] = prompt.line
        if prompt.keeps is not None:
            if prompt.keeps in keeps_line:
                raise PackError(
                    path,
                    prompt.line,
                    f"`keeps: {prompt.keeps.value}` is already on the prompt at line "
                    f"{keeps_line[prompt.keeps]}; keep it on one prompt only",
                )
            keeps_line[prompt.keeps] = prompt.line
        prompts.append(prompt)
    return tuple(prompts)


def _prompt(path: Path, node: Node, language: str) -> Prompt:
    """Build one prompt from its mapping node."""
    line = line_of(node)
    items = mapping(path, node, "a prompt")
    refuse_unknown(path, items, PROMPT_KEYS, "a prompt")
    fields = _in_language({key: (key_line, value) for key, key_line, value in items}, language)
    for needed, hint in (
        ("id", "a short id such as `what_matters`"),
        ("kind", "`kind: text`, `choice`, `stage` or `consent`"),
        ("text", "the question in plain words"),
        ("easy", "the question in easy-read words"),
    ):
        if needed not in fields:
            raise PackError(path, line, f"this prompt has no `{needed}:`; add {hint}")
    prompt_id = identifier(path, fields["id"][1], "id")
    kind = _enum(path, fields["kind"][1], "kind", Kind)
    principle = (
        _enum(path, fields["principle"][1], "principle", Principle)
        if "principle" in fields
        else Principle.THEME
    )
    words = {}
    for key in ("text", "easy", "story", "story_easy"):
        if key in fields:
            words[key] = text(path, fields[key][1], key)
            _check_placeholders(path, fields[key][0], words[key], key)
    if "story_easy" in words and "story" not in words:
        raise PackError(
            path, fields["story_easy"][0], "`story_easy:` needs a `story:` too; add the story"
        )
    keeps = None
    if "keeps" in fields:
        keeps = _enum(path, fields["keeps"][1], "keeps", Keeps)
        if _KEEPS_KIND[keeps] is not kind:
            raise PackError(
                path,
                fields["keeps"][0],
                f"`keeps: {keeps.value}` only works on a {_KEEPS_KIND[keeps].value} prompt, "
                f"not {kind.value}; change `kind:` or remove `keeps:`",
            )
    options = _options(path, kind, line, fields.get("options"), language)
    idea = _idea(path, kind, fields.get("idea"))
    return Prompt(
        id=prompt_id,
        principle=principle,
        kind=kind,
        text=words["text"],
        easy=words["easy"],
        story=words.get("story"),
        story_easy=words.get("story_easy"),
        options=options,
        keeps=keeps,
        idea=idea,
        line=line,
    )


def _idea(path: Path, kind: Kind, entry: tuple[int, Node] | None) -> bool:
    """Read `idea: true|false`; only a text prompt can ask for ideas."""
    if entry is None:
        return False
    word = text(path, entry[1], "idea").strip().lower()
    if word not in ("true", "false", "yes", "no"):
        raise PackError(path, entry[0], f"`idea:` should be true or false, not {word!r}")
    if word in ("true", "yes") and kind is not Kind.TEXT:
        raise PackError(
            path, entry[0], f"`idea: true` only works on a text prompt, not {kind.value}"
        )
    return word in ("true", "yes")


def _options(
    path: Path, kind: Kind, prompt_line: int, entry: tuple[int, Node] | None, language: str
) -> tuple[Option, ...]:
    """Build a choice prompt's options; other kinds must not have any."""
    if kind is not Kind.CHOICE:
        if entry is not None:
            why = {
                Kind.STAGE: "stage prompts come with the four stages built in",
                Kind.CONSENT: "consent prompts come with Yes and No built in",
                Kind.TEXT: "text prompts take typed answers (or change `kind:` to choice)",
            }[kind]
            raise PackError(path, entry[0], f"`options:` on a {kind.value} prompt; {why}")
        return ()
    if entry is None:
        raise PackError(path, prompt_line, "a choice prompt needs `options:`; add two or more")
    nodes = sequence(path, entry[1], "options")
    if len(nodes) < 2:
        raise PackError(path, entry[0], "a choice prompt needs at least two options; add more")
    options: list[Option] = []
    seen: dict[str, int] = {}
    for node in nodes:
        option = _option(path, node, language)
        if option.id in seen:
            raise PackError(
                path,
                line_of(node),
                f"option id `{option.id}` is used twice in this prompt (first at line "
                f"{seen[option.id]}); give each option its own id",
            )
        seen[option.id] = line_of(node)
        options.append(option)
    return tuple(options)


def _option(path: Path, node: Node, language: str) -> Option:
    """Build one option; its easy-read words fall back to its text."""
    items = mapping(path, node, "an option")
    refuse_unknown(path, items, OPTION_KEYS, "an option")
    fields = _in_language({key: (key_line, value) for key, key_line, value in items}, language)
    for needed in ("id", "text"):
        if needed not in fields:
            raise PackError(path, line_of(node), f"this option has no `{needed}:`; add one")
    option_id = identifier(path, fields["id"][1], "id")
    words = text(path, fields["text"][1], "text")
    _check_placeholders(path, fields["text"][0], words, "text")
    easy = words
    if "easy" in fields:
        easy = text(path, fields["easy"][1], "easy")
        _check_placeholders(path, fields["easy"][0], easy, "easy")
    return Option(id=option_id, text=words, easy=easy)


def _enum(path: Path, node: Node, field: str, enum: type[_E]) -> _E:
    """Read one of an enum's values, suggesting the nearest on a typo."""
    value = text(path, node, field)
    known = [member.value for member in enum]
    if value not in known:
        raise PackError(path, line_of(node), f"unknown {field} `{value}`; {suggest(value, known)}")
    return enum(value)


def _check_placeholders(path: Path, line: int, value: str, field: str) -> None:
    """Allow only ``{theme}`` in pack texts."""
    for name in placeholders(path, line, value, field):
        if name not in ALLOWED_PLACEHOLDERS:
            raise PackError(
                path,
                line,
                f"unknown placeholder `{{{name}}}` in `{field}`; only `{{theme}}` can be "
                "filled in (write `{{` and `}}` for a real brace)",
            )
