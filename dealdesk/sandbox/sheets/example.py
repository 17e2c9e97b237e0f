"""The sandbox roster: the creators config/example_campaign.yaml lists, and a few more.

The same rows are in ``config/example_roster.csv`` for people to read (a test keeps the two
equal). They are written as a team writes a sheet: columns in their own order with one the
roster ignores (Status), numbers formatted by hand ("125,400", "4.2%", "$1,500.00", "1.2M"),
one creator without an email, a blank row, and a ragged last row (trailing cells left empty).
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["EXAMPLE_ROSTER", "ROSTER_TAB", "read_csv"]

ROSTER_TAB: Final = "Roster"

# fmt: off
EXAMPLE_ROSTER: Final[tuple[tuple[str, ...], ...]] = (
    ("Name", "Handle", "Platform", "Email", "Average Views", "Engagement Rate", "Min Rate",
     "Max Rate", "Status", "Notes"),
    ("Maya Chen", "@glowwithmaya", "Instagram", "maya@glowwithmaya.example", "85,000", "5.1%",
     "$1,200", "$2,000", "Active", "Skincare; answered within a day last time"),
    ("Jordan Lee", "@jordanlee.creates", "IG", "jordan.lee@creatormail.example", "62000", "3.8",
     "$900.00", "1500 USD", "Active", ""),
    ("Priya Patel", "@priyaglow", "Instagram", "priya.patel@creators.example", "125,400", "4.2%",
     "$1,500", "$2,500.00", "Active", "Prefers reels over stories"),
    (),
    ("Sam Rivera", "@samcooks", "TikTok", "", "240k", "0.061", "$700", "$1,100", "Prospect",
     "Reachable by DM only so far"),
    ("Alex Kim", "@alexkimvlogs", "YouTube", "alex@kimvlogs.example", "1.2M", "2.5%", "$4,000",
     "$6,500", "Active", ""),
    ("Lena Ortiz", "@lenaortiz", "Instagram", "lena@ortiz.example", "48,900"),
)
# fmt: on


def read_csv(path: Path) -> list[list[str]]:
    """Rows of a CSV file as the sheet would hold them (every cell text)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [list(row) for row in csv.reader(handle)]
