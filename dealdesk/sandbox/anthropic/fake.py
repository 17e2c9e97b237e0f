"""The sandbox Anthropic: ``POST /v1/messages`` in the Messages API's own shapes.

The request is checked as the API checks it: a key (``x-api-key`` or ``Authorization: Bearer``,
any ``anthropic-version``) that is the fake's, else 401 ``authentication_error``; a model id it
knows, else 404 ``not_found_error`` naming the model (the mistake the peer system lost a day to);
``model``, ``max_tokens`` and a first ``user`` message, else 400 ``invalid_request_error``. Every
error is the API's envelope ``{"type": "error", "error": {"type", "message"}, "request_id"}``
with a ``request-id`` header; 429 (with ``retry-after``), 529 and 500 are injected as faults on
the operation ``messages`` (:func:`error_fault`).

The answer is a ``message``: ``text`` or ``tool_use`` content blocks, ``stop_reason``
(``end_turn`` or ``tool_use``) and ``usage`` with the cache fields. Prompt caching is modelled:
the prefix up to the last block marked ``cache_control`` (tools, then system, then messages) is
written to the cache the first time (``cache_creation_input_tokens``) and read from it after
(``cache_read_input_tokens``) when it is at least :data:`MIN_CACHEABLE_TOKENS` long; tokens are
counted as characters / 4.

Its "model" is scripted by tests (:meth:`FakeAnthropic.script`: a reading's tool input, a draft's
text, or a function of the request), in order, per kind ("read" for a call that forces the
reading tool, "write" otherwise). Unscripted, it answers as the rules would: the reading the
request carries as ``<rules_reading>`` and the draft it carries as ``<reference_draft>``
(``domain.model_io``), so the demo runs through the model path unchanged.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Final, TypeAlias

from aiohttp import web

from dealdesk.domain.model_io import DRAFT_TAG, READ_TOOL, RULES_TAG, untag
from dealdesk.sandbox.base import FakeServer, Fault

__all__ = [
    "MIN_CACHEABLE_TOKENS",
    "SANDBOX_ANTHROPIC_KEY",
    "SANDBOX_MODELS",
    "FakeAnthropic",
    "error_fault",
]

SANDBOX_ANTHROPIC_KEY: Final = "sk-ant-sandbox"  # the key the client sends the fake
# The model ids the fake knows (anthropic 2.x's Model literal, the current ones).
SANDBOX_MODELS: Final = frozenset(
    {
        "claude-opus-5",
        "claude-sonnet-5",
        "claude-fable-5-1",
        "claude-haiku-4-5",
        "claude-haiku-4-5-20251001",
        "claude-sonnet-4-6",
        "claude-opus-4-6",
    }
)
MIN_CACHEABLE_TOKENS: Final = 1024
_ERROR_TYPES: Final = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}

Answer: TypeAlias = dict[str, Any] | str | list[dict[str, Any]]
Script: TypeAlias = Answer | Callable[[dict[str, Any]], Answer]


def _envelope(status: int, message: str, request_id: str) -> dict[str, Any]:
    kind = _ERROR_TYPES.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": request_id}


def error_fault(status: int, *, times: int = 1, retry_after: float | None = None) -> Fault:
    """A 429/529/500 (or any status) in the API's envelope, for ``times`` calls."""
    headers = {"request-id": f"req_fault_{status}"}
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    if status == 429:
        headers.setdefault("anthropic-ratelimit-requests-remaining", "0")
    body = _envelope(status, f"sandbox fault {status}", headers["request-id"])
    return Fault("messages", status=status, body=body, headers=headers, times=times)


def tokens(value: object) -> int:
    """The fake's token count: characters / 4 of the JSON text, at least 1."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return max(1, len(text) // 4)


def _blocks(content: object) -> list[Any]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content) if isinstance(content, list) else []


def _last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            texts = [b.get("text", "") for b in _blocks(message.get("content"))]
            texts += [
                str(b.get("content", "")) for b in _blocks(message.get("content"))
                if b.get("type") == "tool_result"
            ]  # fmt: skip
            return "\n".join(t for t in texts if t)
    return ""


def _prefix_and_rest(body: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The request's pieces in cache order, split after the last one marked cache_control."""
    pieces: list[Any] = [*(body.get("tools") or [])]
    pieces += _blocks(body.get("system") or [])
    for message in body.get("messages") or []:
        pieces += _blocks(message.get("content"))
    marked = [i for i, p in enumerate(pieces) if isinstance(p, dict) and p.get("cache_control")]
    cut = marked[-1] + 1 if marked else 0
    return pieces[:cut], pieces[cut:]


