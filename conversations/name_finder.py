"""Find people's names in an answer, from the lists shipped in ``conversations/names/``.

How a word is decided (the lists say which words are names; context says when):

* **Kept words win.** Months, days, festivals, towns and the organisations people name
  ("Age UK", "Sue Ryder", "Mind") are never a name, unless a title or a role says so
  ("Mrs Lincoln", "my carer April").
* **Strong context makes a name** of the next word or two, when it is capitalised or on a
  list: a title ("Mr Hughes", "dr patel"), a role or relation ("my carer Sarah", "our
  social worker, Tunde", "my son will" is *not* one: lower case and an everyday word),
  "called" or "named" ("a lady called Maureen"), and a word just before "from the
  council" or "at the surgery" ("Gary from the council").
* **A name on its own**: a first name or surname that is not an everyday word counts in
  any case and anywhere ("sarah never rings back"). One that is an everyday word (Hope,
  Will, Grace, Bill, White, Ward...) counts only when capitalised in the middle of a
  sentence, and never when it is a month ("in May").
* **Context after a word** works too: "Sue my PA", "Bernie, our befriender", "Dawn who
  runs the cafe", and a name joined by "and" or a comma to one just found ("Tunde and
  Grace").
* **Names run on**: a capitalised word, or a listed surname, right after a name joins it,
  so "Sarah Okonkwo", "sarah jones" or "Mr J. Thornton" is one name.
* **Places are not people**: a word before "Centre", "Trust", "ward" ("Hope Centre",
  "Burns ward"), after "St" ("St Luke's"), or after a compass point ("West Bridgford").
* Capitalised words not on any list are left alone unless strong context names them:
  brewbot cannot tell "Priory" from "Priya" without a list, and would rather keep a word
  than take out half the sentence. First in a sentence, such a word counts only when it is
  not an ordinary English word (the Dale-Chall list of about 3,000 easy words that
  textstat ships, plus endings like -ing and -s): "Marlon from the council" is a name,
  "Help from the council" is not.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path


def word_set(text: str) -> frozenset[str]:
    """Return the set of words in a whitespace-separated list."""
    return frozenset(text.split())


NAMES_DIR = Path(__file__).resolve().parent / "names"

TITLES = word_set(
    "mr mrs ms miss mx dr doctor prof professor sir dame lady lord rev reverend sister nurse "
    "father auntie aunty uncle nan nanna gran granny grandad councillor cllr pastor imam rabbi "
    "matron"
)
# Roles and relations after which a capitalised or listed word is someone's name.
ROLES = word_set(
    """
    carer carers worker workers pa keyworker manager coordinator
    co-ordinator advocate nurse physio ot therapist gp doctor consultant neighbour neighbor
    friend mate son daughter husband wife partner brother sister mum mam mom dad mother
    father grandson granddaughter nan gran grandma grandad granddad aunt auntie uncle niece
    nephew boyfriend girlfriend cousin assistant law driver receptionist postman postie
    handyman chef neighbours friends sons daughters
    sisters brothers
    grandchildren grandsons granddaughters parents lodger lad girl boy lady man fella bloke
    colleague boss officer assessor reviewer volunteer befriender cleaner helper warden landlord
    landlady sister-in-law brother-in-law stepson stepdaughter stepmum stepdad
    """
)
_APPOSITION = frozenset({"my", "our", "the", "his", "her", "their", "mum's", "dad's"})
_LOWER_TITLES = frozenset({"mr", "mrs", "ms", "dr"})  # typed in lower case, still a title
CALLED = frozenset({"called", "named", "name's", "names", "name"})
# "X from the council": a word before one of these, then one of the places after it.
FROM = frozenset({"from", "at"})
FROM_PLACES = word_set(
    """
    council social services adult team agency surgery practice hospital office home ward
    centre center charity carers trust day care gp dwp jobcentre housing reablement gym
    club church chapel mosque temple pharmacy chemist library school college cafe group
    shop hospice clinic
    """
)
# Capitalised words that follow "my carer" or "Dr" but are not a name.
NOT_NAMES = word_set(
    """
    i i'm i've i'd i'll im ive a an the and or but so then she he they we you it if when who
    my our your his her their its me us them him in on at to for of with into from by about
    without some made overall nothing thank thanks bit despite although because after before
    since until while whilst unless though however sometimes often maybe perhaps
    senior practitioner lead head director assistant officer advisor adviser consultant
    staff people everyone everybody someone somebody anyone anybody nobody residents patients
    members families children nurses doctors volunteers issues
    what why how is was are were has had have be been will would can could should did does
    do not no yes ok okay please thanks this that there here all just also never always
    said says told came comes come went goes go rang rings called is's
    surgery practice team service services centre center hospital trust council office home
    house group day unit ward clinic agency care support worker manager nurse doctor lady
    """
)
# Words that end a place's name ("Hope Centre", "Cherry Ward"): the word before is no name.
PLACE_NOUNS = word_set(
    """
    centre center ward house hall lodge court trust unit clinic surgery practice hospital
    hospice road street lane avenue close school college church chapel park green club
    cafe group team society foundation project
    """
)
# Endings of everyday words that are rarely a name off the lists ("Issues", "Thinking").
_INTRO_NEXT = frozenset({"and", "a", "an", "the", "from", "here", "i", "im", "i'm", "aged"})
_WARDS = frozenset({"ward", "unit", "wing"})  # in any case: "Burns ward", "Rose unit"
_COMPASS = frozenset({"north", "south", "east", "west"})  # "West Bridgford" is a place
_WORDY_ENDINGS = ("ing", "ed", "ly", "ness", "ment", "tion")
# Letters with Welsh accents too (Siân, Llŷr, Siôn), so a Welsh name is one word.
_LETTERS = "A-Za-zÂâÊêÎîÔôÛûŴŵŶŷÄäËëÏïÖöÜüÁáÉéÍíÓóÚúÀàÈèÌìÒòÙù"
_WORD = re.compile(rf"[{_LETTERS}][{_LETTERS}'’\-]*")
_SENTENCE_END = re.compile(r"(?:^|[.!?\n:;\"“]\s*)$")
_INITIAL = re.compile(r"[A-Z]\.?")


@dataclass(frozen=True)
class NameLists:
    """The shipped lists, lower case."""

    first: frozenset[str]
    surnames: frozenset[str]
    everyday: frozenset[str]
    kept: frozenset[str]  # single kept words
    kept_phrases: Mapping[str, tuple[tuple[str, ...], ...]]  # by first word: 2+ word phrases


def _entries(path: Path) -> list[str]:
    """Read one list: lines without comments, lower case."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#")]


