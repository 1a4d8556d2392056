"""The README's settings table and the settings brewbot reads name the same settings.

Each setting is declared once, in bot/settings.py; this keeps the operator's table from
missing one or listing one that is gone (sqlite-utils' docs test, for settings).
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli.run import settings_list
from bot.settings import Settings, every_setting, load_settings

HEADER = "| setting | default | what it does |"


def in_table(readme: str) -> set[str]:
    """The BREWBOT_ names in the first column of the README's settings table."""
    lines = readme.splitlines()
    start = lines.index(HEADER) + 2  # past the header and its --- row
    names: set[str] = set()
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        names |= set(re.findall(r"`(BREWBOT_[A-Z_]+)`", line.split("|")[1]))
    return names


def test_the_readme_table_lists_every_setting_and_no_other(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    declared = {s.env for s in every_setting() if s.in_environment}
    assert {"BREWBOT_TOKEN", "BREWBOT_CONFIG", "BREWBOT_MIN_GROUP"} <= declared
    listed = in_table(readme)
    assert sorted(declared - listed) == [], "settings missing from README.md's table"
    assert sorted(listed - declared) == [], "README.md's table lists settings brewbot lacks"
    for only_in_file in (s.key for s in every_setting() if not s.in_environment):
        assert f"\n{only_in_file}:\n" in readme, f"README.md shows no {only_in_file}: example"


def test_the_check_reads_the_first_column_of_the_table_only() -> None:
    readme = "\n".join(
        [
            "Set `BREWBOT_ELSEWHERE` too.",
            HEADER,
            "| --- | --- | --- |",
            "| `BREWBOT_A`, `BREWBOT_B` | `1` | see `BREWBOT_C` |",
            "| `BREWBOT_D` | (none) | |",
            "",
            "| `BREWBOT_AFTER` | | |",
        ]
    )
    assert in_table(readme) == {"BREWBOT_A", "BREWBOT_B", "BREWBOT_D"}


def test_brewbot_run_help_lists_every_setting_with_its_line() -> None:
    listed = settings_list()
    for declared in every_setting():
        name = declared.env if declared.in_environment else f"{declared.key}:"
        assert re.search(rf"^  {name} +{re.escape(declared.help)}$", listed, re.MULTILINE)


def test_nothing_set_gives_each_declared_default(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path / "absent.yaml") == Settings()
