"""The sandbox as boot sees it: fakes for the services with no credential, each behind the same
two hooks (its own defaults for the app, and where to call the app back)."""

from __future__ import annotations

from pydantic import SecretStr

from dealdesk.runtime.settings import Service, Settings
from dealdesk.sandbox import FakeClickUp, Sandbox


def test_boot_gets_the_clickup_fakes_own_list_and_secret_and_tells_it_where_to_deliver(
    io_loop, data_dir
):
    sandbox = Sandbox()
    io_loop.run(sandbox.start(Settings(_env_file=None, data_dir=data_dir)), timeout=10)
    try:
        clickup = sandbox.get(Service.CLICKUP)
        assert isinstance(clickup, FakeClickUp)
        assert sandbox.app_defaults(Service.CLICKUP) == {
            "webhook_secret": clickup.webhook_secret,
            "list_id": clickup.list_id,
        }
        assert sandbox.app_defaults(Service.SLACK) == {}
        sandbox.call_back({Service.CLICKUP: "http://127.0.0.1:1/webhooks/clickup"})
        assert clickup.default_webhook.endpoint == "http://127.0.0.1:1/webhooks/clickup"
        assert set(sandbox.tokens()) == {
            Service.CLICKUP,
            Service.SLACK,
            Service.GMAIL,
            Service.SHEETS,
        }
    finally:
        io_loop.run(sandbox.stop(), timeout=10)


def test_a_service_with_a_credential_has_no_fake_and_no_defaults(io_loop, data_dir):
    settings = Settings(_env_file=None, data_dir=data_dir, clickup_token=SecretStr("pk_real"))
    sandbox = Sandbox()
    io_loop.run(sandbox.start(settings), timeout=10)
    try:
        assert sandbox.get(Service.CLICKUP) is None
        assert sandbox.app_defaults(Service.CLICKUP) == {}
        sandbox.call_back({Service.CLICKUP: "http://127.0.0.1:1/webhooks/clickup"})  # no-op
    finally:
        io_loop.run(sandbox.stop(), timeout=10)
