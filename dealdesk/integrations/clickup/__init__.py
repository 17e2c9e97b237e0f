"""ClickUp: the API client, webhook envelopes, custom-field decoding and the campaign mapping.

- ``client``: Get Task and webhook calls through the shared retry policy, with a per-token rate
  limiter.
- ``events``: webhook envelopes, signatures and idempotency keys (no I/O).
- ``fields``: every custom-field type decoded into a value as the person sees it.
- ``terms``: a decoded value read as a campaign term (amounts, dates, platform, deliverables).
- ``mapping``: a task's fields → a validated ``Campaign`` by ``config/campaign_fields.yaml``.
- ``config``: the webhook secret and the List, resolved from settings or the stored webhook.
"""

from dealdesk.integrations.clickup.client import TASK_EVENTS, ClickUpClient, RateLimiter
from dealdesk.integrations.clickup.config import (
    StoredWebhook,
    load_stored_webhook,
    resolve_list_id,
    resolve_webhook_secret,
    store_webhook,
)
from dealdesk.integrations.clickup.events import (
    SOURCE,
    ReceivedDeliveries,
    ReceivedDelivery,
    idempotency_key,
    parse_envelope,
    signature_of,
    verify_signature,
)
from dealdesk.integrations.clickup.fields import FieldError
from dealdesk.integrations.clickup.mapping import (
    CampaignRejected,
    FieldMapping,
    MappedCampaign,
    load_field_mapping,
    map_task,
)

__all__ = [
    "SOURCE",
    "TASK_EVENTS",
    "CampaignRejected",
    "ClickUpClient",
    "FieldError",
    "FieldMapping",
    "MappedCampaign",
    "RateLimiter",
    "ReceivedDeliveries",
    "ReceivedDelivery",
    "StoredWebhook",
    "idempotency_key",
    "load_field_mapping",
    "load_stored_webhook",
    "map_task",
    "parse_envelope",
    "resolve_list_id",
    "resolve_webhook_secret",
    "signature_of",
    "store_webhook",
    "verify_signature",
]
