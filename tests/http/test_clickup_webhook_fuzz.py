"""Fuzzed deliveries with valid signatures, and odd field values, never make a 5xx or kill an actor."""

from __future__ import annotations

import json

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealdesk.runtime.registry import AUDIT_WRITER, CLICKUP_INGRESS
from dealdesk.sandbox.clickup import data as clickup_data
from dealdesk.sandbox.clickup.fake import sign
from tests.support.clickup_rig import FORM, ClickUpRig

FUZZ = settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
ids = st.one_of(st.text(max_size=12), st.integers(), st.none(), st.just(""), st.just("x" * 200))
history_items = st.lists(
    st.fixed_dictionaries(
        {"id": ids},
        optional={
            "field": json_values,
            "parent_id": st.one_of(ids, st.just(clickup_data.DEFAULT_LIST_ID)),
        },
    ),
    max_size=4,
)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "event": st.one_of(
            st.sampled_from(["taskCreated", "taskUpdated", "taskDeleted", "listCreated"]),
            st.text(max_size=10),
            json_values,
        ),
        "webhook_id": ids,
        "task_id": ids,
        "history_items": st.one_of(history_items, json_values),
        "extra": json_values,
    },
)
bodies = st.one_of(
    envelopes.map(lambda e: json.dumps(e).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=64),
)


@pytest.fixture
def rig(ctx):
    harness = ClickUpRig(ctx)
    yield harness
    harness.close()


def post_all(rig, signed_bodies):
    async def run():
        statuses = []
        async with aiohttp.ClientSession() as session:
            for body in signed_bodies:
                headers = {"X-Signature": sign(rig.clickup.webhook_secret, body)}
                async with session.post(
                    rig.url + "/webhooks/clickup", data=body, headers=headers
                ) as r:
                    answer = await r.json()
                    statuses.append((r.status, answer))
        return statuses

    return rig.loop.run(run(), timeout=60)


def assert_alive(rig):
    for name in (CLICKUP_INGRESS, AUDIT_WRITER):
        ref = rig.ctx.registry.get(name)
        assert ref is not None, f"{name} died"
    assert rig.settle()["restarts"] == 0


def test_fuzzed_signed_bodies_get_2xx_or_a_400_that_says_why_and_no_actor_dies(rig):
    seen: list[int] = []

    @FUZZ
    @given(st.lists(bodies, min_size=1, max_size=5))
    def check(batch):
        for status, answer in post_all(rig, batch):
            seen.append(status)
            assert status in {200, 202, 400}, answer
            if status == 400:
                assert answer["error"]

    check()
    assert_alive(rig)
    assert 400 in seen
    assert len(seen) >= 60  # every example posted


odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=30),
    st.lists(
        st.one_of(
            st.text(max_size=8),
            st.integers(),
            st.dictionaries(st.text(max_size=5), st.text(max_size=5)),
        ),
        max_size=3,
    ),
    st.dictionaries(st.text(max_size=8), json_values, max_size=3),
    st.sampled_from(["NaN", "1e400", "-5", "1.005", "", " ", "\u0000", "true", "9" * 30]),
)
field_names = [f["name"] for f in clickup_data.form_fields()]


def test_every_field_type_with_odd_values_is_started_or_rejected_with_reasons(rig):
    outcomes: set[str] = set()

    @settings(
        max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
    )
    @given(st.dictionaries(st.sampled_from(field_names), odd_values, min_size=1, max_size=6))
    def check(raw):
        task_id = rig.clickup.create_task("Odd", FORM)
        rig.clickup.tasks[task_id].values.update(rig.clickup._encode(rig.clickup.list_id, {}, raw))
        before = len(rig.slack.messages)
        rig.loop.run(rig.clickup.deliver(rig.clickup.created_payload(task_id, "")), timeout=10)
        dump = rig.settle()
        outcomes.update(dump["outcomes"])
        assert set(dump["outcomes"]) <= {"started", "rejected"}
        assert rig.slack.wait_until(lambda: len(rig.slack.messages) > before, 10)
        text = rig.slack.messages[-1].text
        assert "negotiation" in text or ("not a valid campaign" in text and "•" in text)

    check()
    assert_alive(rig)
    assert "rejected" in outcomes
    assert rig.settle()["processed"] >= 30  # every example went through the ingress
