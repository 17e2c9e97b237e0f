"""Kill -9 anywhere in a conversation, restart: nothing lost, nothing sent twice.

The sandbox Gmail (with its personas) and the sandbox Sheets run in this test process; a child
process (``tests.support.negotiation_child``) runs the negotiation runtime as boot wires it on a
data directory. The first child is driven to a chosen point of a whole conversation and killed
with SIGKILL there (a Gmail fault holds the call it is in, or a gate holds a negotiation before a
step, so the kill never races the code); a second child starts on the same data directory and
the conversation is let run to its end. Then the mailbox (the fake's record), the personas'
side of the conversation and the database must tell one story: each of our emails in the
mailbox once (by Message-ID, by purpose, by content), every reply recorded, audited and taken by
its negotiation once, the negotiation agreed at the persona's price with a confirmation naming
it, an audit trail whose transitions chain without a gap or a repeat, the team told of each
agreement once and the campaign completed once (the team's messages are written with the step
that causes them and posted by the Notifier, so a kill between the two loses none).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest

from dealdesk.domain import EmailPurpose, Negotiation
from dealdesk.domain.money import format_money
from dealdesk.domain.negotiation import HistoryKind
from dealdesk.sandbox.base import Fault
from dealdesk.sandbox.gmail import FakeGmail
from dealdesk.sandbox.gmail.personas import Outcome
from dealdesk.store import inbound_query
from tests.support.negotiation_child import BOX, Spares, told_team
from tests.support.negotiation_rig import ADDRESS, MAYA, OMAR, ROUNDS, ROWS, TESS, Rig, mid

HANG_S = 60.0  # a held Gmail answer: far longer than any test waits (the fake ends it on stop)


@pytest.fixture
def gmail(io_loop):
    fake = FakeGmail(cast=True, address=BOX)
    fake.personas.delay_s = 0  # each persona answers as soon as our email is stored
    io_loop.run(fake.start(), timeout=5)
    yield fake
    io_loop.run(fake.stop(), timeout=10)


@pytest.fixture(scope="module")
def spares(tmp_path_factory):
    """Children loading their modules ahead of the tests that boot them."""
    log = tmp_path_factory.mktemp("children") / "children.log"
    pool = Spares(log)
    yield pool
    pool.close()


@pytest.fixture
def rig(spares, gmail, fake_sheets, settings, io_loop):
    rows = fake_sheets.values_of("sandbox-roster", "Roster")
    fake_sheets.set_values("sandbox-roster", "Roster", [*rows, *ROWS])
    built = Rig(spares, gmail, fake_sheets, settings, io_loop)
    yield built
    built.close()
    # Shown when the test failed: what the children logged, what the mailbox holds.
    print(spares.log.read_text()[-4000:])
    for message in gmail.messages():
        print(message.label_ids, message.message_id, message.text[:80].replace("\n", " "))


# -- the kill points: each drives the first child there and kills it -----------------------------


def outreach_in_the_outbox(rig):
    """The outreach is committed; the process dies before its Mailroom ever sent it."""
    rig.boot().say(f"campaign {MAYA}")
    assert rig.outbox(mid(MAYA, 1)).status == "pending"
    rig.kill()


def outreach_stored_answer_lost(rig):
    """Gmail stored the outreach; its answer never came: the process dies with it ``sending``."""
    rig.boot().say(f"campaign {MAYA}")
    rig.gmail.inject(Fault(operation="send", status=0, delay_s=HANG_S, apply_first=True))
    rig.child.write("start")
    assert rig.gmail.wait_until(lambda: rig.gmail.count_sent(mid(MAYA, 1)) == 1)
    rig.kill()
    assert rig.outbox(mid(MAYA, 1)).status == "sending"


def reply_recorded_not_taken(rig):
    """The Mailroom committed the first reply; the process dies before the negotiation's step."""
    rig.boot().say(f"campaign {MAYA}")
    rig.say("start")
    rig.wait_for_answers()
    rig.say("gate before ReplyArrived")
    rig.say("poll", "held")
    rig.kill()
    [reply] = rig.read(inbound_query())
    assert reply.status.value == "routed"


def counter_claimed_never_reached_gmail(rig):
    """Our counter is claimed and its request open, and Gmail has not stored it yet."""
    rig.boot().say(f"campaign {MAYA}")
    rig.say("start")
    rig.wait_for_answers()
    sends = len(rig.gmail.calls("send"))
    rig.gmail.inject(Fault(operation="send", status=0, delay_s=HANG_S))
    rig.child.write("poll")
    assert rig.gmail.wait_until(lambda: len(rig.gmail.calls("send")) > sends)
    rig.kill()
    assert rig.outbox(mid(MAYA, 2)).status == "sending"
    assert rig.gmail.count_sent(mid(MAYA, 2)) == 0


