"""Looking after a database from outside the bot: its status, upgrades and backups.

Each opens its own connection (never migrating behind the caller's back, except ``upgrade``),
so it is safe while brewbot runs.
"""

from __future__ import annotations

import asyncio
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from storage.backend import Connection, connect, is_postgresql
from storage.errors import CannotOpen, StorageError
from storage.migrations import MIGRATIONS, applied, migrate, pending
from storage.postgres import without_password
from storage.sql import fetch_all, fetch_one
from storage.sqlite import SqliteConnection


@dataclass(frozen=True)
class Status:
    """Where a database stands: its backend, schema, what is still to apply, and table sizes."""

    where: str
    dialect: str
    version: int
    pending: list[tuple[int, str]]
    counts: dict[str, int]


async def status(target: str | Path) -> Status:
    """Read a database's schema version, pending migrations and row counts, changing nothing."""
    db = await connect(target, busy_timeout=5.0)
    try:
        tables = sorted(await db.tables())
        done = await applied(db) if "migrations" in tables else []
        todo = set(await pending(db))
        counts: dict[str, int] = {}
        for table in tables:  # names come from the database's own catalogue
            row = await fetch_one(db, f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = int(row[0]) if row is not None else 0
        return Status(
            where=db.where,
            dialect=db.dialect,
            version=max(done, default=0),
            pending=[(n, d) for n, d, _ in MIGRATIONS if n in todo],
            counts=counts,
        )
    finally:
        await db.close()


async def upgrade(target: str | Path) -> list[int]:
    """Apply every pending migration; return the numbers applied (none: already current)."""
    db = await connect(target, busy_timeout=5.0)
    try:
        return await migrate(db, db.where)
    finally:
        await db.close()


def pg_dump_command(url: str, file: Path) -> list[str]:
    """The pg_dump command that copies a PostgreSQL database consistently to ``file``."""
    return ["pg_dump", "--format=custom", f"--file={file}", f"--dbname={url}"]


async def backup(target: str | Path, file: Path) -> list[str] | None:
    """Copy the database consistently to ``file`` while it stays in use.

    SQLite: the online backup API, page by page from one consistent state. PostgreSQL: runs
    pg_dump when it is on PATH, and returns the command it ran; without pg_dump it returns the
    command for the caller to run elsewhere, having copied nothing.
    """
    if await asyncio.to_thread(file.exists):
        raise StorageError(f"{file} already exists; choose a new file for the backup.")
    if is_postgresql(target):
        shown = pg_dump_command(without_password(str(target)), file)
        found = shutil.which("pg_dump")
        if found is None:
            return shown
        command = pg_dump_command(str(target), file)
        process = await asyncio.create_subprocess_exec(
            found, *command[1:], stderr=asyncio.subprocess.PIPE
        )
        _, said = await process.communicate()
        if process.returncode != 0:
            detail = " ".join(said.decode(errors="replace").split())
            raise StorageError(
                f"pg_dump could not copy the database ({detail}). With PostgreSQL's client"
                f" tools as new as the server, run: {shlex.join(shown)}"
            )
        return shown
    if not await asyncio.to_thread(Path(target).is_file):
        raise CannotOpen(f"There is no database file {target} to back up.")
    db = await SqliteConnection.connect(target, busy_timeout=5.0)
    try:
        await db.backup(file)
    finally:
        await db.close()
    return None


# Tables in an order that keeps every foreign key satisfied as rows arrive; any table not
# named here (a newer migration's) follows, by name. Leases, the bot's sends of the last
# second and Telegram's waits for a chat belong to the moment and the running workers.
COPY_ORDER = (
    "groups",  # its codebook_id is checked at commit, after the codebooks below
    "codebooks",
    "brews",
    "participants",
    "progress",
    "answers",
    "handled_updates",
    "wesaid",
    "outbox",
    "plan_items",
    "posts",
    "imports",
    "inbox",
    "ideas",
    "time_given",
    "summary_approvals",
    "idea_polls",
    "idea_poll_queue",
    "idea_poll_ballots",
)
NOT_COPIED = frozenset({"migrations", "job_leases", "chat_leases", "send_slots", "chat_holds"})


async def copy_records(source: str | Path, target: str | Path) -> dict[str, int]:
    """Copy every record from an SQLite file into a new, empty database (PostgreSQL, say),
    in one transaction; return how many rows each table brought. Stop brewbot first."""
    if is_postgresql(source):
        raise StorageError("Copying works from an SQLite file; give its path as the source.")
    if not await asyncio.to_thread(Path(source).is_file):
        raise CannotOpen(f"There is no database file {source} to copy from.")
    src = await SqliteConnection.connect(source, busy_timeout=5.0)
    try:
        if await pending(src):
            raise StorageError(f"{src.where} is not up to date: run brewbot db migrate on it.")
        await upgrade(target)
        dest = await connect(target, busy_timeout=5.0)
        try:
            return await _copy_all(src, dest)
        finally:
            await dest.close()
    finally:
        await src.close()


async def _copy_all(src: SqliteConnection, dest: Connection) -> dict[str, int]:
    """Copy table by table inside one write on ``dest``, which must hold no records yet."""
    have = await src.tables()
    tables = [t for t in COPY_ORDER if t in have]
    tables += sorted(have - set(tables) - NOT_COPIED)
    copied: dict[str, int] = {}
    try:
        await dest.begin("write")
        for table in tables:  # names from the file's own catalogue and our list, quoted
            row = await fetch_one(dest, f'SELECT COUNT(*) FROM "{table}"')
            if row is not None and int(row[0]):
                raise StorageError(f"{dest.where} already holds {table}; copy into an empty one.")
            names = [str(c[1]) for c in await src.fetch_all(f'PRAGMA table_info("{table}")')]
            columns = ", ".join(f'"{name}"' for name in names)
            found = await src.fetch_all(f'SELECT {columns} FROM "{table}"')
            marks = ", ".join("?" for _ in names)
            insert = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'
            await dest.run_many(insert, [tuple(r[i] for i in range(len(names))) for r in found])
            copied[table] = len(found)
        if dest.dialect == "postgresql":
            await _restart_identities(dest)
        await dest.commit()
    except BaseException:
        await dest.rollback()
        raise
    return copied


async def _restart_identities(dest: Connection) -> None:
    """Let PostgreSQL's own ids carry on after the largest copied one."""
    found = await fetch_all(
        dest,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    for table, column in ((str(r[0]), str(r[1])) for r in found):
        await fetch_one(
            dest,
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'),"
            f' COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"',
        )
