"""Errors of the store, under the one ``DealdeskError`` hierarchy.

``VersionConflict`` is the expected outcome of two writers racing on one negotiation: it fails
only the write that lost, with a 409 hint. ``SchemaTooNew`` stops start-up when the database was
written by a newer dealdesk. ``StoreMissing`` is a read of a database that does not exist yet.
"""

from __future__ import annotations

from dealdesk.errors import DealdeskError

__all__ = ["SchemaTooNew", "StoreError", "StoreMissing", "VersionConflict"]


class StoreError(DealdeskError):
    """A write or read against SQLite failed; the message says which and why."""

    status_hint = 500


class StoreMissing(StoreError):
    """The database file does not exist (the service has never started on this data dir)."""

    status_hint = 503

    def __init__(self, path: str) -> None:
        super().__init__(
            f"no dealdesk database at {path} (start the service once, or pass --data-dir)"
        )
        self.path = path


class SchemaTooNew(StoreError):
    """The database's schema version is newer than this code knows: refuse to touch it."""

    def __init__(self, path: str, found: int, known: int) -> None:
        super().__init__(
            f"database {path} has schema version {found}, but this dealdesk knows only up to "
            f"{known}: it was written by a newer dealdesk; upgrade dealdesk (refusing to start)"
        )
        self.path = path
        self.found = found
        self.known = known


class VersionConflict(StoreError):
    """A negotiation was saved against a version that is no longer current; nothing changed."""

    status_hint = 409

    def __init__(self, negotiation_id: str, expected: int, actual: int | None) -> None:
        now = "does not exist" if actual is None else f"is at version {actual}"
        super().__init__(
            f"negotiation {negotiation_id!r} was expected at version {expected} but {now}"
        )
        self.negotiation_id = negotiation_id
        self.expected = expected
        self.actual = actual
