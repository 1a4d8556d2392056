"""Keep answers in a loop through Store.record_step, printing each update id once committed.

Run by tests/test_storage_crash.py, which kills it with SIGKILL part way through:
    python tests/crash_writer.py PATH
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from conversations.model import Principle, Stage
from storage import Store
from tests.storage_support import stage, step, text


async def write_forever(path: Path) -> None:
    """Keep one step per update id, and redeliver every fifth update as Telegram may."""
    async with await Store.open(path) as store:
        brew = await store.create_brew(theme="crash", pack_id="p", group_chat_id=None)
        person = await store.join(4242)
        print(f"brew {brew.id}", flush=True)
        update_id = 0
        while True:
            update_id += 1
            outcome = step(
                stage("a", Principle.ASSETS, Stage.BASICS),
                text("t", Principle.WORK, f"answer {update_id}"),
                current=f"after-{update_id}",
            )
            for _ in range(2 if update_id % 5 == 0 else 1):
                kept = await store.record_step(
                    participant_id=person.id, brew_id=brew.id, outcome=outcome, update_id=update_id
                )
                if kept:
                    print(update_id, flush=True)


if __name__ == "__main__":
    asyncio.run(write_forever(Path(sys.argv[1])))
