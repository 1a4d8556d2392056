"""Keep the functional core pure: conversations/ and storage/ never import telegram."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(
                    (str(path.relative_to(ROOT)), a.name.split(".")[0]) for a in node.names
                )
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add((str(path.relative_to(ROOT)), node.module.split(".")[0]))
    return found


def test_conversations_imports_nothing_of_ours_nor_telegram() -> None:
    bad = {(f, m) for f, m in _imports("conversations") if m in {"telegram", "storage", "bot"}}
    assert not bad, f"conversations/ must stay pure: {sorted(bad)}"


def test_storage_never_imports_telegram_or_bot() -> None:
    bad = {(f, m) for f, m in _imports("storage") if m in {"telegram", "bot"}}
    assert not bad, f"storage/ may use conversations' data types only: {sorted(bad)}"


def test_the_check_itself_sees_imports(tmp_path: Path) -> None:
    tree = ast.parse("import telegram\nfrom telegram.ext import Application\n")
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "telegram" in names
