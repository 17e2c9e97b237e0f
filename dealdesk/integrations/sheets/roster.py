"""The influencer roster: a sheet's rows read as ``Influencer``\\ s, and campaign entries matched.

:func:`parse_roster` takes the rows ``values.get`` answered (the first non-blank row is the
header, located by the :class:`~.mapping.RosterMapping`) and turns each data row into an
``Influencer`` or a :class:`RosterProblem` saying, in the team's words, what is wrong with it.
Blank rows are skipped and ragged rows read with their missing trailing cells as "". Row numbers
are the sheet's own (the range starts at row 1 unless ``first_row`` says otherwise).

:meth:`Roster.find` matches one campaign entry as people type it in the form (a name in any case
or spacing, an @handle with or without the "@", an email, or "Name <email>") against the rows'
names, handles and emails, by :func:`dealdesk.domain.identity.influencer_key`. An entry that
matches no row, a row with a problem, or more than one row is not matched, and the reason is
one sentence for the team. :func:`resolve` does that for a campaign's whole list. Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from dealdesk.domain.campaign import Influencer
from dealdesk.domain.identity import influencer_key
from dealdesk.domain.money import format_money
from dealdesk.integrations.sheets import cells
from dealdesk.integrations.sheets.mapping import (
    RosterMapping,
    RosterUnreadable,
    load_roster_mapping,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "Roster",
    "RosterLookup",
    "RosterMapping",
    "RosterMatch",
    "RosterProblem",
    "RosterRow",
    "RosterUnreadable",
    "load_roster_mapping",
    "parse_roster",
    "resolve",
]

NOT_ON_ROSTER = "not on the roster"

_READERS: dict[str, Callable[[str], object]] = {
    "platform": cells.parse_platform,
    "handle": cells.parse_handle,
    "average_views": cells.parse_views,
    "engagement_rate": cells.parse_engagement,
    "min_rate": cells.parse_rate,
    "max_rate": cells.parse_rate,
}


@dataclass(frozen=True)
class RosterRow:
    """A valid roster row: the influencer, where it stands, and the team's notes about them."""

    row_number: int
    influencer: Influencer
    notes: str = ""

    def describe(self) -> str:
        who = self.influencer
        return f"{who.name} (row {self.row_number}, @{who.handle}, {who.email})"


@dataclass(frozen=True)
class RosterProblem:
    """A row that is not a usable influencer. ``reason`` completes "on the roster ..." ("without
    a valid email"); ``keys`` are the identities its cells give, so an entry naming it is told
    why it cannot be used rather than that it is missing."""

    row_number: int
    name_or_entry: str
    reason: str
    keys: frozenset[str] = field(default=frozenset(), compare=False)

    def __str__(self) -> str:
        return f"row {self.row_number} ({self.name_or_entry}): {self.reason}"

    def describe(self) -> str:
        return f"{self.name_or_entry} (row {self.row_number}, {self.reason})"


@dataclass(frozen=True)
class RosterMatch:
    """One entry's outcome: the influencer, or the sentence saying why there is none."""

    entry: str
    influencer: Influencer | None
    reason: str | None = None
    row_number: int | None = None


@dataclass(frozen=True)
class RosterLookup:
    """A campaign's entries: those found on the roster, and why each other one is not."""

    found: dict[str, Influencer]
    missing: dict[str, str]


def _is_email(key: str) -> bool:
    return "@" in key and not key.startswith("@")


def _handle_key(text: str) -> str:
    try:
        return influencer_key(cells.parse_handle(text))
    except ValueError:
        return influencer_key(text.removeprefix("@"))


@dataclass(frozen=True)
class Roster:
    rows: tuple[RosterRow, ...] = ()
    problems: tuple[RosterProblem, ...] = ()

    @property
    def influencers(self) -> tuple[Influencer, ...]:
        return tuple(r.influencer for r in self.rows)

    @cached_property
    def _index(self) -> dict[str, dict[str, list[RosterRow | RosterProblem]]]:
        index: dict[str, dict[str, list[RosterRow | RosterProblem]]] = {
            "email": {},
            "handle": {},
            "name": {},
        }
        for row in self.rows:
            who = row.influencer
            index["email"].setdefault(influencer_key(who.email), []).append(row)
            index["handle"].setdefault(_handle_key(who.handle), []).append(row)
            index["name"].setdefault(influencer_key(who.name), []).append(row)
        for problem in self.problems:
            for key in problem.keys:
                kind, _, value = key.partition(":")
                index[kind].setdefault(value, []).append(problem)
        return index

    def _hits(self, kind: str, key: str) -> list[RosterRow | RosterProblem]:
        return list(self._index[kind].get(key, []))

    def find(self, entry: str) -> RosterMatch:
        """Match one entry (see the module docstring); never raises."""
        text = " ".join(entry.split())
        key = influencer_key(text)
        if not key:
            return RosterMatch(entry, None, "is empty")
        if _is_email(key):
            hits = self._hits("email", key)
            if not hits and "<" in text and text.endswith(">"):
                return self._by_name_with_other_email(entry, text[: text.rindex("<")], key)
        elif key.startswith("@"):
            hits = self._hits("handle", _handle_key(key))
        else:
            hits = self._hits("name", key)
            hits += [h for h in self._hits("handle", _handle_key(key)) if h not in hits]
        return self._outcome(entry, key, hits)

    def match(self, entry: str) -> Influencer | None:
        return self.find(entry).influencer

    def row_of(self, influencer: Influencer) -> RosterRow | None:
        return next((r for r in self.rows if r.influencer == influencer), None)

    def _outcome(self, entry: str, key: str, hits: list[RosterRow | RosterProblem]) -> RosterMatch:
        if not hits:
            return RosterMatch(entry, None, NOT_ON_ROSTER)
        if len(hits) == 1:
            hit = hits[0]
            if isinstance(hit, RosterRow):
                return RosterMatch(entry, hit.influencer, None, hit.row_number)
            reason = f"on the roster {hit.reason} (row {hit.row_number})"
            return RosterMatch(entry, None, reason, hit.row_number)
        listed = "; ".join(h.describe() for h in sorted(hits, key=lambda h: h.row_number))
        advice = (
            "keep one of them on the roster"
            if _is_email(key)
            else "write the @handle or email of the one you mean"
        )
        return RosterMatch(entry, None, f"matches {len(hits)} roster rows: {listed}; {advice}")

    def _by_name_with_other_email(self, entry: str, name: str, email: str) -> RosterMatch:
        hits = self._hits("name", influencer_key(name))
        rows = [h for h in hits if isinstance(h, RosterRow)]
        if len(hits) == 1 and rows:
            row = rows[0]
            reason = (
                f"on the roster as {row.influencer.name} (row {row.row_number}) with the email "
                f"{row.influencer.email}, not {email}; correct the email in the campaign or on the "
                "roster"
            )
            return RosterMatch(entry, None, reason, row.row_number)
        return (
            self._outcome(entry, influencer_key(name), hits)
            if hits
            else RosterMatch(entry, None, NOT_ON_ROSTER)
        )


