"""Which new negotiations a campaign opens now: a few at a time, as their first emails go out.

A campaign of a thousand creators creates a thousand negotiations in one go. Activating them all
at once would start more negotiators than the process keeps live (``max_live_negotiators``): the
table would passivate the first ones before the mailbox had even sent their outreach, and each
would be activated a second time to hear that it went out — twice the threads started, the rows
loaded and the catch-up queries run, for nothing. So a campaign keeps its new negotiations in a
queue and opens at most ``limit`` at a time: a negotiation is *opening* from its activation until
it has heard how its outreach went (it leaves ``new`` and ``outreach_sent``), and each one that
does lets the next in. The mailbox always has ``limit`` outreach emails to send, and a negotiator
that has heard is resting, the one the table passivates first when it needs room.

Nothing here is durable, nor needs to be: a queued negotiation is ``new`` in the store, and a
restarted supervisor queues every ``new`` one again.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dealdesk.domain.negotiation import State

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["OPENING_STATES", "Admission", "Opening"]

OPENING_STATES = frozenset({State.NEW, State.OUTREACH_SENT})


@dataclass(frozen=True)
class Opening:
    """Negotiation ``nid`` may activate now; ``fresh``: created just now by this supervisor (it
    has nothing in the store yet but its row: no outcome, no reply to catch up on)."""

    nid: str
    fresh: bool


@dataclass
class Admission:
    limit: int
    waiting: deque[Opening] = field(default_factory=deque)
    opening: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(f"a campaign must open at least one negotiation at a time: {self}")

    def queue(self, nid: str, *, fresh: bool) -> None:
        if nid not in self.opening:
            self.waiting.append(Opening(nid, fresh))

    def moved(self, nid: str, state: State) -> None:
        """Negotiation ``nid`` is in ``state`` now: past its outreach, it no longer counts."""
        if state not in OPENING_STATES:
            self.opening.discard(nid)

    def admit(
        self, still_new: Callable[[str], bool], stuck: Callable[[str], bool]
    ) -> Iterator[Opening]:
        """The queued negotiations to activate now, oldest first. ``still_new``: whether one
        is still to be opened (a pause or a stop may have moved it meanwhile); ``stuck``: whether
        an opening one will never move (its negotiator gave up before its first step)."""
        self.opening -= {nid for nid in self.opening if stuck(nid)}
        while self.waiting and len(self.opening) < self.limit:
            opening = self.waiting.popleft()
            if still_new(opening.nid) and opening.nid not in self.opening:
                self.opening.add(opening.nid)
                yield opening

    def __len__(self) -> int:
        return len(self.waiting)
