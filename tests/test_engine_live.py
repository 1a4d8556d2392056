"""The engine in live and paced brews: waiting, pushed questions, late answers, daily parts."""

from __future__ import annotations

from conversations.engine import step
from conversations.loader import load_packs
from conversations.messages import load_messages
from conversations.model import (
    AnswerText,
    Begin,
    Choose,
    Event,
    LiveEnded,
    NextPart,
    Outcome,
    Pace,
    Pack,
    Pause,
    Progress,
    Push,
    Resume,
    Status,
)
from conversations.pacing import LATE_GRACE, asked_prompt, next_part, parts, with_asked

PACKS = load_packs()
BREW = PACKS["over-a-brew"]
PRINCIPLES = PACKS["four-principles"]
MESSAGES = load_messages()


def go(pack: Pack, progress: Progress | None, event: Event, pace: Pace) -> Outcome:
    return step(pack, progress, event, theme="tea", messages=MESSAGES, pace=pace)


def live(progress: Progress | None, event: Event, pack: Pack = BREW) -> Outcome:
    return go(pack, progress, event, Pace.LIVE)


def asked(outcome: Outcome) -> list[str]:
    return [n.removeprefix("ask:") for n in outcome.notes if n.startswith("ask:")]


def test_joining_a_live_brew_says_hello_then_waits_without_a_question() -> None:
    joined = live(None, Begin())
    assert joined.notes == ("opening", "live_wait")
    assert joined.progress.status is Status.ACTIVE and joined.progress.current is None
    assert live(Progress(BREW.id), Begin()).changed  # the shell's fresh progress is kept
    again = live(joined.progress, AnswerText("hello?", at=5.0))
    assert again.notes == ("nothing_open", "live_wait") and again.answers == ()


def test_a_pushed_question_is_asked_answered_and_then_the_person_waits() -> None:
    joined = live(None, Begin()).progress
    pushed = live(joined, Push("what_matters", at=100.0))
    assert asked(pushed) == ["what_matters"] and pushed.progress.late is None
    answered = live(pushed.progress, AnswerText("Kindness", at=110.0))
    assert [a.prompt_id for a in answered.answers] == ["what_matters"]
    assert answered.notes[-1] == "live_wait"  # never walks on to the next pack question


def test_words_sent_just_after_the_next_push_count_for_the_question_before() -> None:
    first = live(live(None, Begin()).progress, Push("what_matters", at=100.0)).progress
    second = live(first, Push("moment", at=200.0))
    assert second.progress.late == "what_matters" and asked(second) == ["moment"]
    late = live(second.progress, AnswerText("Being listened to", at=200.0 + LATE_GRACE - 1))
    assert [a.prompt_id for a in late.answers] == ["what_matters"]
    assert late.notes == ("live_late_kept",) and late.progress.current == "moment"
    now = live(late.progress, AnswerText("The day my carer stayed late", at=260.0))
    assert [a.prompt_id for a in now.answers] == ["moment"]


def test_words_after_the_grace_answer_the_new_question() -> None:
    first = live(live(None, Begin()).progress, Push("what_matters", at=100.0)).progress
    second = live(first, Push("moment", at=200.0)).progress
    later = live(second, AnswerText("A good day", at=200.0 + LATE_GRACE + 1))
    assert [a.prompt_id for a in later.answers] == ["moment"]


def test_a_tap_on_the_earlier_questions_button_still_counts_for_it() -> None:
    first = live(live(None, Begin()).progress, Push("about_you", at=1.0)).progress
    second = live(first, Push("what_matters", at=2.0)).progress
    tapped = live(second, Choose("about_you", "unpaid_carer"))
    assert [a.prompt_id for a in tapped.answers] == ["about_you"]
    assert tapped.self_description == "unpaid_carer"


def test_the_same_push_twice_asks_again_only_while_open_and_keeps_nothing_new() -> None:
    pushed = live(live(None, Begin()).progress, Push("what_matters", at=1.0)).progress
    again = live(pushed, Push("what_matters", at=1.0))
    assert asked(again) == ["what_matters"] and not again.changed
    answered = live(pushed, AnswerText("Trust", at=2.0)).progress
    assert live(answered, Push("what_matters", at=1.0)).replies == ()


def test_nobody_paused_or_stopped_hears_a_push_but_sees_it_when_back() -> None:
    joined = live(None, Begin()).progress
    paused = live(joined, Pause()).progress
    pushed = live(paused, Push("moment", at=1.0))
    assert pushed.replies == () and pushed.progress.status is Status.PAUSED
    assert asked(live(pushed.progress, Resume())) == ["moment"]


