"""The sandbox Sheets, stand-alone on the test's loop thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dealdesk.runtime.loop import IoLoop
from dealdesk.sandbox.sheets.fake import FakeSheets


@pytest.fixture
def fake_sheets(io_loop: IoLoop) -> Iterator[FakeSheets]:
    fake = FakeSheets()
    io_loop.run(fake.start(), timeout=5)
    yield fake
    io_loop.run(fake.stop(), timeout=5)
