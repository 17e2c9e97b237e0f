"""Fixtures of the commands' tests: the store's own (``tests/support/store_rig``), a campaign
negotiated to its end through the real runtime (``tests/support/conversation_rig``), and a caller
of ``run.py``'s commands in process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dealdesk.app.cli import main
from tests.support.conversation_rig import Negotiated, negotiated_campaign
from tests.support.store_rig import apply, conn, db_path

REPO = Path(__file__).resolve().parents[2]
# A campaign as the sandbox ClickUp's form submits it: two of the sandbox personas.
FORM = {
    "Client Name": "Lumen Skincare",
    "Budget": "12000",
    "Platform": "Instagram",
    "Target Deliverables": "1 Instagram reel",
    "Influencer List": "@glowwithmaya, jordan.lee@creatormail.example",
    "CPM Min": "18",
    "CPM Max": "30",
    "Timeline": "2026-12-20",
}

__all__ = ["FORM", "apply", "conn", "db_path", "negotiated", "run_cli", "run_py"]


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


def run_py(*argv: str) -> subprocess.CompletedProcess[str]:
    """``python run.py ARGV`` as an operator runs it, from the checkout, with no DEALDESK_*
    settings of this environment."""
    return subprocess.run(
        [sys.executable, "run.py", *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("DEALDESK_")},
    )
