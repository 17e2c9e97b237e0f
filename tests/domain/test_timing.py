"""Follow-up timing from the deployment (DEALDESK_FOLLOW_UPS, DEALDESK_STALE_AFTER), to the second."""

from __future__ import annotations

from datetime import timedelta

from dealdesk.domain import NegotiationPolicy, ReminderKind, ScheduleReminder
from dealdesk.domain.rules import Playbook
from tests.domain.harness import Driver, make_negotiation


def test_follow_ups_read_as_days_after_our_first_email_and_stale_after_the_last():
    playbook = Playbook().with_timing((timedelta(days=3), timedelta(days=7)), timedelta(days=3))
    assert playbook.max_follow_ups == 2
    assert [playbook.follow_up_after(n) for n in (0, 1)] == [timedelta(days=3), timedelta(days=4)]
    assert playbook.stale_after == timedelta(days=3)
    assert Playbook().follow_up_after(0) == timedelta(hours=72)  # the file's hours otherwise


def test_a_silent_influencer_gets_each_follow_up_then_goes_stale_on_the_seconds_given():
    playbook = Playbook().with_timing(
        (timedelta(seconds=2), timedelta(seconds=5)), timedelta(seconds=3)
    )
    driver = Driver(make_negotiation(policy=NegotiationPolicy(playbook=playbook)))
    driver.start()
    dues = []
    while driver.state != "stale":
        reminder = driver.negotiation.reminder
        assert reminder is not None
        dues.append((reminder.kind, reminder.due_at - driver.now))
        assert driver.silence() is not None
    assert [kind for kind, _ in dues] == [
        ReminderKind.FOLLOW_UP,
        ReminderKind.FOLLOW_UP,
        ReminderKind.STALE,
    ]
    scheduled = [e for e in driver.effects() if isinstance(e, ScheduleReminder)]
    assert len(scheduled) == 3
