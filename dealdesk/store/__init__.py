"""The store: SQLite schema and migrations, typed write operations, read-only queries.

Actors and HTTP handlers use the facade on the runtime context, ``ctx[STORE]``
(:class:`~dealdesk.store.facade.Store`): every write goes to the AuditWriter actor
(``dealdesk.actors.audit_writer``) as one of the operations below, typed by its result; reads use
a read-only connection per thread (:class:`StoreReader`; :class:`AsyncStoreReader` on the loop).
The ``campaigns`` row has a typed schema (:class:`CampaignRow`). Boot calls
:func:`prepare_database` before any actor starts. Callers import the names exported here, not the
modules behind them; this package imports no actor code, so the ``audit`` command starts fast.
"""

from dealdesk.store.batch import Directory, Outcome, commit_plan, run_plan, run_plan_sync
from dealdesk.store.campaigns import (
    CampaignRow,
    CampaignSource,
    SaveCampaign,
    StoredCampaign,
    Unapplied,
    stored_campaign,
    stored_campaigns,
)
from dealdesk.store.clickup_deliveries import MAX_DELIVERY_BATCH, RecordDeliveries
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
from dealdesk.store.facade import STORE, Store
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
    "MAX_DELIVERY_BATCH",
    "SCHEMA_VERSION",
    "STORE",
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
    "CampaignRow",
    "CampaignSource",
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
    "RecordDeliveries",
    "RecordDelivery",
    "ReminderRecord",
    "ReminderStatus",
    "SaveCampaign",
    "SaveNegotiation",
    "SchemaTooNew",
    "SetMailCursor",
    "Store",
    "StoreError",
    "StoreMissing",
    "StoreOp",
    "StoreReader",
    "StoredCampaign",
    "ThreadReaders",
    "Transaction",
    "Unapplied",
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
    "stored_campaign",
    "stored_campaigns",
]
