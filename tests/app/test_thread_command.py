"""``python run.py thread``: a negotiation's whole conversation, over a campaign negotiated to its
end with the sandbox personas through the real runtime (``tests/support/conversation_rig``),
checked against what the sandbox mailbox sent and received; and over rows written with the
store's own operations, for what a sandbox conversation does not reach (two conditional prices
escalated, an email the guard refused, a late event, an email still waiting, hostile text)."""

from __future__ import annotations

import io
import re
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from dealdesk.app.conversations import negotiation_view
from dealdesk.app.thread_command import render_rich
from dealdesk.app.thread_timeline import build_timeline
from dealdesk.domain import (
    EmailPurpose,
    FoundAmount,
    HistoryEntry,
    HistoryKind,
    Intent,
    ReplyReading,
    State,
    Terms,
    format_money,
)
from dealdesk.domain.campaign import CampaignStatus, Deliverable, DeliverableType
from dealdesk.domain.reading import PriceOption
from dealdesk.sandbox.gmail.letters import own_text
from dealdesk.store import (
    AppendAudit,
    AuditKind,
    CampaignRow,
    CampaignSource,
    InboundKind,
    InsertOutbox,
    RecordInbound,
    SaveCampaign,
    SaveNegotiation,
    StoreReader,
    UpdateOutbox,
)
from dealdesk.store.schema import DB_FILENAME
from tests.app.conftest import run_cli, run_py
from tests.domain.harness import make_campaign, make_influencer, make_negotiation
from tests.support.conversation_rig import CAMPAIGN

REPO = Path(__file__).resolve().parents[2]
JORDAN = "jordan.lee@creatormail.example"


def thread(capsys, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "thread", *args)


def block(text: str) -> str:
    """An email's text as the plain thread shows it (indented, each line after a bar)."""
    return "\n".join(f"    | {line}".rstrip() for line in text.strip().splitlines())


def positions(out: str, *needles: str) -> list[int]:
    found = []
    start = 0
    for needle in needles:
        at = out.find(needle, start)
        assert at >= 0, f"{needle!r} missing after position {start}:\n{out[start:]}"
        found.append(at)
        start = at + len(needle)
    return found


def test_a_twice_countering_influencer_s_thread_is_each_email_reading_and_decision_in_order(
    negotiated, capsys
):
    code, out, err = thread(capsys, "Jordan Lee", "--data-dir", str(negotiated.data_dir))
    assert code == 0, err
    assert "\x1b[" not in out  # piped: plain text
    assert out.startswith(f"Negotiation {CAMPAIGN}:jordan lee\nInfluencer: Jordan Lee <{JORDAN}>")
    ours = negotiated.sent_to(JORDAN)
    theirs = negotiated.received_from(JORDAN)
    asks = negotiated.asks[JORDAN]
    assert len(ours) >= 3  # outreach, counters, the confirmation
    with StoreReader(negotiated.data_dir / DB_FILENAME) as reader:
        record = reader.negotiation(f"{CAMPAIGN}:jordan lee")
    offers = [format_money(Decimal(o["amount"])) for o in record.data["negotiation"]["offers"]]
    needles = []
    for i, offer in enumerate(offers):
        purpose = "outreach" if i == 0 else "counter"
        needles += [f"SENT       we sent: {purpose} · {offer}", block(ours[i].text)]
        # Their answer: their own words only (never the quote of ours), how it was read, and the
        # decision it led to, with its reason.
        needles += [
            block(own_text(theirs[i].text)),
            "read as ",
            f"their ask {format_money(asks[i])}",
        ]
        moved = "→ counter_sent" if i < len(offers) - 1 else "→ agreed"
        needles += ["DECISION   ", f"{moved} on reply received", "why: "]
    needles += ["AGREED     agreed", "we sent: confirmation", block(ours[len(offers)].text)]
    positions(out, *needles)
    assert not re.search(r"^\s+\| >", out, re.MULTILINE)  # no quoted history anywhere
    assert "wrote:" not in out
    assert f"State: agreed · our offers {', '.join(offers)}" in out
    assert re.search(
        r"why: They ask \$[\d,]+; counter with offer 2 of \d, " + re.escape(offers[1]), out
    )
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  ", out, re.MULTILINE)  # times in UTC


