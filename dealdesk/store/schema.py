"""The database: where it lives, its tables and indexes, and the versioned migrations.

The schema version is SQLite's ``PRAGMA user_version``. :data:`MIGRATIONS` is append-only: the
migration at index ``i`` takes a database from version ``i`` to ``i + 1``, in one transaction with
its version bump. A database whose version is above :data:`SCHEMA_VERSION` was written by a newer
dealdesk and is refused (:class:`~dealdesk.store.errors.SchemaTooNew`), never "repaired".

Indexes are shaped for the queries, and for the writer: an audit entry's ``id`` is its time (the
millisecond of ``ts``, shifted, plus its place in that millisecond: ``ops.AUDIT_SEQ_BITS``), so
the table itself is the timestamp index, and every secondary index is one key whose entries are
in id order (SQLite ends every index entry with the rowid). "The newest 50 for X" is a backwards
walk of one index range with no sort, however many rows X owns, and a date range is a rowid range
of it. An influencer is indexed once, by a small integer reference to its key (the identity of
the email, else of the name: ``ops.audit_key``, stored in ``audit_keys``); ``audit_influencers``
maps names to emails for queries by either. Each index entry is a few bytes rather than a text
key and a timestamp, so a batch dirties fewer pages (``bench/audit_throughput.py``).

Connections and their pragmas are :mod:`dealdesk.store.connection`'s; :func:`prepare_database`
opens its setup connection there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from dealdesk.store.connection import SETUP_PRAGMAS, WRITER_PRAGMAS, apply_pragmas, connect
from dealdesk.store.errors import SchemaTooNew, StoreError

if TYPE_CHECKING:
    from dealdesk.runtime.settings import Settings

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "WRITER_PRAGMAS",  # defined in dealdesk.store.connection; still imported from here by tests
    "database_path",
    "migrate",
    "prepare_database",
    "schema_version",
]

DB_FILENAME = "dealdesk.db"

_V1 = """
-- id: (epoch milliseconds of ts) << ops.AUDIT_SEQ_BITS, plus the entry's place in its millisecond.
CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    ts               TEXT NOT NULL,
    influencer_ref   INTEGER,
    event_type       TEXT NOT NULL,
    campaign_id      TEXT,
    influencer_name  TEXT COLLATE NOCASE,
    influencer_email TEXT COLLATE NOCASE,
    thread_id        TEXT,
    direction        TEXT CHECK (direction IN ('sent', 'received')),
    email_body       TEXT,
    state_from       TEXT,
    state_to         TEXT,
    rates            TEXT,
    intent           TEXT,
    metadata         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_influencer ON audit_log (influencer_ref) WHERE influencer_ref IS NOT NULL;
