"""Virtual negotiators through the model path: with two live at most, negotiations passivated
and activated again while the model's answers are out still end as their personas dictate,
every email once (an answer for a passivated activation is dropped; the work waits in the
store and the next activation asks again)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealdesk.runtime.settings import Settings
from tests.actors.test_negotiator import World
from tests.actors.test_negotiator_model import put_model
from tests.actors.test_virtual_negotiators import CAP, EXTRA
from tests.actors.test_virtual_negotiators import (
    test_more_negotiations_than_the_cap_of_live_ones_all_end_as_their_personas_dictate as bar,
)
from tests.support.settings import test_settings

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
