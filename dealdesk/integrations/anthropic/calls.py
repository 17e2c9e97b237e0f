"""The model's two jobs as Messages API calls: read a reply (tool use), write an email (text).

Every call carries the same stable prefix — the reading tool's definition, the system prompt and
the team's playbook (``config/playbook/``) — marked with ``cache_control`` on its last block, so
repeated calls read it from the prompt cache; what changes (the negotiation, the reply, the
decided terms) comes after it, in the user message (``domain.model_io``).

- **Reading** forces the reading tool (``tool_choice``); its input is validated by
  :class:`~dealdesk.domain.model_io.ReadingInput`. No tool call, or an invalid one, is sent back
  once with the reason (a ``tool_result`` marked ``is_error``); a second failure gives no reading
  (the negotiator escalates the reply).
- **Writing** asks for the body only (no tool: ``tool_choice`` none, the same prefix); the
  subject is code's. The draft goes through the guard (the caller's ``guard``); a refused draft
  is written again once with the guard's reasons; refused again, there is no draft (the caller
  falls back to the template when the playbook allows, else a person writes it).
- Each call's usage and the guard's verdict are returned for the audit trail, whatever happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from pydantic import ValidationError

from dealdesk.domain.model_io import (
    READ_TOOL,
    ReadingInput,
    read_prompt,
    reading_from_input,
    reading_tool,
    write_prompt,
)
from dealdesk.domain.wording import WrittenEmail, render_html
from dealdesk.integrations.anthropic.client import Usage

if TYPE_CHECKING:
    from collections.abc import Callable

    from anthropic.types import Message

    from dealdesk.domain.effects import SendEmail
    from dealdesk.domain.negotiation import Negotiation
    from dealdesk.domain.reading import ReplyReading
    from dealdesk.integrations.anthropic.client import ModelClient

__all__ = ["Call", "Draft", "ModelPlaybook", "Prefix", "ReadResult", "read_reply", "write_email"]

SYSTEM: Final = """\
You work for an influencer-marketing agency. You read creators' replies about paid
collaborations, and you write the agency's emails to creators.

Rules you never break:
- Code decides every number. Write only the amounts you are given as decided (the fee, and their
  ask when you repeat it), exactly as given. Never invent, round or convert an amount.
- Never reveal the agency's budget, cap, CPM, limits or what other creators are paid.
- Never promise exclusivity, usage rights, paid ads, guarantees, bonuses or future work beyond
  the decided terms.
- Name only the decided deliverables, in the decided quantities.
- No placeholders: no brackets, braces, TODO or TBD. Plain text, under 3,000 characters.
- When reading, report what the reply says, not what you hope: every amount with what it is for,
  and whether it quotes our own offer. The request carries a rule-based first pass
  (<rules_reading>): confirm it where it is right, correct it where it is wrong.
- When writing, the request carries a reference draft (<reference_draft>) whose facts are exact:
  keep every fact, improve the words.

The team's playbook follows.
"""


@dataclass(frozen=True)
class ModelPlaybook:
    """The team's playbook (``config/playbook/*.md``) and what it allows."""

    text: str
    template_fallback: bool = True


@dataclass(frozen=True)
class Prefix:
    """The stable part of every request: tools and system, cached when ``cache`` is on."""

    playbook: ModelPlaybook
    cache: bool = True

    def request(self) -> dict[str, Any]:
        block: dict[str, Any] = {"type": "text", "text": SYSTEM + "\n" + self.playbook.text}
        if self.cache:
            block["cache_control"] = {"type": "ephemeral"}
        return {"tools": [reading_tool()], "system": [block]}


@dataclass(frozen=True)
class Call:
    """One call as the audit trail keeps it."""

    job: str  # "read" or "write"
    usage: Usage
    outcome: str  # "ok", "invalid", "guard_rejected", "failed"
    problems: tuple[str, ...] = ()
    draft: str | None = None  # a refused draft's text


@dataclass
class ReadResult:
    reading: ReplyReading | None
    calls: list[Call] = field(default_factory=list)
    why_not: str | None = None  # why there is no reading


@dataclass
class Draft:
    written: WrittenEmail | None  # None: refused twice (or the call failed)
    calls: list[Call] = field(default_factory=list)
    refused_text: str | None = None  # the last refused draft, attached for a person
    problems: tuple[str, ...] = ()


def _assistant(message: Message) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for block in message.content:
        if block.type == "text":
            blocks.append({"type": "text", "text": block.text})
        elif block.type == "tool_use":
            blocks.append(
                {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
            )
    return {"role": "assistant", "content": blocks or [{"type": "text", "text": "(empty)"}]}


async def read_reply(
    client: ModelClient,
    prefix: Prefix,
    negotiation: Negotiation,
    text: str,
    rules: ReplyReading,
) -> ReadResult:
    """The model's reading of ``text`` (raises ``UpstreamError`` when retries run out)."""
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": read_prompt(negotiation, text, rules)}
    ]
    result = ReadResult(reading=None)
    for _attempt in range(2):
        message = await client.create(
            "messages.create",
            **prefix.request(),
            tool_choice={"type": "tool", "name": READ_TOOL},
            messages=messages,
        )
        usage = Usage.of(message)
        use = next(
            (b for b in message.content if b.type == "tool_use" and b.name == READ_TOOL), None
        )
        if use is None:
            why = f"no {READ_TOOL} call (stop_reason {message.stop_reason})"
            result.calls.append(Call("read", usage, "invalid", (why,)))
            result.why_not = why
            messages += [
                _assistant(message),
                {"role": "user", "content": f"Record your reading with the {READ_TOOL} tool."},
            ]
            continue
        try:
            given = ReadingInput.model_validate(use.input)
        except ValidationError as exc:
            errors = [
                f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()
            ][:8]
            why = "invalid reading: " + "; ".join(errors)
            result.calls.append(Call("read", usage, "invalid", tuple(errors)))
            result.why_not = why
            messages += [
                _assistant(message),
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": use.id,
                            "is_error": True,
                            "content": why + ". Call the tool again with valid input.",
                        }
                    ],
                },
            ]
            continue
        result.calls.append(Call("read", usage, "ok"))
        result.reading = reading_from_input(given, text, client.model)
        result.why_not = None
        return result
    return result


async def write_email(
    client: ModelClient,
    prefix: Prefix,
    negotiation: Negotiation,
    effect: SendEmail,
    *,
    reference: WrittenEmail,
    guard: Callable[[WrittenEmail], list[str]],
) -> Draft:
    """The model's words for ``effect``, passed by ``guard``; rewritten once with the reasons."""
    draft = Draft(written=None)
    problems: list[str] | None = None
    for _attempt in range(2):
        message = await client.create(
            "messages.create",
            **prefix.request(),
            tool_choice={"type": "none"},
            messages=[
                {
                    "role": "user",
                    "content": write_prompt(negotiation, effect, reference, problems),
                }
            ],
        )
        usage = Usage.of(message)
        text = "".join(b.text for b in message.content if b.type == "text").strip()
        if message.stop_reason not in {"end_turn", "stop_sequence"}:
            problems = [f"the answer stopped early ({message.stop_reason})"]
        else:
            written = WrittenEmail(subject=reference.subject, text=text + "\n", html=None)
            written = written.model_copy(update={"html": render_html(written.text)})
            problems = guard(written)
            if not problems:
                draft.calls.append(Call("write", usage, "ok"))
                draft.written = written
                return draft
        draft.calls.append(Call("write", usage, "guard_rejected", tuple(problems), text[:4000]))
        draft.refused_text, draft.problems = text, tuple(problems)
    return draft
