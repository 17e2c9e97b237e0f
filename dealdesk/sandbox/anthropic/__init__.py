"""The sandbox Anthropic: the Messages API over loopback, its model scripted by tests or answering
as the rule-based reader and templated writer would."""

from dealdesk.sandbox.anthropic.fake import (
    MIN_CACHEABLE_TOKENS,
    SANDBOX_ANTHROPIC_KEY,
    SANDBOX_MODELS,
    FakeAnthropic,
    error_fault,
)

__all__ = [
    "MIN_CACHEABLE_TOKENS",
    "SANDBOX_ANTHROPIC_KEY",
    "SANDBOX_MODELS",
    "FakeAnthropic",
    "error_fault",
]
