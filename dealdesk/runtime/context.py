"""What every actor of one runtime shares: settings, the I/O loop, names, metrics, the clock.

Built once at start-up and passed down explicitly (actors never reach for globals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dealdesk.runtime.clock import Clock, SystemClock
from dealdesk.runtime.metrics import Metrics
from dealdesk.runtime.registry import ERROR_REPORTER, ActorRegistry

if TYPE_CHECKING:
    from dealdesk.runtime.loop import IoLoop
    from dealdesk.runtime.reports import ErrorReport
    from dealdesk.runtime.settings import Settings

__all__ = ["RuntimeContext"]


@dataclass
class RuntimeContext:
    settings: Settings
    loop: IoLoop
    registry: ActorRegistry = field(default_factory=ActorRegistry)
    metrics: Metrics = field(default_factory=Metrics)
    clock: Clock = field(default_factory=SystemClock)

    def report(self, report: ErrorReport) -> None:
        """Hand a failure to the ErrorReporter (never blocks; logged if it is not running)."""
        self.metrics.upstream_failures.labels(report.service, report.kind).inc()
        self.registry.tell(ERROR_REPORTER, report)
