"""Which tests are quick: markers set from the fixtures a test uses, so a new test is marked
without anyone remembering to, and `make test-fast` can leave the slow kinds out.

- ``e2e``: talks to the Bot API stand-in (the ``standin`` fixture, hence ``brewbot`` and every
  harness built on it), almost always with brewbot's real Application running against it;
- ``postgres``: needs the throwaway PostgreSQL server (the ``postgres`` fixture, or any
  fixture parametrised on ``"postgresql"``, like ``database``);
- ``subprocess``: starts brewbot, a writer or a bench as another process (marked by hand,
  in the test file: fixtures cannot tell);
- ``slow``: anything else that takes more than a few seconds (marked by hand).

A test that starts the stand-in or the Application without being ``e2e`` fails, saying so
(``refuse_unmarked_e2e``): the fast subset never starts either.
"""

from __future__ import annotations

import pytest
from telegram.ext import Application

from standin import StandIn

E2E, POSTGRES = "e2e", "postgres"


def mark_by_fixtures(item: pytest.Item) -> None:
    """Add ``e2e`` and ``postgres`` to a test from the fixtures it uses."""
    fixtures = set(getattr(item, "fixturenames", ()))
    if "standin" in fixtures:
        item.add_marker(E2E)
    callspec = getattr(item, "callspec", None)
    params = callspec.params.values() if callspec is not None else ()
    if "postgres" in fixtures or "postgresql" in params:
        item.add_marker(POSTGRES)


def refuse_unmarked_e2e(item: pytest.Item, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make starting the stand-in or the Application fail a test that is not marked ``e2e``."""
    if item.get_closest_marker(E2E) is not None:
        return

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(
            f"{item.nodeid} starts the Bot API stand-in or brewbot's Application:"
            " mark it pytest.mark.e2e (tests/markers.py)",
            pytrace=False,
        )

    monkeypatch.setattr(StandIn, "start", refuse)
    monkeypatch.setattr(Application, "initialize", refuse)