def replies_arrive_while_dead(rig):
    """Our counters went out and were recorded; the process dies; both answers (one written by
    a talent manager) arrive while nothing runs."""
    rig.boot().say(f"campaign {MAYA}|{TESS}")
    rig.say("start")
    rig.wait_for_answers()
    personas = {entry: rig.silence(entry) for entry in (MAYA, TESS)}
    rig.say("poll")
    rig.kill()
    for entry, persona in personas.items():
        assert rig.outbox(mid(entry, 2)).status == "sent"
        rig.answer_now(persona, mid(entry, 2))
    rig.wait_for_answers()


def confirmation_stored_answer_lost(rig):
    """The agreement is committed (whoever's word closed it); Gmail stored our confirmation and
    its answer never came."""
    rig.boot().say(f"campaign {MAYA}")
    rig.say("start")
    rig.say("gate after agreed")
    for _ in range(ROUNDS):
        if rig.step() == "held":
            break
    [confirmation] = rig.outbox_with(status="pending")
    rig.gmail.inject(Fault(operation="send", status=0, delay_s=HANG_S, apply_first=True))
    rig.say("release")
    assert rig.gmail.wait_until(lambda: rig.gmail.count_sent(confirmation) == 1)
    rig.kill()
    assert rig.outbox(confirmation).status == "sending"
    assert rig.rows("SELECT state FROM negotiations") == [("agreed",)]


def agreement_committed_effects_not_run(rig):
    """The agreement step is committed (the row, its audit, the confirmation in the outbox); the
    process dies before its effects: nothing sent, nobody told."""
    rig.boot().say(f"campaign {MAYA}")
    rig.say("start")
    rig.say("gate after agreed")
    for _ in range(ROUNDS):
        if rig.step() == "held":
            break
    rig.kill()
    assert rig.rows("SELECT state FROM negotiations") == [("agreed",)]
    assert len(rig.outbox_with(status="pending")) == 1
    assert told_team(rig.settings.data_dir) == []


def outreach_sent_not_yet_heard(rig):
    """The Mailroom recorded the outreach as sent; the process dies before the negotiation took
    the news (its follow-up timer starts from it)."""
    rig.boot().say(f"campaign {MAYA}")
    rig.say("gate before EmailSent")
    rig.say("start", "held")
    rig.kill()
    assert rig.outbox(mid(MAYA, 1)).status == "sent"


KILL_POINTS = {
    "outreach-in-the-outbox": ([MAYA], outreach_in_the_outbox),
    "outreach-stored-answer-lost": ([MAYA], outreach_stored_answer_lost),
    "reply-recorded-not-taken": ([MAYA], reply_recorded_not_taken),
    "counter-claimed-never-reached-gmail": ([MAYA], counter_claimed_never_reached_gmail),
    "replies-arrive-while-dead": ([MAYA, TESS], replies_arrive_while_dead),
    "confirmation-stored-answer-lost": ([MAYA], confirmation_stored_answer_lost),
    "agreement-committed-effects-not-run": ([MAYA], agreement_committed_effects_not_run),
    "outreach-sent-not-yet-heard": ([MAYA], outreach_sent_not_yet_heard),
}


@pytest.mark.parametrize(("entries", "kill"), list(KILL_POINTS.values()), ids=list(KILL_POINTS))
def test_kill_9_mid_conversation_then_restart_loses_nothing_and_sends_nothing_twice(
    rig, entries, kill
):
    kill(rig)
    rig.restart()
    rig.converse(entries)
    for entry in entries:
        check_conversation(rig, entry)
    rig.say("poll", "ok 0")  # and nothing more comes of it
    assert len(rig.gmail.sent()) == sum(len(our_emails(rig, e)) for e in entries)
    check_campaign(rig, entries)


def test_kill_9_after_an_email_went_out_before_its_negotiation_heard_of_it_still_follows_up(rig):
    """The news is given again after the restart: a creator who never answers is followed up."""
    rig.boot().say(f"campaign {OMAR}")
    rig.say("gate before EmailSent")
    rig.say("start", "held")
    rig.kill()
    rig.restart()
    assert rig.say("poll") == "ok 0"
    [(nid, state)] = rig.rows("SELECT negotiation_id, state FROM negotiations")
    assert rig.outbox(mid(OMAR, 1)).status == "sent"
    assert rig.gmail.count_sent(mid(OMAR, 1)) == 1
    assert state == "awaiting_reply"
    reminders = "SELECT kind, status FROM reminders WHERE negotiation_id = ?"
    assert rig.rows(reminders, nid) == [("follow_up", "pending")]


# -- what must hold at the end -------------------------------------------------------------------


def our_emails(rig, entry):
    return [m for m in rig.gmail.sent() if ADDRESS[entry] in m.recipients]


