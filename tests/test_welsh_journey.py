"""Someone who reads Welsh meets no English: through both packs, easy words, /mydata,
/forget, a reminder, news, voice notes and a live brew, every message they receive is checked
against the English catalogue and packs, and a leak names the English message it came from.
A facilitators' group that chose Cymraeg gets its summary, charts and digest in Welsh, checked
the same way."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.jobs.nudges import send_due_nudges
from conversations.loader import PACKS_DIR, load_pack
from conversations.messages import load_messages
from conversations.voice import MAX_SECONDS
from tests.facilitator_support import (
    LINK,
    group_calls,
    in_group,
    last_in_group,
    tap_in_group,
    took_part,
)
from tests.running import FACILITATORS, Running
from tests.test_live import all_got
from tests.test_live_session import tap_starting, write
from tests.test_voice import VOICE, needs_model, opus

CARYS = 2501  # her Telegram app is in Welsh
DEWI = 2502  # his is in English: he taps Cymraeg
ELEN = 2503

# The listening model hears English only, so what Carys says aloud comes back in English:
# her own words, shown back to her, not brewbot's.
AGAIN = (VOICE / "again.oga").read_bytes()
HEARD_AGAIN = "Being asked what matters to me, not told."
ASKED = (
    "Beth sy'n bwysig i chi am gael help gartref?",
    "Beth sy'n mynd yn y ffordd?",
    "Beth fyddai'n ei wneud yn well?",
)
LONG = (
    "Roedd y gofalwr a ddaeth ar ddydd Mawrth yn gwybod fy enw, yn holi am yr ardd, a byth yn"
    " rhuthro, hyd yn oed pan oedd hi'n hwyr."
)  # too long to have been typed in the 10 seconds since the second question came

# Words English has and Welsh prose never uses: a leak too short to match a message whole.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "you",
        "your",
        "and",
        "are",
        "is",
        "to",
        "of",
        "we",
        "it",
        "that",
        "this",
        "with",
        "for",
        "what",
        "have",
        "not",
        "please",
        "thank",
        "thanks",
        "yes",
        "no",
        "skip",
        "pause",
        "stop",
        "carry",
    ]
)


def english_fragments() -> dict[str, str]:
    """Every run of three or more words in English messages and packs, and where it is."""
    fragments: dict[str, str] = {}
    messages = load_messages()
    texts = [
        (f"message `{key}`", words)
        for key in messages
        for words in (*messages.entry(key).text, *messages.entry(key).easy)
    ]
    for path in sorted(PACKS_DIR.glob("*.yaml")):
        pack = load_pack(path)
        texts += [(f"{path.name}", getattr(pack, f)) for f in ("opening", "close")]
        texts += [(f"{path.name}", getattr(pack, f"{f}_easy")) for f in ("opening", "close")]
        for prompt in pack.prompts:
            for words in (prompt.text, prompt.easy, prompt.story, prompt.story_easy):
                texts.append((f"{path.name} `{prompt.id}`", words or ""))
            for option in prompt.options:
                texts += [(f"{path.name} `{prompt.id}.{option.id}`", option.text)]
    for where, words in texts:
        for piece in re.split(r"\{[a-z_]+\}|\n|(?<=[.!?:])\s+", words):
            piece = piece.strip(" •–—:;,.")
            if len(piece.split()) >= 3:
                fragments.setdefault(piece, where)
    return fragments


def english_in(text: str, fragments: dict[str, str]) -> list[str]:
    """Say which English message each English piece of a text came from, if any."""
    found = [f"{where}: “{piece}”" for piece, where in fragments.items() if piece in text]
    prose = re.sub(r"/[a-z_]+", " ", text)  # commands are typed as they are: /stop
    words = {w.casefold() for w in re.findall(r"[A-Za-z]+", prose)} & ENGLISH_WORDS
    if words:
        found.append(f"English words {sorted(words)} in: {text!r}")
    return found


def sent_after(brewbot: Running, user: int, after: int) -> list[dict[str, object]]:
    """The parameters of every call to this person after their first ``after``."""
    return [c.params for c in brewbot.standin.sent_to(user)[after:]]


def buttons_to(brewbot: Running, user: int, after: int) -> list[str]:
    """The words on every button brewbot showed this person, but the offer of English."""
    labels: list[str] = []
    for params in sent_after(brewbot, user, after):
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            labels += [b["text"] for b in row if b["text"] != "English"]
    return labels


def assert_all_welsh(
    brewbot: Running, user: int, *, after: int = 0, theirs: tuple[str, ...] = ()
) -> None:
    """Fail, naming the English messages, if anything this person got (after their first
    ``after`` calls: messages, edits, captions, buttons) was in English; ``theirs`` are words
    the person said themselves, shown back to them, which are not brewbot's to translate."""
    fragments = english_fragments()
    english = load_messages()
    labels = {w for k in english for w in english.entry(k).text} - {"English", "✓ {label}"}
    words = [
        str(params.get("text") or params.get("caption"))
        for params in sent_after(brewbot, user, after)
        if params.get("text") or params.get("caption")
    ]
    for said in theirs:
        words = [text.replace(said, "") for text in words]
    leaks = [leak for text in words for leak in english_in(text, fragments)]
    leaks += [f"an English button: {b}" for b in buttons_to(brewbot, user, after) if b in labels]
    assert not leaks, "A Welsh speaker read English (translate these):\n" + "\n".join(leaks)