class FakeAnthropic(FakeServer):
    service = "anthropic"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        key: str = SANDBOX_ANTHROPIC_KEY,
        models: frozenset[str] = SANDBOX_MODELS,
    ) -> None:
        super().__init__(host, port)
        self.key = key
        self.models = models
        self._scripts: dict[str, deque[Script]] = {"read": deque(), "write": deque()}
        self._cache: set[str] = set()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.usage: list[dict[str, Any]] = []  # every answered call's usage, in order

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/messages", self._messages)

    # -- the test's hand on the model (any thread) -----------------------------------------------

    def script(self, kind: str, *answers: Script) -> None:
        """The next answers of ``kind`` ("read" or "write"), in order: a dict is the reading
        tool's input, a string a text answer, a list raw content blocks, a function of the
        request body any of those."""
        with self._lock:
            self._scripts[kind].extend(answers)

    def forget_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    # -- the API --------------------------------------------------------------------------------

    def _error(self, status: int, message: str) -> web.Response:
        request_id = f"req_sandbox_{next(self._ids)}"
        return web.json_response(
            _envelope(status, message, request_id),
            status=status,
            headers={"request-id": request_id},
        )

    def _authorised(self, request: web.Request) -> bool:
        given = request.headers.get("x-api-key") or ""
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            given = given or bearer[7:].strip()
        return given == self.key

    def _invalid(self, body: object) -> str | None:
        if not isinstance(body, dict):
            return "the body must be a JSON object"
        for name in ("model", "max_tokens", "messages"):
            if name not in body:
                return f"{name}: Field required"
        messages = body["messages"]
        if not isinstance(messages, list) or not messages:
            return "messages: at least one message is required"
        if messages[0].get("role") != "user":
            return "messages: the first message must use the user role"
        for extra in ("temperature", "top_p", "top_k"):
            if extra in body:
                return f"{extra}: this model does not take sampling parameters"
        return None

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self._error(401, "invalid x-api-key")
        try:
            body = await request.json()
        except ValueError:
            return self._error(400, "the body is not JSON")
        if (problem := self._invalid(body)) is not None:
            return self._error(400, problem)
        model = str(body["model"])
        if model not in self.models:
            return self._error(404, f"model: {model}")
        content = self._answer(body)
        return web.json_response(self._message(body, content), headers=self._headers())

    def _headers(self) -> dict[str, str]:
        return {"request-id": f"req_sandbox_{next(self._ids)}"}

    def _answer(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        choice = body.get("tool_choice") or {}
        kind = "read" if choice.get("type") == "tool" and choice.get("name") == READ_TOOL else (
            "write"
        )  # fmt: skip
        with self._lock:
            scripted = self._scripts[kind].popleft() if self._scripts[kind] else None
        answer: Answer
        if scripted is None:
            answer = self._as_the_rules_would(kind, body)
        elif callable(scripted):
            answer = scripted(body)
        else:
            answer = scripted
        if isinstance(answer, list):
            return answer
        if isinstance(answer, dict):
            tool_id = f"toolu_sandbox_{next(self._ids)}"
            return [{"type": "tool_use", "id": tool_id, "name": READ_TOOL, "input": answer}]
        return [{"type": "text", "text": answer}]

    def _as_the_rules_would(self, kind: str, body: dict[str, Any]) -> Answer:
        asked = _last_user_text(body)
        if kind == "read":
            rules = untag(RULES_TAG, asked)
            if rules is not None:
                try:
                    reading: dict[str, Any] = json.loads(rules)
                except ValueError:
                    pass
                else:
                    return reading
            return {"intent": "unclear", "confidence": "0.2"}
        draft = untag(DRAFT_TAG, asked)
        return draft + "\n" if draft is not None else "OK"

    def _message(self, body: dict[str, Any], content: list[dict[str, Any]]) -> dict[str, Any]:
        prefix, rest = _prefix_and_rest(body)
        prefix_tokens = tokens(prefix) if prefix else 0
        written = read = 0
        if prefix_tokens >= MIN_CACHEABLE_TOKENS:
            key = hashlib.sha256(
                json.dumps([body.get("model"), prefix], sort_keys=True).encode()
            ).hexdigest()
            with self._lock:
                if key in self._cache:
                    read = prefix_tokens
                else:
                    self._cache.add(key)
                    written = prefix_tokens
        uncached = tokens(rest) + (0 if (written or read) else prefix_tokens)
        usage = {
            "input_tokens": uncached,
            "output_tokens": tokens(content),
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": read,
            "service_tier": "standard",
        }
        with self._lock:
            self.usage.append(usage)
        self.changed()
        tool_use = any(block.get("type") == "tool_use" for block in content)
        return {
            "id": f"msg_sandbox_{next(self._ids)}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": "tool_use" if tool_use else "end_turn",
            "stop_sequence": None,
            "usage": usage,
        }
