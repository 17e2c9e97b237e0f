"""The only reader of the pricing, playbook and escalation files under ``config/``.

Each file is parsed with ``yaml.safe_load`` and validated into its domain model. A missing,
unreadable, malformed or invalid file raises ``ConfigError`` whose message names the file and
every problem in it; there is no silent default (a config path that does not resolve must stop
start-up, not fall back). ``load_policy`` loads all three and reports the problems of every
file at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dealdesk.domain.rules import EscalationRules, NegotiationPolicy, Playbook, PricingConfig
from dealdesk.domain.validation import problems_of
from dealdesk.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "ESCALATION_FILE",
    "PLAYBOOK_FILE",
    "PRICING_FILE",
    "load_escalation",
    "load_playbook",
    "load_policy",
    "load_pricing",
]

PRICING_FILE: Final = "pricing.yaml"
PLAYBOOK_FILE: Final = "playbook.yaml"
ESCALATION_FILE: Final = "escalation.yaml"

M = TypeVar("M", bound=BaseModel)


class _FileProblems(ConfigError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.path = path
        self.problems = problems


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _FileProblems(path, ["file not found"]) from None
    except OSError as exc:
        raise _FileProblems(path, [f"cannot be read: {exc.strerror or exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise _FileProblems(path, [f"is not valid YAML{line}: {exc}"]) from None
    if data is None:
        raise _FileProblems(path, ["is empty"])
    if not isinstance(data, dict):
        raise _FileProblems(path, [f"must be a mapping of settings, not a {type(data).__name__}"])
    return data


def _load(path: Path, model: type[M]) -> M:
    data = _read_mapping(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _FileProblems(path, list(problems_of(exc))) from None


def load_pricing(path: Path) -> PricingConfig:
    return _load(path, PricingConfig)


def load_playbook(path: Path) -> Playbook:
    return _load(path, Playbook)


def load_escalation(path: Path) -> EscalationRules:
    return _load(path, EscalationRules)


def load_policy(config_dir: Path) -> NegotiationPolicy:
    """All three files from ``config_dir``; one ``ConfigError`` lists every bad file's problems."""
    errors: list[str] = []

    def attempt(loader: Callable[[Path], M], name: str) -> M | None:
        try:
            return loader(Path(config_dir) / name)
        except ConfigError as exc:
            errors.append(str(exc))
            return None

    pricing = attempt(load_pricing, PRICING_FILE)
    playbook = attempt(load_playbook, PLAYBOOK_FILE)
    escalation = attempt(load_escalation, ESCALATION_FILE)
    if pricing is None or playbook is None or escalation is None:
        raise ConfigError(" | ".join(errors))
    return NegotiationPolicy(pricing=pricing, playbook=playbook, escalation=escalation)
