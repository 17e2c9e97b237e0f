"""Review before send chosen per campaign (the form's Review Drafts field): the campaign's choice
holds its outreach for a click even with the team's DEALDESK_REVIEW off."""

from __future__ import annotations

import pytest

from dealdesk.actors.mail_messages import SendPending
from tests.support.settings import test_settings
from tests.support.slack_rig import BOSS, ConsoleRig, texts

MAYA = "@glowwithmaya"


@pytest.fixture
def settings(data_dir):
    return test_settings(data_dir, slack_allowed_users=BOSS, review="off")


@pytest.fixture
def rig(ctx, fake_sheets, fake_slack):
    built = ConsoleRig(ctx, fake_sheets, fake_slack)
    yield built
    built.close()


def test_a_campaign_that_asks_for_review_holds_its_outreach_with_the_team_setting_off(rig):
    rig.world.submit([MAYA], review="outreach")
    assert rig.slack.wait_until(lambda: any(m.blocks for m in rig.slack.messages))
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert rig.world.gmail.sent() == []  # nothing leaves without a click
    [message] = [m for m in rig.slack.messages if m.blocks]
    assert "waiting for review" in texts({"blocks": message.blocks})
    rig.click("review_send", message)
    assert rig.world.gmail.wait_until(lambda: len(rig.world.gmail.sent()) == 1)
