"""Walk one person through one pack: a pure step from (progress, event) to an outcome.

``step`` never does I/O and never raises on anything a person can send. It only
ever records an answer to the prompt that is current, so a stale or forged
button cannot answer another question. Every question offers Skip and Pause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from conversations.messages import Messages
from conversations.model import (
    Answer,
    AnswerText,
    Begin,
    Button,
    Choose,
    Event,
    Keeps,
    Kind,
    LiveEnded,
    NextPart,
    Outcome,
    Pace,
    Pack,
    Pause,
    Principle,
    Progress,
    Prompt,
    Push,
    Reply,
    Resume,
    SetEasy,
    Skip,
    Stage,
    Status,
    Stop,
    WordsFor,
)
from conversations.pacing import Written, next_part, written_for
from conversations.safeguarding import suggests_risk

__all__ = ["ENGINE_MESSAGE_KEYS", "EngineError", "step"]

ENGINE_MESSAGE_KEYS: tuple[str, ...] = (
    "thanks",
    "quote_yes",
    "quote_no",
    "welcome_back",
    "resumed",
    "paused",
    "while_paused",
    "stopped",
    "while_stopped",
    "already_finished",
    "earlier_question",
    "use_buttons",
    "kept_words_tap",
    "empty_answer",
    "button_skip",
    "button_pause",
    "button_resume",
    "button_stop",
    "button_yes",
    "button_no",
    *(f"stage_{stage.key}" for stage in Stage),
    "recap_intro",
    "recap_line",
    "recap_skipped",
    "live_wait",
    "live_late_kept",
    "live_ended_more",
    "which_question",
    "button_for",
    "button_for_none",
    "words_left_out",
    "words_for_answered",
    "paced_wait",
    "nothing_open",
    "button_keep_going",
    *(f"principle_{p.value}" for p in Principle if p is not Principle.THEME),
)

_CONSENT = (("yes", True), ("no", False))
_STAGE_KEYS = frozenset(stage.key for stage in Stage)
# Typed instead of a Yes or No button, in English or Welsh ("cewch": you may).
_YES_WORDS = ("yes", "y", "yeah", "yep", "ok", "okay", "sure", "ie", "iawn", "ydw", "cewch", "cei")
_NO_WORDS = (
    "no",
    "n",
    "nope",
    "no thanks",
    "no thank you",
    "na",
    "nage",
    "na chewch",
    "dim diolch",
)


class EngineError(Exception):
    """The shell passed progress that belongs to another pack."""


def step(
    pack: Pack,
    progress: Progress | None,
    event: Event,
    *,
    theme: str,
    messages: Messages,
    pace: Pace = Pace.SELF,
) -> Outcome:
    """Return what follows ``event`` for a person at ``progress`` in ``pack``.

    ``pace`` is how the brew sends its questions: all at once (the person walks the pack),
    live (a question when the facilitator pushes one: :class:`Push`) or a part a day
    (:class:`NextPart`). Between questions a person in a live or paced brew waits.
    """
    if progress is not None and progress.pack_id != pack.id:
        raise EngineError(f"progress is for pack {progress.pack_id!r}, not {pack.id!r}")
    start = progress if progress is not None else Progress(pack_id=pack.id)
    turn = _Turn(pack, start, theme, messages, pace)
    if isinstance(event, AnswerText) and suggests_risk(event.text):
        turn.concern = True
    if _unused(start):
        _start(turn, event)
    else:
        _handle(turn, event)
    return turn.outcome(progress)


def _unused(progress: Progress) -> bool:
    """Say whether this progress has never been used (so Begin shows the opening)."""
    return (
        progress.status is Status.ACTIVE
        and progress.current is None
        and not progress.done
        and progress.turns == 0
    )


class _Turn:
    """What one step has decided so far; turned into an Outcome at the end."""

    def __init__(
        self, pack: Pack, progress: Progress, theme: str, messages: Messages, pace: Pace
    ) -> None:
        self.pack = pack
        self.pace = pace
        self.progress = progress
        self.theme = theme
        self.messages = messages
        self.replies: list[Reply] = []
        self.answers: list[Answer] = []
        self.notes: list[str] = []
        self.quote_consent: bool | None = None
        self.self_description: str | None = None
        self.concern = False

    def words(self, key: str, **values: object) -> str:
        """Return a message's words in this person's wording, varied by turn, values filled."""
        return self.messages.text(key, easy=self.progress.easy, turn=self.progress.turns, **values)

    def say(self, key: str, buttons: Iterable[Button] = ()) -> None:
        """Send one engine message."""
        self.replies.append(Reply(self.words(key), tuple(buttons)))
        self.notes.append(key)

    def fill(self, text: str) -> str:
        """Put the session theme into a pack text."""
        return text.format(theme=self.theme)

    def update(self, **changes: object) -> None:
        """Change this person's progress."""
        self.progress = replace(self.progress, **changes)  # type: ignore[arg-type]

    def outcome(self, before: Progress | None) -> Outcome:
        """Build the Outcome; an event that changed and kept nothing leaves progress as it was."""
        same = before is not None and replace(self.progress, turns=before.turns) == before
        opened = before is not None and _unused(before) and bool(self.replies)  # a live welcome
        if before is not None and same and not self.answers and not opened:
            progress, changed = before, False
        else:
            progress, changed = replace(self.progress, turns=self.progress.turns + 1), True
        return Outcome(
            progress=progress,
            replies=tuple(self.replies),
            answers=tuple(self.answers),
            quote_consent=self.quote_consent,
            self_description=self.self_description,
            concern=self.concern,
            changed=changed,
            notes=tuple(self.notes),
        )


