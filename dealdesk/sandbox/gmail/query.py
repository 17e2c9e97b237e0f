"""Gmail's search box (the ``q`` of messages.list), the operators dealdesk and its tests use.

Terms are ANDed; a leading ``-`` negates one. Supported: ``rfc822msgid:`` (exact Message-ID,
angle brackets optional), ``in:`` (inbox, sent, trash, spam, anywhere, unread, starred, drafts),
``label:``, ``is:`` (unread, read, starred, important), ``from:``, ``to:`` (To, Cc and Bcc),
``cc:``, ``bcc:``, ``deliveredto:``, ``subject:`` (a word, a "quoted phrase" or (words)),
``after:`` / ``before:`` (epoch seconds, or YYYY/MM/DD read as UTC midnight; Gmail reads dates
in the account's time zone), ``newer_than:`` / ``older_than:`` (Nd, Nm, Ny), and bare words or
"phrases", matched case-insensitively in the subject, the text and the addresses. ``OR`` and
``{}`` groups are not supported. An unknown operator is read as text, as Gmail does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dealdesk.sandbox.gmail import mime

if TYPE_CHECKING:
    from collections.abc import Callable

    from dealdesk.sandbox.gmail.mailbox import Stored

__all__ = ["Query", "excluded_by_default"]

_TERM = re.compile(r'(-?)(?:(\w+):)?("[^"]*"|\([^)]*\)|\S+)')
_ADDRESS_HEADERS = {
    "from": ("From",),
    "to": ("To", "Cc", "Bcc"),
    "cc": ("Cc",),
    "bcc": ("Bcc",),
    "deliveredto": ("Delivered-To", "To"),
}
_IN = {"drafts": "DRAFT", "anywhere": "*"}
_AGE_UNITS_MS = {"d": 86_400_000, "m": 30 * 86_400_000, "y": 365 * 86_400_000}


def excluded_by_default(stored: Stored) -> bool:
    """Spam and trash are left out of a search unless asked for."""
    return "SPAM" in stored.label_ids or "TRASH" in stored.label_ids


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] + value[-1] in ('""', "()"):
        return value[1:-1]
    return value


def _epoch_ms(value: str) -> int | None:
    if value.isdigit():
        return int(value) * 1000
    for pattern in ("%Y/%m/%d", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return int(datetime.strptime(value, pattern).replace(tzinfo=UTC).timestamp() * 1000)
        except ValueError:
            continue
    return None


def _text(stored: Stored) -> str:
    parts = [
        stored.header("Subject") or "",
        mime.text_of(stored.message, "plain") or "",
        mime.text_of(stored.message, "html") or "",
        " ".join(str(v) for n in ("From", "To", "Cc") for v in stored.message.get_all(n, [])),
    ]
    return "\n".join(parts).casefold()


class Query:
    """A parsed ``q``: call it with a stored message to test it."""

    def __init__(self, q: str, now_ms: Callable[[], int]) -> None:
        self._tests: list[tuple[bool, Callable[[Stored], bool]]] = []
        self._now_ms = now_ms
        self.anywhere = False
        for match in _TERM.finditer(q or ""):
            negate, operator, value = match.group(1) == "-", match.group(2), match.group(3)
            self._tests.append((negate, self._term((operator or "").lower(), value)))

    def __call__(self, stored: Stored) -> bool:
        return all(test(stored) != negate for negate, test in self._tests)

    def _term(self, operator: str, raw: str) -> Callable[[Stored], bool]:
        value = _unquote(raw)
        wanted = value.casefold()
        if operator == "rfc822msgid":
            bare = value.strip("<>")
            return lambda s: (s.header("Message-ID") or "").strip().strip("<>") == bare
        if operator in ("in", "label"):
            label = _IN.get(wanted, value.upper())
            if label == "*":
                self.anywhere = True
                return lambda _s: True
            if label in ("TRASH", "SPAM"):
                self.anywhere = True
            return lambda s: label in s.label_ids
        if operator == "is":
            return self._is(wanted)
        if operator in _ADDRESS_HEADERS:
            names = _ADDRESS_HEADERS[operator]
            return lambda s: any(
                wanted in str(v).casefold() for n in names for v in s.message.get_all(n, [])
            )
        if operator == "subject":
            words = wanted.split() if raw.startswith("(") else [wanted]
            return lambda s: all(w in (s.header("Subject") or "").casefold() for w in words)
        if operator in ("after", "before", "newer", "older"):
            return self._date(operator, value)
        if operator in ("newer_than", "older_than"):
            return self._age(operator, wanted)
        phrase = wanted if not operator else f"{operator}:{wanted}"
        return lambda s: phrase in _text(s)

    def _is(self, wanted: str) -> Callable[[Stored], bool]:
        if wanted == "read":
            return lambda s: "UNREAD" not in s.label_ids
        label = wanted.upper()
        return lambda s: label in s.label_ids

    def _date(self, operator: str, value: str) -> Callable[[Stored], bool]:
        at = _epoch_ms(value)
        if at is None:
            return lambda _s: False
        if operator in ("after", "newer"):
            return lambda s: s.internal_date >= at
        return lambda s: s.internal_date < at

    def _age(self, operator: str, value: str) -> Callable[[Stored], bool]:
        found = re.fullmatch(r"(\d+)([dmy])", value)
        if found is None:
            return lambda _s: False
        cutoff = self._now_ms() - int(found.group(1)) * _AGE_UNITS_MS[found.group(2)]
        if operator == "newer_than":
            return lambda s: s.internal_date >= cutoff
        return lambda s: s.internal_date < cutoff
