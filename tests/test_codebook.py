"""Codebooks: the council's own themes as YAML, read with file:line errors, and the shipped two."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations.codebook import (
    load_codebook,
    looks_like_codebook,
    parse_codebook,
    shipped_codebooks,
)
from conversations.yamlfile import PackError

GOOD = """\
title: Waiting and being heard
themes:
  - name: Waiting
    description: Waiting for call-backs, assessments and decisions
    examples:
      - Six weeks and still nobody has rung me back
  - name: Being heard
"""


def test_a_codebook_reads_names_descriptions_and_examples() -> None:
    codebook = parse_codebook(GOOD, "ours.yaml")
    assert codebook.id == "ours" and codebook.title == "Waiting and being heard"
    assert codebook.names == ("Waiting", "Being heard")
    waiting, heard = codebook.themes
    assert waiting.cues == (
        "Waiting: Waiting for call-backs, assessments and decisions",
        "Six weeks and still nobody has rung me back",
    )
    assert heard.cues == ("Being heard",) and heard.examples == ()
    assert codebook.source == GOOD


@pytest.mark.parametrize(
    ("source", "line", "says"),
    [
        ("", 1, "the file is empty"),
        ("title: x\n", 1, "has no `themes:`"),
        ("themes:\n  - name: A\n  - name: a\n", 3, "named twice (first at line 2)"),
        ("themes:\n  - name: A\n    descripton: b\n", 3, "did you mean `description`"),
        ("themes:\n  - description: b\n", 2, "has no `name:`"),
        ("themes: []\n", 1, "empty list"),
        ("themes:\n  - name: " + "x" * 61 + "\n", 2, "keep it to 60"),
        ("themes:\n  - name: A\n    examples: one\n", 3, "should be a list"),
        ("themes:\n  - name: [A\n", 3, "YAML syntax"),
        ("themes:\n  - name: !!python/object:os.system A\n", 2, "not allowed"),
        ("themes:\n  - name:\n", 2, "is empty"),
    ],
)
def test_a_broken_codebook_says_where_and_what_to_change(source: str, line: int, says: str) -> None:
    with pytest.raises(PackError) as caught:
        parse_codebook(source, "council.yaml")
    error = caught.value
    assert (error.path, error.line) == ("council.yaml", line)
    assert says in error.message
    assert str(error).startswith(f"council.yaml:{line}: ")


def test_the_shipped_codebooks_read_and_describe_every_theme() -> None:
    shipped = shipped_codebooks()
    assert set(shipped) == {"four-principles", "making-it-real"}
    assert shipped["four-principles"].names == (
        "People as assets",
        "Valuing work differently",
        "Reciprocity",
        "Social networks",
    )
    assert len(shipped["making-it-real"].themes) == 6
    for codebook in shipped.values():
        assert all(t.description and len(t.examples) >= 3 for t in codebook.themes)


def test_a_codebook_file_is_told_from_a_pack(tmp_path: Path) -> None:
    codebook = tmp_path / "ours.yaml"
    codebook.write_text(GOOD, encoding="utf-8")
    pack = tmp_path / "pack.yaml"
    pack.write_text("title: x\nprompts: []\n", encoding="utf-8")
    assert looks_like_codebook(codebook) and not looks_like_codebook(pack)
    assert load_codebook(codebook).names == ("Waiting", "Being heard")
    with pytest.raises(PackError, match="no such file"):
        load_codebook(tmp_path / "missing.yaml")
