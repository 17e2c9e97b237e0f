"""Names for the actors that others address: the singletons and the campaign supervisors.

A supervisor that restarts a child re-registers the new reference under the same name, so code
that sends by name (``registry.tell(AUDIT_WRITER, msg)``) reaches the live activation. A message
for a name with nobody behind it is logged as a dead letter, never silently dropped.
"""

from __future__ import annotations

import threading
from typing import Any

import pykka
import structlog

__all__ = [
    "AUDIT_WRITER",
    "CAMPAIGNS",
    "CLICKUP_INGRESS",
    "ERROR_REPORTER",
    "ROOT",
    "ROSTER",
    "SCHEDULER",
    "ActorRegistry",
    "campaign_name",
    "mailroom_name",
    "negotiation_name",
]

ROOT = "runtime"
ERROR_REPORTER = "error-reporter"
AUDIT_WRITER = "audit-writer"
CLICKUP_INGRESS = "clickup-ingress"
CAMPAIGNS = "campaigns"  # the CampaignDirectory, parent of every campaign supervisor
ROSTER = "roster"  # the RosterKeeper, owner of the Sheets client
SCHEDULER = "scheduler"  # durable reminders

log = structlog.get_logger("dealdesk.registry")


def campaign_name(campaign_id: str) -> str:
    return f"campaign:{campaign_id}"


def mailroom_name(address: str) -> str:
    """The Mailroom of one Gmail mailbox."""
    return f"mailroom:{address}"


def negotiation_name(negotiation_id: str) -> str:
    """The child name of a negotiation's actor under its campaign supervisor."""
    return f"negotiation:{negotiation_id}"


class ActorRegistry:
    """Thread-safe name -> ActorRef map; every thread may read and tell through it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refs: dict[str, pykka.ActorRef[Any]] = {}

    def register(self, name: str, ref: pykka.ActorRef[Any]) -> None:
        with self._lock:
            self._refs[name] = ref

    def unregister(self, name: str, ref: pykka.ActorRef[Any] | None = None) -> None:
        """Forget ``name``; with ``ref``, only if it still points at that activation."""
        with self._lock:
            if ref is None or self._refs.get(name) is ref:
                self._refs.pop(name, None)

    def get(self, name: str) -> pykka.ActorRef[Any] | None:
        with self._lock:
            ref = self._refs.get(name)
        if ref is not None and not ref.is_alive():
            return None
        return ref

    def names(self, prefix: str = "") -> list[str]:
        with self._lock:
            return sorted(name for name in self._refs if name.startswith(prefix))

    def tell(self, name: str, message: object) -> bool:
        """Send ``message`` to the actor called ``name``; False (and a log line) if none is live."""
        ref = self.get(name)
        if ref is None:
            log.warning("dead_letter", to=name, message_type=type(message).__name__)
            return False
        try:
            ref.tell(message)
        except pykka.ActorDeadError:
            log.warning("dead_letter", to=name, message_type=type(message).__name__)
            return False
        return True
