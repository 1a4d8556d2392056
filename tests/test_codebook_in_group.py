"""/codebook in the facilitators' group, and the codebook button under a new brew's invite,
end to end through the stand-in and the real Application."""

from __future__ import annotations

from pathlib import Path

from bot.callbacks import NO_CODEBOOK, CodebookAction
from conversations.codebook import CODEBOOKS_DIR, load_codebook
from conversations.model import Answer, Kind, Outcome, Principle, Progress, Status
from storage.records import StoredCodebook
from tests.brew_support import PlantedBrew, planted_brew
from tests.facilitator_support import (
    ADMIN,
    MEMBER,
    group_calls,
    in_group,
    last_in_group,
    shown_now,
    tap_in_group,
)
from tests.running import FACILITATORS, Running

DATA = Path(__file__).parent / "data"
OURS = (DATA / "waiting-codebook.yaml").read_text(encoding="utf-8")
BROKEN = DATA / "broken-codebook.yaml"
FOUR = "Themes: The four co-production principles"
REAL = "Themes: Making it Real"
OWN_WORDS = "Themes: people's own words"


async def _post(brewbot: Running, name: str, data: bytes, *, user: int = ADMIN) -> str:
    """Someone posts a file in the group with /codebook as its caption; return the reply."""
    brewbot.standin.set_admins(FACILITATORS, [ADMIN])
    brewbot.standin.document(FACILITATORS, user, name, data, "/codebook")
    await brewbot.standin.wait_idle()
    return last_in_group(brewbot)


async def _group_choice(brewbot: Running) -> StoredCodebook | None:
    return await brewbot.services.store.group_codebook(FACILITATORS)


async def _brew_choice(brewbot: Running, brew_id: int) -> str | None:
    stored = await brewbot.services.store.brew_codebook(brew_id)
    return None if stored is None else stored.name


def _shipped(codebook_id: str) -> str:
    return (CODEBOOKS_DIR / f"{codebook_id}.yaml").read_text(encoding="utf-8")


async def test_a_posted_codebook_is_read_and_used_by_open_and_new_brews(brewbot: Running) -> None:
    store = brewbot.services.store
    closed = await brewbot.new_brew("last month")
    await store.close_brew(closed.id)
    still_open = await brewbot.new_brew("getting help at home")

    said = await _post(brewbot, "waiting.yaml", OURS.encode())

    assert "“Waiting and being heard”" in said
    for name in ("• Waiting", "• Telling my story again", "• Being listened to"):
        assert name in said
    assert "open brews and new ones" in said and "/codebook off" in said
    chosen = await _group_choice(brewbot)
    assert chosen is not None and (chosen.name, chosen.source) == ("waiting.yaml", OURS)
    assert await store.brew_codebook(still_open.id) == chosen
    assert await store.brew_codebook(closed.id) is None  # a closed brew stays as it was read

    await in_group(brewbot, "/newbrew being heard")
    newer = (await store.open_brews(FACILITATORS))[-1]
    assert newer.theme == "being heard"
    assert await store.brew_codebook(newer.id) == chosen
    invite = group_calls(brewbot)[-1]
    assert invite.text is not None
    assert "go into the themes of “Waiting and being heard” where they fit" in invite.text
    labels = [label for label, _ in brewbot.standin.buttons(invite)]
    assert labels[-3:] == [FOUR, REAL, OWN_WORDS]  # its own is in use: the shipped ones, or none
    brewbot.standin.assert_no_problems()


async def test_a_broken_codebook_gets_its_file_and_line_and_changes_nothing(
    brewbot: Running,
) -> None:
    await in_group(brewbot, "/codebook making-it-real")
    before = await _group_choice(brewbot)
    assert before is not None and before.name == "making-it-real"
    brew = await brewbot.new_brew()

    said = await _post(brewbot, "broken-codebook.yaml", BROKEN.read_bytes())

    assert "broken-codebook.yaml:9: this theme has no `name:`; add a short name" in said
    assert "nothing has changed" in said and "Traceback" not in said
    assert await _group_choice(brewbot) == before
    assert await _brew_choice(brewbot, brew.id) == "making-it-real"

    syntax = await _post(brewbot, "ours.yaml", b"themes:\n  - name: Waiting\n   description: x\n")
    assert "ours.yaml:3: YAML syntax" in syntax and "nothing has changed" in syntax
    assert await _group_choice(brewbot) == before
    brewbot.standin.assert_no_problems()