# ------------------------------------------------------------------ dispatch


def _start(turn: _Turn, event: Event) -> None:
    """Open a pack nobody has started: any event but Pause or Stop shows the opening."""
    first = _next_prompt(turn)
    if isinstance(event, SetEasy):
        turn.update(easy=event.on)
    if isinstance(event, Stop | Pause):
        turn.update(current=first.id if first else None)
        if isinstance(event, Stop):
            _stop(turn)
        else:
            _pause(turn)
        return
    if isinstance(event, Push | NextPart | LiveEnded):  # sent before they opened it: not yet
        return
    opening = turn.pack.opening_easy if turn.progress.easy else turn.pack.opening
    turn.replies.append(Reply(turn.fill(opening)))
    turn.notes.append("opening")
    if turn.pace is Pace.DAILY:
        _release_part(turn)
    _ask_next(turn)


def _handle(turn: _Turn, event: Event) -> None:
    """Route an event by where the person is."""
    status = turn.progress.status
    if isinstance(event, Push | NextPart | LiveEnded):
        _sent(turn, event)
    elif status is Status.FINISHED:
        turn.say("already_finished")
    elif isinstance(event, Begin):
        _welcome_back(turn)
    elif isinstance(event, Resume):
        _resume(turn)
    elif isinstance(event, Stop):
        _stop(turn)
    elif isinstance(event, SetEasy):
        _set_easy(turn, event.on)
    elif status is Status.PAUSED:
        turn.say("while_paused", _hold_buttons(turn, stop=True))
    elif status is Status.STOPPED:
        turn.say("while_stopped", _hold_buttons(turn, stop=False))
    else:
        _handle_active(turn, event)


def _handle_active(turn: _Turn, event: Event) -> None:
    """Handle an answer, a button or Pause while a question is waiting."""
    if _late_answer(turn, event):
        return
    if isinstance(event, WordsFor):
        _words_for(turn, event)
        return
    if isinstance(event, AnswerText) and event.text.strip() and _nothing_on_screen(turn):
        _ask_which(turn, _missed(turn))
        return
    prompt = _current_prompt(turn)
    if prompt is None and isinstance(event, Pause):
        _pause(turn)
    elif prompt is None and _waiting(turn):
        if isinstance(event, AnswerText) and event.text.strip():
            turn.say("nothing_open")
        _wait(turn)
    elif prompt is None:
        _finish(turn)
    elif isinstance(event, Pause):
        _pause(turn)
    elif isinstance(event, AnswerText):
        _answer_text(turn, prompt, event.text)
    elif isinstance(event, Choose):
        _choose(turn, prompt, event)
    elif isinstance(event, Skip):
        _skip(turn, prompt, event)


# ------------------------------------------------------------------ handlers


def _welcome_back(turn: _Turn) -> None:
    """Greet someone coming back and show where they were."""
    turn.update(status=Status.ACTIVE)
    turn.say("welcome_back")
    _keep_going(turn)
    _ask_current(turn, story=True)


def _resume(turn: _Turn) -> None:
    """Carry on after a pause or stop; when already active, show the question again."""
    if turn.progress.status is not Status.ACTIVE:
        turn.update(status=Status.ACTIVE)
        turn.say("resumed")
    _keep_going(turn)
    _ask_current(turn, story=True)


