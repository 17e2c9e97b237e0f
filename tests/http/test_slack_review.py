"""Review before send (DEALDESK_REVIEW=outreach, or a campaign's own choice): each outreach
waits in the outbox, shown in Slack with Send, Edit and Discard; nothing leaves without a click;
an edit is checked by the same guard as the agent's words; each decision is audited with the
reviewer."""

from __future__ import annotations

import dataclasses
import json

import pytest

from dealdesk.actors.mail_messages import SendPending
from tests.support.settings import test_settings
from tests.support.slack_rig import BOSS, INTERN, ConsoleRig, texts

MAYA = "@glowwithmaya"
MAYA_EMAIL = "maya@glowwithmaya.example"


@pytest.fixture
def review():
    """The team's DEALDESK_REVIEW (a test may override this fixture's value)."""
    return "outreach"


@pytest.fixture
def settings(data_dir, review):
    return test_settings(data_dir, slack_allowed_users=BOSS, review=review)


@pytest.fixture
def rig(ctx, fake_sheets, fake_slack):
    built = ConsoleRig(ctx, fake_sheets, fake_slack)
    yield built
    built.close()


def drafted(rig):
    """Maya's outreach written and waiting: its Slack message, and nothing sent."""
    rig.world.submit([MAYA])
    assert rig.slack.wait_until(lambda: any(m.blocks for m in rig.slack.messages))
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert rig.world.gmail.sent() == []  # nothing leaves without a click
    [message] = [m for m in rig.slack.messages if m.blocks]
    return message


def outbox(rig):
    return rig.world.rows("SELECT status, rendered FROM outbox")


def test_a_draft_waits_until_someone_on_the_allowlist_sends_it_and_it_goes_once(rig):
    message = drafted(rig)
    shown = texts({"blocks": message.blocks})
    assert "Draft to Maya" in shown
    assert "waiting for review" in shown
    [(_, words)] = outbox(rig)
    assert words.strip().splitlines()[0] in shown  # the draft's own words

    assert "not allowed" in rig.click("review_send", message, user=INTERN)["text"]
    assert rig.world.gmail.sent() == []

    answer = rig.click("review_send", message)
    assert "sent the draft" in answer["text"]
    assert rig.world.gmail.wait_until(lambda: len(rig.world.gmail.sent()) == 1)
    assert rig.slack.message(message.ts).updates == 1
    [review] = rig.audited("review")
    assert review["by"] == BOSS
    assert review["what"] == "sent"


def test_an_edit_is_checked_like_the_agents_words_refused_then_sent_as_edited(rig):
    message = drafted(rig)
    rig.click("review_edit", message, answered=False)
    assert rig.slack.wait_until(lambda: rig.slack.views)
    [modal] = rig.slack.views
    [(_, draft)] = outbox(rig)
    assert modal["blocks"][1]["element"]["initial_value"] == draft[:3000]

    status, body = rig.submit(modal, draft + "\nWe could also go to $99,000 if you like.\n")
    assert status == 200
    refused = json.loads(body)
    assert refused["response_action"] == "errors"
    assert "Not sent" in refused["errors"]["draft"]
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert rig.world.gmail.sent() == []

    edited = draft.rstrip() + "\n\nP.S. We loved your autumn series.\n"
    status, body = rig.submit(modal, edited)
    assert status == 200
    assert body == ""
    assert rig.world.gmail.wait_until(lambda: len(rig.world.gmail.sent()) == 1)
    [sent] = rig.world.gmail.sent()
    assert "We loved your autumn series." in sent.text
    assert "edited the draft and sent it" in texts({"blocks": rig.slack.message(message.ts).blocks})
    [review] = rig.audited("review")
    assert review["edited"] is True


def test_a_discarded_draft_never_leaves_and_a_second_click_is_told(rig):
    message = drafted(rig)
    as_first_seen = dataclasses.replace(message)
    answer = rig.click("review_discard", message)
    assert "discarded the draft" in answer["text"]
    assert [status for status, _ in outbox(rig)] == ["cancelled"]
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert rig.world.gmail.sent() == []
    assert "Already discarded" in rig.click("review_send", as_first_seen)["text"]
    assert rig.world.eventually(lambda: rig.world.states()[MAYA] == "failed")


@pytest.mark.parametrize("review", ["off"])
def test_a_campaign_that_asks_for_review_holds_its_outreach_with_the_team_setting_off(rig):
    # The form's Review Drafts field: the campaign's choice wins over the team's setting.
    rig.world.submit([MAYA], review="outreach")
    assert rig.slack.wait_until(lambda: any(m.blocks for m in rig.slack.messages))
    rig.world.mailroom.ask(SendPending(), timeout=10)
    assert rig.world.gmail.sent() == []  # nothing leaves without a click
    [message] = [m for m in rig.slack.messages if m.blocks]
    assert "waiting for review" in texts({"blocks": message.blocks})
    rig.click("review_send", message)
    assert rig.world.gmail.wait_until(lambda: len(rig.world.gmail.sent()) == 1)
