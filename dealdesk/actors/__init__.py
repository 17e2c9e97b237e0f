"""The actors: one pykka actor per module, each owning one resource or one piece of state.

``RuntimeSupervisor`` is the root; ``ErrorReporter`` and ``AuditWriter`` are singletons started
first; the ``CampaignDirectory`` restores the active campaigns, each run by its
``CampaignSupervisor`` (the owner of the campaign's row and negotiations); ``ClickUpIngress``
turns webhook deliveries into campaign commands. Their messages: ``campaign_messages``,
``audit_messages``.
"""

from dealdesk.actors.audit_writer import AuditWriter, Flush, audit_writer_spec
from dealdesk.actors.campaign_directory import CampaignDirectory, campaign_directory_spec
from dealdesk.actors.campaign_messages import (
    AddInfluencers,
    InfluencersAdded,
    OpenCampaign,
    PauseCampaign,
    RejectCampaign,
    SubmitCampaign,
    UpdateCampaign,
    WithdrawCampaign,
)
from dealdesk.actors.campaign_supervisor import CampaignSupervisor, campaign_supervisor_spec
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
    "CampaignDirectory",
    "CampaignSupervisor",
    "ClickUpIngress",
    "ErrorReporter",
    "Flush",
    "FlushReports",
    "InfluencersAdded",
    "OpenCampaign",
    "PauseCampaign",
    "RejectCampaign",
    "ReplayUnprocessed",
    "RetryDelivery",
    "RuntimeSupervisor",
    "SubmitCampaign",
    "UpdateCampaign",
    "WithdrawCampaign",
    "audit_writer_spec",
    "campaign_directory_spec",
    "campaign_supervisor_spec",
    "clickup_ingress_spec",
    "error_reporter_spec",
]
