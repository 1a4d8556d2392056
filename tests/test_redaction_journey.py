"""People who agree to be quoted write names, numbers and addresses: nobody else sees them.

/summary, /digest, /export and the poll quote the rest of their words; /review masks them
until an admin asks; the person's own /mydata shows their words whole, and as a quote.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from tests.facilitator_support import (
    ADMIN,
    MEMBER,
    finish_pack,
    group_calls,
    in_group,
    last_in_group,
    reply_in_group,
    shown_now,
    tap_in_group,
    took_part,
)
from tests.running import FACILITATORS, Running

PEOPLE = (879001, 879002, 879003, 879004, 879005, 879006)
# Each person: what matters, a moment, an idea (better), what to tell supporters.
SAID = {
    879001: [
        "My carer Sarah never rings back when she says she will.",
        "Mr Hughes at the council said the review would take two weeks.",
        "Ring me on 07700 900123 about having the same carer every week.",
        "Plain letters please.",
    ],
    879002: [
        "The carer who rings back matters, like Tunde does.",
        "I live at 14 Mill Lane, Norwich NR3 1AB and the review never came.",
        "Email jan.smith58@hotmail.co.uk about having the same carer every week.",
        "Plain letters please.",
    ],
    879003: [
        "A carer who rings back when they say, not like Mrs Okafor.",
        "My NHS number 943 476 5919 was wrong on the review letter.",
        "The same carer every week, ask my daughter Kelly on 020 7946 0321.",
        "Plain letters please.",
    ],
    879004: [
        "My carer rings back now, thanks to Dr Patel.",
        "Born 3rd March 1948, and the review was my first in years.",
        "The same carer every week would help, my postcode is IP4 2BX.",
        "Plain letters please.",
    ],
    879005: [
        "A carer who rings back. Our PA Siobhan always does.",
        "The review at 22 Station Road had no lift.",
        "The same carer every week, or call Gary from the council.",
        "Plain letters please.",
    ],
    879006: [
        "The carer rings back if you ask Maureen at the agency.",
        "My NI number AB 12 34 56 C was on the review form.",
        "The same carer every week; my son Daniel agrees.",
        "Plain letters please.",
    ],
}
PLANTED = (
    "Sarah",
    "Hughes",
    "07700 900123",
    "Tunde",
    "14 Mill Lane",
    "NR3 1AB",
    "jan.smith58",
    "hotmail",
    "Okafor",
    "943 476 5919",
    "Kelly",
    "020 7946 0321",
    "Patel",
    "1948",
    "IP4 2BX",
    "Siobhan",
    "Station Road",
    "Gary",
    "Maureen",
    "AB 12 34 56 C",
    "Daniel",
)


def _everything_posted(brewbot: Running, mark: int) -> str:
    """All the words brewbot put in the group since ``mark``: messages, captions, polls, files."""
    parts = []
    for call in group_calls(brewbot)[mark:]:
        parts.append(call.text or "")
        if call.method == "sendPoll":
            parts += [o["text"] for o in call.result["poll"]["options"]]
        parts += [upload.data.decode("utf-8-sig") for upload in call.files.values()]
    return "\n".join(parts).replace("\u2068", "").replace("\u2069", "")


def _leaked(text: str) -> list[str]:
    return [words for words in PLANTED if words.casefold() in text.casefold()]


async def test_summary_digest_export_and_poll_quote_words_without_identifiers(
    brewbot: Running,
) -> None:
    brewbot.clock.now = datetime.now(UTC)  # the store stamps answers with the real time
    brew = await brewbot.new_brew("getting help at home")
    await finish_pack(brewbot, brew.code, PEOPLE, texts={p: SAID[p] for p in PEOPLE})
    assert all(brewbot.typed_answers(p) == SAID[p] for p in PEOPLE)  # kept as written

    mark = len(group_calls(brewbot))
    await in_group(brewbot, "/summary")
    summary = _everything_posted(brewbot, mark)
    headline = int(group_calls(brewbot)[mark].result["message_id"])
    assert "getting help at home" in summary and not _leaked(summary)
    assert "rings back" in summary and "same carer every week" in summary

    for command in ("/digest", "/export"):
        mark = len(group_calls(brewbot))
        await in_group(brewbot, command)
        posted = _everything_posted(brewbot, mark)
        assert not _leaked(posted), command
    assert "My carer [name] never rings back when she says she will." in posted  # the CSV
    assert "Ring me on [phone number] about having the same carer every week." in posted
    assert "I live at [address], Norwich [postcode] and the review never came." in posted

    mark = len(group_calls(brewbot))
    await reply_in_group(brewbot, "/prioritise", headline)
    polls = [c for c in group_calls(brewbot)[mark:] if c.method == "sendPoll"]
    assert len(polls) == 1
    options = [o["text"] for o in polls[0].result["poll"]["options"]]
    assert options and not _leaked("\n".join(options))
    brewbot.standin.assert_no_problems()


HELD = "Please ring Sarah Jones on 07700 900 411, she is scared of him."
LONG = (
    "My neighbour Mrs Okafor at 14 Mill Lane has not been out for weeks and her son Daniel "
    "shouts at her when he visits. I do not know who to tell. Her number is 07700 900 233 "
    "and she said not to ring the council because they will move her."
)


def _popups(brewbot: Running) -> list[dict[str, object]]:
    return [c.params for c in brewbot.standin.calls_to("answerCallbackQuery")]


def _shown_in_full(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "shown in full" in r.getMessage()]


async def test_review_masks_identifiers_and_shows_them_to_the_admin_who_asks(
    brewbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    brew = await brewbot.new_brew("feeling safe at home")
    await took_part(brewbot, brew, list(range(879101, 879106)))
    await took_part(brewbot, brew, [879110], words=(HELD,), prompt="better", concern=True)
    (held,) = await brewbot.services.store.held_answers(FACILITATORS)
    await in_group(brewbot, "/review")
    shown = last_in_group(brewbot)
    assert "Please ring [name] on [phone number], she is scared of him." in shown
    assert "Sarah" not in shown and "07700" not in shown
    message_id = brewbot.standin.newest_with_button(FACILITATORS, "Show in full")
    assert message_id is not None

    await tap_in_group(brewbot, "Show in full", user=MEMBER)  # not an admin: refused
    assert _popups(brewbot)[-1]["text"] == brewbot.services.text("press_refused")

    with caplog.at_level(logging.INFO):
        await tap_in_group(brewbot, "Show in full", user=ADMIN)
    assert _popups(brewbot)[-1]["text"] == HELD  # a pop-up only the admin who tapped sees
    assert _popups(brewbot)[-1]["show_alert"] is True
    now = shown_now(brewbot, message_id)["text"]
    assert "Sarah" not in now  # the group sees it masked, and that it was shown in full
    assert brewbot.services.messages.count("review_seen_in_full", 1) in now
    (counted,) = await brewbot.services.store.held_answers(FACILITATORS)
    assert counted.shown_in_full == 1
    assert _shown_in_full(caplog) == [
        f"Held answer #{held.answer_id} was shown in full in group {FACILITATORS}"
    ]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Sarah" not in logged and "07700" not in logged and str(ADMIN) not in logged

    await tap_in_group(brewbot, "Keep out")
    assert "Sarah" not in shown_now(brewbot, message_id)["text"]
    brewbot.standin.assert_no_problems()


async def test_a_long_held_answer_is_shown_in_full_in_a_private_chat(
    brewbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    brew = await brewbot.new_brew("feeling safe at home")
    await took_part(brewbot, brew, list(range(879121, 879126)))
    await took_part(brewbot, brew, [879130], words=(LONG,), prompt="better", concern=True)
    await in_group(brewbot, "/review")
    assert "Okafor" not in last_in_group(brewbot) and "[address]" in last_in_group(brewbot)
    with caplog.at_level(logging.INFO):
        await tap_in_group(brewbot, "Show in full", user=ADMIN)  # no private chat yet
        assert _popups(brewbot)[-1]["text"] == brewbot.services.text("review_start_private")
        assert not _shown_in_full(caplog) and not brewbot.texts(ADMIN)
        brewbot.standin.world.private_chat(ADMIN)  # the admin starts a chat with brewbot
        await tap_in_group(brewbot, "Show in full", user=ADMIN)
    assert brewbot.texts(ADMIN) == [brewbot.services.text("review_in_full", words=LONG)]
    assert _popups(brewbot)[-1]["text"] == brewbot.services.text("review_sent_privately")
    assert len(_shown_in_full(caplog)) == 1
    (held,) = await brewbot.services.store.held_answers(FACILITATORS)
    assert held.shown_in_full == 1  # the refused first tap (no private chat) is not counted
    await tap_in_group(brewbot, "Show in full", user=ADMIN)
    message_id = brewbot.standin.newest_with_button(FACILITATORS, "Show in full")
    assert message_id is not None
    seen = brewbot.services.messages.count("review_seen_in_full", 2)
    assert seen == "Admins have seen this one in full 2 times."
    assert seen in shown_now(brewbot, message_id)["text"]


async def test_mydata_shows_the_words_whole_and_how_a_quote_would_look(brewbot: Running) -> None:
    person = 879201
    brew = await brewbot.new_brew("staying connected")
    await brewbot.send(person, f"/start {brew.code}")
    await brewbot.tap(person, "I am an unpaid carer")
    assert "phone numbers and addresses" in brewbot.last(person)  # the quoting question says so
    await brewbot.tap(person, "Yes")
    await brewbot.send(person, "My neighbour Pat rings me on 07700 900 312 most days.")
    await brewbot.send(person, "/mydata")
    shown = "\n".join(brewbot.texts(person)[-3:])
    assert "My neighbour Pat rings me on 07700 900 312 most days." in shown
    quoted = "My neighbour [name] rings me on [phone number] most days."
    assert brewbot.services.text("mydata_quoted", quoted=quoted) in shown
