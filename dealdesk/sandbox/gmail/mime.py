"""RFC 2822 bytes as Gmail stores and shows them: parsing, header edits, the MessagePart tree.

Gmail keeps a message as the bytes it received with CRLF line ends, adds the headers a sender
left out (``Date``, ``From``, ``Message-ID``) on top, and shows it as a tree of MessageParts:
the top part has ``partId`` "", children "0", "1", grandchildren "0.1"; a multipart container
has ``body.size`` 0 and ``parts``; a leaf carries its content-transfer-decoded bytes as base64url
in ``body.data``. Header values are shown as written, unfolded, with RFC 2047 encoded words
decoded. The snippet is the start of the text, whitespace collapsed and HTML-escaped
(``&#39;``), as Gmail's.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import re
import secrets
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import formatdate, getaddresses
from html.parser import HTMLParser
from typing import Any

__all__ = [
    "addresses",
    "b64url",
    "crlf",
    "gmail_message_id",
    "head",
    "header_block_edit",
    "header_items",
    "html_text",
    "message_ids",
    "now_date",
    "parse",
    "part_json",
    "snippet_of",
    "text_of",
    "unb64url",
]

_SNIPPET_CHARS = 200


def b64url(data: bytes) -> str:
    """base64url as Gmail writes it (padded)."""
    return base64.urlsafe_b64encode(data).decode("ascii")


def unb64url(text: str) -> bytes:
    """base64url, padded or not (clients send both); ValueError when it is not base64url."""
    cleaned = text.strip().replace("\n", "").replace("\r", "")
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(str(exc)) from exc


def crlf(raw: bytes) -> bytes:
    """Every line end as CRLF, as Gmail stores a message."""
    return re.sub(rb"\r?\n", b"\r\n", raw)


def head(raw: bytes) -> Message:
    """Only the headers of ``raw``, each value as written (folded, encoded words kept): enough
    to address, thread and index a message without parsing its body."""
    return BytesHeaderParser(policy=compat32).parsebytes(raw)


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _split(raw: bytes) -> tuple[list[bytes], bytes]:
    """The header lines (continuations joined to their header) and the rest, separator included."""
    end = raw.find(b"\r\n\r\n")
    head, rest = (raw, b"") if end < 0 else (raw[:end], raw[end + 2 :])
    headers: list[bytes] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and headers:
            headers[-1] += b"\r\n" + line
        elif line:
            headers.append(line)
    return headers, rest or b"\r\n"


def header_block_edit(raw: bytes, *, drop: tuple[str, ...] = (), add: dict[str, str]) -> bytes:
    """``raw`` with the headers named in ``drop`` removed and ``add`` put on top (where Gmail
    writes the headers it adds); the body's bytes are kept exactly."""
    headers, rest = _split(raw)
    dropped = {name.lower().encode() for name in drop}
    kept = [h for h in headers if h.split(b":", 1)[0].strip().lower() not in dropped]
    added = [f"{name}: {value}".encode() for name, value in add.items()]
    return b"\r\n".join([*added, *kept]) + b"\r\n" + rest


def header_items(part: EmailMessage) -> list[tuple[str, str]]:
    """The part's headers in order, each value as written but unfolded, encoded words decoded."""
    items = []
    for name, raw in part.raw_items():
        value = re.sub(r"\r?\n(?=[ \t])", "", str(raw))
        if "=?" in value:
            value = str(make_header(decode_header(value)))
        items.append((name, value))
    return items


def gmail_message_id() -> str:
    """A Message-ID like the ones Gmail writes itself."""
    return f"<CA+{secrets.token_urlsafe(30)}@mail.gmail.com>"


def now_date() -> str:
    return formatdate(localtime=False, usegmt=True)


def message_ids(value: str | None) -> list[str]:
    """The ``<…>`` ids in an In-Reply-To or References value, brackets kept."""
    return re.findall(r"<[^<>\s]+>", value or "")


def addresses(message: Message, *names: str) -> list[str]:
    """The bare addresses in the named headers, lower-cased."""
    values = [str(v) for name in names for v in message.get_all(name, [])]
    return [addr.lower() for _, addr in getaddresses(values) if addr]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.chunks)


def _content(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except (LookupError, ValueError, KeyError):  # an unknown charset or a broken encoding
        data = part.get_payload(decode=True)
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else ""


def text_of(message: EmailMessage, subtype: str = "plain") -> str | None:
    """The message's ``text/<subtype>`` body (the first one a reader would show), if any."""
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return None
    assert isinstance(part, EmailMessage)
    return _content(part)


def snippet_of(message: EmailMessage) -> str:
    text = text_of(message, "plain")
    if text is None:
        html = text_of(message, "html")
        text = html_text(html) if html is not None else ""
    short = " ".join(text.split())[:_SNIPPET_CHARS]
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        short = short.replace(char, entity)
    return short.replace("'", "&#39;")


def _leaf_bytes(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    # message/* parts (delivery-status, rfc822): their body as it stands on the wire
    whole = crlf(part.as_bytes())
    headers_end = whole.find(b"\r\n\r\n")
    return whole[headers_end + 4 :] if headers_end >= 0 else b""


def part_json(part: EmailMessage, part_id: str = "") -> dict[str, Any]:
    """A MessagePart as Gmail's ``format=full`` shows it."""
    shown: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": [{"name": name, "value": value} for name, value in header_items(part)],
    }
    if part.get_content_maintype() == "multipart":
        children = [p for p in part.iter_parts() if isinstance(p, EmailMessage)]
        shown["body"] = {"size": 0}
        shown["parts"] = [
            part_json(child, f"{part_id}.{i}" if part_id else str(i))
            for i, child in enumerate(children)
        ]
    else:
        data = _leaf_bytes(part)
        shown["body"] = {"size": len(data), "data": b64url(data)} if data else {"size": 0}
    return shown
