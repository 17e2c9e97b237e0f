"""ClickUp tasks (in Get Task's real shape) become campaigns, or rejections naming every field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealdesk.domain.campaign import DeliverableType, Platform
from dealdesk.errors import ConfigError
from dealdesk.integrations.clickup.mapping import (
    CampaignRejected,
    FieldMapping,
    load_field_mapping,
    map_task,
)
from dealdesk.integrations.clickup.terms import (
    influencer_key,
    parse_deliverables,
    parse_influencers,
)
from dealdesk.sandbox.clickup import data

MAPPING = load_field_mapping(Path("config/campaign_fields.yaml"))
GOOD = {
    "Client Name": "Lumen Skincare",
    "Budget": "12000",
    "Platform": "Instagram",
    "Target Deliverables": "1 Instagram reel\n2 stories",
    "Influencer List": "@glowwithmaya, jordan@creators.example\nPriya Patel",
    "CPM Min": "18",
    "CPM Max": "30",
    "Timeline": "2026-12-20",
    "Paid Ads Usage": True,
}


def task(values, raw=None, task_id="86abc"):
    fields = data.form_fields()
    by_name = {f["name"]: f for f in fields}
    encoded = {by_name[k]["id"]: data.encode_value(by_name[k], v) for k, v in values.items()}
    for name, value in (raw or {}).items():
        encoded[by_name[name]["id"]] = value
    return data.task_json(
        task_id, "Glow launch", data.DEFAULT_LIST_ID, fields, encoded, created_ms=1, updated_ms=1
    )


def rejection(values, raw=None):
    with pytest.raises(CampaignRejected) as caught:
        map_task(task(values, raw), MAPPING)
    return [str(p) for p in caught.value.problems]


def test_the_form_becomes_a_campaign_with_exact_money_and_decoded_fields():
    mapped = map_task(task(GOOD), MAPPING)
    campaign = mapped.campaign
    assert campaign.id == "86abc"
    assert campaign.client == "Lumen Skincare"
    assert campaign.budget == Decimal("12000.00")
    assert campaign.platform is Platform.INSTAGRAM
    assert campaign.cpm_range.min == Decimal("18.00")
    assert [(d.kind, d.quantity) for d in campaign.target_deliverables] == [
        (DeliverableType.INSTAGRAM_REEL, 1),
        (DeliverableType.INSTAGRAM_STORY, 2),
    ]
    assert campaign.influencers == ("@glowwithmaya", "jordan@creators.example", "Priya Patel")
    assert str(campaign.timeline.ends_on) == "2026-12-20"
    assert campaign.usage_rights.paid_ads is True
    assert mapped.list_id == data.DEFAULT_LIST_ID


def test_currency_comes_from_the_currency_fields_own_type():
    raw_task = task(GOOD)
    for element in raw_task["custom_fields"]:
        if element["name"] == "Budget":
            element["type_config"] = {"currency_type": "EUR", "precision": 2}
    assert map_task(raw_task, MAPPING).campaign.currency == "EUR"


def test_every_wrong_field_is_listed_with_its_name_and_value():
    problems = rejection(
        {**GOOD, "CPM Min": "40", "CPM Max": "20", "Target Deliverables": "3 podcasts"},
        raw={"Platform": 9, "Budget": "lots"},
    )
    text = "\n".join(problems)
    assert "Platform" in text
    assert "9" in text
    assert "Budget" in text
    assert "lots" in text
    assert "Target Deliverables" in text
    assert "podcasts" in text
    assert "CPM Min" in text
    assert "40" in text
    assert len(problems) == 4


def test_an_inverted_cpm_range_names_the_cpm_field_and_both_values():
    problems = rejection({**GOOD, "CPM Min": "40", "CPM Max": "20"})
    assert len(problems) == 1
    assert problems[0].startswith("CPM Min:")
    assert "40" in problems[0]
    assert "20" in problems[0]


def test_missing_required_fields_are_each_named():
    values = {k: v for k, v in GOOD.items() if k not in {"Budget", "Influencer List"}}
    problems = rejection(values)
    assert any(p.startswith("Budget: is required") for p in problems)
    assert any(p.startswith("Influencer List: is required") for p in problems)


def test_a_zero_budget_and_a_missing_cpm_are_errors_never_zero():
    values = {k: v for k, v in GOOD.items() if k not in {"CPM Min", "CPM Max"}}
    problems = rejection({**values, "Budget": "0"})
    assert any(p.startswith("Budget:") for p in problems)
    assert any("CPM" in p or "cpm" in p for p in problems)


def test_deliverables_for_another_platform_are_rejected():
    problems = rejection({**GOOD, "Target Deliverables": "2 YouTube shorts"})
    assert any(p.startswith("Target Deliverables:") for p in problems)


def test_influencer_lists_split_on_commas_and_newlines_and_drop_duplicates():
    assert parse_influencers("@A, a@x.example\n\n- Jane  Doe;@a") == (
        "@A",
        "a@x.example",
        "Jane Doe",
    )
    assert influencer_key("Jane <JANE@X.example>") == "jane@x.example"
    with pytest.raises(ValueError, match="control"):
        parse_influencers("bad\x07name")


def test_deliverables_read_as_people_write_them():
    assert parse_deliverables("2x IG reel, story (3)", Platform.INSTAGRAM) == (
        {"kind": "instagram_reel", "quantity": 2},
        {"kind": "instagram_story", "quantity": 3},
    )
    assert parse_deliverables(("Dedicated video",), Platform.YOUTUBE) == (
        {"kind": "youtube_dedicated", "quantity": 1},
    )
    with pytest.raises(ValueError, match=r"tiktok has no reel|not a deliverable"):
        parse_deliverables("tiktok reel", Platform.TIKTOK)


def test_an_unsupported_platform_option_is_named_by_its_label_not_its_orderindex():
    raw_task = task(GOOD, raw={"Platform": 3})
    for element in raw_task["custom_fields"]:
        if element["name"] == "Platform":
            options = element["type_config"]["options"]
            options.append({"id": "opt-pin", "name": "Pinterest", "color": None, "orderindex": 3})
    with pytest.raises(CampaignRejected) as caught:
        map_task(raw_task, MAPPING)
    [platform] = [p for p in caught.value.problems if p.field == "Platform"]
    assert str(platform).endswith('(got "Pinterest")')
    assert "got 3" not in str(platform)
    assert platform.raw == 3  # ClickUp's own value stays available to code


def test_a_budget_sent_as_a_float_is_shown_as_the_number_typed():
    problems = rejection(GOOD, raw={"Budget": -12000.0})
    assert problems == ["Budget: must be above zero (got -12000 USD)"]


def test_a_model_error_shows_the_one_field_behind_it_not_the_campaigns_data():
    problems = rejection({**GOOD, "Usage Rights (days)": "5000"})
    assert len(problems) == 1
    assert problems[0].startswith("Usage Rights (days):")
    assert problems[0].endswith("(got 5000)")


def test_dates_in_an_error_are_iso_dates_not_epoch_milliseconds():
    raw_task = task(GOOD)
    [timeline] = [f for f in raw_task["custom_fields"] if f["name"] == "Timeline"]
    # a second date field, set to 2026-12-25: after the Timeline's end date, 2026-12-20
    start = {**timeline, "id": "f-start", "name": "Start Date", "value": "1798200000000"}
    raw_task["custom_fields"].append(start)
    fields = {**MAPPING.fields, "Start Date": "timeline_start"}
    with pytest.raises(CampaignRejected) as caught:
        map_task(raw_task, FieldMapping(fields, MAPPING.required))
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.endswith("(got Timeline 2026-12-20, Start Date 2026-12-25)")


def test_deliverables_for_another_platform_are_named_as_people_write_them():
    [problem] = rejection({**GOOD, "Target Deliverables": "2 YouTube shorts"})
    assert problem.startswith("Target Deliverables: YouTube short is not for Instagram")
    assert "youtube_short" not in problem
    assert problem.endswith('(got "2 YouTube shorts")')


def test_a_mapping_file_with_an_unknown_term_fails_clearly(tmp_path):
    path = tmp_path / "fields.yaml"
    path.write_text("fields:\n  Budget: budgett\nrequired: [client]\n")
    with pytest.raises(ConfigError, match="budgett") as caught:
        load_field_mapping(path)
    assert "client" in str(caught.value)


odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=40),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@given(
    st.dictionaries(
        st.sampled_from([f["name"] for f in data.form_fields()]), odd_values, max_size=8
    )
)
def test_odd_wire_values_in_any_field_map_or_reject_with_reasons(raw):
    problems: tuple = ()
    try:
        map_task(task(GOOD, raw), MAPPING)
    except CampaignRejected as exc:
        problems = exc.problems or ("(none)",)
    assert all(":" in str(p) for p in problems)
