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
    read_deliverables,
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


REEL_AND_STORIES = (
    {"kind": "instagram_reel", "quantity": 1},
    {"kind": "instagram_story", "quantity": 2},
)


@pytest.mark.parametrize(
    "written",
    [
        "1 reel + 2 stories",
        "1 Instagram reel & 2 stories",
        "1 reel and 2 stories",
        "1 reel plus 2 stories",
        "1 reel, 2 stories",
        "one reel and two stories",
        "Reels: 1\nStories: 2",
        "Deliverables:\n- 1 reel\n- 2 stories",
    ],
)
def test_deliverables_joined_by_plus_ampersand_or_and_read_as_commas_do(written):
    assert parse_deliverables(written, Platform.INSTAGRAM) == REEL_AND_STORIES


def test_tiktoks_count_as_tiktok_videos():
    assert parse_deliverables("2 TikToks and 1 story", Platform.TIKTOK) == (
        {"kind": "tiktok_video", "quantity": 2},
        {"kind": "tiktok_story", "quantity": 1},
    )


def test_words_that_join_a_remark_to_a_deliverable_do_not_split_it():
    assert parse_deliverables("1 story with link and tag", Platform.INSTAGRAM) == (
        {"kind": "instagram_story", "quantity": 1},
    )


def test_a_note_in_brackets_or_a_line_for_one_creator_is_kept_apart_not_counted():
    read = read_deliverables(
        "1 reel (Maya: 2 reels) + 2 stories\nJordan: 3 reels", Platform.INSTAGRAM
    )
    assert read.deliverables == REEL_AND_STORIES
    assert read.notes == ("Maya: 2 reels", "Jordan: 3 reels")
    sections = "Maya:\n- 4 reels\nEveryone:\n- 1 reel\n- 2 stories"
    assert parse_deliverables(sections, Platform.INSTAGRAM) == REEL_AND_STORIES


def test_usage_written_for_one_creator_stays_that_creators_note():
    read = read_deliverables("1 reel\nMaya: 1 reel (60 days usage)", Platform.INSTAGRAM)
    assert read.usage is None
    assert "60 days usage" in read.notes


def test_deliverables_given_only_for_named_creators_are_refused_saying_what_to_write():
    with pytest.raises(ValueError, match="only for named creators") as caught:
        parse_deliverables("Maya: 1 reel\nJordan: 2 stories", Platform.INSTAGRAM)
    assert "(Maya, Jordan)" in str(caught.value)
    assert 'write deliverables like "1 reel, 2 stories" or "1 reel + 2 stories"' in str(
        caught.value
    )


def test_an_unreadable_deliverable_is_refused_saying_how_deliverables_are_written():
    [problem] = rejection({**GOOD, "Target Deliverables": "1 reel 2 stories"})
    assert problem.startswith('Target Deliverables: "1 reel 2 stories" names more than one')
    assert 'write deliverables like "1 reel, 2 stories" or "1 reel + 2 stories"' in problem


@pytest.mark.parametrize(
    ("written", "days", "paid"),
    [
        ("1 reel + 2 stories, 30 days organic usage", 30, False),
        ("1 reel + 2 stories\nusage: 60 days paid", 60, True),
        ("1 reel & 2 stories (90 days organic + paid usage)", 90, True),
        ("1 reel and 2 stories with 2 months usage", 60, False),
        ("Deliverables: 1 reel, 2 stories\nUsage rights:\n1 year, whitelisting", 365, True),
    ],
)
def test_usage_written_into_the_deliverables_field_becomes_the_usage_rights(written, days, paid):
    values = {k: v for k, v in GOOD.items() if k != "Paid Ads Usage"}
    campaign = map_task(task({**values, "Target Deliverables": written}), MAPPING).campaign
    assert [(d.kind.value, d.quantity) for d in campaign.target_deliverables] == [
        ("instagram_reel", 1),
        ("instagram_story", 2),
    ]
    assert campaign.usage_rights.duration_days == days
    assert campaign.usage_rights.paid_ads is paid


