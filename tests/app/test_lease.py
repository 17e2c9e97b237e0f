"""One process per data directory; a lease left by a killed process is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from dealdesk.app.lease import DataDirLease, holder_pid
from dealdesk.errors import LeaseHeld


def test_a_second_holder_is_refused_with_the_first_ones_pid(data_dir):
    first = DataDirLease(data_dir)
    first.acquire()
    try:
        with pytest.raises(LeaseHeld) as caught:
            DataDirLease(data_dir).acquire()
        assert caught.value.pid == os.getpid()
        assert str(os.getpid()) in str(caught.value)
        assert holder_pid(data_dir) == os.getpid()
    finally:
        first.release()
    assert holder_pid(data_dir) is None


def test_a_lease_left_by_a_killed_process_is_taken_over(data_dir):
    script = (
        "import sys; from pathlib import Path; from dealdesk.app.lease import DataDirLease;"
        f"DataDirLease(Path({str(data_dir)!r})).acquire(); print('held', flush=True); sys.stdin.read()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        assert holder_pid(data_dir) == child.pid
        with pytest.raises(LeaseHeld):
            DataDirLease(data_dir).acquire()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdin.close()  # type: ignore[union-attr]
        child.stdout.close()  # type: ignore[union-attr]

    lease = DataDirLease(data_dir)
    lease.acquire()
    assert holder_pid(data_dir) == os.getpid()
    lease.release()
