"""Take names, numbers and addresses out of someone's words before anyone else reads them.

Consent to be quoted is not consent to name others or to be found. Everywhere an answer
leaves the person's own chat (summaries, digests, exports, polls, themes, /review) its
words pass through :func:`redact`, which puts a plain marker such as "[name]" or
"[phone number]" where an identifier was. The stored answer stays as written.

What is found, in this order (a later kind never cuts into an earlier one):

* emails, web addresses and @usernames;
* NHS numbers (10 digits whose check digit is right) and National Insurance numbers;
* full postcodes ("NR3 1AB", "nr31ab"); an outward code alone ("NR3") is a district, kept;
* dates of birth: any date after "born", "DOB", "date of birth" or "birthday", and any
  full date (day, month and year) from before 2012, which in these answers is a birthday;
* UK phone numbers, by the ``phonenumbers`` library (region GB, any number that could be
  one, so typos and the made-up numbers of TV dramas count too), then any other run of 8
  or more digits;
* street addresses: a house or flat number and a street ("14 mill lane", "Flat 3"), or a
  capitalised street name ("Station Road");
* people's names, by :mod:`conversations.name_finder`.

Words that are not identifiers stay: "Age UK", "Mind", months and days, towns, "my mum",
"the GP". Pure: no I/O beyond reading the shipped lists once.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import phonenumbers

from conversations.messages import Messages, load_messages, shipped_catalogue
from conversations.name_finder import find_names, word_set


class Kind(enum.StrEnum):
    """A kind of identifier, and the key of its marker in the message files."""

    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    POSTCODE = "postcode"
    ADDRESS = "address"
    NHS = "nhs"
    NI = "ni"
    BIRTH = "birth"
    NUMBER = "number"


@dataclass(frozen=True)
class Found:
    """One identifier: where it is in the text, and what kind it is."""

    start: int
    end: int
    kind: Kind


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_WEB = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"]+"
    r"|\b[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:co\.uk|org\.uk|gov\.uk|nhs\.uk|ac\.uk|com|org|net"
    r"|uk|io|info)\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{3,}")
_NHS = re.compile(r"(?<![\d-])([1-9]\d{2})[ \-]?(\d{3})[ \-]?(\d{4})(?![\d-])")
_NI = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-Z]{2}"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKMNP-Y\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
)
_ORDINAL = re.compile(r"^\d(?:st|nd|rd|th)$", re.IGNORECASE)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_FULL_DATE = (
    rf"(?:{_DAY}\s*(?:of\s+)?{_MONTH}\.?,?\s*(?P<y1>{_YEAR}|'?\d{{2}})"
    rf"|{_MONTH}\.?\s+{_DAY},?\s*(?P<y2>{_YEAR})"
    rf"|{_DAY}[/.\-](?:0?[1-9]|1[0-2])[/.\-](?P<y3>{_YEAR}|\d{{2}}))"
)
_DATE = re.compile(rf"\b{_FULL_DATE}\b", re.IGNORECASE)
_BIRTH = re.compile(
    rf"\b(?:born|d\.?o\.?b\.?|date\s+of\s+birth|birthday|b'?day)\b[\s:,\-]*"
    rf"(?:(?:is|was|on|in|the|of|:)\s+){{0,3}}"
    rf"(?P<when>{_FULL_DATE}|{_DAY}\s*(?:of\s+)?{_MONTH}\b|{_MONTH}\s+{_YEAR}"
    rf"|{_MONTH}\s+{_DAY}\b)",
    re.IGNORECASE,
)
_OLDEST_NOT_BIRTH = 2012  # a full date before this year is taken as a date of birth
_DIGITS = re.compile(r"\d")
_LONG_NUMBER = re.compile(r"(?<![\w£$])\+?\d(?:[ \-]?\d){7,}(?!\w)")
_STREET_WORDS = (
    r"road|rd|street|st|lane|ln|avenue|ave|close|drive|crescent|cres|gardens|gdns|grove"
    r"|terrace|mews|way|court|ct|place|walk|rise|row|square|sq|hill|park|parade|green|view"
    r"|vale|chase|croft|meadows?|fields?|end|yard|wharf|lodge|house|cottages?|estate|villas?"
)
_STREET_ALWAYS = r"road|rd|street|lane|avenue|ave|crescent|gardens|grove|terrace|mews|close"
_NUMBERED = re.compile(
    rf"\b(?:(?:flat|apartment|apt|unit)\s*\d+[a-z]?\b,?\s*)?\d{{1,4}}[a-z]?,?\s+"
    rf"(?:(?P<words>[A-Za-z][A-Za-z'’\-]*(?:\s+[A-Za-z][A-Za-z'’\-]*){{0,2}})\s+)"
    rf"(?P<street>{_STREET_WORDS})\b\.?",
    re.IGNORECASE,
)
_FLAT = re.compile(r"\b(?:flat|fflat|apartment|apt)\s*\d+[a-z]?\b", re.IGNORECASE)
# Welsh streets put the street word first: "14 Heol y Frenhines", "Lôn Goch", "Ffordd yr Orsaf".
_WELSH_STREET_WORDS = r"heol|ffordd|stryd|l[oô]n|rhodfa|cilgant|teras|clos|cwrt|sgw[aâ]r"
_WELSH_NAME = r"[A-ZÂÊÎÔÛŴŶ][\w'’\-]+"
_WELSH_NUMBERED = re.compile(
    rf"\b\d{{1,4}}[a-z]?,?\s+(?:{_WELSH_STREET_WORDS})\s+(?:(?:y|yr)\s+)?[\w'’\-]+"
    rf"(?:\s+{_WELSH_NAME})?",
    re.IGNORECASE,
)
_WELSH_NAMED_STREET = re.compile(
    rf"\b(?:Heol|Ffordd|Stryd|L[oô]n|Rhodfa|Cilgant|Teras|Clos)\s+(?:(?:y|yr)\s+)?"
    rf"{_WELSH_NAME}(?:\s+{_WELSH_NAME})?"
)
# Streets every Welsh town has ("High Street", "Church Road"): no one is found by them.
_GENERIC_WELSH_STREETS = frozenset({"stryd fawr", "heol fawr", "y stryd fawr", "heol yr eglwys"})
_NAMED_STREET = re.compile(
    rf"\b(?:[A-Z][a-z'’]+\s+){{1,2}}(?:{_STREET_ALWAYS.title()}|Way|Court|Drive|Close)\b"
)
_NOT_STREET = word_set(
    """
    a an the in on at of to for and or my our his her their its with from by this that
    every per hours hour days day weeks week times minutes mins people years months miles
    more less about nearly over under only just
    """
)
_GENERIC_STREETS = frozenset({"high street", "main road", "the high street", "high st"})


def _nhs_ok(digits: str) -> bool:
    """Check an NHS number's mod-11 check digit."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _birth_year(match: re.Match[str]) -> int | None:
    """Return the four-figure year of a full date, or None (two figures: 19xx or 20xx)."""
    text = match.group("y1") or match.group("y2") or match.group("y3")
    if not text:
        return None
    text = text.lstrip("'")
    if len(text) == 2:
        return 2000 + int(text) if int(text) <= 30 else 1900 + int(text)
    return int(text)


