"""Secrets never reach a log line: by key, by shape, or by being a configured secret value."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from dealdesk.runtime.logging import (
    REDACTED,
    configure_logging,
    redact,
    redact_text,
    register_secrets,
)
from tests.conftest import quiet_logging


@pytest.fixture(autouse=True)
def _reset_structlog():
    yield
    logging.getLogger().handlers.clear()
    quiet_logging()


def test_fields_named_like_secrets_are_masked():
    event = redact(None, "info", {"event": "x", "api_key": "abc123", "Authorization": "Bearer q"})
    assert event["api_key"] == REDACTED
    assert event["Authorization"] == REDACTED


def test_secret_shaped_values_are_masked_inside_free_text():
    text = "called with xoxb-111-222-abc and sk-ant-api03-zzz and pk_12345678_ABCDEFG, Bearer a.b.c.d.e.f.g.h"
    masked = redact_text(text)
    for leaked in ("xoxb-111", "sk-ant-api03", "pk_12345678", "a.b.c.d.e.f.g.h"):
        assert leaked not in masked


def test_a_configured_secret_is_masked_wherever_it_appears():
    register_secrets(["hunter2-signing-secret"])
    event = redact(
        None,
        "info",
        {"event": "got hunter2-signing-secret back", "nested": {"x": ["hunter2-signing-secret"]}},
    )
    assert "hunter2" not in json.dumps(event)


def test_json_logs_on_a_pipe_carry_no_secret(capsys):
    configure_logging("info", json=True)
    structlog.get_logger("t").info("slack_call", token="xoxb-1-2-3", body="key sk-ant-abcdef")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["event"] == "slack_call"
    assert record["token"] == REDACTED
    assert "sk-ant-abcdef" not in line


def test_standard_library_logs_are_redacted_too(capsys):
    configure_logging("info", json=True)
    logging.getLogger("aiohttp.client").warning("header Authorization: Bearer abcdefghijkl")
    err = capsys.readouterr().err
    assert "abcdefghijkl" not in err
    assert "aiohttp.client" in err
