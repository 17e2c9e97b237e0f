"""The one exception hierarchy of dealdesk.

Our own mistakes (``IllegalTransition``, ``ConfigError``) are kept apart from the outside
world's (``UpstreamError``), and every error carries an HTTP status hint the ingress maps to a
response (as h11's ``error_status_hint``). This module imports nothing but the standard library,
so the pure domain can raise these too.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DealdeskError",
    "IllegalTransition",
    "InvalidInput",
    "LeaseHeld",
    "UpstreamError",
]


class DealdeskError(Exception):
    """Root of every error dealdesk raises on purpose."""

    status_hint: int = 500


class InvalidInput(DealdeskError):
    """Input from outside (webhook, command, flag, field) was wrong; the message says how."""

    status_hint = 400


class ConfigError(DealdeskError):
    """A settings value or a config file is missing or wrong; start-up stops on it."""

    status_hint = 500


class IllegalTransition(DealdeskError):
    """A state machine was asked to take an edge its table does not have; nothing changed."""

    status_hint = 409

    def __init__(self, state: str, event: str) -> None:
        super().__init__(f"no transition from state {state!r} on event {event!r}")
        self.state = state
        self.event = event


class LeaseHeld(DealdeskError):
    """Another dealdesk process holds the data directory."""

    status_hint = 503

    def __init__(self, path: str, pid: int | None) -> None:
        holder = f"pid {pid}" if pid is not None else "an unknown process"
        super().__init__(f"another dealdesk ({holder}) is running on {path}")
        self.path = path
        self.pid = pid


class UpstreamError(DealdeskError):
    """An external service failed and retries (if any were allowed) ran out.

    ``kind`` is a short stable word (``timeout``, ``connection``, ``http_503``, ``ratelimited``,
    ``slack_channel_not_found``) that, with ``service`` and ``operation``, fingerprints the failure
    for the ErrorReporter. ``message`` has been redacted of secrets before it got here.
    """

    status_hint = 502

    def __init__(
        self,
        service: str,
        operation: str,
        kind: str,
        message: str,
        *,
        attempts: int = 1,
        status: int | None = None,
    ) -> None:
        super().__init__(
            f"{service} {operation} failed after {attempts} attempt(s): {kind}: {message}"
        )
        self.service = service
        self.operation = operation
        self.kind = kind
        self.message = message
        self.attempts = attempts
        self.status = status
