"""What a Negotiator tells its campaign supervisor (it is woken with the runtime's ``Wake``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AgreementReached", "NegotiationMoved"]


@dataclass(frozen=True)
class AgreementReached:
    """Event for the campaign supervisor: an agreement was committed (for the CPM tracker and
    the campaign's spend)."""

    negotiation_id: str
    amount: str
    cpm: str


@dataclass(frozen=True)
class NegotiationMoved:
    """Event for the campaign supervisor: a negotiation's committed state is now ``state``."""

    negotiation_id: str
    state: str
