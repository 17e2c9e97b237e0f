"""A received message's MIME tree, read from either of Gmail's shapes into one :class:`Part` tree.

Wire facts (``reference-wire-formats.md`` §4): in ``format=full`` the ``payload`` is a MessagePart
``{partId, mimeType, filename, headers[{name, value}], body{size, data?, attachmentId?},
parts[]}``; a leaf's ``body.data`` is its content, transfer-decoded, as base64url (padded or not:
both are accepted). In ``format=raw`` the ``raw`` field is the whole RFC 2822 message, base64url.

Nothing here raises on bad input: broken base64 decodes as far as it goes, an unknown charset
reads as UTF-8 (else Windows-1252) with replacement characters, a tree too deep or too wide is
cut off. What could not be read is simply absent.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import re
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32
from typing import TYPE_CHECKING, Any

from dealdesk.integrations.gmail.addresses import decode_words

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Part", "b64url_decode", "decode_text", "part_from_payload", "part_from_raw"]

_MAX_DEPTH = 12
_MAX_PARTS = 200
_MAX_HEADER_VALUE = 4000
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9_-]")
# Charsets that say nothing about the bytes: read them as UTF-8, else Windows-1252.
_NO_CHARSET = frozenset({"", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "default"})


@dataclass(frozen=True)
class Part:
    """One MIME part: its type, headers (name as written, value decoded), filename, content
    (transfer-decoded bytes of a leaf) and children (of a multipart, or the one message inside a
    ``message/rfc822``)."""

    mime_type: str = "text/plain"
    headers: tuple[tuple[str, str], ...] = ()
    filename: str = ""
    data: bytes = b""
    charset: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    attachment: bool = False
    parts: tuple[Part, ...] = field(default=())

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def param(self, name: str) -> str | None:
        """A Content-Type parameter (``report-type``, ``charset``), lower-case name."""
        return dict(self.params).get(name.lower())

    def text(self) -> str:
        return decode_text(self.data, self.charset)

    def walk(self) -> list[Part]:
        """This part and every part below it, depth first."""
        found = [self]
        for child in self.parts:
            found.extend(child.walk())
        return found


def b64url_decode(data: str) -> bytes:
    """base64url, padded or not (standard-alphabet characters tolerated); a broken string decodes
    as far as its valid characters go."""
    cleaned = _NOT_BASE64.sub("", data.replace("+", "-").replace("/", "_"))
    usable = len(cleaned) - (len(cleaned) % 4 == 1)  # one stray character holds no whole byte
    cleaned = cleaned[:usable]
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        return b""


def decode_text(data: bytes, charset: str | None) -> str:
    """``data`` as text in ``charset``; an unknown or absent charset reads as UTF-8 (when some of
    it is), else Windows-1252; bytes that do not decode become U+FFFD. Never raises."""
    name = (charset or "").strip().strip("\"'").lower()
    if name not in _NO_CHARSET:
        try:
            codecs.lookup(name)
            return data.decode(name, errors="replace")
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few bad bytes, or a single-byte charset nobody named?
    text = data.decode("utf-8", errors="replace")
    if any(ord(c) > 127 and c != "\ufffd" for c in text):
        return text
    return data.decode("cp1252", errors="replace")


def _clean_header(value: str) -> str:
    unfolded = " ".join(value[:_MAX_HEADER_VALUE].split())
    # Lone surrogates (undecodable bytes) would fail every later encode: replaced here.
    return decode_words(unfolded).encode("utf-8", "replace").decode("utf-8")


def _content_info(headers: tuple[tuple[str, str], ...]) -> Message:
    """A header-only compat32 Message: the standard library's lenient reading of Content-Type
    parameters and (RFC 2231) file names."""
    info = Message()
    for key, value in headers:
        if key.lower() in {"content-type", "content-disposition"}:
            info[key] = value
    return info


def _filename(info: Message) -> str:
    try:
        name = info.get_filename() or ""
    except (LookupError, UnicodeError, ValueError):
        return ""
    return decode_words(str(name)).strip()


def _params(info: Message) -> tuple[tuple[str, str], ...]:
    params = info.get_params() or []
    return tuple((str(k).lower(), str(v)) for k, v in params[1:] if isinstance(v, str))


def _is_attachment(info: Message, filename: str) -> bool:
    disposition = (info.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or bool(filename)


class _Budget:
    def __init__(self) -> None:
        self.left = _MAX_PARTS

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def part_from_payload(payload: Mapping[str, Any]) -> Part:
    """A ``format=full`` payload (a MessagePart) as a Part tree."""
    return _from_payload(payload, 0, _Budget())


def _from_payload(payload: Mapping[str, Any], depth: int, budget: _Budget) -> Part:
    raw_headers = payload.get("headers")
    headers = tuple(
        (str(h.get("name", "")), _clean_header(str(h.get("value", ""))))
        for h in (raw_headers if isinstance(raw_headers, list) else [])
        if isinstance(h, dict)
    )
    info = _content_info(headers)
    mime_type = str(payload.get("mimeType") or info.get_content_type()).lower()
    body = payload.get("body")
    data_field = body.get("data") if isinstance(body, dict) else None
    data = b64url_decode(data_field) if isinstance(data_field, str) else b""
    filename = decode_words(str(payload.get("filename") or "")).strip() or _filename(info)
    children: list[Part] = []
    raw_parts = payload.get("parts")
    if depth < _MAX_DEPTH and isinstance(raw_parts, list):
        children.extend(
            _from_payload(child, depth + 1, budget)
            for child in raw_parts
            if isinstance(child, dict) and budget.take()
        )
    if mime_type == "message/rfc822" and not children and data and depth < _MAX_DEPTH:
        children.append(_from_message(_parse_bytes(data), depth + 1, budget))
    return _part(mime_type, headers, filename, data, info, *children)


def part_from_raw(raw: str) -> Part:
    """A ``format=raw`` message (base64url RFC 2822) as a Part tree."""
    return _from_message(_parse_bytes(b64url_decode(raw)), 0, _Budget())


def _parse_bytes(data: bytes) -> Message:
    # compat32 reads broken structure as best it can and records defects instead of raising.
    return email.message_from_bytes(data, policy=compat32)


def _raw_header(value: Any) -> str:
    text = str(value)
    try:
        return decode_text(text.encode("ascii", "surrogateescape"), None)
    except UnicodeEncodeError:
        return text


def _from_message(message: Message, depth: int, budget: _Budget) -> Part:
    headers = tuple((str(k), _clean_header(_raw_header(v))) for k, v in message.raw_items())
    info = _content_info(headers)
    mime_type = message.get_content_type().lower()
    filename = _filename(info)
    children: list[Part] = []
    data = b""
    payload = message.get_payload()
    if mime_type == "message/delivery-status" and isinstance(payload, list):
        # The standard library parses the status blocks as header sets: written back, they are
        # the text of the part, as in Gmail's full format.
        blocks = [block.as_string() for block in payload if isinstance(block, Message)]
        data = "\n".join(blocks).encode("utf-8", "replace")
    elif isinstance(payload, list):
        if depth < _MAX_DEPTH:
            children.extend(
                _from_message(child, depth + 1, budget)
                for child in payload
                if isinstance(child, Message) and budget.take()
            )
    else:
        decoded = message.get_payload(decode=True)
        data = decoded if isinstance(decoded, bytes) else b""
    return _part(mime_type, headers, filename, data, info, *children)


def _part(
    mime_type: str,
    headers: tuple[tuple[str, str], ...],
    filename: str,
    data: bytes,
    info: Message,
    *children: Part,
) -> Part:
    """One part, as both readings (Gmail's payload tree, raw RFC 2822) end up."""
    return Part(
        mime_type=mime_type,
        headers=headers,
        filename=filename,
        data=data,
        charset=info.get_content_charset(),
        params=_params(info),
        attachment=_is_attachment(info, filename),
        parts=tuple(children),
    )
