"""The HTTP connection under the Gmail client: an ``httplib2.Http`` that never writes a POST twice.

httplib2 quietly sends a request again on a new connection when the first answer is a broken
status line (``BadStatusLine`` / ``RemoteDisconnected``) or the connection failed mid-request:
meant for a stale keep-alive connection, harmless for a GET, and a second email when it happens
to messages.send after Gmail received the first (a server that read the request and dropped the
connection looks exactly like a stale one). For every method but GET and HEAD this connection:

- opens a FRESH connection first, so a stale keep-alive connection is never the cause; a
  failure there (refused, unreachable, timed out, TLS refused) raises :class:`ConnectFailed`:
  the request was provably never written;
- then lets httplib2 do its one request, but any attempt to reconnect (= to send again) raises
  :class:`ResendBlocked`: the request may have been written, so it is in doubt.

GET and HEAD keep httplib2's own behaviour. Blocking; owned by one thread, like every
``httplib2.Http``.
"""

from __future__ import annotations

import socket
from typing import Any

import httplib2

__all__ = ["ConnectFailed", "ResendBlocked", "SendSafeHttp"]

_REPEATABLE = frozenset({"GET", "HEAD"})
_HTTP: Any = httplib2.Http  # its stubs leave out the private method overridden here


class ConnectFailed(ConnectionError):
    """Opening the connection failed: nothing of the request was written."""


class ResendBlocked(ConnectionError):
    """The connection broke after the request may have been written; httplib2 wanted to send it
    again, and was not let."""


class SendSafeHttp(httplib2.Http):
    def _conn_request(
        self, conn: Any, request_uri: str, method: str, body: Any, headers: Any
    ) -> Any:
        if method.upper() in _REPEATABLE:
            return _HTTP._conn_request(self, conn, request_uri, method, body, headers)
        conn.close()
        try:
            conn.connect()
        except socket.gaierror as exc:
            conn.close()
            raise httplib2.ServerNotFoundError(f"Unable to find the server at {conn.host}") from exc
        except OSError as exc:  # refused, unreachable, timed out, TLS handshake refused
            conn.close()
            raise ConnectFailed(f"cannot connect to {conn.host}: {exc}") from exc

        def reconnect() -> None:
            conn.close()
            raise ResendBlocked(
                f"{method} {request_uri}: the connection broke after the request may have been "
                "written; not sent again"
            )

        conn.connect = reconnect
        try:
            return _HTTP._conn_request(self, conn, request_uri, method, body, headers)
        finally:
            del conn.connect  # the class's own connect() again, for the next request
