"""Virtual negotiators: live while they have work, passivated when idle or over the cap of live
ones (least recently used first), activated again by the next message — and every conversation
still ends as its persona dictates, every email once."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealdesk.actors.mail_messages import SendPending
from dealdesk.runtime.activations import ACTIVATIONS
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.clock import ManualClock
from dealdesk.runtime.registry import campaign_name
from dealdesk.runtime.settings import Settings
from dealdesk.runtime.virtual import PassivateIdle
from tests.actors.test_negotiator import TERMINAL, World
from tests.support.settings import test_settings

CAP = 2
EXTRA = (
    ("Lena Fischer", "lena.fischer@creators.example", "@lenaf"),  # declines
    ("Noah Kim", "noah.kim@creatormail.example", "@noahkim"),  # far above our cap
    ("Tess Morgan", "tess.morgan@creators.example", "@tessm"),  # a talent manager
)


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return test_settings(data_dir, max_live_negotiators=CAP, passivate_after="10m")


@pytest.fixture
def world(ctx, fake_sheets):
    built = World(ctx, fake_sheets)
    for name, email, handle in EXTRA:
        built.sheets.add_row([name, handle, "Instagram", email, "60,000", "4%", "", "", "", ""])
    yield built
    built.close()


def supervisor_dump(world):
    return world.ctx.registry.get(campaign_name("86abc")).ask(DumpState(), timeout=30)


def test_more_negotiations_than_the_cap_of_live_ones_all_end_as_their_personas_dictate(world):
    entries = ["@glowwithmaya", "Jordan Lee", "Lena Fischer", "Noah Kim", "Tess Morgan"]
    states = world.run_for(entries)
    assert states == {
        "@glowwithmaya": "agreed",
        "Jordan Lee": "agreed",
        "Lena Fischer": "declined",
        "Noah Kim": "escalated",
        "Tess Morgan": "agreed",
    }
    table = world.ctx[ACTIVATIONS]
    assert table.peak <= CAP  # never more live than the cap (the rest wait in the store)
    assert table.evictions > 0  # and the cap was really pressed
    dump = supervisor_dump(world)
    assert dump["activated"] > len(entries)  # passivated ones came back for their next message
    ids = [m.message_id for m in world.gmail.sent()]
    assert len(ids) == len(set(ids))  # no email twice
    to_maya = [m for m in world.gmail.sent() if "glowwithmaya" in str(m.recipients)]
    assert sum("confirm" in m.text.lower() for m in to_maya) == 1


def test_idle_negotiators_are_passivated_and_the_next_reply_activates_them(world, clock):
    assert isinstance(clock, ManualClock)
    world.submit(["@glowwithmaya", "Jordan Lee"])
    world.mailroom.ask(SendPending(), timeout=30)
    assert world.eventually(lambda: set(world.states().values()) == {"awaiting_reply"})
    assert supervisor_dump(world)["live"] == 2  # the outreach went out; waiting for replies

    clock.advance(9 * 60)
    supervisor = world.ctx.registry.get(campaign_name("86abc"))
    supervisor.tell(PassivateIdle())
    assert supervisor_dump(world)["live"] == 2  # not idle for ten minutes yet

    clock.advance(2 * 60)
    supervisor.tell(PassivateIdle())
    dump = supervisor_dump(world)
    assert dump["live"] == 0
    assert dump["passivated"] == 2
    assert world.ctx[ACTIVATIONS].live() == 0

    # The personas' replies reach the passivated negotiations: each activates, reads, answers.
    states = world.run_until_settled()
    assert set(states.values()) <= TERMINAL
    assert states == {"@glowwithmaya": "agreed", "Jordan Lee": "agreed"}
    ids = [m.message_id for m in world.gmail.sent()]
    assert len(ids) == len(set(ids))


def test_an_ended_negotiation_is_passivated_at_once_and_a_late_event_is_recorded(world):
    states = world.run_for(["Lena Fischer"])
    assert states == {"Lena Fischer": "declined"}
    # The exit email went out after the negotiation ended: its outcome is a late event, which
    # activated the negotiation to be recorded and ignored; then it rests again.
    ignored = "SELECT 1 FROM audit_log WHERE json_extract(metadata, '$.ignored') IS NOT NULL"
    assert world.eventually(lambda: world.rows(ignored) != [])
    assert world.eventually(lambda: supervisor_dump(world)["live"] == 0)
    assert world.states() == {"Lena Fischer": "declined"}


def test_a_campaign_larger_than_the_cap_opens_its_negotiations_a_few_at_a_time(world):
    # The cap of 2 lets one new negotiation be opening at a time: each is activated once, sends
    # its outreach, hears it went out, and only then is the next one opened. None is passivated
    # before it has heard of its outreach (which would activate it a second time for that).
    entries = ["@glowwithmaya", "Jordan Lee", "Lena Fischer", "Noah Kim", "Tess Morgan"]
    world.submit(entries)
    world.mailroom.ask(SendPending(), timeout=30)
    assert world.eventually(
        lambda: set(world.states().values()) == {"awaiting_reply"}, deadline_s=30
    )
    dump = supervisor_dump(world)
    assert dump["activated"] == len(entries)
    assert world.ctx[ACTIVATIONS].peak <= CAP
    outreach = [m for m in world.gmail.sent() if m.in_reply_to is None]
    assert sorted(str(m.recipients) for m in outreach) == sorted(
        {str(m.recipients) for m in outreach}
    )  # one outreach each
    assert len(outreach) == len(entries)
