"""The engine in live and paced brews: waiting, pushed questions, words for the question
before, which question words are for, the end of the live part, daily parts."""

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
    Skip,
    Status,
    WordsFor,
)
from conversations.pacing import (
    FASTEST_TYPING,
    TYPING_GRACE,
    Written,
    asked_prompt,
    live_pack,
    next_part,
    parts,
    written_for,
)

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
    pushed = live(joined, Push("what_matters"))
    assert asked(pushed) == ["what_matters"] and pushed.progress.late is None
    answered = live(pushed.progress, AnswerText("Kindness", at=110.0))
    assert [a.prompt_id for a in answered.answers] == ["what_matters"]
    assert answered.notes[-1] == "live_wait"  # never walks on to the next pack question


def two_pushed() -> Progress:
    """Someone who had "what_matters" open, unanswered, when "moment" was pushed."""
    first = live(live(None, Begin()).progress, Push("what_matters")).progress
    second = live(first, Push("moment"))
    assert second.progress.late == "what_matters" and asked(second) == ["moment"]
    return second.progress


SHOWN = 1_000.0  # when "moment" reached their screen (Telegram's time, in seconds)


def typed(text: str, after: float | None, shown: float | None = SHOWN) -> AnswerText:
    """Words sent ``after`` seconds after the new question reached them."""
    return AnswerText(text, at=None if after is None else SHOWN + after, shown_at=shown)


def test_words_sent_as_the_next_question_arrives_count_for_the_question_before() -> None:
    late = live(two_pushed(), typed("Being listened to", TYPING_GRACE))
    assert [a.prompt_id for a in late.answers] == ["what_matters"]
    assert late.notes == ("live_late_kept",) and late.progress.current == "moment"
    assert late.progress.late is None
    now = live(late.progress, typed("The day my carer stayed late", 2.0))
    assert [a.prompt_id for a in now.answers] == ["moment"]  # the one before is answered


def test_words_sent_before_the_next_question_reached_them_are_for_the_one_before() -> None:
    # Telegram dates them earlier, or the new question has not been delivered to them yet.
    for words in (typed("A cup of tea", -20.0), typed("A cup of tea", 40.0, shown=None)):
        assert [a.prompt_id for a in live(two_pushed(), words).answers] == ["what_matters"]


def test_words_sent_a_few_seconds_after_the_next_question_answer_it() -> None:
    # 8 to 30 s after it arrived: time enough to read it and type these words.
    for after in (8.0, 12.0, 30.0, 300.0):
        later = live(two_pushed(), typed("A good day", after))
        assert [a.prompt_id for a in later.answers] == ["moment"], after
        assert later.notes[0] != "live_late_kept"


def test_words_too_long_to_type_since_the_next_question_came_are_asked_about() -> None:
    words = (
        "The social worker came back when she said she would, and she wrote down what I told her."
    )
    assert written_for(words, SHOWN + 8.0, SHOWN) is Written.UNSURE
    unsure = live(two_pushed(), typed(words, 8.0))
    assert unsure.answers == () and not unsure.changed and unsure.notes == ("which_question",)
    (reply,) = unsure.replies
    assert reply.about_words
    assert [b.event for b in reply.buttons] == [
        WordsFor("what_matters"),
        WordsFor("moment"),
        WordsFor(None),
    ]
    labels = [b.label for b in reply.buttons]
    assert labels[0] == "For: What matters most to you about tea?"
    assert labels[1].startswith("For: When you think about tea") and labels[1].endswith("…")
    assert all(len(label) <= 46 for label in labels)
    # Long enough after, even these words could have been typed for the new question.
    later = live(two_pushed(), typed(words, TYPING_GRACE + len(words) / FASTEST_TYPING + 1))
    assert [a.prompt_id for a in later.answers] == ["moment"]


def test_the_question_chosen_for_the_words_gets_them() -> None:
    words = "Someone who rang me back"
    before = live(two_pushed(), WordsFor("what_matters", words))
    assert [(a.prompt_id, a.text) for a in before.answers] == [("what_matters", words)]
    assert before.notes == ("live_late_kept",) and before.progress.current == "moment"
    now = live(two_pushed(), WordsFor("moment", words))
    assert [(a.prompt_id, a.text) for a in now.answers] == [("moment", words)]
    assert now.notes[-1] == "live_wait" and now.progress.late == "what_matters"
    neither = live(two_pushed(), WordsFor(None, words))
    assert neither.answers == () and neither.notes == ("words_left_out",)


def test_words_for_a_question_answered_or_never_sent_are_left_out_kindly() -> None:
    answered = live(two_pushed(), typed("Tea", 60.0)).progress
    again = live(answered, WordsFor("moment", "More tea"))
    assert again.answers == () and again.notes == ("words_for_answered",)
    unseen = live(two_pushed(), WordsFor("better", "More tea"))
    assert unseen.answers == () and unseen.notes == ("words_for_answered",)
    assert live(two_pushed(), WordsFor("no_such_question", "x")).notes == ("words_for_answered",)


def test_a_tap_on_the_earlier_questions_button_still_counts_for_it() -> None:
    first = live(live(None, Begin()).progress, Push("about_you")).progress
    second = live(first, Push("what_matters")).progress
    tapped = live(second, Choose("about_you", "unpaid_carer"))
    assert [a.prompt_id for a in tapped.answers] == ["about_you"]
    assert tapped.self_description == "unpaid_carer"


