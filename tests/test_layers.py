"""Imports run one way, checked as import-linter checks its contracts.

brewbot's own modules and what each imports are read from the source (imports inside
functions and under TYPE_CHECKING count, as import-linter counts them). A contract is broken
by a direct import, and by a chain of imports through other modules: a job that imports the
journey, which imports a facilitators' feature, imports that feature too.

- A **layers** contract: a higher layer may import a lower one, never the reverse. A module
  belongs to the layer with the longest name that contains it.
- A **forbidden** contract: no module in ``source`` reaches one in ``forbidden``.

An import a contract lets pass (``ignore``) is named with why; one that no longer exists
breaks the contract, so the list only shrinks.
"""

from __future__ import annotations

import ast
import functools
import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("conversations", "storage", "bot", "standin")

Graph = Mapping[str, frozenset[str]]
Chain = tuple[str, ...]

# bot/'s parts, top to bottom (README "Layout").
WIRING = ("bot.app", "bot.cli", "bot.coproduction", "bot.demo_scene")
FEATURES = ("bot.handlers", "bot.facilitators")
JOBS = ("bot.jobs",)
PARTICIPANTS, FACILITATORS = ("bot.handlers",), ("bot.facilitators",)


def within(module: str, package: str) -> bool:
    """Say whether ``module`` is ``package`` or inside it."""
    return module == package or module.startswith(package + ".")


def our_modules(root: Path = ROOT) -> dict[str, Path]:
    """Map each of brewbot's module names to its file."""
    found: dict[str, Path] = {}
    for package in OURS:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_in(
    source: str, module: str, known: Iterable[str], *, package: bool = False
) -> set[str]:
    """Name what ``module``'s source imports: our modules as precisely as they exist (``from
    bot import tg`` is ``bot.tg``), anything else by its top-level name (``telegram``)."""
    known = set(known)
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up level - 1
                here = module.split(".") if package else module.split(".")[:-1]
                base = ".".join([*here[: len(here) - node.level + 1], *([base] if base else [])])
            names.update(f"{base}.{alias.name}" for alias in node.names)
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        while parts and ".".join(parts) not in known:
            parts.pop()
        found.add(".".join(parts) if parts else name.split(".")[0])
    found.discard(module)
    return found


@functools.cache
def brewbot_graph() -> Graph:
    """What each of brewbot's modules imports, read from the repository."""
    modules = our_modules()
    return {
        name: frozenset(
            imports_in(
                path.read_text(encoding="utf-8"), name, modules, package=path.stem == "__init__"
            )
        )
        for name, path in modules.items()
    }


def planted(graph: Graph, module: str, source: str) -> Graph:
    """The graph as if ``module`` (ours, new or not) also held ``source``'s imports."""
    grown = dict(graph)
    grown[module] = graph.get(module, frozenset()) | imports_in(source, module, [*graph, module])
    return grown


def chains(
    graph: Graph, starts: Iterable[str], bad: Callable[[str], bool], ignore: Iterable[Chain] = ()
) -> list[Chain]:
    """Find, for each of the ``starts``, the shortest chain of imports to a ``bad`` module
    (without the ``ignore`` imports), if there is one."""
    skipped = set(ignore)
    found: list[Chain] = []
    for start in sorted(starts):
        came_from: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            module = queue.popleft()
            hits = [n for n in sorted(graph.get(module, ())) if bad(n)]
            hit = next((n for n in hits if (module, n) not in skipped), None)
            if hit is not None:
                chain = [hit, module]
                while (before := came_from[chain[-1]]) is not None:
                    chain.append(before)
                found.append(tuple(reversed(chain)))
                break
            for step in sorted(graph.get(module, ())):
                if step in graph and step not in came_from and (module, step) not in skipped:
                    came_from[step] = module
                    queue.append(step)
    return found


def _reaches(module: str, packages: tuple[str, ...]) -> bool:
    return any(within(module, p) for p in packages)


def _stale(graph: Graph, ignore: Iterable[Chain]) -> list[Chain]:
    return [(a, b) for a, b in ignore if b not in graph.get(a, ())]


