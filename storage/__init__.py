"""What is kept: aiosqlite, plain parameterised SQL, numbered migrations."""

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