def _emails(text: str) -> Iterator[Found]:
    for m in _EMAIL.finditer(text):
        yield Found(m.start(), m.end(), Kind.EMAIL)
    for m in _WEB.finditer(text):
        end = m.end() - len(m.group()) + len(m.group().rstrip(".,;:!?)'\""))
        yield Found(m.start(), end, Kind.WEB)
    for m in _HANDLE.finditer(text):
        yield Found(m.start(), m.end(), Kind.NAME)


def _official_numbers(text: str) -> Iterator[Found]:
    for m in _NHS.finditer(text):
        if _nhs_ok("".join(m.groups())):
            yield Found(m.start(), m.end(), Kind.NHS)
    for m in _NI.finditer(text):
        yield Found(m.start(), m.end(), Kind.NI)
    for m in _POSTCODE.finditer(text):
        inward = m.group()[-3:]
        if not _ORDINAL.match(inward) and any(c.isdigit() for c in m.group()[:-3]):
            yield Found(m.start(), m.end(), Kind.POSTCODE)


def _births(text: str) -> Iterator[Found]:
    for m in _BIRTH.finditer(text):
        yield Found(m.start("when"), m.end("when"), Kind.BIRTH)
    for m in _DATE.finditer(text):
        year = _birth_year(m)
        if year is not None and 1900 <= year < _OLDEST_NOT_BIRTH:
            yield Found(m.start(), m.end(), Kind.BIRTH)


