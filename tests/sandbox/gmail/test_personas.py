"""Personas answer the mail sent to them, in the thread, as the kind of person they are."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pytest

from dealdesk.sandbox.gmail import MAILER_DAEMON, FakeGmail, Kind, Outcome, Persona
from tests.sandbox.gmail.conftest import BOX, decoded, send

_ids = itertools.count(1)


class Talk:
    """Our side of a thread with one persona, through the real client."""

    def __init__(self, gmail, fake: FakeGmail, to: str, subject: str = "Glow Serum launch"):
        self.gmail, self.fake, self.to, self.subject = gmail, fake, to, subject
        self.thread_id: str | None = None
        self.last_theirs: str | None = None

    def write(self, text: str) -> str:
        """Send ``text`` in the thread (a reply to their last message); returns our Gmail id."""
        headers = {}
        if self.last_theirs is not None:
            parent = self.fake.message(self.last_theirs).message_id
            headers = {"In_Reply_To": parent, "References": parent}
        subject = self.subject if self.thread_id is None else f"Re: {self.subject}"
        answer = send(
            self.gmail,
            thread_id=self.thread_id,
            to=self.to,
            subject=subject,
            text=text,
            message_id=f"<out-{next(_ids)}@dealdesk.example>",
            **headers,
        )
        self.thread_id = answer["threadId"]
        return answer["id"]

    def theirs(self):
        return [m for m in self.fake.thread(self.thread_id) if "SENT" not in m.label_ids]

    def answer(self, text: str, *, expect: int = 1):
        """Write ``text`` and wait for ``expect`` new messages from their side; the last one."""
        before = len(self.theirs()) if self.thread_id else 0
        self.write(text)
        assert self.fake.wait_until(lambda: len(self.theirs()) >= before + expect, 5)
        reply = self.theirs()[-1]
        self.last_theirs = reply.id
        return reply


def amounts(text: str) -> list[Decimal]:
    own = text.split("\nOn ", maxsplit=1)[0]
    found = []
    for match in re.finditer(r"\$([\d,]+)|([\d]+) USD|(\d+(?:\.\d+)?)k\b", own):
        dollars, code, thousands = match.groups()
        if dollars:
            found.append(Decimal(dollars.replace(",", "")))
        elif code:
            found.append(Decimal(code))
        else:
            found.append(Decimal(thousands) * 1000)
    return found


def ask_of(text: str) -> Decimal:
    return amounts(text)[-1]


@pytest.fixture
def maya(fake):
    return fake.personas.add(
        Persona(
            "maya@glowwithmaya.example", Kind.COUNTERS, "Maya Chen", Decimal(1400), Decimal(2600)
        )
    )


def test_a_reply_is_in_the_same_thread_answering_our_message(gmail, fake, maya):
    talk = Talk(gmail, fake, maya.address)
    reply = talk.answer("Hi Maya! We can offer $1,000 for one reel and two stories.")
    [ours] = fake.sent()
    assert reply.thread_id == ours.thread_id
    assert reply.in_reply_to == ours.message_id
    assert reply.references == [ours.message_id]
    assert reply.subject == "Re: Glow Serum launch"
    assert reply.sender == "Maya Chen <maya@glowwithmaya.example>"
    assert reply.header("To") == f"Lumen Deals <{BOX}>"
    assert "INBOX" in reply.label_ids
    assert "> Hi Maya! We can offer $1,000" in reply.text  # our words, quoted below
    assert 'class="gmail_quote"' in reply.html


def test_a_countering_persona_converges_toward_the_offer_and_never_below_its_reservation(
    gmail, fake, maya
):
    talk = Talk(gmail, fake, maya.address)
    asks = []
    for offer in ("$1,000", "$1,100", "$1,200", "$1,250", "$1,300"):
        reply = talk.answer(f"Thanks! We could do {offer} for the package.")
        asks.append(ask_of(reply.text))
    assert asks == [1800, 1450, 1400, 1400, 1400]
    assert "really the lowest I can go" in reply.text
    conv = fake.personas.conversation(maya.address)
    assert conv.asks == asks
    assert conv.offers == [1000, 1100, 1200, 1250, 1300]
    assert conv.outcome is None


def test_a_countering_persona_walks_away_when_offers_stay_below_its_reservation(gmail, fake):
    maya = fake.personas.add(
        Persona("maya@x.example", reservation=Decimal(1400), opening=Decimal(2600), patience=2)
    )
    talk = Talk(gmail, fake, maya.address)
    talk.answer("We could do $1,000.")
    talk.answer("We could do $1,000.")
    assert "pass on this one" in talk.answer("We could do $1,000.").text
    assert fake.personas.conversation(maya.address).outcome is Outcome.DECLINED


def test_a_persona_writes_money_as_people_do(gmail, fake, maya):
    talk = Talk(gmail, fake, maya.address)
    texts = [talk.answer(f"We could do ${n} for it.").text for n in (1000, 1100, 1200)]
    assert re.search(r"\$1,800\b", texts[0])
    assert re.search(r"\b1450 USD\b", texts[1])
    assert re.search(r"\b1\.4k\b", texts[2])


def test_a_countering_persona_accepts_an_offer_close_to_its_ask(gmail, fake, maya):
    talk = Talk(gmail, fake, maya.address)
    talk.answer("We can offer $1,000.")  # asks $1,800
    reply = talk.answer("You asked for $1,800; we could stretch to $1,750.")
    assert reply.text.startswith("That works for me!")
    assert ask_of(reply.text) == Decimal(1750)
    conv = fake.personas.conversation(maya.address)
    assert (conv.outcome, conv.agreed) == (Outcome.ACCEPTED, Decimal(1750))


def test_an_accepting_persona_takes_an_offer_at_its_reservation(gmail, fake):
    alex = fake.personas.add(
        Persona("alex@x.example", Kind.ACCEPTS, reservation=Decimal(900), opening=Decimal(1500))
    )
    talk = Talk(gmail, fake, alex.address)
    assert ask_of(talk.answer("Would $800 work?").text) == Decimal(900)
    reply = talk.answer("OK, $900 then.")
    assert reply.text.startswith("That works for me!")
    assert ask_of(reply.text) == Decimal(900)
    assert fake.personas.conversation(alex.address).agreed == Decimal(900)


def test_a_persona_that_counters_twice_accepts_the_third_offer(gmail, fake):
    jordan = fake.personas.add(
        Persona(
            "jordan@x.example",
            Kind.COUNTERS_TWICE,
            reservation=Decimal(1500),
            opening=Decimal(2800),
        )
    )
    talk = Talk(gmail, fake, jordan.address)
    first = talk.answer("We can offer $2,600.")
    second = talk.answer("We can do $2,650.")
    third = talk.answer("Final offer: $2,700.")
    assert ask_of(first.text) > Decimal(2600)
    assert ask_of(second.text) > Decimal(2650)
    assert third.text.startswith("That works for me!")
    assert ask_of(third.text) == Decimal(2700)


def test_a_persona_above_the_cap_never_comes_near_it(gmail, fake):
    noah = fake.personas.add(
        Persona(
            "noah@x.example",
            Kind.ABOVE_CAP,
            reservation=Decimal(18000),
            opening=Decimal(25000),
            concession=Decimal("0.1"),
            patience=3,
        )
    )
    talk = Talk(gmail, fake, noah.address)
    asks = [ask_of(talk.answer(f"We can offer ${n:,}.").text) for n in (2000, 2500, 2500)]
    assert all(ask >= Decimal(18000) for ask in asks)
    reply = talk.answer("Our cap is $2,500.")
    assert "pass on this one" in reply.text  # it walks away once its patience is spent
    assert fake.personas.conversation(noah.address).outcome is Outcome.DECLINED


def test_a_declining_persona_declines_and_then_stays_quiet(gmail, fake):
    lena = fake.personas.add(Persona("lena@x.example", Kind.DECLINES))
    other = fake.personas.add(Persona("alex@x.example", Kind.ACCEPTS))
    talk = Talk(gmail, fake, lena.address)
    assert "pass on this one" in talk.answer("We can offer $1,000.").text
    talk.write("Are you sure? We could do $1,500.")
    Talk(gmail, fake, other.address).answer("We can offer $2,000.")  # answered after lena's turn
    assert len(talk.theirs()) == 1
    assert fake.personas.conversation(lena.address).after_close == 1


def test_a_persona_that_asks_first_asks_a_question_then_answers_the_offer(gmail, fake):
    priya = fake.personas.add(
        Persona(
            "priya@x.example", Kind.ASKS_FIRST, reservation=Decimal(1100), opening=Decimal(2000)
        )
    )
    talk = Talk(gmail, fake, priya.address)
    question = talk.answer("We can offer $1,000 for one reel.")
    assert "?" in question.text.split("\n\nBest,")[0]
    assert amounts(question.text) == []
    answer = talk.answer("Usage is 30 days, organic only, going live on December 20.")
    assert ask_of(answer.text) == Decimal(1500)  # it answers the $1,000 it was offered


def test_a_silent_persona_never_answers(gmail, fake):
    omar = fake.personas.add(Persona("omar@x.example", Kind.SILENT))
    alex = fake.personas.add(Persona("alex@x.example", Kind.ACCEPTS))
    talk = Talk(gmail, fake, omar.address)
    talk.write("We can offer $1,000.")
    Talk(gmail, fake, alex.address).answer("We can offer $2,000.")  # a barrier: answers go in order
    assert talk.theirs() == []
    assert fake.personas.conversation(omar.address).received == [fake.sent()[0].id]


def test_a_talent_manager_answers_from_another_address_in_the_same_thread(gmail, fake):
    tess = fake.personas.add(
        Persona("tess@x.example", Kind.VIA_MANAGER, "Tess Morgan", Decimal(1300), Decimal(2400))
    )
    talk = Talk(gmail, fake, tess.address)
    reply = talk.answer("Hi Tess! We can offer $1,000.")
    assert reply.sender == "Sam Ortiz <sam@brighttalent.example>"
    assert reply.header("Cc") == "Tess Morgan <tess@x.example>"
    assert reply.thread_id == talk.thread_id
    assert "I manage brand partnerships for Tess." in reply.text
    assert "Sam Ortiz\nTalent Manager, Bright Talent Agency" in reply.text
    talk.to = "sam@brighttalent.example"  # we answer the manager
    again = talk.answer("We could do $1,300.")
    assert again.sender == "Sam Ortiz <sam@brighttalent.example>"
    assert "I manage" not in again.text


def test_an_out_of_office_reply_is_auto_submitted_and_a_real_answer_follows(gmail, fake):
    ben = fake.personas.add(
        Persona("ben@x.example", Kind.OUT_OF_OFFICE, "Ben Carter", Decimal(1000), Decimal(1900))
    )
    talk = Talk(gmail, fake, ben.address)
    real = talk.answer("We can offer $1,200.", expect=2)
    auto, _ = talk.theirs()
    assert auto.header("Auto-Submitted") == "auto-replied"
    assert "out of the office until December 8" in auto.text
    assert auto.subject == "Automatic reply: Glow Serum launch"
    assert auto.in_reply_to == real.in_reply_to == fake.sent()[0].message_id
    assert real.header("Auto-Submitted") is None
    assert ask_of(real.text) == Decimal(1550)
    again = talk.answer("How about $1,500?")  # no second auto-reply
    assert again.header("Auto-Submitted") is None


def test_an_opt_out_asks_to_be_removed_and_later_mail_is_counted(gmail, fake):
    chloe = fake.personas.add(Persona("chloe@x.example", Kind.OPTS_OUT))
    talk = Talk(gmail, fake, chloe.address)
    assert "please remove me from your list" in talk.answer("We can offer $1,000.").text
    talk.write("Following up on our offer!")
    conv = fake.personas.conversation(chloe.address)
    assert (conv.outcome, conv.after_close) == (Outcome.OPTED_OUT, 1)


def test_a_bounce_is_a_delivery_status_report_naming_the_failed_recipient(gmail, fake):
    gone = fake.personas.add(Persona("gone@x.example", Kind.BOUNCES))
    talk = Talk(gmail, fake, gone.address)
    bounce = talk.answer("We can offer $1,000.")
    assert bounce.sender == MAILER_DAEMON
    assert bounce.thread_id == talk.thread_id
    assert bounce.in_reply_to == fake.sent()[0].message_id
    payload = gmail.users().messages().get(userId="me", id=bounce.id).execute()["payload"]
    assert payload["mimeType"] == "multipart/report"
    content_type = {h["name"]: h["value"] for h in payload["headers"]}["Content-Type"]
    assert "report-type=delivery-status" in content_type
    kinds = [part["mimeType"] for part in payload["parts"]]
    assert kinds == ["text/plain", "message/delivery-status", "text/rfc822-headers"]
    status = decoded(payload["parts"][1]["body"]["data"]).decode()
    assert "Final-Recipient: rfc822; gone@x.example" in status
    assert "Action: failed" in status
    assert "Status: 5.1.1" in status


def test_mail_to_two_personas_gets_an_answer_from_each_in_the_thread(gmail, fake, maya):
    lena = fake.personas.add(Persona("lena@x.example", Kind.DECLINES))
    talk = Talk(gmail, fake, f"{maya.address}, {lena.address}")
    talk.write("Hi both! We can offer $1,000 each.")
    assert fake.wait_until(lambda: len(talk.theirs()) == 2, 5)
    assert {m.sender.split("<")[1] for m in talk.theirs()} == {
        "maya@glowwithmaya.example>",
        "lena@x.example>",
    }


def test_mail_to_an_address_without_a_persona_gets_no_answer(gmail, fake, maya):
    send(gmail, to="nobody@x.example")
    Talk(gmail, fake, maya.address).answer("We can offer $1,000.")  # a barrier
    assert len(fake.inbox()) == 1


def test_the_default_cast_answers_the_example_campaigns_influencers():
    fake = FakeGmail()
    for address in (
        "maya@glowwithmaya.example",
        "jordan.lee@creatormail.example",
        "priya.patel@creators.example",
    ):
        assert fake.personas.get(address) is not None
    assert {p.kind for p in fake.personas.all()} == set(Kind)
    assert fake.app_defaults() == {"address": "deals@agency.example"}


def test_a_tit_for_tat_persona_moves_as_far_as_we_moved_and_walks_when_we_stand_still(gmail, fake):
    ravi = fake.personas.add(
        Persona(
            "ravi@x.example",
            Kind.TIT_FOR_TAT,
            reservation=Decimal(1200),
            opening=Decimal(2200),
            concession=Decimal("0.8"),
        )
    )
    talk = Talk(gmail, fake, ravi.address)
    assert ask_of(talk.answer("We can offer $1,000.").text) == Decimal(2200)  # states its ask
    assert ask_of(talk.answer("We can do $1,500.").text) == Decimal(1800)  # 2,200 - 0.8 x 500
    assert ask_of(talk.answer("We can do $1,500.").text) == Decimal(1800)  # we stood still
    assert "pass on this one" in talk.answer("Still $1,500.").text  # twice: it walks
    assert fake.personas.conversation(ravi.address).outcome is Outcome.DECLINED


def test_a_small_fee_moves_in_ten_dollar_steps(gmail, fake):
    kim = fake.personas.add(
        Persona(
            "kim@x.example",
            reservation=Decimal(370),
            opening=Decimal(500),
            concession=Decimal("0.2"),
        )
    )
    talk = Talk(gmail, fake, kim.address)
    assert ask_of(talk.answer("We can offer $294.").text) == Decimal(460)  # 458.80 up to $10