def resolve(entries: Iterable[str], roster: Roster) -> RosterLookup:
    """Every entry found on ``roster`` or missing with the reason (one sentence each)."""
    found: dict[str, Influencer] = {}
    missing: dict[str, str] = {}
    for entry in entries:
        outcome = roster.find(entry)
        if outcome.influencer is not None:
            found[entry] = outcome.influencer
        else:
            missing[entry] = outcome.reason or NOT_ON_ROSTER
    return RosterLookup(found, missing)


# -- parsing ------------------------------------------------------------------------------------


def _is_blank(row: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in row)


def parse_roster(
    rows: Sequence[Sequence[str]], mapping: RosterMapping, *, first_row: int = 1
) -> Roster:
    """Read ``rows`` (as ``values.get`` answered them) into a Roster; raises RosterUnreadable
    when the sheet has no header row or its header lacks a required column."""
    numbered = [(first_row + i, [str(c) for c in row]) for i, row in enumerate(rows)]
    content = [(n, row) for n, row in numbered if not _is_blank(row)]
    if not content:
        raise RosterUnreadable("the roster cannot be read: the sheet is empty (no header row)")
    (_, header), *data = content
    columns = mapping.locate(header)
    titles = {f: header[i].strip() for f, i in columns.items()}
    read: list[RosterRow] = []
    problems: list[RosterProblem] = []
    for number, row in data:
        padded = row + [""] * (len(header) - len(row))
        values = {f: padded[i].strip() for f, i in columns.items()}
        if not any(values.values()):
            continue  # only columns the roster ignores
        outcome = _read_row(number, values, titles)
        if isinstance(outcome, RosterRow):
            read.append(outcome)
        else:
            problems.append(outcome)
    return Roster(tuple(read), tuple(problems))


def _read_row(
    number: int, values: dict[str, str], titles: dict[str, str]
) -> RosterRow | RosterProblem:
    data: dict[str, Any] = {"name": values.get("name", ""), "email": values.get("email", "")}
    reasons: list[str] = []
    failed: set[str] = set()
    for name, reader in _READERS.items():
        text = values.get(name, "")
        if not text:
            continue
        try:
            data[name] = reader(text)
        except ValueError as exc:
            reasons.append(f"with {titles[name]} {text!r}, which {exc}")
            failed.add(name)
    try:
        influencer = Influencer.model_validate(data)
    except ValidationError as exc:
        reasons += _model_reasons(exc, data, titles, failed)
    else:
        if not reasons:
            return RosterRow(number, influencer, values.get("notes", ""))
    return RosterProblem(number, _who(values, number), " and ".join(reasons), _keys(values))


def _model_reasons(
    exc: ValidationError, data: dict[str, Any], titles: dict[str, str], failed: set[str]
) -> list[str]:
    reasons: list[str] = []
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        if name in failed:
            continue
        failed.add(name)
        if name == "email":
            shown = data.get("email", "")
            reasons.append(
                f"without a valid email ({shown!r} is not an address)"
                if shown
                else "without a valid email"
            )
        elif not name:  # a whole-row check: the rates are out of order
            low, high = data.get("min_rate"), data.get("max_rate")
            reasons.append(
                f"with {titles.get('min_rate', 'min rate')} {format_money(low)} above "
                f"{titles.get('max_rate', 'max rate')} {format_money(high)}"
                if low is not None and high is not None
                else str(error["msg"]).removeprefix("Value error, ")
            )
        elif error["type"] == "missing" or not data.get(name):
            reasons.append(f"with no {titles.get(name, name.replace('_', ' '))}")
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            reasons.append(f"with {titles.get(name, name)} {data.get(name)!r}: {message}")
    return reasons


def _who(values: dict[str, str], number: int) -> str:
    handle = values.get("handle", "")
    if values.get("name"):
        return values["name"]
    if handle:
        return handle if handle.startswith("@") else f"@{handle}"
    return values.get("email") or f"row {number}"


def _keys(values: dict[str, str]) -> frozenset[str]:
    keys: set[str] = set()
    if values.get("name"):
        keys.add("name:" + influencer_key(values["name"]))
    if values.get("handle"):
        keys.add("handle:" + _handle_key(values["handle"]))
    email = influencer_key(values.get("email", ""))
    if _is_email(email):
        keys.add("email:" + email)
    return frozenset(keys)
