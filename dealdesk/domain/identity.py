"""Who an influencer is, and which negotiation is theirs: the one vocabulary for both.

A campaign lists influencers as the team wrote them (a name, an email, an @handle, or
``Name <email>``). :func:`influencer_key` turns an entry into its identity, so two spellings of
the same person are one influencer; :func:`negotiation_id` names that influencer's negotiation
in a campaign. Every part of the system (the supervisor that creates the rows, the negotiator
that loads them, the audit trail that indexes them) derives both from these two functions.
"""

from __future__ import annotations

import unicodedata

__all__ = ["influencer_key", "negotiation_id"]


def influencer_key(entry: str) -> str:
    """The identity of an entry: emails and handles case-folded, names' spacing collapsed.

    Two entries with the same key are the same influencer, so an update never starts them twice.
    """
    text = unicodedata.normalize("NFKC", entry).strip()
    if "<" in text and text.endswith(">"):
        text = text[text.rindex("<") + 1 : -1]
    return " ".join(text.casefold().split())


def negotiation_id(campaign_id: str, influencer: str) -> str:
    """The one id of an influencer's negotiation in a campaign (stable across spellings)."""
    return f"{campaign_id}:{influencer_key(influencer)}"
