"""Google's batch wire format (``POST /batch/gmail/v1``): many API calls in one HTTP request.

The request is ``multipart/mixed``; each part is ``Content-Type: application/http`` with a
``Content-ID``, and its body is one HTTP request (request line, headers, blank line, body):

    --BOUNDARY
    Content-Type: application/http
    Content-ID: <b29c5de2-0db4-490b-b421-6a51b598bd22 + 1>

    GET /gmail/v1/users/me/messages/18c2f0e1?format=full HTTP/1.1

    --BOUNDARY--

The answer is ``multipart/mixed`` too, one part per call in order, each an HTTP response whose
``Content-ID`` is the call's with ``response-`` put in front (``<response-b29c… + 1>``). Line
ends may be CRLF or LF (google-api-python-client writes LF); both are read.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["MAX_CALLS", "Answer", "BatchError", "Call", "compose", "json_answer", "parse"]

MAX_CALLS = 100  # Gmail refuses a batch of more
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


class BatchError(ValueError):
    """The batch request itself is malformed (Gmail answers it 400)."""


@dataclass(frozen=True)
class Call:
    content_id: str
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def param(self, name: str, default: str | None = None) -> str | None:
        return next((value for key, value in self.query if key == name), default)

    def params(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=UTF-8"
    headers: tuple[tuple[str, str], ...] = ()


def parse(content_type: str, body: bytes) -> list[Call]:
    found = _BOUNDARY.search(content_type)
    if not content_type.lower().startswith("multipart/mixed") or found is None:
        raise BatchError("a batch request is multipart/mixed with a boundary")
    delimiter = b"--" + found.group(1).encode("ascii")
    chunks = body.split(delimiter)
    if len(chunks) < 3:  # before the first delimiter, the parts, after the closing one
        raise BatchError("the batch request has no parts")
    calls: list[Call] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        calls.append(_call(chunk))
    if not calls:
        raise BatchError("the batch request has no parts")
    if len(calls) > MAX_CALLS:
        raise BatchError(f"a batch request holds at most {MAX_CALLS} calls, not {len(calls)}")
    return calls


def _split_head(data: bytes) -> tuple[list[str], bytes]:
    """Header lines and what follows the first blank line (CRLF or LF)."""
    data = data.lstrip(b"\r\n")
    match = re.search(rb"\r?\n\r?\n", data)
    if match is None:
        return data.decode("utf-8", "replace").splitlines(), b""
    head = data[: match.start()].decode("utf-8", "replace").splitlines()
    return head, data[match.end() :]


def _headers(lines: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers


def _call(chunk: bytes) -> Call:
    part_lines, inner = _split_head(chunk)
    part = _headers(part_lines)
    if part.get("content-type", "").split(";")[0].strip().lower() != "application/http":
        raise BatchError("each part of a batch request is application/http")
    lines, body = _split_head(inner)
    if not lines:
        raise BatchError("a part of the batch request holds no HTTP request")
    words = lines[0].split()
    if len(words) < 2:
        raise BatchError(f"not an HTTP request line: {lines[0][:80]!r}")
    url = urlsplit(words[1])
    return Call(
        content_id=part.get("content-id", ""),
        method=words[0].upper(),
        path=url.path,
        query=tuple(parse_qsl(url.query, keep_blank_values=True)),
        headers=_headers(lines[1:]),
        body=body.rstrip(b"\r\n"),
    )


def compose(calls: list[Call], answers: list[Answer]) -> tuple[str, bytes]:
    """The batch answer (its Content-Type and body): each answer as an HTTP response, in order."""
    boundary = f"batch_{uuid.uuid4().hex}"
    out: list[bytes] = []
    for call, answer in zip(calls, answers, strict=True):
        reply_id = _reply_id(call.content_id)
        phrase = _phrase(answer.status)
        extra = "".join(f"{name}: {value}\r\n" for name, value in answer.headers)
        out.append(
            (
                f"--{boundary}\r\n"
                "Content-Type: application/http\r\n"
                f"Content-ID: {reply_id}\r\n\r\n"
                f"HTTP/1.1 {answer.status} {phrase}\r\n"
                f"Content-Type: {answer.content_type}\r\n{extra}"
                f"Content-Length: {len(answer.body)}\r\n\r\n"
            ).encode()
            + answer.body
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return f"multipart/mixed; boundary={boundary}", b"".join(out)


def json_answer(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    return Answer(status, json.dumps(payload).encode("utf-8"), headers=headers)


def _reply_id(content_id: str) -> str:
    inner = content_id.strip()
    if inner.startswith("<") and inner.endswith(">"):
        return f"<response-{inner[1:-1]}>"
    return f"<response-{inner}>" if inner else ""


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
