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
    MarkErrorPosted,
    MarkReminderFired,
    RemoveDoNotContact,
    SetMailCursor,
)
from dealdesk.store.errors import SchemaTooNew, StoreError, StoreMissing, VersionConflict
from dealdesk.store.facade import STORE, Store
from dealdesk.store.inbox import (
    InboundRecord,
    MarkInboundDelivered,
    RecordInbound,
    inbound_known_query,
    inbound_query,
    negotiation_by_address_query,
)
from dealdesk.store.model import (
    AuditKind,
    Direction,
    EmailPriority,
    InboundKind,
    InboundStatus,
    OutboxStatus,
    ReminderStatus,
    iso_ms,
    parse_iso,
)
from dealdesk.store.ops import AppendAudit, Plan, StoreOp, Transaction
from dealdesk.store.outbox import (
    ClaimOutbox,
    InsertOutbox,
    MarkOutboxHeard,
    OutboxInserted,
    OutboxRecord,
    UpdateOutbox,
    outbox_counts_query,
    outbox_route_query,
    outcome_heard_query,
    sendable_query,
    sent_since_query,
    unheard_outcomes_query,
)
from dealdesk.store.queries import (
    AuditEntry,
    AuditFilter,
    AuditPage,
    CampaignRecord,
    DeliveryRecord,
    DoNotContactRecord,
    ErrorRecord,
    NegotiationRecord,
    ReminderRecord,
    do_not_contact_list_query,
    due_reminders_query,
    next_reminder_query,
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
from dealdesk.store.spend import (
    AgreedRate,
    BudgetExceeded,
    RecordSpend,
    agreed_rates_query,
    campaign_spend_query,
)

__all__ = [
    "MAX_DELIVERY_BATCH",
    "SCHEMA_VERSION",
    "STORE",
    "WRITER_PRAGMAS",
    "AddDoNotContact",
    "AddReminder",
    "AgreedRate",
    "AppendAudit",
    "AsyncStoreReader",
    "AuditEntry",
    "AuditFilter",
    "AuditKind",
    "AuditPage",
    "BudgetExceeded",
    "CampaignRecord",
    "CampaignRow",
    "CampaignSource",
    "CancelReminder",
    "CancelReminders",
    "ClaimOutbox",
    "CountErrorReport",
    "DeliveryRecord",
    "DeliveryRecorded",
    "Direction",
    "Directory",
    "DoNotContactRecord",
    "EmailPriority",
    "ErrorRecord",
    "InboundKind",
    "InboundRecord",
    "InboundStatus",
    "InsertOutbox",
    "MarkDeliveryProcessed",
    "MarkErrorPosted",
    "MarkInboundDelivered",
    "MarkOutboxHeard",
    "MarkReminderFired",
    "NegotiationRecord",
    "OutboxInserted",
    "OutboxRecord",
    "OutboxStatus",
    "Outcome",
    "Plan",
    "RecordDeliveries",
    "RecordDelivery",
    "RecordInbound",
    "RecordSpend",
    "ReminderRecord",
    "ReminderStatus",
    "RemoveDoNotContact",
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
    "agreed_rates_query",
    "campaign_spend_query",
    "commit_plan",
    "database_path",
    "do_not_contact_list_query",
    "due_reminders_query",
    "inbound_known_query",
    "inbound_query",
    "iso_ms",
    "negotiation_by_address_query",
    "next_reminder_query",
    "open_writer",
    "open_writer_sync",
    "outbox_counts_query",
    "outbox_route_query",
    "outcome_heard_query",
    "parse_iso",
    "prepare_database",
    "run_plan",
    "run_plan_sync",
    "sendable_query",
    "sent_since_query",
    "stored_campaign",
    "stored_campaigns",
    "unheard_outcomes_query",
]