def test_the_same_push_twice_asks_again_only_while_open_and_keeps_nothing_new() -> None:
    pushed = live(live(None, Begin()).progress, Push("what_matters")).progress
    again = live(pushed, Push("what_matters"))
    assert asked(again) == ["what_matters"] and not again.changed
    answered = live(pushed, AnswerText("Trust", at=2.0)).progress
    assert live(answered, Push("what_matters")).replies == ()


def test_nobody_paused_or_stopped_hears_a_push_but_sees_it_when_back() -> None:
    joined = live(None, Begin()).progress
    paused = live(joined, Pause()).progress
    pushed = live(paused, Push("moment"))
    assert pushed.replies == () and pushed.progress.status is Status.PAUSED
    assert asked(live(pushed.progress, Resume())) == ["moment"]


def test_a_one_off_question_becomes_a_prompt_of_its_own_with_braces_kept() -> None:
    pack = live_pack(BREW, [asked_prompt(3, "What is one {small} thing?")])
    pushed = live(live(None, Begin(), pack).progress, Push("live_3"), pack)
    assert pushed.replies[-1].text == "What is one {small} thing?"
    answer = live(pushed.progress, AnswerText("Tea", at=2.0), pack).answers[0]
    assert answer.prompt_id == "live_3" and answer.text == "Tea"


# After the live part, the brew asks only what was pushed in it (the shell's live_pack).
PUSHED = live_pack(BREW, [BREW.prompt(p) for p in ("what_matters", "moment", "better")])  # type: ignore[misc]


def ended(progress: Progress) -> Outcome:
    return go(PUSHED, progress, LiveEnded(), Pace.SELF)


def three_pushed(*answers: str | None) -> Progress:
    """Someone who got the three questions, answering each with these words (None: not)."""
    progress = live(None, Begin(), PUSHED).progress
    for prompt, words in zip(PUSHED.prompts, answers, strict=True):
        progress = live(progress, Push(prompt.id), PUSHED).progress
        if words is not None:
            progress = live(progress, typed(words, 60.0), PUSHED).progress
    return progress


def test_the_end_of_the_live_part_tells_whoever_missed_a_question_even_one_still_open() -> None:
    for answers in ((None, "Trust", None), ("Trust", "A walk", None), (None, None, None)):
        notice = ended(three_pushed(*answers))
        assert notice.notes == ("live_ended_more",), answers
        assert notice.progress.current is None and notice.progress.late is None
        assert notice.progress.status is Status.ACTIVE and notice.answers == ()


def test_the_end_of_the_live_part_thanks_whoever_answered_everything() -> None:
    everything = ended(three_pushed("Trust", "A walk", "More time"))
    assert everything.progress.status is Status.FINISHED and "close" in everything.notes
    assert "live_ended_more" not in everything.notes
    skipped = live(three_pushed("Trust", "A walk", None), Skip("better"), PUSHED).progress
    assert ended(skipped).progress.status is Status.FINISHED  # a skip is an answer of sorts


def test_nothing_typed_after_the_end_is_a_late_answer_or_goes_to_an_unchosen_question() -> None:
    notice = ended(three_pushed("Trust", None, None)).progress
    after = go(PUSHED, notice, typed("Thank you, I enjoyed that", 1.0), Pace.SELF)
    assert after.answers == () and after.notes == ("which_question",)
    (reply,) = after.replies
    assert [b.event for b in reply.buttons] == [
        WordsFor("moment"),
        WordsFor("better"),
        WordsFor(None),
    ]
    left = go(PUSHED, notice, WordsFor(None, "Thank you, I enjoyed that"), Pace.SELF)
    assert left.answers == () and left.notes == ("words_left_out",)
    chosen = go(PUSHED, notice, WordsFor("better", "More time to talk"), Pace.SELF)
    assert [(a.prompt_id, a.text) for a in chosen.answers] == [("better", "More time to talk")]
    assert asked(chosen) == ["moment"]  # then the other one they missed, on their screen
    kept = go(PUSHED, chosen.progress, AnswerText("The garden"), Pace.SELF)
    assert [a.prompt_id for a in kept.answers] == ["moment"]
    assert kept.progress.status is Status.FINISHED


def test_after_the_live_part_carry_on_asks_only_questions_that_were_pushed() -> None:
    notice = ended(three_pushed(None, "Trust", "More time")).progress
    carried = go(PUSHED, notice, Resume(), Pace.SELF)
    assert asked(carried) == ["what_matters"]  # never the pack's about_you, never sent
    kept = go(PUSHED, carried.progress, AnswerText("Being heard"), Pace.SELF)
    assert [a.prompt_id for a in kept.answers] == ["what_matters"]
    assert kept.progress.status is Status.FINISHED


def test_someone_on_a_break_at_the_end_sees_what_is_left_when_back() -> None:
    paused = live(three_pushed("Trust", None, None), Pause(), PUSHED).progress
    notice = ended(paused)
    assert notice.replies == () and notice.progress.status is Status.PAUSED
    back = go(PUSHED, notice.progress, Resume(), Pace.SELF)
    assert asked(back) == ["better"]  # the question open when they paused


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
    progress = Progress("p", released=("a", "b"), late="a")
    assert Progress.from_dict(progress.to_dict()) == progress
    assert Progress.from_dict({**progress.to_dict(), "late_until": 12.5}) == progress  # older
    assert Progress.from_dict({"pack_id": "p"}).released == ()
