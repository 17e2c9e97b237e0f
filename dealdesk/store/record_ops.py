"""Typed writes for webhook deliveries, campaigns and negotiations (with the optimistic version
check). The outbox, reminders, errors, mail cursor and do-not-contact writes are in
:mod:`dealdesk.store.effect_ops`. See :mod:`dealdesk.store.ops` for how a
plan runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dealdesk.errors import InvalidInput
from dealdesk.store.errors import StoreError, VersionConflict
from dealdesk.store.ops import (
    Plan,
    Stmt,
    StoreOp,
    check_texts,
    require_texts,
    to_json,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "DeliveryRecorded",
    "MarkDeliveryProcessed",
    "RecordDelivery",
    "SaveNegotiation",
    "UpsertCampaign",
]


# -- webhook deliveries --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryRecorded:
    delivery_id: int
    new: bool  # False: a duplicate of a delivery already recorded (acknowledge, do nothing)


@dataclass(frozen=True, slots=True)
class RecordDelivery(StoreOp[DeliveryRecorded]):
    """Record a webhook delivery once per ``(source, idempotency_key)``; ask it, then answer 2xx."""

    source: str
    idempotency_key: str
    body: str

    def __post_init__(self) -> None:
        require_texts(source=self.source, idempotency_key=self.idempotency_key)
        check_texts(body=self.body)

    def plan(self, now: str) -> Plan[DeliveryRecorded]:
        result = yield Stmt(
            "INSERT INTO webhook_deliveries (source, idempotency_key, body, received_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (source, idempotency_key) DO NOTHING",
            (self.source, self.idempotency_key, self.body, now),
        )
        if result.rowcount == 1 and result.lastrowid is not None:
            return DeliveryRecorded(result.lastrowid, new=True)
        found = yield Stmt(
            "SELECT id FROM webhook_deliveries WHERE source = ? AND idempotency_key = ?",
            (self.source, self.idempotency_key),
            fetch=True,
        )
        return DeliveryRecorded(int(found.rows[0][0]), new=False)


@dataclass(frozen=True, slots=True)
class MarkDeliveryProcessed(StoreOp[None]):
    delivery_id: int
    outcome: str = "processed"

    def plan(self, now: str) -> Plan[None]:
        result = yield Stmt(
            "UPDATE webhook_deliveries SET processed_at = ?, outcome = ? WHERE id = ?",
            (now, self.outcome, self.delivery_id),
        )
        if result.rowcount != 1:
            raise StoreError(f"no webhook delivery with id {self.delivery_id}")


# -- campaigns and negotiations ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpsertCampaign(StoreOp[None]):
    campaign_id: str
    name: str
    status: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_texts(campaign_id=self.campaign_id, name=self.name, status=self.status)

    def plan(self, now: str) -> Plan[None]:
        yield Stmt(
            "INSERT INTO campaigns (campaign_id, name, status, data, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET "
            "name = excluded.name, status = excluded.status, data = excluded.data, "
            "updated_at = excluded.updated_at",
            (self.campaign_id, self.name, self.status, to_json("data", self.data), now, now),
        )


@dataclass(frozen=True, slots=True)
class SaveNegotiation(StoreOp[int]):
    """Save a negotiation's state if it is still at ``expected_version`` (0: it must not exist
    yet). Answers the new version; a mismatch fails this write alone with ``VersionConflict``."""

    negotiation_id: str
    campaign_id: str
    influencer_name: str
    state: str
    expected_version: int
    influencer_email: str | None = None
    thread_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    history: Sequence[Any] = ()

    def __post_init__(self) -> None:
        require_texts(
            negotiation_id=self.negotiation_id,
            campaign_id=self.campaign_id,
            influencer_name=self.influencer_name,
            state=self.state,
        )
        check_texts(influencer_email=self.influencer_email, thread_id=self.thread_id)
        if isinstance(self.expected_version, bool) or self.expected_version < 0:
            raise InvalidInput("expected_version must be 0 (new) or a positive version")

    def plan(self, now: str) -> Plan[int]:
        data, history = to_json("data", self.data), to_json("history", list(self.history))
        if self.expected_version == 0:
            result = yield Stmt(
                "INSERT INTO negotiations (negotiation_id, campaign_id, influencer_name, "
                "influencer_email, thread_id, state, version, data, history, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
                "ON CONFLICT (negotiation_id) DO NOTHING",
                (self.negotiation_id, self.campaign_id, self.influencer_name,
                 self.influencer_email, self.thread_id, self.state, data, history, now, now),
            )  # fmt: skip
        else:
            result = yield Stmt(
                "UPDATE negotiations SET campaign_id = ?, influencer_name = ?, "
                "influencer_email = ?, thread_id = ?, state = ?, version = version + 1, "
                "data = ?, history = ?, updated_at = ? WHERE negotiation_id = ? AND version = ?",
                (self.campaign_id, self.influencer_name, self.influencer_email, self.thread_id,
                 self.state, data, history, now, self.negotiation_id, self.expected_version),
            )  # fmt: skip
        if result.rowcount == 1:
            return self.expected_version + 1
        found = yield Stmt(
            "SELECT version FROM negotiations WHERE negotiation_id = ?",
            (self.negotiation_id,),
            fetch=True,
        )
        actual = int(found.rows[0][0]) if found.rows else None
        raise VersionConflict(self.negotiation_id, self.expected_version, actual)
