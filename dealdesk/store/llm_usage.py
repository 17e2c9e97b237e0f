"""What the model cost, summed from the audit trail's ``llm`` entries (no table of its own).

Each model call is one audit entry (``AuditKind.LLM``) whose metadata holds its negotiation, its
tokens (input, output, cache write, cache read) and its cost in USD at the prices in settings
when it was made. :func:`llm_usage_query` sums them per negotiation of a campaign; the campaign's
totals are the sum of those (:meth:`LlmUsage.plus`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dealdesk.store.model import AuditKind
from dealdesk.store.queries import Query, Rows

__all__ = ["LlmUsage", "llm_usage_query"]


@dataclass(frozen=True)
class LlmUsage:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    cost_usd: Decimal = Decimal(0)

    @property
    def tokens(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_write_tokens
            + self.cache_read_tokens
        )

    def plus(self, other: LlmUsage) -> LlmUsage:
        return LlmUsage(
            self.calls + other.calls,
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cost_usd + other.cost_usd,
        )


def _field(name: str) -> str:
    return f"coalesce(sum(json_extract(metadata, '$.{name}')), 0)"


def llm_usage_query(campaign_id: str) -> Query[dict[str, LlmUsage]]:
    """The model's calls of a campaign, summed per negotiation id."""
    sql = (
        "SELECT json_extract(metadata, '$.negotiation_id'), count(*), "
        + ", ".join(
            _field(n)
            for n in ("input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens")
        )
        + ", group_concat(json_extract(metadata, '$.cost_usd'), ' ') "
        "FROM audit_log WHERE campaign_id = ?1 AND event_type = ?2 GROUP BY 1"
    )

    def convert(rows: Rows) -> dict[str, LlmUsage]:
        usage: dict[str, LlmUsage] = {}
        for nid, calls, inp, out, write, read, costs in rows:
            cost = sum((Decimal(c) for c in str(costs or "").split()), Decimal(0))
            usage[str(nid)] = LlmUsage(calls, inp, out, write, read, cost)
        return usage

    return Query(sql, (campaign_id, AuditKind.LLM.value), convert)
