"""A team channel for the tests: what the Notifier posts, recorded in order (a list, or a file a
killed process leaves behind), with the look-up that settles a post whose answer was lost."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["FileTeam", "ListTeam"]


class ListTeam:
    """Posts appended to ``texts`` (the Notifier's SlackPoster)."""

    def __init__(self, texts: list[str] | None = None) -> None:
        self.texts: list[str] = [] if texts is None else texts
        self.keys: list[str] = []
        self.lock = threading.Lock()

    async def post_notification(
        self, channel: str, text: str, *, blocks: Any, thread_ts: str | None, key: str
    ) -> str:
        with self.lock:
            self.texts.append(text)
            self.keys.append(key)
            return f"{len(self.texts)}.000000"

    async def find_notification(
        self, channel: str, key: str, since: str, thread_ts: str | None = None
    ) -> str | None:
        with self.lock:
            return f"{self.keys.index(key) + 1}.000000" if key in self.keys else None


class FileTeam:
    """Posts appended to a file, one line each ending `` [key]`` (one write each: kill-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def post_notification(
        self, channel: str, text: str, *, blocks: Any, thread_ts: str | None, key: str
    ) -> str:
        with self.path.open("a", encoding="utf-8") as lines:
            lines.write(" ".join(text.split()) + f" [{key}]\n")
        return "1.000000"

    async def find_notification(
        self, channel: str, key: str, since: str, thread_ts: str | None = None
    ) -> str | None:
        if not self.path.exists():
            return None
        found = any(line.endswith(f" [{key}]") for line in self.path.read_text().splitlines())
        return "1.000000" if found else None
