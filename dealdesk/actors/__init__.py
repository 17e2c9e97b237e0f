"""The actors: one pykka actor per module, each owning one resource or one piece of state.

``RuntimeSupervisor`` is the root; ``ErrorReporter`` and ``AuditWriter`` are singletons started
first; ``ClickUpIngress`` turns webhook deliveries into campaigns, each run by its
``CampaignSupervisor``.
"""

from dealdesk.actors.audit_writer import AuditWriter, Flush, audit_writer_spec
from dealdesk.actors.campaign_supervisor import (
    AddInfluencers,
    CampaignSupervisor,
    InfluencersAdded,
    PauseCampaign,
    campaign_supervisor_spec,
    negotiation_id,
)
from dealdesk.actors.clickup_ingress import (
    ClickUpIngress,
    ReplayUnprocessed,
    RetryDelivery,
    clickup_ingress_spec,
)
from dealdesk.actors.error_reporter import ErrorReporter, FlushReports, error_reporter_spec
from dealdesk.actors.runtime_supervisor import RuntimeSupervisor

__all__ = [
    "AddInfluencers",
    "AuditWriter",
    "CampaignSupervisor",
    "ClickUpIngress",
    "ErrorReporter",
    "Flush",
    "FlushReports",
    "InfluencersAdded",
    "PauseCampaign",
    "ReplayUnprocessed",
    "RetryDelivery",
    "RuntimeSupervisor",
    "audit_writer_spec",
    "campaign_supervisor_spec",
    "clickup_ingress_spec",
    "error_reporter_spec",
    "negotiation_id",
]
