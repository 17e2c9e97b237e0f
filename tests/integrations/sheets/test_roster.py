"""A roster sheet's rows become influencers or problems, and campaign entries find their row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dealdesk.domain.campaign import Platform
from dealdesk.integrations.sheets.mapping import RosterMapping, RosterUnreadable
from dealdesk.integrations.sheets.roster import Roster, parse_roster, resolve

HEADER = ["Name", "Email", "Platform", "Handle", "Average Views", "Engagement Rate", "Min Rate",
          "Max Rate", "Notes"]  # fmt: skip


def roster(*rows: list[str], header: list[str] = HEADER) -> Roster:
    return parse_roster([header, *rows], RosterMapping.default())


def test_a_row_becomes_an_influencer_with_every_number_read_as_written():
    read = roster(
        ["Priya Patel", "Priya.Patel@Creators.example", "Instagram", "@priyaglow", "125,400",
         "4.2%", "$1,500", "$2,500.00", "Prefers reels"],
    )  # fmt: skip
    assert read.problems == ()
    (row,) = read.rows
    assert row.row_number == 2
    assert row.notes == "Prefers reels"
    who = row.influencer
    assert who.name == "Priya Patel"
    assert who.email == "priya.patel@creators.example"
    assert who.platform is Platform.INSTAGRAM
    assert who.handle == "priyaglow"
    assert who.average_views == 125_400
    assert who.engagement_rate == Decimal("0.042")
    assert who.min_rate == Decimal("1500.00")
    assert who.max_rate == Decimal("2500.00")


@pytest.mark.parametrize(
    ("views", "engagement", "low", "high", "expected"),
    [
        ("125400", "4.2", "1500 USD", "$1,500.00", (125_400, "0.042", "1500", "1500")),
        ("125.4k", "0.042", "$1,200", "2000", (125_400, "0.042", "1200", "2000")),
        ("1.2M", "12%", "$4,000", "$6,500", (1_200_000, "0.12", "4000", "6500")),
    ],
)
def test_each_format_people_use_reads_the_same(views, engagement, low, high, expected):
    read = roster(["A", "a@x.example", "IG", "a", views, engagement, low, high])
    who = read.rows[0].influencer
    assert (who.average_views, who.engagement_rate, who.min_rate, who.max_rate) == (
        expected[0],
        Decimal(expected[1]),
        Decimal(expected[2]),
        Decimal(expected[3]),
    )


def test_columns_in_another_order_and_unknown_columns_are_read_by_title():
    header = ["Status", "handle", "AVERAGE VIEWS", " Email ", "name", "Platform", "Followers"]
    read = roster(["Active", "@maya", "85,000", "maya@x.example", "Maya", "TikTok", "1M"],
                  header=header)  # fmt: skip
    who = read.rows[0].influencer
    assert (who.name, who.handle, who.platform, who.average_views) == (
        "Maya",
        "maya",
        Platform.TIKTOK,
        85_000,
    )
    assert who.engagement_rate is None
    assert who.min_rate is None


def test_blank_rows_are_skipped_and_ragged_rows_read_missing_cells_as_empty():
    read = roster(
        [],
        ["", "  ", ""],
        ["Lena Ortiz", "lena@ortiz.example", "Instagram", "@lenaortiz", "48,900"],
    )
    assert read.problems == ()
    (row,) = read.rows
    assert row.row_number == 4
    assert row.influencer.engagement_rate is None
    assert row.influencer.max_rate is None
    assert row.notes == ""


def test_rows_before_the_header_and_the_first_row_offset_keep_the_sheets_row_numbers():
    read = parse_roster(
        [[], HEADER, ["A", "a@x.example", "IG", "a", "100"]], RosterMapping.default(), first_row=3
    )
    assert read.rows[0].row_number == 5


def test_a_row_without_an_email_is_a_problem_naming_the_row_and_the_creator():
    read = roster(["Sam Rivera", "", "TikTok", "@samcooks", "240k"])
    assert read.rows == ()
    (problem,) = read.problems
    assert (problem.row_number, problem.name_or_entry, problem.reason) == (
        2,
        "Sam Rivera",
        "without a valid email",
    )
    assert str(problem) == "row 2 (Sam Rivera): without a valid email"


def test_every_problem_of_a_row_is_said_with_the_sheets_own_column_titles():
    read = roster(["", "maya at gmail", "Snapchat", "@maya", "lots", "140%", "$2,000", "$1,000"])
    (problem,) = read.problems
    assert problem.name_or_entry == "@maya"
    assert "with Platform 'Snapchat', which is not a platform dealdesk negotiates on" in (
        problem.reason
    )
    assert "with Average Views 'lots', which is not a number of views" in problem.reason
    assert "with Engagement Rate '140%', which is above 100%" in problem.reason
    assert "without a valid email ('maya at gmail' is not an address)" in problem.reason
    assert "with no Name" in problem.reason


def test_rates_out_of_order_are_a_problem_showing_both_amounts():
    read = roster(["A", "a@x.example", "IG", "a", "100", "", "$2,000", "$1,000"])
    assert read.problems[0].reason == "with Min Rate $2,000 above Max Rate $1,000"


def test_a_row_without_views_or_handle_says_which_column_is_empty():
    read = roster(["A", "a@x.example", "IG"])
    assert read.problems[0].reason == "with no Handle and with no Average Views"


def test_an_empty_sheet_cannot_be_read_as_a_roster():
    with pytest.raises(RosterUnreadable, match="the sheet is empty"):
        parse_roster([[], []], RosterMapping.default())


def test_a_header_missing_columns_cannot_be_read_as_a_roster():
    with pytest.raises(RosterUnreadable, match="'Email'"):
        parse_roster([["Name", "Platform", "Handle", "Average Views"]], RosterMapping.default())


# -- matching -------------------------------------------------------------------------------------

TEAM = roster(
    ["Maya Chen", "maya@glowwithmaya.example", "Instagram", "@glowwithmaya", "85,000"],
    ["Jordan Lee", "jordan.lee@creatormail.example", "IG", "@jordanlee.creates", "62000"],
    ["Priya Patel", "priya.patel@creators.example", "Instagram", "@priyaglow", "125,400"],
    ["Sam Rivera", "", "TikTok", "@samcooks", "240k"],
    ["Alex Kim", "alex@kimvlogs.example", "YouTube", "@alexkim", "1.2M"],
    ["Alex Kim", "alex.kim@other.example", "YouTube", "@alexkimfood", "90,000"],
)


@pytest.mark.parametrize(
    ("entry", "email"),
    [
        ("Priya Patel", "priya.patel@creators.example"),
        ("  priya   PATEL ", "priya.patel@creators.example"),
        ("@glowwithmaya", "maya@glowwithmaya.example"),
        ("@GlowWithMaya", "maya@glowwithmaya.example"),
        ("glowwithmaya", "maya@glowwithmaya.example"),
        ("jordan.lee@creatormail.example", "jordan.lee@creatormail.example"),
        ("Jordan.Lee@CreatorMail.example", "jordan.lee@creatormail.example"),
        ("Jordan Lee <jordan.lee@creatormail.example>", "jordan.lee@creatormail.example"),
        ("J. Lee <jordan.lee@creatormail.example>", "jordan.lee@creatormail.example"),
        ("@alexkim", "alex@kimvlogs.example"),
    ],
)
def test_an_entry_finds_its_row_by_name_handle_or_email_as_people_type_them(entry, email):
    found = TEAM.match(entry)
    assert found is not None
    assert found.email == email


def test_an_entry_on_no_row_is_not_on_the_roster():
    outcome = TEAM.find("Taylor Swift")
    assert outcome.influencer is None
    assert outcome.reason == "not on the roster"
    assert TEAM.match("@nobody") is None
    assert TEAM.match("nobody@x.example") is None


def test_an_entry_naming_a_row_with_a_problem_says_the_problem_and_the_row():
    for entry in ("Sam Rivera", "@samcooks"):
        outcome = TEAM.find(entry)
        assert outcome.influencer is None
        assert outcome.reason == "on the roster without a valid email (row 5)"


def test_a_name_on_two_rows_is_ambiguous_and_lists_both():
    outcome = TEAM.find("alex kim")
    assert outcome.influencer is None
    assert outcome.reason == (
        "matches 2 roster rows: Alex Kim (row 6, @alexkim, alex@kimvlogs.example); "
        "Alex Kim (row 7, @alexkimfood, alex.kim@other.example); "
        "write the @handle or email of the one you mean"
    )


def test_a_name_with_an_email_the_roster_does_not_have_is_not_matched_and_says_which_it_has():
    outcome = TEAM.find("Priya Patel <priya@elsewhere.example>")
    assert outcome.influencer is None
    assert outcome.reason is not None
    assert outcome.reason.startswith(
        "on the roster as Priya Patel (row 4) with the email priya.patel@creators.example, "
        "not priya@elsewhere.example"
    )
    assert TEAM.find("Nobody <nobody@x.example>").reason == "not on the roster"


def test_the_same_email_on_two_rows_asks_to_keep_one():
    read = roster(
        ["Maya", "maya@x.example", "IG", "@maya", "100"],
        ["Maya C", "maya@x.example", "IG", "@mayac", "100"],
    )
    reason = read.find("maya@x.example").reason
    assert reason is not None
    assert reason.startswith("matches 2 roster rows:")
    assert reason.endswith("keep one of them on the roster")


def test_resolve_splits_a_campaigns_entries_into_found_and_missing_with_reasons():
    entries = ["@glowwithmaya", "jordan.lee@creatormail.example", "Priya Patel", "Sam Rivera",
               "Alex Kim", "Taylor"]  # fmt: skip
    lookup = resolve(entries, TEAM)
    assert {e: i.name for e, i in lookup.found.items()} == {
        "@glowwithmaya": "Maya Chen",
        "jordan.lee@creatormail.example": "Jordan Lee",
        "Priya Patel": "Priya Patel",
    }
    assert lookup.missing["Sam Rivera"] == "on the roster without a valid email (row 5)"
    assert lookup.missing["Alex Kim"].startswith("matches 2 roster rows: ")
    assert lookup.missing["Taylor"] == "not on the roster"


def test_the_row_of_an_influencer_is_found_for_its_notes():
    who = TEAM.match("Maya Chen")
    assert who is not None
    row = TEAM.row_of(who)
    assert row is not None
    assert row.row_number == 2
