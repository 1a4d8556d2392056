"""Named storage errors, each one readable line, and the mapping from sqlite3's."""

from __future__ import annotations

import sqlite3

# Primary SQLite result codes (the low byte of an extended code).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_CONSTRAINT = 19
_SQLITE_NOTADB = 26


class StorageError(Exception):
    """Something went wrong keeping or reading records. The message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class CannotOpen(StorageError):
    """The database file cannot be opened or written (missing folder, read-only, not a file)."""


class Locked(StorageError):
    """Another program held the database for longer than we were willing to wait."""


class DiskFull(StorageError):
    """The disk (or the database's size limit) is full."""


class Corrupt(StorageError):
    """The file is damaged or is not an SQLite database."""


class TooNew(StorageError):
    """The file was written by a newer brewbot than this one."""


class NotFound(StorageError):
    """A record asked for by id does not exist."""


class StaleProgress(StorageError):
    """A person's place changed after it was read (another worker kept a step): read it
    again and decide the step again."""


class Rejected(StorageError):
    """The database refused a value (a constraint such as a positive group chat id)."""


def translate(error: sqlite3.Error, where: str) -> StorageError:
    """Turn a sqlite3 error into the named storage error it means."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    detail = str(error) or type(error).__name__
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in detail:
        return Locked(f"The database {where} is busy in another program; try again soon.")
    if primary == _SQLITE_FULL or "disk is full" in detail:
        return DiskFull(f"The disk is full, so nothing more can be kept in {where}.")
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "not a database" in detail:
        return Corrupt(f"The file {where} is damaged or is not a brewbot database ({detail}).")
    if primary in (_SQLITE_CANTOPEN, _SQLITE_READONLY) or "unable to open" in detail:
        return CannotOpen(f"Cannot open or write the database {where} ({detail}).")
    if primary == _SQLITE_CONSTRAINT or isinstance(error, sqlite3.IntegrityError):
        return Rejected(f"The database {where} refused a value ({detail}).")
    if primary == _SQLITE_IOERR:
        return StorageError(f"The disk could not read or write {where} ({detail}).")
    return StorageError(f"The database {where} failed ({detail}).")