async def test_a_welsh_speaker_meets_no_english_anywhere(brewbot: Running, tmp_path: Path) -> None:
    brewbot.standin.world.user(CARYS)["language_code"] = "cy"
    first = await brewbot.new_brew("cael help gartref")
    await brewbot.send(CARYS, f"/start {first.code}")
    assert "dydw i ddim yn cadw eich enw" in brewbot.texts(CARYS)[0]
    await brewbot.tap(CARYS, "Rydw i'n ofalwr di-dâl")
    await brewbot.tap(CARYS, "Ie")
    for answer in (
        "Cael gwybod pwy sy'n dod.",
        "Y diwrnod arhosodd fy ngofalwr i sgwrsio.",
        "Llai o wynebau newydd.",
        "Rydw i'n hoffi gwneud pethau fy hun.",
    ):
        await brewbot.send(CARYS, answer)
    await brewbot.tap(CARYS, "Hoffwn, diolch")

    await brewbot.send(CARYS, "/easy")
    second = await brewbot.new_brew("gweithio gyda'n gilydd", pack="four-principles")
    await brewbot.send(CARYS, f"/start {second.code}")
    await brewbot.tap(CARYS, "Rydw i'n gofalu am rywun")
    await brewbot.tap(CARYS, "Na")
    for stage in ("🔴 Dim eto (coch)", "🟠 Ar y ffordd (ambr)", "🟢 Da iawn (gwyrdd)", "Neidio"):
        await brewbot.tap(CARYS, stage)
        await brewbot.send(CARYS, "Achos mae pobl yn gwrando.")
        await brewbot.send(CARYS, "Mwy o amser i siarad.")
    await brewbot.send(CARYS, "/help")

    third = await brewbot.new_brew("mynd allan")
    await brewbot.send(CARYS, f"/start {third.code}")
    brewbot.clock.advance(timedelta(days=2, hours=1))
    await brewbot.run_job(send_due_nudges)
    assert any("nodyn atgoffa" in t for t in brewbot.texts(CARYS))
    await brewbot.tap(CARYS, "Parhau")
    await brewbot.send(CARYS, "/pause")
    await brewbot.send(CARYS, "/resume")

    await in_group(brewbot, "/wesaid Rydyn ni nawr yn ffonio pobl yn ôl o fewn diwrnod.")
    await tap_in_group(brewbot, "cael help gartref")
    await brewbot.standin.wait_for(lambda: any("Newyddion" in t for t in brewbot.texts(CARYS)))
    await brewbot.send(CARYS, "/stop")

    await brewbot.send(CARYS, "/mydata")
    assert any("Dyma'r cyfan rydw i'n ei gadw" in t for t in brewbot.texts(CARYS))
    await brewbot.send(CARYS, "/forget")
    await brewbot.tap(CARYS, "Ydw, dileu")
    assert "Rydw i wedi dileu popeth" in brewbot.last(CARYS)
    assert await brewbot.services.store.participant_by_chat(CARYS) is None
    assert_all_welsh(brewbot, CARYS)
    brewbot.standin.assert_no_problems()


