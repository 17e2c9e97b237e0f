"""Where a campaign's roster is, and a TTL cache so a lookup reads the sheet at most once per TTL.

A roster lives at a :class:`RosterSource`: a spreadsheet and an A1 range. The default comes from
settings (``DEALDESK_SHEETS_SPREADSHEET_ID`` and ``DEALDESK_SHEETS_ROSTER_TAB``; in sandbox mode
the fake's own spreadsheet). A campaign may name its own, read by :func:`resolve_source`:

- nothing: the default;
- a tab ("Q4 Roster") or a tab and range ("Q4 Roster!A1:J500"): that tab of the default
  spreadsheet (quoted for A1 as needed);
- "SpreadsheetId!Tab": that tab of another spreadsheet (told from "Tab!A1:J500" by the part after
  the "!", which is a cell range only in the latter);
- a spreadsheet's id alone (30 or more letters, digits, "-" or "_", with a digit) or its URL
  (``https://docs.google.com/spreadsheets/d/<id>/...``): the default tab of that spreadsheet.

:class:`RosterCache` keeps each source's parsed roster for ``ttl_s`` seconds of the injected
clock. A failed read or an unreadable sheet is not kept, so a fix to the sheet shows at once.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dealdesk.errors import ConfigError
from dealdesk.integrations.sheets.mapping import RosterMapping
from dealdesk.integrations.sheets.roster import parse_roster, resolve
from dealdesk.runtime.settings import Service

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from dealdesk.integrations.sheets.client import SheetsClient
    from dealdesk.integrations.sheets.roster import Roster, RosterLookup
    from dealdesk.runtime.clock import Clock
    from dealdesk.runtime.settings import Settings

__all__ = [
    "RosterCache",
    "RosterSource",
    "default_source",
    "quote_tab",
    "resolve_source",
    "sheet_fetcher",
]

_CELL_RANGE = re.compile(r"\$?[A-Z]{0,3}\$?\d*(?::\$?[A-Z]{0,3}\$?\d*)?", re.IGNORECASE)
_SPREADSHEET_ID = re.compile(r"(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{30,}")
_SHEETS_URL = re.compile(r"docs\.google\.com/spreadsheets/d/(?P<id>[A-Za-z0-9_-]+)")
_PLAIN_TAB = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class RosterSource:
    spreadsheet_id: str
    range_a1: str

    def __str__(self) -> str:
        return f"{self.range_a1} of spreadsheet {self.spreadsheet_id}"


def quote_tab(tab: str) -> str:
    """A tab name as A1 notation writes it: ``Roster``, ``'Q4 Roster'``, ``'Maya''s list'``,
    ``'Q4'`` (unquoted it would be a cell)."""
    tab = tab.strip()
    if len(tab) > 1 and tab.startswith("'") and tab.endswith("'"):
        return tab
    if _PLAIN_TAB.fullmatch(tab) and not _is_cell_range(tab):  # "Q4" would read cell Q4
        return tab
    return "'" + tab.replace("'", "''") + "'"


def _is_cell_range(text: str) -> bool:
    return bool(text) and any(c.isalnum() for c in text) and bool(_CELL_RANGE.fullmatch(text))


def _tab_range(text: str) -> str:
    """ "Q4 Roster!A1:J500" -> "'Q4 Roster'!A1:J500"; "Q4 Roster" -> "'Q4 Roster'"."""
    tab, bang, cells = text.rpartition("!")
    if bang and _is_cell_range(cells):
        return f"{quote_tab(tab)}!{cells}"
    return quote_tab(text)


def resolve_source(campaign_roster: str | None, default: RosterSource) -> RosterSource:
    """The roster a campaign names (see the module docstring), else ``default``."""
    text = (campaign_roster or "").strip()
    if not text:
        return default
    if (url := _SHEETS_URL.search(text)) is not None:
        return RosterSource(url["id"], default.range_a1)
    if _SPREADSHEET_ID.fullmatch(text):
        return RosterSource(text, default.range_a1)
    head, bang, tail = text.partition("!")
    if bang and not head.startswith("'") and not _is_cell_range(tail.strip()):
        spreadsheet = head.strip()
        if _SPREADSHEET_ID.fullmatch(spreadsheet) or " " not in spreadsheet:
            return RosterSource(spreadsheet, _tab_range(tail.strip()))
    return RosterSource(default.spreadsheet_id, _tab_range(text))


def default_source(settings: Settings, sandbox_spreadsheet_id: str | None = None) -> RosterSource:
    """The roster campaigns read unless they name another: ``DEALDESK_SHEETS_SPREADSHEET_ID``
    (else, in sandbox mode, the fake's spreadsheet) at ``DEALDESK_SHEETS_ROSTER_TAB``."""
    spreadsheet = settings.sheets_spreadsheet_id
    if not spreadsheet and settings.sandboxed(Service.SHEETS):
        spreadsheet = sandbox_spreadsheet_id
    if not spreadsheet:
        raise ConfigError(
            "no roster spreadsheet: set DEALDESK_SHEETS_SPREADSHEET_ID to the id in the sheet's "
            "URL (docs.google.com/spreadsheets/d/<id>/edit)"
        )
    return RosterSource(spreadsheet, _tab_range(settings.sheets_roster_tab))


def sheet_fetcher(client: SheetsClient) -> Callable[[RosterSource], list[list[str]]]:
    """What a :class:`RosterCache` reads through: ``client.values`` of the source."""

    def fetch(source: RosterSource) -> list[list[str]]:
        return client.values(source.spreadsheet_id, source.range_a1)

    return fetch


class RosterCache:
    """Each source's parsed roster, kept ``ttl_s`` seconds. Reads run on the caller's thread
    (the blocking client's owner); the table itself is safe to share."""

    def __init__(
        self,
        fetch: Callable[[RosterSource], list[list[str]]],
        ttl_s: float,
        clock: Clock,
        mapping: RosterMapping | None = None,
    ) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._clock = clock
        self._mapping = mapping or RosterMapping.default()
        self._lock = threading.Lock()
        self._kept: dict[RosterSource, tuple[float, Roster]] = {}

    def roster(self, source: RosterSource) -> Roster:
        """The roster at ``source``, read again once the TTL has passed. Raises what the read
        raises (UpstreamError) or RosterUnreadable; neither is kept."""
        now = self._clock.monotonic()
        with self._lock:
            kept = self._kept.get(source)
        if kept is not None and now - kept[0] < self._ttl_s:
            return kept[1]
        roster = parse_roster(self._fetch(source), self._mapping)
        with self._lock:
            self._kept[source] = (now, roster)
        return roster

    def lookup(self, entries: Iterable[str], source: RosterSource) -> RosterLookup:
        """A campaign's entries resolved against the roster at ``source``."""
        return resolve(entries, self.roster(source))

    def invalidate(self, source: RosterSource | None = None) -> None:
        """Forget one source (or all), so the next lookup reads the sheet."""
        with self._lock:
            if source is None:
                self._kept.clear()
            else:
                self._kept.pop(source, None)
