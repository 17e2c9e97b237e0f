"""Fixtures of the commands' tests: the store's own (``tests/support/store_rig``)."""

from tests.support.store_rig import apply, conn, db_path

__all__ = ["apply", "conn", "db_path"]
