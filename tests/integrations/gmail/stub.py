"""A tiny loopback HTTP server for the Gmail client's tests: scripted answers, recorded requests.

Not the sandbox's Gmail (``dealdesk.sandbox.gmail``): this one knows nothing about mailboxes, it
answers what a test tells it to, so each of Gmail's failure shapes can be produced on the wire.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # read the request, then close the connection without answering


class StubGmail:
    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self._answers: dict[tuple[str, str], deque[Answer]] = {}
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Google's front end

            def log_message(self, *_args: object) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                seen = Seen(
                    self.command,
                    url.path,
                    parse_qs(url.query),
                    body,
                    {k.lower(): v for k, v in self.headers.items()},
                )
                answer = stub._record(seen)
                if answer.drop:
                    self.close_connection = True
                    return
                data = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle  # noqa: N815 - http.server's names

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def start(self) -> StubGmail:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def answer(self, method: str, path: str, *answers: Answer) -> None:
        """Answer the next requests to ``path`` (under ``/gmail/v1/users/me/``) in order; after
        them, ``200 {}``."""
        key = (method, f"/gmail/v1/users/me/{path}")
        with self._lock:
            self._answers.setdefault(key, deque()).extend(answers)

    def _record(self, seen: Seen) -> Answer:
        with self._lock:
            self.seen.append(seen)
            queue = self._answers.get((seen.method, seen.path))
            return queue.popleft() if queue else Answer()

    def requests(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == f"/gmail/v1/users/me/{path}"]


def error_body(status: int, reason: str = "", message: str = "refused") -> dict[str, Any]:
    errors = [{"message": message, "domain": "global", "reason": reason}] if reason else []
    return {"error": {"code": status, "message": message, "errors": errors}}
