"""Small typed records packed into short strings, in aiogram's ``CallbackData`` shape.

A class names its prefix and declares its fields; packing and unpacking follow from them,
so no caller splits ``"a:b:c"`` strings by hand::

    class Ask(Packed, prefix="ask"):
        number: int

    Ask(3).pack() == "ask:3"
    Ask.unpack("ask:3") == Ask(3)

The fields are read from the annotations (each class is made a frozen dataclass). A field
may be an ``int``, a ``bool`` ("1" or "0"), a ``date`` (YYYY-MM-DD), a short word ``str``
(letters, digits, ``_`` and ``-``, up to 40) or an ``Enum`` whose values are such words;
the last fields may be ``X | None``, left off when None. Each value has exactly one packed
form, and unpacking refuses anything else with ``BadPacked``, saying why.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, ClassVar, Generic, Self, TypeVar, dataclass_transform

SEP = ":"
_PREFIX = re.compile(r"[a-z]{1,8}")
_WORD = re.compile(r"[A-Za-z0-9_-]{1,40}")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]{0,18})")


class BadPacked(ValueError):
    """A string that is not a packed record of the kind asked for, or a value that cannot be
    packed."""


@dataclasses.dataclass(frozen=True)
class _Field:
    """One declared field: its name, how it is written and read, and whether it may be None."""

    name: str
    write: Callable[[Any], str]
    read: Callable[[str], Any]
    optional: bool


@dataclass_transform(frozen_default=True)
class Packed:
    """A record with a prefix and typed fields, packed as ``prefix:field:field``.

    A subclass without a prefix is a family: it declares the fields its members share, and
    is never packed itself.
    """

    prefix: ClassVar[str | None] = None
    _fields: ClassVar[tuple[_Field, ...]] = ()

    def __init_subclass__(cls, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True)(cls)
        if prefix is not None and not _PREFIX.fullmatch(prefix):
            raise TypeError(f"{cls.__name__}: a prefix is 1 to 8 small letters, not {prefix!r}")
        cls.prefix = prefix
        cls._fields = _declared(cls)

    def pack(self) -> str:
        """Return the record as ``prefix:field:field`` (a None at the end is left off)."""
        if self.prefix is None:
            raise BadPacked(f"{type(self).__name__} is a family, not a kind that packs")
        values = [getattr(self, f.name) for f in self._fields]
        while values and values[-1] is None and self._fields[len(values) - 1].optional:
            values.pop()
        parts = [self.prefix]
        for field, value in zip(self._fields, values, strict=False):
            if value is None:
                raise BadPacked(f"{type(self).__name__}.{field.name} may not be None here")
            parts.append(field.write(value))
        return SEP.join(parts)

    @classmethod
    def unpack(cls, text: str) -> Self:
        """Return the record packed in ``text``, or raise BadPacked saying what is wrong."""
        head, *parts = text.split(SEP)
        if cls.prefix is None or head != cls.prefix:
            raise BadPacked(f"{text[:80]!r} is not a {cls.__name__}")
        required = sum(not f.optional for f in cls._fields)
        if not required <= len(parts) <= len(cls._fields):
            raise BadPacked(
                f"{text[:80]!r}: a {cls.__name__} has {required} to {len(cls._fields)} fields"
            )
        values: dict[str, Any] = {f.name: None for f in cls._fields}
        for field, part in zip(cls._fields, parts, strict=False):
            try:
                values[field.name] = field.read(part)
            except ValueError:
                raise BadPacked(f"{text[:80]!r}: {part[:40]!r} is not its {field.name}") from None
        return cls(**values)


P = TypeVar("P", bound=Packed)


class OneOf(Generic[P]):
    """Several kinds of record told apart by their prefixes."""

    def __init__(self, *kinds: type[P]) -> None:
        self._kinds: dict[str, type[P]] = {}
        for kind in kinds:
            if kind.prefix is None or kind.prefix in self._kinds:
                raise TypeError(f"{kind.__name__} needs a prefix of its own, not {kind.prefix!r}")
            self._kinds[kind.prefix] = kind

    def unpack(self, text: str) -> P:
        """Return the record packed in ``text``, of whichever kind its prefix names."""
        kind = self._kinds.get(text.partition(SEP)[0])
        if kind is None:
            raise BadPacked(f"{text[:80]!r} names none of {', '.join(self._kinds)}")
        return kind.unpack(text)


def _declared(cls: type[Packed]) -> tuple[_Field, ...]:
    """Read a record's fields from its annotations, refusing types it cannot pack."""
    hints = typing.get_type_hints(cls)
    found: list[_Field] = []
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        kind, optional = _unwrap(hints[field.name])
        if found and found[-1].optional and not optional:
            raise TypeError(f"{cls.__name__}.{field.name}: only the last fields may be None")
        write, read = _codec(cls, field.name, kind)
        found.append(_Field(field.name, write, read, optional))
    return tuple(found)


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """Return ``X`` and True for ``X | None``, or the hint and False."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0], True
    return hint, False


def _codec(cls: type, name: str, kind: Any) -> tuple[Callable[[Any], str], Callable[[str], Any]]:
    """Return how a field of this type is written and read."""
    if kind is bool:
        return _write_flag, _read_flag
    if kind is int:
        return _write_number, _read_number
    if kind is str:
        return _write_word, _read_word
    if kind is date:
        return _write_day, _read_day
    if isinstance(kind, type) and issubclass(kind, Enum):
        return _enum_codec(kind)
    raise TypeError(f"{cls.__name__}.{name}: cannot pack a {kind!r}")


def _enum_codec(kind: type[Enum]) -> tuple[Callable[[Any], str], Callable[[str], Any]]:
    """Write an Enum member as its value, and read it back from there."""
    for member in kind:
        _write_word(member.value)

    def write(member: object) -> str:
        if not isinstance(member, kind):
            raise BadPacked(f"{member!r} is not a {kind.__name__}")
        return _write_word(member.value)

    return write, kind


def _write_flag(value: bool) -> str:
    if not isinstance(value, bool):
        raise BadPacked(f"{value!r} is not True or False")
    return "1" if value else "0"


def _read_flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(text)
    return text == "1"


def _write_number(value: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not _NUMBER.fullmatch(str(value)):
        raise BadPacked(f"{value!r} is not a whole number that packs")
    return str(value)


def _read_number(text: str) -> int:
    if not _NUMBER.fullmatch(text):
        raise ValueError(text)
    return int(text)


def _write_word(value: object) -> str:
    if not isinstance(value, str) or not _WORD.fullmatch(value):
        raise BadPacked(f"cannot pack {value!r}: only letters, digits, _ and -, up to 40")
    return value


def _read_word(text: str) -> str:
    if not _WORD.fullmatch(text):
        raise ValueError(text)
    return text


def _write_day(value: date) -> str:
    if type(value) is not date:  # a datetime is a date too, but packs its time
        raise BadPacked(f"{value!r} is not a date")
    return value.isoformat()


def _read_day(text: str) -> date:
    day = date.fromisoformat(text)
    if day.isoformat() != text:  # one form only: 2026-11-24, not 20261124
        raise ValueError(text)
    return day