def _phones(text: str) -> Iterator[Found]:
    if len(_DIGITS.findall(text)) < 9:
        return
    for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        if len(_DIGITS.findall(m.raw_string)) >= 10:
            yield Found(m.start, m.end, Kind.PHONE)
    for long in _LONG_NUMBER.finditer(text):
        yield Found(long.start(), long.end(), Kind.NUMBER)


def _addresses(text: str) -> Iterator[Found]:
    for m in _NUMBERED.finditer(text):
        words = m.group("words").lower().split()
        if any(w in _NOT_STREET for w in words):
            continue
        street = m.group("street")
        always = re.fullmatch(_STREET_ALWAYS, street, re.IGNORECASE)
        if not always and not (street[0].isupper() and m.group("words")[0].isupper()):
            continue
        yield Found(m.start(), m.end(), Kind.ADDRESS)
    for m in _FLAT.finditer(text):
        yield Found(m.start(), m.end(), Kind.ADDRESS)
    for m in _NAMED_STREET.finditer(text):
        if m.group().lower() not in _GENERIC_STREETS and m.group().split()[0].lower() not in {
            "the",
            "a",
            "my",
            "our",
        }:
            yield Found(m.start(), m.end(), Kind.ADDRESS)
    yield from _welsh_addresses(text)


def _welsh_addresses(text: str) -> Iterator[Found]:
    """Find a Welsh street: a number and a street word, or a street word and its name."""
    for m in _WELSH_NUMBERED.finditer(text):
        yield Found(m.start(), m.end(), Kind.ADDRESS)
    for m in _WELSH_NAMED_STREET.finditer(text):
        if m.group().lower() not in _GENERIC_WELSH_STREETS:
            yield Found(m.start(), m.end(), Kind.ADDRESS)


def _names(text: str) -> Iterator[Found]:
    for start, end in find_names(text):
        yield Found(start, end, Kind.NAME)


_FINDERS = (_emails, _official_numbers, _births, _phones, _addresses, _names)


def find_identifiers(text: str) -> tuple[Found, ...]:
    """Return every identifier in ``text``, in order, none overlapping another."""
    taken: list[Found] = []
    for finder in _FINDERS:
        for found in finder(text):
            touching = [t for t in taken if found.start < t.end and t.start < found.end]
            if found.end <= found.start:
                continue
            if not touching:
                taken.append(found)
            elif all(t.kind is found.kind for t in touching):  # "Flat 22" and "22, Brook Court"
                for t in touching:
                    taken.remove(t)
                start = min(found.start, *(t.start for t in touching))
                end = max(found.end, *(t.end for t in touching))
                taken.append(Found(start, end, found.kind))
    return tuple(sorted(taken, key=lambda f: f.start))


@functools.cache
def shipped_markers() -> Mapping[Kind, str]:
    """Read each kind's marker ("[name]") from the shipped message files once."""
    return markers_from(load_messages())


def markers_from(messages: Messages) -> Mapping[Kind, str]:
    """Return each kind's marker from a set of messages (keys ``redacted_<kind>``)."""
    return {kind: messages.text(f"redacted_{kind.value}") for kind in Kind}


def redact(text: str, markers: Mapping[Kind, str] | None = None) -> str:
    """Return ``text`` with each identifier replaced by its plain marker."""
    if not text:
        return text
    marks = markers or shipped_markers()
    out, last = [], 0
    for found in find_identifiers(text):
        out += [text[last : found.start], marks[found.kind]]
        last = found.end
    out.append(text[last:])
    return "".join(out)


@functools.cache
def _marker_pattern() -> re.Pattern[str]:
    """Every language's markers ("[name]", "[enw]"): a summary may hold either."""
    catalogue = shipped_catalogue()
    every = {
        m for code in catalogue.codes() for m in markers_from(catalogue.messages(code)).values()
    }
    words = sorted(every, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def unmarked(text: str, *, gap: str = " ") -> str:
    """Drop the markers from redacted text, for finding themes (a marker is not a topic).

    ``gap`` takes each marker's place: " ; " keeps a phrase from running across it."""
    return " ".join(_marker_pattern().sub(gap, text).split())
