"""The schema as a numbered list of migrations, each applied in one transaction with its record.

Only ``participants.chat_id`` may hold a person's Telegram id. ``groups.chat_id`` holds a
group's id, which Telegram always makes negative; a CHECK keeps it so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import aiosqlite

from storage.errors import CannotOpen, TooNew
from storage.sql import rollback
from storage.times import iso, utc_now

Migration = tuple[int, str, str]

_CORE = """
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL UNIQUE CHECK (chat_id < 0),
    settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    created_at TEXT NOT NULL
);

CREATE TABLE brews (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE
        CHECK (length(code) BETWEEN 1 AND 64 AND code NOT GLOB '*[^A-Za-z0-9_-]*'),
    theme TEXT NOT NULL,
    pack_id TEXT NOT NULL,
    group_id INTEGER REFERENCES groups (id),
    opened_at TEXT NOT NULL,
    closed_at TEXT
);

CREATE TABLE participants (
    id TEXT PRIMARY KEY CHECK (length(id) >= 16),
    chat_id INTEGER NOT NULL UNIQUE CHECK (chat_id > 0),
    easy INTEGER NOT NULL DEFAULT 0 CHECK (easy IN (0, 1)),
    nudges INTEGER NOT NULL DEFAULT 1 CHECK (nudges IN (0, 1)),
    news INTEGER NOT NULL DEFAULT 0 CHECK (news IN (0, 1)),
    stopped INTEGER NOT NULL DEFAULT 0 CHECK (stopped IN (0, 1)),
    self_description TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE progress (
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    brew_id INTEGER NOT NULL REFERENCES brews (id),
    state TEXT NOT NULL CHECK (json_valid(state)),
    status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'stopped', 'finished')),
    updated_at TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    nudged_at TEXT,
    PRIMARY KEY (participant_id, brew_id)
) WITHOUT ROWID;

CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    participant_id TEXT REFERENCES participants (id) ON DELETE CASCADE,
    brew_id INTEGER NOT NULL REFERENCES brews (id),
    prompt_id TEXT NOT NULL,
    principle TEXT NOT NULL
        CHECK (principle IN ('assets', 'work', 'reciprocity', 'networks', 'theme')),
    kind TEXT NOT NULL CHECK (kind IN ('stage', 'text', 'choice', 'consent')),
    stage INTEGER CHECK (stage BETWEEN 1 AND 4),
    rag TEXT CHECK (rag IN ('red', 'amber', 'green')),
    option TEXT,
    text TEXT,
    quote_consent INTEGER NOT NULL DEFAULT 0 CHECK (quote_consent IN (0, 1)),
    held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1)),
    imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE INDEX answers_by_participant ON answers (participant_id, brew_id);

CREATE TABLE handled_updates (
    update_id INTEGER PRIMARY KEY,
    handled_at TEXT NOT NULL
);
"""

_SUMMARY_INDEXES = """
CREATE INDEX answers_stage_counts ON answers (brew_id, held, principle, stage, rag)
    WHERE stage IS NOT NULL;

CREATE INDEX answers_weekly ON answers (created_at, held, principle, stage, brew_id)
    WHERE stage IS NOT NULL;

CREATE INDEX answers_texts ON answers (brew_id, kind, held) WHERE text IS NOT NULL;

CREATE INDEX progress_by_brew ON progress (brew_id, status);

CREATE INDEX progress_idle ON progress (status, last_activity_at);

CREATE INDEX brews_by_group ON brews (group_id, closed_at);

CREATE INDEX handled_updates_by_time ON handled_updates (handled_at);
"""

_FACILITATION = """
ALTER TABLE answers ADD COLUMN review TEXT
    CHECK (review IN ('pending', 'released', 'kept_out'));

UPDATE answers SET review = 'pending' WHERE held = 1;

CREATE INDEX answers_held ON answers (brew_id, created_at) WHERE held = 1;

