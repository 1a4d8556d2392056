"""Voice notes into words on this machine: the rules, the listening, and the worker's life."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pytest

from bot.callbacks import ButtonCodec, ForgedButton, HeardAction
from bot.voice import CannotListen, Listening, available, listen_to
from conversations.voice import MAX_BYTES, MAX_SECONDS, HeardChoice, heard_words, too_long

VOICE = Path(__file__).resolve().parent / "data" / "voice"
needs_model = pytest.mark.skipif(not available(), reason="the voice model is not installed")


def opus(seconds: float, *, tone: float = 0.0) -> bytes:
    """Make an OGG/Opus voice note as a phone would (48 kHz mono): silence, or a tone."""
    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48_000, layout="mono")
        total, step = int(seconds * 48_000), 48_000
        for start in range(0, total, step):
            n = min(step, total - start)
            t = (start + np.arange(n)) / 48_000
            samples = (np.sin(2 * np.pi * tone * t) * 8000 * (tone > 0)).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
            frame.sample_rate = 48_000
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def test_how_long_a_note_may_be() -> None:
    assert not too_long(MAX_SECONDS)
    assert too_long(MAX_SECONDS + 1)
    assert not too_long(MAX_SECONDS + 3, decoded=True)  # the phone rounds; sound may run over
    assert too_long(MAX_SECONDS + 6, decoded=True)
    assert too_long(5, MAX_BYTES + 1)  # far too big for its claimed length


def test_what_was_heard_is_tidied_into_words() -> None:
    assert heard_words("  being asked,   not told. ") == "Being asked, not told."
    assert heard_words("[BLANK_AUDIO]") == ""
    assert heard_words(" (upbeat music) ♪ ") == ""
    assert heard_words("*coughs* I need help [inaudible] with shopping") == (
        "I need help with shopping"
    )
    assert heard_words("...") == ""


def test_the_three_buttons_pack_and_unpack_and_refuse_forgeries() -> None:
    codec = ButtonCodec(b"123:secret")
    for choice in HeardChoice:
        action = HeardAction(42, choice)
        assert codec.unpack(codec.pack(action)) == action
    data = codec.pack(HeardAction(42, HeardChoice.KEEP))
    with pytest.raises(ForgedButton):
        codec.unpack(data.replace("keep", "kept"))
    with pytest.raises(ForgedButton):
        ButtonCodec(b"another:key").unpack(data)


@needs_model
@pytest.mark.slow
def test_speech_becomes_words_and_silence_none() -> None:
    heard = listen_to((VOICE / "again.oga").read_bytes())
    assert heard.words == "Being asked what matters to me, not told."
    assert 3 < heard.seconds < 4
    assert listen_to(opus(2.0)).words == ""  # silence
    assert listen_to(opus(2.0, tone=220)).words == ""  # a hum is not words either
    # No ONNX Runtime session: its telemetry would keep records to send on.
    assert "onnxruntime" not in sys.modules


@needs_model
@pytest.mark.slow
def test_what_cannot_be_played_is_named_never_a_traceback() -> None:
    good = (VOICE / "answer.oga").read_bytes()
    for broken in (b"", b"OggS\x00\x02" + bytes(58), os.urandom(3000), good[:1500], b"%PDF-1.4"):
        with pytest.raises(CannotListen) as caught:
            listen_to(broken)
        assert caught.value.reason == CannotListen.UNREADABLE
    with pytest.raises(CannotListen) as caught:
        listen_to(opus(MAX_SECONDS + 10))  # the phone may claim less than it sends
    assert caught.value.reason == CannotListen.TOO_LONG


@needs_model
@pytest.mark.slow
async def test_listening_happens_in_a_worker_that_can_be_replaced() -> None:
    listening = Listening()
    try:
        heard = await listening.listen((VOICE / "risky.oga").read_bytes())
        assert "scared of him" in heard.words
        with pytest.raises(CannotListen):
            await listening.listen(b"not sound")
        worker = next(iter(listening._pool._processes.values()))  # type: ignore[union-attr]
        worker.kill()  # a worker that dies mid-way is replaced, and the person told
        worker.join(5)
        with pytest.raises(CannotListen) as caught:
            await listening.listen((VOICE / "again.oga").read_bytes())
        assert caught.value.reason == CannotListen.UNAVAILABLE
        again = await listening.listen((VOICE / "again.oga").read_bytes())
        assert again.words.startswith("Being asked")
    finally:
        await listening.stop()


_KILLED_BOT = """
import asyncio, os, sys
from bot.voice import Listening

async def main():
    listening = Listening()
    await listening.listen(sys.stdin.buffer.read())
    print(*listening._pool._processes, flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


@needs_model
@pytest.mark.subprocess
def test_the_worker_dies_with_a_killed_bot() -> None:
    root = Path(__file__).resolve().parent.parent
    bot = subprocess.Popen(
        [sys.executable, "-c", _KILLED_BOT],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # its resource tracker tidies after it, and says so
    )
    try:
        assert bot.stdin is not None and bot.stdout is not None
        bot.stdin.write((VOICE / "again.oga").read_bytes())
        bot.stdin.close()
        workers = [int(pid) for pid in bot.stdout.readline().split()]
        assert workers and all(_alive(w) for w in workers)
        bot.send_signal(signal.SIGKILL)  # no chance to tidy up
        bot.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "a listening worker outlived a killed bot"
    finally:
        bot.kill()


def _alive(pid: int) -> bool:
    """Say whether a process is still running (not gone, and not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
