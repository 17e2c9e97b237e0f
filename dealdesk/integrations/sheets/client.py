"""Google Sheets ``values.get`` through google-api-python-client, under the shared retry policy.

- :func:`build_sheets` builds the real client offline (``static_discovery=True``: the bundled
  ``sheets.v4`` document, no network). Against the sandbox fake or a real-protocol peer (the
  endpoint is sandboxed, or ``DEALDESK_SHEETS_API_BASE`` was set without credentials) the
  endpoint's base URL is passed as ``api_endpoint`` unchanged (``http://127.0.0.1:9000/`` gives
  ``http://127.0.0.1:9000/v4/spreadsheets/...``) with anonymous credentials; with real
  credentials they are used against Google's own endpoint (or the configured base, when one was
  set alongside them).
- :class:`SheetsClient` reads cells as the person sees them (``FORMATTED_VALUE``: every cell a
  string). The SDK's own retries are off (``execute(num_retries=0)``); the policy owns retries
  and, when they run out, raises ``UpstreamError`` and reports.

The client is blocking (httplib2, which is not thread-safe): only one thread, the actor that
owns the instance, may use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import google_auth_httplib2  # type: ignore[import-untyped,unused-ignore]
import httplib2
from google.auth.credentials import AnonymousCredentials
from googleapiclient.discovery import build

from dealdesk.integrations.endpoints import REAL_BASES
from dealdesk.integrations.google import classify_google
from dealdesk.runtime.settings import Service

if TYPE_CHECKING:
    from collections.abc import Callable

    from google.auth.credentials import Credentials

    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.runtime.reports import ErrorReport
    from dealdesk.runtime.retry import RetryPolicy

__all__ = ["SHEETS_READONLY_SCOPE", "SheetsClient", "build_sheets"]

# The one scope the roster needs (credentials built for Sheets should ask for it).
SHEETS_READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"


def build_sheets(
    endpoint: Endpoint, credentials: Credentials | None, *, timeout_s: float = 30.0
) -> Any:
    """The ``sheets`` v4 Resource for ``endpoint`` (see the module docstring for which address
    and which credentials). Builds offline; never touches the network."""
    options: dict[str, str] | None = None
    if endpoint.sandboxed or credentials is None:
        credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
        options = {"api_endpoint": endpoint.base_url}
    elif endpoint.base_url != REAL_BASES[Service.SHEETS]:
        options = {"api_endpoint": endpoint.base_url}
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout_s))
    return build(
        "sheets",
        "v4",
        http=http,
        client_options=options,
        static_discovery=True,
        cache_discovery=False,
    )


class SheetsClient:
    """Reads ranges of a spreadsheet. Blocking: use from its owner actor's thread only."""

    def __init__(
        self,
        resource: Any,
        policy: RetryPolicy,
        report: Callable[[ErrorReport], None] | None,
    ) -> None:
        self._resource = resource
        self._policy = policy
        self._report = report

    def close(self) -> None:
        """Close the connections (the owner calls it when it stops)."""
        self._resource.close()

    def values(self, spreadsheet_id: str, range_a1: str) -> list[list[str]]:
        """The cells of ``range_a1`` ("Roster", "Roster!A1:H200", "'My tab'!A:Z") as rows of
        strings, exactly as Sheets answers them: ragged (trailing empty cells are omitted), a
        blank row as ``[]``, and ``[]`` for an empty range. Raises UpstreamError."""

        def once() -> Any:
            request = (
                self._resource.spreadsheets()
                .values()
                .get(
                    spreadsheetId=spreadsheet_id,
                    range=range_a1,
                    majorDimension="ROWS",
                    valueRenderOption="FORMATTED_VALUE",
                )
            )
            return request.execute(num_retries=0)

        answer = self._policy.call_sync(
            "sheets", "values.get", once, report=self._report, classify=classify_google
        )
        rows = answer.get("values") if isinstance(answer, dict) else None
        if not isinstance(rows, list):
            return []
        return [
            ["" if cell is None else str(cell) for cell in row] if isinstance(row, list) else []
            for row in rows
        ]
