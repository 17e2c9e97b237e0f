"""Actor mailboxes: the one module that uses pykka's internals.

Tested against pykka 4.5 (``pyproject.toml`` pins ``pykka>=4.5,<4.6`` for that reason). pykka's
public API sends messages and nothing more; dealdesk needs three things it does not offer:

- **Nothing lost on a restart** (``supervision``): what is still queued in a crashed actor's
  mailbox moves to its next activation in order, asks with their futures (:func:`drain`,
  :func:`forward`); when the supervisor gives up instead, every asker waiting is told
  (:func:`fail_waiting`).
- **Mailbox depth without a message** (dumps, metrics): :func:`queued`.
- **Group commit** (the AuditWriter): a :class:`SelectiveInbox` remembers the message being
  handled, so the actor can answer it itself (:meth:`SelectiveInbox.take_reply`), and lets it
  take writes from its queue without disturbing what waits behind them (``take_front``,
  ``take_all``).

What this relies on, all internal to pykka 4.5 (re-read ``pykka/_actor.py``, ``_threading.py``,
``_ref.py`` and ``_envelope.py`` before moving the pin; ``tests/runtime/test_supervision.py``
checks each point):

- A ``ThreadingActor``'s inbox is a ``queue.Queue`` of ``pykka._envelope.Envelope`` objects
  (``message``, and ``reply_to``: the asker's future, or None for a tell), made by the static
  hook ``Actor._create_actor_inbox``; ``ActorRef.actor_inbox`` is that same queue.
- ``tell`` and ``ask`` add an envelope with ``inbox.put(envelope)``, from the sender's thread.
- The actor loop takes one envelope with ``inbox.get()``, calls ``on_receive(envelope.message)``
  and then answers ``envelope.reply_to`` unless it is None.

Rules: no other dealdesk module imports ``pykka._*``, reads an inbox or opens an envelope; to
them an :class:`Envelope` is opaque. Only the actor's own thread takes from its inbox (it is the
queue's only consumer); any thread may read :func:`queued` or :func:`forward` into an inbox.
"""

from __future__ import annotations

import queue
import time
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import pykka
from pykka._envelope import Envelope

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "Envelope",
    "Letter",
    "SelectiveInbox",
    "SelectiveInboxActor",
    "drain",
    "fail_waiting",
    "forward",
    "queued",
]

# A message taken out of a mailbox, and the future its asker waits on (None for a tell). A plain
# tuple, not a named tuple: the AuditWriter's hot path builds one per write.
Letter: TypeAlias = tuple[Any, "pykka.Future[Any] | None"]

# How often ``take_front`` looks at the clock: once per this many envelopes.
_CLOCK_EVERY = 64


def queued(ref: pykka.ActorRef[Any]) -> int:
    """Messages waiting in the actor's mailbox (approximate, as ``Queue.qsize`` is)."""
    return cast("queue.Queue[Envelope[Any]]", ref.actor_inbox).qsize()


def drain(actor: pykka.Actor) -> list[Envelope[Any]]:
    """Take everything still queued for ``actor``, in order. Runs on the actor's own thread (the
    only consumer), once pykka has marked it stopped, so nothing is taken twice."""
    inbox = actor.actor_inbox
    envelopes = []
    while not inbox.empty():
        envelopes.append(inbox.get())
    return envelopes


def forward(envelopes: Iterable[Envelope[Any]], ref: pykka.ActorRef[Any]) -> None:
    """Queue ``envelopes`` for ``ref`` in order, as they are: an ask is answered by the new
    actor, to the same waiting future."""
    inbox = ref.actor_inbox
    for envelope in envelopes:
        inbox.put(envelope)


def fail_waiting(envelopes: Iterable[Envelope[Any]], error: Callable[[], BaseException]) -> None:
    """Answer every ask among ``envelopes`` with an exception made by ``error()`` (tells have
    nobody waiting). One exception each: one instance raised in several askers' threads would
    collect all their tracebacks."""
    for envelope in envelopes:
        if envelope.reply_to is not None:
            exc = error()
            envelope.reply_to.set_exception(exc_info=(type(exc), exc, None))


class SelectiveInbox(queue.Queue[Envelope[Any]]):
    """pykka's inbox plus two things group commit needs: the envelope being handled (so the actor
    can answer it itself, and a told write is never answered by raising into pykka) and taking
    messages from the queue without disturbing anything else (a stop request, a dump) queued
    behind them."""

    def __init__(self) -> None:
        super().__init__()
        self.current: Envelope[Any] | None = None

    def _get(self) -> Envelope[Any]:  # queue.Queue's hook, called with the mutex held
        envelope = super()._get()
        self.current = envelope
        return envelope

    def put(self, item: Envelope[Any], block: bool = True, timeout: float | None = None) -> None:
        """``Queue.put`` for an unbounded queue (it never blocks), without the bookkeeping for a
        bound: every ``tell`` to the actor runs this, on the caller's thread."""
        del block, timeout
        with self.mutex:
            self.queue.append(item)
            self.unfinished_tasks += 1
            self.not_empty.notify()

    def take_reply(self, message: object) -> pykka.Future[Any] | None:
        """Take over answering ``message``, the one being handled: returns its asker's future
        (None for a tell) and leaves pykka nothing to answer. ``LookupError`` if ``message`` is
        not the one pykka took last."""
        envelope = self.current
        if envelope is None or envelope.message is not message:
            raise LookupError("the inbox lost track of the message being handled")
        reply, envelope.reply_to = envelope.reply_to, None
        return reply

    def take_front(self, weigh: Callable[[Any], int], room: int, deadline: float) -> list[Letter]:
        """The messages at the front of the queue while ``weigh`` gives them a weight (0 stops
        it: that message and everything behind it wait for pykka), up to ``room`` in total
        weight or ``deadline`` (monotonic), in one hold of the lock."""
        taken: list[Envelope[Any]] = []
        with self.mutex:
            waiting, count = self.queue, 0
            while waiting and count < room:
                weight = weigh(waiting[0].message)
                if not weight:
                    break
                taken.append(waiting.popleft())
                count += weight
                if len(taken) % _CLOCK_EVERY == 0 and time.monotonic() >= deadline:
                    break
        return [(envelope.message, envelope.reply_to) for envelope in taken]

    def take_all(self, wanted: Callable[[Any], bool]) -> list[Letter]:
        """Every queued message ``wanted`` accepts, in order; the rest stay queued, in order."""
        with self.mutex:
            taken = [env for env in self.queue if wanted(env.message)]
            rest = [env for env in self.queue if not wanted(env.message)]
            self.queue.clear()
            self.queue.extend(rest)
        return [(envelope.message, envelope.reply_to) for envelope in taken]


class SelectiveInboxActor(pykka.ThreadingActor):
    """Base to list first (``class W(SelectiveInboxActor, BaseActor)``) for an actor whose
    mailbox is a :class:`SelectiveInbox`, available as :attr:`inbox`."""

    @staticmethod
    def _create_actor_inbox() -> SelectiveInbox:  # pykka's hook for an actor's inbox
        return SelectiveInbox()

    @property
    def inbox(self) -> SelectiveInbox:
        inbox = self.actor_inbox
        assert isinstance(inbox, SelectiveInbox)
        return inbox
