"""Which virtual actors are live, across every owner, least recently used first (Orleans' idea).

An owner (a campaign's supervisor) activates its children on demand and passivates them when they
are idle; the process as a whole keeps at most ``cap`` of them live. ``ctx[ACTIVATIONS]`` is the
one table every owner shares: :meth:`Activations.touch` records a use and answers which live
activations must go to make room (least recently used first, never the one just used), each with
the owner that must passivate it; an activation stays counted until its owner says it is gone
(:meth:`Activations.gone`), so evictions in flight are not chosen twice nor forgotten.

Thread-safe: owners run on their own threads. Time is the context's monotonic clock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dealdesk.runtime.context import ContextKey

if TYPE_CHECKING:
    from collections.abc import Callable

    from dealdesk.runtime.context import RuntimeContext

__all__ = ["ACTIVATIONS", "Activations", "Eviction"]


@dataclass(frozen=True)
class Eviction:
    """Live activation ``name`` of ``owner`` must be passivated to stay within the cap."""

    owner: str
    name: str


@dataclass
class _Live:
    owner: str
    used_at: float
    evicting: bool = False


class Activations:
    def __init__(self, cap: int, monotonic: Callable[[], float]) -> None:
        if cap < 1:
            raise ValueError(f"the cap of live activations must be at least 1, not {cap}")
        self.cap = cap
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._live: OrderedDict[str, _Live] = OrderedDict()  # least recently used first
        self._evicting = 0  # how many of them are on their way out
        self._by_owner: dict[str, OrderedDict[str, None]] = {}  # each owner's, LRU first
        self.peak = 0
        self.evictions = 0

    @classmethod
    def for_context(cls, ctx: RuntimeContext) -> Activations:
        return cls(ctx.settings.max_live_negotiators, ctx.clock.monotonic)

    def touch(self, owner: str, name: str) -> list[Eviction]:
        """``name`` (of ``owner``) is live and was used now; the activations to passivate:
        ``owner``'s own least recently used first (it passivates them at once, so the count
        of threads never overshoots), then the process's."""
        with self._lock:
            entry = self._live.pop(name, None)
            if entry is not None and entry.owner != owner:
                self._forget(name, entry)
                entry = None
            if entry is None:
                entry = _Live(owner, 0.0)
            if entry.evicting:  # used again: whatever was asked of it, it is live now
                entry.evicting = False
                self._evicting -= 1
            entry.used_at = self._monotonic()
            self._live[name] = entry
            mine = self._by_owner.setdefault(owner, OrderedDict())
            mine[name] = None
            mine.move_to_end(name)
            over = len(self._live) - self.cap - self._evicting
            chosen: list[Eviction] = []
            for candidates in (mine, self._live):
                for other in candidates:
                    if over <= 0:
                        break
                    live = self._live[other]
                    if other == name or live.evicting:
                        continue
                    live.evicting = True
                    self._evicting += 1
                    chosen.append(Eviction(live.owner, other))
                    over -= 1
            self.evictions += len(chosen)
            self.peak = max(self.peak, len(self._live) - self._evicting)
            return chosen

    def _forget(self, name: str, entry: _Live) -> None:
        if entry.evicting:
            self._evicting -= 1
        owned = self._by_owner.get(entry.owner)
        if owned is not None:
            owned.pop(name, None)
            if not owned:
                del self._by_owner[entry.owner]

    def evicting(self, name: str) -> bool:
        """Whether ``name`` is still to be passivated (no use since it was chosen)."""
        with self._lock:
            entry = self._live.get(name)
            return entry is not None and entry.evicting

    def gone(self, name: str) -> None:
        """``name`` was passivated (or stopped for good): no longer live."""
        with self._lock:
            entry = self._live.pop(name, None)
            if entry is not None:
                self._forget(name, entry)

    def idle(self, owner: str, idle_s: float) -> list[str]:
        """``owner``'s activations unused for ``idle_s`` seconds or more, oldest first."""
        now = self._monotonic()
        with self._lock:
            mine = self._by_owner.get(owner)
            if mine is None:
                return []
            return [name for name in mine if now - self._live[name].used_at >= idle_s]

    def live(self, owner: str | None = None) -> int:
        with self._lock:
            if owner is None:
                return len(self._live)
            return len(self._by_owner.get(owner, {}))


ACTIVATIONS: ContextKey[Activations] = ContextKey("activations", Activations.for_context)