def _by_first_word(phrases: list[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Index phrases by their first word, so each word looks up only its own."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(found) for word, found in index.items()}


@functools.cache
def ordinary_words() -> frozenset[str]:
    """Return the easy English words textstat ships (Dale-Chall), lower case."""
    easy = importlib.resources.files("textstat") / "resources" / "en" / "easy_words.txt"
    return frozenset(easy.read_text(encoding="utf-8").lower().split())


@functools.cache
def shipped_lists(folder: Path = NAMES_DIR) -> NameLists:
    """Load the name lists shipped with brewbot once."""
    words = [w for line in _entries(folder / "first-names.txt") for w in line.split()]
    surnames = [w for line in _entries(folder / "surnames.txt") for w in line.split()]
    everyday = [w for line in _entries(folder / "everyday-words.txt") for w in line.split()]
    kept = _entries(folder / "kept-words.txt")
    return NameLists(
        first=frozenset(words),
        surnames=frozenset(surnames),
        everyday=frozenset(everyday),
        kept=frozenset(k for k in kept if " " not in k),
        kept_phrases=_by_first_word([tuple(k.split()) for k in kept if " " in k]),
    )


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    raw: str
    low: str  # lower case, without a possessive 's
    cap: bool  # starts with a capital and is not all capitals
    starts_sentence: bool


def _tokens(text: str) -> list[_Token]:
    """Cut text into words, knowing which start a sentence."""
    found = []
    for match in _WORD.finditer(text):
        raw = match.group().rstrip("'’-")
        low = raw.lower().replace("’", "'")
        if low.endswith("'s"):
            low = low[:-2]
        cap = raw[0].isupper() and not (len(raw) > 1 and raw.isupper())
        begins = bool(_SENTENCE_END.search(text[max(0, match.start() - 3) : match.start()]))
        found.append(_Token(match.start(), match.start() + len(raw), raw, low, cap, begins))
    return found


def _kept_spans(tokens: list[_Token], lists: NameLists) -> set[int]:
    """Return the indices of tokens inside a kept phrase ("Sue Ryder", "Age UK")."""
    kept: set[int] = set()
    for i, token in enumerate(tokens):
        for phrase in lists.kept_phrases.get(token.low, ()):
            n = len(phrase)
            if tuple(t.low for t in tokens[i : i + n]) == phrase:
                kept.update(range(i, i + n))
    return kept


class _Finder:
    """Walk the tokens of one text once, deciding each word."""

    def __init__(self, text: str, lists: NameLists) -> None:
        self.text = text
        self.lists = lists
        self.tokens = _tokens(text)
        self.kept = _kept_spans(self.tokens, lists)

    def listed(self, t: _Token) -> bool:
        """On a list of names (everyday-words.txt holds names too, that are also words)."""
        low = t.low
        return low in self.lists.first or low in self.lists.surnames or low in self.lists.everyday

    def unknown_name(self, t: _Token) -> bool:
        """Say whether a capitalised word off the lists may be a name: not an ordinary word."""
        if not t.cap or t.low in NOT_NAMES or t.low in self.lists.kept:
            return False
        return not self.ordinary(t)

    def ordinary(self, t: _Token) -> bool:
        """An everyday English word: on the easy-words list (or its plural), or -ing, -ly..."""
        easy = ordinary_words()
        if t.low.endswith(_WORDY_ENDINGS) or t.low in easy:
            return True
        return t.low.endswith("s") and (t.low[:-1] in easy or t.low[:-2] in easy)

    def plain_name(self, i: int) -> bool:
        """A listed name standing on its own, with no context."""
        t = self.tokens[i]
        if i in self.kept or t.low in self.lists.kept or not self.listed(t):
            return False
        if t.low in PLACE_NOUNS or self._names_a_place(i):
            return False
        if t.low not in self.lists.everyday:
            return True
        return t.cap and not t.starts_sentence

    def _names_a_place(self, i: int) -> bool:
        """Say whether a word names a place: before "Centre" or "ward", after "St"."""
        if i > 0 and self.tokens[i - 1].low in {"st", "saint"} and self.tokens[i - 1].cap:
            return True  # St Luke's, St Matthews: a hospital or church
        if i + 1 >= len(self.tokens) or not self.tokens[i].cap:
            return False
        after = self.tokens[i + 1]
        if after.low in _WARDS:  # "Burns ward"
            return True
        return after.cap and (after.low in PLACE_NOUNS or self.tokens[i].low in _COMPASS)

    def after_context(self, i: int) -> bool:
        """A word that strong context (title, role, 'called') before it makes a name."""
        t = self.tokens[i]
        if t.low in TITLES or t.low in ROLES or t.low in NOT_NAMES or i in self.kept:
            return False
        titled = i > 0 and self.tokens[i - 1].low in TITLES
        if t.low in self.lists.kept and not self.listed(t) and not titled:
            return False
        if not t.cap and t.low in self.lists.everyday:
            return False
        if self.listed(t):
            return True
        return t.cap and (titled or not self.ordinary(t))

    def strong_context(self, i: int) -> bool:
        """Say whether the words before token ``i`` name someone: a title, role or 'called'."""
        if i == 0:
            return False
        before = self.tokens[i - 1]
        gap = self.text[before.end : self.tokens[i].start]
        if gap.strip(" ,") not in ("", ".") or "\n" in gap:
            return False
        proper_title = before.low in TITLES and before.low not in ROLES
        if "." in gap and not proper_title:
            return False  # only the dot of "Dr." may sit between
        if before.low in TITLES and (before.low not in ROLES or before.cap):
            return True
        if before.low in CALLED:
            return before.low in {"called", "named", "name's"} or self._is_name_is(i)
        if before.low in {"is", "was"} and i >= 2 and self.tokens[i - 2].low in CALLED:
            return self._is_name_is(i)
        if before.low in ROLES:
            return self._owned(i - 1)
        return False

    def _is_name_is(self, i: int) -> bool:
        """'her name is Sarah', 'names Sarah'."""
        if self.tokens[i - 1].low in {"names", "name's"}:
            return True
        return (
            i >= 2
            and self.tokens[i - 2].low in {"name", "names"}
            and (self.tokens[i - 1].low in {"is", "was"})
        )

    def _owned(self, role: int) -> bool:
        """A role word with 'my', 'our', 'her', 'the'... within the two words before it."""
        owners = {"my", "our", "her", "his", "their", "the", "a", "new", "your", "mum's", "dad's"}
        window = self.tokens[max(0, role - 4) : role]
        return any(t.low in owners for t in window)

    def before_from(self, i: int) -> bool:
        """A capitalised word just before 'from the council', 'at the surgery'."""
        t = self.tokens[i]
        if not t.cap or t.low in self.lists.kept or t.low in NOT_NAMES or i in self.kept:
            return False
        if i + 1 >= len(self.tokens):
            return False
        if not self.listed(t) and not self.unknown_name(t):
            return False
        if self.tokens[i + 1].low not in FROM:
            return False
        rest = self.tokens[i + 2 : i + 6]
        if len(rest) >= 2 and rest[0].low == "the" and rest[1].raw[:1].isupper():
            return True  # "Ray from the Men's Shed": a group with a name of its own
        return any(tok.low in FROM_PLACES for tok in rest)

    def introduced(self, i: int) -> bool:
        """A name someone gives for themselves: "I'm Kelvin, a care worker", "I am Jess and..."."""
        t = self.tokens[i]
        if i == 0 or not t.cap or not (self.listed(t) or self.unknown_name(t)):
            return False
        before = [tok.low for tok in self.tokens[max(0, i - 2) : i]]
        if before[-1:] not in (["i'm"], ["im"]) and before != ["i", "am"]:
            return False
        after = self.text[t.end : t.end + 1]
        following = self.tokens[i + 1].low if i + 1 < len(self.tokens) else ""
        return after in ("", ",", ".", "!", " ") and (after != " " or following in _INTRO_NEXT)

    def before_role(self, i: int) -> bool:
        """A capitalised word just before "my PA", ", our befriender", "the handyman"."""
        t = self.tokens[i]
        if not t.cap or t.low in self.lists.kept or t.low in NOT_NAMES or i in self.kept:
            return False
        if t.low in TITLES or t.low in ROLES or i + 2 >= len(self.tokens):
            return False
        if not self.listed(t) and not self.unknown_name(t):
            return False
        owner, role = self.tokens[i + 1], self.tokens[i + 2]
        if self.text[t.end : owner.start].strip(" ,") or owner.low not in _APPOSITION:
            return False
        if role.low in ROLES:
            return True
        return i + 3 < len(self.tokens) and self.tokens[i + 3].low in ROLES

    def joined(self, i: int, names: list[tuple[int, int]]) -> bool:
        """A capitalised word joined by "and" or a comma to a name just found."""
        t = self.tokens[i]
        if not names or not t.cap or i in self.kept or t.low in self.lists.kept:
            return False
        if t.low in NOT_NAMES or t.low in TITLES or t.low in ROLES:
            return False
        gap = self.text[names[-1][1] : t.start]
        if gap.strip() not in {"and", ",", "&", "or"} or len(gap) > 6:
            return False
        return self.listed(t) or self.unknown_name(t)

    def before_who(self, i: int) -> bool:
        """A capitalised name, or word that is no ordinary word, before "who": "Dawn who runs"."""
        t = self.tokens[i]
        if i + 1 >= len(self.tokens) or self.tokens[i + 1].low != "who":
            return False
        if self.text[t.end : self.tokens[i + 1].start] != " " or i in self.kept:
            return False
        return t.cap and (self.listed(t) or self.unknown_name(t)) and t.low not in self.lists.kept

    def runs_on(self, i: int) -> bool:
        """A word that carries on a name just found ("Sarah Jones", "sarah okonkwo")."""
        t, before = self.tokens[i], self.tokens[i - 1]
        gap = self.text[before.end : t.start]
        initial = bool(_INITIAL.fullmatch(before.raw)) and gap in (". ", ".")  # "J. Thornton"
        if (gap != " " and not initial) or i in self.kept:
            return False
        if t.low in TITLES or t.low in ROLES or t.low in NOT_NAMES or t.low in PLACE_NOUNS:
            return False
        if i + 1 < len(self.tokens) and self.tokens[i + 1].low in _WARDS:
            return False
        if t.low in self.lists.kept and not (t.cap and t.low in self.lists.surnames):
            return False
        if t.cap:
            return before.cap or self.listed(t)
        return t.low in self.lists.surnames and t.low not in self.lists.everyday

    def spans(self) -> Iterator[tuple[int, int]]:
        """Yield (start, end) of each name, a title and a run of names taken as one."""
        i, tokens = 0, self.tokens
        found: list[tuple[int, int]] = []
        while i < len(tokens):
            start = i
            titled = tokens[i].low in TITLES and (tokens[i].cap or tokens[i].low in _LOWER_TITLES)
            if (
                titled
                and i + 1 < len(tokens)
                and self.strong_context(i + 1)
                and self.after_context(i + 1)
            ):
                i += 1  # the title goes with the name
            elif not (
                (self.strong_context(i) and self.after_context(i))
                or self.plain_name(i)
                or self.before_from(i)
                or self.before_role(i)
                or self.before_who(i)
                or self.introduced(i)
                or self.joined(i, found)
            ):
                i += 1
                continue
            end = i + 1
            while end < len(tokens) and end - start < 4 and self.runs_on(end):
                end += 1
            found.append((tokens[start].start, tokens[end - 1].end))
            yield found[-1]
            i = end


def find_names(text: str, lists: NameLists | None = None) -> list[tuple[int, int]]:
    """Return the (start, end) of each person's name in ``text``."""
    return list(_Finder(text, lists or shipped_lists()).spans())
