"""A context variable set for one block of code (one task's job, one person's reply)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")


@contextlib.contextmanager
def scoped(variable: ContextVar[T], value: T) -> Iterator[None]:
    """Give ``variable`` this ``value`` inside the block, then what it was before."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)
