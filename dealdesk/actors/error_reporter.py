"""ErrorReporter: failures whose retries ran out, posted to the Slack errors channel.

Rules:
- Reports are fingerprinted by (service, operation, kind). Each fingerprint is posted at most once
  per window (``error_window_s``, default 10 min); repeats inside the window are counted and the
  count goes out with the next post, or as a summary when the window closes.
- It never retries through itself: one attempt per post, no retry policy, no report about its own
  failure (that would loop). While Slack is unreachable, posts wait in order in a queue and go
  out when Slack answers again (a ``FlushReports`` scheduled on the loop retries them).
- Text is redacted of secrets before it leaves.
- Every report is also counted in the store's ``errors`` table (``CountErrorReport``: count, first
  and last seen, posted or not) and each post opens an ``error`` entry in the audit trail, both
  told to the AuditWriter. Except the store's own failures: a writer that cannot write would be
  asked to write about it, and report that, in a loop; those stay in the log and in Slack. The
  table is a record, not a queue: a report made while the writer is not running (start-up,
  shutdown) is logged and posted, not stored.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from dealdesk.errors import InvalidInput
from dealdesk.integrations.slack.messages import error_text
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.logging import redact_text
from dealdesk.runtime.registry import ERROR_REPORTER
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.store import STORE, AppendAudit, AuditKind, CountErrorReport, MarkErrorPosted, StoreOp

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    import pykka

    from dealdesk.runtime.context import RuntimeContext

__all__ = ["ErrorReporter", "FlushReports", "error_reporter_spec"]


@dataclass(frozen=True)
class FlushReports:
    """Command: retry queued posts and summarise windows that closed with repeats."""


@dataclass
class _Window:
    opened_at: float
    report: ErrorReport
    repeats: int = 0
    summary_scheduled: bool = False


class ErrorReporter(BaseActor):
    kind = "error_reporter"

    def __init__(
        self,
        ctx: RuntimeContext,
        post: Callable[[str], Coroutine[Any, Any, object]],
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(actor_id=ERROR_REPORTER, parent=parent, restarts=restarts)
        self.ctx = ctx
        self._post = post
        self._windows: dict[tuple[str, str, str], _Window] = {}
        self._queue: deque[tuple[ErrorReport, str]] = deque()  # (report, text to post)
        self._retry_scheduled = False
        self.posted = 0

    def handle(self, message: Any) -> Any:
        match message:
            case ErrorReport():
                return self._receive(message)
            case FlushReports():
                return self._flush()
            case _:
                return self.unhandled(message)

    def _receive(self, report: ErrorReport) -> None:
        now = self.ctx.clock.monotonic()
        window = self._windows.get(report.fingerprint)
        self.log.warning(
            "error_reported",
            service=report.service,
            operation=report.operation,
            kind=report.kind,
            message=report.message,
        )
        self._store(report, partial(_count, report))
        if window is not None and now - window.opened_at < self.ctx.settings.error_window_s:
            window.repeats += 1
            window.report = report
            self.ctx.metrics.error_reports.labels("false").inc()
            self._schedule_summary(window, now)
            return
        earlier = window.repeats if window is not None else 0
        self._windows[report.fingerprint] = _Window(opened_at=now, report=report)
        self._queue.append((report, error_text(report, earlier_repeats=earlier)))
        self.ctx.metrics.error_reports.labels("true").inc()
        self._flush()

    def _schedule_summary(self, window: _Window, now: float) -> None:
        if window.summary_scheduled:
            return
        window.summary_scheduled = True
        remaining = max(0.0, self.ctx.settings.error_window_s - (now - window.opened_at))
        self.ctx.loop.call_later(remaining, self.ctx.registry.tell, ERROR_REPORTER, FlushReports())

    def _summarise_closed_windows(self) -> None:
        now = self.ctx.clock.monotonic()
        for fingerprint, window in list(self._windows.items()):
            if now - window.opened_at < self.ctx.settings.error_window_s:
                continue
            if window.repeats:
                self._queue.append(
                    (window.report, error_text(window.report, summary_of=window.repeats))
                )
            del self._windows[fingerprint]

    def _flush(self) -> None:
        self._summarise_closed_windows()
        while self._queue:
            report, text = self._queue[0]
            try:
                self.ctx.loop.run(self._post(text), timeout=15)
            except Exception as exc:
                self.log.warning("error_post_failed", error=redact_text(repr(exc)))
                self._schedule_retry()
                return
            self._queue.popleft()
            self.posted += 1
            self._store(report, partial(MarkErrorPosted, _key(report)))
            self._store(report, partial(_audit_entry, report, text))

    def _store(self, report: ErrorReport, build: Callable[[], StoreOp[Any]]) -> None:
        """Tell the AuditWriter ``build()``, unless the report is the store's own (see the module
        docstring). A report whose text the store refuses (a NUL, say) is left to the log."""
        if report.service == "store":
            return
        try:
            op = build()
        except (InvalidInput, ValueError) as exc:
            self.log.warning("error_not_stored", error=str(exc)[:300])
            return
        self.ctx[STORE].tell(op)

    def _schedule_retry(self) -> None:
        if self._retry_scheduled:
            return
        self._retry_scheduled = True

        def retry() -> None:
            self._retry_scheduled = False
            self.ctx.registry.tell(ERROR_REPORTER, FlushReports())

        self.ctx.loop.call_later(self.ctx.settings.error_retry_s, retry)

    def state_name(self) -> str:
        return "backlogged" if self._queue else "idle"

    def dump_fields(self) -> dict[str, Any]:
        return {
            "queued_posts": len(self._queue),
            "open_windows": len(self._windows),
            "posted": self.posted,
        }


def _count(report: ErrorReport) -> CountErrorReport:
    return CountErrorReport(
        _key(report),
        report.service[:200],
        report.operation[:200],
        report.kind[:200],
        redact_text(report.message)[:500],
    )


def _audit_entry(report: ErrorReport, posted: str) -> AppendAudit:
    return AppendAudit(
        AuditKind.ERROR,
        metadata={
            "what": "error_reported",
            "service": report.service,
            "operation": report.operation,
            "kind": report.kind,
            "message": redact_text(report.message)[:500],
            "posted": posted[:1000],
        },
    )


def _key(report: ErrorReport) -> str:
    """The fingerprint as the ``errors`` table keys it."""
    return ":".join(report.fingerprint)[:600]


def error_reporter_spec(
    ctx: RuntimeContext, post: Callable[[str], Coroutine[Any, Any, object]]
) -> ChildSpec:
    """``post`` sends one text to the errors channel, once (``SlackGateway.post_once``)."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return ErrorReporter.start(ctx, post, parent=parent, restarts=restarts)

    return ChildSpec(name=ERROR_REPORTER, start=start, kind=ErrorReporter.kind)
