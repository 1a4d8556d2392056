"""The demo: brewbot's main job on embedded defaults, start to finish, with no token or network.

A local Bot API stand-in plays Telegram on 127.0.0.1. A facilitator opens a brew in their
group, six people answer on their "phones" (some skip, one pauses, one uses easy words, one
answers in a voice note),
and the facilitator asks for the summary. Everything brewbot sends is printed as a person
would read it; pictures (the QR code and charts) are saved beside the demo's database.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.app import serve, still_working
from bot.services import App
from bot.settings import Secret, Settings
from standin import StandIn
from standin.records import SEND_METHODS, Call

DEMO_SPEED = 30.0  # Telegram's limits and brewbot's pacing, both sped up for the demo
GROUP = -1001000000001
FACILITATOR = 500
THEME = "what makes a good assessment or review"
VOICE_NOTE = Path(__file__).resolve().parent / "demo_voice_note.oga"

Say = Callable[[str], None]


@dataclass(frozen=True)
class Person:
    """One scripted participant: who they are and what they do, step by step."""

    user_id: int
    describe: str  # the words on the button they tap first ("Skip" to skip)
    quote: str  # "Yes" or "No"
    answers: tuple[str, ...]  # typed answers, in order; "Skip" taps Skip instead
    easy: bool = False
    pause_after: int = -1  # pause and carry on after this many typed answers
    said: int = -1  # the answer (by index) said in a voice note, then kept, instead of typed


PEOPLE = (
    Person(
        101,
        "I draw on care and support",
        "Yes",
        (
            "Being asked what matters to me before the forms come out.",
            # Said aloud: bot/demo_voice_note.oga holds these words (espeak-ng, en-gb).
            "She sat down with me, asked what mattered, and really listened.",
            "Send the questions before the visit so I can think about them.",
            "I am the expert on my own life.",
        ),
        said=1,
    ),
    Person(
        102,
        "I am an unpaid carer",
        "Yes",
        (
            "That someone sees I am a carer too, not just a visitor in the room.",
            "A letter full of long words that made my dad think his help would be cut.",
            "Plain letters, and a phone number that a real person answers.",
            "Caring is a full-time job and I am tired.",
        ),
        pause_after=1,
    ),
    Person(
        103,
        "I work in care",
        "Yes",
        (
            "Time to build trust before we talk about money.",
            "A man cried because it was the first time anyone asked about his hobbies.",
            "Fewer tick boxes and more space for people's own words.",
            "Skip",
        ),
    ),
    Person(
        104,
        "Skip",
        "No",
        (
            "Being listened to.",
            "Skip",
            "Less waiting. Tell me when they are coming.",
            "Please listen to what I say.",
        ),
        easy=True,
    ),
    Person(
        105,
        "I draw on care and support",
        "Yes",
        (
            "Not having to tell my story again and again to new people.",
            "Three different workers in one month asked me the same things.",
            "One worker who knows me, and questions sent before the visit.",
            "Ask about what I can do, not only what I can't.",
        ),
    ),
    Person(
        106,
        "I am an unpaid carer",
        "No",
        (
            "Being treated as a partner.",
            "When the review was moved three times without anyone telling us.",
            "Letters in plain words and a name to contact.",
            "We want to help plan, not just be told.",
        ),
    ),
)

# The same scene in Welsh (brewbot demo --lang cy): a Welsh brew, people typing in Welsh.
PEOPLE_CY = (
    Person(
        101,
        "Rydw i'n cael gofal a chymorth",
        "Ie",
        (
            "Cael fy holi beth sy'n bwysig i mi cyn i'r ffurflenni ddod allan.",
            "Fy adolygiad y gwanwyn diwethaf: eisteddodd y gweithiwr gyda fi a'r gath a gwrando.",
            "Anfon y cwestiynau cyn yr ymweliad er mwyn i mi gael meddwl amdanyn nhw.",
            "Fi yw'r arbenigwr ar fy mywyd fy hun.",
        ),
    ),
    Person(
        102,
        "Rydw i'n ofalwr di-dâl",
        "Ie",
        (
            "Bod rhywun yn gweld fy mod i'n ofalwr hefyd, nid dim ond ymwelydd yn yr ystafell.",
            "Llythyr llawn geiriau hir a wnaeth i Dad feddwl y byddai ei help yn cael ei dorri.",
            "Llythyrau mewn geiriau clir, a rhif ffôn lle mae person go iawn yn ateb.",
            "Mae gofalu yn swydd llawn amser ac rydw i wedi blino.",
        ),
        pause_after=1,
    ),
    Person(
        103,
        "Gweithiwr gofal ydw i",
        "Ie",
        (
            "Amser i feithrin ymddiriedaeth cyn i ni siarad am arian.",
            "Llefodd dyn achos dyna'r tro cyntaf i unrhyw un ofyn am ei ddiddordebau.",
            "Llai o dicio bocsys a mwy o le i eiriau pobl eu hunain.",
            "Neidio",
        ),
    ),
    Person(
        104,
        "Neidio",
        "Na",
        (
            "Cael fy nghlywed.",
            "Neidio",
            "Llai o aros. Dwedwch wrtha i pryd maen nhw'n dod.",
            "Gwrandewch ar beth rydw i'n ei ddweud.",
        ),
        easy=True,
    ),
    Person(
        105,
        "Rydw i'n cael gofal a chymorth",
        "Ie",
        (
            "Peidio gorfod adrodd fy stori dro ar ôl tro wrth bobl newydd.",
            "Gofynnodd tri gweithiwr gwahanol yr un pethau i mi mewn un mis.",
            "Un gweithiwr sy'n fy nabod i, a'r cwestiynau cyn yr ymweliad.",
            "Gofynnwch beth alla i ei wneud, nid dim ond beth alla i ddim.",
        ),
    ),
    Person(
        106,
        "Rydw i'n ofalwr di-dâl",
        "Na",
        (
            "Cael fy nhrin fel partner.",
            "Pan symudwyd yr adolygiad dair gwaith heb i neb ddweud wrthon ni.",
            "Llythyrau mewn geiriau clir ac enw i gysylltu ag e.",
            "Rydyn ni eisiau helpu i gynllunio, nid dim ond cael ein hysbysu.",
        ),
    ),
)


@dataclass(frozen=True)
class Script:
    """One language's scene: the theme, the people, and the words on the buttons they tap."""

    theme: str
    people: tuple[Person, ...]
    skip: str
    news_yes: str
    newbrew: str = "/newbrew"  # with lang=cy for a Welsh brew


