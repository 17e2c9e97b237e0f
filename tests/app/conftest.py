"""Fixtures of the commands' tests: the store's own (``tests/support/store_rig``), a campaign
negotiated to its end through the real runtime (``tests/support/conversation_rig``), and a caller
of ``run.py``'s commands in process."""

from __future__ import annotations

import pytest

from dealdesk.app.cli import main
from tests.support.conversation_rig import Negotiated, negotiated_campaign
from tests.support.store_rig import apply, conn, db_path

__all__ = ["apply", "conn", "db_path", "negotiated", "run_cli"]


@pytest.fixture(scope="module")
def negotiated(tmp_path_factory: pytest.TempPathFactory) -> Negotiated:
    return negotiated_campaign(tmp_path_factory)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """One command run in process: its exit code (argparse's own errors exit 2), stdout, stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
