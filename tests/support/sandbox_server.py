"""``python run.py sandbox serve`` as a separate process: the fakes a test points dealdesk at as
an outside server speaking the services' REST formats."""

from __future__ import annotations

import contextlib
import signal
from typing import TYPE_CHECKING

from tests.support.child_process import Child

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class SandboxServer:
    def __init__(self, child: Child, urls: dict[str, str], announced: list[str]) -> None:
        self.child = child
        self.urls = urls  # service -> base URL, as printed
        self.announced = announced  # every stdout line up to READY

    def stop(self, signum: int = signal.SIGTERM) -> int:
        return self.child.signal(signum)


def start_sandbox_server(*args: str, log: Path | None = None) -> SandboxServer:
    """Start ``run.py sandbox serve ARGS`` and read its announcements up to ``READY``."""
    stderr = log.open("w") if log is not None else None
    try:
        child = Child(
            ["run.py", "sandbox", "serve", *args], **({"stderr": stderr} if stderr else {})
        )
    finally:
        if stderr is not None:
            stderr.close()  # the child holds its own copy
    try:
        announced = child.until("READY")
    except BaseException:
        child.close()
        raise
    urls = dict(line.split(" ", 1) for line in announced[:-1])
    return SandboxServer(child, urls, announced)


@contextlib.contextmanager
def sandbox_server(*args: str, log: Path | None = None) -> Iterator[SandboxServer]:
    server = start_sandbox_server(*args, log=log)
    try:
        yield server
    finally:
        server.child.close()
