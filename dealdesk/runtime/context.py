"""What every actor of one runtime shares: settings, the I/O loop, names, metrics, the clock.

Built once at start-up and passed down explicitly (actors never reach for globals). Layers above
the runtime hang their own shared parts on it by a typed key, as aiohttp's ``web.AppKey`` does:
the store package defines ``STORE = ContextKey("store", Store.for_context)`` and an actor writes
``ctx[STORE].write(op)``. The part is built on first use, once per context, so the runtime never
imports the layers above it and a test's context gets the same parts as production's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dealdesk.runtime.clock import Clock, SystemClock
from dealdesk.runtime.metrics import Metrics
from dealdesk.runtime.registry import ERROR_REPORTER, ActorRegistry

if TYPE_CHECKING:
    from collections.abc import Callable

    from dealdesk.runtime.loop import IoLoop
    from dealdesk.runtime.reports import ErrorReport
    from dealdesk.runtime.settings import Settings

__all__ = ["ContextKey", "RuntimeContext"]

T = TypeVar("T")


class ContextKey(Generic[T]):
    """A typed slot on the context; ``build(ctx)`` makes its value on first use."""

    __slots__ = ("build", "name")

    def __init__(self, name: str, build: Callable[[RuntimeContext], T]) -> None:
        self.name = name
        self.build = build

    def __repr__(self) -> str:
        return f"ContextKey({self.name!r})"


@dataclass
class RuntimeContext:
    settings: Settings
    loop: IoLoop
    registry: ActorRegistry = field(default_factory=ActorRegistry)
    metrics: Metrics = field(default_factory=Metrics)
    clock: Clock = field(default_factory=SystemClock)
    _parts: dict[ContextKey[Any], Any] = field(default_factory=dict, repr=False)
    _parts_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __getitem__(self, key: ContextKey[T]) -> T:
        with self._parts_lock:
            if key not in self._parts:
                self._parts[key] = key.build(self)
            value: T = self._parts[key]
            return value

    def report(self, report: ErrorReport) -> None:
        """Hand a failure to the ErrorReporter (never blocks; logged if it is not running)."""
        self.metrics.upstream_failures.labels(report.service, report.kind).inc()
        self.registry.tell(ERROR_REPORTER, report)
