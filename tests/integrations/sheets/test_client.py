"""The real google-api-python-client reads the sandbox Sheets under the shared retry policy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google.oauth2.credentials import Credentials
from pydantic import SecretStr

from dealdesk.errors import UpstreamError
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.sheets.cache import (
    RosterCache,
    RosterSource,
    resolve_source,
    sheet_fetcher,
)
from dealdesk.integrations.sheets.client import SheetsClient, build_sheets
from dealdesk.runtime.clock import ManualClock
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.base import Fault
from dealdesk.sandbox.sheets.fake import SANDBOX_SHEETS_TOKEN, SANDBOX_SPREADSHEET_ID, FakeSheets

GOOGLE_500 = {"error": {"code": 500, "message": "Internal error encountered.",
                        "status": "INTERNAL"}}  # fmt: skip


class Client:
    """A SheetsClient on the fake, with the reports it made."""

    def __init__(self, fake: FakeSheets, base_url: str, *, sandboxed: bool = True) -> None:
        endpoint = Endpoint(Service.SHEETS, base_url, SecretStr(SANDBOX_SHEETS_TOKEN), sandboxed)
        self.resource = build_sheets(endpoint, None)
        self.reports: list[ErrorReport] = []
        self.sheets = SheetsClient(
            self.resource, RetryPolicy.without_waiting(), self.reports.append
        )
        self.fake = fake


@pytest.fixture
def client(fake_sheets: FakeSheets) -> Iterator[Client]:
    made = Client(fake_sheets, fake_sheets.base_url + "/")
    yield made
    made.sheets.close()


def test_a_base_url_with_a_trailing_slash_is_used_unchanged(client):
    assert client.resource._baseUrl == client.fake.base_url + "/"
    rows = client.sheets.values(SANDBOX_SPREADSHEET_ID, "Roster")
    assert rows[0][:4] == ["Name", "Handle", "Platform", "Email"]
    assert (
        client.fake.requests[-1].path == f"/v4/spreadsheets/{SANDBOX_SPREADSHEET_ID}/values/Roster"
    )


def test_a_base_url_without_a_trailing_slash_reaches_the_same_path(fake_sheets):
    made = Client(fake_sheets, fake_sheets.base_url)
    try:
        assert made.sheets.values(SANDBOX_SPREADSHEET_ID, "Roster!A1:A1") == [["Name"]]
    finally:
        made.sheets.close()
    assert fake_sheets.requests[-1].path.startswith("/v4/spreadsheets/")


def test_a_peer_without_credentials_is_read_anonymously_at_its_address(fake_sheets):
    made = Client(fake_sheets, fake_sheets.base_url + "/", sandboxed=False)
    try:
        assert made.sheets.values(SANDBOX_SPREADSHEET_ID, "Roster!A1") == [["Name"]]
    finally:
        made.sheets.close()
    assert "authorization" not in {k.lower() for k in fake_sheets.requests[-1].headers}


def test_real_credentials_go_to_googles_own_endpoint():
    endpoint = Endpoint(Service.SHEETS, "https://sheets.googleapis.com/", SecretStr("x"), False)
    resource = build_sheets(endpoint, Credentials(token="ya29.test"))
    try:
        assert resource._baseUrl == "https://sheets.googleapis.com/"
    finally:
        resource.close()


def test_a_tab_with_spaces_travels_percent_encoded_and_comes_back_ragged(client):
    client.fake.set_values(SANDBOX_SPREADSHEET_ID, "Q4 Roster",
                           [["Name", "Email", "Notes"], [], ["Maya", "m@x.example", ""]])  # fmt: skip
    request = (
        client.resource.spreadsheets()
        .values()
        .get(spreadsheetId=SANDBOX_SPREADSHEET_ID, range="'Q4 Roster'!A1:C3")
    )
    assert "/values/%27Q4%20Roster%27%21A1%3AC3?" in request.uri
    rows = client.sheets.values(SANDBOX_SPREADSHEET_ID, "'Q4 Roster'!A1:C3")
    assert rows == [["Name", "Email", "Notes"], [], ["Maya", "m@x.example"]]
    assert client.fake.reads()[-1] == (SANDBOX_SPREADSHEET_ID, "'Q4 Roster'!A1:C3")


def test_an_empty_range_is_no_rows(client):
    client.fake.set_values(SANDBOX_SPREADSHEET_ID, "Empty", [])
    assert client.sheets.values(SANDBOX_SPREADSHEET_ID, "Empty") == []


def test_a_500_is_retried_by_the_shared_policy_and_nothing_is_reported(client):
    client.fake.inject(Fault(status=500, body=GOOGLE_500, times=1))
    rows = client.sheets.values(SANDBOX_SPREADSHEET_ID, "Roster!A1")
    assert rows == [["Name"]]
    assert len(client.fake.reads()) == 2
    assert client.reports == []


def test_a_500_that_outlasts_the_retries_is_an_upstream_error_and_one_report(client):
    client.fake.inject(Fault(status=500, body=GOOGLE_500, times=3))
    with pytest.raises(UpstreamError) as caught:
        client.sheets.values(SANDBOX_SPREADSHEET_ID, "Roster")
    assert (caught.value.service, caught.value.operation, caught.value.kind) == (
        "sheets",
        "values.get",
        "http_500",
    )
    assert caught.value.attempts == 3
    assert len(client.fake.reads()) == 3
    assert [(r.service, r.operation, r.kind) for r in client.reports] == [
        ("sheets", "values.get", "http_500")
    ]


def test_an_unknown_spreadsheet_is_a_404_that_is_not_retried(client):
    with pytest.raises(UpstreamError) as caught:
        client.sheets.values("no-such-sheet", "Roster")
    assert caught.value.status == 404
    assert caught.value.attempts == 1
    assert len(client.fake.reads()) == 1
    assert [r.kind for r in client.reports] == ["http_404"]


def test_an_unparsable_range_is_a_400_that_is_not_retried(client):
    with pytest.raises(UpstreamError) as caught:
        client.sheets.values(SANDBOX_SPREADSHEET_ID, "No such tab")
    assert caught.value.status == 400
    assert "Unable to parse range" in caught.value.message
    assert len(client.fake.reads()) == 1


def test_the_example_campaigns_influencers_are_found_on_the_sandbox_roster(client):
    cache = RosterCache(sheet_fetcher(client.sheets), ttl_s=300, clock=ManualClock())
    source = resolve_source(None, RosterSource(SANDBOX_SPREADSHEET_ID, "Roster"))
    entries = ["@glowwithmaya", "jordan.lee@creatormail.example", "Priya Patel", "Sam Rivera"]
    lookup = cache.lookup(entries, source)
    assert {e: (i.name, i.email) for e, i in lookup.found.items()} == {
        "@glowwithmaya": ("Maya Chen", "maya@glowwithmaya.example"),
        "jordan.lee@creatormail.example": ("Jordan Lee", "jordan.lee@creatormail.example"),
        "Priya Patel": ("Priya Patel", "priya.patel@creators.example"),
    }
    priya = lookup.found["Priya Patel"]
    assert (priya.average_views, str(priya.engagement_rate)) == (125_400, "0.042")
    assert lookup.missing == {"Sam Rivera": "on the roster without a valid email (row 6)"}
    cache.lookup(entries, source)
    assert len(client.fake.reads()) == 1