def _pause(turn: _Turn) -> None:
    """Take a break, offering Carry on and Stop."""
    turn.update(status=Status.PAUSED)
    turn.say("paused", _hold_buttons(turn, stop=True))


def _stop(turn: _Turn) -> None:
    """Stop for now, saying how to come back or delete everything."""
    turn.update(status=Status.STOPPED)
    turn.say("stopped", _hold_buttons(turn, stop=False))


def _set_easy(turn: _Turn, on: bool) -> None:
    """Remember the wording; while active, show the question again in it."""
    turn.update(easy=on)
    if turn.progress.status is Status.ACTIVE:
        _ask_current(turn, story=True)


def _answer_text(turn: _Turn, prompt: Prompt, text: str) -> None:
    """Keep typed words as the answer; words that name a button act as that button.

    Words typed on a button question are never dropped: they are kept beside it, and the
    buttons are offered again. Only a try at a button (a number, or words that fit two
    buttons) or no words at all (only marks or emoji) just asks again.
    """
    event = _typed_button(turn, prompt, text)
    if isinstance(event, Choose):
        _choose(turn, prompt, event)
    elif isinstance(event, Skip):
        _skip(turn, prompt, event)
    elif isinstance(event, Pause):
        _pause(turn)
    elif prompt.kind is not Kind.TEXT and (not _plain(text) or _tried_a_button(turn, prompt, text)):
        turn.say("use_buttons")
        _ask(turn, prompt, story=False)
    elif prompt.kind is not Kind.TEXT:
        _keep_beside(turn, prompt, text.strip())
    elif not text.strip():
        turn.say("empty_answer")
        _ask(turn, prompt, story=False)
    else:
        _keep(turn, prompt, _answer(turn, prompt, text=text.strip()))


def _keep_beside(turn: _Turn, prompt: Prompt, text: str) -> None:
    """Keep words typed on a button question as words about it; the question stays open."""
    turn.answers.append(replace(_answer(turn, prompt, text=text), kind=Kind.TEXT))
    if not turn.concern:  # after words that suggest harm, the shell offers help instead
        turn.say("kept_words_tap")
    _ask(turn, prompt, story=False)


def _choose(turn: _Turn, prompt: Prompt, event: Choose) -> None:
    """Keep a button answer, but only for the current question and a real option."""
    answer = _chosen(turn, prompt, event) if event.prompt_id == prompt.id else None
    if answer is None:
        turn.say("earlier_question")
        _ask(turn, prompt, story=False)
        return
    _keep(turn, prompt, _remember_choice(turn, prompt, answer))


def _remember_choice(turn: _Turn, prompt: Prompt, answer: Answer) -> Answer:
    """Remember what a button answer sets beyond the answer: consent, who they are, a stage."""
    if prompt.kind is Kind.CONSENT:
        agreed = answer.option == "yes"
        consents = tuple((k, v) for k, v in turn.progress.consents if k != prompt.id)
        turn.update(consents=(*consents, (prompt.id, agreed)))
        if prompt.keeps is Keeps.QUOTE_CONSENT:
            turn.quote_consent = agreed
            answer = replace(answer, quote_consent=agreed)
    if prompt.keeps is Keeps.SELF_DESCRIPTION:
        turn.self_description = answer.option
    if answer.stage is not None:
        stages = tuple((k, v) for k, v in turn.progress.stages if k != prompt.id)
        turn.update(stages=(*stages, (prompt.id, answer.stage.key)))
    return answer


def _skip(turn: _Turn, prompt: Prompt, event: Skip) -> None:
    """Move past the current question without an answer."""
    if event.prompt_id != prompt.id:
        turn.say("earlier_question")
        _ask(turn, prompt, story=False)
        return
    turn.update(done=(*turn.progress.done, prompt.id), current=None)
    _ask_next(turn)


def _keep(turn: _Turn, prompt: Prompt, answer: Answer) -> None:
    """Record an answer, say thank you, and move on."""
    turn.answers.append(answer)
    turn.update(done=(*turn.progress.done, prompt.id), current=None)
    if prompt.keeps is Keeps.QUOTE_CONSENT:
        turn.say("quote_yes" if answer.option == "yes" else "quote_no")
    elif not turn.concern:  # after words that suggest harm, the shell offers help instead
        turn.say("thanks")
    _ask_next(turn)


