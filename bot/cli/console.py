"""``brewbot console``: try a pack in the terminal.

Walk a pack through brewbot's engine in the terminal. Type an answer, a number to press a
button, or s = skip, p = pause, r = carry on, q = stop. Reads lines from stdin, so answers
can be piped in.

Buttons show as numbers (answers) and letters: s = Skip, p = Pause, r = Carry on,
q = Stop; e switches easy words on or off. Anything else typed is an answer.
Lines are read one by one from stdin, so a conversation can be piped in; at the
end it prints what would be kept.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.cli import refused
from conversations.engine import step
from conversations.loader import PackError, load_pack, load_packs
from conversations.messages import Messages, load_messages
from conversations.model import (
    Answer,
    AnswerText,
    Begin,
    Choose,
    Event,
    Outcome,
    Pack,
    Pause,
    Progress,
    Reply,
    Resume,
    SetEasy,
    Skip,
    Status,
    Stop,
)

LETTERS: dict[type, str] = {Skip: "s", Pause: "p", Resume: "r", Stop: "q"}
BOT = "bot> "
YOU = "you> "
INDENT = " " * len(BOT)
HOW_TO = (
    "Type an answer, a number for a button, or s = skip, p = pause, r = carry on, q = stop, "
    "e = easy words on or off."
)
END_OF_INPUT = "That's all for now. Your place is kept, and nothing else will be sent."


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot console``'s options."""
    parser.add_argument(
        "--pack",
        default="over-a-brew",
        metavar="NAME_OR_PATH",
        help="a shipped pack's name or a pack file (default: over-a-brew)",
    )
    parser.add_argument(
        "--theme",
        default="getting the right support",
        help='the session theme (default: "getting the right support")',
    )
    parser.add_argument("--easy", action="store_true", help="use easy-read wording")
    parser.add_argument("--messages", metavar="DIR", help="a folder of message files")


def run(args: argparse.Namespace) -> int:
    """Load the pack and messages, then talk until the close or the end of input."""
    _tolerate_any_terminal()
    try:
        pack = _find_pack(args.pack)
        messages = load_messages(args.messages)
    except PackError as exc:
        print(exc, file=sys.stderr)
        return 2
    except LookupError as exc:
        return refused(exc.args[0])
    chat = _Chat(pack, messages, args.theme, sys.stdin, interactive=sys.stdin.isatty())
    try:
        print(f"{pack.title} ({pack.id}), theme: {args.theme}")
        print(HOW_TO)
        print()
        chat.talk(easy=args.easy)
        _print_kept(chat)
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def _find_pack(name_or_path: str) -> Pack:
    """Load a pack file, or a shipped pack by name."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        return load_pack(path)
    packs = load_packs()
    if name_or_path not in packs:
        raise LookupError(
            f"no pack called {name_or_path!r}; try one of: {', '.join(sorted(packs))}, "
            "or give a pack file"
        )
    return packs[name_or_path]


def _tolerate_any_terminal() -> None:
    """Print emoji where the terminal can, and a stand-in where it cannot."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")


@dataclass
class _Chat:
    """One person talking to the engine in a terminal."""

    pack: Pack
    messages: Messages
    theme: str
    lines: TextIO
    interactive: bool
    progress: Progress | None = None
    keys: dict[str, Event] = field(default_factory=dict)
    kept: list[Answer] = field(default_factory=list)
    quote_consent: bool | None = None
    self_description: str | None = None
    concerns: int = 0

    def talk(self, *, easy: bool) -> None:
        """Begin, then answer line by line until the close or the end of input."""
        self.progress = Progress(pack_id=self.pack.id, easy=easy)
        self.send(Begin())
        while self.progress.status is not Status.FINISHED:
            line = self.read()
            if line is None:
                print()
                print(BOT + END_OF_INPUT)
                return
            self.send(self.event_for(line))

    def read(self) -> str | None:
        """Read one line, echoing it when input is piped so the transcript reads well."""
        if self.interactive:
            print(YOU, end="", flush=True)
        line = self.lines.readline()
        if not line:
            return None
        line = line.rstrip("\r\n")
        if not self.interactive:
            print(f"{YOU}{line}")
        return line

    def event_for(self, line: str) -> Event:
        """Read a line as a button (number or letter) or as typed words."""
        key = line.strip().lower()
        if key in self.keys:
            return self.keys[key]
        if key == "q":
            return Stop()
        if key == "r":
            return Resume()
        if key == "e":
            return SetEasy(not (self.progress and self.progress.easy))
        return AnswerText(line)

    def send(self, event: Event) -> None:
        """Step the engine and show what it says."""
        outcome = step(self.pack, self.progress, event, theme=self.theme, messages=self.messages)
        self.progress = outcome.progress
        self.remember(outcome)
        self.keys = {}
        for reply in outcome.replies:
            self.show(reply)
        if outcome.concern:
            print(f"{INDENT}(brewbot would now point to help, and hold this answer back.)")

    def remember(self, outcome: Outcome) -> None:
        """Keep what the bot would keep."""
        self.kept.extend(outcome.answers)
        if outcome.quote_consent is not None:
            self.quote_consent = outcome.quote_consent
        if outcome.self_description is not None:
            self.self_description = outcome.self_description
        self.concerns += int(outcome.concern)

    def show(self, reply: Reply) -> None:
        """Print one reply, with its buttons as numbers and letters."""
        print(BOT + reply.text.replace("\n", "\n" + INDENT))
        numbered = [b for b in reply.buttons if isinstance(b.event, Choose)]
        for number, button in enumerate(numbered, start=1):
            self.keys[str(number)] = button.event
            print(f"{INDENT}{number}) {button.label}")
        lettered = []
        for button in reply.buttons:
            letter = LETTERS.get(type(button.event))
            if letter is not None:
                self.keys[letter] = button.event
                lettered.append(f"{letter}) {button.label}")
        if lettered:
            print(INDENT + "   ".join(lettered))
        if reply.expects_text:
            print(f"{INDENT}(type your answer)")
        print()


def _print_kept(chat: _Chat) -> None:
    """Show the answer records the bot would keep (never a name or chat id)."""
    print()
    print(f"What would be kept: {len(chat.kept)} answer(s), with no name or chat id.")
    for answer in chat.kept:
        parts = [f"  {answer.prompt_id}", f"[{answer.principle.value}, {answer.kind.value}]"]
        if answer.stage is not None:
            parts.append(f"stage={answer.stage.key} ({answer.stage.rag.value})")
        elif answer.option is not None:
            parts.append(f"option={answer.option}")
        if answer.text is not None and answer.option is None:
            parts.append(repr(answer.text))
        print(" ".join(parts))
    quote = {None: "not asked", True: "yes", False: "no"}[chat.quote_consent]
    print(f"May quote their words: {quote}")
    print(f"How they describe themselves: {chat.self_description or 'not given'}")
    if chat.concerns:
        print(f"Answers that suggest someone may be at risk: {chat.concerns}")
