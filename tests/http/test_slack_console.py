"""The Slack console end to end: each command and button sent as Slack sends it (signed, through
the real bolt app and the aiohttp route), checked where Slack shows the answer, in the negotiation
it moved and in the audit trail."""

from __future__ import annotations

import dataclasses
import re
import time
from decimal import Decimal

import pytest

from dealdesk.actors.mail_messages import PollMailbox, SendPending
from dealdesk.domain import State
from dealdesk.domain.money import format_money
from dealdesk.sandbox.slack.console import SANDBOX_SIGNING_SECRET, sign, slash_command
from dealdesk.store import STORE, AppendAudit, AuditKind, SaveNegotiation
from tests.support.settings import test_settings
from tests.support.slack_rig import BOSS, INTERN, ConsoleRig, texts

MAYA = "@glowwithmaya"


@pytest.fixture
def settings(data_dir):
    return test_settings(data_dir, slack_allowed_users=f"{BOSS}, UOTHER")


@pytest.fixture
def rig(ctx, fake_sheets, fake_slack):
    built = ConsoleRig(ctx, fake_sheets, fake_slack)
    yield built
    built.close()


# -- the door: signatures -------------------------------------------------------------------------


def test_a_request_with_a_bad_signature_is_refused_401_and_nothing_runs(rig):
    url = rig.slack.response_url()
    body = slash_command("/status", "", BOSS, url)
    status, text = rig.post(body, sign("not-the-secret", body))
    assert status == 401
    assert "invalid request" in text
    assert rig.slack.answers_to(url) == []
    assert rig.audited("slack_command") == []


def test_a_request_signed_more_than_five_minutes_ago_is_refused_401(rig):
    url = rig.slack.response_url()
    body = slash_command("/status", "", BOSS, url)
    status, _ = rig.post(body, sign(SANDBOX_SIGNING_SECRET, body, int(time.time()) - 301))
    assert status == 401
    assert rig.slack.answers_to(url) == []


# -- reading: /audit and /status ------------------------------------------------------------------


def test_audit_with_500_matches_answers_within_slacks_limits_and_names_the_cli_command(rig):
    store = rig.ctx[STORE]
    entries = [
        AppendAudit(
            AuditKind.EMAIL_SENT,
            campaign_id="c500",
            influencer_name=f"Creator {n}",
            metadata={"reason": "x" * 400},
        )
        for n in range(500)
    ]
    store.commit(*entries)
    answer = rig.command("/audit campaign:c500 last:7d event:email_sent", user=INTERN)
    blocks = answer["blocks"]
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert sum(len(str(b)) for b in blocks) < 13_000
    shown = texts(answer)
    assert "Showing 10 of 500" in shown
    assert "python run.py audit --campaign c500 --last 7d --event-type email_sent" in shown
    assert "Creator 499" in shown  # newest first
    [done] = rig.audited("slack_command")
    assert done["user"] == INTERN
    assert done["command"] == "/audit"


def test_audit_and_every_command_answer_their_usage_on_bad_input_and_help(rig):
    answer = rig.command("/audit when:yesterday")
    assert "unknown filter 'when'" in answer["text"]
    assert "Usage: `/audit" in answer["text"]
    assert "Usage: `/takeover <influencer name" in rig.command("/takeover help")["text"]
    assert "say whose negotiation" in rig.command("/pause")["text"]
    assert "unknown event 'nope'" in rig.command("/audit event:nope")["text"]


def test_status_shows_negotiations_by_state_spend_against_budget_and_the_outbox(rig):
    rig.world.submit([MAYA, "Jordan Lee"])
    rig.world.eventually(lambda: len(rig.world.states()) == 2)
    answer = rig.command("/status", user=INTERN)
    shown = texts(answer)
    assert "86abc" in shown
    [by_state] = re.findall(r"Negotiations: (.*)", shown)
    assert sum(int(n) for n in re.findall(r"(\d+) \w+", by_state)) == 2
    assert "no agreements yet (CPM range" in shown
    assert "Spend $0 of $25,000 budget" in shown
    assert "Outbox:" in shown
    assert "no campaign 'nope'" in rig.command("/status nope")["text"]


