"""Store fixtures (used by the store's and the commands' tests): a migrated database and a plain sqlite3 writer connection that runs the same
plans as the AuditWriter (``run_plan_sync``), for tests of the operations and queries alone."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dealdesk.runtime.settings import Settings
from dealdesk.store.batch import Outcome, commit_plan, run_plan_sync
from dealdesk.store.ops import StoreOp
from dealdesk.store.schema import WRITER_PRAGMAS, prepare_database

NOW = "2026-11-22T09:00:00.000Z"

Apply = Callable[..., list[Outcome]]


@pytest.fixture
def db_path(settings: Settings) -> Path:
    return prepare_database(settings)


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(db_path, isolation_level=None)
    for pragma in WRITER_PRAGMAS:
        connection.execute(pragma)
    yield connection
    connection.close()


@pytest.fixture
def apply(conn: sqlite3.Connection) -> Apply:
    """Commit units (an op, or a tuple of ops for one transaction) as one batch."""

    def run(*units: StoreOp[Any] | tuple[StoreOp[Any], ...], now: str = NOW) -> list[Outcome]:
        grouped = [unit if isinstance(unit, tuple) else (unit,) for unit in units]
        outcomes: list[Outcome] = run_plan_sync(conn, commit_plan(grouped, now))
        return outcomes

    return run


def result(outcomes: list[Outcome]) -> Any:
    """The single result of a one-op batch, raising its error."""
    [outcome] = outcomes
    if outcome.error is not None:
        raise outcome.error
    [value] = outcome.results
    return value
