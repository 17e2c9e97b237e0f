"""The JSON resources Gmail answers with: Message (by format), Thread, history pages, lists.

Numbers Gmail sends as strings stay strings (``historyId``, ``internalDate``); ``sizeEstimate``
is a number. A message list or history page leaves out its list when it is empty, and its
``nextPageToken`` when there is no next page, as Gmail does. Page tokens are opaque strings of
digits; this fake encodes where the page stopped, so a page stays stable while mail arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealdesk.sandbox.gmail import mime

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dealdesk.sandbox.gmail.mailbox import HistoryRecord, Mailbox, Stored

__all__ = ["FORMATS", "history_page", "list_page", "message_json", "thread_json"]

FORMATS = ("full", "metadata", "minimal", "raw")
_KEY_DIGITS = 20


def message_json(
    stored: Stored, fmt: str = "full", metadata_headers: Sequence[str] = ()
) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": stored.id,
        "threadId": stored.thread_id,
        "labelIds": list(stored.label_ids),
        "snippet": stored.snippet,
        "sizeEstimate": len(stored.raw),
        "historyId": str(stored.history_id),
        "internalDate": str(stored.internal_date),
    }
    if fmt == "raw":
        shown["raw"] = mime.b64url(stored.raw)
    elif fmt == "metadata":
        wanted = {name.lower() for name in metadata_headers}
        shown["payload"] = {
            "mimeType": stored.message.get_content_type(),
            "headers": [
                {"name": name, "value": value}
                for name, value in mime.header_items(stored.message)
                if not wanted or name.lower() in wanted
            ],
        }
    elif fmt == "full":
        shown["payload"] = mime.part_json(stored.message)
    return shown


def thread_json(
    thread_id: str, messages: list[Stored], fmt: str, metadata_headers: Sequence[str] = ()
) -> dict[str, Any]:
    return {
        "id": thread_id,
        "historyId": str(max(m.history_id for m in messages)),
        "messages": [message_json(m, fmt, metadata_headers) for m in messages],
    }


def _key(stored: Stored) -> str:
    return f"{stored.internal_date:0{_KEY_DIGITS}d}{int(stored.id, 16):0{_KEY_DIGITS}d}"


def list_page(found: list[Stored], max_results: int, page_token: str | None) -> dict[str, Any]:
    """One page of a newest-first ``found``: after the message ``page_token`` stopped at."""
    if page_token:
        found = [s for s in found if _key(s) < page_token]
    page = found[:max_results]
    shown: dict[str, Any] = {}
    if page:
        shown["messages"] = [{"id": s.id, "threadId": s.thread_id} for s in page]
    if len(found) > len(page):
        shown["nextPageToken"] = _key(page[-1])
    shown["resultSizeEstimate"] = len(found)
    return shown


def _record_json(record: HistoryRecord, mailbox: Mailbox) -> dict[str, Any]:
    stored = mailbox.messages.get(record.message_id)
    labels = list(stored.label_ids) if stored is not None else []
    ref = {"id": record.message_id, "threadId": record.thread_id}
    shown: dict[str, Any] = {"id": str(record.id), "messages": [ref]}
    if record.type == "messageAdded":
        shown["messagesAdded"] = [{"message": {**ref, "labelIds": labels}}]
    elif record.type == "messageDeleted":
        shown["messagesDeleted"] = [{"message": ref}]
    else:
        changes = "labelsAdded" if record.type == "labelAdded" else "labelsRemoved"
        shown[changes] = [
            {"message": {**ref, "labelIds": labels}, "labelIds": list(record.label_ids)}
        ]
    return shown


def history_page(
    mailbox: Mailbox,
    records: list[HistoryRecord],
    *,
    types: Sequence[str],
    label_id: str | None,
    max_results: int,
    page_token: str | None,
) -> dict[str, Any]:
    """A history.list answer for the records after the cursor (HistoryExpiredError is raised
    by the mailbox before this is reached)."""
    if page_token:
        records = [r for r in records if r.id > int(page_token)]
    if types:
        records = [r for r in records if r.type in types]
    if label_id:
        records = [
            r
            for r in records
            if label_id in r.label_ids
            or (
                (stored := mailbox.messages.get(r.message_id)) is not None
                and label_id in stored.label_ids
            )
        ]
    page = records[:max_results]
    shown: dict[str, Any] = {}
    if page:
        shown["history"] = [_record_json(r, mailbox) for r in page]
    if len(records) > len(page):
        shown["nextPageToken"] = str(page[-1].id)
    shown["historyId"] = str(mailbox.history_id)
    return shown
