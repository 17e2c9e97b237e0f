"""The read side's SQL, once: each query is a :class:`Query` value (SQL, parameters and how to
turn rows into typed records), run by the sync reader (CLIs, dumps, tests) or the async one (code
on the I/O loop). Parameterised only; no value is ever formatted into SQL text.

Audit queries are newest first: by ``id``, which is the entry's time then its place in that
millisecond (see :mod:`dealdesk.store.schema`), so a date range is an id range and a page of the
newest entries for any one filter is one backwards walk of one index, or of the table.
"""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Generator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dealdesk.domain.identity import influencer_key
from dealdesk.errors import InvalidInput
from dealdesk.store.model import AuditKind, iso_ms
from dealdesk.store.ops import audit_id_floor

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

__all__ = [
    "AuditEntry",
    "AuditFilter",
    "AuditPage",
    "CampaignRecord",
    "DeliveryRecord",
    "DoNotContactRecord",
    "ErrorRecord",
    "NegotiationRecord",
    "Query",
    "ReminderRecord",
    "audit_count_query",
    "audit_entries_query",
    "audit_steps",
    "do_not_contact_list_query",
    "influencer_keys_query",
    "influencer_refs_query",
    "next_reminder_query",
]

T = TypeVar("T")
Rows = list[tuple[Any, ...]]
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class Query(Generic[T]):
    sql: str
    params: tuple[Any, ...]
    convert: Callable[[Rows], T]


def where(**columns: Any) -> tuple[str, tuple[Any, ...]]:
    """A WHERE clause matching every column given a value (None: that column is not filtered),
    and its parameters. Only the columns given are named, so SQLite can use their indexes: a
    ``(? IS NULL OR col = ?)`` term for an unused filter makes it scan the whole table, which
    turned each lookup by Message-ID or negotiation into a scan of every email ever sent.
    Column names are the callers' literals, never input."""
    given = [(column, value) for column, value in columns.items() if value is not None]
    clause = " AND ".join(f"{column} = ?" for column, _ in given) or "1"
    return clause, tuple(value for _, value in given)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


