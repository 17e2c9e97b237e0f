"""Record many webhook deliveries in one statement: the ClickUp endpoint's batched commit.

Under load the webhook endpoint gathers the deliveries that arrive while a commit is in flight
and records them together with :class:`RecordDeliveries`: one multi-row ``INSERT … ON CONFLICT
DO NOTHING RETURNING`` and, for keys already recorded, one ``SELECT``. The AuditWriter commits it
like any other operation, and each caller is answered only after that commit. Each item's answer
is the store's :class:`~dealdesk.store.record_ops.DeliveryRecorded`: ``new`` for exactly one
occurrence of a key that was not recorded before (two copies of one delivery in the same batch:
the first is new, the second a duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass

from dealdesk.store.ops import Plan, Stmt, StoreOp, check_text
from dealdesk.store.record_ops import DeliveryRecorded

__all__ = ["MAX_DELIVERY_BATCH", "RecordDeliveries"]

# Four parameters a row; SQLite allows 32,766 parameters a statement.
MAX_DELIVERY_BATCH = 1000


@dataclass(frozen=True, slots=True)
class RecordDeliveries(StoreOp[tuple[DeliveryRecorded, ...]]):
    """Record ``items`` (idempotency key, body) of ``source``; answers one result per item."""

    source: str
    items: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        if not self.items or len(self.items) > MAX_DELIVERY_BATCH:
            raise ValueError(f"RecordDeliveries takes 1 to {MAX_DELIVERY_BATCH} items")
        check_text("source", self.source)
        for key, body in self.items:
            if not key:
                raise ValueError("an idempotency key is empty")
            check_text("idempotency_key", key)
            check_text("body", body)

    def plan(self, now: str) -> Plan[tuple[DeliveryRecorded, ...]]:
        first: dict[str, str] = {}
        for key, body in self.items:
            first.setdefault(key, body)
        params: list[str] = []
        for key, body in first.items():
            params += [self.source, key, body, now]
        values = ",".join(["(?,?,?,?)"] * len(first))
        inserted = yield Stmt(
            "INSERT INTO webhook_deliveries (source, idempotency_key, body, received_at) "  # noqa: S608 - placeholders only
            f"VALUES {values} ON CONFLICT (source, idempotency_key) DO NOTHING "
            "RETURNING id, idempotency_key",
            tuple(params),
            fetch=True,
        )
        ids = {str(key): int(row_id) for row_id, key in inserted.rows}
        new = set(ids)
        missing = [key for key in first if key not in ids]
        if missing:
            marks = ",".join("?" * len(missing))
            found = yield Stmt(
                "SELECT idempotency_key, id FROM webhook_deliveries "  # noqa: S608 - placeholders only
                f"WHERE source = ? AND idempotency_key IN ({marks})",
                (self.source, *missing),
                fetch=True,
            )
            ids.update({str(key): int(row_id) for key, row_id in found.rows})
        results = []
        for key, _body in self.items:
            is_new = key in new
            new.discard(key)  # a second copy in the same batch is a duplicate
            results.append(DeliveryRecorded(ids[key], new=is_new))
        return tuple(results)
