"""Lint what people will read: no jargon, short enough for a phone, easy enough to read.

Errors must be fixed (jargon, longer than Telegram allows, missing engine words).
Warnings are worth a second look (long for a phone screen, hard to read).

Limits, and why:

* A message over 4096 characters cannot be sent in one Telegram message: error.
* What lands together (a prompt's story plus its question, or one message) over
  400 characters is a warning. Telegram shows about 35-40 characters a line on a
  small phone, so 400 is 10-12 lines: it still fits above the buttons and the
  keyboard without scrolling, and it keeps to one idea per message.
* A button label over 40 characters is a warning: buttons sit one per row and a
  narrow phone cuts longer labels off with "...".
* Reading level: Flesch-Kincaid grade (textstat 0.7.8, offline) above 8 for plain
  wording or above 6 for easy-read wording is a warning. We aim lower (a reading
  age of 9 is about grade 4), but the formula swings by a grade or two on short
  texts, so the limits leave room. Texts under ten words are not given a grade,
  since the formula means little on so few; instead any word of four or more
  syllables in them is a warning ("communication", "methodology").

Other languages (Welsh: ``messages/cy/``, ``text_cy`` in packs) are checked against their
English twins: a value the English does not fill is an error (it could not be said); a
message or pack text not translated yet is a warning (that language's readers would get
English). Their plain-language rules are warnings too, since no Welsh readability formula
exists: a sentence over 25 words (Cymraeg Clir's limit), and a LIX score (words per
sentence plus the share of words over six letters, which reads any alphabetic language)
over 55 for plain or 50 for easy-read wording. Welsh words run longer than English ones, so
the limits sit where LIX starts to call text "hard", not at English's "easy".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import textstat

from conversations.engine import ENGINE_MESSAGE_KEYS
from conversations.messages import MESSAGES_DIR, Message, Messages
from conversations.model import Pack

__all__ = [
    "BUTTON_LIMIT",
    "EASY_GRADE",
    "JARGON",
    "LONG_WORD_SYLLABLES",
    "PHONE_LIMIT",
    "PLAIN_GRADE",
    "TELEGRAM_LIMIT",
    "Finding",
    "check_messages",
    "check_pack",
    "check_translation",
    "lix",
]

Level = Literal["error", "warning"]

TELEGRAM_LIMIT = 4096
PHONE_LIMIT = 400
BUTTON_LIMIT = 40
PLAIN_GRADE = 8.0
EASY_GRADE = 6.0
MIN_SCORED_WORDS = 10
LONG_WORD_SYLLABLES = 4
LONGEST_SENTENCE = 25  # words, in another language (Cymraeg Clir)
PLAIN_LIX = 55.0
EASY_LIX = 50.0

# Words that push people away, and what to say instead.
JARGON: tuple[tuple[str, str], ...] = (
    (r"service[- ]users?", "people who draw on care and support"),
    (r"clients?", "people, or the person's name for themselves"),
    (r"vulnerable", "say what the situation is, e.g. 'finding things hard'"),
    (r"interventions?", "help, or support"),
    (r"care packages?|packages? of care", "your care and support"),
    (r"safeguarding", "keeping people safe"),
    (r"non-?complian(?:t|ce)|complian(?:t|ce)", "say what happened, without blame"),
    (r"placements?|placed", "where someone lives or goes"),
    (r"cohorts?", "group"),
    (r"stakeholders?", "people who are involved"),
    (r"deliver(?:s|ed|ing|y)?", "run, give or do"),
    (r"co-?produc(?:e|ed|tion|ing)", "working together as equals"),
    (r"commission(?:er|ers|ing|ed)", "the people who decide what services are bought"),
    (r"utili[sz](?:e|es|ed|ing|ation)", "use"),
    (r"facilitat(?:e|es|ed|ing)", "help, or run"),
    (r"signpost(?:s|ed|ing)?", "point to, or tell people about"),
    (r"holistic", "whole, or everything in your life"),
    (r"person[- ]cent(?:red|ered)", "built around you"),
    (r"empower(?:s|ed|ing|ment)?", "give a say, or give control"),
    (r"engagement", "taking part"),
    (r"eligib(?:le|ility)", "who can get it"),
    (r"outcomes?", "what changes, or what you want"),
)
_JARGON = [(re.compile(rf"\b(?:{p})\b", re.IGNORECASE), fix) for p, fix in JARGON]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_LETTERS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # words in any alphabet
_SENTENCE = re.compile(r"[.!?]+\s+|\n+")
_COMMAND = re.compile(r"/[a-z_]+")


@dataclass(frozen=True)
class Finding:
    """One thing to fix (error) or look at again (warning), with where it is."""

    path: str
    line: int
    level: Level
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.text}"


def check_pack(pack: Pack) -> list[Finding]:
    """Lint every text in a pack that a person will read."""
    where = _Lines(pack.source)
    findings: list[Finding] = []
    for field in ("title", "opening", "opening_easy", "close", "close_easy"):
        line = where.top(field)
        words = getattr(pack, field)
        findings += _check_text(pack.source, line, field, words, easy=field.endswith("_easy"))
        findings += _check_length(pack.source, line, field, words)
    for prompt in pack.prompts:
        end = where.next_prompt(prompt.line)
        for easy in (False, True):
            field, story_field = ("easy", "story_easy") if easy else ("text", "story")
            question = prompt.easy if easy else prompt.text
            story = (prompt.story_easy or prompt.story) if easy else prompt.story
            own_story = prompt.story_easy if easy else prompt.story
            name = f"prompt `{prompt.id}`"
            line = where.inside(field, prompt.line, end)
            findings += _check_text(pack.source, line, f"{name} {field}", question, easy=easy)
            if own_story is not None:
                story_line = where.inside(story_field, prompt.line, end)
                findings += _check_text(
                    pack.source, story_line, f"{name} {story_field}", own_story, easy=easy
                )
            together = f"{story}\n\n{question}" if story else question
            findings += _check_length(pack.source, line, f"{name} {field}", together)
        for option in prompt.options:
            line = where.option(option.id, prompt.line, end)
            for easy, words in ((False, option.text), (True, option.easy)):
                what = f"option `{option.id}` of `{prompt.id}`"
                findings += _check_text(pack.source, line, what, words, easy=easy)
                findings += _check_button(pack.source, line, what, words)
    return _unique(findings)


def check_messages(messages: Messages) -> list[Finding]:
    """Lint every message, and make sure each word the engine needs is there."""
    findings = [
        Finding(str(MESSAGES_DIR), 1, "error", f"no message `{key}`; the engine needs it")
        for key in ENGINE_MESSAGE_KEYS
        if key not in messages
    ]
    for key in messages:
        message = messages.entry(key)
        for easy, variants in ((False, message.text), (True, message.easy)):
            for words in variants:
                findings += _check_message(message, words, easy=easy)
    return _unique(findings)


def check_translation(messages: Messages) -> list[Finding]:
    """Check one other language's messages against their English twins (see above)."""
    fallback = messages.fallback
    if fallback is None:
        return []
    findings = [
        Finding(
            str(MESSAGES_DIR / messages.language),
            1,
            "warning",
            f"message `{key}` has no {messages.language} words yet; its readers get English",
        )
        for key in messages.missing()
    ]
    for key, message in messages.entries.items():
        twin = fallback.entries.get(messages.twin(key))
        if twin is None:
            findings.append(
                Finding(message.path, message.line, "error", f"`{key}` is not an English message")
            )
            continue
        theirs = {n for v in (*twin.text, *twin.easy) for n in _PLACEHOLDER.findall(v)}
        for easy, variants in ((False, message.text), (True, message.easy)):
            for words in variants:
                what = f"message `{key}`" + (" easy" if easy else "")
                extra = sorted(set(_PLACEHOLDER.findall(words)) - theirs - {"count"})
                if extra:
                    text = f"{what} uses {extra}, which English never fills: {sorted(theirs)}"
                    findings.append(Finding(message.path, message.line, "error", text))
                findings += _check_plain(message.path, message.line, what, words, easy=easy)
    return _unique(findings)


