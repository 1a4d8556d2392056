"""The planted-theme brews in tests/data/brews, read as a report reads answers."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

BREWS = Path(__file__).resolve().parent / "data" / "brews"


@dataclass(frozen=True)
class PlantedBrew:
    """One brew's answers, who gave each (an id), their planted themes and consent."""

    name: str
    texts: list[str]
    people: list[str]
    themes: list[str]
    prompts: list[str]
    consent: list[bool]

    def codebook(self, kind: str) -> Path:
        """The codebook a council might write for it: ``names`` or ``described``."""
        return BREWS / f"{self.name}-{kind}.yaml"

    def planted(self, name: str) -> str:
        """The planted theme a codebook theme's name stands for."""
        mapping: dict[str, dict[str, str]] = json.loads((BREWS / "mapping.json").read_text())
        return mapping[self.name][name]


def planted_brew(name: str) -> PlantedBrew:
    """Read one of the planted brews by name (story, home, carers, big)."""
    with (BREWS / f"{name}.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return PlantedBrew(
        name,
        [r["answer"] for r in rows],
        [r["person"] for r in rows],
        [r["theme"] for r in rows],
        [r["prompt_id"] for r in rows],
        [r["quote_ok"] == "yes" for r in rows],
    )
