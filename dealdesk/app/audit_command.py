"""``python run.py audit``: the audit trail from the database, newest first.

Reads the database directly over a read-only connection, so it works whether or not the service
is running. A bad flag value is one line and exit status 2; a missing database is one line and
exit status 1. Values are validated here (not by argparse types) so every error is one line.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealdesk.errors import ConfigError, InvalidInput
from dealdesk.store.errors import StoreError
from dealdesk.store.model import AuditKind
from dealdesk.store.queries import MAX_LIMIT, AuditEntry, AuditFilter, AuditPage
from dealdesk.store.reader import StoreReader
from dealdesk.store.schema import DB_FILENAME

if TYPE_CHECKING:
    import argparse

__all__ = ["audit_filter_from_args", "register"]

FORMATS = ("table", "json", "csv")
_LAST = re.compile(r"^\s*(\d{1,5})\s*([hdw])\s*$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="show the audit trail (reads the database; works with the service up or down)",
        description="Audit entries, newest first. Filters combine (all must match).",
    )
    parser.add_argument("--influencer", help="influencer name, or email (contains @)")
    parser.add_argument("--campaign", help="campaign id")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="from DATE (UTC)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="to DATE, inclusive (UTC)")
    parser.add_argument("--last", metavar="SPAN", help="only the last SPAN: 24h, 7d, 30d, 2w")
    parser.add_argument("--event-type", metavar="TYPE", help="one event type, e.g. email_sent")
    parser.add_argument("--limit", default="50", help=f"entries to show, 1..{MAX_LIMIT}")
    parser.add_argument("--offset", default="0", help="skip this many (paging)")
    parser.add_argument("--format", default="table", help="table (default), json or csv")
    parser.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    parser.set_defaults(handler=audit)


def _usage(message: str) -> Exception:
    from dealdesk.app.cli import UsageError  # noqa: PLC0415 - the CLI root imports this module

    return UsageError(message)


def _int(flag: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _usage(f"{flag} must be a whole number, got {text!r}") from None
    if not low <= value <= high:
        raise _usage(f"{flag} must be between {low} and {high}, got {value}")
    return value


def _moment(flag: str, text: str, *, end: bool) -> datetime:
    """A date (whole UTC day; ``--to`` includes it) or an ISO 8601 time (UTC if no zone)."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _usage(f"{flag}: not a date (YYYY-MM-DD) or ISO 8601 time: {text!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def audit_filter_from_args(args: argparse.Namespace, now: datetime) -> AuditFilter:
    """The flags as an :class:`AuditFilter`; a bad value raises the CLI's ``UsageError``."""
    since = until = None
    if args.last is not None:
        if args.date_from is not None or args.date_to is not None:
            raise _usage("--last cannot be combined with --from/--to")
        match = _LAST.match(args.last)
        if match is None or int(match.group(1)) == 0:
            raise _usage(f"--last must look like 24h, 7d, 30d or 2w, got {args.last!r}")
        since = now - int(match.group(1)) * _UNITS[match.group(2)]
    if args.date_from is not None:
        since = _moment("--from", args.date_from, end=False)
    if args.date_to is not None:
        until = _moment("--to", args.date_to, end=True)
    if since is not None and until is not None and since >= until:
        raise _usage("--from must be before --to")
    event_type = None
    if args.event_type is not None:
        try:
            event_type = AuditKind(args.event_type.strip().lower())
        except ValueError:
            known = ", ".join(sorted(e.value for e in AuditKind))
            raise _usage(f"unknown --event-type {args.event_type!r} (known: {known})") from None
    for flag, value in (("--influencer", args.influencer), ("--campaign", args.campaign)):
        if value is not None and not value.strip():
            raise _usage(f"{flag} must not be empty")
    try:
        return AuditFilter(
            influencer=args.influencer,
            campaign_id=args.campaign,
            since=since,
            until=until,
            event_type=event_type,
            limit=_int("--limit", args.limit, 1, MAX_LIMIT),
            offset=_int("--offset", args.offset, 0, 10**9),
        )
    except InvalidInput as exc:
        raise _usage(str(exc)) from None


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir:
        return Path(args.data_dir)
    from dealdesk.runtime.settings import load_settings  # noqa: PLC0415

    try:
        return load_settings().data_dir
    except ConfigError as exc:
        raise _usage(str(exc).replace("\n", "; ")) from None


def audit(args: argparse.Namespace) -> int:
    if args.format not in FORMATS:
        raise _usage(f"--format must be one of {', '.join(FORMATS)}, got {args.format!r}")
    audit_filter = audit_filter_from_args(args, datetime.now(UTC))
    path = _data_dir(args) / DB_FILENAME
    try:
        with StoreReader(path) as reader:
            page = reader.audit(audit_filter)
    except StoreError as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 1
    {"table": _table, "json": _json, "csv": _csv}[args.format](page)
    return 0


def _json(page: AuditPage) -> None:
    document = {
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "entries": [entry.to_dict() for entry in page.entries],
    }
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


_CSV_FIELDS = list(AuditEntry.__dataclass_fields__)


def _csv(page: AuditPage) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(_CSV_FIELDS)
    for entry in page.entries:
        row = entry.to_dict()
        writer.writerow(
            [
                json.dumps(row[f], ensure_ascii=False) if f in _JSON_FIELDS else row[f]
                for f in _CSV_FIELDS
            ]
        )


_JSON_FIELDS = {"rates", "intent", "metadata"}


def _cell(value: Any, width: int = 60) -> str:
    if value is None or value in ({}, ""):
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text.replace("\n", " ").replace("\r", " "))
    return text if len(text) <= width else text[: width - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _table(page: AuditPage) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    # Piped (into less, grep, a file), rich would fold every column into 80 characters.
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    console = Console(width=200 if piped else None)
    if not page.entries:
        console.print(Text(f"no audit entries match ({page.total} in all)"))
        return
    shown = f"{page.offset + 1}-{page.offset + len(page.entries)}"
    table = Table(title=f"audit trail: {shown} of {page.total}, newest first", title_justify="left")
    table.add_column("time (UTC)", no_wrap=True)
    table.add_column("event", no_wrap=True)
    for column in ("campaign", "influencer", "dir", "state", "details"):
        table.add_column(column, overflow="fold")
    for e in page.entries:
        who = " ".join(
            filter(
                None, [e.influencer_name, f"<{e.influencer_email}>" if e.influencer_email else None]
            )
        )
        state = f"{e.state_from or ''} → {e.state_to or ''}" if e.state_from or e.state_to else ""
        details = _cell(e.email_body) or _cell(e.rates) or _cell(e.intent) or _cell(e.metadata)
        cells = (
            e.ts,
            e.event_type,
            _cell(e.campaign_id, 24),
            _cell(who, 40),
            e.direction,
            state,
            details,
        )
        table.add_row(*(Text(c or "") for c in cells))
    console.print(table)