async def test_tapping_cymraeg_asks_the_question_again_in_welsh(brewbot: Running) -> None:
    brew = await brewbot.new_brew("cael help gartref")
    await brewbot.send(DEWI, f"/start {brew.code}")
    assert "don't keep your name" in brewbot.texts(DEWI)[0]
    before = len(brewbot.standin.sent_to(DEWI))
    await brewbot.tap(DEWI, "Cymraeg")
    assert "Pa un o'r rhain sy'n eich disgrifio orau?" in brewbot.last(DEWI)
    await brewbot.tap(DEWI, "Rhywbeth arall")
    participant = await brewbot.services.store.participant_by_chat(DEWI)
    assert participant is not None and participant.language == "cy"
    assert_all_welsh(brewbot, DEWI, after=before)
    menus = brewbot.standin.calls_to("setMyCommands")
    mine = [c for c in menus if c.params.get("scope", {}).get("chat_id") == DEWI]
    assert mine and mine[-1].params["commands"][0]["description"] == "Sut alla i helpu"
    await brewbot.send(DEWI, "/language")
    await brewbot.tap(DEWI, "English")
    assert "I'll write to you in English" in brewbot.last(DEWI)


async def test_help_comes_first_and_in_welsh(brewbot: Running) -> None:
    brewbot.standin.world.user(ELEN)["language_code"] = "cy"
    brew = await brewbot.new_brew("cael help gartref")
    await brewbot.send(ELEN, f"/start {brew.code}")
    await brewbot.tap(ELEN, "Rhywbeth arall")
    await brewbot.tap(ELEN, "Na")
    before = len(brewbot.texts(ELEN))
    await brewbot.send(ELEN, "Mae fy mhartner yn fy nharo i pan dw i'n gofyn am arian.")
    help_now = brewbot.texts(ELEN)[before]
    assert help_now.startswith("Diolch am ddweud wrtha i.")
    assert "Os oes rhywun mewn perygl nawr: ffoniwch 999" in help_now
    assert "Y Samariaid, unrhyw bryd, am ddim: ffoniwch 116 123" in help_now
    assert_all_welsh(brewbot, ELEN)


async def test_a_group_that_chooses_cymraeg_is_answered_in_welsh(brewbot: Running) -> None:
    await in_group(brewbot, "/language")
    await tap_in_group(brewbot, "Cymraeg")
    group = await brewbot.services.store.group(FACILITATORS)
    assert group is not None and group.settings["language"] == "cy"
    await in_group(brewbot, "/brews")
    assert last_in_group(brewbot) == brewbot.services.catalogue.messages("cy").text("brews_none")
    menus = brewbot.standin.calls_to("setMyCommands")
    admins = [c for c in menus if c.params.get("scope", {}).get("type") == "chat_administrators"]
    described = {m["command"]: m["description"] for m in admins[-1].params["commands"]}
    assert described["newbrew"] == "Dechrau sgwrs: /newbrew a phwnc"
    await in_group(brewbot, "/newbrew lang=xx cael help")
    assert "Dydw i ddim yn siarad" in last_in_group(brewbot)
    await in_group(brewbot, "/newbrew lang=cy cael help gartref")
    (brew,) = await brewbot.services.store.open_brews(FACILITATORS)
    assert brew.language == "cy"
    await brewbot.send(DEWI, f"/start {brew.code}")  # his app is English; the brew is Welsh
    assert "dydw i ddim yn cadw eich enw" in brewbot.texts(DEWI)[0]


async def _voice(brewbot: Running, user: int, audio: bytes, seconds: int = 5) -> None:
    """Someone sends a voice note and waits until brewbot has listened and answered."""
    brewbot.standin.voice(user, duration=seconds, data=audio)
    await brewbot.standin.wait_idle(timeout=60)  # the first note starts the listening worker


@needs_model
async def test_voice_notes_are_offered_heard_and_kept_in_welsh(brewbot: Running) -> None:
    brewbot.standin.world.user(CARYS)["language_code"] = "cy"
    brew = await brewbot.new_brew("cael help gartref")
    await brewbot.send(CARYS, f"/start {brew.code}")
    assert "anfon neges llais yn Saesneg" in brewbot.texts(CARYS)[0]
    await brewbot.tap(CARYS, "Neidio")
    await brewbot.tap(CARYS, "Ie")
    await _voice(brewbot, CARYS, opus(3))  # silence
    assert "allwn i ddim clywed unrhyw eiriau" in brewbot.last(CARYS)
    await _voice(brewbot, CARYS, AGAIN)
    assert brewbot.last(CARYS).startswith("Clywais i:")
    await brewbot.send(CARYS, "/mydata")
    assert any("Geiriau o neges llais" in t for t in brewbot.texts(CARYS))
    await brewbot.tap(CARYS, "Trio eto")
    await _voice(brewbot, CARYS, AGAIN)
    await brewbot.tap(CARYS, "Teipio ateb")
    await brewbot.send(CARYS, "Cael gwybod pwy sy'n dod.")

    await _voice(brewbot, CARYS, AGAIN)
    older = brewbot.message_with_button(CARYS, "Cadw hwn")
    await _voice(brewbot, CARYS, AGAIN)
    brewbot.standin.press_label(CARYS, older, "Cadw hwn")  # a newer note's words wait
    await brewbot.standin.wait_idle()
    await brewbot.tap(CARYS, "Cadw hwn")
    assert brewbot.typed_answers(CARYS) == ["Cael gwybod pwy sy'n dod.", HEARD_AGAIN]
    await _voice(brewbot, CARYS, AGAIN, seconds=MAX_SECONDS + 60)
    assert "rhy hir" in brewbot.last(CARYS)
    assert_all_welsh(brewbot, CARYS, theirs=(HEARD_AGAIN,))
    brewbot.standin.assert_no_problems()


