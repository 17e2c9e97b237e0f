"""Names of the files a running dealdesk keeps in its data directory."""

from __future__ import annotations

__all__ = ["ADMIN_TOKEN_FILE", "LOCK_FILE", "RUNTIME_FILE"]

LOCK_FILE = "dealdesk.lock"  # the single-instance lease (flock); holds the holder's pid
RUNTIME_FILE = "runtime.json"  # pid, HTTP address and sandbox addresses of the running process
ADMIN_TOKEN_FILE = "admin.token"  # noqa: S105 - a file name; the file (mode 0600) holds the token
