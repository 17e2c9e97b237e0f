"""The sandbox Sheets answers values.get as Google does: ValueRange, ragged rows, error envelope."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import httplib2
import pytest

from dealdesk.sandbox.sheets.a1 import GridRange, parse_a1
from dealdesk.sandbox.sheets.example import EXAMPLE_ROSTER, read_csv
from dealdesk.sandbox.sheets.fake import SANDBOX_SPREADSHEET_ID, FakeSheets

CSV = Path(__file__).resolve().parents[3] / "config" / "example_roster.csv"


def get(fake: FakeSheets, spreadsheet: str, range_a1: str, **params: str):
    """One GET as google-api-python-client sends it: the range percent-encoded in the path."""
    query = "&".join(f"{k}={v}" for k, v in {**params, "alt": "json"}.items())
    url = (
        f"{fake.base_url}/v4/spreadsheets/{quote(spreadsheet, safe='')}/values/"
        f"{quote(range_a1, safe='')}?{query}"
    )
    http = httplib2.Http(timeout=5)
    try:
        response, body = http.request(url, "GET")
    finally:
        http.close()
    return response.status, json.loads(body)


def test_a_whole_tab_is_answered_ragged_with_trailing_empty_cells_and_rows_omitted(fake_sheets):
    fake_sheets.set_values("book", "Roster", [["Name", "Email", ""], [], ["Maya", "", "x", "", ""],
                                              ["", ""], []])  # fmt: skip
    status, body = get(fake_sheets, "book", "Roster")
    assert status == 200
    assert body == {
        "range": "Roster!A1:C3",
        "majorDimension": "ROWS",
        "values": [["Name", "Email"], [], ["Maya", "", "x"]],
    }


def test_every_cell_is_a_string(fake_sheets):
    fake_sheets.set_values("book", "Numbers", [["Views", "Rate"], [125400, 4.2], [None, True]])
    _, body = get(fake_sheets, "book", "Numbers")
    assert body["values"] == [["Views", "Rate"], ["125400", "4.2"], ["", "True"]]


def test_a_range_is_clipped_to_the_data_and_echoed_as_asked(fake_sheets):
    fake_sheets.set_values("book", "Roster", [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]])
    _, body = get(fake_sheets, "book", "Roster!B2:H100")
    assert body["range"] == "Roster!B2:H100"
    assert body["values"] == [["e", "f"], ["h", "i"]]
    _, body = get(fake_sheets, "book", "Roster!A2:B")
    assert body == {"range": "Roster!A2:B3", "majorDimension": "ROWS",
                    "values": [["d", "e"], ["g", "h"]]}  # fmt: skip
    _, body = get(fake_sheets, "book", "Roster!C1")
    assert body["values"] == [["c"]]


def test_a_quoted_tab_with_spaces_and_a_percent_encoded_range_are_read(fake_sheets):
    fake_sheets.set_values("book", "Tab with spaces", [["x"]])
    fake_sheets.set_values("book", "Maya's 50%/list", [["y"]])
    status, body = get(fake_sheets, "book", "'Tab with spaces'!A:Z")
    assert status == 200
    assert body["range"] == "'Tab with spaces'!A1:Z1"
    assert body["values"] == [["x"]]
    status, body = get(fake_sheets, "book", "'Maya''s 50%/list'")
    assert status == 200
    assert body["values"] == [["y"]]
    assert fake_sheets.reads()[-1] == ("book", "'Maya''s 50%/list'")


def test_a_range_without_a_tab_reads_the_first_tab(fake_sheets):
    _, body = get(fake_sheets, SANDBOX_SPREADSHEET_ID, "A1:B2")
    assert body["range"] == "Roster!A1:B2"
    assert body["values"] == [["Name", "Handle"], ["Maya Chen", "@glowwithmaya"]]


def test_an_empty_range_has_no_values_key(fake_sheets):
    fake_sheets.set_values("book", "Empty", [])
    _, body = get(fake_sheets, "book", "Empty")
    assert body == {"range": "Empty!A1", "majorDimension": "ROWS"}
    _, body = get(fake_sheets, SANDBOX_SPREADSHEET_ID, "Roster!Z100:Z200")
    assert "values" not in body


def test_columns_are_answered_when_asked(fake_sheets):
    fake_sheets.set_values("book", "T", [["a", "b"], ["c"]])
    _, body = get(fake_sheets, "book", "T", majorDimension="COLUMNS")
    assert body["majorDimension"] == "COLUMNS"
    assert body["values"] == [["a", "c"], ["b"]]


@pytest.mark.parametrize("bad", ["Roster!", "Roster!A1:", "'Unclosed!A1", "Nope", "Roster!A:5"])
def test_an_unparsable_range_or_unknown_tab_is_a_400_in_googles_envelope(fake_sheets, bad):
    status, body = get(fake_sheets, SANDBOX_SPREADSHEET_ID, bad)
    assert status == 400
    assert body == {"error": {"code": 400, "message": f"Unable to parse range: {bad}",
                              "status": "INVALID_ARGUMENT"}}  # fmt: skip


def test_an_unknown_spreadsheet_is_a_404_in_googles_envelope(fake_sheets):
    status, body = get(fake_sheets, "no-such-sheet", "Roster")
    assert status == 404
    assert body["error"]["status"] == "NOT_FOUND"
    assert body["error"]["code"] == 404


def test_the_default_spreadsheet_holds_the_example_roster_and_is_the_apps_default():
    fake = FakeSheets()
    assert fake.app_defaults() == {"spreadsheet_id": SANDBOX_SPREADSHEET_ID}
    assert fake.values_of(SANDBOX_SPREADSHEET_ID, "Roster") == [list(r) for r in EXAMPLE_ROSTER]


def test_the_example_roster_in_config_is_the_one_the_sandbox_serves():
    assert read_csv(CSV) == [list(r) for r in EXAMPLE_ROSTER]


def test_another_roster_file_can_be_served(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Name,Email\nAna,ana@x.example\n", encoding="utf-8")
    fake = FakeSheets(roster_file=path)
    assert fake.values_of(SANDBOX_SPREADSHEET_ID, "Roster") == [["Name", "Email"],
                                                               ["Ana", "ana@x.example"]]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "grid"),
    [
        ("Roster", GridRange("Roster")),
        ("Roster!A1:H100", GridRange("Roster", 0, 99, 0, 7)),
        ("'Tab with spaces'!A:Z", GridRange("Tab with spaces", None, None, 0, 25)),
        ("Roster!2:10", GridRange("Roster", 1, 9, None, None)),
        ("Roster!A2:H", GridRange("Roster", 1, None, 0, 7)),
        ("Roster!B2", GridRange("Roster", 1, 1, 1, 1)),
        ("Roster!H100:A1", GridRange("Roster", 0, 99, 0, 7)),
        ("A1:B2", GridRange(None, 0, 1, 0, 1)),
        ("'It''s'!$A$1:$B$2", GridRange("It's", 0, 1, 0, 1)),
    ],
)
def test_a1_ranges_are_read_as_sheets_reads_them(text, grid):
    assert parse_a1(text) == grid


@pytest.mark.parametrize("bad", ["", "!A1", "Roster!A0", "Roster!A", "'open"])
def test_what_is_not_a1_notation_is_refused(bad):
    with pytest.raises(ValueError):
        parse_a1(bad)
