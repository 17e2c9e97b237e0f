"""Where each integration points: the real service, a real-protocol peer, or the sandbox fake.

Resolved once at start-up from settings and the sandbox's addresses, then passed down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import SecretStr

from dealdesk.runtime.settings import Service

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dealdesk.runtime.settings import Settings

__all__ = ["REAL_BASES", "Endpoint", "resolve_endpoints"]

REAL_BASES: dict[Service, str] = {
    Service.CLICKUP: "https://api.clickup.com/api/v2/",
    Service.SLACK: "https://slack.com/api/",
    Service.GMAIL: "https://gmail.googleapis.com/",
    Service.SHEETS: "https://sheets.googleapis.com/",
    Service.ANTHROPIC: "https://api.anthropic.com",
}

# What a real client sends when pointed at a peer with no credential configured.
_PEER_PLACEHOLDER = "peer-without-credential"


@dataclass(frozen=True)
class Endpoint:
    service: Service
    base_url: str
    token: SecretStr
    sandboxed: bool

    @property
    def mode(self) -> str:
        return "sandbox" if self.sandboxed else "live"


def resolve_endpoints(
    settings: Settings,
    sandbox_urls: Mapping[Service, str],
    sandbox_tokens: Mapping[Service, str],
) -> dict[Service, Endpoint]:
    """An endpoint per integration that is configured or has a sandbox fake running; an
    integration with neither is left out (nothing in this process may call it)."""
    endpoints: dict[Service, Endpoint] = {}
    for service in Service:
        if settings.sandboxed(service):
            if service in sandbox_urls:
                endpoints[service] = Endpoint(
                    service,
                    sandbox_urls[service],
                    SecretStr(sandbox_tokens.get(service, "sandbox")),
                    sandboxed=True,
                )
            continue
        token = settings.credential(service) or SecretStr(_PEER_PLACEHOLDER)
        base = settings.api_base(service) or REAL_BASES[service]
        endpoints[service] = Endpoint(service, base, token, sandboxed=False)
    return endpoints
