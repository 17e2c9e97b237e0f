"""The async Anthropic client on the I/O loop: one ``messages.create`` under the shared policy.

- Built with the SDK's own retries off (``max_retries=0``): the shared tenacity policy owns
  retries (429 waiting what ``retry-after`` says, 529 overloaded, 5xx, timeouts and dropped
  connections; never another 4xx), so attempts never nest. When they run out the caller gets
  ``UpstreamError`` and the ErrorReporter a report (``RetryPolicy.call``).
- At most ``anthropic_max_concurrency`` calls in flight and ``anthropic_requests_per_minute``
  started a minute (a token bucket), whatever the number of negotiations asking.
- :meth:`ModelClient.probe` sends one minimal request at start-up: a wrong model id (404) or a
  refused key (401/403) is a ``ConfigError`` naming the setting to fix.
- The key is sent by the SDK and never logged; errors are redacted by the policy.
- The SDK client binds to the loop it first runs on: it is built there, on first use.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealdesk.errors import ConfigError
from dealdesk.integrations.anthropic.errors import classify_anthropic
from dealdesk.integrations.clickup.client import RateLimiter

if TYPE_CHECKING:
    from collections.abc import Callable
    from decimal import Decimal

    import anthropic
    from anthropic.types import Message

    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.runtime.reports import ErrorReport
    from dealdesk.runtime.retry import RetryPolicy
    from dealdesk.runtime.settings import Settings

__all__ = ["ModelClient", "Usage"]


@dataclass(frozen=True)
class Usage:
    """One call's tokens, as the API counted them."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0

    @classmethod
    def of(cls, message: Message) -> Usage:
        u = message.usage
        return cls(
            input_tokens=u.input_tokens,
            output_tokens=u.output_tokens,
            cache_write_tokens=u.cache_creation_input_tokens or 0,
            cache_read_tokens=u.cache_read_input_tokens or 0,
        )

    @property
    def prompt_tokens(self) -> int:
        """Every input token, cached or not."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens

    def dollars(self, settings: Settings) -> Decimal:
        """What the call cost at the prices in settings (USD per million tokens)."""
        cost = (
            self.input_tokens * settings.anthropic_price_input
            + self.output_tokens * settings.anthropic_price_output
            + self.cache_write_tokens * settings.anthropic_price_cache_write
            + self.cache_read_tokens * settings.anthropic_price_cache_read
        )
        return cost / 1_000_000

    def as_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "cache_read_tokens": self.cache_read_tokens,
        }


class ModelClient:
    """Messages API calls for the model's reader and writer (runs on the I/O loop)."""

    def __init__(
        self,
        endpoint: Endpoint,
        settings: Settings,
        policy: RetryPolicy,
        report: Callable[[ErrorReport], None] | None,
    ) -> None:
        self.endpoint = endpoint
        self.model = settings.anthropic_model
        self.max_tokens = settings.anthropic_max_tokens
        self.timeout_s = settings.anthropic_timeout_s
        self.policy = policy
        self.report = report
        self.limiter = RateLimiter(settings.anthropic_requests_per_minute)
        self._concurrency = settings.anthropic_max_concurrency
        self._slots: asyncio.Semaphore | None = None
        self._sdk: anthropic.AsyncAnthropic | None = None

    def _client(self) -> anthropic.AsyncAnthropic:
        if self._sdk is None:
            import anthropic  # noqa: PLC0415 - the SDK takes a second to import: only when used

            self._sdk = anthropic.AsyncAnthropic(
                api_key=self.endpoint.token.get_secret_value(),
                base_url=self.endpoint.base_url,
                max_retries=0,
                timeout=self.timeout_s,
            )
        return self._sdk

    async def create(self, operation: str, **request: Any) -> Message:
        """One ``messages.create`` under the policy (``operation`` names it in reports)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._concurrency)

        async def attempt() -> Message:
            assert self._slots is not None
            async with self._slots:
                await self.limiter.acquire()
                message: Message = await self._client().messages.create(
                    model=self.model, max_tokens=self.max_tokens, **request
                )
                return message

        return await self.policy.call(
            "anthropic", operation, attempt, report=self.report, classify=classify_anthropic
        )

    async def probe(self) -> None:
        """One minimal request; a wrong model id or key is a ``ConfigError`` naming the setting
        (no retries: a 4xx is not retried, and start-up should not wait out a 5xx)."""
        import anthropic  # noqa: PLC0415 - see _client

        try:
            await self._client().messages.create(
                model=self.model,
                max_tokens=1,
                messages=[{"role": "user", "content": "ping"}],
            )
        except anthropic.NotFoundError as exc:
            raise ConfigError(
                f"DEALDESK_ANTHROPIC_MODEL: the model {self.model!r} was not found at "
                f"{self.endpoint.base_url} ({_said(exc)}); set a model id the account can use"
            ) from None
        except (anthropic.AuthenticationError, anthropic.PermissionDeniedError) as exc:
            raise ConfigError(
                f"DEALDESK_ANTHROPIC_API_KEY: the key was refused by {self.endpoint.base_url} "
                f"({_said(exc)})"
            ) from None
        except anthropic.BadRequestError as exc:
            raise ConfigError(
                f"DEALDESK_ANTHROPIC_MODEL: a minimal request to {self.model!r} was refused "
                f"({_said(exc)})"
            ) from None
        except anthropic.APIError as exc:
            raise ConfigError(
                f"DEALDESK_ANTHROPIC_API_BASE: the model could not be reached at "
                f"{self.endpoint.base_url} ({type(exc).__name__})"
            ) from None

    async def close(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None


def _said(exc: anthropic.APIStatusError) -> str:
    """The API's own words for a refusal (its envelope's message), never the request."""
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    message = error.get("message") if isinstance(error, dict) else None
    return f"HTTP {exc.status_code}: {message or 'no message'}"[:200]
