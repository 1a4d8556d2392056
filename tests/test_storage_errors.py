"""Named storage errors, each one readable line, for what really goes wrong with files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from storage import (
    CannotOpen,
    Corrupt,
    DiskFull,
    Locked,
    Rejected,
    StorageError,
    Store,
    TooNew,
)
from storage.errors import translate
from tests.storage_support import step


def _one_line(error: BaseException) -> str:
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message
    return message


async def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "brewbot.db"
    with pytest.raises(CannotOpen) as caught:
        await Store.open(path)
    assert "does not exist" in _one_line(caught.value)
    assert not path.parent.exists()


async def test_a_folder_in_place_of_the_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CannotOpen) as caught:
        await Store.open(tmp_path)
    assert "folder" in _one_line(caught.value)


async def test_a_file_in_place_of_the_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(CannotOpen) as caught:
        await Store.open(blocker / "brewbot.db")
    assert "not a folder" in _one_line(caught.value)


async def test_garbage_bytes_are_called_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(Corrupt) as caught:
        await Store.open(path)
    assert str(path) in _one_line(caught.value)
    assert path.read_bytes() == bytes(range(256)) * 64  # left as it was, for a person to look at


async def test_a_newer_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    async with await Store.open(path):
        pass
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO migrations VALUES (999, 'later', '2030-01-01T00:00:00+00:00')")
    db.close()
    with pytest.raises(TooNew) as caught:
        await Store.open(path)
    assert "upgrade" in _one_line(caught.value)


@pytest.fixture
def blocker(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another program holding the write lock on tmp_path/brewbot.db."""
    other = sqlite3.connect(tmp_path / "brewbot.db", isolation_level=None)
    yield other
    other.close()


async def test_a_write_lock_held_elsewhere_is_named_and_then_clears(
    tmp_path: Path, blocker: sqlite3.Connection
) -> None:
    path = tmp_path / "brewbot.db"
    async with await Store.open(path, busy_timeout=0.05) as store:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(Locked) as caught:
            await store.join(5)
        assert "busy" in _one_line(caught.value)
        blocker.execute("ROLLBACK")
        assert (await store.join(5)).chat_id == 5  # the failed write left nothing half done


async def test_opening_while_locked_is_named(tmp_path: Path, blocker: sqlite3.Connection) -> None:
    blocker.execute("BEGIN IMMEDIATE")
    with pytest.raises(Locked):
        await Store.open(tmp_path / "brewbot.db", busy_timeout=0.05)
    blocker.execute("ROLLBACK")


def test_a_full_database_is_called_disk_full(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "small.db")
    db.execute("CREATE TABLE t (x TEXT)")
    db.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.Error) as caught:
        for _ in range(100):
            db.execute("INSERT INTO t VALUES (?)", ("x" * 2000,))
    db.close()
    error = translate(caught.value, "small.db")
    assert isinstance(error, DiskFull)
    assert "full" in _one_line(error)


def test_sqlite_errors_map_to_named_ones(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all " * 100)
    with pytest.raises(sqlite3.DatabaseError) as not_db:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master")
    assert isinstance(translate(not_db.value, "g"), Corrupt)
    with pytest.raises(sqlite3.OperationalError) as cannot:
        sqlite3.connect(tmp_path / "missing" / "x.db")
    assert isinstance(translate(cannot.value, "m"), CannotOpen)
    odd = translate(sqlite3.OperationalError("first line\nsecond line"), "w")
    assert type(odd) is StorageError
    assert _one_line(odd).endswith("(first line second line).")


async def test_a_step_for_an_unknown_person_is_rejected(database: str) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=None)
        with pytest.raises(Rejected) as caught:
            await store.record_step(
                participant_id="0" * 32, brew_id=brew.id, outcome=step(), update_id=7
            )
        assert "foreign key" in _one_line(caught.value).lower()
        assert await store.mark_handled(7)  # the refused step kept nothing, not even its id


async def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "brewbot.db")
    await store.close()
    await store.close()
    with pytest.raises(StorageError, match="closed"):
        await store.join(1)


# ------------------------------------------------------------- PostgreSQL


async def test_an_unreachable_server_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://brewbot:hunter2@/nowhere?host={tmp_path}"
    with pytest.raises(CannotOpen) as caught:
        await Store.open(url, busy_timeout=1)
    message = _one_line(caught.value)
    assert message.startswith("Cannot open or reach the database postgresql://")
    assert "hunter2" not in message


async def test_a_missing_database_is_named(postgres_database: str) -> None:
    url = postgres_database.replace("/brewbot_", "/missing_", 1)
    with pytest.raises(CannotOpen, match="does not exist"):
        await Store.open(url)


async def test_a_table_locked_elsewhere_is_named_and_then_clears(postgres_database: str) -> None:
    async with await Store.open(postgres_database, busy_timeout=0.05) as store:
        other = await asyncpg.connect(postgres_database)
        try:
            async with other.transaction():
                await other.execute("LOCK TABLE participants IN ACCESS EXCLUSIVE MODE")
                with pytest.raises(Locked) as caught:
                    await store.join(1)
                assert "busy" in _one_line(caught.value)
        finally:
            await other.close()
        assert (await store.join(1)).chat_id == 1


async def test_a_refused_value_is_one_line_on_postgresql(postgres_database: str) -> None:
    async with await Store.open(postgres_database) as store:
        with pytest.raises(Rejected) as caught:
            await store.set_group_settings(-5, {"a": 1})
            await store._write(
                lambda db: db.run("UPDATE groups SET settings = ? WHERE chat_id = -5", ("{not",))
            )
        assert "refused a value" in _one_line(caught.value)
