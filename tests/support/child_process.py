"""Child processes for the tests that need a second process (a peer server, a kill -9): start one
with its stdout read line by line on a thread, wait for a line with a deadline (a test never
hangs on a child that died or wedged), and end it by its own pid."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

ROOT_DIR = Path(__file__).resolve().parents[2]
LINE_TIMEOUT_S = 30.0


def clean_env() -> dict[str, str]:
    """The test's environment without an operator's DEALDESK_* settings, the repository on the
    path, output unbuffered."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEALDESK_", "ANTHROPIC_"))}
    env.update(PYTHONPATH=str(ROOT_DIR), PYTHONUNBUFFERED="1")
    return env


class Child:
    """A child process whose stdout lines arrive in a queue (read on a daemon thread)."""

    def __init__(self, argv: list[str], *, stderr: IO[str] | int = subprocess.DEVNULL) -> None:
        self.process = subprocess.Popen(
            [sys.executable, *argv], cwd=ROOT_DIR, env=clean_env(), text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # end of output: the child exited (or closed stdout)

    def line(self, timeout: float = LINE_TIMEOUT_S) -> str:
        """The next line it prints; AssertionError if it exits or stays silent past ``timeout``."""
        try:
            text = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the child printed nothing within {timeout}s") from None
        if text is None:
            raise AssertionError(f"the child exited ({self.process.wait(10)}) without answering")
        return text

    def until(self, prefix: str, timeout: float = LINE_TIMEOUT_S) -> list[str]:
        """Lines up to and including the first that starts with ``prefix``."""
        seen: list[str] = []
        while True:
            seen.append(self.line(timeout))
            if seen[-1].startswith(prefix):
                return seen

    def write(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def signal(self, signum: int) -> int:
        """Send ``signum``; the exit status once it ended."""
        self.process.send_signal(signum)
        return self.process.wait(timeout=LINE_TIMEOUT_S)

    def kill_9(self) -> None:
        self.signal(signal.SIGKILL)

    def close(self) -> None:
        """End it if it still runs, and release its pipes (idempotent)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=LINE_TIMEOUT_S)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(BrokenPipeError):  # a killed child's stdin
                    pipe.close()
        self._reader.join(timeout=5)