async def test_a_live_brew_asks_which_question_in_welsh(brewbot: Running) -> None:
    brewbot.standin.world.user(ELEN)["language_code"] = "cy"
    await in_group(brewbot, "/live cael help gartref")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    await brewbot.send(ELEN, f"/start {match.group(2)}")
    await _voice(brewbot, ELEN, opus(2))  # nothing asked yet
    assert "Does dim cwestiwn yn aros" in brewbot.last(ELEN)

    for question in ASKED[:2]:
        await in_group(brewbot, f"/ask {question}")
        await all_got(brewbot, question, [ELEN])
    write(brewbot, ELEN, LONG, after=(ASKED[1], 10))
    await brewbot.standin.wait_idle()
    assert brewbot.last(ELEN).startswith("Ar gyfer pa gwestiwn")
    await tap_starting(brewbot, ELEN, "Ar gyfer: Beth sy'n bwysig")
    assert "ar gyfer y cwestiwn cynt" in brewbot.last(ELEN)
    await brewbot.send(ELEN, "Aros am alwad yn ôl.")
    await brewbot.send(ELEN, "Diolch yn fawr.")  # nothing open: kept nowhere
    assert "Does dim cwestiwn ar agor" in brewbot.last(ELEN)

    await in_group(brewbot, f"/ask {ASKED[2]}")
    await all_got(brewbot, ASKED[2], [ELEN])
    await in_group(brewbot, "/endlive")
    await brewbot.standin.wait_for(lambda: "rhan fyw drosodd" in brewbot.last(ELEN), 10)
    await brewbot.send(ELEN, "Roedd hynny'n braf.")
    assert brewbot.last(ELEN).startswith("Ar gyfer pa gwestiwn")
    await tap_starting(brewbot, ELEN, "Eu gadael allan")
    assert "gadael y geiriau hynny allan" in brewbot.last(ELEN)
    assert_all_welsh(brewbot, ELEN)
    brewbot.standin.assert_no_problems()


SAID_IN_WELSH = (
    "Cael gwybod pwy sy'n dod a phryd.",
    "Aros am alwad yn ôl am wythnosau.",
    "Gofalwr sy'n fy nabod i.",
    "Llythyrau mewn geiriau clir.",
    "Amser i siarad heb ruthro.",
    "Mae'r gofalwr yn gwrando arna i.",
)


async def test_a_welsh_groups_summary_charts_and_digest_are_in_welsh(brewbot: Running) -> None:
    brewbot.clock.now = datetime.now(UTC)  # the store stamps answers with the real time
    await in_group(brewbot, "/language")
    await tap_in_group(brewbot, "Cymraeg")
    await in_group(brewbot, "/newbrew lang=cy cael help gartref")
    (brew,) = await brewbot.services.store.open_brews(FACILITATORS)
    await took_part(brewbot, brew, range(2601, 2607), words=SAID_IN_WELSH)
    before, calls = len(brewbot.standin.sent_to(FACILITATORS)), len(group_calls(brewbot))
    await in_group(brewbot, "/summary")
    await in_group(brewbot, "/digest")
    posted = group_calls(brewbot)[calls:]
    text = "\n".join(c.text or "" for c in posted).replace("\u2068", "").replace("\u2069", "")
    assert "Cymerodd 6 o bobl ran" in text  # the summary, in Welsh
    assert "Dros Baned: wythnos dydd Llun" in text  # the digest, its date in Welsh too
    assert sum(c.method == "sendPhoto" for c in posted) == 2  # a chart each, captioned in Welsh
    assert_all_welsh(brewbot, FACILITATORS, after=before)
    brewbot.standin.assert_no_problems()