# -- authorisation --------------------------------------------------------------------------------


def test_someone_not_on_the_allowlist_cannot_take_over_and_the_refusal_is_audited(rig):
    rig.world.submit([MAYA])
    rig.world.eventually(lambda: rig.world.states() == {MAYA: "outreach_sent"} or bool(
        rig.world.states()))  # fmt: skip
    answer = rig.command(f"/takeover {MAYA}", user=INTERN)
    assert answer["response_type"] == "ephemeral"
    assert "not allowed" in answer["text"]
    assert rig.world.rows("SELECT count(*) FROM controls") == [(0,)]
    [refused] = rig.audited("slack_command")
    assert refused["user"] == INTERN
    assert refused["what"].startswith("refused")
    rig.world.mailroom.ask(SendPending(), timeout=10)


# -- takeover, release, pause, resume, stop ----------------------------------------------------------


def outreach_sent(rig, *entries):
    """The campaign's outreach committed and sent (each persona's answer waits in the mailbox)."""
    rig.world.submit(list(entries))
    assert rig.world.eventually(lambda: len(rig.world.states()) == len(entries))
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert rig.world.eventually(lambda: set(rig.world.states().values()) <= {"awaiting_reply"})


def pending(rig):
    return rig.world.rows("SELECT message_id FROM outbox WHERE status = 'pending'")


def sent_to(rig, address):
    return [m for m in rig.world.gmail.sent() if address in str(m.recipients)]


def team_messages(rig):
    return rig.slack.messages_in("#dealdesk")


def test_takeover_holds_the_thread_its_replies_reach_the_humans_slack_thread_and_release_hands_it_back(
    rig,
):
    outreach_sent(rig, MAYA)
    answer = rig.command(f"/takeover {MAYA}")
    assert answer["response_type"] == "in_channel"
    assert "took over" in answer["text"]
    assert rig.world.eventually(lambda: rig.world.states() == {MAYA: "human_takeover"})
    assert rig.slack.wait_until(lambda: any("took over" in m.text for m in team_messages(rig)))
    [opened] = [m for m in team_messages(rig) if "took over" in m.text]

    rig.world.mailroom.ask(PollMailbox(), timeout=10)  # Maya answers; the agent does not
    assert rig.slack.wait_until(
        lambda: any(m.thread_ts == opened.ts for m in team_messages(rig)), timeout=10
    )
    [in_thread] = [m for m in team_messages(rig) if m.thread_ts == opened.ts]
    assert "while a human has the thread" in in_thread.text
    assert "> " in in_thread.text  # her words, quoted
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert len(sent_to(rig, "maya@glowwithmaya.example")) == 1  # the outreach, nothing since
    assert rig.world.rows("SELECT scope, state, by_user FROM controls") == [
        ("negotiation", "takeover", BOSS)
    ]
    [taken] = rig.audited("takeover")
    assert taken["by"] == BOSS

    answer = rig.command("/release maya@glowwithmaya.example")
    assert "handed" in answer["text"]
    # The agent first reads what she wrote while it was held, and answers it.
    assert rig.world.eventually(lambda: rig.world.states()[MAYA] == "counter_sent")
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert rig.world.gmail.wait_until(lambda: len(sent_to(rig, "maya@glowwithmaya.example")) == 2)
    assert rig.world.rows("SELECT count(*) FROM controls") == [(0,)]
    [released] = rig.audited("release")
    assert released["by"] == BOSS


