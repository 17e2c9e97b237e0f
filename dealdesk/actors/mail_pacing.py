"""How fast one mailbox may send: inside Gmail's limits, decided before each send.

Three budgets, each a sliding window over what really happened: the daily cap over a rolling
24 hours (default 300; Workspace allows 2,000 a day, consumer Gmail 500), a per-minute rate
(default 20), and Gmail's per-user quota of 15,000 units a minute (send 100, messages.get 5,
messages.list 5, history.list 2), shared by sending and receiving. A 429 or Gmail's "User-rate
limit exceeded (Mail sending)" pauses the mailbox until a given time. :meth:`Pacer.wait` says
how long the next send must wait (0: it may go now) and why; nothing is ever dropped, an email
that must wait stays in the outbox.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["SEND_UNITS", "Pacer", "Wait"]

SEND_UNITS = 100
DAY = timedelta(hours=24)
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Wait:
    seconds: float
    why: str  # "" when it may go now; else daily_cap, per_minute, quota, paused

    @property
    def now(self) -> bool:
        return self.seconds <= 0


@dataclass
class Pacer:
    """Each window is a deque trimmed from its old end, with its count or sum kept as it changes,
    so a decision costs the same with 30 sends in the last day as with 30,000 (a sum over the
    day's sends on every decision made sending quadratic in the day's volume)."""

    daily_cap: int
    per_minute: int
    units_per_minute: int
    sends: deque[datetime] = field(default_factory=deque)  # when each send of the last 24 h went
    recent: deque[datetime] = field(default_factory=deque)  # ... and of the last minute
    units: deque[tuple[datetime, int]] = field(default_factory=deque)
    units_total: int = 0  # the sum of ``units``
    paused_until: datetime | None = None

    def _trim(self, now: datetime) -> None:
        while self.sends and self.sends[0] <= now - DAY:
            self.sends.popleft()
        while self.recent and self.recent[0] <= now - MINUTE:
            self.recent.popleft()
        while self.units and self.units[0][0] <= now - MINUTE:
            self.units_total -= self.units.popleft()[1]

    def sent(self, at: datetime) -> None:
        self.sends.append(at)
        self.recent.append(at)

    def spent(self, at: datetime, units: int) -> None:
        if units > 0:
            self.units.append((at, units))
            self.units_total += units

    def pause(self, until: datetime) -> None:
        self.paused_until = max(until, self.paused_until or until)

    def units_last_minute(self, now: datetime) -> int:
        self._trim(now)
        return self.units_total

    def sent_last_day(self, now: datetime) -> int:
        self._trim(now)
        return len(self.sends)

    def room(self, now: datetime) -> int:
        """How many sends may go at once from ``now`` (0 when one must wait)."""
        self._trim(now)
        if self.paused_until is not None and now < self.paused_until:
            return 0
        units = self.units_per_minute - self.units_total
        return max(
            0,
            min(
                self.daily_cap - len(self.sends),
                self.per_minute - len(self.recent),
                units // SEND_UNITS,
            ),
        )

    def wait(self, now: datetime) -> Wait:
        """How long the next send must wait from ``now``, and which budget holds it."""
        self._trim(now)
        if self.paused_until is not None and now < self.paused_until:
            return Wait((self.paused_until - now).total_seconds(), "paused")
        if len(self.sends) >= self.daily_cap:
            return Wait((self.sends[-self.daily_cap] + DAY - now).total_seconds(), "daily_cap")
        if len(self.recent) >= self.per_minute:
            oldest = self.recent[-self.per_minute]
            return Wait((oldest + MINUTE - now).total_seconds(), "per_minute")
        if self.units_total + SEND_UNITS > self.units_per_minute:
            need = self.units_total + SEND_UNITS - self.units_per_minute
            for at, units in self.units:  # wait until enough of the window has slid out
                need -= units
                if need <= 0:
                    return Wait((at + MINUTE - now).total_seconds(), "quota")
        return Wait(0.0, "")
