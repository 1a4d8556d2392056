"""The engine: example rules on both shipped packs, then properties over any events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.engine import EngineError, step
from conversations.loader import load_pack, load_packs
from conversations.messages import load_messages
from conversations.model import (
    Answer,
    AnswerText,
    Begin,
    Button,
    Choose,
    Event,
    Kind,
    Option,
    Outcome,
    Pack,
    Pause,
    Principle,
    Progress,
    Prompt,
    Reply,
    Resume,
    SetEasy,
    Skip,
    Stage,
    Status,
    Stop,
)

PACKS = load_packs()
TINY = load_pack(Path(__file__).parent / "data" / "tiny-pack.yaml")
MESSAGES = load_messages()
THEME = "going through a review"
BOTH = sorted(PACKS)


def go(pack: Pack, progress: Progress | None, event: Event) -> Outcome:
    return step(pack, progress, event, theme=THEME, messages=MESSAGES)


def walk(pack: Pack, events: Iterable[Event], progress: Progress | None = None) -> list[Outcome]:
    outcomes = []
    for event in events:
        outcome = go(pack, progress, event)
        outcomes.append(outcome)
        progress = outcome.progress
    return outcomes


def started(pack: Pack, *, easy: bool = False) -> Outcome:
    return go(pack, Progress(pack_id=pack.id, easy=easy), Begin())


def at(pack: Pack, kind: Kind) -> tuple[Progress, Prompt]:
    """Skip forward to the first prompt of ``kind``."""
    outcome = started(pack)
    while True:
        prompt = pack.prompt(outcome.progress.current or "")
        assert prompt is not None
        if prompt.kind is kind:
            return outcome.progress, prompt
        outcome = go(pack, outcome.progress, Skip(prompt.id))


def labels(reply: Reply) -> list[str]:
    return [button.label for button in reply.buttons]


def events_of(reply: Reply) -> list[Event]:
    return [button.event for button in reply.buttons]


def question(outcome: Outcome) -> Reply:
    return outcome.replies[-1]


# ------------------------------------------------------------------ beginning


@pytest.mark.parametrize("name", BOTH)
def test_begin_sends_the_opening_with_the_theme_then_the_first_prompt(name: str) -> None:
    pack = PACKS[name]
    outcome = go(pack, None, Begin())
    assert outcome.replies[0].text == pack.opening.format(theme=THEME)
    assert THEME in outcome.replies[0].text
    assert question(outcome).text == pack.prompts[0].text
    assert outcome.progress.current == pack.prompts[0].id
    assert outcome.progress.status is Status.ACTIVE and outcome.progress.turns == 1
    assert outcome.changed and outcome.notes == ("opening", f"ask:{pack.prompts[0].id}")


def test_a_fresh_progress_keeps_easy_wording_from_the_start() -> None:
    pack = PACKS["over-a-brew"]
    outcome = started(pack, easy=True)
    assert outcome.replies[0].text == pack.opening_easy.format(theme=THEME)
    assert question(outcome).text == pack.prompts[0].easy


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.PAUSED, Status.STOPPED])
def test_begin_again_welcomes_back_and_asks_the_current_prompt(status: Status) -> None:
    pack = PACKS["four-principles"]
    progress = Progress(pack.id, status=status, current="assets_why", done=("about_you",), turns=4)
    outcome = go(pack, progress, Begin())
    assert outcome.notes == ("welcome_back", "ask:assets_why")
    assert outcome.progress.status is Status.ACTIVE
    assert question(outcome).text == "What makes you say that?"
    assert outcome.changed is (status is not Status.ACTIVE)


def test_begin_when_finished_is_a_kind_word_and_changes_nothing() -> None:
    pack = PACKS["over-a-brew"]
    done = tuple(p.id for p in pack.prompts)
    progress = Progress(pack.id, status=Status.FINISHED, done=done, turns=9)
    outcome = go(pack, progress, Begin())
    assert outcome.notes == ("already_finished",)
    assert not outcome.changed and outcome.progress == progress and not outcome.answers


# ------------------------------------------------------------------ asking


def test_a_stage_prompt_sends_its_story_then_four_stages_skip_and_pause() -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    outcome = go(pack, replace(progress, status=Status.PAUSED), Resume())
    story, ask = outcome.replies[-2:]
    assert story.text == prompt.story and not story.buttons
    assert ask.text == prompt.text and not ask.expects_text
    assert events_of(ask) == [
        *(Choose(prompt.id, stage.key) for stage in Stage),
        Skip(prompt.id),
        Pause(),
    ]
    assert labels(ask) == [
        "🔴 Haven't got this yet (red)",
        "🟠 Got the basics (amber)",
        "🟠 Getting there (amber)",
        "🟢 Doing really well (green)",
        "Skip",
        "Pause",
    ]


def test_easy_wording_uses_the_easy_story_question_and_labels() -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    outcome = go(pack, progress, SetEasy(True))
    story, ask = outcome.replies
    assert story.text == prompt.story_easy and ask.text == prompt.easy
    assert labels(ask)[0] == "🔴 Not yet (red)"
    assert outcome.progress.easy and outcome.changed


@pytest.mark.parametrize("name", BOTH)
def test_a_choice_prompt_offers_its_options_then_skip_and_pause(name: str) -> None:
    pack = PACKS[name]
    ask = question(started(pack))
    prompt = pack.prompts[0]
    assert labels(ask) == [*(o.text for o in prompt.options), "Skip", "Pause"]
    assert events_of(ask)[:-2] == [Choose(prompt.id, o.id) for o in prompt.options]


@pytest.mark.parametrize("name", BOTH)
def test_a_consent_prompt_offers_yes_and_no(name: str) -> None:
    pack = PACKS[name]
    progress, prompt = at(pack, Kind.CONSENT)
    ask = question(go(pack, replace(progress, status=Status.PAUSED), Resume()))
    assert events_of(ask) == [
        Choose(prompt.id, "yes"),
        Choose(prompt.id, "no"),
        Skip(prompt.id),
        Pause(),
    ]
    assert labels(ask)[:2] == ["Yes", "No"]


@pytest.mark.parametrize("name", BOTH)
def test_a_text_prompt_expects_text_and_fills_the_theme(name: str) -> None:
    pack = PACKS[name]
    progress, prompt = at(pack, Kind.TEXT)
    ask = question(go(pack, replace(progress, status=Status.PAUSED), Resume()))
    assert ask.expects_text and labels(ask) == ["Skip", "Pause"]
    assert ask.text == prompt.text.format(theme=THEME)
    assert "{" not in ask.text


# ------------------------------------------------------------------ text answers


@pytest.mark.parametrize("name", BOTH)
def test_a_typed_answer_is_kept_stripped_with_thanks_then_the_next_prompt(name: str) -> None:
    pack = PACKS[name]
    progress, prompt = at(pack, Kind.TEXT)
    outcome = go(pack, progress, AnswerText("  The staff really listened.  "))
    assert outcome.answers == (
        Answer(prompt.id, prompt.principle, Kind.TEXT, text="The staff really listened."),
    )
    assert outcome.notes[0] == "thanks"
    assert prompt.id in outcome.progress.done
    assert outcome.progress.current != prompt.id and outcome.changed and not outcome.concern


def test_thank_yous_vary_with_the_turn() -> None:
    pack = PACKS["over-a-brew"]
    progress, _ = at(pack, Kind.TEXT)
    seen = set()
    for answer in ("a", "b", "c"):
        outcome = go(pack, progress, AnswerText(answer))
        seen.add(outcome.replies[0].text)
        progress = outcome.progress
    assert len(seen) == 3


def test_an_empty_answer_is_a_gentle_word_and_the_prompt_again() -> None:
    pack = PACKS["over-a-brew"]
    progress, prompt = at(pack, Kind.TEXT)
    outcome = go(pack, progress, AnswerText("   \n "))
    assert outcome.notes == ("empty_answer", f"ask:{prompt.id}")
    assert not outcome.changed and outcome.progress == progress and not outcome.answers


def test_text_answers_carry_the_remembered_quote_consent() -> None:
    pack = PACKS["over-a-brew"]
    outcomes = walk(
        pack,
        [Begin(), Skip("about_you"), Choose("quote_ok", "yes"), AnswerText("Being heard.")],
        Progress(pack.id),
    )
    assert outcomes[2].quote_consent is True
    assert outcomes[2].answers[0].quote_consent is True
    assert outcomes[3].answers[0].quote_consent is True
    assert outcomes[3].quote_consent is None


def test_quote_consent_defaults_to_no() -> None:
    pack = PACKS["over-a-brew"]
    outcomes = walk(pack, [Begin(), Skip("about_you"), Skip("quote_ok"), AnswerText("Tea.")])
    assert outcomes[-1].answers[0].quote_consent is False


def test_words_of_harm_raise_a_concern_and_are_still_kept() -> None:
    pack = PACKS["over-a-brew"]
    progress, _ = at(pack, Kind.TEXT)
    outcome = go(pack, progress, AnswerText("My son hits me when I ask about money"))
    assert outcome.concern and len(outcome.answers) == 1


def test_words_of_harm_on_a_button_question_raise_a_concern_and_are_kept() -> None:
    pack = PACKS["over-a-brew"]
    progress, prompt = at(pack, Kind.CHOICE)
    outcome = go(pack, progress, AnswerText("I don't feel safe at home"))
    assert outcome.concern and outcome.changed
    assert [(a.kind, a.text) for a in outcome.answers] == [(Kind.TEXT, "I don't feel safe at home")]
    assert outcome.notes == (f"ask:{prompt.id}",)  # no cheery thank-you: the shell offers help


# ------------------------------------------------------------------ typed buttons


@pytest.mark.parametrize(
    ("typed", "option"),
    [
        ("getting there", "getting_there"),
        ("Getting there!", "getting_there"),
        ("Haven't got this yet", "not_yet"),
        ("haven’t got this yet", "not_yet"),
        ("red", "not_yet"),
        ("GREEN", "doing_well"),
        ("3", "getting_there"),
        ("🟢 Doing really well (green)", "doing_well"),
    ],
)
def test_typed_words_that_match_a_stage_count_as_that_stage(typed: str, option: str) -> None:
    pack = PACKS["four-principles"]
    progress, _ = at(pack, Kind.STAGE)
    outcome = go(pack, progress, AnswerText(typed))
    assert [(a.option, a.stage) for a in outcome.answers] == [(option, Stage.from_key(option))]


@pytest.mark.parametrize("typed", ["amber", "5", "0", "🙂", "?!"])
def test_a_try_at_a_button_that_fits_no_stage_or_two_asks_for_a_button(typed: str) -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    outcome = go(pack, progress, AnswerText(typed))
    assert outcome.notes == ("use_buttons", f"ask:{prompt.id}")
    assert not outcome.changed and not outcome.answers
    assert "Skip" in outcome.replies[0].text


@pytest.mark.parametrize("name", BOTH)
@pytest.mark.parametrize(
    ("typed", "option"),
    [("2", "unpaid_carer"), ("i work in care", "works_in_care"), ("Something else", "other")],
)
def test_typed_words_or_numbers_pick_a_choice(name: str, typed: str, option: str) -> None:
    pack = PACKS[name]
    outcome = go(pack, started(pack).progress, AnswerText(typed))
    assert [a.option for a in outcome.answers] == [option]
    assert outcome.self_description == option


@pytest.mark.parametrize(("typed", "agreed"), [("yes", True), ("Yes!", True), ("no", False)])
def test_typed_yes_or_no_answers_consent(typed: str, agreed: bool) -> None:
    pack = PACKS["over-a-brew"]
    progress, prompt = at(pack, Kind.CONSENT)
    outcome = go(pack, progress, AnswerText(typed))
    assert outcome.quote_consent is agreed
    assert outcome.progress.consents == ((prompt.id, agreed),)


def test_typing_skip_or_pause_on_a_button_question_does_that() -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    skipped = go(pack, progress, AnswerText("skip"))
    assert prompt.id in skipped.progress.done and not skipped.answers
    paused = go(pack, progress, AnswerText("Pause"))
    assert paused.progress.status is Status.PAUSED


@pytest.mark.parametrize("typed", ["skip", "Skip.", " SKIP "])
def test_typing_just_skip_on_a_text_question_skips_it(typed: str) -> None:
    pack = PACKS["over-a-brew"]
    progress, prompt = at(pack, Kind.TEXT)
    outcome = go(pack, progress, AnswerText(typed))
    assert not outcome.answers and prompt.id in outcome.progress.done


@pytest.mark.parametrize("typed", ["1", "no", "Skip the forms, just talk to me"])
def test_other_words_on_a_text_question_are_the_answer(typed: str) -> None:
    pack = PACKS["over-a-brew"]
    progress, _ = at(pack, Kind.TEXT)
    outcome = go(pack, progress, AnswerText(typed))
    assert [a.text for a in outcome.answers] == [typed]


@pytest.mark.parametrize("kind", [Kind.STAGE, Kind.CHOICE, Kind.CONSENT])
@pytest.mark.parametrize("typed", ["maybe", "sort of", "Some days yes, some days no."])
def test_words_typed_on_a_button_question_are_kept_and_the_question_stays(
    kind: Kind, typed: str
) -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, kind)
    outcome = go(pack, progress, AnswerText(typed))
    (kept,) = outcome.answers
    assert (kept.prompt_id, kept.principle, kept.kind, kept.text) == (
        prompt.id,
        prompt.principle,
        Kind.TEXT,
        typed,
    )
    assert kept.stage is None and kept.option is None
    assert outcome.changed and outcome.progress.current == prompt.id
    assert prompt.id not in outcome.progress.done
    assert outcome.notes == ("kept_words_tap", f"ask:{prompt.id}")
    assert "Skip" in outcome.replies[0].text
    assert outcome.quote_consent is None and outcome.self_description is None


# ------------------------------------------------------------------ buttons


def test_choosing_a_stage_keeps_the_stage_and_its_words() -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    outcome = go(pack, progress, Choose(prompt.id, "basics"))
    assert outcome.answers == (
        Answer(
            prompt.id,
            prompt.principle,
            Kind.STAGE,
            text="got the basics",
            option="basics",
            stage=Stage.BASICS,
        ),
    )
    assert outcome.notes[0] == "thanks"


@pytest.mark.parametrize("name", BOTH)
@pytest.mark.parametrize("option", ["draws_on_care", "rather_not_say"])
def test_choosing_how_you_describe_yourself_is_kept_as_the_option_id(
    name: str, option: str
) -> None:
    pack = PACKS[name]
    outcome = go(pack, started(pack).progress, Choose("about_you", option))
    assert outcome.self_description == option
    assert outcome.answers[0].option == option and outcome.answers[0].kind is Kind.CHOICE


@pytest.mark.parametrize(
    ("option", "agreed", "note"), [("yes", True, "quote_yes"), ("no", False, "quote_no")]
)
def test_quote_consent_is_remembered_and_reported(option: str, agreed: bool, note: str) -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.CONSENT)
    outcome = go(pack, progress, Choose(prompt.id, option))
    assert outcome.quote_consent is agreed
    assert outcome.progress.consents == ((prompt.id, agreed),)
    assert outcome.answers[0].quote_consent is agreed and outcome.answers[0].text == option
    assert outcome.notes[0] == note


@pytest.mark.parametrize(
    "event",
    [
        Choose("assets_stage", "basics"),  # an earlier question
        Choose("networks_stage", "basics"),  # a later question
        Choose("nonsense", "basics"),
        Skip("about_you"),
        Skip("nonsense"),
    ],
)
def test_a_button_from_another_question_changes_nothing(event: Event) -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.TEXT)
    outcome = go(pack, progress, event)
    assert outcome.notes == ("earlier_question", f"ask:{prompt.id}")
    assert not outcome.changed and not outcome.answers and outcome.progress == progress


def test_a_stage_button_from_another_stage_question_changes_nothing() -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    assert prompt.id == "assets_stage"
    outcome = go(pack, progress, Choose("work_stage", "doing_well"))
    assert not outcome.changed and not outcome.answers
    assert outcome.notes == ("earlier_question", "ask:assets_stage")


@pytest.mark.parametrize("option", ["not_a_stage", "yes", "draws_on_care", ""])
def test_a_forged_option_changes_nothing(option: str) -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    outcome = go(pack, progress, Choose(prompt.id, option))
    assert not outcome.changed and not outcome.answers
    assert outcome.notes[0] == "earlier_question"


def test_choosing_on_a_text_prompt_changes_nothing() -> None:
    pack = PACKS["over-a-brew"]
    progress, prompt = at(pack, Kind.TEXT)
    outcome = go(pack, progress, Choose(prompt.id, "yes"))
    assert not outcome.changed and not outcome.answers


@pytest.mark.parametrize("name", BOTH)
def test_skip_moves_on_without_an_answer(name: str) -> None:
    pack = PACKS[name]
    outcome = go(pack, started(pack).progress, Skip(pack.prompts[0].id))
    assert not outcome.answers and outcome.progress.done == (pack.prompts[0].id,)
    assert outcome.progress.current == pack.prompts[1].id
    assert outcome.notes == (f"ask:{pack.prompts[1].id}",)


@pytest.mark.parametrize("name", BOTH)
def test_the_last_answer_brings_the_close(name: str) -> None:
    pack = PACKS[name]
    outcomes = walk(pack, [Begin(), *(Skip(p.id) for p in pack.prompts[:-1])])
    last = pack.prompts[-1]
    outcome = go(pack, outcomes[-1].progress, AnswerText("A cup of tea and a chat."))
    assert outcome.progress.status is Status.FINISHED and outcome.progress.current is None
    assert outcome.replies[-1].text == pack.close.format(theme=THEME)
    assert outcome.notes == ("thanks", "close") and outcome.answers[0].prompt_id == last.id


# ------------------------------------------------------------------ pause, stop, easy


@pytest.mark.parametrize("name", BOTH)
def test_pause_offers_carry_on_and_stop(name: str) -> None:
    pack = PACKS[name]
    outcome = go(pack, started(pack).progress, Pause())
    assert outcome.progress.status is Status.PAUSED
    assert outcome.notes == ("paused",)
    assert events_of(outcome.replies[0]) == [Resume(), Stop()]
    assert labels(outcome.replies[0]) == ["Carry on", "Stop"]


def test_resume_after_a_pause_asks_the_current_prompt_again() -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    paused = go(pack, progress, Pause()).progress
    outcome = go(pack, paused, Resume())
    assert outcome.progress.status is Status.ACTIVE
    assert outcome.notes == ("resumed", f"ask:{prompt.id}")


def test_resume_while_active_shows_the_prompt_and_changes_nothing() -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.TEXT)
    outcome = go(pack, progress, Resume())
    assert outcome.notes == (f"ask:{prompt.id}",) and not outcome.changed


@pytest.mark.parametrize("name", BOTH)
def test_stop_says_nothing_more_will_come_and_how_to_return_or_delete(name: str) -> None:
    pack = PACKS[name]
    outcome = go(pack, started(pack).progress, Stop())
    assert outcome.progress.status is Status.STOPPED
    text = outcome.replies[0].text
    assert "/resume" in text and "/forget" in text
    again = go(pack, outcome.progress, Stop())
    assert not again.changed and again.notes == ("stopped",)


@pytest.mark.parametrize(
    ("status", "note"), [(Status.PAUSED, "while_paused"), (Status.STOPPED, "while_stopped")]
)
@pytest.mark.parametrize(
    "event", [AnswerText("hello"), Choose("about_you", "other"), Skip("about_you"), Pause()]
)
def test_on_hold_other_events_offer_carry_on(status: Status, note: str, event: Event) -> None:
    pack = PACKS["over-a-brew"]
    progress = replace(started(pack).progress, status=status)
    outcome = go(pack, progress, event)
    assert outcome.notes == (note,) and not outcome.changed and not outcome.answers
    assert Resume() in events_of(outcome.replies[0])


def test_set_easy_while_on_hold_is_remembered_quietly() -> None:
    pack = PACKS["over-a-brew"]
    progress = replace(started(pack).progress, status=Status.PAUSED)
    outcome = go(pack, progress, SetEasy(True))
    assert outcome.progress.easy and outcome.changed and outcome.replies == ()


@pytest.mark.parametrize(
    "event", [AnswerText("more"), Choose("about_you", "other"), Skip("about_you"), Pause()]
)
def test_after_the_close_everything_gets_a_kind_word_and_changes_nothing(event: Event) -> None:
    pack = PACKS["over-a-brew"]
    outcomes = walk(pack, [Begin(), *(Skip(p.id) for p in pack.prompts)])
    finished = outcomes[-1].progress
    outcome = go(pack, finished, event)
    assert outcome.notes == ("already_finished",)
    assert not outcome.changed and outcome.progress == finished and not outcome.answers


def test_turns_count_each_event_that_changes_something() -> None:
    pack = PACKS["over-a-brew"]
    outcomes = walk(pack, [Begin(), Skip("about_you"), Skip("nonsense"), Pause()])
    assert [o.progress.turns for o in outcomes] == [1, 2, 2, 3]


def test_progress_for_another_pack_is_refused() -> None:
    with pytest.raises(EngineError, match="over-a-brew"):
        go(PACKS["four-principles"], Progress("over-a-brew"), Begin())


def test_a_progress_pointing_at_a_removed_prompt_moves_to_the_next_one() -> None:
    pack = PACKS["over-a-brew"]
    progress = Progress(pack.id, current="gone", done=("about_you",), turns=3)
    outcome = go(pack, progress, Resume())
    assert outcome.progress.current == "quote_ok"


# ------------------------------------------------------------------ properties

ALL_PACKS = [*PACKS.values(), TINY]
WAY_OUT_WORDS = ("pause", "stop", "resume", "skip", "carry on")


@st.composite
def event_for(draw: st.DrawFn, pack: Pack) -> Event:
    prompt_ids = [p.id for p in pack.prompts] + ["nonsense"]
    options = sorted(
        {o.id for p in pack.prompts for o in p.options}
        | {s.key for s in Stage}
        | {"yes", "no", "bogus"}
    )
    typed = st.one_of(
        st.sampled_from(
            [
                "",
                "  ",
                "1",
                "2",
                "4",
                "¹",
                "٣",
                "9",
                "yes",
                "no",
                "skip",
                "Pause",
                "red",
                "amber",
                "getting there",
                "Something else",
                "My mum hits me",
                "A kind word.",
            ]
        ),
        st.text(max_size=40),
    )
    event: Event = draw(
        st.one_of(
            st.just(Begin()),
            st.just(Pause()),
            st.just(Resume()),
            st.just(Stop()),
            st.builds(SetEasy, st.booleans()),
            st.builds(AnswerText, typed),
            st.builds(Skip, st.sampled_from(prompt_ids)),
            st.builds(Choose, st.sampled_from(prompt_ids), st.sampled_from(options)),
        )
    )
    return event


def offers_way_out(reply: Reply) -> bool:
    return bool(reply.buttons) or any(w in reply.text.lower() for w in WAY_OUT_WORDS)


def check_step(pack: Pack, before: Progress | None, event: Event, outcome: Outcome) -> None:
    after = outcome.progress
    old_done = before.done if before else ()
    # Nothing answered or skipped is ever undone, repeated or asked again.
    assert after.done[: len(old_done)] == old_done
    assert len(set(after.done)) == len(after.done)
    asked = [n.removeprefix("ask:") for n in outcome.notes if n.startswith("ask:")]
    assert not set(asked) & set(after.done)
    # Answers only ever go to the prompt that was current.
    for answer in outcome.answers:
        assert before is not None and answer.prompt_id == before.current
        assert answer.prompt_id not in old_done
        prompt = pack.prompt(answer.prompt_id)
        assert prompt is not None
        # Words typed on a button question are kept as words beside it.
        beside = isinstance(event, AnswerText) and answer.kind is Kind.TEXT
        assert answer.kind is prompt.kind or beside
        assert (answer.stage is not None) is (answer.kind is Kind.STAGE)
    assert len(outcome.answers) <= 1
    if isinstance(event, Choose) and (before is None or event.prompt_id != before.current):
        assert not outcome.answers
    # Every question offers Skip and Pause.
    questions = [r for r in outcome.replies if any(isinstance(b.event, Skip) for b in r.buttons)]
    assert len(questions) == len(asked)
    for reply in questions:
        kinds = [type(b.event) for b in reply.buttons]
        assert kinds[-2:] == [Skip, Pause]
    # While not finished, the last thing said leaves a way out.
    if after.status is not Status.FINISHED and outcome.replies:
        assert offers_way_out(outcome.replies[-1])
    # The status and the current prompt agree.
    if after.status is Status.FINISHED:
        assert after.current is None and set(after.done) <= {p.id for p in pack.prompts}
    elif after.status is Status.ACTIVE:
        assert after.current is not None and after.current not in after.done
    if len(after.done) == len(pack.prompts):
        assert after.status is Status.FINISHED
    # "Changed nothing" means exactly that; otherwise one more turn.
    if not outcome.changed:
        assert before is not None and after == before and not outcome.answers
    else:
        assert after.turns == (before.turns if before else 0) + 1
    # Progress survives storage as JSON.
    assert Progress.from_dict(after.to_dict()) == after
    for reply in outcome.replies:
        assert reply.text.strip() and "{theme}" not in reply.text
        assert all(isinstance(b, Button) and b.label.strip() for b in reply.buttons)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_events_keep_every_promise(data: st.DataObject) -> None:
    pack = data.draw(st.sampled_from(ALL_PACKS), label="pack")
    events = data.draw(st.lists(event_for(pack), max_size=40), label="events")
    progress: Progress | None = None
    for event in [Begin(), *events]:
        outcome = go(pack, progress, event)
        check_step(pack, progress, event, outcome)
        progress = outcome.progress
    # From wherever they are, carrying on and skipping always reaches the close.
    assert progress is not None
    for _ in range(len(pack.prompts) + 2):
        if progress.status is Status.FINISHED:
            break
        if progress.status is not Status.ACTIVE:
            progress = go(pack, progress, Resume()).progress
        assert progress.current is not None
        outcome = go(pack, progress, Skip(progress.current))
        check_step(pack, progress, Skip(progress.current), outcome)
        progress = outcome.progress
    assert progress.status is Status.FINISHED
    assert set(progress.done) == {p.id for p in pack.prompts}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_stale_buttons_never_produce_an_answer(data: st.DataObject) -> None:
    pack = data.draw(st.sampled_from(ALL_PACKS), label="pack")
    events = data.draw(st.lists(event_for(pack), max_size=20), label="events")
    progress = go(pack, None, Begin()).progress
    for event in events:
        progress = go(pack, progress, event).progress
    others = [p.id for p in pack.prompts if p.id != progress.current]
    stale_id = data.draw(st.sampled_from(others), label="stale prompt")
    prompt = pack.prompt(stale_id)
    assert prompt is not None
    option = data.draw(
        st.sampled_from([o.id for o in prompt.options] + [s.key for s in Stage] + ["yes", "no"]),
        label="option",
    )
    outcome = go(pack, progress, Choose(stale_id, option))
    assert not outcome.answers and not outcome.changed


def test_the_theme_is_filled_into_options_too() -> None:
    themed = Prompt(
        id="q",
        principle=Principle.THEME,
        kind=Kind.CHOICE,
        text="How was {theme}?",
        easy="How was {theme}?",
        options=(
            Option("good", "{theme} went well", "Good"),
            Option("bad", "{theme} was hard", "Hard"),
        ),
    )
    pack = replace(TINY, prompts=(themed,))
    outcome = go(pack, None, Begin())
    assert labels(question(outcome))[:2] == [f"{THEME} went well", f"{THEME} was hard"]
    chosen = go(pack, outcome.progress, AnswerText(f"{THEME} was hard"))
    assert [a.text for a in chosen.answers] == [f"{THEME} was hard"]


def test_no_cheery_thank_you_after_words_that_suggest_harm() -> None:
    pack = PACKS["over-a-brew"]
    progress = Progress(pack_id=pack.id, current="what_matters", done=("about_you", "quote_ok"))
    worrying = step(
        pack, progress, AnswerText("He hits me when nobody is here"), theme="t", messages=MESSAGES
    )
    assert worrying.concern and "thanks" not in worrying.notes
    assert worrying.answers[0].text == "He hits me when nobody is here"
    ordinary = step(
        pack, progress, AnswerText("Knowing who is coming"), theme="t", messages=MESSAGES
    )
    assert not ordinary.concern and "thanks" in ordinary.notes


# ------------------------------------------------------------------ recap


def _through_four_principles(picks: dict[str, str], *, easy: bool = False) -> Outcome:
    """Walk four-principles, choosing ``picks`` (prompt id to stage key), skipping the rest."""
    pack = PACKS["four-principles"]
    outcome = started(pack, easy=easy)
    while outcome.progress.status is not Status.FINISHED:
        current = outcome.progress.current
        assert current is not None
        event: Event = Choose(current, picks[current]) if current in picks else Skip(current)
        outcome = go(pack, outcome.progress, event)
    return outcome


def test_the_recap_gives_each_stage_in_words_and_says_which_were_skipped() -> None:
    picks = {"assets_stage": "getting_there", "reciprocity_stage": "not_yet"}
    outcome = _through_four_principles({**picks, "networks_stage": "doing_well"})
    assert outcome.notes[-2:] == ("recap", "close")
    recap = outcome.replies[-2].text.splitlines()
    assert recap == [
        "Here is what you picked for each big idea:",
        "• Seeing what people are good at: 🟠 Getting there (amber)",
        "• Unpaid work is real work: you skipped this one",
        "• Giving help as well as getting it: 🔴 Haven't got this yet (red)",
        "• Staying close to friends and family: 🟢 Doing really well (green)",
    ]
    assert outcome.replies[-2].buttons == ()


def test_the_recap_uses_easy_words_for_easy_read() -> None:
    outcome = _through_four_principles({"work_stage": "basics"}, easy=True)
    recap = outcome.replies[-2].text
    assert "• Unpaid work counts: 🟠 Just started (amber)" in recap
    assert "• What people are good at: skipped" in recap


def test_no_recap_when_every_stage_was_skipped_or_the_pack_has_none() -> None:
    outcome = _through_four_principles({})
    assert "recap" not in outcome.notes and outcome.notes[-1] == "close"
    pack = PACKS["over-a-brew"]
    outcomes = walk(pack, [Begin(), *(Skip(p.id) for p in pack.prompts)])
    assert "recap" not in outcomes[-1].notes


def test_chosen_stages_are_remembered_in_progress_and_survive_storage() -> None:
    pack = PACKS["four-principles"]
    progress, prompt = at(pack, Kind.STAGE)
    after = go(pack, progress, Choose(prompt.id, "basics")).progress
    assert after.stages == ((prompt.id, "basics"),)
    assert Progress.from_dict(after.to_dict()) == after
    older = {k: v for k, v in after.to_dict().items() if k != "stages"}
    assert Progress.from_dict(older).stages == ()  # progress kept before the recap existed


def test_a_stage_key_no_longer_known_reads_as_skipped() -> None:
    pack = PACKS["four-principles"]
    finished = _through_four_principles({"assets_stage": "basics"}).progress
    last = pack.prompts[-1].id
    progress = replace(
        finished,
        status=Status.ACTIVE,
        current=last,
        done=finished.done[:-1],
        stages=(("assets_stage", "basics"), ("work_stage", "gone")),
    )
    recap = go(pack, progress, Skip(last)).replies[-2].text
    assert "• Unpaid work is real work: you skipped this one" in recap