def _finish(turn: _Turn) -> None:
    """Give the recap of their own stages (if any), then the pack's warm close."""
    turn.update(status=Status.FINISHED, current=None)
    _recap(turn)
    close = turn.pack.close_easy if turn.progress.easy else turn.pack.close
    turn.replies.append(Reply(turn.fill(close)))
    turn.notes.append("close")


def _recap(turn: _Turn) -> None:
    """Show the person the stage they chose for each big idea, in words; say which they skipped.

    Nothing is shown when the pack asks about no stages or none was chosen.
    """
    chosen = dict(turn.progress.stages)
    asked = [
        p for p in turn.pack.prompts if p.kind is Kind.STAGE and p.principle is not Principle.THEME
    ]
    if not any(p.id in chosen for p in asked):
        return
    lines = [turn.words("recap_intro")]
    for prompt in asked:
        principle = turn.words(f"principle_{prompt.principle.value}")
        stage = chosen.get(prompt.id)
        if stage in _STAGE_KEYS:
            words = turn.words(f"stage_{stage}")
            lines.append(turn.words("recap_line", principle=principle, stage=words))
        else:
            lines.append(turn.words("recap_skipped", principle=principle))
    turn.replies.append(Reply("\n".join(lines)))
    turn.notes.append("recap")


# ------------------------------------------------------------------ live and paced


def _sent(turn: _Turn, event: Push | NextPart | LiveEnded) -> None:
    """Handle what brewbot sends to a live or paced brew's people, never to a finished one."""
    if turn.progress.status is Status.FINISHED:
        return
    if isinstance(event, Push):
        _pushed(turn, event)
    elif isinstance(event, NextPart):
        waiting = turn.progress.status is Status.ACTIVE and _next_prompt(turn) is None
        if waiting and _release_part(turn):
            _ask_next(turn)
    else:
        _live_ended(turn)


def _pushed(turn: _Turn, event: Push) -> None:
    """Ask a question the facilitator pushed; one still open stays answerable for a moment.

    Someone on a break or stopped gets nothing now: the question waits for them. The same
    push twice (after a restart) asks again only if it is still open, and keeps nothing new.
    """
    prompt = turn.pack.prompt(event.prompt_id)
    progress = turn.progress
    if prompt is None:
        return
    if prompt.id in progress.released:
        if progress.status is Status.ACTIVE and _open(turn) == prompt.id:
            _ask(turn, prompt, story=True)
        return
    still_open = _open(turn) if progress.status is Status.ACTIVE else None
    turn.update(released=(*progress.released, prompt.id), current=prompt.id, late=still_open)
    if progress.status is Status.ACTIVE:
        _ask(turn, prompt, story=True)


def _live_ended(turn: _Turn) -> None:
    """End the live part for someone: nothing typed now answers a question before. Someone
    with nothing left is thanked; someone who missed a question is told they may still
    answer it, and no question is open until they choose one."""
    turn.update(late=None)
    if turn.progress.status is not Status.ACTIVE:
        return  # on a break or stopped: what is left is shown when they are back
    if _next_prompt(turn) is None:
        _finish(turn)
        return
    turn.update(current=None)
    turn.say("live_ended_more", _hold_buttons(turn, stop=True))


def _open(turn: _Turn) -> str | None:
    """Return the question on this person's screen, waiting for an answer, if any."""
    current = turn.progress.current
    return current if current is not None and current not in turn.progress.done else None


def _late_answer(turn: _Turn, event: Event) -> bool:
    """Keep an answer to the question open before the last push, if it is one; say whether.

    Typed words count for it when they were written while it was still on the person's
    screen (:func:`written_for`); when that is unsure, brewbot asks. A tap on one of its
    buttons counts any time while it is unanswered. Only while the brew is live.
    """
    progress = turn.progress
    late = progress.late if turn.pace is Pace.LIVE else None
    prompt = turn.pack.prompt(late) if late is not None else None
    if prompt is None or prompt.id in progress.done:
        return False
    if isinstance(event, Choose) and event.prompt_id == prompt.id:
        chosen = _chosen(turn, prompt, event)
        if chosen is None:
            return False
        _keep_late(turn, prompt, _remember_choice(turn, prompt, chosen))
        return True
    if not (isinstance(event, AnswerText) and prompt.kind is Kind.TEXT and event.text.strip()):
        return False
    written = written_for(event.text, event.at, event.shown_at)
    now_open = turn.pack.prompt(_open(turn) or "")
    if written is Written.NOW:
        return False
    if written is Written.UNSURE and now_open is not None:
        _ask_which(turn, (prompt, now_open))
        return True
    _keep_late(turn, prompt, _answer(turn, prompt, text=event.text.strip()))
    return True


