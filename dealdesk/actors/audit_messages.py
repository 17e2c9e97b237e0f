"""Messages the AuditWriter accepts.

A write is any store operation (``dealdesk.store`` ops: ``AppendAudit``, ``SaveNegotiation``, ...),
a :class:`~dealdesk.store.ops.Transaction` of several, or :class:`Flush`; from the I/O loop, any
of these wrapped in the ``LoopAsk`` that ``IoLoop.ask_actor`` sends. Anything else is handled as
a plain actor message (``DumpState``) or logged as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from dealdesk.runtime.loop import LoopAsk
from dealdesk.store import StoreOp, Transaction

__all__ = ["Flush", "is_write", "write_weight"]


@dataclass(frozen=True)
class Flush:
    """Command: answer once every write queued before this one has committed."""


_WRITES = (StoreOp, Transaction, Flush)


def write_weight(message: object) -> int:
    """Operations in a write message, for the batch limit (a Flush counts one); 0: not a write."""
    if type(message) is LoopAsk:
        message = message.message
    if isinstance(message, Transaction):
        return len(message.ops) or 1
    return 1 if isinstance(message, _WRITES) else 0


def is_write(message: object) -> bool:
    return write_weight(message) > 0
