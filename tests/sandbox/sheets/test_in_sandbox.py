"""In sandbox mode the Sheets fake starts with the others and gives the app its spreadsheet."""

from __future__ import annotations

from dealdesk.runtime.settings import Service, Settings
from dealdesk.sandbox.manager import FAKES, Sandbox
from dealdesk.sandbox.sheets.fake import SANDBOX_SHEETS_TOKEN, SANDBOX_SPREADSHEET_ID, FakeSheets


def test_the_sandbox_starts_the_sheets_fake_and_boot_gets_its_spreadsheet(io_loop, data_dir):
    assert FAKES[Service.SHEETS] == (FakeSheets, SANDBOX_SHEETS_TOKEN)
    sandbox = Sandbox()
    io_loop.run(sandbox.start(Settings(_env_file=None, data_dir=data_dir)), timeout=10)
    try:
        assert isinstance(sandbox.get(Service.SHEETS), FakeSheets)
        assert sandbox.app_defaults(Service.SHEETS) == {"spreadsheet_id": SANDBOX_SPREADSHEET_ID}
        assert sandbox.tokens()[Service.SHEETS] == SANDBOX_SHEETS_TOKEN
    finally:
        io_loop.run(sandbox.stop(), timeout=10)


def test_a_configured_spreadsheet_has_no_sheets_fake(io_loop, data_dir):
    settings = Settings(_env_file=None, data_dir=data_dir, sheets_api_base="http://127.0.0.1:1/")
    sandbox = Sandbox()
    io_loop.run(sandbox.start(settings), timeout=10)
    try:
        assert sandbox.get(Service.SHEETS) is None
        assert sandbox.app_defaults(Service.SHEETS) == {}
    finally:
        io_loop.run(sandbox.stop(), timeout=10)
