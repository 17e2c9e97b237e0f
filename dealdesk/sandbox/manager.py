"""Starts the loopback fakes for every integration that has no credential and no address.

In sandbox mode the fakes run inside the dealdesk process, on the I/O loop; their addresses are
written to ``runtime.json`` in the data directory so local commands (``campaign submit``) can
reach them. Tests start the same fakes stand-alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealdesk.runtime.settings import Service
from dealdesk.sandbox.anthropic.fake import SANDBOX_ANTHROPIC_KEY, FakeAnthropic
from dealdesk.sandbox.clickup.fake import SANDBOX_CLICKUP_TOKEN, FakeClickUp
from dealdesk.sandbox.gmail.fake import SANDBOX_GMAIL_TOKEN, FakeGmail
from dealdesk.sandbox.sheets.fake import SANDBOX_SHEETS_TOKEN, FakeSheets
from dealdesk.sandbox.slack.fake import SANDBOX_BOT_TOKEN, FakeSlack

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dealdesk.runtime.settings import Settings
    from dealdesk.sandbox.base import FakeServer

__all__ = ["FAKES", "Sandbox"]

# service -> (fake class, the token the real client sends it)
FAKES: dict[Service, tuple[type[FakeServer], str]] = {
    Service.SLACK: (FakeSlack, SANDBOX_BOT_TOKEN),
    Service.CLICKUP: (FakeClickUp, SANDBOX_CLICKUP_TOKEN),
    Service.GMAIL: (FakeGmail, SANDBOX_GMAIL_TOKEN),
    Service.SHEETS: (FakeSheets, SANDBOX_SHEETS_TOKEN),
    # Only with DEALDESK_MODEL=sandbox: without it the rules and templates stand in, no model.
    Service.ANTHROPIC: (FakeAnthropic, SANDBOX_ANTHROPIC_KEY),
}


class Sandbox:
    def __init__(self) -> None:
        self.fakes: dict[Service, FakeServer] = {}

    async def start(self, settings: Settings) -> None:
        """Start a fake for each sandboxed service (runs on the I/O loop)."""
        for service, (fake_class, _token) in FAKES.items():
            if service is Service.ANTHROPIC and settings.model_mode != "sandbox":
                continue
            if settings.sandboxed(service) or service is Service.ANTHROPIC:
                fake = fake_class()
                await fake.start()
                self.fakes[service] = fake

    async def stop(self) -> None:
        for fake in reversed(list(self.fakes.values())):
            await fake.stop()
        self.fakes.clear()

    def urls(self) -> dict[Service, str]:
        return {service: fake.base_url for service, fake in self.fakes.items()}

    def tokens(self) -> dict[Service, str]:
        return {service: FAKES[service][1] for service in self.fakes}

    def get(self, service: Service) -> FakeServer | None:
        return self.fakes.get(service)

    def app_defaults(self, service: Service) -> dict[str, str]:
        """What the app takes from ``service``'s fake when settings name nothing (empty when the
        service is not sandboxed)."""
        fake = self.fakes.get(service)
        return fake.app_defaults() if fake is not None else {}

    def call_back(self, urls: Mapping[Service, str]) -> None:
        """Tell each running fake where the app takes its calls (by service)."""
        for service, fake in self.fakes.items():
            if service in urls:
                fake.call_back(urls[service])
