"""One Gmail mailbox: its messages, threads, labels and history, as Gmail keeps them.

Rules the fake's answers rely on:

- A message id is 16 hex digits (Gmail's: the time in ms shifted left 20 bits, made strictly
  increasing here); a thread's id is the id of its first message.
- A message joins the thread named by the sender's ``threadId`` when that thread exists, else
  the thread of a known message its ``In-Reply-To`` or ``References`` names, else a new thread.
- Every change is one history record with a new history id. History ids only grow, and not by
  one each time (the steps are irregular, as Gmail's are: a client must not count on a gap-free
  sequence). A message's ``historyId`` is that of the last record that touched it.
- History is retained from a floor: :meth:`Mailbox.expire_history` raises the floor, and
  ``history_limit`` keeps only the newest records; a cursor below the floor is expired (Gmail's
  404, then a full sync).

Not thread-safe by itself: the fake holds its lock around every call.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dealdesk.sandbox.gmail import mime

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from email.message import EmailMessage, Message

__all__ = [
    "HISTORY_TYPES",
    "SYSTEM_LABELS",
    "HistoryExpiredError",
    "HistoryRecord",
    "MailMessage",
    "Mailbox",
    "Stored",
]

SYSTEM_LABELS = (
    "INBOX",
    "SENT",
    "UNREAD",
    "STARRED",
    "IMPORTANT",
    "TRASH",
    "SPAM",
    "DRAFT",
    "CHAT",
    "CATEGORY_PERSONAL",
    "CATEGORY_SOCIAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_UPDATES",
    "CATEGORY_FORUMS",
)
HISTORY_TYPES = ("messageAdded", "messageDeleted", "labelAdded", "labelRemoved")
_HISTORY_STEPS = (3, 1, 4, 1, 5, 9, 2, 6)  # irregular, deterministic


class HistoryExpiredError(LookupError):
    """The cursor is older than the retained history."""


@dataclass
class Stored:
    """A message as the mailbox keeps it: the bytes, and their parse when first wanted (most
    messages a run sends are never read back, and parsing is most of what storing one costs)."""

    id: str
    thread_id: str
    raw: bytes
    label_ids: list[str]
    internal_date: int  # epoch ms
    history_id: int
    parsed: EmailMessage | None = field(default=None, repr=False)
    _snippet: str | None = field(default=None, repr=False)

    @property
    def message(self) -> EmailMessage:
        if self.parsed is None:
            self.parsed = mime.parse(self.raw)
        return self.parsed

    @property
    def snippet(self) -> str:
        if self._snippet is None:
            self._snippet = mime.snippet_of(self.message)
        return self._snippet

    def header(self, name: str) -> str | None:
        value = self.message.get(name)
        return None if value is None else str(value)


@dataclass(frozen=True)
class HistoryRecord:
    id: int
    type: str  # one of HISTORY_TYPES
    message_id: str
    thread_id: str
    label_ids: tuple[str, ...] = ()  # the labels a labelAdded / labelRemoved changed


@dataclass
class Mailbox:
    address: str
    first_history_id: int = 1_000_000
    history_limit: int | None = None
    clock_ms: Callable[[], int] = field(default=lambda: int(time.time() * 1000))
    messages: dict[str, Stored] = field(default_factory=dict)
    threads: dict[str, list[str]] = field(default_factory=dict)
    history: list[HistoryRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.history_id = self.first_history_id
        self.history_floor = self.first_history_id
        self._by_message_id: dict[str, list[str]] = {}
        self._last_id = 0
        self._steps = itertools.cycle(_HISTORY_STEPS)

    # -- ids ---------------------------------------------------------------------------------

    def _new_id(self) -> str:
        self._last_id = max(self._last_id + 1, int(time.time() * 1000) << 20)
        return f"{self._last_id:016x}"

    def _record(self, type_: str, stored: Stored, labels: Iterable[str] = ()) -> None:
        self.history_id += next(self._steps)
        stored.history_id = self.history_id
        self.history.append(
            HistoryRecord(self.history_id, type_, stored.id, stored.thread_id, tuple(labels))
        )
        if self.history_limit is not None and len(self.history) > self.history_limit:
            del self.history[: len(self.history) - self.history_limit]
            self.history_floor = max(self.history_floor, self.history[0].id)

    # -- messages ------------------------------------------------------------------------------

    def with_message_id(self, message_id: str) -> list[Stored]:
        """Messages whose ``Message-ID`` header is ``message_id`` (brackets optional)."""
        wanted = "<" + message_id.strip().strip("<>") + ">"
        return [self.messages[i] for i in self._by_message_id.get(wanted, [])]

    def thread_for(self, head: Message, thread_id: str | None) -> str | None:
        """The thread a message with headers ``head`` joins (see the rules above), if any."""
        if thread_id and thread_id in self.threads:
            return thread_id
        named = mime.message_ids(str(head.get("In-Reply-To", ""))) + list(
            reversed(mime.message_ids(str(head.get("References", ""))))
        )
        for message_id in named:
            for stored in self.with_message_id(message_id):
                return stored.thread_id
        return None

    def add(
        self,
        raw: bytes,
        labels: list[str],
        thread_id: str | None = None,
        *,
        head: Message | None = None,
    ) -> Stored:
        """Store ``raw`` (already as Gmail keeps it) and write its ``messageAdded`` record;
        ``head``: ``raw``'s headers already read (:func:`mime.head`)."""
        head = head if head is not None else mime.head(raw)
        gmail_id = self._new_id()
        thread = self.thread_for(head, thread_id) or gmail_id
        stored = Stored(
            id=gmail_id,
            thread_id=thread,
            raw=raw,
            label_ids=list(labels),
            internal_date=self.clock_ms(),
            history_id=self.history_id,
        )
        self.messages[gmail_id] = stored
        self.threads.setdefault(thread, []).append(gmail_id)
        message_id = " ".join(str(head.get("Message-ID", "")).split())
        if message_id:
            key = "<" + message_id.strip("<>") + ">"
            self._by_message_id.setdefault(key, []).append(gmail_id)
        self._record("messageAdded", stored)
        return stored

    def modify(self, gmail_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()) -> Stored:
        """Change a message's labels: one ``labelAdded`` and/or ``labelRemoved`` record."""
        stored = self.messages[gmail_id]
        added = [label for label in dict.fromkeys(add) if label not in stored.label_ids]
        removed = [label for label in dict.fromkeys(remove) if label in stored.label_ids]
        if added:
            stored.label_ids.extend(added)
            self._record("labelAdded", stored, added)
        if removed:
            stored.label_ids[:] = [label for label in stored.label_ids if label not in removed]
            self._record("labelRemoved", stored, removed)
        return stored

    def thread(self, thread_id: str) -> list[Stored]:
        return [self.messages[i] for i in self.threads.get(thread_id, [])]

    def newest_first(self) -> list[Stored]:
        return sorted(self.messages.values(), key=lambda s: (s.internal_date, s.id), reverse=True)

    # -- history -------------------------------------------------------------------------------

    def expire_history(self, before_id: int) -> None:
        """Forget the records older than ``before_id``: a cursor below it is expired."""
        self.history_floor = max(self.history_floor, before_id)
        self.history[:] = [r for r in self.history if r.id >= before_id]

    def history_after(self, start: int) -> list[HistoryRecord]:
        """The records after cursor ``start``, oldest first; HistoryExpiredError below the floor."""
        if start < self.history_floor:
            raise HistoryExpiredError(start)
        return [r for r in self.history if r.id > start]


