"""Roster cells are read as people write them into a sheet."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dealdesk.domain.campaign import Platform
from dealdesk.integrations.sheets.cells import (
    parse_engagement,
    parse_handle,
    parse_platform,
    parse_rate,
    parse_views,
)


@pytest.mark.parametrize(
    ("text", "views"),
    [
        ("125,400", 125_400),
        ("125400", 125_400),
        (" 125 400 ", 125_400),
        ("125.4k", 125_400),
        ("125.4K", 125_400),
        ("1.2M", 1_200_000),
        ("48,900 views", 48_900),
        ("1,000,000", 1_000_000),
    ],
)
def test_views_are_read_however_the_team_formats_them(text, views):
    assert parse_views(text) == views


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("lots", "is not a number of views"),
        ("125.5", "is not a whole number of views"),
        ("0", "must be above zero"),
        ("12,34", "is not a number of views"),
        ("-5", "is not a number of views"),
    ],
)
def test_unreadable_views_say_what_is_wrong(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_views(text)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$1,500", "1500.00"),
        ("$1,500.00", "1500.00"),
        ("1500 USD", "1500.00"),
        ("USD 1,500", "1500.00"),
        ("1500", "1500.00"),
        ("CA$1,250.50", "1250.50"),
        ("$1.5k", "1500.00"),
        ("€900", "900.00"),
    ],
)
def test_rates_are_read_as_money_however_they_are_written(text, amount):
    assert parse_rate(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["ask", "$1,200-$1,500", "USD 1500 USD", "1500/post"])
def test_a_rate_that_is_not_one_amount_is_refused(text):
    with pytest.raises(ValueError, match="is not an amount"):
        parse_rate(text)


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("4.2%", "0.042"),
        ("4.2", "0.042"),
        ("0.042", "0.042"),
        ("12%", "0.12"),
        ("1", "0.01"),
        ("4,2%", "0.042"),
        ("0", "0"),
    ],
)
def test_engagement_is_a_fraction_whether_written_as_percent_or_not(text, ratio):
    assert parse_engagement(text) == Decimal(ratio)


def test_engagement_above_a_hundred_percent_is_refused():
    with pytest.raises(ValueError, match="above 100%"):
        parse_engagement("140%")
    with pytest.raises(ValueError, match="is not a rate"):
        parse_engagement("high")


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("Instagram", Platform.INSTAGRAM),
        ("IG", Platform.INSTAGRAM),
        (" insta ", Platform.INSTAGRAM),
        ("TikTok", Platform.TIKTOK),
        ("Tik Tok", Platform.TIKTOK),
        ("tt", Platform.TIKTOK),
        ("YouTube", Platform.YOUTUBE),
        ("yt", Platform.YOUTUBE),
    ],
)
def test_platform_names_people_use_are_read(text, platform):
    assert parse_platform(text) is platform


def test_a_platform_dealdesk_does_not_negotiate_on_names_the_ones_it_does():
    with pytest.raises(ValueError, match="Instagram, TikTok or YouTube"):
        parse_platform("Snapchat")


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("@glowwithmaya", "glowwithmaya"),
        ("glowwithmaya", "glowwithmaya"),
        ("https://www.instagram.com/glowwithmaya/", "glowwithmaya"),
        ("tiktok.com/@samcooks", "samcooks"),
    ],
)
def test_handles_lose_their_at_sign_and_profile_urls_give_their_handle(text, handle):
    assert parse_handle(text) == handle


def test_a_handle_with_spaces_is_refused():
    with pytest.raises(ValueError, match="not a social handle"):
        parse_handle("glow with maya")
