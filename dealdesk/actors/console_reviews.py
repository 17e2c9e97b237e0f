"""Review before send, for the Console (on its thread): a draft's Send, Edit and Discard.

*Send* lets the draft go as written; *Edit* opens a modal with it, and the edited text is checked
by the same guard as the agent's (``domain.wording.check_email`` against the decided email) before
it replaces the draft and goes; *Discard* cancels it (its negotiation hears the email failed, as
for any email that will not be sent). Each is taken once: a draft already sent or discarded says
so. The message is replaced by its words and who decided what; each is audited with the reviewer.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dealdesk.actors.console_messages import ButtonClick, ConsoleAnswer, SubmitEdit
from dealdesk.actors.mail_messages import EmailFailed, SendPending
from dealdesk.domain import Negotiation, SendEmail
from dealdesk.domain.wording import WrittenEmail, check_email
from dealdesk.integrations.slack import blocks
from dealdesk.runtime.registry import campaign_name, mailroom_name
from dealdesk.store import AppendAudit, AuditKind, OutboxStatus, StoreOp, UpdateOutbox
from dealdesk.store.reviews import AlreadyReviewed, ReviewRecord, SettleReview, review_query

if TYPE_CHECKING:
    from dealdesk.actors.console import Console

__all__ = ["REVIEW_ACTIONS", "review_click", "submit_edit"]

REVIEW_ACTIONS = (blocks.REVIEW_SEND, blocks.REVIEW_EDIT, blocks.REVIEW_DISCARD)


def review_click(console: Console, click: ButtonClick) -> tuple[ConsoleAnswer, str]:
    review = console.store.reader().run(review_query(click.value))
    if review is None:
        return ConsoleAnswer(f"No draft {click.value!r} waits for review."), "unknown draft"
    if review.status != "waiting":
        said = f"Already {review.status} by <@{review.reviewer}>."
        return ConsoleAnswer(said), f"already {review.status}"
    user = click.user_id
    match click.action_id:
        case blocks.REVIEW_EDIT:
            where = json.dumps(
                {"key": review.message_id, "channel": click.channel_id, "ts": click.message_ts}
            )
            view = blocks.edit_modal(review.subject, review.text, where)
            return ConsoleAnswer("Editing the draft.", view=view), "opened the editor"
        case blocks.REVIEW_SEND:
            if not _settle(console, review, "sent", user):
                return ConsoleAnswer("Someone decided first."), "lost the race"
            said = f":outbox_tray: <@{user}> sent the draft as written."
        case _:
            if not _settle(console, review, "discarded", user):
                return ConsoleAnswer("Someone decided first."), "lost the race"
            said = f":wastebasket: <@{user}> discarded the draft; it will not be sent."
    updated = blocks.decided(list(click.message_blocks) or None, click.message_text, said)
    return ConsoleAnswer(said, updated, "in_channel", replace_original=True), said


def submit_edit(console: Console, submitted: SubmitEdit) -> ConsoleAnswer:
    """The edited text: refused with the guard's reasons (the modal stays), else sent."""
    review = console.store.reader().run(review_query(submitted.key))
    if review is None or review.status != "waiting":
        return ConsoleAnswer("This draft was already decided.", errors="Already decided.")
    row = console.store.reader().negotiation(review.negotiation_id)
    data = (row.data or {}) if row is not None else {}
    negotiation = Negotiation.model_validate(data["negotiation"])
    email = SendEmail.model_validate(review.email)
    text = submitted.text.replace("\r\n", "\n").strip() + "\n"
    problems = check_email(WrittenEmail(subject=review.subject, text=text), email, negotiation)
    if problems:
        why = "; ".join(problems)[:1900]
        console.audit(submitted.user_id, "review edit", review.message_id, f"refused: {why}")
        return ConsoleAnswer(f"Not sent: {why}", errors=f"Not sent: {why}")
    if not _settle(console, review, "sent", submitted.user_id, text=text):
        return ConsoleAnswer("Someone decided first.", errors="Someone decided first.")
    said = f":outbox_tray: <@{submitted.user_id}> edited the draft and sent it."
    console.audit(submitted.user_id, "review edit", review.message_id, said)
    quoted = "\n".join(f"> {line}" for line in text.strip().splitlines())
    updated = blocks.decided(None, f"*{review.subject}* (edited)\n{quoted}", said)
    return ConsoleAnswer(said, updated, "in_channel", replace_original=True)


def _settle(
    console: Console, review: ReviewRecord, status: str, user: str, *, text: str | None = None
) -> bool:
    audit = AppendAudit(
        AuditKind.REVIEW,
        campaign_id=review.campaign_id,
        metadata={
            "negotiation_id": review.negotiation_id,
            "message_id": review.message_id,
            "by": user,
            "what": status,
            "edited": text is not None,
        },
    )
    why = f"discarded in review by {user}"
    ops: list[StoreOp[Any]] = [SettleReview(review.message_id, status, user, text), audit]
    if status == "discarded":
        ops.append(
            UpdateOutbox(
                review.message_id, OutboxStatus.CANCELLED, error=why, expect=(OutboxStatus.PENDING,)
            )
        )
    try:
        console.store.commit(*ops)
    except AlreadyReviewed:
        return False
    if status == "sent":
        console.ctx.registry.tell(mailroom_name(console.ctx.settings.gmail_address), SendPending())
    elif review.campaign_id is not None:
        failed = EmailFailed(review.negotiation_id, review.message_id, why, final=True)
        console.ctx.registry.tell(campaign_name(review.campaign_id), failed)
    return True