def check_conversation(rig, entry):
    conversation = rig.gmail.personas.conversation(ADDRESS[entry])
    [(nid, state, data)] = rig.rows(
        "SELECT negotiation_id, state, data FROM negotiations WHERE influencer_name = ?", entry
    )
    negotiation = Negotiation.model_validate(json.loads(data)["negotiation"])

    # Each of our emails is in the mailbox once: by Message-ID, by purpose, by content.
    ours = our_emails(rig, entry)
    ids = [m.message_id for m in ours]
    assert len(set(ids)) == len(ids)
    assert all(rig.gmail.count_sent(message_id) == 1 for message_id in ids)
    outbox = rig.rows("SELECT message_id, status FROM outbox WHERE negotiation_id = ?", nid)
    assert sorted(outbox) == sorted((message_id, "sent") for message_id in ids)
    queued = [h for h in negotiation.history if h.kind is HistoryKind.EMAIL_QUEUED]
    assert sorted(h.message_id for h in queued) == sorted(ids)  # written once, each went out
    purpose = {h.message_id: h.purpose for h in queued}
    assert [purpose[message_id] for message_id in ids] == [
        EmailPurpose.OUTREACH,
        *[EmailPurpose.COUNTER] * (len(ids) - 2),
        EmailPurpose.CONFIRMATION,
    ]
    assert len({m.text for m in ours}) == len(ours)  # no email's words twice, under any id
    assert audited(rig, "email_sent", "message_id", nid) == Counter(ids)

    # It ended as the persona dictates: agreed at its price, confirmed in writing.
    assert conversation is not None
    assert conversation.outcome is Outcome.ACCEPTED
    assert state == "agreed"
    assert negotiation.agreed is not None
    assert negotiation.agreed.amount == conversation.agreed
    assert format_money(conversation.agreed) in ours[-1].text

    # Every reply is recorded and audited once, and each before our confirmation was taken by
    # the negotiation once. One after it (Tess's manager says thanks) is recorded against the
    # finished negotiation: taken and set aside by a live activation, else kept.
    replies = conversation.replies
    inbound = {r.gmail_id: r for r in rig.read(inbound_query(negotiation_id=nid))}
    assert sorted(inbound) == sorted(replies)
    assert audited(rig, "email_received", "gmail_id", nid) == Counter(replies)
    order = [m.id for m in rig.gmail.messages()]
    taken = [g for g in replies if order.index(g) < order.index(ours[-1].id)]
    late = [g for g in replies if g not in taken]
    assert all(inbound[g].status.value == "delivered" for g in taken)
    assert all(inbound[g].status.value in ("delivered", "routed") for g in late)
    heard = [h.message_id for h in negotiation.history if h.kind is HistoryKind.REPLY]
    assert heard == [inbound[g].message_id for g in taken]

    # The audit trail's transitions chain from new to agreed, each step once.
    steps = rig.rows(
        "SELECT state_from, state_to, json_extract(metadata, '$.event'), "
        "json_extract(metadata, '$.ignored') FROM audit_log WHERE event_type = 'state_transition' "
        "AND json_extract(metadata, '$.negotiation_id') = ? ORDER BY id",
        nid,
    )
    moves = [(before, after, event) for before, after, event, ignored in steps if ignored is None]
    assert moves[0] == (None, "new", None)
    assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(moves))
    assert moves[-1][1] == "agreed"
    assert Counter(event for _, _, event in moves[1:]) == {
        "outreach_requested": 1,
        "email_sent": len(ids) - 1,  # the confirmation's comes after the end
        "reply_received": len(taken),
    }
    # What reached it after the end, set aside: at most the confirmation's news, the late reply.
    ignored = Counter(event for _, _, event, why in steps if why is not None)
    assert ignored <= Counter({"email_sent": 1, "reply_received": len(late)})


def check_campaign(rig, entries):
    """The team heard of each agreement once, and the campaign finished once, at its spend."""
    told = told_team(rig.settings.data_dir)
    agreed = {}
    for entry in entries:
        conversation = rig.gmail.personas.conversation(ADDRESS[entry])
        name = conversation.persona.name
        agreed[name] = conversation.agreed
        assert sum(f"Agreed with {name}:" in line for line in told) == 1, told
    [finished] = [line for line in told if "is finished" in line]
    assert f"{len(entries)} agreed" in finished
    assert f"Agreed fees {format_money(sum(agreed.values()))} of" in finished
    assert rig.rows("SELECT status FROM campaigns") == [("completed",)]
    assert rig.rows("SELECT count(*) FROM audit_log WHERE event_type = 'campaign_completed'") == [
        (1,)
    ]


def audited(rig, kind, key, nid):
    """How often each ``key`` of the ``kind`` audit entries of negotiation ``nid`` appears."""
    rows = rig.rows(
        f"SELECT json_extract(metadata, '$.{key}') FROM audit_log WHERE event_type = ? "  # noqa: S608
        "AND json_extract(metadata, '$.negotiation_id') = ?",
        kind,
        nid,
    )
    return Counter(value for (value,) in rows)
