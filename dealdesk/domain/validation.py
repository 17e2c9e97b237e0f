"""Turn pydantic's validation errors into sentences that name the field and the offending value.

The ClickUp mapping and the config loaders both surface these to a human (a Slack message, a
start-up error), so each problem reads ``budget: amount 1.5 must be ... (got 1.5)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from dealdesk.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ModelInvalid", "parse_model", "problems_of"]

M = TypeVar("M", bound=BaseModel)

_MISSING = "missing"


def problems_of(exc: ValidationError) -> tuple[str, ...]:
    """One line per problem: the dotted field path, what is wrong, and the value that was given."""
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if not where:
            # A whole-model check (an inverted range): its message already names the fields.
            lines.append(message)
        elif error["type"] == _MISSING:
            lines.append(f"{where}: is required but missing")
        else:
            lines.append(f"{where}: {message} (got {_short(error.get('input'))})")
    return tuple(lines)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class ModelInvalid(InvalidInput):
    """A model could not be built from outside data; ``problems`` lists every field at fault."""

    def __init__(self, what: str, problems: tuple[str, ...]) -> None:
        super().__init__(f"invalid {what}: " + "; ".join(problems))
        self.what = what
        self.problems = problems


def parse_model(model: type[M], data: Mapping[str, Any], what: str) -> M:
    """Validate ``data`` into ``model``; on failure raise ``ModelInvalid`` listing every problem."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise ModelInvalid(what, problems_of(exc)) from exc