def _keep_late(turn: _Turn, prompt: Prompt, answer: Answer) -> None:
    """Keep an answer to the question before; the question now open stays open."""
    turn.answers.append(answer)
    turn.update(done=(*turn.progress.done, prompt.id), late=None)
    if not turn.concern:
        turn.say("live_late_kept")


def _nothing_on_screen(turn: _Turn) -> bool:
    """Say whether, after a live part ended, no question is open though some are left: typed
    words then wait for the person to say which question they are for."""
    return (
        turn.pace is Pace.SELF
        and bool(turn.progress.released)
        and _open(turn) is None
        and _next_prompt(turn) is not None
    )


def _missed(turn: _Turn) -> tuple[Prompt, ...]:
    """Return the questions this person has neither answered nor skipped, in order."""
    done = set(turn.progress.done)
    return tuple(p for p in turn.pack.prompts if p.id not in done)


def _ask_which(turn: _Turn, candidates: Iterable[Prompt]) -> None:
    """Ask which question the words just typed are for: a button for each, and one for none."""
    buttons = [
        Button(turn.words("button_for", question=_short(_question_words(turn, p))), WordsFor(p.id))
        for p in candidates
    ]
    buttons.append(Button(turn.words("button_for_none"), WordsFor(None)))
    turn.replies.append(Reply(turn.words("which_question"), tuple(buttons), about_words=True))
    turn.notes.append("which_question")


def _words_for(turn: _Turn, event: WordsFor) -> None:
    """Keep words under the question the person chose for them, or leave them out."""
    progress = turn.progress
    if event.prompt_id is None:
        turn.say("words_left_out")
        return
    prompt = turn.pack.prompt(event.prompt_id)
    unseen = turn.pace is Pace.LIVE and event.prompt_id not in progress.released
    if prompt is None or prompt.id in progress.done or unseen:
        turn.say("words_for_answered")
        return
    late = turn.pace is Pace.LIVE and prompt.id == progress.late and prompt.kind is Kind.TEXT
    if late and event.text.strip():
        _keep_late(turn, prompt, _answer(turn, prompt, text=event.text.strip()))
        return
    turn.update(current=prompt.id)
    _answer_text(turn, prompt, event.text)


_SHORT = 40  # characters of a question on a button


def _short(text: str) -> str:
    """Shorten a question to fit a button, at a word, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= _SHORT:
        return text
    cut = text[: _SHORT - 1].rsplit(" ", 1)[0] if " " in text[: _SHORT - 1] else text[: _SHORT - 1]
    return cut.rstrip(" ,.;:?!") + "…"


def _question_words(turn: _Turn, prompt: Prompt) -> str:
    """Return a question's words as this person reads them."""
    return turn.fill(prompt.easy if turn.progress.easy else prompt.text)


def _waiting(turn: _Turn) -> bool:
    """Say whether, with no question to ask, this person waits for one rather than finishing."""
    if turn.pace is Pace.LIVE:
        return True  # the facilitator may push another question at any moment
    return turn.pace is Pace.DAILY and bool(next_part(turn.pack, turn.progress))


def _wait(turn: _Turn) -> None:
    """Say the next question comes later (a paced brew offers it now too)."""
    turn.update(status=Status.ACTIVE, current=None)
    if turn.pace is Pace.LIVE:
        turn.say("live_wait", (Button(turn.words("button_pause"), Pause()),))
        return
    keep_going = Button(turn.words("button_keep_going"), Resume())
    turn.say("paced_wait", (keep_going, Button(turn.words("button_pause"), Pause())))


def _release_part(turn: _Turn) -> bool:
    """Send this person the next part of a paced brew; say whether there was one."""
    part = next_part(turn.pack, turn.progress)
    if part:
        turn.update(released=(*turn.progress.released, *part))
    return bool(part)


def _keep_going(turn: _Turn) -> None:
    """In a paced brew, someone coming back with nothing to answer gets the next part now."""
    if turn.pace is Pace.DAILY and _next_prompt(turn) is None:
        _release_part(turn)


# ------------------------------------------------------------------ prompts