def test_a_one_off_question_becomes_a_prompt_of_its_own_with_braces_kept() -> None:
    pack = with_asked(BREW, [asked_prompt(3, "What is one {small} thing?")])
    pushed = live(live(None, Begin(), pack).progress, Push("live_3", at=1.0), pack)
    assert pushed.replies[-1].text == "What is one {small} thing?"
    answer = live(pushed.progress, AnswerText("Tea", at=2.0), pack).answers[0]
    assert answer.prompt_id == "live_3" and answer.text == "Tea"


def test_after_the_live_part_missed_questions_can_be_answered_in_ones_own_time() -> None:
    progress = live(live(None, Begin()).progress, Push("moment", at=1.0)).progress
    progress = live(progress, AnswerText("The garden", at=2.0)).progress
    ended = go(BREW, progress, LiveEnded(), Pace.SELF)
    assert ended.notes == ("live_ended_more",)
    carried = go(BREW, ended.progress, Resume(), Pace.SELF)
    assert asked(carried) == ["about_you"]  # the first one they missed


def test_the_end_of_the_live_part_closes_for_someone_who_answered_everything() -> None:
    progress = live(None, Begin()).progress
    for i, prompt in enumerate(BREW.prompts):
        progress = live(progress, Push(prompt.id, at=float(i * 100))).progress
        progress = live(progress, Resume()).progress
        for event in (Choose(prompt.id, "yes"), Choose(prompt.id, "other"), AnswerText("x", at=0)):
            progress = live(progress, event).progress
    assert set(progress.done) == {p.id for p in BREW.prompts}
    ended = go(BREW, progress, LiveEnded(), Pace.SELF)
    assert ended.progress.status is Status.FINISHED and "close" in ended.notes


def test_the_four_principles_go_one_a_day_with_the_set_up_questions_first() -> None:
    split = parts(PRINCIPLES)
    assert split[0][:2] == ("about_you", "quote_ok") and split[0][2] == "assets_stage"
    principles = [{PRINCIPLES.prompt(p).principle for p in part} for part in split[1:4]]  # type: ignore[union-attr]
    assert all(len(found) == 1 for found in principles)
    assert [p for part in split for p in part] == [p.id for p in PRINCIPLES.prompts]


def daily(progress: Progress | None, event: Event) -> Outcome:
    return go(PRINCIPLES, progress, event, Pace.DAILY)


def finish_part(progress: Progress) -> Progress:
    """Answer every question sent so far, as a person would, one at a time."""
    while progress.current is not None:
        prompt = PRINCIPLES.prompt(progress.current)
        assert prompt is not None
        event: Event = (
            AnswerText("Something", at=0.0)
            if prompt.kind.value == "text"
            else Choose(
                prompt.id, {"choice": "other", "consent": "yes"}.get(prompt.kind.value, "basics")
            )
        )
        progress = daily(progress, event).progress
    return progress


def test_a_paced_brew_gives_one_part_then_waits_offering_to_keep_going() -> None:
    joined = daily(None, Begin())
    assert set(joined.progress.released) == set(parts(PRINCIPLES)[0])
    done = finish_part(joined.progress)
    assert done.status is Status.ACTIVE and done.current is None
    assert daily(done, AnswerText("more?", at=1.0)).notes == ("nothing_open", "paced_wait")
    nxt = daily(done, NextPart())
    assert asked(nxt) == [parts(PRINCIPLES)[1][0]]


def test_someone_behind_gets_nothing_from_the_days_delivery() -> None:
    joined = daily(None, Begin()).progress
    delivered = daily(joined, NextPart())
    assert delivered.replies == () and not delivered.changed


def test_keep_going_sends_the_next_part_now() -> None:
    done = finish_part(daily(None, Begin()).progress)
    going = daily(done, Resume())
    assert asked(going) == [parts(PRINCIPLES)[1][0]]


def test_a_paced_brew_finishes_after_its_last_part() -> None:
    progress = daily(None, Begin()).progress
    for _ in parts(PRINCIPLES):
        progress = finish_part(progress)
        progress = daily(progress, NextPart()).progress
    assert progress.status is Status.FINISHED and next_part(PRINCIPLES, progress) == ()


def test_progress_keeps_what_was_sent_and_the_late_question_as_json() -> None:
    progress = Progress("p", released=("a", "b"), late="a", late_until=12.5)
    assert Progress.from_dict(progress.to_dict()) == progress
    assert Progress.from_dict({"pack_id": "p"}).released == ()