def lix(words: str) -> float | None:
    """LIX readability: words per sentence plus the percentage of words over six letters.

    None for a text under ten words, where it means little.
    """
    found = _LETTERS.findall(_PLACEHOLDER.sub(" ", words))
    if len(found) < MIN_SCORED_WORDS:
        return None
    sentences = [s for s in _SENTENCE.split(words) if _LETTERS.search(s)]
    long = sum(1 for w in found if len(w) > 6)
    return len(found) / max(1, len(sentences)) + 100 * long / len(found)


def _check_plain(path: str, line: int, what: str, words: str, *, easy: bool) -> list[Finding]:
    """Warn about sentences over 25 words and a high LIX, in a language with no formula."""
    found = [
        Finding(path, line, "warning", f"{what} has a sentence of {n} words; keep to 25")
        for sentence in _SENTENCE.split(_COMMAND.sub(" ", words))
        if (n := len(_LETTERS.findall(sentence))) > LONGEST_SENTENCE
    ]
    score = lix(_COMMAND.sub(" ", words))
    limit = EASY_LIX if easy else PLAIN_LIX
    if score is not None and score > limit:
        found.append(
            Finding(
                path,
                line,
                "warning",
                f"{what} has a LIX of {score:.0f} (aim for {limit:.0f} or less); "
                "use shorter sentences and shorter words",
            )
        )
    return found


