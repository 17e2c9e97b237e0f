"""The RosterKeeper: the team's influencer roster, read from Google Sheets. One per process.

Registered as ``roster``; the only owner of its Sheets client (httplib2 is not thread-safe), which
it builds on its own thread. A campaign's supervisor asks :class:`LookUpInfluencers` with the
campaign's entries as people typed them (a name, an @handle, an email) and gets a
``RosterLookup``: the influencers found, and for each entry not found a sentence saying why. The
parsed roster is kept for ``DEALDESK_ROSTER_TTL_S`` per sheet, so a big campaign reads the sheet
once; a read that fails is the supervisor's to retry (an ``UpstreamError`` after the shared retry
policy, reported to the errors channel by the client).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealdesk.integrations.sheets import (
    RosterCache,
    RosterLookup,
    RosterSource,
    SheetsClient,
    resolve_source,
)
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.registry import ROSTER
from dealdesk.runtime.supervision import ChildSpec

if TYPE_CHECKING:
    from collections.abc import Callable

    import pykka

    from dealdesk.runtime.context import RuntimeContext

__all__ = ["LookUpInfluencers", "RosterKeeper", "RosterSetup", "roster_keeper_spec"]


@dataclass(frozen=True)
class RosterSetup:
    """What the keeper's ``build`` makes on its thread: the client it owns (closed when the
    keeper stops), the cache reading through it, and the roster campaigns read by default."""

    client: SheetsClient
    cache: RosterCache
    default: RosterSource


@dataclass(frozen=True)
class LookUpInfluencers:
    """Ask: match ``entries`` against the roster (``roster``: the campaign's own tab or sheet,
    else the default); answers a ``RosterLookup``."""

    entries: tuple[str, ...]
    roster: str | None = None


class RosterKeeper(BaseActor):
    kind = "roster"

    def __init__(
        self,
        ctx: RuntimeContext,
        build: Callable[[], RosterSetup],
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(actor_id=ROSTER, parent=parent, restarts=restarts)
        self.ctx = ctx
        self.build = build
        self.setup: RosterSetup | None = None
        self.lookups = 0

    # -- runs on this actor's thread ------------------------------------------------------------

    def handle(self, message: Any) -> Any:
        match message:
            case LookUpInfluencers(entries=entries, roster=roster):
                return self.look_up(entries, roster)
            case _:
                return self.unhandled(message)

    def on_stop(self) -> None:
        if self.setup is not None:
            self.setup.client.close()

    def look_up(self, entries: tuple[str, ...], roster: str | None) -> RosterLookup:
        if self.setup is None:
            self.setup = self.build()
        self.lookups += 1
        source = resolve_source(roster, self.setup.default)
        lookup = self.setup.cache.lookup(entries, source)
        self.log.info("roster_lookup", source=str(source), found=len(lookup.found),
                      missing=len(lookup.missing))  # fmt: skip
        return lookup

    def dump_fields(self) -> dict[str, Any]:
        default = self.setup.default if self.setup else None
        return {"roster": str(default) if default else None, "lookups": self.lookups}


def roster_keeper_spec(ctx: RuntimeContext, build: Callable[[], RosterSetup]) -> ChildSpec:
    """``build`` makes the client, the cache and the default source, on the actor's thread."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return RosterKeeper.start(ctx, build, parent=parent, restarts=restarts)

    return ChildSpec(name=ROSTER, start=start, kind=RosterKeeper.kind)
