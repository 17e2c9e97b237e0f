"""``python run.py thread NEGOTIATION-ID|EMAIL|NAME``: one negotiation's whole conversation, in
order, so a person can see why the agent did what it did.

Each email both ways (ours with its purpose, the amount it carries, its subject and text; theirs
as they wrote it, the new text without the quoted history, and how it was read: intent, amounts
and what each is, options, questions, flags, confidence), each decision with its reason and the
state it moved from and to, escalations, agreements, emails the guard refused, late events
ignored. The audit trail is the spine (its order is commit order); the outbox, the received mail
and the negotiation's own history fill in the text and the readings (:mod:`.thread_timeline`).

The argument is a negotiation id, else an email, else a name or @handle (the campaign's entry,
the roster's name or handle), exactly (case-insensitive), else as part of one. Several matches are
listed on stderr with their ids, and the command asks for one (exit status 2); none is exit
status 1. Times are UTC. On a terminal the thread is drawn with rich; piped, it is plain text.
Reads the database directly (read-only), so it works whether or not the service runs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealdesk.app.cli import command_parser
from dealdesk.app.conversations import (
    NegotiationView,
    clean,
    database_file,
    money,
    negotiation_view,
    span,
    usage,
    utc,
)
from dealdesk.app.thread_timeline import Step, build_timeline
from dealdesk.domain.identity import influencer_key
from dealdesk.store.campaigns import StoredCampaign, stored_campaign
from dealdesk.store.errors import StoreError
from dealdesk.store.queries import Query
from dealdesk.store.reader import StoreReader

if TYPE_CHECKING:
    import argparse

    from rich.console import Console

__all__ = ["Candidate", "find_negotiations", "register", "render_plain", "render_rich"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = command_parser(
        subparsers, "thread", "one negotiation's whole conversation: emails, readings, decisions"
    )
    parser.description = (
        "The whole conversation of one negotiation in order: each email both ways (their new "
        "text, not the quoted history), how each reply was read, each decision and its reason, "
        "each state. Times in UTC. Reads the database; works with the service up or down."
    )
    parser.add_argument(
        "who",
        metavar="NEGOTIATION-ID|EMAIL|NAME",
        help="a negotiation id (as dump and audit show it), an influencer's email, name or @handle",
    )
    parser.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    parser.set_defaults(handler=thread)


# -- finding the negotiation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    negotiation_id: str
    campaign_id: str
    entry: str
    email: str | None
    state: str
    updated_at: str
    names: tuple[str, ...]  # the roster's and the negotiation's names of the influencer
    handles: tuple[str, ...]

    def keys(self) -> set[str]:
        names = {influencer_key(n) for n in (self.entry, *self.names)}
        handles = {influencer_key(h).lstrip("@") for h in (self.entry, *self.handles)}
        return names | handles | ({influencer_key(self.email)} if self.email else set())

    def describe(self) -> str:
        who = " ".join(filter(None, [self.names[0] if self.names else self.entry,
                                     f"<{self.email}>" if self.email else None]))  # fmt: skip
        who = clean(who, one_line=True)
        return f"{self.negotiation_id}  {who}  {self.state}  (campaign {self.campaign_id})"


def _json(path: str) -> str:
    return f"CASE WHEN json_valid(data) THEN json_extract(data, '{path}') END"


# Only the identifying fields of every negotiation (not its whole JSON): a scan of small values.
_CANDIDATES_SQL = (
    "SELECT negotiation_id, campaign_id, influencer_name, influencer_email, state, updated_at, "  # noqa: S608 - constant paths
    f"{_json('$.roster.name')}, {_json('$.negotiation.influencer.name')}, "
    f"{_json('$.roster.handle')}, {_json('$.negotiation.influencer.handle')} "
    "FROM negotiations ORDER BY updated_at DESC, negotiation_id"
)


def _candidates(rows: list[tuple[Any, ...]]) -> list[Candidate]:
    def texts(*values: Any) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v.strip()))

    return [
        Candidate(r[0], r[1], r[2], r[3], r[4], r[5], texts(r[6], r[7]), texts(r[8], r[9]))
        for r in rows
    ]


def find_negotiations(reader: StoreReader, wanted: str) -> list[Candidate]:
    """The negotiations ``wanted`` names: by id; else exactly by email, name or handle; else
    those it is part of. Most recently updated first."""
    everyone = reader.run(Query(_CANDIDATES_SQL, (), _candidates))
    by_id = [c for c in everyone if c.negotiation_id == wanted]
    if by_id:
        return by_id
    key = influencer_key(wanted)
    keys = {c.negotiation_id: c.keys() for c in everyone}
    exact = [c for c in everyone if {key, key.lstrip("@")} & keys[c.negotiation_id]]
    if exact or len(key) < 2:
        return exact
    return [c for c in everyone if any(key in k for k in keys[c.negotiation_id])]


# -- the command ---------------------------------------------------------------------------------


def thread(args: argparse.Namespace) -> int:
    wanted = " ".join(args.who.split())
    if not wanted:
        raise usage("NEGOTIATION-ID|EMAIL|NAME must not be empty")
    path = database_file(args)
    try:
        with StoreReader(path) as reader:
            found = find_negotiations(reader, wanted)
            if not found:
                print(
                    f"thread: no negotiation matches {wanted!r} (by id, email, name or handle) "
                    f"in {path}",
                    file=sys.stderr,
                )
                return 1
            if len(found) > 1:
                print(
                    f"thread: {wanted!r} matches {len(found)} negotiations; run it again with one "
                    "of these negotiation ids:",
                    file=sys.stderr,
                )
                for candidate in found:
                    print(f"  {candidate.describe()}", file=sys.stderr)
                return 2
            record = reader.negotiation(found[0].negotiation_id)
            if record is None:  # removed between the two reads
                print(f"thread: negotiation {found[0].negotiation_id!r} is gone", file=sys.stderr)
                return 1
            view = negotiation_view(record)
            campaign = stored_campaign(reader, view.campaign_id)
            steps = build_timeline(reader, view)
    except StoreError as exc:
        print(f"thread: {exc}", file=sys.stderr)
        return 1
    if sys.stdout.isatty():
        from rich.console import Console  # noqa: PLC0415

        render_rich(Console(), view, campaign, steps)
    else:
        sys.stdout.write(render_plain(view, campaign, steps))
    return 0


# -- rendering -----------------------------------------------------------------------------------


def header_lines(view: NegotiationView, campaign: StoredCampaign | None) -> list[str]:
    cur = view.currency
    who = [view.name]
    if view.email:
        who.append(f"<{view.email}>")
    if view.handle:
        who.append(f"@{view.handle}")
    if view.average_views:
        who.append(f"· {view.average_views:,} average views")
    lines = [f"Negotiation {view.negotiation_id}", "Influencer: " + " ".join(who)]
    if campaign is not None:
        c = campaign.row.campaign
        cpm = span(c.cpm_range.min, c.cpm_range.max, cur)
        lines.append(
            f"Campaign: {c.id} · {campaign.name} · {c.client} · CPM range {cpm} · "
            f"budget {money(c.budget, cur)}"
        )
    else:
        lines.append(f"Campaign: {view.campaign_id} (its row is missing)")
    state = [f"State: {view.state}"]
    if view.offers:
        state.append("our offers " + ", ".join(money(o, cur) for o in view.offers))
    if view.last_ask is not None:
        state.append(f"their last ask {money(view.last_ask, cur)}")
    if view.agreed is not None:
        cpm_text = f" (CPM {money(view.cpm, cur)})" if view.cpm is not None else ""
        state.append(f"agreed {money(view.agreed, cur)}{cpm_text}")
    lines.append(" · ".join(state))
    if view.opening is not None and view.cap is not None:
        schedule = ", ".join(money(s, cur) for s in view.schedule)
        lines.append(
            f"Plan: opening {money(view.opening, cur)}, cap {money(view.cap, cur)}"
            + (f"; schedule {schedule}" if schedule else "")
        )
    return [clean(line, one_line=True) for line in lines]


_LABELS = {
    "ours": "SENT",
    "queued": "QUEUED",
    "theirs": "RECEIVED",
    "decision": "DECISION",
    "state": "STATE",
    "created": "CREATED",
    "agreement": "AGREED",
    "escalation": "ESCALATED",
    "refused": "REFUSED",
    "ignored": "IGNORED",
    "event": "EVENT",
}
_WIDTH = max(len(label) for label in _LABELS.values())


def render_plain(view: NegotiationView, campaign: StoredCampaign | None, steps: list[Step]) -> str:
    out = [*header_lines(view, campaign), ""]
    if not steps:
        out.append("(nothing recorded for this negotiation yet)")
    for step in steps:
        label = _LABELS.get(step.kind, step.kind.upper())
        out.append(f"{utc(step.ts)}  {label:<{_WIDTH}}  {step.title}")
        indent = " " * 4
        out.extend(indent + line for line in step.lines)
        if step.body:
            out.extend(f"{indent}| {line}".rstrip() for line in step.body.splitlines())
        out.extend(indent + line for line in step.after)
    return "\n".join(out) + "\n"


_STYLES = {
    "ours": "blue",
    "queued": "blue",
    "theirs": "green",
    "decision": "yellow",
    "state": "dim",
    "created": "dim",
    "agreement": "bold green",
    "escalation": "bold red",
    "refused": "red",
    "ignored": "dim",
    "event": "magenta",
}


def render_rich(
    console: Console,
    view: NegotiationView,
    campaign: StoredCampaign | None,
    steps: list[Step],
) -> None:
    from rich.console import Group  # noqa: PLC0415
    from rich.padding import Padding  # noqa: PLC0415
    from rich.panel import Panel  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    first, *rest = header_lines(view, campaign)
    console.print(Text(first, style="bold"))
    for line in rest:
        console.print(Text(line))
    console.print()
    if not steps:
        console.print(Text("(nothing recorded for this negotiation yet)", style="dim"))
    for step in steps:
        style = _STYLES.get(step.kind, "")
        heading = Text()
        heading.append(f"{utc(step.ts)}  ", style="dim")
        heading.append(f"{_LABELS.get(step.kind, step.kind.upper())}  ", style=f"bold {style}")
        heading.append(step.title, style=style)
        if step.kind in {"ours", "queued", "theirs"}:
            parts: list[Text] = [Text(line, style="dim") for line in step.lines]
            if step.body:
                parts.append(Text(step.body))
            parts.extend(Text(line, style="cyan") for line in step.after)
            console.print(
                Panel(Group(*parts), title=heading, title_align="left", border_style=style)
            )
            continue
        console.print(heading)
        for line in (*step.lines, *step.after):
            console.print(Padding(Text(line), (0, 0, 0, 4)))