def test_a_talent_manager_s_replies_are_in_the_thread_from_the_manager(negotiated, capsys):
    code, out, err = thread(
        capsys, "tess.morgan@creators.example", "--data-dir", str(negotiated.data_dir)
    )
    assert code == 0, err
    managers = negotiated.received_from("tess.morgan@creators.example")
    assert managers
    assert all(m.sender == "sam@brighttalent.example" for m in managers)
    for mail in managers:
        assert block(own_text(mail.text)) in out
    assert out.count("From sam@brighttalent.example") == len(managers)
    assert "written by a talent manager" in out
    # In order: each of their replies comes before the decision it led to.
    first_reply = out.index("From sam@brighttalent.example")
    assert first_reply < out.index("on reply received")


def test_a_bounce_is_shown_with_the_failure_it_led_to(negotiated, capsys):
    code, out, err = thread(capsys, "Sam Old", "--data-dir", str(negotiated.data_dir))
    assert code == 0, err
    positions(
        out,
        "we sent: outreach",
        "RECEIVED   bounced",
        "delivery failed: 550",
        "→ failed on send failed",
    )
    assert "State: failed" in out


def test_an_id_a_handle_an_email_and_the_roster_name_find_the_same_thread(negotiated, capsys):
    outputs = {
        wanted: thread(capsys, wanted, "--data-dir", str(negotiated.data_dir))
        for wanted in (
            f"{CAMPAIGN}:@glowwithmaya",
            "@glowwithmaya",
            "glowwithmaya",
            "MAYA@glowwithmaya.example",
            "Maya Chen",
            "maya",
        )
    }
    assert len(set(outputs.values())) == 1
    code, out, _ = next(iter(outputs.values()))
    assert code == 0
    assert out.startswith(f"Negotiation {CAMPAIGN}:@glowwithmaya\n")


def test_a_name_matching_several_negotiations_lists_them_and_asks_for_the_id(negotiated, capsys):
    code, out, err = thread(capsys, "creators.example", "--data-dir", str(negotiated.data_dir))
    assert (code, out) == (2, "")
    with StoreReader(negotiated.data_dir / DB_FILENAME) as reader:
        expected = {
            r.negotiation_id
            for r in reader.negotiations(CAMPAIGN)
            if "creators.example" in r.influencer_email
        }
    first, *listed = err.strip().splitlines()
    assert first == (
        f"thread: 'creators.example' matches {len(expected)} negotiations; run it again with one "
        "of these negotiation ids:"
    )
    assert {line.split()[0] for line in listed} | {
        " ".join(line.split()[:2]) for line in listed
    } >= expected
    assert len(listed) == len(expected) == 3


def test_no_match_is_exit_status_1_naming_what_was_looked_for(negotiated, capsys):
    code, out, err = thread(
        capsys, "nobody@nowhere.example", "--data-dir", str(negotiated.data_dir)
    )
    assert (code, out) == (1, "")
    assert err.strip() == (
        "thread: no negotiation matches 'nobody@nowhere.example' (by id, email, name or handle) "
        f"in {negotiated.data_dir / DB_FILENAME}"
    )


def test_an_empty_argument_is_a_usage_error_and_no_database_is_exit_1(capsys, tmp_path):
    code, _, err = thread(capsys, "   ", "--data-dir", str(tmp_path))
    assert (code, err.strip()) == (2, "run.py: error: NEGOTIATION-ID|EMAIL|NAME must not be empty")
    code, _, err = thread(capsys, "Jordan Lee", "--data-dir", str(tmp_path))
    assert code == 1
    assert err.startswith("thread: no dealdesk database at")
    assert len(err.strip().splitlines()) == 1


def test_on_a_terminal_the_thread_is_drawn_with_rich(negotiated, capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "120")
    code, out, err = thread(capsys, "Jordan Lee", "--data-dir", str(negotiated.data_dir))
    assert code == 0, err
    assert "\x1b[" in out  # styled
    assert "╭─" in out  # each email in a panel
    assert "we sent: outreach" in out


def test_run_py_thread_as_an_operator_runs_it_piped(negotiated):
    done = run_py("thread", "Jordan Lee", "--data-dir", str(negotiated.data_dir))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Negotiation {CAMPAIGN}:jordan lee\n")
    assert "\x1b[" not in done.stdout
    helped = run_py("thread", "--help")
    assert helped.returncode == 0
    assert "NEGOTIATION-ID|EMAIL|NAME" in helped.stdout


