"""What is kept: plain parameterised SQL on SQLite (aiosqlite) or PostgreSQL (asyncpg),
numbered migrations."""

from __future__ import annotations

from storage.errors import (
    CannotOpen,
    Corrupt,
    DiskFull,
    Locked,
    NotFound,
    Rejected,
    StorageError,
    TooNew,
)
from storage.store import Store

__all__ = [
    "CannotOpen",
    "Corrupt",
    "DiskFull",
    "Locked",
    "NotFound",
    "Rejected",
    "StorageError",
    "Store",
    "TooNew",
]