# -- audit trail ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries: every given filter must match.

    ``influencer`` is a name or, if it contains ``@``, an email (both case-insensitive);
    ``since`` is inclusive and ``until`` exclusive.
    """

    influencer: str | None = None
    campaign_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    event_type: AuditKind | None = None
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}, got {self.limit}")
        if self.offset < 0:
            raise InvalidInput(f"offset must not be negative, got {self.offset}")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise InvalidInput("the start of the range must be before its end")

    def where(self, ref: int | None = None) -> tuple[str, tuple[Any, ...]]:
        """The WHERE clause for every filter but the influencer, who is given as one reference
        (``influencer_refs_query``)."""
        clauses: list[str] = []
        params: list[Any] = []
        if ref is not None:
            clauses.append("influencer_ref = ?")
            params.append(ref)
        if self.campaign_id:
            clauses.append("campaign_id = ?")
            params.append(self.campaign_id)
        if self.event_type is not None:
            clauses.append("event_type = ?")
            params.append(AuditKind(self.event_type).value)
        if self.since is not None:  # an id is its time: ts >= since is id >= since's floor
            clauses.append("id >= ?")
            params.append(audit_id_floor(self.since))
        if self.until is not None:
            clauses.append("id < ?")
            params.append(audit_id_floor(self.until))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return where, tuple(params)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    ts: str
    event_type: str
    campaign_id: str | None
    influencer_name: str | None
    influencer_email: str | None
    thread_id: str | None
    direction: str | None
    email_body: str | None
    state_from: str | None
    state_to: str | None
    rates: Any
    intent: Any
    metadata: Any

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AuditPage:
    """One page of matches, newest first, and how many match in all (for paging)."""

    entries: list[AuditEntry]
    total: int
    limit: int
    offset: int


_AUDIT_SELECT = (
    "SELECT id, ts, event_type, campaign_id, influencer_name, influencer_email, thread_id, "
    "direction, email_body, state_from, state_to, rates, intent, metadata FROM audit_log"
)


def _audit_entries(rows: Rows) -> list[AuditEntry]:
    return [
        AuditEntry(
            int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
            row[10], _loads(row[11]), _loads(row[12]), _loads(row[13]),
        )
        for row in rows
    ]  # fmt: skip


def audit_entries_query(audit: AuditFilter, ref: int | None = None) -> Query[list[AuditEntry]]:
    """Newest first; with ``ref``, the first ``offset + limit`` of that influencer reference
    alone (the caller merges references and pages)."""
    where, params = audit.where(ref)
    if audit.influencer is None:
        paging = (audit.limit, audit.offset)
    else:
        paging = (audit.offset + audit.limit, 0)
    sql = f"{_AUDIT_SELECT}{where} ORDER BY id DESC LIMIT ? OFFSET ?"
    return Query(sql, (*params, *paging), _audit_entries)


def audit_count_query(audit: AuditFilter, ref: int | None = None) -> Query[int]:
    where, params = audit.where(ref)
    return Query(f"SELECT count(*) FROM audit_log{where}", params, lambda rows: int(rows[0][0]))  # noqa: S608


def influencer_keys_query(influencer: str) -> Query[list[str]]:
    """Every audit key (``ops.audit_key``) an influencer's entries may carry: the name or email
    asked for, and the emails seen with that name (or the names seen with that email)."""
    value = influencer.strip()
    by_email = "@" in value.lstrip("@")  # "@glowwithmaya" is a handle, a name as written
    other, column = ("name", "email") if by_email else ("email", "name")

    def convert(rows: Rows) -> list[str]:
        keys = {influencer_key(value)} | {influencer_key(str(row[0])) for row in rows}
        return sorted(keys)

    return Query(f"SELECT {other} FROM audit_influencers WHERE {column} = ?", (value,), convert)  # noqa: S608


def influencer_refs_query(keys: list[str]) -> Query[list[int]]:
    """The references of those of ``keys`` that any audit entry carries."""
    marks = ",".join("?" * len(keys))
    return Query(
        f"SELECT id FROM audit_keys WHERE key IN ({marks}) ORDER BY id",  # noqa: S608 - marks only
        tuple(keys),
        lambda rows: [int(row[0]) for row in rows],
    )


AuditSteps = Generator[Query[Any], Any, AuditPage]


def audit_steps(audit: AuditFilter) -> AuditSteps:
    """The audit page as a sequence of queries (sans-I/O): each reader sends back each query's
    result. Without an influencer it is one page query and one count; with one, the page of each
    of the influencer's keys is merged newest first (each is one backwards index walk)."""
    if audit.influencer is None:
        entries = yield audit_entries_query(audit)
        total = yield audit_count_query(audit)
        return AuditPage(entries, total, audit.limit, audit.offset)
    keys: list[str] = yield influencer_keys_query(audit.influencer)
    refs: list[int] = (yield influencer_refs_query(keys)) if keys else []
    pages: list[list[AuditEntry]] = []
    total = 0
    for ref in refs:
        pages.append((yield audit_entries_query(audit, ref)))
        total += yield audit_count_query(audit, ref)
    merged = heapq.merge(*pages, key=lambda entry: entry.id, reverse=True)
    entries = list(itertools.islice(merged, audit.offset, audit.offset + audit.limit))
    return AuditPage(entries, total, audit.limit, audit.offset)


# -- campaigns and negotiations ------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignRecord:
    campaign_id: str
    name: str
    status: str
    data: Any
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class NegotiationRecord:
    negotiation_id: str
    campaign_id: str
    influencer_name: str
    influencer_email: str | None
    thread_id: str | None
    state: str
    version: int
    data: Any
    history: Any
    created_at: str
    updated_at: str


def campaigns_query(campaign_id: str | None = None) -> Query[list[CampaignRecord]]:
    def convert(rows: Rows) -> list[CampaignRecord]:
        return [CampaignRecord(r[0], r[1], r[2], _loads(r[3]), r[4], r[5]) for r in rows]

    clause, params = where(campaign_id=campaign_id)
    return Query(
        "SELECT campaign_id, name, status, data, created_at, updated_at FROM campaigns "  # noqa: S608
        f"WHERE {clause} ORDER BY created_at, campaign_id",
        params,
        convert,
    )


_NEGOTIATION_SELECT = (
    "SELECT negotiation_id, campaign_id, influencer_name, influencer_email, thread_id, state, "
    "version, data, history, created_at, updated_at FROM negotiations"
)


def _negotiations(rows: Rows) -> list[NegotiationRecord]:
    return [
        NegotiationRecord(
            r[0], r[1], r[2], r[3], r[4], r[5], int(r[6]), _loads(r[7]), _loads(r[8]), r[9], r[10]
        )
        for r in rows
    ]