CREATE TABLE wesaid (
    id INTEGER PRIMARY KEY,
    brew_id INTEGER NOT NULL REFERENCES brews (id),
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    wesaid_id INTEGER NOT NULL REFERENCES wesaid (id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    sent_at TEXT,
    UNIQUE (wesaid_id, participant_id)
);

CREATE INDEX outbox_by_participant ON outbox (participant_id);

CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE plan_items (
    id INTEGER PRIMARY KEY,
    brew_id INTEGER NOT NULL REFERENCES brews (id),
    who TEXT NOT NULL,
    what TEXT NOT NULL,
    due TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX plan_items_by_brew ON plan_items (brew_id);

CREATE TABLE posts (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    brew_id INTEGER NOT NULL REFERENCES brews (id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    row_count INTEGER NOT NULL CHECK (row_count >= 0),
    created_at TEXT NOT NULL,
    UNIQUE (brew_id, sha256)
);
"""

_INBOX = """
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    chat_key INTEGER NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL
);
"""

# Which brew a person's typed words go to: the one they last opened. Timestamps can tie
# (a coarse clock, two taps in one instant), so each open takes the person's next number.
_LAST_OPENED = """
ALTER TABLE progress ADD COLUMN opened INTEGER NOT NULL DEFAULT 0;
"""

# A message Telegram may have had when it stopped answering is not sent again; say so.
_UNCERTAIN = """
ALTER TABLE outbox ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0 CHECK (uncertain IN (0, 1));
"""

# Themes people suggest: under a keyed hash of who suggested (never their id), so one person
# counts once per suggestion and /forget can find theirs. Time people gave, per brew, is
# theirs alone and goes with them.
_LOOP = """
CREATE TABLE ideas (
    id INTEGER PRIMARY KEY,
    suggester TEXT NOT NULL CHECK (length(suggester) = 64),
    group_id INTEGER REFERENCES groups (id),
    text TEXT NOT NULL,
    normal TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (suggester, normal)
);

CREATE INDEX ideas_by_group ON ideas (group_id, normal);

CREATE TABLE time_given (
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    brew_id INTEGER NOT NULL REFERENCES brews (id),
    seconds INTEGER NOT NULL DEFAULT 0 CHECK (seconds >= 0),
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (participant_id, brew_id)
) WITHOUT ROWID;

CREATE INDEX time_given_by_brew ON time_given (brew_id);
"""

# Co-producers check each brew's summary before it reaches a digest or "we said, we did".
_APPROVALS = """
CREATE TABLE summary_approvals (
    brew_id INTEGER PRIMARY KEY REFERENCES brews (id),
    status TEXT NOT NULL CHECK (status IN ('waiting', 'approved', 'change')),
    sent_at TEXT NOT NULL,
    decided_at TEXT
);
"""

# A poll of the suggested themes, each person's own copy in their private chat. The queue
# holds who is still to get it, and goes as it is sent; a ballot is one sent copy's votes,
# known by the poll id Telegram gave that copy (its `ballot`), never by who.
_IDEA_POLLS = """
CREATE TABLE idea_polls (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    options TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE idea_poll_queue (
    poll_id INTEGER NOT NULL REFERENCES idea_polls (id),
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    PRIMARY KEY (poll_id, participant_id)
);

CREATE TABLE idea_poll_ballots (
    ballot TEXT PRIMARY KEY,
    poll_id INTEGER NOT NULL REFERENCES idea_polls (id),
    votes TEXT NOT NULL DEFAULT ''
);

CREATE INDEX idea_poll_ballots_by_poll ON idea_poll_ballots (poll_id);
"""

# Live and paced brews: how a brew sends its questions, the questions pushed in a live one,
# and each person's delivery, kept before it is sent (as the outbox is for news).
_LIVE = """
ALTER TABLE brews ADD COLUMN pace TEXT NOT NULL DEFAULT 'self'
    CHECK (pace IN ('self', 'live', 'daily'));

ALTER TABLE brews ADD COLUMN pace_at TEXT;

ALTER TABLE brews ADD COLUMN live_ended_at TEXT;

CREATE TABLE live_questions (
    id INTEGER PRIMARY KEY,
    brew_id INTEGER NOT NULL REFERENCES brews (id),
    number INTEGER NOT NULL CHECK (number >= 1),
    prompt_id TEXT NOT NULL,
    text TEXT,
    asked_at TEXT NOT NULL,
    counts_message_id INTEGER,
    UNIQUE (brew_id, number)
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    brew_id INTEGER NOT NULL REFERENCES brews (id),
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    what TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    sent_at TEXT,
    uncertain INTEGER NOT NULL DEFAULT 0 CHECK (uncertain IN (0, 1)),
    UNIQUE (brew_id, participant_id, what)
);

CREATE INDEX deliveries_pending ON deliveries (id) WHERE sent_at IS NULL;

CREATE INDEX deliveries_by_participant ON deliveries (participant_id);
"""


# A typed answer's meaning vector (bot/embedder.py), made after the answer is kept. Its own
# table, so a vector goes with its answer on /forget.
_VECTORS = """
CREATE TABLE answer_vectors (
    answer_id INTEGER PRIMARY KEY REFERENCES answers (id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
);
"""

MIGRATIONS: list[Migration] = [
    (1, "core: groups, brews, participants, progress, answers, handled updates", _CORE),
    (2, "indexes for summaries, nudges, group look-ups and pruning", _SUMMARY_INDEXES),
    (
        3,
        "facilitator side: reviews of held answers, we said / we did, outbox, plans, posts,"
        " imports",
        _FACILITATION,
    ),
    (4, "inbox: updates kept as they arrive, until handled", _INBOX),
    (5, "progress.opened: typed words go to the brew a person last opened", _LAST_OPENED),
    (6, "outbox.uncertain: news that may have gone when Telegram timed out", _UNCERTAIN),
    (7, "ideas for future themes, and time people gave", _LOOP),
    (8, "summary_approvals: co-producers approve a summary or ask for a change", _APPROVALS),
    (9, "idea polls: suggested themes put to the people who asked for news", _IDEA_POLLS),
    (10, "live and paced brews: brews.pace, live_questions, deliveries", _LIVE),
    (11, "answer_vectors: each typed answer's meaning, for themes", _VECTORS),
]

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS migrations (
    number INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


def statements(sql: str) -> list[str]:
    """Split a script into complete statements (safe for semicolons inside strings)."""
    found: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:60]!r}")
    return found


async def applied(db: aiosqlite.Connection) -> list[int]:
    """Return the numbers of the migrations recorded in this file."""
    async with db.execute("SELECT number FROM migrations ORDER BY number") as cursor:
        return [int(row[0]) async for row in cursor]


async def migrate(
    db: aiosqlite.Connection, where: str, migrations: Sequence[Migration] = MIGRATIONS
) -> list[int]:
    """Apply every migration not yet recorded, each in its own transaction; return those applied."""
    await _refuse_foreign(db, where)
    await db.execute(_BOOTSTRAP)
    known = max((number for number, _, _ in migrations), default=0)
    done: list[int] = []
    for number, description, sql in migrations:
        try:
            await db.execute("BEGIN IMMEDIATE")
            have = await applied(db)
            newest = max(have, default=0)
            if newest > known:
                raise TooNew(
                    f"The database {where} was written by a newer brewbot (schema {newest},"
                    f" this one knows up to {known}); please upgrade brewbot."
                )
            if number not in have:
                for statement in statements(sql):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO migrations (number, description, applied_at) VALUES (?, ?, ?)",
                    (number, description, iso(utc_now())),
                )
                await db.execute(f"PRAGMA user_version = {int(number)}")
                done.append(number)
            await db.execute("COMMIT")
        except BaseException:
            await rollback(db)
            raise
    return done


async def _refuse_foreign(db: aiosqlite.Connection, where: str) -> None:
    """Refuse a database that holds another program's tables and no record of ours."""
    async with db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        tables = {str(row[0]) async for row in cursor}
    if tables and "migrations" not in tables:
        raise CannotOpen(f"The file {where} holds another program's tables, not brewbot's.")