# -- what a sandbox conversation does not reach, written with the store's operations -------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NID = "cu-9:ana lima"
ANA = "ana@lima.example"
HOSTILE = "I'd do 1,650 with whitelisting, otherwise 1,900. [bold red]NOW[/bold red] \x1b[2J"


def _reading() -> ReplyReading:
    return ReplyReading(
        intent=Intent.COUNTER,
        amounts=(
            FoundAmount(amount="1650", text="1,650", start=6, end=11),
            FoundAmount(amount="1900", text="1,900", start=41, end=46),
        ),
        options=(
            PriceOption(
                amount="1650",
                condition="with whitelisting",
                outside_brief=("whitelisting is not in the brief",),
            ),
            PriceOption(amount="1900", condition="otherwise"),
        ),
        needs_human="two prices on conditions, one outside the brief",
        confidence="0.5",
        text=HOSTILE,
    )


@pytest.fixture
def written(apply, data_dir):
    campaign = make_campaign(id="cu-9", influencers=["Ana Lima"])
    negotiation = make_negotiation(campaign, make_influencer(email=ANA))
    terms = Terms(
        amount="1000",
        deliverables=(Deliverable(kind=DeliverableType.INSTAGRAM_REEL),),
        usage_rights_days=30,
    )
    history = (
        HistoryEntry(
            at=T0,
            kind=HistoryKind.EMAIL_QUEUED,
            message_id="<m1@d>",
            purpose=EmailPurpose.OUTREACH,
            terms=terms,
            text="Opening offer: $1,000 for 1 Instagram reel.",
        ),
        HistoryEntry(
            at=T0, kind=HistoryKind.EMAIL_SENT, message_id="<m1@d>", purpose=EmailPurpose.OUTREACH
        ),
        HistoryEntry(
            at=T0 + timedelta(hours=2),
            kind=HistoryKind.REPLY,
            message_id="<r1@lima>",
            text=HOSTILE,
            reading=_reading(),
        ),
        HistoryEntry(
            at=T0 + timedelta(hours=2),
            kind=HistoryKind.EMAIL_QUEUED,
            message_id="<m2@d>",
            purpose=EmailPurpose.ANSWER,
            text="Holding reply while a person decides.",
        ),
    )
    negotiation = negotiation.model_copy(
        update={"state": State.ESCALATED, "offers": (terms,), "history": history}
    )
    data = {
        "influencer": "Ana Lima",
        "roster": negotiation.influencer.model_dump(mode="json"),
        "negotiation": negotiation.model_dump(mode="json"),
    }

    def audit(kind, minutes, **fields):
        meta = {"negotiation_id": NID, **fields.pop("metadata", {})}
        return AppendAudit(
            kind,
            campaign_id=fields.pop("campaign_id", "cu-9"),
            ts=T0 + timedelta(minutes=minutes),
            metadata=meta,
            **fields,
        )

    apply(
        SaveCampaign(
            "Spring reels",
            CampaignStatus.ACTIVE,
            CampaignRow(campaign=campaign, clickup=CampaignSource(task_id="cu-9")),
        ),
        SaveNegotiation(
            negotiation_id=NID,
            campaign_id="cu-9",
            influencer_name="Ana Lima",
            influencer_email=ANA,
            state="escalated",
            expected_version=0,
            data=data,
        ),
        InsertOutbox("<m1@d>", NID, ANA, "Paid collaboration", "Hi Ana,\nWe offer $1,000."),
        UpdateOutbox("<m1@d>", "sent", gmail_id="g-m1"),
        InsertOutbox(
            "<m2@d>", NID, ANA, "Re: Paid collaboration", "Thanks, Ana. Back to you shortly."
        ),
        RecordInbound(
            "g-r1",
            "deals@agency.example",
            T0 + timedelta(minutes=120),
            InboundKind.REPLY,
            message_id="<r1@lima>",
            from_addr=ANA,
            subject="Re: Paid collaboration",
            negotiation_id=NID,
            body={"text": HOSTILE, "quoted": "On Mon wrote:\n> We offer $1,000."},
        ),
        audit(
            AuditKind.STATE_TRANSITION,
            0,
            influencer_name="Ana Lima",
            influencer_email=ANA,
            state_to="new",
            metadata={"source": "clickup"},
        ),
        audit(
            AuditKind.STATE_TRANSITION,
            1,
            influencer_name="Ana Lima",
            influencer_email=ANA,
            state_from="new",
            state_to="outreach_sent",
            metadata={"event": "outreach_requested", "reason": "Open at $1,000."},
        ),
        audit(
            AuditKind.EMAIL_SENT,
            2,
            influencer_email=ANA,
            direction="sent",
            email_body="Hi Ana,\nWe offer $1,000.",
            metadata={"message_id": "<m1@d>"},
        ),
        audit(
            AuditKind.EMAIL_RECEIVED,
            120,
            campaign_id=None,
            influencer_email=ANA,
            direction="received",
            email_body=HOSTILE,
            metadata={"gmail_id": "g-r1", "message_id": "<r1@lima>", "kind": "reply"},
        ),
        audit(
            AuditKind.STATE_TRANSITION,
            121,
            influencer_name="Ana Lima",
            influencer_email=ANA,
            state_from="awaiting_reply",
            state_to="escalated",
            metadata={
                "event": "reply_received",
                "reason": "Two prices on conditions: a person decides.",
            },
        ),
        audit(
            AuditKind.ESCALATION,
            121,
            influencer_email=ANA,
            metadata={"summary": "Ana Lima needs a human: $1,650 with whitelisting or $1,900."},
        ),
        audit(
            AuditKind.EMAIL_SKIPPED,
            122,
            influencer_email=ANA,
            metadata={
                "message_id": "<m3@d>",
                "purpose": "answer",
                "problems": ["an amount not decided: $1,900"],
            },
        ),
        audit(
            AuditKind.STATE_TRANSITION,
            200,
            influencer_name="Ana Lima",
            metadata={"event": "email_sent", "ignored": "no transition from state 'escalated'"},
        ),
        now="2026-03-02T11:02:30.000Z",  # when the rows were written: the waiting email's time
    )
    return data_dir


