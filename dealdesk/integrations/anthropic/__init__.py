"""Anthropic (the model): for now, how its SDK's failures read to the retry policy."""

from dealdesk.integrations.anthropic.errors import classify_anthropic

__all__ = ["classify_anthropic"]
