"""Google Sheets: the influencer roster read from the team's sheet.

- ``client``: ``values.get`` through google-api-python-client (built offline), under the shared
  retry policy; blocking, so one owner thread per instance.
- ``mapping``: which header titles are which roster field, by ``config/roster.yaml``.
- ``cells``: a cell read as people write it ("125,400", "4.2%", "$1,500.00", "IG").
- ``roster``: rows -> ``Influencer``\\ s or problems; a campaign's entries matched to rows.
- ``cache``: where a campaign's roster is (its own tab or spreadsheet, else the default), read at
  most once per TTL.
"""

from dealdesk.integrations.sheets.cache import (
    RosterCache,
    RosterSource,
    default_source,
    quote_tab,
    resolve_source,
    sheet_fetcher,
)
from dealdesk.integrations.sheets.client import SHEETS_READONLY_SCOPE, SheetsClient, build_sheets
from dealdesk.integrations.sheets.mapping import (
    DEFAULT_COLUMNS,
    RosterMapping,
    RosterUnreadable,
    load_roster_mapping,
)
from dealdesk.integrations.sheets.roster import (
    Roster,
    RosterLookup,
    RosterMatch,
    RosterProblem,
    RosterRow,
    parse_roster,
    resolve,
)

__all__ = [
    "DEFAULT_COLUMNS",
    "SHEETS_READONLY_SCOPE",
    "Roster",
    "RosterCache",
    "RosterLookup",
    "RosterMapping",
    "RosterMatch",
    "RosterProblem",
    "RosterRow",
    "RosterSource",
    "RosterUnreadable",
    "SheetsClient",
    "build_sheets",
    "default_source",
    "load_roster_mapping",
    "parse_roster",
    "quote_tab",
    "resolve",
    "resolve_source",
    "sheet_fetcher",
]
