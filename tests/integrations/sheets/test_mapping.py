"""config/roster.yaml says which header title is which roster field; a wrong file says what."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealdesk.errors import ConfigError
from dealdesk.integrations.sheets.mapping import (
    DEFAULT_COLUMNS,
    RosterMapping,
    RosterUnreadable,
    load_roster_mapping,
)

CONFIG = Path(__file__).resolve().parents[3] / "config" / "roster.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_roster_yaml_maps_the_team_sheets_own_titles():
    assert load_roster_mapping(CONFIG) == RosterMapping(dict(DEFAULT_COLUMNS))


def test_a_file_without_columns_uses_the_team_sheets_titles(tmp_path):
    assert load_roster_mapping(write(tmp_path, "# nothing set\n")) == RosterMapping.default()


def test_a_missing_file_is_a_config_error_naming_it(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match=r"nope\.yaml: the roster column mapping is missing"):
        load_roster_mapping(missing)


def test_a_file_that_is_not_yaml_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        load_roster_mapping(write(tmp_path, "columns: [unclosed\n"))


def test_a_file_that_is_not_a_mapping_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="needs a 'columns:' mapping"):
        load_roster_mapping(write(tmp_path, "- Name\n- Email\n"))


def test_every_problem_of_a_wrong_file_is_named_at_once(tmp_path):
    text = (
        "columns:\n"
        "  Name: name\n"
        "  Creator Email: email\n"
        "  Followers: followers\n"
        "  '  name ': name\n"
        "extra: 1\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_roster_mapping(write(tmp_path, text))
    message = str(caught.value)
    assert "unknown key 'extra'" in message
    assert "column 'Followers' maps to unknown field 'followers'" in message
    assert "columns 'Name' and '  name ' are the same title" in message
    assert "required field 'platform' is mapped from no column" in message
    assert "required field 'handle' is mapped from no column" in message
    assert "required field 'average_views' is mapped from no column" in message
    assert "fields: name, email, platform" in message


def test_columns_that_are_not_a_mapping_are_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="'columns:' must map each header title"):
        load_roster_mapping(write(tmp_path, "columns: Name\n"))


def test_header_titles_match_ignoring_case_and_spaces_in_any_order():
    header = ["  handle", "EMAIL ", "Status", "average   views", "name", "PLATFORM"]
    assert RosterMapping.default().locate(header) == {
        "handle": 0,
        "email": 1,
        "average_views": 3,
        "name": 4,
        "platform": 5,
    }


def test_aliases_let_a_sheet_call_a_column_by_its_own_title():
    mapping = RosterMapping({**DEFAULT_COLUMNS, "Creator": "name"})
    header = ["Creator", "Email", "Platform", "Handle", "Average Views"]
    assert mapping.locate(header)["name"] == 0


def test_a_header_without_required_columns_names_them_and_the_header_found():
    header = ["Creator", "Handle", "Platform", "Followers", "Email", "Rate (USD)"]
    with pytest.raises(RosterUnreadable) as caught:
        RosterMapping.default().locate(header)
    message = str(caught.value)
    assert "its header has no column 'Name', 'Average Views'" in message
    assert "the header row has 'Creator', 'Handle', 'Platform', 'Followers'" in message


def test_two_columns_giving_one_field_are_refused_with_their_letters():
    mapping = RosterMapping({**DEFAULT_COLUMNS, "Creator": "name"})
    header = ["Name", "Email", "Platform", "Handle", "Average Views", "Creator"]
    with pytest.raises(RosterUnreadable, match=r"'Name' \(A\) and 'Creator' \(F\) both give name"):
        mapping.locate(header)
