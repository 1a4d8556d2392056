"""One source for the minimum group: the settings default (bot/settings.py's MIN_GROUP).

Every function that takes ``min_group`` needs it (no default to fall back on silently), public
ones by keyword, and no caller in brewbot's code writes the number itself: each passes the
configured value (``settings.min_group``) on. Tests may pass a number: that is their point.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("conversations", "storage", "bot", "bench")
NAME = "min_group"

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _trees(source: str = "") -> Iterator[tuple[str, ast.Module]]:
    """Each of brewbot's Python files, parsed (or ``source`` alone, to test the test)."""
    if source:
        yield "given.py", ast.parse(source)
        return
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def _defaults(function: Function) -> dict[str, ast.expr | None]:
    """Each parameter's default (None for none), by name."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    padded = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    found: dict[str, ast.expr | None] = {a.arg: d for a, d in zip(positional, padded, strict=True)}
    found.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)})
    return found


def problems(source: str = "") -> list[str]:
    """Every place the minimum group could be defaulted or written down again."""
    found: list[tuple[str, int, str]] = []
    for where, tree in _trees(source):
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                defaults = _defaults(node)
                keyword_only = {a.arg for a in node.args.kwonlyargs}
                if NAME in defaults and defaults[NAME] is not None:
                    found.append((where, node.lineno, f"{node.name}() defaults {NAME}"))
                if NAME in defaults and NAME not in keyword_only and not node.name.startswith("_"):
                    found.append((where, node.lineno, f"{node.name}() takes {NAME} by position"))
            elif isinstance(node, ast.keyword) and node.arg == NAME:
                if isinstance(node.value, ast.Constant):
                    found.append((where, node.value.lineno, f"passes {NAME}={node.value.value!r}"))
            elif isinstance(node, ast.Assign | ast.AnnAssign) and where != "bot/settings.py":
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == NAME.upper() for t in targets):
                    found.append((where, node.lineno, f"sets {NAME.upper()} again"))
    return [f"{where}:{line} {what}" for where, line, what in sorted(found)]


def test_the_minimum_group_has_one_source_and_no_silent_default() -> None:
    assert problems() == []


def test_the_check_sees_a_default_a_position_a_number_and_a_second_source() -> None:
    source = (
        "def a(n, *, min_group=5): ...\n"
        "async def b(n, min_group): ...\n"
        "def _c(n, min_group): ...\n"  # a private helper may take it by position
        "def d(n, *, min_group): ...\n"
        "d(1, min_group=4)\n"
        "d(1, min_group=settings.min_group)\n"
        "MIN_GROUP = 3\n"
    )
    assert problems(source) == [
        "given.py:1 a() defaults min_group",
        "given.py:2 b() takes min_group by position",
        "given.py:5 passes min_group=4",
        "given.py:7 sets MIN_GROUP again",
    ]