CREATE INDEX audit_by_campaign ON audit_log (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX audit_by_event_type ON audit_log (event_type);

-- The key (lower-cased email, else name) each influencer reference stands for.
CREATE TABLE audit_keys (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);

-- Which names go with which emails in the audit log, so a query by either finds both.
CREATE TABLE audit_influencers (
    name  TEXT NOT NULL COLLATE NOCASE,
    email TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (name, email)
) WITHOUT ROWID;
CREATE INDEX audit_influencers_by_email ON audit_influencers (email);

CREATE TABLE campaigns (
    campaign_id TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE negotiations (
    negotiation_id   TEXT PRIMARY KEY,
    campaign_id      TEXT NOT NULL,
    influencer_name  TEXT NOT NULL COLLATE NOCASE,
    influencer_email TEXT COLLATE NOCASE,
    thread_id        TEXT,
    state            TEXT NOT NULL,
    version          INTEGER NOT NULL CHECK (version >= 1),
    data             TEXT NOT NULL DEFAULT '{}',
    history          TEXT NOT NULL DEFAULT '[]',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX negotiations_by_campaign ON negotiations (campaign_id, influencer_name);
CREATE INDEX negotiations_by_thread ON negotiations (thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX negotiations_by_email ON negotiations (influencer_email);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body            TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    processed_at    TEXT,
    outcome         TEXT,
    UNIQUE (source, idempotency_key)
);
CREATE INDEX webhook_deliveries_unprocessed ON webhook_deliveries (id) WHERE processed_at IS NULL;

CREATE TABLE outbox (
    message_id     TEXT PRIMARY KEY,
    negotiation_id TEXT NOT NULL,
    campaign_id    TEXT,
    thread_id      TEXT,
    recipient      TEXT NOT NULL,
    subject        TEXT NOT NULL,
    rendered       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    sent_at        TEXT
);
CREATE INDEX outbox_by_status ON outbox (status, created_at);
CREATE INDEX outbox_by_negotiation ON outbox (negotiation_id, created_at);

CREATE TABLE reminders (
    reminder_id    TEXT PRIMARY KEY,
    negotiation_id TEXT NOT NULL,
    kind           TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    payload        TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL CHECK (status IN ('pending', 'fired', 'cancelled')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE status = 'pending';
CREATE INDEX reminders_by_negotiation ON reminders (negotiation_id, kind);

CREATE TABLE errors (
    fingerprint  TEXT PRIMARY KEY,
    service      TEXT NOT NULL,
    operation    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL,
    count        INTEGER NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    posted_at    TEXT,
    posted_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE mail_cursor (
    mailbox    TEXT PRIMARY KEY,
    history_id TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE do_not_contact (
    email    TEXT PRIMARY KEY COLLATE NOCASE,
    reason   TEXT NOT NULL,
    source   TEXT NOT NULL,
    added_at TEXT NOT NULL
);
"""

# Mail, exactly once. The outbox learns the states a send goes through (``sending`` while the
# request may be in flight, ``in_doubt`` when Gmail may have acted on it, ``held`` when reading
# the mailbox could not settle it), which mailbox sends it, its priority, threading headers, when
# it may be tried again, and the Gmail ids once sent. Received mail is recorded by Gmail id (and
# Message-ID) before it is dispatched; the history cursor moves in the same transaction.
_V2 = """
CREATE TABLE outbox_v2 (
    message_id      TEXT PRIMARY KEY,
    negotiation_id  TEXT NOT NULL,
    campaign_id     TEXT,
    mailbox         TEXT NOT NULL DEFAULT '',
    thread_id       TEXT,
    in_reply_to     TEXT,
    refs            TEXT NOT NULL DEFAULT '',
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    rendered        TEXT NOT NULL,
    html            TEXT,
    priority        INTEGER NOT NULL DEFAULT 2,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'in_doubt', 'held',
                                                    'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    not_before      TEXT,
    gmail_id        TEXT,
    gmail_thread_id TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
);
INSERT INTO outbox_v2 (message_id, negotiation_id, campaign_id, thread_id, recipient, subject,
    rendered, status, attempts, last_error, created_at, updated_at, sent_at)
SELECT message_id, negotiation_id, campaign_id, thread_id, recipient, subject, rendered, status,
    attempts, last_error, created_at, updated_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_sendable ON outbox (mailbox, priority, created_at) WHERE status = 'pending';
CREATE INDEX outbox_by_status ON outbox (status, created_at);
CREATE INDEX outbox_by_negotiation ON outbox (negotiation_id, created_at);
CREATE INDEX outbox_sent ON outbox (mailbox, sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_by_gmail_thread ON outbox (gmail_thread_id) WHERE gmail_thread_id IS NOT NULL;
CREATE TABLE mail_received (
    gmail_id       TEXT PRIMARY KEY,
    mailbox        TEXT NOT NULL,
    message_id     TEXT,
    thread_id      TEXT,
    from_addr      TEXT,
    subject        TEXT,
    received_at    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    negotiation_id TEXT,
    body           TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL CHECK (status IN ('routed', 'delivered', 'ignored')),
    created_at     TEXT NOT NULL,
    delivered_at   TEXT
);
CREATE INDEX mail_received_by_message_id ON mail_received (message_id);
CREATE INDEX mail_received_undelivered ON mail_received (negotiation_id, received_at)
    WHERE status = 'routed';
"""
# The campaign's spend: one row per agreement, in cents, written in the agreement's own
# transaction by an op that refuses one taking the campaign over its budget (the writer runs one
# transaction at a time, so two negotiations agreeing at once cannot both slip under it).
_V3 = """
CREATE TABLE agreements (
    negotiation_id TEXT PRIMARY KEY,
    campaign_id    TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents >= 0),
    created_at     TEXT NOT NULL
);
CREATE INDEX agreements_by_campaign ON agreements (campaign_id);
"""
# Each agreement's CPM and the creator's engagement, for the campaign's CPM tracker (rebuilt from
# them when its supervisor starts). Agreements recorded before have none and are not counted.
_V4 = """
ALTER TABLE agreements ADD COLUMN cpm TEXT;
ALTER TABLE agreements ADD COLUMN engagement_rate TEXT;
"""
# Whether the email's negotiation has taken its outcome (sent, failed, cancelled) in one of its
# own steps: 0 until then, so a crash between the outcome and that step is found at start-up
# and the news given again. Rows from before were all taken.
_V5 = """
ALTER TABLE outbox ADD COLUMN heard INTEGER NOT NULL DEFAULT 1;
CREATE INDEX outbox_unheard ON outbox (campaign_id, negotiation_id)
    WHERE heard = 0 AND status IN ('sent', 'failed', 'cancelled');
"""
# The Slack console. ``notifications``: every message for the team, written before it is posted
# (by the step that causes it, in the step's transaction), posted in id order per channel by the
# Notifier and marked; ``posting`` means a post may have reached Slack (settled by reading the
# channel for its key, never by posting again). ``controls``: the team's holds (takeover, pause,
# stop) on one negotiation, a campaign, or all ('*'); the outbox holds an email under any of them.
_V6 = """
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    channel     TEXT NOT NULL,
    text        TEXT NOT NULL,
    blocks      TEXT,
    thread_of   TEXT,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'posting', 'posted', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    ts          TEXT,
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX notifications_waiting ON notifications (id) WHERE status IN ('pending', 'posting');
CREATE TABLE controls (
    scope       TEXT NOT NULL CHECK (scope IN ('negotiation', 'campaign', 'all')),
    target      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('takeover', 'paused', 'stopped')),
    by_user     TEXT NOT NULL,
    thread_key  TEXT,
    since       TEXT NOT NULL,
    PRIMARY KEY (scope, target)
);
"""
# Review before send: an email written while review is on waits (the outbox holds it) until a
# person sends it (perhaps edited) or discards it in Slack. ``email`` is the decided email (the
# domain's SendEmail) an edit is checked against; ``notification_key`` the Slack message showing it.
_V7 = """
CREATE TABLE reviews (
    message_id       TEXT PRIMARY KEY,
    negotiation_id   TEXT NOT NULL,
    campaign_id      TEXT,
    status           TEXT NOT NULL CHECK (status IN ('waiting', 'sent', 'discarded')),
    email            TEXT NOT NULL DEFAULT '{}',
    notification_key TEXT,
    reviewer         TEXT,
    edited           INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX reviews_waiting ON reviews (negotiation_id) WHERE status = 'waiting';
"""
# Append only. Index i migrates version i -> i + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
SCHEMA_VERSION = len(MIGRATIONS)


def database_path(settings: Settings) -> Path:
    """Where the database of this data directory lives."""
    return Path(settings.data_dir) / DB_FILENAME


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, path: str) -> int:
    """Bring the database on ``conn`` (autocommit mode) to :data:`SCHEMA_VERSION`.

    Each step runs in its own ``BEGIN IMMEDIATE`` transaction together with its version bump, so a
    crash mid-migration leaves the previous version intact. Returns the version reached.
    """
    found = schema_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(path, found, SCHEMA_VERSION)
    for version in range(found, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit on its own)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise StoreError(f"migration script ends with an incomplete statement: {pending.strip()!r}")
    return statements


def _check_audit_layout(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database made by a pre-release build of version 1 (text-keyed audit indexes):
    its audit rows cannot be written or read the way this code does."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(audit_log)")}
    if "influencer_ref" not in columns:
        raise StoreError(
            f"database {path} was made by a pre-release dealdesk (old audit_log layout); "
            "move it aside and start again"
        )


def prepare_database(settings: Settings) -> Path:
    """Start-up: create the data dir and database if needed, switch on WAL, apply migrations.

    Call once from boot before any actor starts (the AuditWriter also calls it when it opens,
    which is a no-op on a current database). Raises ``SchemaTooNew`` for a database from a newer
    dealdesk and ``StoreError`` when the file cannot be opened or migrated.
    """
    path = database_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    try:
        apply_pragmas(conn, SETUP_PRAGMAS)
        if schema_version(conn) >= 1:  # before migrating it further: later steps assume v1
            _check_audit_layout(conn, path)
        migrate(conn, str(path))
    except sqlite3.Error as exc:
        raise StoreError(f"cannot migrate database {path}: {exc}") from exc
    finally:
        conn.close()
    return path