def test_an_escalation_refusal_late_event_and_waiting_email_are_in_the_thread_in_order(
    written, capsys
):
    code, out, err = thread(capsys, NID, "--data-dir", str(written))
    assert code == 0, err
    positions(
        out,
        "2026-03-02 09:00:00 UTC  CREATED    negotiation created (from clickup): new",
        "2026-03-02 09:01:00 UTC  DECISION   new → outreach_sent on outreach requested",
        "why: Open at $1,000.",
        "2026-03-02 09:02:00 UTC  SENT       we sent: outreach · $1,000",
        "To ana@lima.example · Subject: Paid collaboration",
        "    | We offer $1,000.",
        "2026-03-02 11:00:00 UTC  RECEIVED   they wrote",
        "From ana@lima.example · Subject: Re: Paid collaboration",
        'read as counter (confidence 0.5, rules reader): their ask $1,650 "1,650"; their ask $1,900 "1,900"',
        "option $1,650 with whitelisting (outside the brief: whitelisting is not in the brief)",
        "option $1,900 otherwise",
        "needs a person: two prices on conditions, one outside the brief",
        "2026-03-02 11:01:00 UTC  DECISION   awaiting_reply → escalated on reply received",
        "why: Two prices on conditions: a person decides.",
        "ESCALATED  escalated to the team",
        "Ana Lima needs a human: $1,650 with whitelisting or $1,900.",
        "REFUSED    answer email not sent: the guard refused it",
        "an amount not decided: $1,900",
        "QUEUED     answer · not sent (pending)",
        "Holding reply while a person decides.",
        "    | Thanks, Ana. Back to you shortly.",
        "2026-03-02 12:20:00 UTC  IGNORED    late email sent ignored",
    )
    assert "We offer $1,000.\n" not in out.split("RECEIVED")[1]  # their quote of ours is not shown
    assert "\x1b" not in out  # an escape sequence in an email never reaches the terminal
    assert "[bold red]NOW[/bold red] \N{REPLACEMENT CHARACTER}[2J" in out


def test_rich_shows_an_email_s_markup_as_text(written):
    with StoreReader(written / DB_FILENAME) as reader:
        view = negotiation_view(reader.negotiation(NID))
        steps = build_timeline(reader, view)
    buffer = io.StringIO()
    render_rich(Console(file=buffer, force_terminal=True, width=200), view, None, steps)
    drawn = buffer.getvalue()
    assert "[bold red]NOW[/bold red]" in drawn  # literally, not as markup
    assert "\x1b[2J" not in drawn
    assert "Campaign: cu-9 (its row is missing)" in drawn