@dataclass(frozen=True)
class Forbidden:
    """import-linter's forbidden contract."""

    name: str
    source: tuple[str, ...]
    forbidden: tuple[str, ...]
    ignore: tuple[Chain, ...] = ()

    def broken(self, graph: Graph) -> list[Chain]:
        """Each chain that breaks the contract, and each ignored import that is gone."""
        starts = [m for m in graph if _reaches(m, self.source)]
        return [
            *chains(graph, starts, lambda m: _reaches(m, self.forbidden), self.ignore),
            *_stale(graph, self.ignore),
        ]


@dataclass(frozen=True)
class Layers:
    """import-linter's layers contract: ``layers`` from the top down."""

    name: str
    layers: tuple[tuple[str, ...], ...]
    ignore: tuple[Chain, ...] = ()

    def broken(self, graph: Graph) -> list[Chain]:
        """Each chain from a lower layer up to a higher one, and each ignored import gone."""
        found = [*_stale(graph, self.ignore)]
        for depth in range(1, len(self.layers)):
            mine = [m for m in graph if self.layer_of(m) == depth]
            found += chains(graph, mine, functools.partial(self.above, depth), self.ignore)
        return found

    def above(self, depth: int, module: str) -> bool:
        """Say whether ``module`` is in a layer higher than ``depth``."""
        return self.layer_of(module) < depth

    def layer_of(self, module: str) -> float:
        """The layer a module is in: the one with the longest name containing it (counted
        from the top); none is infinitely low."""
        named = [
            (len(p), d) for d, layer in enumerate(self.layers) for p in layer if within(module, p)
        ]
        return max(named)[1] if named else math.inf


CORE = "the core imports nothing of ours, nor telegram"
STORAGE = "storage imports at most the core's data types"
STANDIN = "the stand-in imports nothing of brewbot's"
BOT = "bot/ by what each part is: wiring, features, jobs, the rest"
RUNTIME = "the runtime imports no feature"
TG = "the Telegram helpers import no feature"
JOBS_ = "jobs import no feature's handlers"
PARTICIPANTS_ = "the participants' path imports no facilitators' module"
ABOVE_SHARED = WIRING + FEATURES + JOBS
CONTRACTS = (
    Forbidden(CORE, ("conversations",), ("storage", "bot", "standin", "telegram")),
    Forbidden(STORAGE, ("storage",), ("bot", "standin", "telegram")),
    Forbidden(STANDIN, ("standin",), ("bot", "conversations", "storage", "telegram")),
    Layers(BOT, (WIRING, FEATURES, JOBS, ("bot",))),
    Forbidden(RUNTIME, ("bot.runtime",), ABOVE_SHARED),
    Forbidden(TG, ("bot.tg",), ABOVE_SHARED),
    Forbidden(JOBS_, JOBS, FEATURES),
    Forbidden(PARTICIPANTS_, PARTICIPANTS, FACILITATORS),
)
BY_NAME = {c.name: c for c in CONTRACTS}


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_brewbot_keeps_the_contract(contract: Forbidden | Layers) -> None:
    broken = contract.broken(brewbot_graph())
    assert not broken, f"{contract.name}: " + "; ".join(" -> ".join(c) for c in broken)


