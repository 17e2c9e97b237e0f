"""Notifier: the one way a message reaches the team's Slack, durably and paced.

Rules:
- Every notification is in the store's ``notifications`` table before it is posted: a negotiation
  step writes its own in its transaction (``EnqueueNotification``) and tells ``PostPending``;
  anything else tells :class:`Notify`, which this actor writes first. A key names each once.
- Per channel, first in first out: only the oldest waiting notification of a channel is posted,
  one post in flight per channel, and the next waits ``slack_pace_s`` (about one message per
  second per channel, Slack's limit for chat.postMessage). A 429 waits its ``Retry-After``.
- A post is claimed (``posting``) before it is made and marked ``posted`` with Slack's ts after.
  A claim whose outcome is unknown (a restart, a timeout, a 5xx) is settled by reading the channel
  for the message carrying its key, never by posting blind: nothing is posted twice.
- While Slack is down, notifications wait in the table (nothing is dropped) and are tried again
  with a growing pause (up to ``MAX_BACKOFF_S``). Slack's refusal (an unknown channel, invalid
  blocks) marks it ``failed`` and is reported to the ErrorReporter; it is not retried.
- Posting runs on the I/O loop; its outcome comes back as a message, so this actor never waits
  on Slack. Timers are the loop's; "now" is the injected clock's.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

import pykka

from dealdesk.integrations.slack.errors import classify_slack
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.logging import redact_text
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.store import STORE
from dealdesk.store.notifications import (
    ClaimNotification,
    EnqueueNotification,
    MarkNotification,
    NotificationRecord,
    notification_query,
    waiting_notifications_query,
)

if TYPE_CHECKING:
    import concurrent.futures

    from dealdesk.runtime.context import RuntimeContext

__all__ = ["NOTIFIER", "Notifier", "Notify", "PostPending", "SlackPoster", "notifier_spec"]

NOTIFIER = "notifier"
MAX_BACKOFF_S = 60.0


class SlackPoster(Protocol):
    """What the Notifier posts through (``SlackGateway`` in production; a file in some tests)."""

    async def post_notification(
        self,
        channel: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None,
        thread_ts: str | None,
        key: str,
    ) -> str: ...

    async def find_notification(
        self, channel: str, key: str, since: str, thread_ts: str | None = None
    ) -> str | None: ...


@dataclass(frozen=True)
class Notify:
    """Command: tell the team ``text`` (``channel`` defaults to the team channel). A ``key``
    makes it once-only: a second Notify with the same key is dropped as a repeat."""

    text: str
    blocks: tuple[dict[str, Any], ...] | None = None
    channel: str | None = None
    key: str = field(default_factory=lambda: f"notify:{uuid.uuid4().hex}")
    thread_of: str | None = None


@dataclass(frozen=True)
class PostPending:
    """Command: post what waits in the table (after a step committed one, or a pause ended)."""


@dataclass(frozen=True)
class _Settled:
    key: str
    channel: str
    ts: str | None = None
    error: BaseException | None = None


class Notifier(BaseActor):
    kind = "notifier"

    def __init__(
        self,
        ctx: RuntimeContext,
        slack: SlackPoster,
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(actor_id=NOTIFIER, parent=parent, restarts=restarts)
        self.ctx = ctx
        self.slack = slack
        self.store = ctx[STORE]
        self._in_flight: dict[str, str] = {}  # channel -> key being posted
        self._not_before: dict[str, float] = {}  # channel -> monotonic time of its next post
        self._wake_at: float | None = None
        self.posted = 0

    # -- runs on this actor's thread ------------------------------------------------------------

    def started(self) -> None:
        self._pump()  # what a previous run left waiting or claimed

    def handle(self, message: Any) -> Any:
        match message:
            case Notify():
                return self._notify(message)
            case PostPending():
                return self._pump()
            case _Settled():
                return self._settle(message)
            case _:
                return self.unhandled(message)

    def _notify(self, message: Notify) -> None:
        channel = message.channel or self.ctx.settings.slack_team_channel
        op = EnqueueNotification(
            message.key, channel, message.text, message.blocks, thread_of=message.thread_of
        )
        if not self.store.write(op):
            self.log.info("notification_repeat_ignored", key=message.key)
        self._pump()

    def _pump(self) -> None:
        now = self.ctx.clock.monotonic()
        if self._wake_at is not None and self._wake_at <= now:
            self._wake_at = None  # that timer has fired
        reader = self.store.reader()
        for row in reader.run(waiting_notifications_query()):
            if row.channel in self._in_flight:
                continue
            due = self._not_before.get(row.channel, 0.0)
            if due > now:
                self._wake(due - now)
                continue
            thread_ts: str | None = None
            if row.thread_of is not None:
                parent = reader.run(notification_query(row.thread_of))
                if parent is not None and parent.status in ("pending", "posting"):
                    continue  # its thread does not exist yet (its own channel posts it first)
                thread_ts = parent.ts if parent is not None else None
            settle_first = row.status == "posting"  # claimed by an earlier run: may be in Slack
            if not settle_first and not self.store.write(ClaimNotification(row.key)):
                continue
            self._in_flight[row.channel] = row.key
            future = self.ctx.loop.submit(self._attempt(row, thread_ts, settle_first=settle_first))
            future.add_done_callback(partial(self._outcome, row))

    async def _attempt(
        self, row: NotificationRecord, thread_ts: str | None, *, settle_first: bool
    ) -> str:
        """On the loop: find it if an earlier attempt may have posted it, else post it."""
        if settle_first:
            found = await self.slack.find_notification(
                row.channel, row.key, row.created_at, thread_ts
            )
            if found is not None:
                return found
            self.log.info("notification_claim_not_in_slack", key=row.key)
        return await self.slack.post_notification(
            row.channel, row.text, blocks=row.blocks, thread_ts=thread_ts, key=row.key
        )

    def _outcome(self, row: NotificationRecord, future: concurrent.futures.Future[str]) -> None:
        """On the loop: hand the outcome to this actor (it may have stopped meanwhile)."""
        if future.cancelled():
            settled = _Settled(row.key, row.channel, error=TimeoutError("post cancelled"))
        elif (exc := future.exception()) is not None:
            settled = _Settled(row.key, row.channel, error=exc)
        else:
            settled = _Settled(row.key, row.channel, ts=future.result())
        # To this activation itself, not by name: its answer may come back before the name is
        # registered (a fast Slack right after start), and must never go to another activation.
        with contextlib.suppress(pykka.ActorDeadError):
            self.actor_ref.tell(settled)

    def _settle(self, message: _Settled) -> None:
        self._in_flight.pop(message.channel, None)
        now = self.ctx.clock.monotonic()
        pace = self.ctx.settings.slack_pace_s
        if message.error is None:
            self.store.write(MarkNotification(message.key, "posted", ts=message.ts))
            self.posted += 1
            self._not_before[message.channel] = now + pace
            self.log.info("notification_posted", key=message.key, channel=message.channel)
        else:
            self._failed(message, now)
        self._pump()

    def _failed(self, message: _Settled, now: float) -> None:
        assert message.error is not None
        failure = classify_slack(message.error)
        error = redact_text(repr(message.error))[:500]
        if not failure.retryable:
            self.store.write(MarkNotification(message.key, "failed", error=error))
            self.log.error("notification_refused", key=message.key, error=error)
            self.ctx.report(
                ErrorReport("slack", "chat.postMessage", failure.kind, error, {"key": message.key})
            )
            return
        pace = self.ctx.settings.slack_pace_s
        row = self.store.reader().run(notification_query(message.key))
        attempts = row.attempts if row is not None else 1
        if failure.status == 429:  # Slack refused it before posting: certainly not in the channel
            self.store.write(MarkNotification(message.key, "pending", error=error))
            wait = failure.retry_after if failure.retry_after is not None else pace
        else:  # it may have reached Slack: stays claimed, settled by reading the channel
            wait = min(MAX_BACKOFF_S, max(pace, 1.0) * 2 ** max(0, attempts - 1))
        self._not_before[message.channel] = now + wait
        self.log.warning(
            "notification_post_failed", key=message.key, error=error, retry_in_s=round(wait, 3)
        )

    def _wake(self, delay: float) -> None:
        """Tell itself ``PostPending`` after ``delay`` (one timer at a time, the earliest)."""
        at = self.ctx.clock.monotonic() + delay
        if self._wake_at is not None and self._wake_at <= at:
            return
        self._wake_at = at
        self.tell_self_later(self.ctx.loop, delay, PostPending())

    def state_name(self) -> str:
        return "posting" if self._in_flight else "idle"

    def dump_fields(self) -> dict[str, Any]:
        return {"in_flight": dict(self._in_flight), "posted": self.posted}


def notifier_spec(ctx: RuntimeContext, slack: SlackPoster) -> ChildSpec:
    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return Notifier.start(ctx, slack, parent=parent, restarts=restarts)

    return ChildSpec(name=NOTIFIER, start=start, kind=Notifier.kind)
