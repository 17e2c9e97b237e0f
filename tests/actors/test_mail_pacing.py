"""The pacer keeps a mailbox inside Gmail's limits: the rolling daily cap, the per-minute rate,
the quota units, and a pause after a rate-limit answer; it says how long to wait, never drops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dealdesk.actors.mail_pacing import SEND_UNITS, Pacer

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def test_the_daily_cap_counts_a_rolling_24_hours():
    pacer = Pacer(daily_cap=3, per_minute=100, units_per_minute=100_000)
    for minutes in (0, 10, 20):
        pacer.sent(T0 + timedelta(minutes=minutes))
    held = pacer.wait(T0 + timedelta(hours=1))
    assert held.why == "daily_cap"
    assert held.seconds == timedelta(hours=23).total_seconds()  # the oldest send ages out then
    assert pacer.wait(T0 + timedelta(hours=24, seconds=1)).now


def test_the_per_minute_rate_spaces_sends_and_lifts_as_the_window_slides():
    pacer = Pacer(daily_cap=1000, per_minute=2, units_per_minute=100_000)
    pacer.sent(T0)
    pacer.sent(T0 + timedelta(seconds=10))
    held = pacer.wait(T0 + timedelta(seconds=20))
    assert (held.why, held.seconds) == ("per_minute", 40.0)
    assert pacer.wait(T0 + timedelta(seconds=61)).now


def test_quota_units_of_reads_and_sends_share_one_budget():
    pacer = Pacer(daily_cap=1000, per_minute=1000, units_per_minute=250)
    pacer.spent(T0, SEND_UNITS)
    pacer.spent(T0 + timedelta(seconds=30), 60)  # reading the history and messages
    held = pacer.wait(T0 + timedelta(seconds=31))
    assert held.why == "quota"
    assert held.seconds == 29.0  # the first send's units leave the window at T0 + 60 s
    assert pacer.units_last_minute(T0 + timedelta(seconds=31)) == 160


def test_a_rate_limit_pause_holds_every_send_until_it_ends_and_never_shortens():
    pacer = Pacer(daily_cap=1000, per_minute=1000, units_per_minute=100_000)
    pacer.pause(T0 + timedelta(hours=2))
    pacer.pause(T0 + timedelta(minutes=5))  # a shorter pause does not cut the longer one
    held = pacer.wait(T0)
    assert (held.why, held.seconds) == ("paused", 7200.0)
    assert pacer.wait(T0 + timedelta(hours=2)).now
