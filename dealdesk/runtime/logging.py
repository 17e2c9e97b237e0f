"""structlog, configured once at start-up: JSON when stderr is not a terminal, console otherwise.

A redaction processor runs last before rendering, so no secret reaches a log line: values under
secret-looking keys (token, secret, password, api_key, authorization, signature, cookie) are
replaced, and known secret values and secret-shaped strings (Slack ``xox?-`` tokens, Anthropic
``sk-ant-`` keys, ClickUp ``pk_`` tokens, ``Bearer …``) are masked wherever they appear in text.
``redact_text`` is the same rule for error reports and Slack messages.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from collections.abc import Iterable, MutableMapping

__all__ = ["REDACTED", "configure_logging", "redact", "redact_text", "register_secrets"]

REDACTED = "[REDACTED]"

_SECRET_KEY = re.compile(
    r"(token|secret|passw|api[_-]?key|authorization|signature|cookie|credential)", re.IGNORECASE
)
_SECRET_SHAPES = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|sk-ant-[A-Za-z0-9_-]+|pk_[A-Za-z0-9_]{8,}"
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,})"
)
_known_lock = threading.Lock()
_known_secrets: set[str] = set()


def register_secrets(values: Iterable[str]) -> None:
    """Remember secret values (from Settings) so they are masked wherever they appear."""
    with _known_lock:
        _known_secrets.update(v for v in values if len(v) >= 4)


def redact_text(text: str) -> str:
    with _known_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, REDACTED)
    return _SECRET_SHAPES.sub(REDACTED, text)


def _redact_value(key: str, value: Any) -> Any:
    if _SECRET_KEY.search(key) and value not in (None, ""):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {str(k): _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(key, v) for v in value]
    return value


def redact(
    _logger: object, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: mask secrets in every field of the event."""
    for key in list(event_dict):
        event_dict[key] = _redact_value(key, event_dict[key])
    return event_dict


def configure_logging(level: str = "info", *, json: bool | None = None) -> None:
    """Configure structlog and route the standard library's logging (pykka, aiohttp) through it."""
    use_json = not sys.stderr.isatty() if json is None else json
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if use_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    numeric = logging.getLevelName(level.upper())
    structlog.configure(
        processors=[*shared, redact, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
