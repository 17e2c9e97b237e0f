"""The do-not-contact list: from ``config/do_not_contact.txt``, from ``run.py dnc``, and from
"remove me" replies. Checked before any email to anyone, outreach or not.

The file holds one entry a line: an address (``jane@creator.example``) or a whole domain
(``@agency.example``); ``#`` starts a comment. A missing file is an empty list; a line that is
neither is a start-up error naming the line. At start-up every entry is put in the store's list
(the source says ``config``), before anything could email anyone; an entry later taken out of the
file stays listed until ``run.py dnc remove`` takes it off (removing someone from the list is a
decision, never a side effect of an edit).

``run.py dnc add|remove|list`` writes the same table directly (SQLite in WAL lets it beside the
running service) with the store's own operations, and the service reads it before every email.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import TYPE_CHECKING

from dealdesk.app.cli import UsageError
from dealdesk.app.run import settings_from_args
from dealdesk.errors import ConfigError
from dealdesk.store import (
    STORE,
    AddDoNotContact,
    RemoveDoNotContact,
    StoreError,
    StoreReader,
    database_path,
    do_not_contact_list_query,
    prepare_database,
)
from dealdesk.store.batch import commit_plan, run_plan_sync
from dealdesk.store.connection import WRITER_PRAGMAS, apply_pragmas, connect

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.store import StoreOp

__all__ = ["apply_do_not_contact", "load_do_not_contact", "normalize_entry", "register"]


def normalize_entry(text: str) -> str:
    """An address (lower-cased, ``Name <addr>`` read as ``addr``), or a whole domain written
    ``@domain`` or ``domain`` (kept as ``@domain``); ValueError when it is neither."""
    value = text.strip()
    if "<" in value and value.endswith(">"):
        value = value[value.rindex("<") + 1 : -1].strip()
    value = value.lower()
    local, _, domain = value.rpartition("@")
    labels = domain.split(".")
    if " " in value or len(labels) < 2 or not all(labels) or "@" in local:
        raise ValueError(f"{text.strip()!r} is neither an address nor @domain")
    return value if local else f"@{domain}"


def load_do_not_contact(path: Path) -> list[str]:
    if not path.is_file():
        return []
    entries: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            entries.append(normalize_entry(text))
        except ValueError as exc:
            problems.append(f"{path}:{number}: {exc} (write jane@x.example or @x.example)")
    if problems:
        raise ConfigError("\n".join(problems))
    return entries


def apply_do_not_contact(ctx: RuntimeContext, entries: list[str]) -> None:
    """Put the file's entries in the store's list (a listed one stays as it was)."""
    if entries:
        ctx[STORE].commit(
            *(AddDoNotContact(e, "listed in config/do_not_contact.txt", "config") for e in entries)
        )


# -- run.py dnc ----------------------------------------------------------------------------------


def _write(path: Path, op: StoreOp[bool]) -> bool:
    conn = connect(path)
    try:
        apply_pragmas(conn, WRITER_PRAGMAS[:1])  # WAL, as the service keeps it
        conn.execute("PRAGMA busy_timeout = 10000")  # the service may be committing
        [outcome] = run_plan_sync(conn, commit_plan([(op,)], _now()))
    except sqlite3.Error as exc:
        raise StoreError(f"cannot write {path}: {exc}") from exc
    finally:
        conn.close()
    if outcome.error is not None:
        raise outcome.error
    return bool(outcome.results[0])


def _now() -> str:
    from datetime import UTC, datetime  # noqa: PLC0415

    from dealdesk.store import iso_ms  # noqa: PLC0415

    return iso_ms(datetime.now(UTC))


def dnc(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    path = database_path(settings)
    if args.verb == "list":
        try:
            with StoreReader(path) as reader:
                listed = reader.run(do_not_contact_list_query())
        except StoreError as exc:
            print(f"dnc: {exc}", file=sys.stderr)
            return 1
        for row in listed:
            print(f"{row.email}\t{row.source}\t{row.added_at}\t{row.reason}")
        print(f"{len(listed)} on the do-not-contact list", file=sys.stderr)
        return 0
    try:
        entry = normalize_entry(args.entry)
    except ValueError as exc:
        raise UsageError(f"dnc {args.verb}: {exc} (write jane@x.example or @x.example)") from None
    prepare_database(settings)
    if args.verb == "add":
        added = _write(path, AddDoNotContact(entry, args.reason, "operator"))
        print(f"{entry} {'added to' if added else 'was already on'} the do-not-contact list")
    else:
        removed = _write(path, RemoveDoNotContact(entry))
        print(f"{entry} {'removed from' if removed else 'was not on'} the do-not-contact list")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "dnc", help="the do-not-contact list: add, remove, list (addresses or @domains)"
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb, text in (("add", "never email this address or domain"),
                       ("remove", "take an address or domain off the list")):  # fmt: skip
        sub = verbs.add_parser(verb, help=text)
        sub.add_argument("entry", help="jane@creator.example, or @agency.example for a domain")
        if verb == "add":
            sub.add_argument("--reason", default="added by an operator", help="why (audited)")
        sub.add_argument("--data-dir", help="the data directory (default: the setting)")
        sub.set_defaults(handler=dnc)
    listing = verbs.add_parser("list", help="everyone on the list, with where it came from")
    listing.add_argument("--data-dir", help="the data directory (default: the setting)")
    listing.set_defaults(handler=dnc)
