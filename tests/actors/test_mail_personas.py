"""Every persona of the sandbox Gmail's default cast answers an outreach email as that kind of
influencer does, and what it writes reaches the negotiation the email was sent for (through the
real client, the Mailroom and the campaign's supervisor); the daily cap holds, replies go first,
and nothing over the cap is lost."""

from __future__ import annotations

import pytest

from dealdesk.actors.mail_messages import EmailFailed, EmailSent, ReplyArrived
from dealdesk.runtime.actor import DumpState
from dealdesk.sandbox.gmail import Kind, default_cast
from dealdesk.store import STORE, EmailPriority, InboundStatus, inbound_query
from tests.support.mail_rig import MailRig

CAST = default_cast()
BY_KIND = {p.kind: p for p in CAST}
# How many messages each kind writes back to one outreach email.
ANSWERS = {Kind.SILENT: 0, Kind.OUT_OF_OFFICE: 2}


def answers(kind: Kind) -> int:
    return ANSWERS.get(kind, 1)


@pytest.fixture
def rig(ctx):
    harness = MailRig(ctx, influencers=tuple(p.address for p in CAST), cast=True)
    harness.gmail.personas.delay_s = 0
    yield harness
    harness.close()


def received(rig, entry):
    return rig.ctx[STORE].reader().run(inbound_query(negotiation_id=rig.nid(entry)))


def test_every_personas_answer_reaches_its_own_negotiation(rig):
    rig.start_mailroom()
    sent = {p.address: rig.queue(entry=p.address)[0] for p in CAST}
    assert rig.send() == len(CAST)
    personas = rig.gmail.personas

    def answered() -> bool:
        return all(
            len(c.replies) >= answers(p.kind)
            for p in CAST
            for c in personas.conversations(p.address)
        ) and len(personas.conversations()) == len(CAST)

    assert rig.gmail.wait_until(answered, 10), personas.errors
    assert personas.errors == []
    rig.poll()
    rig.poll()  # nothing twice

    for persona in CAST:
        [ours] = rig.gmail.messages_with_message_id(sent[persona.address])
        got = received(rig, persona.address)
        assert all(r.status == InboundStatus.ROUTED for r in got)
        assert all(r.thread_id == ours.thread_id for r in got), persona.kind
        handed = rig.handed(persona.address)
        assert isinstance(handed[0], EmailSent)
        news = handed[1:]
        kinds = [r.kind for r in got]
        if persona.kind is Kind.SILENT:
            assert (kinds, news) == ([], [])
        elif persona.kind is Kind.BOUNCES:
            # A delivery failure of the email it returns, not something the influencer said.
            [bounce] = got
            assert bounce.kind == "bounce"
            assert bounce.from_addr.startswith("mailer-daemon@")
            assert news == [EmailFailed(rig.nid(persona.address), sent[persona.address],
                                        news[0].reason, final=True, bounce=bounce.gmail_id)]  # fmt: skip
            assert news[0].reason.startswith("bounced")
        elif persona.kind is Kind.OUT_OF_OFFICE:
            assert kinds == ["auto_reply", "reply"]  # then the real answer, in the same step
            assert news == [ReplyArrived(rig.nid(persona.address), r.gmail_id, r.kind) for r in got]
        elif persona.kind is Kind.VIA_MANAGER:
            [reply] = got
            assert reply.kind == "reply"
            assert reply.from_addr == persona.manager_address  # another address, same thread
            assert reply.from_addr != persona.address
            assert news == [ReplyArrived(rig.nid(persona.address), reply.gmail_id, "reply")]
        else:  # counters, counters twice, asks first, accepts, above the cap, declines, opts out
            [reply] = got
            assert (reply.kind, reply.from_addr) == ("reply", persona.address), persona.kind
            assert reply.body["in_reply_to"] == sent[persona.address]
            assert news == [ReplyArrived(rig.nid(persona.address), reply.gmail_id, "reply")]

    everything = rig.ctx[STORE].reader().run(inbound_query())
    assert len(everything) == sum(answers(p.kind) for p in CAST)
    assert len({r.gmail_id for r in everything}) == len(everything)
    # What each kind said, as the negotiation will read it.
    said = {p.kind: " ".join(r.body["text"] for r in received(rig, p.address)) for p in CAST}
    assert "remove me" in said[Kind.OPTS_OUT]
    assert "pass on this one" in said[Kind.DECLINES]
    assert "questions" in said[Kind.ASKS_FIRST]
    assert "out of the office" in said[Kind.OUT_OF_OFFICE]
    assert "works for me" in said[Kind.ACCEPTS]


@pytest.fixture
def capped(ctx):
    ctx.settings = ctx.settings.model_copy(update={"gmail_daily_cap": 3})
    harness = MailRig(ctx)
    yield harness
    harness.close()


def test_the_daily_cap_holds_replies_go_first_and_what_waits_is_visible_and_sent_later(capped):
    rig = capped
    rig.start_mailroom()
    outreach = rig.queue(5)
    [reply] = rig.queue(priority=EmailPriority.REPLY)  # queued last
    assert rig.send() == 3
    mailbox = rig.gmail.sent()
    assert len(mailbox) == 3
    assert mailbox[0].message_id == reply  # first out, though queued last
    sent = {r.message_id for r in rig.outbox(status="sent")}
    waiting = {r.message_id for r in rig.outbox(status="pending")}
    assert reply in sent
    assert len(sent) == 3
    assert waiting == set(outreach) - sent  # over the cap: waiting, not dropped
    dump = rig.mailroom.ask(DumpState(), timeout=10)
    assert dump["state"] == "daily_cap"
    assert dump["outbox"]["pending"] == 3
    assert dump["sent_last_24h"] == 3
    assert rig.send() == 0  # asking again changes nothing while the cap holds

    rig.ctx.clock.advance(24 * 3600 + 1)  # the rolling day has passed
    assert rig.send() == 3
    assert {r.message_id for r in rig.outbox(status="sent")} == set(outreach) | {reply}
    assert all(rig.gmail.count_sent(mid) == 1 for mid in [*outreach, reply])
    assert rig.mailroom.ask(DumpState(), timeout=10)["outbox"]["pending"] == 0
