"""Shared pytest fixtures: paths, and a running Bot API stand-in checked against the spec."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from hypothesis import settings

from standin import API_JSON, StandIn
from tests.markers import mark_by_fixtures, refuse_unmarked_e2e
from tests.pg_cluster import Cluster, ClusterError
from tests.running import Running
from tests.storage_support import Clock

# Speed belongs in bench/: no per-example deadline, so a busy CI machine can't fail a property.
settings.register_profile("brewbot", deadline=None)
settings.load_profile("brewbot")

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_SPEED = 30.0  # pacing and the stand-in's flood limits, scaled together
# The whole bot's sends and edits in any one real second, as Telegram counts them: never
# scaled, so brewbot's pacing is held to the real thing in every end-to-end test. Telegram's
# 30 is for bulk (tdlib/td#1834): a send to a chat that has not written lately is refused
# past it; a reply to one that has is counted in the second, never refused.
OVERALL_PER_SECOND = 30
# python-telegram-bot's opt-in to timedelta retry_after, as brewbot's CLI sets it too.
os.environ.setdefault("PTB_TIMEDELTA", "1")


_DATABASES = itertools.count(1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark e2e and PostgreSQL tests from their fixtures (tests/markers.py)."""
    for item in items:
        mark_by_fixtures(item)


@pytest.fixture(autouse=True)
def _e2e_only_if_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test not marked e2e cannot start the stand-in or the Application."""
    refuse_unmarked_e2e(request.node, monkeypatch)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for the whole run, removed at the end.

    Never skipped: a machine that cannot start one fails the PostgreSQL tests, saying why.
    """
    try:
        cluster = Cluster.start()
    except ClusterError as error:
        pytest.fail(f"Cannot start PostgreSQL for the storage tests: {error}", pytrace=False)
    try:
        yield cluster
    finally:
        cluster.remove()


async def fresh_database(cluster: Cluster) -> str:
    """Make an empty database on the test server and return its URL."""
    name = f"brewbot_{os.getpid()}_{next(_DATABASES)}"
    admin = await asyncpg.connect(cluster.url())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return cluster.url(name)


async def drop_database(cluster: Cluster, url: str) -> None:
    """Drop a test's database (and any connection a test left open), keeping the disk small."""
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = await asyncpg.connect(cluster.url())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Where a store keeps its records: a fresh SQLite file, then a fresh PostgreSQL database
    (each storage test that takes this runs on both backends)."""
    if request.param == "sqlite":
        yield str(tmp_path / "brewbot.db")
        return
    cluster = request.getfixturevalue("postgres")
    url = await fresh_database(cluster)
    yield url
    await drop_database(cluster, url)


@pytest.fixture
async def postgres_database(postgres: Cluster) -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database, for tests of PostgreSQL alone."""
    url = await fresh_database(postgres)
    yield url
    await drop_database(postgres, url)


@pytest.fixture
def leases() -> Clock:
    """The wall clock that leases shared by workers read, moved by hand: give it to every
    worker's store (``Store.open(..., lease_clock=leases)``, ``Running(..., lease_clock=...)``)
    and a lease runs out exactly when the test moves it on, however busy the machine."""
    return Clock()


@pytest.fixture
def repo_root() -> Path:
    """The repository's root folder."""
    return REPO_ROOT


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A started Bot API stand-in on 127.0.0.1 that checks every call against api.json (the
    spec kept beside it, standin/telegram-bot-api-spec/).

    Its flood limits for one chat run 30 times Telegram's speed, as brewbot's pacing does in
    tests (tests/running.py), so the suite keeps the rule without waiting through real
    seconds; the whole bot's 30 in any one second is Telegram's own.
    """
    async with StandIn(spec_path=API_JSON, speed=TEST_SPEED) as server:
        server.limit_overall(OVERALL_PER_SECOND, server.is_bulk)
        yield server


@pytest.fixture
async def brewbot(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    """brewbot itself, running against the stand-in with a fresh SQLite file."""
    running = Running(standin, tmp_path / "brewbot.db")
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
