"""Which roster column is which: ``config/roster.yaml`` maps the sheet's header titles to fields.

Titles are matched ignoring case and surrounding (or doubled) spaces; columns may stand in any
order and columns the file does not name are ignored. Several titles may map to one field (an
alias for a sheet that calls it "Creator"), but a header may carry only one of them. Without the
file's ``columns:`` the team sheet's own titles apply (:data:`DEFAULT_COLUMNS`). A wrong file is a
``ConfigError`` naming each problem; a sheet whose header lacks a required column is
:class:`RosterUnreadable`, naming the missing columns and the header found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import yaml

from dealdesk.errors import ConfigError, InvalidInput

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

__all__ = [
    "DEFAULT_COLUMNS",
    "FIELDS",
    "REQUIRED_FIELDS",
    "RosterMapping",
    "RosterUnreadable",
    "column_letter",
    "load_roster_mapping",
]

# Every field a roster row may give, in the order messages list them.
FIELDS: Final[tuple[str, ...]] = (
    "name",
    "email",
    "platform",
    "handle",
    "average_views",
    "engagement_rate",
    "min_rate",
    "max_rate",
    "notes",
)
# What an Influencer cannot be built without: the header must have a column for each.
REQUIRED_FIELDS: Final[frozenset[str]] = frozenset(
    {"name", "email", "platform", "handle", "average_views"}
)
# The team sheet's own titles.
DEFAULT_COLUMNS: Final[Mapping[str, str]] = {
    "Name": "name",
    "Email": "email",
    "Platform": "platform",
    "Handle": "handle",
    "Average Views": "average_views",
    "Engagement Rate": "engagement_rate",
    "Min Rate": "min_rate",
    "Max Rate": "max_rate",
    "Notes": "notes",
}


class RosterUnreadable(InvalidInput):
    """The sheet cannot be read as a roster at all (its header lacks a required column)."""


def _norm(title: str) -> str:
    return " ".join(title.casefold().split())


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``: how the sheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class RosterMapping:
    """Header title -> roster field (several titles may give one field)."""

    columns: Mapping[str, str]

    @classmethod
    def default(cls) -> RosterMapping:
        return cls(dict(DEFAULT_COLUMNS))

    def field_of(self, title: str) -> str | None:
        wanted = _norm(title)
        return next((f for t, f in self.columns.items() if _norm(t) == wanted), None)

    def titles_of(self, field: str) -> list[str]:
        return [t for t, f in self.columns.items() if f == field]

    def locate(self, header: Sequence[str]) -> dict[str, int]:
        """Field -> column index in ``header``; raises RosterUnreadable naming what is wrong."""
        found: dict[str, int] = {}
        problems: list[str] = []
        for index, title in enumerate(header):
            field = self.field_of(title)
            if field is None:
                continue
            if field in found:
                first = found[field]
                problems.append(
                    f"columns {header[first].strip()!r} ({column_letter(first)}) and "
                    f"{title.strip()!r} ({column_letter(index)}) both give {field}; keep one"
                )
                continue
            found[field] = index
        missing = [f for f in FIELDS if f in REQUIRED_FIELDS and f not in found]
        if missing:
            wanted = ", ".join(" or ".join(repr(t) for t in self.titles_of(f)) for f in missing)
            problems.insert(0, f"its header has no column {wanted}")
        if problems:
            shown = ", ".join(repr(t.strip()) for t in header if t.strip()) or "nothing"
            raise RosterUnreadable(
                "the roster cannot be read: " + "; ".join(problems) + f" (the header row has "
                f"{shown}; config/roster.yaml says which titles it reads)"
            )
        return found


def load_roster_mapping(path: Path) -> RosterMapping:
    """Load and check ``roster.yaml``; a missing or wrong file is a ConfigError saying exactly
    what is wrong (every problem at once)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: the roster column mapping is missing") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: needs a 'columns:' mapping of header title -> roster field")
    unknown_keys = sorted(str(k) for k in data if k != "columns")
    problems = [f"unknown key {k!r} (the file holds only 'columns:')" for k in unknown_keys]
    columns = data.get("columns", dict(DEFAULT_COLUMNS))
    if not isinstance(columns, dict) or not columns:
        problems.append("'columns:' must map each header title to a roster field")
        columns = {}
    seen: dict[str, str] = {}
    for title, field in columns.items():
        if not isinstance(title, str) or not title.strip():
            problems.append(f"header title {title!r} must be a non-empty text")
            continue
        if field not in FIELDS:
            problems.append(f"column {title!r} maps to unknown field {field!r}")
        if _norm(title) in seen:
            problems.append(f"columns {seen[_norm(title)]!r} and {title!r} are the same title")
        seen[_norm(title)] = title
    mapped = {f for t, f in columns.items() if isinstance(t, str)}
    problems += [
        f"required field {f!r} is mapped from no column"
        for f in FIELDS
        if f in REQUIRED_FIELDS and f not in mapped
    ]
    if problems:
        known = ", ".join(FIELDS)
        raise ConfigError(f"{path}: " + "; ".join(problems) + f" (fields: {known})")
    return RosterMapping({str(t).strip(): str(f) for t, f in columns.items()})
