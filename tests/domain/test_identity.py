"""One identity for an influencer and one id for their negotiation, whoever computes it."""

from __future__ import annotations

from dealdesk.domain import (
    CpmTracker,
    NegotiationPolicy,
    influencer_key,
    negotiation_id,
    start_negotiation,
)
from tests.domain.harness import T0, make_campaign, make_influencer, make_negotiation


def test_spellings_of_one_person_are_one_influencer():
    assert influencer_key("Ana Lima") == influencer_key("  ana   LIMA ")
    assert influencer_key("Ana <ANA@Example.com>") == influencer_key("ana@example.com")
    assert influencer_key("@Ana") == "@ana"
    assert (
        influencer_key("Ｆｕｌｌｗｉｄｔｈ") == "fullwidth"
    )  # NFKC: the same letters typed otherwise


def test_the_negotiation_started_for_a_campaign_entry_has_the_id_its_row_was_written_under():
    campaign = make_campaign(influencers=["@Ana", "Bob <bob@example.com>"])
    assert make_negotiation(campaign).id == negotiation_id(campaign.id, "ana@example.com")
    by_handle = start_negotiation(
        campaign,
        make_influencer(),
        CpmTracker(cpm_range=campaign.cpm_range),
        NegotiationPolicy(),
        T0,
        entry="@Ana",
    )
    assert by_handle.id == negotiation_id(campaign.id, "@ana") == f"{campaign.id}:@ana"
