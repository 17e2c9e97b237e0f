"""One ``Settings`` object, loaded once in ``main()`` and passed down; actors never read the env.

Variables are prefixed ``DEALDESK_`` and may also come from a ``.env`` file;
``config/settings.example.env`` documents each. Every integration is optional: with neither its
credential nor its ``*_API_BASE`` set, that integration talks to the in-process sandbox. A
``*_API_BASE`` without a credential points the real client at that address (a real-protocol peer).
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dealdesk.errors import ConfigError

__all__ = ["Service", "Settings", "load_settings", "parse_duration"]


class Service(StrEnum):
    CLICKUP = "clickup"
    SLACK = "slack"
    GMAIL = "gmail"
    SHEETS = "sheets"
    ANTHROPIC = "anthropic"


PositiveFloat = Annotated[float, Field(gt=0)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DEALDESK_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Path("data")
    config_dir: Path = Path("config")
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    http_max_body_bytes: int = Field(default=1_048_576, gt=0)
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    clickup_api_base: str | None = None
    clickup_token: SecretStr | None = None
    clickup_webhook_secret: SecretStr | None = None
    clickup_list_id: str | None = None
    clickup_requests_per_minute: int = Field(default=100, gt=0)

    slack_api_base: str | None = None
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_team_channel: str = "#dealdesk"
    slack_errors_channel: str = "#dealdesk-errors"
    # The Slack console: seconds between two posts to one channel (Slack allows about 1/s);
    # who may take over, pause, resume, stop, decide escalations and review drafts (Slack user
    # ids, comma-separated; empty: nobody); whether /audit and /status are open to everyone.
    slack_pace_s: float = Field(default=1.0, ge=0)
    slack_allowed_users: str = ""
    slack_open_reads: bool = True
    # Review before send: which emails wait for a person's Send in Slack (off, outreach, all).
    review: Literal["off", "outreach", "all"] = "off"

    gmail_api_base: str | None = None
    # An OAuth user token (``run.py gmail authorize`` writes one) or a service account's key.
    gmail_credentials_file: Path | None = None
    gmail_oauth_client_file: Path | None = None  # the installed-app client secrets, to authorize
    gmail_delegated_user: str | None = None  # with a service account: whose mailbox
    gmail_address: str = "deals@agency.example"
    gmail_poll_s: PositiveFloat = 20.0
    gmail_daily_cap: int = Field(default=300, gt=0)  # emails per rolling 24 h
    gmail_per_minute: int = Field(default=20, gt=0)  # emails per minute
    gmail_quota_units_per_minute: int = Field(default=15_000, gt=0)
    gmail_dry_run: bool = False  # everything runs, nothing leaves: emails stay in the outbox
    gmail_push_token: SecretStr | None = None  # the shared token /webhooks/gmail requires
    gmail_timeout_s: PositiveFloat = 30.0

    sheets_api_base: str | None = None
    sheets_spreadsheet_id: str | None = None
    sheets_roster_tab: str = "Roster"
    roster_ttl_s: PositiveFloat = 300.0

    # The model reads replies and writes emails: "off" (the rule-based reader and templated
    # writer alone), "sandbox" (the in-process fake model) or "anthropic"; unset, "anthropic"
    # when a key or an address is set, else "off".
    model: Literal["off", "sandbox", "anthropic"] | None = None
    anthropic_api_base: str | None = None
    anthropic_api_key: SecretStr | None = None
    anthropic_model: str = "claude-sonnet-5"
    anthropic_max_tokens: int = Field(default=1024, gt=0)
    anthropic_timeout_s: PositiveFloat = 60.0
    anthropic_max_concurrency: int = Field(default=4, gt=0)  # calls in flight at once
    anthropic_requests_per_minute: int = Field(default=50, gt=0)
    anthropic_prompt_caching: bool = True  # mark the stable prefix with cache_control
    # USD per million tokens, for the report and /metrics (Sonnet's list prices by default)
    anthropic_price_input: Decimal = Decimal(3)
    anthropic_price_output: Decimal = Decimal(15)
    anthropic_price_cache_write: Decimal = Decimal("3.75")
    anthropic_price_cache_read: Decimal = Decimal("0.30")

    # follow-ups: after our last email, and stale after the last follow-up ("3d,7d"; s, m, h, d)
    follow_ups: str = "3d,7d"
    stale_after: str = "3d"

    # virtual negotiators: passivated after this long idle ("10m"; s, m, h, d), and never more
    # than this many live at once (least recently used passivated first)
    passivate_after: str = "10m"
    max_live_negotiators: int = Field(default=500, ge=1)

    # supervision: OTP-style restart intensity
    restart_max: int = Field(default=3, ge=0)
    restart_period_s: PositiveFloat = 60.0
    shutdown_timeout_s: PositiveFloat = 10.0

    # the one retry policy for external calls
    retry_attempts: int = Field(default=3, ge=1, le=10)
    retry_initial_s: float = Field(default=1.0, ge=0)
    retry_max_s: float = Field(default=30.0, ge=0)
    retry_jitter_s: float = Field(default=5.0, ge=0)

    error_window_s: PositiveFloat = 600.0
    error_retry_s: PositiveFloat = 30.0

    # the AuditWriter's group commit
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    audit_batch_max: int = Field(default=1000, gt=0)
    audit_batch_ms: float = Field(default=5.0, ge=0)

    @field_validator(
        "clickup_api_base", "slack_api_base", "gmail_api_base", "sheets_api_base",
        "anthropic_api_base",
    )  # fmt: skip
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
        return value

    @field_validator("follow_ups")
    @classmethod
    def _follow_ups(cls, value: str) -> str:
        delays = [parse_duration(part) for part in value.split(",") if part.strip()]
        if not delays:
            raise ValueError("give at least one follow-up delay, like 3d,7d")
        if any(later <= earlier for earlier, later in itertools.pairwise(delays)):
            raise ValueError(f"follow-ups must come later and later, got {value!r}")
        return value

    @field_validator("stale_after", "passivate_after")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def follow_up_delays(self) -> tuple[timedelta, ...]:
        """Each follow-up's delay after our last email (DEALDESK_FOLLOW_UPS)."""
        return tuple(parse_duration(part) for part in self.follow_ups.split(",") if part.strip())

    @property
    def stale_delay(self) -> timedelta:
        return parse_duration(self.stale_after)

    @property
    def passivate_delay(self) -> timedelta:
        return parse_duration(self.passivate_after)

    @property
    def model_mode(self) -> Literal["off", "sandbox", "anthropic"]:
        """Who reads replies and writes emails besides the rules (DEALDESK_MODEL)."""
        if self.model is not None:
            return self.model
        configured = self.anthropic_api_key is not None or self.anthropic_api_base is not None
        return "anthropic" if configured else "off"

    def credential(self, service: Service) -> SecretStr | None:
        return {
            Service.CLICKUP: self.clickup_token,
            Service.SLACK: self.slack_bot_token,
            Service.GMAIL: (
                SecretStr(str(self.gmail_credentials_file)) if self.gmail_credentials_file else None
            ),
            Service.SHEETS: (
                SecretStr(str(self.gmail_credentials_file)) if self.gmail_credentials_file else None
            ),
            Service.ANTHROPIC: self.anthropic_api_key,
        }[service]

    def api_base(self, service: Service) -> str | None:
        return {
            Service.CLICKUP: self.clickup_api_base,
            Service.SLACK: self.slack_api_base,
            Service.GMAIL: self.gmail_api_base,
            Service.SHEETS: self.sheets_api_base,
            Service.ANTHROPIC: self.anthropic_api_base,
        }[service]

    def sandboxed(self, service: Service) -> bool:
        """True when neither a credential nor an address is set: the sandbox fake stands in."""
        return self.credential(service) is None and self.api_base(service) is None

    def secret_values(self) -> list[str]:
        """Every secret's plain value, for the log redactor."""
        secrets = [
            self.clickup_token,
            self.clickup_webhook_secret,
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.anthropic_api_key,
            self.gmail_push_token,
        ]
        return [s.get_secret_value() for s in secrets if s is not None and s.get_secret_value()]


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """``"90s"``, ``"15m"``, ``"12h"``, ``"3d"`` (a number, maybe decimal, and one unit);
    ValueError saying what would be accepted."""
    value = text.strip().lower()
    number, unit = value[:-1], value[-1:]
    try:
        amount = float(number)
    except ValueError:
        amount = -1.0
    if unit not in _UNITS or amount <= 0 or amount != amount:  # noqa: PLR0124 - NaN
        raise ValueError(f"{text.strip()!r} is not a duration: write e.g. 30s, 15m, 12h or 3d")
    return timedelta(seconds=amount * _UNITS[unit])


def load_settings(**overrides: object) -> Settings:
    """Load settings from the environment (and ``.env``); a bad value is a ConfigError that lists
    every problem, one line each, naming the variable and what was wrong."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            name = f"DEALDESK_{field.upper()}"
            got = error.get("input")
            shown = "" if isinstance(got, dict) else f" (got {got!r})"
            lines.append(f"{name}: {error['msg']}{shown}")
        raise ConfigError("invalid settings:\n" + "\n".join(lines)) from None
