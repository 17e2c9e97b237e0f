"""Money is Decimal in cents and campaigns refuse bad input with the field and value named."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from dealdesk.domain import (
    Campaign,
    CpmRange,
    DeliverableType,
    Influencer,
    ModelInvalid,
    Platform,
    format_money,
    money,
    parse_campaign,
    parse_influencer,
)
from dealdesk.errors import InvalidInput


def campaign_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "cu-1",
        "client": "Glow Co",
        "platform": "instagram",
        "cpm_range": {"min": "20", "max": "30"},
        "budget": "25000",
        "target_deliverables": [{"kind": "instagram_reel", "quantity": 1}],
        "influencers": ["@ana", "bob@example.com"],
    }
    data.update(overrides)
    return data


def test_money_rounds_half_up_to_cents() -> None:
    assert money("1.005") == Decimal("1.01")
    assert money("2.004") == Decimal("2.00")
    assert money(1500) == Decimal("1500.00")


@pytest.mark.parametrize("bad", [1.5, True, "abc", "NaN", "-1", None, "Infinity"])
def test_money_rejects_floats_bools_non_numbers_and_negatives(bad: object) -> None:
    with pytest.raises(ValueError, match=r"amount|not a"):
        money(bad)


def test_money_is_formatted_as_emails_write_it() -> None:
    assert format_money(Decimal(1500)) == "$1,500"
    assert format_money(Decimal("1500.5")) == "$1,500.50"
    assert format_money(Decimal(900), "EUR") == "€900"
    assert format_money(Decimal(900), "SEK") == "900 SEK"


def test_campaign_budget_given_as_float_is_refused_with_the_field_named() -> None:
    with pytest.raises(ModelInvalid) as caught:
        parse_campaign(campaign_data(budget=2500.5))
    assert "budget" in str(caught.value)
    assert "2500.5" in str(caught.value)
    assert isinstance(caught.value, InvalidInput)


def test_campaign_without_cpm_bounds_is_an_error_never_a_zero() -> None:
    data = campaign_data()
    del data["cpm_range"]
    with pytest.raises(ModelInvalid, match="cpm_range is missing"):
        parse_campaign(data)


def test_inverted_cpm_range_names_both_bounds() -> None:
    with pytest.raises(ModelInvalid, match=r"min 30.00 is above max 20.00"):
        parse_campaign(campaign_data(cpm_range={"min": "30", "max": "20"}))


def test_zero_cpm_bound_is_refused() -> None:
    with pytest.raises(ModelInvalid, match="must be above zero"):
        parse_campaign(campaign_data(cpm_range={"min": "0", "max": "20"}))


def test_cpm_target_with_leniency_becomes_a_symmetric_range() -> None:
    data = campaign_data(cpm_target="25", cpm_leniency_pct="20")
    del data["cpm_range"]
    campaign = parse_campaign(data)
    assert campaign.cpm_range == CpmRange(min=Decimal(20), max=Decimal(30))


def test_cpm_range_and_target_together_are_ambiguous() -> None:
    with pytest.raises(ModelInvalid, match="either cpm_range or cpm_target"):
        parse_campaign(campaign_data(cpm_target="25", cpm_leniency_pct="20"))


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ModelInvalid) as caught:
        parse_campaign(campaign_data(budget="lots", platform="myspace", client=""))
    problems = caught.value.problems
    assert any(p.startswith("budget:") and "'lots'" in p for p in problems)
    assert any(p.startswith("platform:") and "'myspace'" in p for p in problems)
    assert any(p.startswith("client:") for p in problems)


def test_deliverables_must_belong_to_the_campaign_platform() -> None:
    with pytest.raises(ModelInvalid, match="tiktok_video"):
        parse_campaign(campaign_data(target_deliverables=[{"kind": "tiktok_video"}]))


def test_campaign_is_frozen_and_round_trips_through_json() -> None:
    campaign = parse_campaign(campaign_data(max_per_influencer_without_approval="1800"))
    with pytest.raises(ValidationError):
        campaign.budget = Decimal(1)  # type: ignore[misc]
    again = Campaign.model_validate_json(campaign.model_dump_json())
    assert again == campaign
    assert '"budget":"25000.00"' in campaign.model_dump_json()


def test_influencer_email_and_handle_are_normalised() -> None:
    influencer = parse_influencer(
        {
            "name": "Ana",
            "email": "Ana Lima <ANA@Example.com>",
            "platform": "instagram",
            "handle": "@ana.lima",
            "average_views": 50000,
            "engagement_rate": 0.06,
        }
    )
    assert influencer.email == "ana@example.com"
    assert influencer.handle == "ana.lima"
    assert influencer.engagement_rate == Decimal("0.06")


def test_influencer_engagement_written_as_a_percentage_is_refused() -> None:
    with pytest.raises(ModelInvalid, match=r"engagement_rate.*0.06"):
        parse_influencer(
            {
                "name": "Ana",
                "email": "ana@example.com",
                "platform": "instagram",
                "handle": "ana",
                "average_views": 50000,
                "engagement_rate": "6",
            }
        )


def test_influencer_roster_rates_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match=r"min_rate 900\.00 is above max_rate 500\.00"):
        Influencer(
            name="Ana",
            email="ana@example.com",
            platform=Platform.TIKTOK,
            handle="ana",
            average_views=1000,
            min_rate=Decimal(900),
            max_rate=Decimal(500),
        )


def test_deliverable_types_know_their_platform_and_label() -> None:
    assert DeliverableType.YOUTUBE_INTEGRATION.platform is Platform.YOUTUBE
    assert DeliverableType.INSTAGRAM_REEL.label == "Instagram reel"
