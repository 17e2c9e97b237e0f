"""Shared fixtures: a real I/O loop thread, real settings on a temporary data directory, a manual
clock, and an autouse fixture that stops every actor after each test (pykka's own convention)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pykka
import pytest
import structlog
from hypothesis import settings as hypothesis_settings
from pydantic import SecretStr

from dealdesk.actors.audit_writer import audit_writer_spec
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.slack.gateway import SlackGateway
from dealdesk.runtime.clock import ManualClock
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.registry import ROOT
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service, Settings
from dealdesk.runtime.supervision import StartChild, Supervisor
from dealdesk.sandbox.anthropic import FakeAnthropic
from dealdesk.sandbox.base import FakeServer
from dealdesk.sandbox.sheets.fake import FakeSheets
from dealdesk.sandbox.slack.fake import SANDBOX_BOT_TOKEN, FakeSlack
from dealdesk.store.schema import prepare_database
from tests.support.settings import test_settings

hypothesis_settings.register_profile("ci", deadline=None, print_blob=True)
hypothesis_settings.load_profile("ci")


def quiet_logging() -> None:
    """Tests log warnings and errors only: actor threads log outside pytest's capture."""
    structlog.reset_defaults()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


quiet_logging()


@pytest.fixture(autouse=True)
def _quiet_logging_again() -> Iterator[None]:
    """A test that runs a command in-process (which configures logging for a terminal, bound to
    pytest's captured stderr, closed after the test) must not leave that to the next test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    quiet_logging()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests build their settings explicitly; an operator's DEALDESK_* variables must not leak in.
    for name in list(os.environ):
        if name.startswith(("DEALDESK_", "ANTHROPIC_")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _stop_all_actors() -> Iterator[None]:
    yield
    pykka.ActorRegistry.stop_all(block=True, timeout=10)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return test_settings(data_dir)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def io_loop() -> Iterator[IoLoop]:
    loop = IoLoop(name="test-io-loop").start()
    yield loop
    # As in production: actors stop (and flush) while the loop still runs, then the loop stops.
    pykka.ActorRegistry.stop_all(block=True, timeout=10)
    loop.stop()


@pytest.fixture
def ctx(settings: Settings, io_loop: IoLoop, clock: ManualClock) -> RuntimeContext:
    return RuntimeContext(settings=settings, loop=io_loop, clock=clock)


@pytest.fixture
def writer(ctx: RuntimeContext) -> Iterator[pykka.ActorRef[Any]]:
    """A migrated database and the real AuditWriter under a root supervisor, registered."""
    prepare_database(ctx.settings)
    root = Supervisor.start(ctx, actor_id=ROOT)
    ctx.registry.register(ROOT, root)
    ref: pykka.ActorRef[Any] = root.ask(StartChild(audit_writer_spec(ctx)), timeout=10)
    yield ref
    root.stop(timeout=10)


F = TypeVar("F", bound=FakeServer)


def _served(io_loop: IoLoop, fake: F) -> Iterator[F]:
    """``fake`` started on the test's loop thread for the test, and stopped after it."""
    io_loop.run(fake.start(), timeout=5)
    yield fake
    io_loop.run(fake.stop(), timeout=5)


@pytest.fixture
def fake_slack(io_loop: IoLoop) -> Iterator[FakeSlack]:
    """The sandbox Slack, stand-alone on the test's loop thread."""
    yield from _served(io_loop, FakeSlack())


@pytest.fixture
def fake_anthropic(io_loop: IoLoop) -> Iterator[FakeAnthropic]:
    """The sandbox Anthropic Messages API, stand-alone on the test's loop thread."""
    yield from _served(io_loop, FakeAnthropic())


@pytest.fixture
def fake_sheets(io_loop: IoLoop) -> Iterator[FakeSheets]:
    """The sandbox Sheets (serving the example roster), stand-alone on the test's loop thread."""
    yield from _served(io_loop, FakeSheets())


def slack_gateway(fake: FakeSlack, policy: RetryPolicy, report: object = None) -> SlackGateway:
    """A real slack_sdk client pointed at ``fake``."""
    endpoint = Endpoint(Service.SLACK, fake.base_url, SecretStr(SANDBOX_BOT_TOKEN), sandboxed=True)
    return SlackGateway(endpoint, policy, report)  # type: ignore[arg-type]
