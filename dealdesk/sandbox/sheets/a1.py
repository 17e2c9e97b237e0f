"""A1 notation as the Sheets API reads it: "Roster", "Roster!A1:H100", "'Tab with spaces'!A:Z".

A range is an optional tab (quoted with ``'`` when it holds anything but letters, digits and
``_``; a ``'`` inside is doubled) and optional cells: ``A1``, ``A1:H100``, ``A:Z`` (whole
columns), ``2:10`` (whole rows), ``A2:H`` (open at the bottom). A range that is only cells means
the first tab. Indexes here are 0-based and inclusive; ``None`` is open (to the data's edge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["GridRange", "column_index", "column_name", "format_a1", "parse_a1"]

_CELLS = re.compile(
    r"(?P<c1>[A-Z]{1,3})?(?P<r1>\d+)?(?::(?P<c2>[A-Z]{1,3})?(?P<r2>\d+)?)?", re.IGNORECASE
)
_PLAIN_TAB = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class GridRange:
    tab: str | None
    first_row: int | None = None
    last_row: int | None = None
    first_col: int | None = None
    last_col: int | None = None


def column_index(name: str) -> int:
    """``A`` -> 0, ``AA`` -> 26."""
    index = 0
    for char in name.upper():
        index = index * 26 + (ord(char) - ord("A") + 1)
    return index - 1


def column_name(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA``."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _row(text: str | None) -> int | None:
    if text is None:
        return None
    if int(text) < 1:
        raise ValueError("rows start at 1")
    return int(text) - 1


def _ordered(first: int | None, last: int | None) -> tuple[int | None, int | None]:
    if first is not None and last is not None and last < first:
        return last, first
    return first, last


def _cells(text: str, tab: str | None) -> GridRange:
    match = _CELLS.fullmatch(text.replace("$", ""))
    if match is None or not (match["c1"] or match["r1"]):
        raise ValueError(f"{text!r} is not a cell range")
    c1, r1, c2, r2 = match["c1"], match["r1"], match["c2"], match["r2"]
    if ":" not in text:
        if not (c1 and r1):
            raise ValueError(f"{text!r} is not a cell (write A1)")
        c2, r2 = c1, r1
    elif not (c2 or r2):
        raise ValueError(f"{text!r} has no end")
    if (c1 is None) != (c2 is None) and r1 is None:
        raise ValueError(f"{text!r} mixes whole rows and columns")
    first_row, last_row = _ordered(_row(r1), _row(r2))
    first_col, last_col = _ordered(
        None if c1 is None else column_index(c1), None if c2 is None else column_index(c2)
    )
    return GridRange(tab, first_row, last_row, first_col, last_col)


def parse_a1(text: str) -> GridRange:
    """Read ``text``; raises ValueError when it is not A1 notation."""
    text = text.strip()
    if not text:
        raise ValueError("the range is empty")
    if text.startswith("'"):
        match = re.fullmatch(r"'((?:[^']|'')+)'(?:!(.*))?", text, re.DOTALL)
        if match is None:
            raise ValueError(f"{text!r} has an unclosed quote")
        tab = match[1].replace("''", "'")
        return GridRange(tab) if match[2] is None else _cells(match[2], tab)
    tab, bang, cells = text.rpartition("!")
    if bang:
        if not tab:
            raise ValueError(f"{text!r} has no tab before '!'")
        return _cells(cells, tab)
    try:
        return _cells(text, None)
    except ValueError:
        return GridRange(text)


def format_a1(tab: str, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """``'Tab with spaces'!A1:H12`` (one cell: ``Tab!B2``)."""
    plain = _PLAIN_TAB.fullmatch(tab) and not _CELLS.fullmatch(tab)
    quoted = tab if plain else "'" + tab.replace("'", "''") + "'"
    start = f"{column_name(first_col)}{first_row + 1}"
    end = f"{column_name(last_col)}{last_row + 1}"
    return f"{quoted}!{start}" if start == end else f"{quoted}!{start}:{end}"
