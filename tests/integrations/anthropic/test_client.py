"""The real anthropic SDK against the sandbox Messages API: the wire shapes, the shared retry
policy (429 waits what retry-after says, 529 and 500 are retried, 4xx never), the probe that
stops start-up on a wrong model id or key, and prompt caching of the stable prefix."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from dealdesk.domain import EmailPurpose, Intent, check_email
from dealdesk.domain.model_io import input_from_reading
from dealdesk.domain.reader_context import read_reply_in
from dealdesk.domain.writer import write_email as template
from dealdesk.errors import ConfigError, UpstreamError
from dealdesk.integrations.anthropic import (
    ModelClient,
    ModelPlaybook,
    Prefix,
    read_reply,
    write_email,
)
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service, Settings
from dealdesk.sandbox.anthropic import SANDBOX_ANTHROPIC_KEY, FakeAnthropic, error_fault
from tests.domain.harness import make_negotiation
from tests.domain.writer_cases import email, terms_of

PLAYBOOK = ModelPlaybook("# Voice\n\nWarm, brief, specific. " + "Be kind to creators. " * 300)


class Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def fake(fake_anthropic: FakeAnthropic) -> FakeAnthropic:
    return fake_anthropic


@pytest.fixture
def models(io_loop: IoLoop) -> Iterator[list[Model]]:
    made: list[Model] = []
    yield made
    for model in made:
        io_loop.run(model.client.close(), timeout=5)


class Model:
    def __init__(
        self, fake: FakeAnthropic, settings: Settings, made: list[Model], **changes: Any
    ) -> None:
        made.append(self)
        key = SecretStr(changes.pop("key", SANDBOX_ANTHROPIC_KEY))
        settings = settings.model_copy(update=changes)
        self.reports: list[ErrorReport] = []
        self.waits = Waits()
        policy = RetryPolicy(attempts=3, sleep=self.waits, sleep_sync=lambda _s: None)
        endpoint = Endpoint(Service.ANTHROPIC, fake.base_url, key, sandboxed=True)
        self.client = ModelClient(endpoint, settings, policy, self.reports.append)


def test_a_reading_comes_back_through_the_reading_tool_as_the_rules_read_it(
    fake, settings, io_loop, models
):
    model = Model(fake, settings, models)
    n = make_negotiation()
    rules = read_reply_in(n, "Thanks! My rate is $1,800 for the reel.")
    result = io_loop.run(
        read_reply(model.client, Prefix(PLAYBOOK), n, rules.text or "x", rules), timeout=10
    )
    assert result.reading is not None
    assert result.reading.intent is rules.intent
    assert {a.amount for a in result.reading.asks} == {Decimal(1800)}
    assert result.reading.reader == settings.anthropic_model
    headers = {k.lower(): v for k, v in fake.calls("messages")[-1].headers.items()}
    assert f"Bearer {SANDBOX_ANTHROPIC_KEY}" == headers.get("authorization")
    assert headers["x-stainless-retry-count"] == "0"  # the SDK's own retries are off


def test_an_invalid_tool_call_is_sent_back_once_then_there_is_no_reading(
    fake, settings, io_loop, models
):
    model = Model(fake, settings, models)
    n = make_negotiation()
    rules = read_reply_in(n, "Sounds good")
    fake.script("read", {"intent": "maybe", "confidence": 2}, {"intent": "accept"})
    result = io_loop.run(read_reply(model.client, Prefix(PLAYBOOK), n, "Sounds good", rules), 10)
    assert result.reading is None
    assert [c.outcome for c in result.calls] == ["invalid", "invalid"]
    second = fake.calls("messages")[-1].body.decode()
    assert '"is_error": true' in second or '"is_error":true' in second


def test_an_invalid_tool_call_corrected_on_the_second_try_is_read(fake, settings, io_loop, models):
    model = Model(fake, settings, models)
    n = make_negotiation()
    rules = read_reply_in(n, "Deal at $1,000!")
    fake.script("read", {"intent": "accept"}, input_from_reading(rules))
    result = io_loop.run(
        read_reply(model.client, Prefix(PLAYBOOK), n, "Deal at $1,000!", rules), 10
    )
    assert result.reading is not None
    assert result.reading.intent is Intent.ACCEPT


def test_a_draft_the_guard_refuses_is_rewritten_once_with_the_reason(
    fake, settings, io_loop, models
):
    model = Model(fake, settings, models)
    n = make_negotiation()
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1500"))
    reference = template(n, effect)
    fake.script("write", "Hi Ana, we can do $1,600 for the reel.", "Hi Ana, we can do $1,500.")
    draft = io_loop.run(
        write_email(
            model.client, Prefix(PLAYBOOK), n, effect,
            reference=reference, guard=lambda w: check_email(w, effect, n),
        ),
        timeout=10,
    )  # fmt: skip
    assert draft.written is not None
    assert "$1,500" in draft.written.text
    assert draft.written.subject == reference.subject
    assert [c.outcome for c in draft.calls] == ["guard_rejected", "ok"]
    assert "was not decided" in fake.calls("messages")[-1].body.decode()


def test_a_draft_refused_twice_gives_no_words_and_keeps_the_draft(fake, settings, io_loop, models):
    model = Model(fake, settings, models)
    n = make_negotiation()
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1500"))
    fake.script("write", "Hi {{name}}, $1,500.", "Hi Ana, $1,500 and exclusivity forever.")
    draft = io_loop.run(
        write_email(
            model.client, Prefix(PLAYBOOK), n, effect,
            reference=template(n, effect), guard=lambda w: check_email(w, effect, n),
        ),
        timeout=10,
    )  # fmt: skip
    assert draft.written is None
    assert draft.refused_text is not None
    assert "exclusivity" in draft.refused_text
    assert any("exclusivity" in p for p in draft.problems)


def test_429_waits_what_retry_after_says_and_529_is_retried(fake, settings, io_loop, models):
    model = Model(fake, settings, models)
    fake.inject(error_fault(429, retry_after=7))
    fake.inject(error_fault(529))
    message = io_loop.run(
        model.client.create("messages.create", messages=[{"role": "user", "content": "hi"}]), 10
    )
    assert message.stop_reason == "end_turn"
    assert len(fake.calls("messages")) == 3
    assert model.waits.seconds[0] == 7
    assert model.reports == []


def test_when_retries_run_out_the_caller_sees_upstream_error_and_one_report(
    fake, settings, io_loop, models
):
    model = Model(fake, settings, models)
    fake.inject(error_fault(529, times=3))
    with pytest.raises(UpstreamError) as raised:
        io_loop.run(
            model.client.create("messages.create", messages=[{"role": "user", "content": "x"}]),
            10,
        )
    assert raised.value.attempts == 3
    assert [r.kind for r in model.reports] == ["anthropic_529"]
    assert SANDBOX_ANTHROPIC_KEY not in repr(model.reports)


def test_a_4xx_is_never_retried(fake, settings, io_loop, models):
    model = Model(fake, settings, models)
    with pytest.raises(UpstreamError):
        io_loop.run(model.client.create("messages.create", messages=[]), 10)
    assert len(fake.calls("messages")) == 1


def test_the_probe_stops_start_up_on_a_wrong_model_id_naming_the_setting(
    fake, settings, io_loop, models
):
    model = Model(fake, settings, models, anthropic_model="claude-sonnet-9-typo")
    with pytest.raises(ConfigError, match=r"DEALDESK_ANTHROPIC_MODEL.*claude-sonnet-9-typo"):
        io_loop.run(model.client.probe(), 10)


def test_the_probe_stops_start_up_on_a_refused_key(fake, settings, io_loop, models):
    model = Model(fake, settings, models, key="sk-ant-wrong")
    with pytest.raises(ConfigError, match="DEALDESK_ANTHROPIC_API_KEY") as raised:
        io_loop.run(model.client.probe(), 10)
    assert "sk-ant-wrong" not in str(raised.value)


def test_the_probe_passes_with_a_known_model(fake, settings, io_loop, models):
    io_loop.run(Model(fake, settings, models).client.probe(), 10)


def test_the_stable_prefix_is_written_to_the_cache_once_and_read_after(
    fake, settings, io_loop, models
):
    model = Model(fake, settings, models)
    n = make_negotiation()
    rules = read_reply_in(n, "My rate is $1,800.")
    for _ in range(3):
        io_loop.run(read_reply(model.client, Prefix(PLAYBOOK), n, "My rate is $1,800.", rules), 10)
    first, *later = fake.usage
    assert first["cache_creation_input_tokens"] > 0
    assert all(u["cache_read_input_tokens"] == first["cache_creation_input_tokens"] for u in later)
    fake.forget_cache()
    io_loop.run(
        read_reply(model.client, Prefix(PLAYBOOK, cache=False), n, "My rate is $1,800.", rules), 10
    )
    assert fake.usage[-1]["cache_read_input_tokens"] == 0
    assert fake.usage[-1]["cache_creation_input_tokens"] == 0
