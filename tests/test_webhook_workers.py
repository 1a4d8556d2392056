"""Two brewbot webhook workers behind one URL (a round-robin proxy), sharing one database.

This is the shape of the several-worker set-up: Telegram knows one URL, a proxy spreads
requests among the workers, and every worker sets the same webhook with the same secret.
Here the database is one SQLite file and a person's steps come one at a time; with
PostgreSQL the same test runs three workers (set ``db`` to the PostgreSQL URL).
"""

from __future__ import annotations

from pathlib import Path

from standin import StandIn
from standin.balancer import Balancer
from tests.webhook_support import PATH, free_port, webhook_running

ANNE = 1001
ANSWERS = ("Knowing who is coming and when.", "Fewer different faces each week.")


async def test_two_workers_behind_one_url_share_the_work(standin: StandIn, tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    async with Balancer([f"http://127.0.0.1:{p}" for p in ports]) as balancer:
        url = balancer.base_url + PATH
        db = tmp_path / "brewbot.db"
        workers = [webhook_running(standin, db, url=url, port=p) for p in ports]
        for worker in workers:
            await worker.start()
        standin.busy_elsewhere = lambda: any(w.busy() for w in workers)
        try:
            await standin.wait_for(lambda: len(standin.calls_to("setWebhook")) == 2)
            first = workers[0]
            brew = await first.new_brew("getting help at home")
            await first.send(ANNE, f"/start {brew.code}")
            await first.tap(ANNE, "I am an unpaid carer")
            await first.tap(ANNE, "Yes")
            for answer in ANSWERS:
                await first.send(ANNE, answer)
            assert first.typed_answers(ANNE) == list(ANSWERS)
            assert len(set(balancer.sent)) == 2  # both workers took updates
            assert all(d.status == 200 for d in standin.webhook.log)
            # Known, left for the several-worker work: which question still shows buttons is
            # kept in each process's memory (chat_data, bot/tg.py), so a worker that
            # missed a tap tidies buttons the other already took off (a harmless 400).
            stale = "message is not modified"
            assert [p for p in standin.problems if stale not in p] == []
        finally:
            for worker in workers:
                await worker.stop()