def _next_prompt(turn: _Turn) -> Prompt | None:
    """Return the question to ask next: in a live brew only the one pushed last, in a paced
    brew the first sent and not answered, otherwise the first not answered or skipped."""
    done, released = set(turn.progress.done), turn.progress.released
    if turn.pace is Pace.LIVE:
        last = turn.pack.prompt(released[-1]) if released else None
        return last if last is not None and last.id not in done else None
    if turn.pace is Pace.DAILY:
        sent = set(released)
        return next((p for p in turn.pack.prompts if p.id in sent and p.id not in done), None)
    return next((p for p in turn.pack.prompts if p.id not in done), None)


def _current_prompt(turn: _Turn) -> Prompt | None:
    """Return the question waiting for an answer (repairing a stale pointer)."""
    current = turn.progress.current
    prompt = turn.pack.prompt(current) if current is not None else None
    if prompt is None or prompt.id in turn.progress.done:
        prompt = _next_prompt(turn)
    return prompt


def _ask_next(turn: _Turn) -> None:
    """Ask the next question; wait for one, or close when none are left."""
    prompt = _next_prompt(turn)
    if prompt is None and _waiting(turn):
        _wait(turn)
        return
    if prompt is None:
        _finish(turn)
        return
    turn.update(status=Status.ACTIVE, current=prompt.id)
    _ask(turn, prompt, story=True)


def _ask_current(turn: _Turn, *, story: bool) -> None:
    """Ask the current question again; wait for one, or close when none are left."""
    prompt = _current_prompt(turn)
    if prompt is None and _waiting(turn):
        _wait(turn)
        return
    if prompt is None:
        _finish(turn)
        return
    turn.update(current=prompt.id)
    _ask(turn, prompt, story=story)


def _ask(turn: _Turn, prompt: Prompt, *, story: bool) -> None:
    """Send the story (if wanted) and the question with its buttons, Skip and Pause."""
    easy = turn.progress.easy
    told = (prompt.story_easy or prompt.story) if easy else prompt.story
    if story and told:
        turn.replies.append(Reply(turn.fill(told)))
    question = _question_words(turn, prompt)
    buttons = (*_answer_buttons(turn, prompt), *_way_out_buttons(turn, prompt))
    turn.replies.append(Reply(question, buttons, expects_text=prompt.kind is Kind.TEXT))
    turn.notes.append(f"ask:{prompt.id}")


def _answer_buttons(turn: _Turn, prompt: Prompt) -> tuple[Button, ...]:
    """Return the buttons that answer a prompt, in order."""
    easy = turn.progress.easy
    if prompt.kind is Kind.CHOICE:
        return tuple(
            Button(turn.fill(o.easy if easy else o.text), Choose(prompt.id, o.id))
            for o in prompt.options
        )
    if prompt.kind is Kind.STAGE:
        return tuple(
            Button(turn.words(f"stage_{stage.key}"), Choose(prompt.id, stage.key))
            for stage in Stage
        )
    if prompt.kind is Kind.CONSENT:
        return tuple(
            Button(turn.words(f"button_{key}"), Choose(prompt.id, key)) for key, _ in _CONSENT
        )
    return ()


def _way_out_buttons(turn: _Turn, prompt: Prompt) -> tuple[Button, ...]:
    """Return Skip and Pause, offered with every question."""
    return (
        Button(turn.words("button_skip"), Skip(prompt.id)),
        Button(turn.words("button_pause"), Pause()),
    )


def _hold_buttons(turn: _Turn, *, stop: bool) -> tuple[Button, ...]:
    """Return Carry on (and Stop) for someone taking a break."""
    resume = Button(turn.words("button_resume"), Resume())
    return (resume, Button(turn.words("button_stop"), Stop())) if stop else (resume,)


# ------------------------------------------------------------------ answers


def _answer(
    turn: _Turn,
    prompt: Prompt,
    *,
    text: str,
    option: str | None = None,
    stage: Stage | None = None,
) -> Answer:
    """Build an answer carrying the person's remembered quote consent."""
    return Answer(
        prompt_id=prompt.id,
        principle=prompt.principle,
        kind=prompt.kind,
        text=text,
        option=option,
        stage=stage,
        quote_consent=_quote_consent(turn),
    )