def _check_message(message: Message, words: str, *, easy: bool) -> list[Finding]:
    """Lint one variant of one message."""
    what = f"message `{message.key}`" + (" easy" if easy else "")
    found = _check_text(message.path, message.line, what, words, easy=easy)
    if message.key.startswith(("button_", "stage_")):
        found += _check_button(message.path, message.line, what, words)
    else:
        found += _check_length(message.path, message.line, what, words)
    return found


def _check_text(path: str, line: int, what: str, words: str, *, easy: bool) -> list[Finding]:
    """Find jargon and hard reading in one text."""
    found = [
        Finding(path, line, "error", f"{what} says '{m.group(0)}'; say '{fix}' instead")
        for pattern, fix in _JARGON
        for m in [pattern.search(words)]
        if m is not None
    ]
    hard = _hard_to_read(_PLACEHOLDER.sub("it", words), easy=easy)
    if hard:
        found.append(Finding(path, line, "warning", f"{what} {hard}"))
    return found


def _hard_to_read(words: str, *, easy: bool) -> str | None:
    """Say why a text is hard to read, or None: grade for longer texts, long words for short."""
    plain_words = _WORD.findall(words)
    if len(plain_words) < MIN_SCORED_WORDS:
        long = [w for w in plain_words if textstat.syllable_count(w) >= LONG_WORD_SYLLABLES]
        return f"uses long words ({', '.join(long)}); try shorter ones" if long else None
    grade = float(textstat.flesch_kincaid_grade(words))
    limit = EASY_GRADE if easy else PLAIN_GRADE
    if grade <= limit:
        return None
    return (
        f"reads at grade {grade:.1f} (aim for {limit:.0f} or less); "
        "use shorter sentences and shorter words"
    )


def _check_length(path: str, line: int, what: str, words: str) -> list[Finding]:
    """Flag a message too long for Telegram (error) or for a phone screen (warning)."""
    size = len(words)
    if size > TELEGRAM_LIMIT:
        return [
            Finding(
                path,
                line,
                "error",
                f"{what} is {size} characters; Telegram sends at most {TELEGRAM_LIMIT}",
            )
        ]
    if size > PHONE_LIMIT:
        return [
            Finding(
                path,
                line,
                "warning",
                f"{what} is {size} characters with its story; keep it under {PHONE_LIMIT} "
                "so it fits a phone screen"
                if "\n\n" in words
                else f"{what} is {size} characters; keep it under {PHONE_LIMIT} "
                "so it fits a phone screen",
            )
        ]
    return []


def _check_button(path: str, line: int, what: str, words: str) -> list[Finding]:
    """Flag a button label a narrow phone would cut off."""
    if len(words) > BUTTON_LIMIT:
        return [
            Finding(
                path,
                line,
                "warning",
                f"{what} is a {len(words)}-character button; keep it under {BUTTON_LIMIT} "
                "so phones show it whole",
            )
        ]
    return []


def _unique(findings: list[Finding]) -> list[Finding]:
    """Drop repeats (the same words checked as plain and easy), keeping order."""
    return list(dict.fromkeys(findings))


class _Lines:
    """Find the line a field is written on, for messages people can act on."""

    def __init__(self, source: str) -> None:
        path = Path(source) if source else None
        try:
            text = path.read_text(encoding="utf-8") if path and path.is_file() else ""
        except (OSError, UnicodeDecodeError):
            text = ""
        self.lines = text.splitlines()

    def top(self, field: str) -> int:
        """Return the line of a top-level key, or 1."""
        return self._find(re.compile(rf"^{field}\s*:"), 1, len(self.lines) + 1) or 1

    def next_prompt(self, start: int) -> int:
        """Return the line where the prompt after the one at ``start`` begins."""
        indent = re.compile(r"^(\s*)- ")
        first = indent.match(self.lines[start - 1]) if 0 < start <= len(self.lines) else None
        if first is None:
            return len(self.lines) + 1
        same = re.compile(rf"^{re.escape(first.group(1))}- ")
        return self._find(same, start + 1, len(self.lines) + 1) or len(self.lines) + 1

    def inside(self, field: str, start: int, end: int) -> int:
        """Return the line of ``field`` within one prompt, or the prompt's line."""
        return self._find(re.compile(rf"(?:^|[\s{{,-])\b{field}\s*:"), start, end) or start

    def option(self, option_id: str, start: int, end: int) -> int:
        """Return the line of an option's id within one prompt, or the prompt's line."""
        pattern = re.compile(rf"\bid\s*:\s*['\"]?{re.escape(option_id)}['\"]?\s*(?:[,}}]|$)")
        return self._find(pattern, start + 1, end) or start

    def _find(self, pattern: re.Pattern[str], start: int, end: int) -> int | None:
        for number in range(max(start, 1), min(end, len(self.lines) + 1)):
            if pattern.search(self.lines[number - 1]):
                return number
        return None
