"""The sandbox Google Sheets: ``values.get`` answering a real ``ValueRange``.

``GET /v4/spreadsheets/{spreadsheetId}/values/{range}`` as google-api-python-client sends it:
the range percent-encoded in the path (read from the raw path and unquoted once, so a tab name
with "/" or "%" survives). The answer is Sheets' own: ``{range, majorDimension, values}`` with
every cell a string, trailing empty cells and rows omitted (a blank row in the middle is
``[]``), ``values`` absent when the range is empty; open ranges ("Roster", "A2:H") are clipped to
the data. A range that is not A1 notation or names no tab is a 400, an unknown spreadsheet a 404,
both in Google's error envelope. No credential is checked (the client sends none to the sandbox).

The default spreadsheet (:data:`SANDBOX_SPREADSHEET_ID`, tab "Roster") holds the example roster
of :mod:`.example` (the rows of ``config/example_roster.csv``) or the CSV file given. Tests and
the operator change sheets with :meth:`FakeSheets.set_values` from any thread.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web

from dealdesk.sandbox.base import FakeServer
from dealdesk.sandbox.sheets.a1 import format_a1, parse_a1
from dealdesk.sandbox.sheets.example import EXAMPLE_ROSTER, ROSTER_TAB, read_csv

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

__all__ = ["SANDBOX_SHEETS_TOKEN", "SANDBOX_SPREADSHEET_ID", "FakeSheets"]

SANDBOX_SHEETS_TOKEN = "sandbox-sheets"  # noqa: S105 - a placeholder, the fake checks none
SANDBOX_SPREADSHEET_ID = "sandbox-roster"
_PREFIX = "/v4/spreadsheets/"
_STATUS_NAMES = {400: "INVALID_ARGUMENT", 404: "NOT_FOUND"}


def _error(code: int, message: str) -> web.Response:
    body = {"error": {"code": code, "message": message, "status": _STATUS_NAMES[code]}}
    return web.json_response(body, status=code)


def _trimmed(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Trailing empty cells of each row and trailing empty rows dropped, as Sheets answers."""
    out = [list(row) for row in rows]
    for row in out:
        while row and row[-1] == "":
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


class FakeSheets(FakeServer):
    service = "sheets"

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, roster_file: Path | None = None
    ) -> None:
        super().__init__(host, port)
        self._lock = threading.Lock()
        self._books: dict[str, dict[str, list[list[str]]]] = {}
        self.spreadsheet_id = SANDBOX_SPREADSHEET_ID
        rows = read_csv(roster_file) if roster_file is not None else EXAMPLE_ROSTER
        self.set_values(self.spreadsheet_id, ROSTER_TAB, rows)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/v4/spreadsheets/{spreadsheet_id}/values/{range:.+}", self._get)

    def app_defaults(self) -> dict[str, str]:
        return {"spreadsheet_id": self.spreadsheet_id}

    # -- the sheets (any thread) -----------------------------------------------------------------

    def set_values(self, spreadsheet_id: str, tab: str, rows: Iterable[Sequence[object]]) -> None:
        """Replace a tab's cells (creating the spreadsheet and tab); cells are stored as text,
        ``None`` as empty. The first tab created is the one a range without a tab reads."""
        grid = [["" if cell is None else str(cell) for cell in row] for row in rows]
        with self._lock:
            self._books.setdefault(spreadsheet_id, {})[tab] = grid
        self.changed()

    def remove_spreadsheet(self, spreadsheet_id: str) -> None:
        with self._lock:
            self._books.pop(spreadsheet_id, None)
        self.changed()

    def values_of(self, spreadsheet_id: str, tab: str) -> list[list[str]]:
        with self._lock:
            return [list(row) for row in self._books[spreadsheet_id][tab]]

    def reads(self) -> list[tuple[str, str]]:
        """Every ``values.get`` received, as (spreadsheet id, range), oldest first."""
        with self._cond:
            recorded = [r.path for r in self.requests if r.method == "GET"]
        return [
            (parts[0], parts[1])
            for path in recorded
            if path.startswith(_PREFIX)
            and len(parts := path[len(_PREFIX) :].split("/values/", 1)) == 2
        ]

    # -- the API (on the loop) -------------------------------------------------------------------

    async def _get(self, request: web.Request) -> web.Response:
        raw = request.rel_url.raw_path[len(_PREFIX) :]
        raw_id, _, raw_range = raw.partition("/values/")
        spreadsheet_id, requested = unquote(raw_id), unquote(raw_range)
        dimension = request.query.get("majorDimension", "ROWS")
        if dimension not in {"ROWS", "COLUMNS"}:
            return _error(400, f"Invalid majorDimension: {dimension}")
        render = request.query.get("valueRenderOption", "FORMATTED_VALUE")
        if render not in {"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"}:
            return _error(400, f"Invalid valueRenderOption: {render}")
        with self._lock:
            book = self._books.get(spreadsheet_id)
            if book is None:
                return _error(404, "Requested entity was not found.")
            try:
                grid = parse_a1(requested)
            except ValueError:
                return _error(400, f"Unable to parse range: {requested}")
            tab = grid.tab if grid.tab is not None else next(iter(book), None)
            if tab is None or tab not in book:
                return _error(400, f"Unable to parse range: {requested}")
            data = _trimmed(book[tab])
        height = len(data)
        width = max((len(row) for row in data), default=0)
        top = grid.first_row or 0
        left = grid.first_col or 0
        bottom = grid.last_row if grid.last_row is not None else max(top, height - 1)
        right = grid.last_col if grid.last_col is not None else max(left, width - 1)
        cells = [
            [row[c] if c < len(row) else "" for c in range(left, min(right, width - 1) + 1)]
            for row in data[top : bottom + 1]
        ]
        if dimension == "COLUMNS":
            cells = [list(column) for column in zip(*cells, strict=True)]
        answer: dict[str, Any] = {
            "range": format_a1(tab, top, left, bottom, right),
            "majorDimension": dimension,
        }
        values = _trimmed(cells)
        if values:
            answer["values"] = values
        return web.json_response(answer)
