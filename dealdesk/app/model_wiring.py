"""The model at start-up: its playbook read, its client built and probed, its pen put on the
runtime context (``ctx[MODEL]``) for negotiators to use; or nothing, when the model is off.

- ``DEALDESK_MODEL`` (``Settings.model_mode``): ``off`` leaves the rule-based reader and the
  templated writer alone, exactly as without this module; ``sandbox`` talks to the in-process
  fake Messages API (the sandbox starts it); ``anthropic`` to ``DEALDESK_ANTHROPIC_API_BASE`` or
  the real API, with ``DEALDESK_ANTHROPIC_API_KEY``.
- The playbook is every ``*.md`` of ``config/playbook/`` (:data:`PLAYBOOK_FILES` must be there),
  in name order. ``voice.md`` may open with a YAML front matter block whose only key is
  ``template_fallback`` (true or false). A missing, empty, unreadable or malformed file is a
  ``ConfigError`` naming it: start-up stops.
- The probe (one minimal request) runs before any actor: a wrong model id or a refused key stops
  start-up with one line naming the setting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import yaml
from pydantic import SecretStr

from dealdesk.actors.negotiator_model import MODEL, ModelPen
from dealdesk.errors import ConfigError
from dealdesk.integrations.anthropic import ModelClient, ModelPlaybook
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.anthropic import SANDBOX_ANTHROPIC_KEY

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.retry import RetryPolicy

__all__ = ["PLAYBOOK_DIR", "PLAYBOOK_FILES", "close_model", "load_model_playbook", "start_model"]

PLAYBOOK_DIR: Final = "playbook"
PLAYBOOK_FILES: Final = ("voice.md", "emails.md", "reading.md")
_FRONT_KEYS: Final = frozenset({"template_fallback"})


def _front_matter(path: Path, text: str) -> tuple[dict[str, object], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ConfigError(f"{path}: the front matter opened by '---' is never closed")
    try:
        data = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: the front matter is not YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the front matter must be a mapping, got {type(data).__name__}")
    unknown = sorted(set(data) - _FRONT_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown front matter keys {unknown}; known: template_fallback")
    return data, text[end + 5 :]


def load_model_playbook(config_dir: Path) -> ModelPlaybook:
    """The team's playbook for the model, from ``config/playbook/*.md``."""
    folder = config_dir / PLAYBOOK_DIR
    missing = [name for name in PLAYBOOK_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(f"{folder}: missing playbook files {missing}")
    parts: list[str] = []
    fallback = True
    for path in sorted(folder.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read ({exc})") from None
        front, body = _front_matter(path, text)
        if "template_fallback" in front:
            value = front["template_fallback"]
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: template_fallback must be true or false, got {value!r}")
            fallback = value
        if not body.strip():
            raise ConfigError(f"{path}: the playbook file is empty")
        parts.append(body.strip())
    return ModelPlaybook("\n\n".join(parts) + "\n", template_fallback=fallback)


def start_model(
    ctx: RuntimeContext,
    endpoints: Mapping[Service, Endpoint],
    sandbox_urls: Mapping[Service, str],
    policy: RetryPolicy,
) -> ModelPen | None:
    """Read the playbook, build and probe the client, and put the pen on ``ctx`` (runs on the
    main thread: the probe runs on the I/O loop and is waited for)."""
    settings = ctx.settings
    mode = settings.model_mode
    if mode == "off":
        return None
    playbook = load_model_playbook(settings.config_dir)
    if mode == "sandbox":
        if Service.ANTHROPIC not in sandbox_urls:
            raise ConfigError("DEALDESK_MODEL=sandbox, but the sandbox Anthropic is not running")
        endpoint = Endpoint(
            Service.ANTHROPIC,
            sandbox_urls[Service.ANTHROPIC],
            SecretStr(SANDBOX_ANTHROPIC_KEY),
            sandboxed=True,
        )
    else:
        found = endpoints.get(Service.ANTHROPIC)
        if found is None or found.sandboxed:
            raise ConfigError(
                "DEALDESK_MODEL=anthropic needs DEALDESK_ANTHROPIC_API_KEY "
                "(or DEALDESK_ANTHROPIC_API_BASE for a peer)"
            )
        endpoint = found
    client = ModelClient(endpoint, settings, policy, ctx.report)
    try:
        ctx.loop.run(client.probe(), timeout=settings.anthropic_timeout_s + 5)
    except BaseException:
        ctx.loop.run(client.close(), timeout=5)
        raise
    pen = ModelPen(ctx, client, playbook, cache=settings.anthropic_prompt_caching)
    ctx[MODEL].pen = pen
    return pen


def close_model(ctx: RuntimeContext) -> None:
    """Close the model's client (at shutdown, after the actors stopped)."""
    pen = ctx[MODEL].pen
    if pen is not None:
        ctx[MODEL].pen = None
        ctx.loop.run(pen.client.close(), timeout=5)
