"""The store: SQLite schema and migrations, typed write operations, read-only queries.

Every write goes through the AuditWriter actor (``dealdesk.actors.audit_writer``) as one of the
operations below; reads use their own read-only connections (:class:`StoreReader`,
:class:`AsyncStoreReader`). Boot calls :func:`prepare_database` before any actor starts. This
package imports no actor code, so the ``audit`` command starts fast.
"""

from dealdesk.store.batch import Directory, Outcome, commit_plan, run_plan, run_plan_sync
from dealdesk.store.connection import WRITER_PRAGMAS, open_writer, open_writer_sync
from dealdesk.store.effect_ops import (
    AddDoNotContact,
    AddReminder,
    CancelReminder,
    CancelReminders,
    CountErrorReport,
    InsertOutbox,
    MarkErrorPosted,
    MarkReminderFired,
    OutboxInserted,
    SetMailCursor,
    UpdateOutbox,
)
from dealdesk.store.errors import SchemaTooNew, StoreError, StoreMissing, VersionConflict
from dealdesk.store.model import (
    AuditKind,
    Direction,
    OutboxStatus,
    ReminderStatus,
    iso_ms,
    parse_iso,
)
from dealdesk.store.ops import AppendAudit, Plan, StoreOp, Transaction
from dealdesk.store.queries import (
    AuditEntry,
    AuditFilter,
    AuditPage,
    CampaignRecord,
    DeliveryRecord,
    ErrorRecord,
    NegotiationRecord,
    OutboxRecord,
    ReminderRecord,
)
from dealdesk.store.reader import AsyncStoreReader, StoreReader, ThreadReaders
from dealdesk.store.record_ops import (
    DeliveryRecorded,
    MarkDeliveryProcessed,
    RecordDelivery,
    SaveNegotiation,
    UpsertCampaign,
)
from dealdesk.store.schema import SCHEMA_VERSION, database_path, prepare_database

__all__ = [
    "SCHEMA_VERSION",
    "WRITER_PRAGMAS",
    "AddDoNotContact",
    "AddReminder",
    "AppendAudit",
    "AsyncStoreReader",
    "AuditEntry",
    "AuditFilter",
    "AuditKind",
    "AuditPage",
    "CampaignRecord",
    "CancelReminder",
    "CancelReminders",
    "CountErrorReport",
    "DeliveryRecord",
    "DeliveryRecorded",
    "Direction",
    "Directory",
    "ErrorRecord",
    "InsertOutbox",
    "MarkDeliveryProcessed",
    "MarkErrorPosted",
    "MarkReminderFired",
    "NegotiationRecord",
    "OutboxInserted",
    "OutboxRecord",
    "OutboxStatus",
    "Outcome",
    "Plan",
    "RecordDelivery",
    "ReminderRecord",
    "ReminderStatus",
    "SaveNegotiation",
    "SchemaTooNew",
    "SetMailCursor",
    "StoreError",
    "StoreMissing",
    "StoreOp",
    "StoreReader",
    "ThreadReaders",
    "Transaction",
    "UpdateOutbox",
    "UpsertCampaign",
    "VersionConflict",
    "commit_plan",
    "database_path",
    "iso_ms",
    "open_writer",
    "open_writer_sync",
    "parse_iso",
    "prepare_database",
    "run_plan",
    "run_plan_sync",
]
