"""Messages about failures, shared by the runtime and the ErrorReporter actor."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ErrorReport"]


@dataclass(frozen=True)
class ErrorReport:
    """Event: something failed for good (retries ran out, a child hit its restart limit).

    ``service``, ``operation`` and ``kind`` fingerprint it; ``message`` must already be redacted.
    """

    service: str
    operation: str
    kind: str
    message: str
    context: dict[str, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> tuple[str, str, str]:
        return (self.service, self.operation, self.kind)