async def test_a_file_too_big_not_utf8_or_not_yaml_is_refused_kindly(brewbot: Running) -> None:
    await in_group(brewbot, "/codebook four-principles")
    before = await _group_choice(brewbot)
    huge = (OURS + "# " + "x" * 70_000 + "\n").encode()
    assert "too big" in await _post(brewbot, "huge.yaml", huge)
    latin1 = "themes:\n  - name: Café\n".encode("cp1252")
    assert "UTF-8" in await _post(brewbot, "old.yaml", latin1)
    assert ".yaml file" in await _post(brewbot, "themes.csv", b"name,description\nWaiting,x\n")
    assert "nothing has changed" in await _post(brewbot, "list.yaml", b"- just a list\n")
    assert await _group_choice(brewbot) == before
    brewbot.standin.assert_no_problems()


async def test_codebook_alone_a_shipped_one_and_off(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await in_group(brewbot, "/codebook")
    none = last_in_group(brewbot)
    assert "doesn't use a codebook" in none
    assert "/codebook four-principles" in none and "/codebook making-it-real" in none
    assert "/codebook as its caption" in none

    await in_group(brewbot, "/codebook four-principles")
    assert "• People as assets" in last_in_group(brewbot)
    chosen = await _group_choice(brewbot)
    assert chosen is not None
    assert (chosen.name, chosen.source) == ("four-principles", _shipped("four-principles"))
    assert await _brew_choice(brewbot, brew.id) == "four-principles"

    await in_group(brewbot, "/codebook")
    shown = last_in_group(brewbot)
    assert "“The four co-production principles”" in shown
    assert "• Social networks" in shown and "/codebook off" in shown

    await in_group(brewbot, "/codebook Making-It-Real")
    assert await _brew_choice(brewbot, brew.id) == "making-it-real"

    await in_group(brewbot, "/codebook off")
    assert "no codebook from now on" in last_in_group(brewbot)
    assert await _group_choice(brewbot) is None
    assert await _brew_choice(brewbot, brew.id) is None

    await in_group(brewbot, "/codebook fancy-themes")
    unknown = last_in_group(brewbot)
    assert "“fancy-themes”" in unknown and "/codebook making-it-real" in unknown
    assert await _group_choice(brewbot) is None
    brewbot.standin.assert_no_problems()


async def test_only_admins_may_choose_a_codebook(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await in_group(brewbot, "/codebook four-principles", user=MEMBER)
    assert "only this group's admins" in last_in_group(brewbot)
    assert "only this group's admins" in await _post(brewbot, "w.yaml", OURS.encode(), user=MEMBER)
    assert await _group_choice(brewbot) is None
    assert await _brew_choice(brewbot, brew.id) is None


async def test_the_invite_button_switches_one_brews_codebook(brewbot: Running) -> None:
    store = brewbot.services.store
    other = await brewbot.new_brew("another open brew")
    await in_group(brewbot, "/newbrew staying connected")
    invite = group_calls(brewbot)[-1]
    brew = (await store.open_brews(FACILITATORS))[-1]
    assert [label for label, _ in brewbot.standin.buttons(invite)][-2:] == [FOUR, REAL]

    await tap_in_group(brewbot, REAL, user=MEMBER)
    assert brewbot.standin.calls_to("answerCallbackQuery")[-1].params["text"] == (
        brewbot.services.text("press_refused")
    )
    assert await _brew_choice(brewbot, brew.id) is None

    await tap_in_group(brewbot, REAL)
    assert await _brew_choice(brewbot, brew.id) == "making-it-real"
    shown = shown_now(brewbot, invite.result["message_id"])
    assert "go into the themes of “Making it Real” where they fit" in shown["caption"]
    assert [label for label, _ in brewbot.standin.buttons(shown)][-2:] == [FOUR, OWN_WORDS]
    assert await _group_choice(brewbot) is None  # the group's choice, and other brews, stay
    assert await _brew_choice(brewbot, other.id) is None

    await tap_in_group(brewbot, OWN_WORDS)
    assert await _brew_choice(brewbot, brew.id) is None
    shown = shown_now(brewbot, invite.result["message_id"])
    assert "themes of" not in shown["caption"]
    assert [label for label, _ in brewbot.standin.buttons(shown)][-2:] == [FOUR, REAL]

    await store.close_brew(brew.id)
    await tap_in_group(brewbot, FOUR)
    assert brewbot.standin.calls_to("answerCallbackQuery")[-1].params["text"] == (
        brewbot.services.text("codebook_brew_closed")
    )
    assert await _brew_choice(brewbot, brew.id) is None
    brewbot.standin.assert_no_problems()


async def test_forged_or_stale_codebook_buttons_get_a_kind_reply(brewbot: Running) -> None:
    await in_group(brewbot, "/newbrew staying connected")
    invite = int(group_calls(brewbot)[-1].result["message_id"])
    brew = (await brewbot.services.store.open_brews(FACILITATORS))[-1]
    elsewhere = await brewbot.services.store.create_brew(
        theme="theirs", pack_id="over-a-brew", group_chat_id=-100555
    )
    codec = brewbot.services.buttons
    presses = {
        f"o:{brew.id}:making-it-real.AAAAAAAA": "stale_button",  # not signed by brewbot
        codec.pack(CodebookAction(brew.id, "no-such-codebook")): "codebook_gone",
        codec.pack(CodebookAction(elsewhere.id, NO_CODEBOOK)): "not_this_group",
    }
    for data, answer in presses.items():
        brewbot.standin.press(ADMIN, invite, data, chat_id=FACILITATORS, strict=False)
        await brewbot.standin.wait_idle()
        said = brewbot.standin.calls_to("answerCallbackQuery")[-1]
        assert said.ok and said.params["text"] == brewbot.services.text(answer), data
    assert await _brew_choice(brewbot, brew.id) is None
    assert await _brew_choice(brewbot, elsewhere.id) is None
    brewbot.standin.assert_no_problems()


async def _planted_answers(brewbot: Running, brew_id: int, name: str) -> PlantedBrew:
    """Everyone in a planted brew answers, straight through the store, as on their phones."""
    store, planted = brewbot.services.store, planted_brew(name)
    by_person: dict[str, list[int]] = {}
    for row, person in enumerate(planted.people):
        by_person.setdefault(person, []).append(row)
    for n, rows in enumerate(by_person.values()):
        participant = await store.join(990001 + n)
        answers = tuple(
            Answer(planted.prompts[r], Principle.THEME, Kind.TEXT, text=planted.texts[r])
            for r in rows
        )
        outcome = Outcome(
            progress=Progress("over-a-brew", status=Status.FINISHED),
            answers=answers,
            quote_consent=planted.consent[rows[0]],
        )
        await store.record_step(
            participant_id=participant.id, brew_id=brew_id, outcome=outcome, update_id=None
        )
    return planted


async def test_the_summary_names_the_themes_of_the_codebook_posted_in_the_group(
    brewbot: Running,
) -> None:
    brew = await brewbot.new_brew("living well at home")
    planted = await _planted_answers(brewbot, brew.id, "big")
    names = load_codebook(planted.codebook("described")).names

    before = len(group_calls(brewbot))
    await in_group(brewbot, "/summary")
    without = "\n".join(c.text or "" for c in group_calls(brewbot)[before:])
    assert "What people said" in without and not any(name in without for name in names)

    said = await _post(brewbot, "ours.yaml", planted.codebook("described").read_bytes())
    assert "• Night-time safety" in said
    before = len(group_calls(brewbot))
    await in_group(brewbot, "/summary")
    summary = "\n".join(c.text or "" for c in group_calls(brewbot)[before:])
    shown = [name for name in names if name in summary]
    assert len(shown) >= 4, summary
    brewbot.standin.assert_no_problems()
