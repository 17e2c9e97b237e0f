# Copyright (c) 2026 dealdesk contributors.
"""The pure core: money, campaigns, pricing, the CPM tracker, the negotiation table and decide().

Nothing here does I/O or imports an I/O package (a test walks every module's imports); every
number the system sends is decided here.
"""

from dealdesk.domain.campaign import (
    PLATFORM_DELIVERABLES,
    Campaign,
    CpmRange,
    Deliverable,
    DeliverableType,
    Influencer,
    Platform,
    Timeline,
    UsageRights,
    parse_campaign,
    parse_influencer,
)
from dealdesk.domain.money import (
    CENT,
    Currency,
    Money,
    Ratio,
    format_money,
    money,
    quantize,
    ratio,
)
from dealdesk.domain.validation import ModelInvalid, parse_model, problems_of

__all__ = [
    "CENT",
    "PLATFORM_DELIVERABLES",
    "Campaign",
    "CpmRange",
    "Currency",
    "Deliverable",
    "DeliverableType",
    "Influencer",
    "ModelInvalid",
    "Money",
    "Platform",
    "Ratio",
    "Timeline",
    "UsageRights",
    "format_money",
    "money",
    "parse_campaign",
    "parse_influencer",
    "parse_model",
    "problems_of",
    "quantize",
    "ratio",
]
