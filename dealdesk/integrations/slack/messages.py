"""What the team is told in Slack, one function per event: the copy lives here and nowhere else.

Pure functions returning Slack mrkdwn; each names every field and value, so nobody has to open
ClickUp to know what went wrong or what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealdesk.domain.money import format_money
from dealdesk.runtime.logging import redact_text

if TYPE_CHECKING:
    from collections.abc import Iterable
    from decimal import Decimal

    from dealdesk.domain.campaign import Campaign
    from dealdesk.domain.changes import CampaignChanges
    from dealdesk.integrations.clickup.fields import FieldError
    from dealdesk.runtime.reports import ErrorReport

__all__ = [
    "campaign_finished_text",
    "delivery_stuck_text",
    "error_text",
    "influencers_added_text",
    "paused_text",
    "rejected_text",
    "skipped_text",
    "started_text",
    "unapplied_text",
]

_MAX_LISTED = 30


def _bullets(lines: Iterable[object]) -> str:
    items = [str(line) for line in lines]
    shown = "\n".join(f"• {line}" for line in items[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return shown + (f"\n• …and {more} more" if more > 0 else "")


def _task(task_name: str, task_id: str, url: str | None) -> str:
    label = task_name or task_id
    return f"<{url}|{label}>" if url else f"*{label}* ({task_id})"


def rejected_text(
    task_name: str, task_id: str, problems: Iterable[FieldError], url: str | None = None
) -> str:
    listed = list(problems)
    return (
        f":warning: ClickUp task {_task(task_name, task_id, url)} is not a valid campaign, so "
        f"nothing was started. {len(listed)} field(s) to fix:\n{_bullets(listed)}\n"
        "Fix them in ClickUp: the campaign starts when the task is updated."
    )


def started_text(
    campaign: Campaign,
    task_name: str,
    created: int,
    url: str | None,
    skipped: Iterable[tuple[str, str]] = (),
) -> str:
    name = _task(task_name, campaign.id, url)
    noun = "negotiation starts" if created == 1 else "negotiations start"
    text = (
        f":rocket: Campaign {name} for *{campaign.client}* ({campaign.platform.value}) is in: "
        f"{created} {noun}."
    )
    return text + skipped_text(skipped)


def skipped_text(skipped: Iterable[tuple[str, str]]) -> str:
    """The influencers left out, each with why (empty when none were)."""
    listed = [f"{entry}: {why}" for entry, why in skipped]
    if not listed:
        return ""
    return f"\n{len(listed)} influencer(s) skipped, nobody emailed:\n{_bullets(listed)}"


def influencers_added_text(
    task_name: str,
    task_id: str,
    created: tuple[str, ...],
    skipped: Iterable[tuple[str, str]] = (),
) -> str:
    noun = "negotiation starts" if len(created) == 1 else "negotiations start"
    text = (
        f":heavy_plus_sign: {len(created)} influencer(s) added to *{task_name or task_id}* in "
        f"ClickUp; {len(created)} new {noun}:\n{_bullets(created)}"
    )
    return text + skipped_text(skipped)


def unapplied_text(task_name: str, task_id: str, changes: CampaignChanges) -> str:
    intro = (
        f":memo: *{task_name or task_id}* changed in ClickUp after its negotiations started. "
        "Recorded, NOT applied to live negotiations:"
    )
    parts = [intro]
    if changes.terms:
        parts.append(_bullets(changes.terms))
    if changes.removed:
        parts.append(
            "Removed from the influencer list (their negotiations go on; stop them by hand):\n"
            + _bullets(changes.removed)
        )
    return "\n".join(parts)


def paused_text(task_name: str, task_id: str, paused: int) -> str:
    return (
        f":pause_button: ClickUp task *{task_name or task_id}* was deleted: the campaign is "
        f"paused ({paused} negotiation(s) paused). Nothing more is sent until someone resumes it."
    )


def delivery_stuck_text(
    task_id: str | None, event: str, attempts: int, error: str, every_s: float
) -> str:
    every = f"{every_s / 60:g} min" if every_s >= 60 else f"{every_s:g} s"
    return (
        f":warning: ClickUp task {task_id} ({event}) could not be processed after {attempts} "
        f"tries ({error}). It stays queued and is tried again every {every} until it goes through."
    )


def error_text(report: ErrorReport, *, earlier_repeats: int = 0, summary_of: int = 0) -> str:
    """A failure for the errors channel, redacted of secrets (the ErrorReporter posts it)."""
    head = f":rotating_light: *{report.service}* `{report.operation}` failed: `{report.kind}`"
    detail = redact_text(report.message)[:1500]
    if summary_of:
        return f"{head}\nIt happened {summary_of} more time(s) in the last window. Latest: {detail}"
    text = f"{head}\n{detail}"
    if earlier_repeats:
        text += f"\n(+{earlier_repeats} repeat(s) in the previous window)"
    if report.context:
        text += "\n" + ", ".join(f"{k}={redact_text(v)}" for k, v in sorted(report.context.items()))
    return text


def campaign_finished_text(
    name: str, campaign: Campaign, outcomes: dict[str, int], spend: Decimal
) -> str:
    """Every negotiation of a campaign has ended: what came of them, and the spend."""
    total = sum(outcomes.values())
    parts = ", ".join(f"{count} {state}" for state, count in sorted(outcomes.items()))
    return (
        f":checkered_flag: Campaign *{name}* for *{campaign.client}* is finished: {total} "
        f"negotiation(s): {parts}. Agreed fees {format_money(spend, campaign.currency)} of the "
        f"{format_money(campaign.budget, campaign.currency)} budget."
    )
