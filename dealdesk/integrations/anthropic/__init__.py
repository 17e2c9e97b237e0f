"""Anthropic (the model): the async client on the I/O loop under the shared retry policy, the
reading and writing calls with their cached prefix, and how the SDK's failures read to the
retry policy."""

from dealdesk.integrations.anthropic.calls import (
    Call,
    Draft,
    ModelPlaybook,
    Prefix,
    ReadResult,
    read_reply,
    write_email,
)
from dealdesk.integrations.anthropic.client import ModelClient, Usage
from dealdesk.integrations.anthropic.errors import classify_anthropic

__all__ = [
    "Call",
    "Draft",
    "ModelClient",
    "ModelPlaybook",
    "Prefix",
    "ReadResult",
    "Usage",
    "classify_anthropic",
    "read_reply",
    "write_email",
]