def test_the_kill_switch_holds_every_email_until_resume_all_and_survives_in_the_store(rig):
    answer = rig.command("/stop all")
    assert "kill switch on" in answer["text"]
    rig.world.submit([MAYA, "Jordan Lee"])
    assert rig.world.eventually(lambda: len(pending(rig)) == 2)
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert rig.world.gmail.sent() == []  # nothing leaves
    assert "Kill switch on" in texts(rig.command("/status"))
    assert "held by a takeover, pause, stop, the kill switch or a review" in texts(
        rig.command("/status")
    )
    assert rig.world.rows("SELECT scope, target, state FROM controls") == [("all", "*", "stopped")]

    answer = rig.command("/resume all")
    assert "lifted the kill switch" in answer["text"]
    assert rig.world.gmail.wait_until(lambda: len(rig.world.gmail.sent()) == 2)


def test_pause_and_resume_of_a_campaign_hold_its_emails_and_move_its_negotiations(rig):
    outreach_sent(rig, MAYA, "Jordan Lee")
    answer = rig.command("/pause campaign:86abc")
    assert "paused campaign 86abc (2 negotiation(s))" in answer["text"]
    assert rig.world.eventually(lambda: set(rig.world.states().values()) == {"paused"})
    rig.world.mailroom.ask(PollMailbox(), timeout=10)  # their answers are kept, not answered
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert len(rig.world.gmail.sent()) == 2
    rig.command("/resume campaign:86abc")
    assert rig.world.eventually(lambda: "paused" not in set(rig.world.states().values()))
    assert rig.world.gmail.wait_until(lambda: len(rig.world.gmail.sent()) > 2)
    assert [e["by"] for e in rig.audited("pause")] == [BOSS]
    assert [e["by"] for e in rig.audited("resume")] == [BOSS]


def test_stop_ends_one_negotiation_and_nothing_more_is_sent_to_them(rig):
    outreach_sent(rig, MAYA)
    rig.command(f"/stop {MAYA}")
    assert rig.world.eventually(lambda: rig.world.states() == {MAYA: "stopped"})
    rig.world.mailroom.ask(PollMailbox(), timeout=10)
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert len(sent_to(rig, "maya@glowwithmaya.example")) == 1
    assert "has ended (stopped)" in rig.command(f"/pause {MAYA}")["text"]


def test_unknown_and_ambiguous_names_are_answered_with_what_matched(rig):
    assert "No negotiation matches 'Nobody'" in rig.command("/takeover Nobody")["text"]
    store = rig.ctx[STORE]

    for nid, campaign in (("n1", "c1"), ("n2", "c2")):
        store.write(
            SaveNegotiation(
                negotiation_id=nid,
                campaign_id=campaign,
                influencer_name="Jane Doe",
                influencer_email=f"jane.{campaign}@example.com",
                state=State.AWAITING_REPLY,
                expected_version=0,
                data={},
            )
        )
    answer = rig.command("/takeover jane doe")
    assert "2 negotiations match 'jane doe'" in answer["text"]
    assert "jane.c1@example.com" in answer["text"]
    assert "jane.c2@example.com" in answer["text"]


# -- one-click escalations ----------------------------------------------------------------------


NOAH = ("Noah Kim", "@noahkim", "noah.kim@creatormail.example")


def escalated(rig):
    """Noah asks far above twice our cap: escalated, a holding reply sent, the team's message
    in Slack with its decisions."""
    name, handle, email = NOAH
    rig.world.sheets.add_row([name, handle, "Instagram", email, "60,000", "4%", "", "", "", ""])
    states = rig.world.run_for([name])
    assert states == {name: "escalated"}
    assert rig.slack.wait_until(lambda: any(m.blocks for m in team_messages(rig)))
    [message] = [m for m in team_messages(rig) if m.blocks]
    return message


