"""Whole conversations through the model path: the sandbox Anthropic reads every reply (tool use)
and writes every email (checked by the guard), behind the real runtime and the sandbox Gmail's
personas. The negotiations' conversation bars pass unchanged; a scripted reading that disagrees
with the rules escalates with both; a scripted wrong draft never goes out; a model that keeps
failing leaves the reply waiting and the errors channel told once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pykka
import pytest
from pydantic import SecretStr

from dealdesk.actors.error_reporter import FlushReports, error_reporter_spec
from dealdesk.actors.mail_messages import PollMailbox
from dealdesk.actors.negotiator import Negotiator
from dealdesk.actors.negotiator_model import MODEL, ModelPen
from dealdesk.app.report_command import build_report, render_md
from dealdesk.app.wiring import start_children
from dealdesk.integrations.anthropic import ModelClient, ModelPlaybook
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import ERROR_REPORTER
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.anthropic import SANDBOX_ANTHROPIC_KEY, error_fault
from dealdesk.store import STORE, InboundStatus, inbound_query, stored_campaign
from tests.actors.test_negotiator import World
from tests.actors.test_negotiator import (
    test_a_counter_persona_and_a_twice_countering_one_end_agreed_within_our_cap as counter_bar,
)
from tests.actors.test_negotiator import (
    test_each_persona_ends_as_it_dictates_and_nobody_who_opted_out_hears_again as persona_bar,
)
from tests.actors.test_negotiator import (
    test_the_campaigns_agreed_fees_never_exceed_its_budget_the_next_acceptance_escalates as budget_bar,
)

PLAYBOOK = "# Voice\n\nWarm and brief. " + "Thank creators for their time. " * 200
MAYA = "maya@glowwithmaya.example"


@pytest.fixture
def fake_model(fake_anthropic):
    return fake_anthropic


def put_model(ctx, fake, *, template_fallback=True):
    endpoint = Endpoint(
        Service.ANTHROPIC, fake.base_url, SecretStr(SANDBOX_ANTHROPIC_KEY), sandboxed=True
    )
    client = ModelClient(endpoint, ctx.settings, RetryPolicy.without_waiting(), ctx.report)
    playbook = ModelPlaybook(PLAYBOOK, template_fallback=template_fallback)
    ctx[MODEL].pen = ModelPen(ctx, client, playbook, cache=True)
    return client


@pytest.fixture
def model_world(ctx, fake_sheets, fake_model):
    client = put_model(ctx, fake_model)
    built = World(ctx, fake_sheets)
    yield built
    built.close()
    ctx.loop.run(client.close(), timeout=5)


def llm_rows(world):
    return world.rows(
        "SELECT json_extract(metadata, '$.job'), json_extract(metadata, '$.outcome'), "
        "json_extract(metadata, '$.cache_read_tokens') FROM audit_log WHERE event_type = 'llm'"
    )


def test_the_counter_bar_passes_through_the_model_path(model_world, fake_model):
    counter_bar(model_world)
    rows = llm_rows(model_world)
    jobs = {job for job, _outcome, _read in rows}
    assert jobs == {"read", "write"}
    assert all(outcome == "ok" for _job, outcome, _read in rows)
    assert sum(read for _job, _outcome, read in rows) > 0  # the prefix came from the cache


def test_the_report_sums_the_models_tokens_and_cost_per_negotiation_and_campaign(model_world):
    counter_bar(model_world)
    reader = model_world.ctx[STORE].reader()
    built = build_report(reader, stored_campaign(reader, "86abc"), datetime.now(UTC))
    [(calls, tokens, cost)] = model_world.rows(
        "SELECT count(*), sum(json_extract(metadata, '$.input_tokens') + "
        "json_extract(metadata, '$.output_tokens') + json_extract(metadata, '$.cache_write_tokens')"
        " + json_extract(metadata, '$.cache_read_tokens')), "
        "group_concat(json_extract(metadata, '$.cost_usd'), ' ') "
        "FROM audit_log WHERE event_type = 'llm'"
    )
    assert built.llm is not None
    assert (built.llm.calls, built.llm.tokens) == (calls, tokens)
    assert built.llm.cost_usd == sum(Decimal(c) for c in cost.split())
    assert all(line.llm is not None and line.llm.calls > 0 for line in built.lines)
    md = render_md(built)
    assert f"| **Campaign** | {calls:,} |" in md
    metrics = model_world.ctx.metrics.render().decode()
    assert 'dealdesk_llm_tokens_total{campaign="86abc",kind="cache_read"}' in metrics


def test_the_persona_bar_passes_through_the_model_path(model_world):
    persona_bar(model_world)


def test_the_budget_bar_passes_through_the_model_path(model_world):
    budget_bar(model_world)


def test_a_reading_that_disagrees_with_the_rules_on_an_amount_escalates_with_both(
    model_world, fake_model
):
    fake_model.script(
        "read",
        {
            "intent": "counter",
            "amounts": [{"amount": "9450", "what_for": "total"}],
            "confidence": "0.95",
        },
    )
    states = model_world.run_for(["@glowwithmaya"])
    assert states == {"@glowwithmaya": "escalated"}
    [summary] = model_world.rows(
        "SELECT json_extract(metadata, '$.summary') FROM audit_log WHERE event_type = 'escalation'"
    )[0]
    assert "the model read counter, asks $9,450" in summary
    assert "the rules read" in summary


def test_a_model_that_twice_gives_no_valid_reading_escalates_the_reply(model_world, fake_model):
    fake_model.script("read", {"intent": "maybe", "confidence": "0.9"}, "I think they agree.")
    states = model_world.run_for(["@glowwithmaya"])
    assert states == {"@glowwithmaya": "escalated"}
    [(summary,)] = model_world.rows(
        "SELECT json_extract(metadata, '$.summary') FROM audit_log WHERE event_type = 'escalation'"
    )
    assert "the model gave no valid reading" in summary
    outcomes = [r[1] for r in llm_rows(model_world) if r[0] == "read"]
    assert outcomes[:2] == ["invalid", "invalid"]


@pytest.mark.parametrize(
    "wrong",
    [
        "Hi Maya, we would like to offer $9,999 for one reel.",
        "Hi Maya, we would like to offer nine thousand dollars.",
        "Hi {{first_name}}, here is our offer.",
        "Hi Maya, our budget is tight but exclusivity is included, guaranteed.",
        "Hi Maya, we would love 7 Instagram reels from you.",
    ],
)
def test_a_wrong_draft_never_goes_out_and_each_refusal_is_audited(model_world, fake_model, wrong):
    fake_model.script("write", wrong, wrong)  # the first draft and its rewrite
    model_world.submit(["@glowwithmaya"])
    assert model_world.eventually(lambda: model_world.gmail.sent())
    first = model_world.gmail.sent()[0]
    assert wrong.split(",")[1].strip()[:20] not in first.text
    assert "{{" not in first.text
    refused = [r for r in llm_rows(model_world) if r[1] == "guard_rejected"]
    assert len(refused) == 2
    [(problems,)] = model_world.rows(
        "SELECT json_extract(metadata, '$.problems') FROM audit_log "
        "WHERE event_type = 'llm' AND json_extract(metadata, '$.outcome') = 'guard_rejected' "
        "LIMIT 1"
    )
    assert problems  # each rejection with its reason


def test_a_draft_refused_twice_without_the_template_allowed_is_not_sent_and_the_team_hears(
    ctx, fake_sheets, fake_model
):
    client = put_model(ctx, fake_model, template_fallback=False)
    world = World(ctx, fake_sheets)
    try:
        fake_model.script("write", "Hi Maya, $9,999.", "Hi Maya, $9,999 it is.")
        world.submit(["@glowwithmaya"])
        assert world.eventually(lambda: any("not sent" in t for t in world.team))
        assert world.gmail.sent() == []
        [(body,)] = world.rows(
            "SELECT email_body FROM audit_log WHERE event_type = 'llm' "
            "AND json_extract(metadata, '$.outcome') = 'guard_rejected' ORDER BY id DESC LIMIT 1"
        )
        assert "$9,999" in body  # the draft is attached for the person who writes it
    finally:
        world.close()
        ctx.loop.run(client.close(), timeout=5)


def test_a_reply_whose_answer_is_refused_twice_escalates_with_the_draft(
    ctx, fake_sheets, fake_model
):
    client = put_model(ctx, fake_model, template_fallback=False)
    world = World(ctx, fake_sheets)
    try:
        as_drafted = fake_model._as_the_rules_would  # the outreach as the template words it
        fake_model.script(
            "write",
            lambda body: as_drafted("write", body),
            "Hi Maya, we can do $9,999 and exclusivity.",
            "Hi Maya, $9,999 it is.",
        )
        assert world.run_for(["@glowwithmaya"]) == {"@glowwithmaya": "escalated"}
        [(summary,)] = world.rows(
            "SELECT json_extract(metadata, '$.summary') FROM audit_log "
            "WHERE event_type = 'escalation'"
        )
        assert "refused twice by the guard" in summary
        assert "$9,999 it is" in summary  # the draft, shown to the team
        assert not any("9,999" in m.text for m in world.gmail.sent())
    finally:
        world.close()
        ctx.loop.run(client.close(), timeout=5)


def test_a_rewritten_draft_that_passes_is_what_goes_out(model_world, fake_model):
    good = (
        "Hi Maya,\n\nWe adore your reels and would love to work with you. Our offer is "
        "{fee} for the package we described.\n\nBest,\nThe partnerships team"
    )

    def good_draft(body):
        text = body["messages"][-1]["content"]
        fee = text.split("Decided terms: ")[1].split(" for ")[0]
        return good.format(fee=fee)

    fake_model.script("write", "Hi Maya, $1.00 only.", good_draft)
    model_world.submit(["@glowwithmaya"])
    assert model_world.eventually(lambda: model_world.gmail.sent())
    assert "We adore your reels" in model_world.gmail.sent()[0].text


def test_overloaded_model_retries_then_the_reply_waits_and_the_errors_channel_hears_once(
    model_world, fake_model, ctx
):
    posted: list[str] = []

    async def post(text):
        posted.append(text)

    start_children(model_world.root, [error_reporter_spec(ctx, post)])
    model_world.submit(["@glowwithmaya"])
    assert model_world.eventually(lambda: model_world.gmail.sent())
    fake_model.inject(error_fault(529, times=3))  # every attempt of the policy
    calls_before = len(fake_model.calls("messages"))
    model_world.mailroom.ask(PollMailbox(), timeout=30)
    assert model_world.eventually(lambda: len(fake_model.calls("messages")) == calls_before + 3)
    reader = ctx[STORE].reader()
    assert model_world.eventually(
        lambda: len(reader.run(inbound_query(status=InboundStatus.ROUTED))) == 1
    )  # the reply is kept, not lost
    ctx.registry.get(ERROR_REPORTER).ask(FlushReports(), timeout=10)
    assert model_world.eventually(lambda: len(posted) == 1)
    assert "anthropic" in posted[0]
    assert SANDBOX_ANTHROPIC_KEY not in posted[0]
    assert model_world.states() == {"@glowwithmaya": "awaiting_reply"}
    # The failed reading is asked again after READ_AGAIN_S, not at once: the negotiator stops
    # waiting for the model, and the model was called only the policy's three times.
    [negotiator] = pykka.ActorRegistry.get_by_class(Negotiator)
    assert model_world.eventually(
        lambda: not negotiator.ask(DumpState(), timeout=10)["awaiting_model"]
    )
    assert len(fake_model.calls("messages")) == calls_before + 3


def test_a_rate_limited_model_is_retried_after_retry_after_and_the_reply_is_read(
    model_world, fake_model
):
    model_world.submit(["@glowwithmaya"])
    assert model_world.eventually(lambda: model_world.gmail.sent())
    fake_model.inject(error_fault(429, retry_after=0))
    states = model_world.run_until_settled()
    assert states == {"@glowwithmaya": "agreed"}
    answered = len(llm_rows(model_world))
    assert len(fake_model.calls("messages")) == answered + 1  # the 429, then its retry