# For each contract, bad imports planted in a real module (or a new one) that break it,
# directly or through another module.
PLANTS = {
    CORE: [
        ("conversations.model", "import storage.records"),
        ("conversations.engine", "from bot import tg"),
        ("conversations.engine", "import telegram"),
        ("conversations.summary", "from standin.markup import utf16_len"),
    ],
    STORAGE: [
        ("storage.store", "from bot.settings import Settings"),
        ("storage.store", "from telegram.ext import Application"),
        ("storage.planted", "from standin import StandIn"),
    ],
    STANDIN: [
        ("standin.server", "from conversations.messages import ENGLISH"),
        ("standin.state", "from bot.runtime.http import AiohttpRequest"),
        ("standin.records", "from telegram import Update"),
    ],
    BOT: [
        ("bot.jobs.nudges", "from bot.handlers import start"),
        ("bot.replies", "from bot.jobs.bulk import send_in_turn"),
        ("bot.handlers.start", "from bot.app import build_application"),
    ],
    RUNTIME: [
        ("bot.runtime.poller", "from bot.handlers.common import say"),
        ("bot.runtime.inbox", "from bot.facilitators.counts import answered"),
        ("bot.runtime.retry", "from bot.jobs import nudges"),
        ("bot.runtime.planted", "from bot.cli import main"),
    ],
    TG: [
        ("bot.tg", "from bot.facilitators.gate import for_facilitators"),
        ("bot.tg", "from .facilitators import picking"),
        ("bot.tg", "from bot.jobs.pacing import DEFAULT_AT"),
    ],
    JOBS_: [
        ("bot.jobs.broadcast", "from bot.facilitators.wesaid import wesaid"),
        ("bot.jobs.pacing", "from bot.keyed import suggester\nfrom bot.handlers.common import say"),
    ],
    PARTICIPANTS_: [
        ("bot.handlers.language", "from bot.facilitators.gate import is_admin"),
        ("bot.journey", "from bot.facilitators import counts"),  # every handler's way to advance
        ("bot.place", "from .facilitators import picking"),  # which handlers import
    ],
}


@pytest.mark.parametrize(
    ("name", "module", "source"), [(n, m, s) for n, plants in PLANTS.items() for m, s in plants]
)
def test_a_planted_import_breaks_the_contract(name: str, module: str, source: str) -> None:
    contract = BY_NAME[name]
    broken = contract.broken(planted(brewbot_graph(), module, source))
    assert broken, f"{name} let {module} import: {source}"
    assert any(module in chain for chain in broken)


def test_a_chain_through_another_module_breaks_the_contract() -> None:
    graph = planted(brewbot_graph(), "bot.speaking", "from bot.facilitators import gate")
    # bot.runtime.poller imports bot.services, which imports bot.speaking
    broken = BY_NAME[RUNTIME].broken(graph)
    assert ("bot.runtime.poller", "bot.services", "bot.speaking", "bot.facilitators.gate") in broken


def test_every_contract_has_a_planted_import_that_breaks_it() -> None:
    assert set(PLANTS) == set(BY_NAME)


def test_an_ignored_import_that_is_gone_breaks_the_contract() -> None:
    gone = ("bot.runtime.http", "bot.facilitators.brews")
    contract = Forbidden("made up", ("bot.runtime",), FEATURES, ignore=(gone,))
    assert contract.broken(brewbot_graph()) == [gone]


def test_the_ignored_import_lets_only_itself_pass() -> None:
    counts = ("bot.journey", "bot.facilitators.counts")
    jobs = Forbidden("made up", JOBS, FEATURES, ignore=(counts,))
    graph = planted(brewbot_graph(), "bot.journey", "from bot.facilitators import counts, gate")
    broken = jobs.broken(graph)
    assert ("bot.jobs.deliveries", "bot.journey", "bot.facilitators.gate") in broken
    assert not any("bot.facilitators.counts" in chain for chain in broken)


def test_the_reader_sees_every_kind_of_import() -> None:
    known = {"bot", "bot.tg", "bot.jobs", "bot.jobs.bulk", "bot.jobs.pacing", "bot.services"}
    source = """
from typing import TYPE_CHECKING
import telegram.ext
from bot import tg
from . import bulk
from ..services import Services
if TYPE_CHECKING:
    from bot.jobs.bulk import send_in_turn

def later():
    import yaml
"""
    assert imports_in(source, "bot.jobs.pacing", known) == {
        "typing",
        "telegram",
        "bot.tg",
        "bot.jobs.bulk",
        "bot.services",
        "yaml",
    }
    assert imports_in("from . import bulk", "bot.jobs", known, package=True) == {"bot.jobs.bulk"}


def test_the_layers_name_real_packages() -> None:
    graph = brewbot_graph()
    for contract in CONTRACTS:
        named = (
            contract.source + contract.forbidden
            if isinstance(contract, Forbidden)
            else [p for layer in contract.layers for p in layer]
        )
        missing = [p for p in named if p != "telegram" and not any(within(m, p) for m in graph)]
        assert not missing, f"{contract.name} names what is not there: {missing}"
