"""What changed between a running campaign and the same campaign as submitted again.

Influencers are compared by identity (:func:`~dealdesk.domain.identity.influencer_key`), every
other term by value. The campaign's supervisor asks this when an update arrives: added
influencers get negotiations, everything else is recorded and reported, never applied to live
negotiations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealdesk.domain.identity import influencer_key

if TYPE_CHECKING:
    from dealdesk.domain.campaign import Campaign

__all__ = ["CampaignChanges", "TermChange", "campaign_changes", "short_repr"]


def short_repr(value: object, limit: int = 80) -> str:
    """``repr`` cut to ``limit`` characters, for messages that name a value."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class TermChange:
    term: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.term}: {short_repr(self.before)} → {short_repr(self.after)}"


@dataclass(frozen=True)
class CampaignChanges:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    terms: tuple[TermChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.terms)


def campaign_changes(old: Campaign, new: Campaign) -> CampaignChanges:
    old_keys = {influencer_key(i) for i in old.influencers}
    new_keys = {influencer_key(i) for i in new.influencers}
    added = tuple(i for i in new.influencers if influencer_key(i) not in old_keys)
    removed = tuple(i for i in old.influencers if influencer_key(i) not in new_keys)
    before = old.model_dump(mode="json", exclude={"influencers", "id"})
    after = new.model_dump(mode="json", exclude={"influencers", "id"})
    terms = tuple(
        TermChange(term, before.get(term), after.get(term))
        for term in sorted(set(before) | set(after))
        if before.get(term) != after.get(term)
    )
    return CampaignChanges(added, removed, terms)