SCRIPTS = {
    "en": Script(THEME, PEOPLE, "Skip", "Yes, please"),
    "cy": Script(
        "beth sy'n gwneud asesiad neu adolygiad da",
        PEOPLE_CY,
        "Neidio",
        "Hoffwn, diolch",
        "/newbrew lang=cy",
    ),
}


class Transcript:
    """Print what brewbot sends, as a phone would show it, and save its pictures."""

    def __init__(self, standin: StandIn, out: Path, say: Say) -> None:
        self.standin = standin
        self.out = out
        self.say = say
        self.seen = 0
        self.pictures = 0

    def show(self, only: int | None = None) -> list[Call]:
        """Print every new message since last time (to one chat, or all)."""
        new = [c for c in self.standin.calls[self.seen :] if c.ok and c.method in SEND_METHODS]
        self.seen = len(self.standin.calls)
        for call in new:
            if only is None or call.chat_id == only:
                self._print(call)
        return new

    def _print(self, call: Call) -> None:
        text = _plain(call.text or "")
        if call.method in ("sendPhoto", "sendDocument"):
            path = self._save(call)
            text = f"[picture saved to {path}]\n{text}" if path else text
        if call.method == "sendPoll":
            options = ", ".join(o["text"] for o in call.params.get("options", []))
            text = f"[poll] {call.params.get('question')}: {options}"
        buttons = [label for label, _ in self.standin.buttons(call)]
        lines = text.splitlines() or [""]
        self.say("  brewbot ▸ " + lines[0])
        for line in lines[1:]:
            self.say("            " + line)
        if buttons:
            self.say("            " + "  ".join(f"[{b}]" for b in buttons))

    def _save(self, call: Call) -> Path | None:
        for upload in call.files.values():
            self.pictures += 1
            suffix = Path(upload.filename or "file.bin").suffix or ".bin"
            path = self.out / f"picture-{self.pictures}{suffix}"
            path.write_bytes(upload.data)
            return path
        return None


def _plain(text: str) -> str:
    """Turn Telegram HTML into what a reader sees (bidi isolates are invisible on a phone)."""
    return re.sub("[\u2066-\u2069]", "", html.unescape(re.sub(r"<[^>]+>", "", text)))


class Demo:
    """Run the whole scene against a fresh database in ``out``."""

    def __init__(self, out: Path, say: Say = print, language: str = "en") -> None:
        self.out = out
        self.say = say
        self.script = SCRIPTS[language]
        self.language = language

    async def run(self) -> int:
        self.out.mkdir(parents=True, exist_ok=True)
        for old in self.out.glob("*"):
            old.unlink()
        # A real run paces at about 1 a second; the demo needn't wait, so it runs Telegram's
        # limits (in the stand-in) and brewbot's pacing 30 times faster, together.
        async with StandIn(speed=DEMO_SPEED) as standin:
            settings = Settings(
                token=Secret(standin.token),
                api_url=standin.base_url,
                db=self.out / "brewbot-demo.db",
                facilitator_chats=(GROUP,),
                person_rate=DEMO_SPEED,
                group_per_minute=20 * DEMO_SPEED,
                language=None if self.language == "en" else self.language,
            )
            stop = asyncio.Event()
            ready = asyncio.Event()

            async def on_ready(app: App) -> None:
                standin.busy_elsewhere = lambda: still_working(app)
                ready.set()

            task = asyncio.create_task(serve(settings, stop, ready=on_ready))
            waiting = asyncio.create_task(ready.wait())
            await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                task.result()
            try:
                transcript = Transcript(standin, self.out, self.say)
                await Scene(standin, transcript, self.say, self.script).play()
            finally:
                stop.set()
                await task
            self.say(f"\nEverything brewbot kept is in {settings.db}; pictures are beside it.")
            problems = standin.problems
            if problems:
                self.say("The stand-in saw problems:\n  " + "\n  ".join(problems))
                return 1
        return 0


