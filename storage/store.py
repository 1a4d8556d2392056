"""The one object the rest of brewbot keeps records through."""

from __future__ import annotations

from storage.approvals import ApprovalStore
from storage.brews import BrewStore
from storage.codebooks import CodebookStore
from storage.facilitation import FacilitationStore
from storage.followup import FollowUpStore
from storage.heard import HeardStore
from storage.ideapolls import IdeaPollStore
from storage.ideas import IdeaStore
from storage.inbox import InboxStore
from storage.leases import LeaseStore
from storage.live import LiveStore
from storage.people import PeopleStore
from storage.posted import PostedStore
from storage.privacy import PrivacyStore
from storage.sending import SendStore
from storage.sql import fetch_all
from storage.steps import StepStore
from storage.summaries import SummaryStore
from storage.timegiven import TimeStore
from storage.vectors import VectorStore


class Store(
    BrewStore,
    PeopleStore,
    StepStore,
    PrivacyStore,
    SummaryStore,
    FacilitationStore,
    FollowUpStore,
    InboxStore,
    LeaseStore,
    IdeaStore,
    TimeStore,
    ApprovalStore,
    IdeaPollStore,
    LiveStore,
    VectorStore,
    PostedStore,
    CodebookStore,
    HeardStore,
    SendStore,
):
    """Every record brewbot keeps, behind named methods: ``await Store.open(path)``."""

    async def check(self) -> list[str]:
        """Ask SQLite to check the whole file; return the problems found (none is good).

        PostgreSQL checks its own pages as it reads them, so there it only asks the server
        to answer."""
        if self.dialect == "postgresql":
            await self._all("SELECT 1")
            return []
        found = await self._read(lambda db: fetch_all(db, "PRAGMA integrity_check"))
        problems = [str(row[0]) for row in found]
        return [] if problems == ["ok"] else problems

    async def schema_version(self) -> int:
        """Return the newest migration applied to this file."""
        found = await self._read(lambda db: fetch_all(db, "SELECT MAX(number) FROM migrations"))
        return int(found[0][0] or 0) if found else 0