def test_approve_their_ask_ends_in_an_agreement_email_at_exactly_their_ask(rig):
    message = escalated(rig)
    labels = [
        e["text"]["text"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert [label.split(" (")[0] for label in labels] == [
        "Approve their ask", "Counter at our cap", "Decline politely", "Take over",
    ]  # fmt: skip
    [row] = rig.ctx[STORE].reader().negotiations("86abc")
    their_ask = row.data["negotiation"]["last_ask"]

    answer = rig.click("escalation_approve", message)
    assert "chose *Approve their ask" in answer["text"]
    assert answer["response_type"] == "ephemeral"
    updated = rig.slack.message(message.ts)
    assert updated.updates == 1
    assert all(b["type"] != "actions" for b in updated.blocks)  # decided: no more buttons
    assert f"<@{BOSS}> chose *Approve their ask" in texts({"blocks": updated.blocks})

    rig.world.run_until_settled()
    assert rig.world.states() == {"Noah Kim": "agreed"}
    [row] = rig.ctx[STORE].reader().negotiations("86abc")
    assert row.data["negotiation"]["agreed"]["amount"] == their_ask
    confirmation = sent_to(rig, NOAH[2])[-1]
    assert format_money(Decimal(their_ask)) in confirmation.text
    [decision] = [e for e in rig.audited("release") if e.get("decision")]
    assert decision["by"] == BOSS
    assert decision["decision"] == "escalation_approve"


def test_a_decision_is_taken_once_and_only_by_the_allowlist(rig):
    message = escalated(rig)
    as_first_seen = dataclasses.replace(message)  # a second screen still shows the buttons
    refused = rig.click("escalation_decline", message, user=INTERN)
    assert "not allowed" in refused["text"]
    assert rig.slack.message(message.ts).updates == 0
    rig.click("escalation_decline", message)
    assert rig.world.eventually(lambda: rig.world.states() == {"Noah Kim": "stopped"})
    again = rig.click("escalation_approve", as_first_seen)
    assert "Already decided" in again["text"]


def test_takeover_and_the_kill_switch_survive_a_restart_and_replies_meanwhile_reach_the_thread(rig):
    outreach_sent(rig, MAYA, "Jordan Lee")
    rig.command(f"/takeover {MAYA}")
    assert rig.world.eventually(lambda: rig.world.states()[MAYA] == "human_takeover")
    assert rig.slack.wait_until(lambda: any("took over" in m.text for m in team_messages(rig)))
    [opened] = [m for m in team_messages(rig) if "took over" in m.text]
    rig.command("/pause all")

    rig.restart()
    rig.world.mailroom.ask(PollMailbox(), timeout=10)  # both answered while it was down
    assert rig.slack.wait_until(
        lambda: any(m.thread_ts == opened.ts for m in team_messages(rig)), timeout=10
    )
    assert rig.world.states()[MAYA] == "human_takeover"
    assert rig.world.eventually(lambda: rig.world.states()["Jordan Lee"] == "counter_sent")
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert len(rig.world.gmail.sent()) == 2  # the kill switch held Jordan's counter
    assert len(pending(rig)) == 1
    assert sorted(rig.world.rows("SELECT scope, state FROM controls")) == [
        ("all", "paused"),
        ("negotiation", "takeover"),
    ]
    rig.command("/resume all")
    assert rig.world.gmail.wait_until(lambda: len(rig.world.gmail.sent()) == 3)
    assert len(sent_to(rig, "maya@glowwithmaya.example")) == 1  # still held by the takeover


def test_an_agreement_carries_view_thread_which_shows_the_conversation_to_the_clicker(rig):
    assert rig.world.run_for([MAYA]) == {MAYA: "agreed"}
    assert rig.slack.wait_until(
        lambda: any(m.blocks and "Agreed with" in m.text for m in team_messages(rig))
    )
    [agreed] = [m for m in team_messages(rig) if m.blocks and "Agreed with" in m.text]
    answer = rig.click("view_thread", agreed, user=INTERN)  # reading is open to everyone
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Thread with Maya")
    assert "*us* (outreach)" in answer["text"]
    assert "*us* (confirmation)" in answer["text"]
    assert len(answer["text"]) <= 3000