class Scene:
    """The script: a facilitator, six people, a summary."""

    def __init__(
        self, standin: StandIn, transcript: Transcript, say: Say, script: Script = SCRIPTS["en"]
    ) -> None:
        self.standin = standin
        self.transcript = transcript
        self.say = say
        self.script = script

    async def play(self) -> None:
        self.standin.set_admins(GROUP, [FACILITATOR])
        self.say("═══ In the facilitators' group ═══")
        code = await self._open_brew()
        self.say("\n═══ On one person's phone ═══")
        people = self.script.people
        for number, person in enumerate(people):
            await self._journey(person, show=number == 0)
        self.say(f"\n… and {len(people) - 1} more people answered the same way on their phones.")
        self.say("\n═══ Back in the facilitators' group ═══")
        await self._group("/summary")
        self.say(f"\n(Invite code {code}: anyone with the link could still join until /close.)")

    async def _open_brew(self) -> str:
        self.standin.bot_added_to_group(GROUP, FACILITATOR)
        await self.standin.wait_idle()
        self.transcript.show()
        await self._group(f"{self.script.newbrew} {self.script.theme}")
        for call in reversed(self.standin.calls):
            found = re.search(r"start=([A-Za-z0-9_-]+)", call.text or "")
            if found:
                return found.group(1)
        raise RuntimeError("brewbot did not share an invite link")

    async def _group(self, text: str) -> None:
        self.say(f"  facilitator ▸ {text}")
        self.standin.command(FACILITATOR, text, chat_id=GROUP)
        await self.standin.wait_idle(timeout=60)
        self.transcript.show(GROUP)

    async def _journey(self, person: Person, *, show: bool) -> None:
        code = self._code()
        await self._act(person, f"/start {code}", show)
        if person.easy:
            await self._act(person, "/easy", show)
        await self._tap(person, person.describe, show)
        await self._tap(person, person.quote, show)
        for index, answer in enumerate(person.answers):
            if answer == self.script.skip:
                await self._tap(person, self.script.skip, show)
            elif index == person.said:
                await self._say(person, answer, show)
            else:
                await self._act(person, answer, show)
            if index == person.pause_after:
                await self._act(person, "/pause", show)
                await self._act(person, "/resume", show)
        await self._tap(person, self.script.news_yes, show)
        self.transcript.show()

    def _code(self) -> str:
        for call in self.standin.calls:
            found = re.search(r"start=([A-Za-z0-9_-]+)", call.text or "")
            if found:
                return found.group(1)
        raise RuntimeError("no invite link yet")

    async def _act(self, person: Person, text: str, show: bool) -> None:
        if show:
            self.say(f"  you ▸ {text}")
        if text.startswith("/"):
            self.standin.command(person.user_id, text)
        else:
            self.standin.private_message(person.user_id, text)
        await self.standin.wait_idle()
        self._show(person, show)

    async def _say(self, person: Person, words: str, show: bool) -> None:
        """Answer in a voice note, and keep the words heard (typing them if voice is off)."""
        if show:
            self.say(f"  you ▸ (a voice note, 5 seconds) {words}")
        self.standin.voice(person.user_id, duration=5, data=VOICE_NOTE.read_bytes())
        await self.standin.wait_idle(timeout=60)  # the first note starts the listening worker
        self._show(person, show)
        try:
            await self._tap(person, "Keep it", show)
        except RuntimeError:  # voice notes are off here: brewbot asked for typing instead
            await self._act(person, words, show)

    async def _tap(self, person: Person, label: str, show: bool) -> None:
        if show:
            self.say(f"  you ▸ (tap) {label}")
        message_id = _newest_with_button(self.standin, person.user_id, label)
        self.standin.press_label(person.user_id, message_id, label)
        await self.standin.wait_idle()
        self._show(person, show)

    def _show(self, person: Person, show: bool) -> None:
        if show:
            self.transcript.show(person.user_id)
        else:
            self.transcript.show(-1)  # mark as seen without printing


def _newest_with_button(standin: StandIn, user: int, label: str) -> int:
    mine = [m for (chat, _), m in standin.world.messages.items() if chat == user]
    for message in sorted(mine, key=lambda m: -int(m["message_id"])):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if any(button.get("text") == label for row in rows for button in row):
            return int(message["message_id"])
    raise RuntimeError(f"no {label!r} button for person {user}")
