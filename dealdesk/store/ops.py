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
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any, Generic, TypeVar
from uuid import UUID

from dealdesk.errors import InvalidInput
from dealdesk.store.model import Direction, EventType, iso_ms

__all__ = [
    "INSERT_AUDIT",
    "INSERT_AUDIT_INFLUENCER",
    "AppendAudit",
    "Plan",
    "Stmt",
    "StmtResult",
    "StoreOp",
    "Transaction",
    "check_text",
    "influencer_key",
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


AUDIT_COLUMNS = (
    "ts, event_type, campaign_id, influencer_name, influencer_email, influencer_key, thread_id, "
    "direction, email_body, state_from, state_to, rates, intent, metadata"
)
INSERT_AUDIT = f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"  # noqa: S608
INSERT_AUDIT_INFLUENCER = "INSERT OR IGNORE INTO audit_influencers (name, email) VALUES (?, ?)"


def influencer_key(name: str | None, email: str | None) -> str | None:
    """How an audit entry's influencer is indexed: the email if known, else the name."""
    for value in (email, name):
        if value is not None and value.strip():
            return value.strip().lower()
    return None


@dataclass(frozen=True, slots=True)
class AppendAudit(StoreOp[None]):
    """Append one audit entry. ``tell`` it to forget it, ``ask`` it to wait for its commit.

    ``ts`` is when it happened (aware datetime); without it the batch's time is used. Secrets
    must have been redacted before this point: the store keeps what it is given.
    """

    event_type: EventType | str
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
    _encoded: tuple[Any, ...] = field(init=False, repr=False, compare=False, default=())
    _pair: tuple[str, str] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        try:
            event = EventType(self.event_type)
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
        encoded = (
            iso_ms(self.ts) if self.ts is not None else None,
            event.value,
            self.campaign_id,
            self.influencer_name,
            self.influencer_email,
            influencer_key(self.influencer_name, self.influencer_email),
            self.thread_id,
            direction.value if direction is not None else None,
            self.email_body,
            self.state_from,
            self.state_to,
            None if self.rates is None else to_json("rates", self.rates),
            None if self.intent is None else to_json("intent", self.intent),
            to_json("metadata", self.metadata),
        )
        object.__setattr__(self, "event_type", event)
        object.__setattr__(self, "direction", direction)
        object.__setattr__(self, "_encoded", encoded)
        name, email = (self.influencer_name or "").strip(), (self.influencer_email or "").strip()
        object.__setattr__(self, "_pair", (name, email) if name and email else None)

    @property
    def influencer_pair(self) -> tuple[str, str] | None:
        """(name, email) when the entry has both, for the name/email directory."""
        return self._pair

    def row(self, now: str) -> tuple[Any, ...]:
        encoded = self._encoded
        return encoded if encoded[0] is not None else (now, *encoded[1:])

    def plan(self, now: str) -> Plan[None]:
        yield Stmt(INSERT_AUDIT, self.row(now))