def _chosen(turn: _Turn, prompt: Prompt, event: Choose) -> Answer | None:
    """Return the answer a button means for this prompt, or None if it means nothing."""
    if prompt.kind is Kind.CHOICE:
        for option in prompt.options:
            if option.id == event.option:
                return _answer(turn, prompt, text=turn.fill(option.text), option=option.id)
    elif prompt.kind is Kind.STAGE:
        for stage in Stage:
            if stage.key == event.option:
                named = turn.messages.text(f"stage_name_{stage.key}")
                return _answer(turn, prompt, text=named, option=stage.key, stage=stage)
    elif prompt.kind is Kind.CONSENT and event.option in ("yes", "no"):
        return _answer(turn, prompt, text=event.option, option=event.option)
    return None


def _quote_consent(turn: _Turn) -> bool:
    """Return the latest answer to the pack's quote-consent prompt (default: no)."""
    asking = {p.id for p in turn.pack.prompts if p.keeps is Keeps.QUOTE_CONSENT}
    agreed = False
    for prompt_id, value in turn.progress.consents:
        if prompt_id in asking:
            agreed = value
    return agreed


# ------------------------------------------------------------------ typed buttons


def _typed_button(turn: _Turn, prompt: Prompt, text: str) -> Event | None:
    """Read typed words as one of the question's buttons, if exactly one fits.

    On a text question only the bare words "skip" or "pause" count; anything
    else is an answer.
    """
    said = _plain(text)
    if not said:
        return None
    answer_buttons = _answer_buttons(turn, prompt)
    if said.isascii() and said.isdigit():
        number = int(said)
        return answer_buttons[number - 1].event if 1 <= number <= len(answer_buttons) else None
    found = _meanings(turn, prompt).get(said, set())
    return next(iter(found)) if len(found) == 1 else None


def _tried_a_button(turn: _Turn, prompt: Prompt, text: str) -> bool:
    """Say whether typed words try for a button without naming one: a number, or shared words."""
    said = _plain(text)
    return (said.isascii() and said.isdigit()) or len(_meanings(turn, prompt).get(said, ())) > 1


def _meanings(turn: _Turn, prompt: Prompt) -> dict[str, set[Event]]:
    """Map plain words a person might type to the buttons of the question they could mean."""
    answer_buttons = _answer_buttons(turn, prompt)
    meanings: dict[str, set[Event]] = {}

    def mean(words: str, event: Event) -> None:
        meanings.setdefault(_plain(words), set()).add(event)

    for button in (*answer_buttons, *_way_out_buttons(turn, prompt)):
        mean(button.label, button.event)
    for key in ("button_skip", "button_pause"):
        event = Skip(prompt.id) if key == "button_skip" else Pause()
        mean(turn.messages.text(key), event)
        mean(turn.messages.text(key, easy=True), event)
    for choice, words in _other_words(turn, prompt):
        mean(words, Choose(prompt.id, choice))
    return meanings


def _other_words(turn: _Turn, prompt: Prompt) -> Iterable[tuple[str, str]]:
    """Yield (option, words) pairs a person might type instead of pressing a button."""
    if prompt.kind is Kind.CHOICE:
        for option in prompt.options:
            names = (option.id, turn.fill(option.text), turn.fill(option.easy))
            yield from ((option.id, name) for name in names)
    elif prompt.kind is Kind.STAGE:
        for stage in Stage:
            key = f"stage_{stage.key}"
            for words in (
                stage.key.replace("_", " "),
                turn.messages.text(f"stage_name_{stage.key}"),
                stage.rag.value,
                turn.messages.text(f"colour_{stage.rag.value}"),
                turn.messages.text(key),
                turn.messages.text(key, easy=True),
                _without_brackets(turn.messages.text(key)),
                _without_brackets(turn.messages.text(key, easy=True)),
            ):
                yield stage.key, words
    elif prompt.kind is Kind.CONSENT:
        for key, agreed in _CONSENT:
            typed = _YES_WORDS if agreed else _NO_WORDS
            labels = (turn.messages.text(f"button_{key}", easy=e) for e in (False, True))
            yield from ((key, w) for w in (*typed, *labels))


_NOT_WORDS = re.compile(r"[^\w' ]+")


def _plain(text: str) -> str:
    """Lower-case words only, so typed answers compare with button labels."""
    text = text.replace("’", "'").lower()
    return " ".join(_NOT_WORDS.sub(" ", text).replace("_", " ").split())


def _without_brackets(text: str) -> str:
    """Drop a trailing "(colour)" from a stage label."""
    return re.sub(r"\([^)]*\)\s*$", "", text)