def negotiations_query(campaign_id: str | None = None) -> Query[list[NegotiationRecord]]:
    clause, params = where(campaign_id=campaign_id)
    return Query(
        f"{_NEGOTIATION_SELECT} WHERE {clause} ORDER BY campaign_id, influencer_name",
        params,
        _negotiations,
    )


def negotiation_query(negotiation_id: str) -> Query[NegotiationRecord | None]:
    def convert(rows: Rows) -> NegotiationRecord | None:
        found = _negotiations(rows)
        return found[0] if found else None

    return Query(f"{_NEGOTIATION_SELECT} WHERE negotiation_id = ?", (negotiation_id,), convert)


# -- deliveries, outbox, reminders, errors, cursor, do-not-contact -------------------------------


@dataclass(frozen=True)
class DeliveryRecord:
    delivery_id: int
    source: str
    idempotency_key: str
    body: str
    received_at: str


def unprocessed_deliveries_query(limit: int = 1000) -> Query[list[DeliveryRecord]]:
    """Committed but not processed (replayed at start-up), oldest first."""
    return Query(
        "SELECT id, source, idempotency_key, body, received_at FROM webhook_deliveries "
        "WHERE processed_at IS NULL ORDER BY id LIMIT ?",
        (limit,),
        lambda rows: [DeliveryRecord(*r) for r in rows],
    )


@dataclass(frozen=True)
class ReminderRecord:
    reminder_id: str
    negotiation_id: str
    kind: str
    due_at: str
    payload: Any
    status: str


_REMINDER_SELECT = (
    "SELECT reminder_id, negotiation_id, kind, due_at, payload, status FROM reminders"
)


def _reminders(rows: Rows) -> list[ReminderRecord]:
    return [ReminderRecord(r[0], r[1], r[2], r[3], _loads(r[4]), r[5]) for r in rows]


def due_reminders_query(now: datetime, limit: int = 1000) -> Query[list[ReminderRecord]]:
    """Pending reminders due at or before ``now``, soonest first."""
    return Query(
        f"{_REMINDER_SELECT} WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?",
        (iso_ms(now), limit),
        _reminders,
    )


def next_reminder_query(after: datetime | None = None) -> Query[str | None]:
    """When the soonest pending reminder (due after ``after``, if given) is due; None: none."""
    return Query(
        "SELECT min(due_at) FROM reminders "
        "WHERE status = 'pending' AND (?1 IS NULL OR due_at > ?1)",
        (None if after is None else iso_ms(after),),
        lambda rows: str(rows[0][0]) if rows and rows[0][0] is not None else None,
    )


def reminders_query(negotiation_id: str) -> Query[list[ReminderRecord]]:
    return Query(
        f"{_REMINDER_SELECT} WHERE negotiation_id = ? ORDER BY due_at",
        (negotiation_id,),
        _reminders,
    )


@dataclass(frozen=True)
class ErrorRecord:
    fingerprint: str
    service: str
    operation: str
    kind: str
    message: str
    count: int
    first_seen: str
    last_seen: str
    posted_at: str | None
    posted_count: int


def errors_query(fingerprint: str | None = None) -> Query[list[ErrorRecord]]:
    return Query(
        "SELECT fingerprint, service, operation, kind, message, count, first_seen, last_seen, "
        "posted_at, posted_count FROM errors WHERE (?1 IS NULL OR fingerprint = ?1) "
        "ORDER BY last_seen DESC",
        (fingerprint,),
        lambda rows: [ErrorRecord(*r) for r in rows],
    )


def mail_cursor_query(mailbox: str) -> Query[str | None]:
    return Query(
        "SELECT history_id FROM mail_cursor WHERE mailbox = ?",
        (mailbox,),
        lambda rows: str(rows[0][0]) if rows else None,
    )


def do_not_contact_query(email: str) -> Query[bool]:
    """Whether ``email`` may not be contacted: listed itself, or its whole domain is (listed as
    ``@domain`` or ``domain``)."""
    address = email.strip()
    domain = address.rpartition("@")[2]
    return Query(
        "SELECT 1 FROM do_not_contact WHERE email IN (?, ?, ?) LIMIT 1",
        (address, f"@{domain}", domain),
        bool,
    )


@dataclass(frozen=True)
class DoNotContactRecord:
    email: str
    reason: str
    source: str
    added_at: str


def do_not_contact_list_query() -> Query[list[DoNotContactRecord]]:
    return Query(
        "SELECT email, reason, source, added_at FROM do_not_contact ORDER BY email",
        (),
        lambda rows: [DoNotContactRecord(*r) for r in rows],
    )
