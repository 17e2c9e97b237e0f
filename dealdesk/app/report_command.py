"""``python run.py report CAMPAIGN [--format md|csv] [--output FILE]``: how a campaign went.

Per influencer: the outcome (the negotiation's state; ``skipped`` for an influencer the campaign
listed but never contacted, with why), the agreed rate, its CPM, the rounds (offers we made) and
the emails each way. Per campaign: the average CPM of the agreements against the campaign's CPM
range, the spend (the agreed fees) against the budget, and the outcomes by kind; when the model
ran, its calls, tokens and cost per negotiation and for the campaign (``store.llm_usage``). The
figures are defined once, in :mod:`dealdesk.app.conversations`.

``md`` (the default) is for a person: a table to paste into a document, then the campaign's
figures. ``csv`` is for a spreadsheet: one header row, then one row per influencer and nothing
else (amounts as plain decimals with a currency column, so they sum); the campaign's figures are
sums and averages of those rows. ``--output`` writes the file, replacing one that is there (and
saying so on stderr), atomically: a reader never sees half a report.

Reads the database directly (read-only), so it works whether or not the service runs. A bad value
is one line and exit status 2; a missing database or campaign is one line and exit status 1.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from dealdesk.app.cli import command_parser
from dealdesk.app.conversations import (
    NegotiationView,
    clean,
    database_file,
    emails_each_way,
    money,
    negotiation_view,
    span,
    usage,
    utc,
)
from dealdesk.domain.identity import influencer_key
from dealdesk.domain.money import quantize
from dealdesk.store.campaigns import StoredCampaign, stored_campaign, stored_campaigns
from dealdesk.store.errors import StoreError
from dealdesk.store.llm_usage import LlmUsage, llm_usage_query
from dealdesk.store.model import AuditKind, iso_ms
from dealdesk.store.queries import MAX_LIMIT, AuditFilter
from dealdesk.store.reader import StoreReader

if TYPE_CHECKING:
    import argparse

__all__ = [
    "CampaignReport",
    "InfluencerLine",
    "build_report",
    "register",
    "render_csv",
    "render_md",
]

FORMATS = ("md", "csv")
SKIPPED = "skipped"
# Outcomes in the order a person reads them: endings first, then what is still open.
_ORDER = (
    "agreed", "declined", "stopped", "failed", "stale", "escalated", "human_takeover", "paused",
    "counter_sent", "reply_received", "awaiting_reply", "outreach_sent", "new", SKIPPED,
)  # fmt: skip


@dataclass(frozen=True)
class InfluencerLine:
    influencer: str
    handle: str | None
    email: str | None
    negotiation_id: str | None
    outcome: str
    agreed: Decimal | None
    cpm: Decimal | None
    rounds: int
    emails_sent: int
    emails_received: int
    note: str = ""
    llm: LlmUsage | None = None  # the model's calls for it (none: the model was off)


@dataclass(frozen=True)
class CampaignReport:
    campaign: StoredCampaign
    lines: tuple[InfluencerLine, ...]
    as_of: datetime

    @property
    def currency(self) -> str:
        return self.campaign.row.campaign.currency

    @property
    def agreements(self) -> tuple[InfluencerLine, ...]:
        return tuple(line for line in self.lines if line.agreed is not None)

    @property
    def spend(self) -> Decimal:
        return sum((line.agreed for line in self.agreements if line.agreed), Decimal(0))

    @property
    def average_cpm(self) -> Decimal | None:
        """The mean of the agreements' CPMs (the campaign's CPM tracker averages the same way)."""
        cpms = [line.cpm for line in self.agreements if line.cpm is not None]
        return quantize(sum(cpms, Decimal(0)) / len(cpms)) if cpms else None

    @property
    def llm(self) -> LlmUsage | None:
        """The model's calls for the whole campaign (None: it never ran)."""
        used = [line.llm for line in self.lines if line.llm is not None]
        if not used:
            return None
        total = LlmUsage()
        for each in used:
            total = total.plus(each)
        return total

    @property
    def outcomes(self) -> dict[str, int]:
        counts = Counter(line.outcome for line in self.lines)
        known = [o for o in _ORDER if o in counts]
        return {o: counts[o] for o in [*known, *sorted(set(counts) - set(known))]}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = command_parser(
        subparsers, "report", "how a campaign went: each influencer's outcome, rate, CPM, rounds"
    )
    parser.description = (
        "Per influencer: outcome, agreed rate, CPM, rounds (offers we made), emails each way. "
        "Per campaign: average CPM against the CPM range, spend against the budget, outcomes "
        "by kind. Reads the database; works with the service up or down."
    )
    parser.add_argument("campaign", metavar="CAMPAIGN", help="the campaign's id (or its name)")
    parser.add_argument(
        "--format",
        default="md",
        choices=FORMATS,
        help="md (default): a Markdown table and the campaign's figures; csv: one row per "
        "influencer and nothing else (amounts as plain decimals)",
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE (replaces a file there)"
    )
    parser.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    parser.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    wanted = args.campaign.strip()
    if not wanted:
        raise usage("CAMPAIGN must not be empty")
    output = _output_path(args.output)
    path = database_file(args)
    try:
        with StoreReader(path) as reader:
            campaign = _find_campaign(reader, wanted)
            if campaign is None:
                print(f"report: no campaign {wanted!r} in {path}", file=sys.stderr)
                return 1
            built = build_report(reader, campaign, datetime.now(UTC))
    except StoreError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    text = render_csv(built) if args.format == "csv" else render_md(built)
    if output is None:
        sys.stdout.write(text)
        return 0
    return _write(output, text)


