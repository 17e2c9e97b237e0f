"""A campaign's roster is read from its own tab or spreadsheet, at most once per TTL."""

from __future__ import annotations

import pytest

from dealdesk.errors import ConfigError, UpstreamError
from dealdesk.integrations.sheets.cache import (
    RosterCache,
    RosterSource,
    default_source,
    quote_tab,
    resolve_source,
)
from dealdesk.integrations.sheets.mapping import RosterUnreadable
from dealdesk.runtime.clock import ManualClock
from dealdesk.runtime.settings import Settings

DEFAULT = RosterSource("sandbox-roster", "Roster")
SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
HEADER = ["Name", "Email", "Platform", "Handle", "Average Views"]


class Sheet:
    """A fetch that counts its reads and answers what the test put in."""

    def __init__(self) -> None:
        self.rows = [HEADER, ["Maya", "maya@x.example", "IG", "@maya", "100"]]
        self.reads: list[RosterSource] = []
        self.fail: Exception | None = None

    def __call__(self, source: RosterSource) -> list[list[str]]:
        self.reads.append(source)
        if self.fail is not None:
            raise self.fail
        return [list(r) for r in self.rows]


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        (None, DEFAULT),
        ("   ", DEFAULT),
        ("Q4", RosterSource("sandbox-roster", "'Q4'")),
        ("Q4 Roster", RosterSource("sandbox-roster", "'Q4 Roster'")),
        ("Q4 Roster!A1:J500", RosterSource("sandbox-roster", "'Q4 Roster'!A1:J500")),
        ("'Q4 Roster'!A:Z", RosterSource("sandbox-roster", "'Q4 Roster'!A:Z")),
        ("Roster!A2:H", RosterSource("sandbox-roster", "Roster!A2:H")),
        ("other-sheet!Creators", RosterSource("other-sheet", "Creators")),
        (f"{SHEET_ID}!Q4 Roster", RosterSource(SHEET_ID, "'Q4 Roster'")),
        (SHEET_ID, RosterSource(SHEET_ID, "Roster")),
        (
            f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=0",
            RosterSource(SHEET_ID, "Roster"),
        ),
        ("Maya's list", RosterSource("sandbox-roster", "'Maya''s list'")),
    ],
)
def test_a_campaign_names_its_roster_as_a_tab_a_spreadsheet_or_nothing(named, expected):
    assert resolve_source(named, DEFAULT) == expected


def test_tab_names_are_quoted_for_a1_only_when_they_need_it():
    assert quote_tab("Roster") == "Roster"
    assert quote_tab("Q4 Roster") == "'Q4 Roster'"
    assert quote_tab("'Q4 Roster'") == "'Q4 Roster'"
    assert quote_tab("Q4") == "'Q4'"


def test_the_default_roster_is_the_configured_spreadsheet_and_tab(data_dir):
    settings = Settings(_env_file=None, data_dir=data_dir, sheets_spreadsheet_id=SHEET_ID,
                        sheets_roster_tab="Team Roster")  # fmt: skip
    assert default_source(settings) == RosterSource(SHEET_ID, "'Team Roster'")


def test_in_sandbox_mode_the_default_roster_is_the_fakes_spreadsheet(data_dir):
    settings = Settings(_env_file=None, data_dir=data_dir)
    assert default_source(settings, "sandbox-roster") == DEFAULT


def test_live_without_a_spreadsheet_id_is_a_config_error_saying_what_to_set(data_dir):
    settings = Settings(_env_file=None, data_dir=data_dir, sheets_api_base="http://peer:1/")
    with pytest.raises(ConfigError, match="DEALDESK_SHEETS_SPREADSHEET_ID"):
        default_source(settings, "sandbox-roster")


def test_the_roster_is_read_once_per_ttl_and_again_after_it():
    sheet, clock = Sheet(), ManualClock()
    cache = RosterCache(sheet, ttl_s=300, clock=clock)
    first = cache.roster(DEFAULT)
    clock.advance(299)
    assert cache.roster(DEFAULT) is first
    assert cache.lookup(["@maya"], DEFAULT).found["@maya"].name == "Maya"
    assert len(sheet.reads) == 1
    sheet.rows.append(["Jordan", "j@x.example", "IG", "@jordan", "200"])
    clock.advance(1)
    assert cache.lookup(["Jordan"], DEFAULT).found["Jordan"].email == "j@x.example"
    assert len(sheet.reads) == 2


def test_each_tab_is_kept_on_its_own():
    sheet, clock = Sheet(), ManualClock()
    cache = RosterCache(sheet, ttl_s=300, clock=clock)
    other = resolve_source("Q4", DEFAULT)
    cache.roster(DEFAULT)
    cache.roster(other)
    cache.roster(other)
    cache.roster(DEFAULT)
    assert sheet.reads == [DEFAULT, other]


def test_invalidating_makes_the_next_lookup_read_the_sheet():
    sheet, clock = Sheet(), ManualClock()
    cache = RosterCache(sheet, ttl_s=300, clock=clock)
    cache.roster(DEFAULT)
    cache.invalidate(DEFAULT)
    cache.roster(DEFAULT)
    cache.invalidate()
    cache.roster(DEFAULT)
    assert len(sheet.reads) == 3


def test_a_failed_read_or_an_unreadable_sheet_is_not_kept():
    sheet, clock = Sheet(), ManualClock()
    cache = RosterCache(sheet, ttl_s=300, clock=clock)
    sheet.fail = UpstreamError("sheets", "values.get", "http_503", "down")
    with pytest.raises(UpstreamError):
        cache.roster(DEFAULT)
    sheet.fail = None
    sheet.rows = [["Creator"]]
    with pytest.raises(RosterUnreadable):
        cache.roster(DEFAULT)
    sheet.rows = [HEADER, ["Maya", "maya@x.example", "IG", "@maya", "100"]]
    assert cache.roster(DEFAULT).rows[0].influencer.name == "Maya"
    assert len(sheet.reads) == 3