def test_usage_in_the_deliverables_field_may_repeat_what_the_usage_fields_say():
    values = {**GOOD, "Target Deliverables": "1 reel, 60 days paid usage"}
    campaign = map_task(task({**values, "Usage Rights (days)": "60"}), MAPPING).campaign
    assert campaign.usage_rights.duration_days == 60
    assert campaign.usage_rights.paid_ads is True


def test_usage_in_the_deliverables_field_that_contradicts_the_usage_field_is_ambiguous():
    values = {**GOOD, "Target Deliverables": "1 reel\nusage: 60 days paid"}
    [problem] = rejection({**values, "Usage Rights (days)": "30"})
    assert problem.startswith(
        'Target Deliverables: says 60 days of usage ("usage: 60 days paid") but '
        "Usage Rights (days) says 30"
    )


def test_organic_only_usage_with_the_paid_ads_box_ticked_is_ambiguous():
    [problem] = rejection({**GOOD, "Target Deliverables": "1 reel (30 days organic usage)"})
    assert "organic usage only" in problem
    assert "Paid Ads Usage is checked" in problem


def test_written_paid_usage_is_taken_over_an_unticked_paid_ads_box():
    values = {**GOOD, "Paid Ads Usage": False, "Target Deliverables": "1 reel, 30 days paid usage"}
    assert map_task(task(values), MAPPING).campaign.usage_rights.paid_ads is True


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("1 reel, 30 days", '"30 days" does not say what it is for: write usage like'),
        ("1 reel, usage: perpetual", '"usage: perpetual" gives no usage length'),
        ("1 reel, 30 days organic, 60 days paid", "gives usage terms that disagree"),
        ("30 days organic usage", "lists usage terms but no deliverable; write deliverables"),
    ],
)
def test_usage_that_cannot_be_pinned_down_is_refused_saying_how_to_write_it(written, says):
    with pytest.raises(ValueError, match="write") as caught:
        read_deliverables(written, Platform.INSTAGRAM)
    assert says in str(caught.value)


def test_deliverables_lacking_only_the_unreadable_platform_are_not_blamed_for_it():
    problems = rejection({**GOOD, "Target Deliverables": "1 reel, 2 stories"}, raw={"Platform": 9})
    assert len(problems) == 1
    assert problems[0].startswith("Platform:")


items = st.lists(
    st.tuples(st.integers(1, 9), st.sampled_from(["reel", "stories", "IG post", "story"])),
    min_size=1,
    max_size=4,
)


joins = st.lists(st.sampled_from([", ", " + ", " & ", " and ", " plus ", "\n", "; "]), min_size=4)


@given(items, joins)
def test_any_mix_of_joins_reads_as_the_comma_list_would(pairs, between):
    written = [f"{n} {kind}" for n, kind in pairs]
    mixed = written[0] + "".join(j + w for j, w in zip(between, written[1:], strict=False))
    by_commas = parse_deliverables(", ".join(written), Platform.INSTAGRAM)
    assert parse_deliverables(mixed, Platform.INSTAGRAM) == by_commas


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


@given(st.text(alphabet="reolstyandusgpidcM2030 ,+&()[]:;\n-x", max_size=80))
def test_any_text_in_the_deliverables_field_reads_or_is_refused_with_a_sentence(text):
    problem = ""
    try:
        read = read_deliverables(text, Platform.INSTAGRAM)
    except ValueError as exc:
        problem = str(exc)
    else:
        assert read.deliverables
    assert problem.count('"') % 2 == 0  # every value it names is quoted whole


@pytest.mark.parametrize(("chosen", "review"), [("Outreach", "outreach"), ("All", "all")])
def test_a_review_drafts_choice_sets_which_of_the_campaigns_emails_wait_for_review(chosen, review):
    assert map_task(task(GOOD | {"Review Drafts": chosen}), MAPPING).campaign.review == review
    assert (
        map_task(task(GOOD), MAPPING).campaign.review is None
    )  # unset: the team's setting decides
