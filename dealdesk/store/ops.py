"""Typed write operations: what may be written, as values, planned without doing any I/O.

Each operation is a frozen dataclass whose :meth:`StoreOp.plan` is a generator (sans-I/O, like
h11): it yields :class:`Stmt` values and receives a :class:`StmtResult` for each, and its return
value is the operation's result. The same plan therefore runs on the AuditWriter's aiosqlite
connection and on a plain ``sqlite3`` connection (the shutdown fallback and the tests). A plan
raises to fail its own operation (``VersionConflict``, ``StoreError``); an error from SQLite is
thrown into the plan at the statement that caused it.

Values are checked when an operation is built, so a caller learns of a bad value (a naive
datetime, a lone surrogate, a non-JSON metadata value) at once, in its own thread.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any, Generic, TypeVar
from uuid import UUID

from dealdesk.domain.identity import influencer_key
from dealdesk.errors import InvalidInput
from dealdesk.store.errors import StoreError
from dealdesk.store.model import AuditKind, Direction, iso_ms

__all__ = [
    "AUDIT_SEQ_BITS",
    "INSERT_AUDIT",
    "INSERT_AUDIT_INFLUENCER",
    "AppendAudit",
    "AuditBatch",
    "Plan",
    "Stmt",
    "StmtResult",
    "StoreOp",
    "Transaction",
    "append_plan",
    "audit_id_floor",
    "audit_key",
    "check_text",
    "epoch_ms",
    "required_text",
    "to_json",
]

T = TypeVar("T")
MAX_TEXT_CHARS = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Stmt:
    """One statement to run. ``many`` runs ``params`` (a list of rows) with ``executemany``;
    ``fetch`` returns the rows."""

    sql: str
    params: tuple[Any, ...] | list[tuple[Any, ...]] = ()
    many: bool = False
    fetch: bool = False


@dataclass(frozen=True, slots=True)
class StmtResult:
    rowcount: int = -1
    lastrowid: int | None = None
    rows: list[tuple[Any, ...]] = field(default_factory=list)


Plan = Generator[Stmt, StmtResult, T]


class StoreOp(Generic[T]):
    """A write the AuditWriter can carry out; ``plan(now)`` yields its statements.

    (Not an ABC: the writer type-checks every message, and an ABC's isinstance is slower.)
    """

    __slots__ = ()

    def plan(self, now: str) -> Plan[T]:
        """``now`` is the batch's timestamp (UTC ISO 8601 with ms) from the injected clock."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Transaction:
    """Several operations committed together or not at all; the answer is their results, in
    order, once the transaction committed. If one fails, none is applied and the caller gets
    that operation's error."""

    ops: tuple[StoreOp[Any], ...]

    def __post_init__(self) -> None:
        if not all(isinstance(op, StoreOp) for op in self.ops):
            raise InvalidInput("a Transaction holds store operations only")


def check_text(name: str, value: str | None) -> None:
    """Refuse text SQLite cannot store faithfully: lone surrogates, absurd sizes."""
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text, got {type(value).__name__}")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidInput(f"{name} is {len(value)} characters; the limit is {MAX_TEXT_CHARS}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(
            f"{name} is not valid Unicode ({exc.reason} at position {exc.start}); not stored"
        ) from None


def required_text(name: str, value: str) -> None:
    """A non-empty identifier, stored faithfully."""
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{name} must be a non-empty string")
    check_text(name, value)


def _json_default(value: object) -> Any:
    """Money (a Decimal), times, enums, ids, paths and pydantic models; anything else is refused
    rather than stored as a meaningless ``repr``."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | UUID | PurePath):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(name: str, value: object) -> str:
    """Compact JSON for a JSON column; non-finite floats and invalid text are refused."""
    try:
        text = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), default=_json_default, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{name} cannot be stored as JSON: {exc}") from None
    check_text(name, text)
    return text


# The audit entry's columns in insert order: its id, time and influencer reference are known only
# in the batch that commits it; the rest (``AppendAudit.values``) when it is built.
AUDIT_COLUMNS = (
    "id, ts, influencer_ref, event_type, campaign_id, influencer_name, influencer_email, "
    "thread_id, direction, email_body, state_from, state_to, rates, intent, metadata"
)
INSERT_AUDIT = f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"  # noqa: S608
INSERT_AUDIT_INFLUENCER = "INSERT OR IGNORE INTO audit_influencers (name, email) VALUES (?, ?)"

# An audit entry's id is its time: the millisecond of ``ts`` since the Unix epoch, shifted left by
# ``AUDIT_SEQ_BITS``, plus its place among the entries of that millisecond. Id order is therefore
# time order (then write order), and the table itself is the timestamp index.
AUDIT_SEQ_BITS = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_MAX_MS = (1 << (63 - AUDIT_SEQ_BITS)) - 1  # 2248-09-26: ids stay within SQLite's 64 bits
_MAX_ID = (1 << 63) - 1


def epoch_ms(moment: datetime) -> int:
    """Whole milliseconds since the Unix epoch, truncated like ``iso_ms`` (aware datetimes)."""
    return (moment - _EPOCH) // _MS


def audit_id_floor(moment: datetime) -> int:
    """The smallest audit id of ``moment``'s millisecond: ``id >= floor`` is ``ts >= moment``
    and ``id < floor`` is ``ts < moment`` (clamped to the ids there can be)."""
    return min(max(epoch_ms(moment), 0) << AUDIT_SEQ_BITS, _MAX_ID)


def audit_key(name: str | None, email: str | None) -> str | None:
    """How an audit entry's influencer is indexed: the identity of the email if known, else of
    the name (:func:`~dealdesk.domain.identity.influencer_key`, the one identity)."""
    for value in (email, name):
        if value is not None and value.strip():
            return influencer_key(value)
    return None


@dataclass(frozen=True, slots=True)
class AppendAudit(StoreOp[None]):
    """Append one audit entry. ``tell`` it to forget it, ``ask`` it to wait for its commit.

    ``ts`` is when it happened (aware datetime, 1970 to 2248); without it the batch's time is
    used. Secrets must have been redacted before this point: the store keeps what it is given.
    The fields after ``ts`` are the entry as stored, computed once here (on the caller's thread).
    """

    event_type: AuditKind | str
    campaign_id: str | None = None
    influencer_name: str | None = None
    influencer_email: str | None = None
    thread_id: str | None = None
    direction: Direction | str | None = None
    email_body: str | None = None
    state_from: str | None = None
    state_to: str | None = None
    rates: Mapping[str, Any] | None = None
    intent: Mapping[str, Any] | str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    ts: datetime | None = None
    # (ts as stored, its epoch milliseconds) when given, else None: the batch's time
    stored_ts: tuple[str, int] | None = field(init=False, repr=False, compare=False, default=None)
    key: str | None = field(init=False, repr=False, compare=False, default=None)
    values: tuple[Any, ...] = field(init=False, repr=False, compare=False, default=())
    influencer_pair: tuple[str, str] | None = field(
        init=False, repr=False, compare=False, default=None
    )

    def __post_init__(self) -> None:
        try:
            event = AuditKind(self.event_type)
        except ValueError:
            raise InvalidInput(f"unknown audit event type {self.event_type!r}") from None
        direction = None
        if self.direction is not None:
            try:
                direction = Direction(self.direction)
            except ValueError:
                raise InvalidInput(
                    f"direction must be sent or received, not {self.direction!r}"
                ) from None
        texts = {
            "campaign_id": self.campaign_id,
            "influencer_name": self.influencer_name,
            "influencer_email": self.influencer_email,
            "thread_id": self.thread_id,
            "email_body": self.email_body,
            "state_from": self.state_from,
            "state_to": self.state_to,
        }
        for name, value in texts.items():
            check_text(name, value)
        stored_ts = None
        if self.ts is not None:
            text, ms = iso_ms(self.ts), epoch_ms(self.ts)
            if not 0 <= ms <= _MAX_MS:
                raise InvalidInput(f"audit timestamp {text} is outside 1970 to 2248")
            stored_ts = (text, ms)
        values = (
            event.value,
            self.campaign_id,
            self.influencer_name,
            self.influencer_email,
            self.thread_id,
            direction.value if direction is not None else None,
            self.email_body,
            self.state_from,
            self.state_to,
            None if self.rates is None else to_json("rates", self.rates),
            None if self.intent is None else to_json("intent", self.intent),
            to_json("metadata", self.metadata),
        )
        name, email = (self.influencer_name or "").strip(), (self.influencer_email or "").strip()
        object.__setattr__(self, "event_type", event)
        object.__setattr__(self, "direction", direction)
        object.__setattr__(self, "stored_ts", stored_ts)
        object.__setattr__(self, "key", audit_key(self.influencer_name, self.influencer_email))
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "influencer_pair", (name, email) if name and email else None)

    def plan(self, now: str) -> Plan[None]:
        """Alone; a group commit folds consecutive entries into one :func:`append_plan`."""
        yield from append_plan([self], AuditBatch(now))


INSERT_AUDIT_KEY = "INSERT INTO audit_keys (key) VALUES (?)"
SELECT_AUDIT_KEY = "SELECT id FROM audit_keys WHERE key = ?"
# The last id below a millisecond's successor: where that millisecond's next entry goes.
SELECT_LAST_AUDIT_ID = "SELECT max(id) FROM audit_log WHERE id < ?"


class AuditBatch:
    """What the audit appends of one transaction share: its time, the next free id of each
    millisecond it writes in, and the influencer references and name/email pairs known.

    ``refs`` and ``pairs`` start as the caller's cache of what is committed; what this
    transaction adds is kept apart (``new_refs``, ``new_pairs``) for the caller to merge into
    that cache once (and only if) it commits.
    """

    __slots__ = ("new_pairs", "new_refs", "next_ids", "now", "now_ms", "pairs", "refs")

    def __init__(
        self,
        now: str,
        refs: Mapping[str, int] | None = None,
        pairs: AbstractSet[tuple[str, str]] | None = None,
    ) -> None:
        self.now = now
        self.now_ms = epoch_ms(datetime.fromisoformat(now))
        self.next_ids: dict[int, int] = {}
        self.refs: Mapping[str, int] = refs if refs is not None else {}
        self.new_refs: dict[str, int] = {}
        self.pairs: AbstractSet[tuple[str, str]] = pairs if pairs is not None else frozenset()
        self.new_pairs: set[tuple[str, str]] = set()


def append_plan(entries: Sequence[AppendAudit], batch: AuditBatch) -> Plan[None]:
    """Append ``entries`` in order with one ``executemany``: first the references of influencer
    keys not seen before, and the first free id of each millisecond (one indexed lookup each)."""
    if not entries:
        return
    refs, new_refs = batch.refs, batch.new_refs
    for entry in entries:
        key = entry.key
        if key is not None and key not in refs and key not in new_refs:
            found = yield Stmt(SELECT_AUDIT_KEY, (key,), fetch=True)
            if found.rows:
                new_refs[key] = int(found.rows[0][0])
            else:
                inserted = yield Stmt(INSERT_AUDIT_KEY, (key,))
                if inserted.lastrowid is None:
                    raise StoreError(f"no id for the new audit key {key[:100]!r}")
                new_refs[key] = inserted.lastrowid
    rows: list[tuple[Any, ...]] = []
    pairs, new_pairs, next_ids = batch.pairs, batch.new_pairs, batch.next_ids
    fresh: set[tuple[str, str]] = set()
    now, now_ms = batch.now, batch.now_ms
    ms = -1
    next_id = limit = 0
    for entry in entries:
        stored = entry.stored_ts
        ts, entry_ms = stored if stored is not None else (now, now_ms)
        if entry_ms != ms:  # usually once a batch: its entries share the batch's time
            if ms >= 0:
                next_ids[ms] = next_id
            ms = entry_ms
            floor = ms << AUDIT_SEQ_BITS
            limit = floor + (1 << AUDIT_SEQ_BITS)
            next_id = next_ids.get(ms, -1)
            if next_id < 0:
                last = yield Stmt(SELECT_LAST_AUDIT_ID, (limit,), fetch=True)
                found_id = last.rows[0][0]
                next_id = floor if found_id is None or found_id < floor else int(found_id) + 1
        if next_id >= limit:
            raise StoreError(f"more than {1 << AUDIT_SEQ_BITS} audit entries in the ms of {ts}")
        key = entry.key
        ref = None
        if key is not None:
            ref = refs.get(key)
            if ref is None:
                ref = new_refs[key]
        rows.append((next_id, ts, ref) + entry.values)  # noqa: RUF005 - 80 ns, unpacking 113
        next_id += 1
        pair = entry.influencer_pair
        if pair is not None and pair not in pairs and pair not in new_pairs:
            fresh.add(pair)
    next_ids[ms] = next_id  # (batch-local: rolled back with the transaction)
    yield Stmt(INSERT_AUDIT, rows, many=True)
    if fresh:
        yield Stmt(INSERT_AUDIT_INFLUENCER, sorted(fresh), many=True)
        new_pairs |= fresh


def check_texts(**values: str | None) -> None:
    """``check_text`` for each named value."""
    for name, value in values.items():
        check_text(name, value)


def require_texts(**values: str) -> None:
    """``required_text`` for each named value."""
    for name, value in values.items():
        required_text(name, value)