def _output_path(value: str | None) -> Path | None:
    if value is None:
        return None
    if not value.strip():
        raise usage("--output must not be empty")
    output = Path(value)
    if output.is_dir():
        raise usage(f"--output {value!r} is a directory; name a file")
    if not output.parent.is_dir():
        raise usage(f"--output {value!r}: directory {str(output.parent)!r} does not exist")
    return output


def _write(output: Path, text: str) -> int:
    replaced = output.exists()
    try:
        fd, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            Path(temporary).replace(output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        print(f"report: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(
        f"report: wrote {output}{' (replaced the file there)' if replaced else ''}", file=sys.stderr
    )
    return 0


def _find_campaign(reader: StoreReader, wanted: str) -> StoredCampaign | None:
    """By id; else by name (case-insensitive) when exactly one campaign has it."""
    found = stored_campaign(reader, wanted)
    if found is not None:
        return found
    named = [c for c in stored_campaigns(reader) if c.name.casefold() == wanted.casefold()]
    if len(named) > 1:
        ids = ", ".join(c.campaign_id for c in named)
        raise usage(f"{len(named)} campaigns are named {wanted!r} ({ids}): give the id")
    return named[0] if named else None


def build_report(reader: StoreReader, campaign: StoredCampaign, as_of: datetime) -> CampaignReport:
    lines: list[InfluencerLine] = []
    keys: set[str] = set()
    llm = reader.run(llm_usage_query(campaign.campaign_id))
    for record in reader.negotiations(campaign.campaign_id):
        view = negotiation_view(record)
        keys.add(view.key)
        lines.append(replace(_line(reader, view), llm=llm.get(view.negotiation_id)))
    for entry, why in _skipped(reader, campaign.campaign_id).items():
        if influencer_key(entry) not in keys:
            lines.append(InfluencerLine(entry, None, None, None, SKIPPED, None, None, 0, 0, 0, why))
    lines.sort(key=lambda line: (line.influencer.casefold(), line.negotiation_id or ""))
    return CampaignReport(campaign, tuple(lines), as_of)


def _line(reader: StoreReader, view: NegotiationView) -> InfluencerLine:
    sent, received = emails_each_way(reader, view.negotiation_id)
    return InfluencerLine(
        influencer=view.name,
        handle=view.handle,
        email=view.email,
        negotiation_id=view.negotiation_id,
        outcome=view.state,
        agreed=view.agreed,
        cpm=view.cpm,
        rounds=view.rounds,
        emails_sent=sent,
        emails_received=received,
    )


def _skipped(reader: StoreReader, campaign_id: str) -> dict[str, str]:
    """Influencers the campaign listed but never contacted, with the latest reason."""
    audit = AuditFilter(
        campaign_id=campaign_id, event_type=AuditKind.CAMPAIGN_INFLUENCER_SKIP, limit=MAX_LIMIT
    )
    skipped: dict[str, str] = {}
    for entry in reversed(reader.audit(audit).entries):  # oldest first: the latest reason wins
        if entry.influencer_name:
            reason = entry.metadata.get("reason") if isinstance(entry.metadata, dict) else None
            skipped[entry.influencer_name] = str(reason or "")
    return skipped


# -- Markdown ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """One Markdown table cell: one line, pipes escaped."""
    return clean(text, one_line=True).replace("\\", "\\\\").replace("|", "\\|")


def _range_verdict(average: Decimal, low: Decimal, high: Decimal) -> str:
    if average < low:
        return "below the range"
    if average > high:
        return "above the range"
    return "within the range"


def render_md(built: CampaignReport) -> str:
    c = built.campaign.row.campaign
    cur = built.currency
    title = built.campaign.name or c.client
    out = [
        f"# Campaign report: {clean(title, one_line=True)}",
        "",
        (
            f"Campaign `{_cell(c.id)}` · {_cell(c.client)} · {c.platform.value} · "
            f"{built.campaign.status.value} · as of {utc(iso_ms(built.as_of))}"
        ),
        "",
        "| Influencer | Outcome | Agreed rate | CPM | Rounds | Emails sent | Emails received |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for line in built.lines:
        who = line.influencer + (f" (@{line.handle})" if line.handle else "")
        outcome = f"{line.outcome}: {line.note}" if line.note else line.outcome
        cells = (
            _cell(who), _cell(outcome), money(line.agreed, cur), money(line.cpm, cur),
            str(line.rounds), str(line.emails_sent), str(line.emails_received),
        )  # fmt: skip
        out.append("| " + " | ".join(cells) + " |")
    if not built.lines:
        out.append("| (no influencers) | | | | | | |")
    low, high = c.cpm_range.min, c.cpm_range.max
    cpm_range = span(low, high, cur)
    average = built.average_cpm
    n = len(built.agreements)
    if average is None:
        cpm_text = f"no agreements yet; range {cpm_range}"
    else:
        verdict = _range_verdict(average, low, high)
        agreements = f"{n} agreement{'s' if n != 1 else ''}"
        cpm_text = f"{money(average, cur)} over {agreements}: {verdict} {cpm_range}"
    spend, budget = built.spend, c.budget
    share = f"{(spend / budget * 100).quantize(Decimal('0.1'))}%"
    spend_text = f"{money(spend, cur)} of {money(budget, cur)} budget ({share})"
    if spend > budget:
        spend_text += f": over by {money(spend - budget, cur)}"
    else:
        spend_text += f"; {money(budget - spend, cur)} left"
    outcomes = " · ".join(f"{kind} {count}" for kind, count in built.outcomes.items())
    total = len(built.lines)
    out += [
        "",
        "| Campaign | |",
        "|---|---|",
        f"| Average CPM | {cpm_text} |",
        f"| Spend | {spend_text} |",
        f"| Outcomes | {outcomes or 'none'} ({total} influencer{'s' if total != 1 else ''}) |",
        *_model_md(built),
        "",
        (
            "CPM: the agreed rate / (average views / 1,000 x the package's weight), the unit of "
            "the campaign's CPM range; for one reel or video it is rate / views x 1,000. Rounds: "
            "offers we made. Emails received: their replies and auto-replies."
        ),
        "",
    ]
    return "\n".join(out)


def _model_md(built: CampaignReport) -> list[str]:
    """The model's cost per negotiation and for the campaign (nothing when it never ran)."""
    total = built.llm
    if total is None:
        return []

    def row(name: str, u: LlmUsage) -> str:
        figures = (
            u.calls, u.input_tokens, u.output_tokens, u.cache_write_tokens,
            u.cache_read_tokens, u.tokens,
        )  # fmt: skip
        cells = [f"{n:,}" for n in figures]
        return (
            f"| {name} | " + " | ".join(cells) + f" | ${u.cost_usd.quantize(Decimal('0.0001'))} |"
        )

    out = [
        "",
        "| Model | Calls | Input | Output | Cache write | Cache read | Tokens | Cost (USD) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    out += [row(_cell(line.influencer), line.llm) for line in built.lines if line.llm is not None]
    out.append(row("**Campaign**", total))
    rounds = sum(line.rounds for line in built.lines)
    if rounds:
        per_round = (total.cost_usd / rounds).quantize(Decimal("0.0001"))
        out += ["", f"Model cost per round (offers we made): ${per_round}."]
    return out


# -- CSV -----------------------------------------------------------------------------------------

CSV_FIELDS = (
    "campaign_id", "negotiation_id", "influencer", "handle", "email", "outcome", "agreed_rate",
    "currency", "cpm", "rounds", "emails_sent", "emails_received", "note", "llm_calls",
    "llm_tokens", "llm_cost_usd",
)  # fmt: skip


def _plain(amount: Decimal | None) -> str:
    return "" if amount is None else str(quantize(amount))


def render_csv(built: CampaignReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for line in built.lines:
        writer.writerow(
            (
                built.campaign.campaign_id,
                line.negotiation_id or "",
                clean(line.influencer, one_line=True),
                f"@{line.handle}" if line.handle else "",
                line.email or "",
                line.outcome,
                _plain(line.agreed),
                built.currency,
                _plain(line.cpm),
                line.rounds,
                line.emails_sent,
                line.emails_received,
                clean(line.note, one_line=True),
                line.llm.calls if line.llm else 0,
                line.llm.tokens if line.llm else 0,
                str(line.llm.cost_usd) if line.llm else "0",
            )
        )
    return buffer.getvalue()
