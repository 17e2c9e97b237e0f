"""The sandbox Google Sheets: ``values.get`` over loopback, holding the example roster.

``fake`` is the API server; ``a1`` reads and writes A1 ranges; ``example`` holds the example
roster (the rows of ``config/example_roster.csv``).
"""

from dealdesk.sandbox.sheets.example import EXAMPLE_ROSTER, ROSTER_TAB
from dealdesk.sandbox.sheets.fake import SANDBOX_SHEETS_TOKEN, SANDBOX_SPREADSHEET_ID, FakeSheets

__all__ = [
    "EXAMPLE_ROSTER",
    "ROSTER_TAB",
    "SANDBOX_SHEETS_TOKEN",
    "SANDBOX_SPREADSHEET_ID",
    "FakeSheets",
]
