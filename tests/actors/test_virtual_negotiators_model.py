"""Virtual negotiators through the model path: with two live at most, negotiations passivated
and activated again while the model's answers are out still end as their personas dictate,
every email once (a passivated activation hands its work back once its answer is there; the
work waits in the store and the next activation asks again, getting the same answer). A late
reply to an ended negotiation is recorded at once, never waiting for the model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dealdesk.actors.mail_messages import PollMailbox
from dealdesk.actors.model_pen import MODEL, ModelPen
from dealdesk.runtime.settings import Settings
from dealdesk.store import STORE, InboundStatus, inbound_query
from tests.actors.test_negotiator import World
from tests.actors.test_negotiator_model import MAYA, put_model
from tests.actors.test_virtual_negotiators import CAP, EXTRA, supervisor_dump
from tests.actors.test_virtual_negotiators import (
    test_more_negotiations_than_the_cap_of_live_ones_all_end_as_their_personas_dictate as bar,
)
from tests.support.settings import test_settings

if TYPE_CHECKING:
    from collections.abc import Hashable

    from dealdesk.actors.model_pen import ModelAnswer
    from dealdesk.domain import Negotiation, ReplyReading, SendEmail

__all__ = ["fake_model"]  # the fixture, used here by name

from tests.actors.test_negotiator_model import fake_model


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return test_settings(data_dir, max_live_negotiators=CAP, passivate_after="10m")


@pytest.fixture
def world(ctx, fake_sheets, fake_model):
    client = put_model(ctx, fake_model)
    built = World(ctx, fake_sheets)
    for name, email, handle in EXTRA:
        built.sheets.add_row([name, handle, "Instagram", email, "60,000", "4%", "", "", "", ""])
    yield built
    built.close()
    ctx.loop.run(client.close(), timeout=5)


def test_over_the_cap_of_live_ones_every_negotiation_ends_as_dictated_through_the_model(
    world, fake_model
):
    bar(world)
    assert fake_model.calls("messages")  # the model read and wrote


class HeldPen(ModelPen):
    """The model as a test holds it: every call is recorded and none is ever answered (an
    answer out for as long as the test lasts)."""

    def __init__(self, pen: ModelPen) -> None:
        super().__init__(pen.ctx, pen.client, pen.playbook, cache=False)
        self.asked: list[Hashable] = []

    def read(
        self,
        key: Hashable,
        negotiation: Negotiation,
        text: str,
        rules: ReplyReading,
        answer: ModelAnswer,
    ) -> None:
        self.asked.append(key)

    def write(
        self, key: Hashable, after: Negotiation, effects: list[SendEmail], answer: ModelAnswer
    ) -> None:
        self.asked.append(key)


def test_a_late_reply_to_an_ended_negotiation_is_recorded_without_waiting_for_the_model(world):
    # Its supervisor passivates an ended negotiation right after delivering it a late event: an
    # activation that waited for the model's reading handed the reply back, was activated and
    # passivated again, and handed it back again, for ever (the reply never taken).
    assert world.run_for(["@glowwithmaya"]) == {"@glowwithmaya": "agreed"}
    pen = HeldPen(world.ctx[MODEL].pen)
    world.ctx[MODEL].pen = pen
    confirmation = [m for m in world.gmail.sent() if "glowwithmaya" in str(m.recipients)][-1]
    world.gmail.inbound(
        MAYA,
        f"Re: {confirmation.subject}",
        "Thanks again! Talk soon.",
        in_reply_to=confirmation.message_id,
        thread_id=confirmation.thread_id,
    )
    world.mailroom.ask(PollMailbox(), timeout=30)
    reader = world.ctx[STORE].reader()
    assert world.eventually(lambda: reader.run(inbound_query(status=InboundStatus.ROUTED)) == [])
    assert pen.asked == []  # its reading could change nothing: the model was not asked
    assert world.eventually(lambda: supervisor_dump(world)["live"] == 0)  # it rests again
    ignored = "SELECT 1 FROM audit_log WHERE json_extract(metadata, '$.ignored') LIKE '%reply%'"
    assert world.rows(ignored)
    assert world.states() == {"@glowwithmaya": "agreed"}