def _lf(text: str | None) -> str | None:
    return None if text is None else text.replace("\r\n", "\n")


@dataclass(frozen=True)
class MailMessage:
    """A stored message as tests and personas read it (a copy: safe to keep on any thread)."""

    id: str
    thread_id: str
    label_ids: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    text: str  # the text/plain body ("" when there is none), with \n line ends
    html: str | None  # the text/html body, with \n line ends
    raw: bytes
    internal_date: int
    history_id: int

    @classmethod
    def of(cls, stored: Stored) -> MailMessage:
        return cls(
            id=stored.id,
            thread_id=stored.thread_id,
            label_ids=tuple(stored.label_ids),
            headers=tuple(mime.header_items(stored.message)),
            text=(mime.text_of(stored.message, "plain") or "").replace("\r\n", "\n"),
            html=_lf(mime.text_of(stored.message, "html")),
            raw=stored.raw,
            internal_date=stored.internal_date,
            history_id=stored.history_id,
        )

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def message_id(self) -> str | None:
        return self.header("Message-ID")

    @property
    def subject(self) -> str:
        return self.header("Subject") or ""

    @property
    def sender(self) -> str:
        return self.header("From") or ""

    @property
    def in_reply_to(self) -> str | None:
        return self.header("In-Reply-To")

    @property
    def references(self) -> list[str]:
        return mime.message_ids(self.header("References"))

    @property
    def recipients(self) -> list[str]:
        """The bare addresses in To, Cc and Bcc, lower-cased."""
        return mime.addresses(self.email(), "To", "Cc", "Bcc")

    def email(self) -> EmailMessage:
        return mime.parse(self.raw)
