"""Decode ClickUp custom-field values, as Get Task returns them, into plain Python values.

ClickUp does not normalise custom-field values (its docs say "cast"), so every type is read
defensively (wire formats in ``reference-wire-formats.md`` §1):

- ``drop_down``: the option's ``orderindex`` (an int, sometimes a digit string); a webhook's option
  UUID is accepted too. Decoded to the option's name.
- ``labels``: a list of option ids, decoded to the options' ``label`` texts.
- ``number`` / ``currency``: a string or a number, decoded to an exact ``Decimal``.
- ``date``: unix milliseconds (string or int), decoded to an aware UTC ``datetime``.
- ``checkbox``: ``"true"``/``"false"``/bool/``null``.
- ``users`` / ``tasks``: lists of objects, decoded to emails (else usernames) and task names.
- text-like types: strings (numbers are cast); ``emoji``: a rating ``0..count``; ``location``: its
  formatted address; progress: a percentage.

A field with no ``value`` key (or a ``null`` value) is unset: :attr:`FieldValue.value` is ``None``.
Nothing here raises on odd input: a bad value becomes a :class:`FieldError` naming the field, what
was wrong and the offending value, so the caller can list every problem at once.

Every value also gets :attr:`FieldValue.shown`, the value as the person sees it in ClickUp (the
option's name, ``2026-12-20``, ``12000 USD``), which is what error messages print: the wire value
(an ``orderindex``, unix ms, a float) means nothing to whoever has to fix the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dealdesk.domain.changes import short_repr

__all__ = ["FieldError", "FieldValue", "decode_field", "decode_fields", "quoted", "shown_value"]

_TEXT_TYPES = frozenset({"short_text", "text", "email", "url", "phone"})
# Dates ClickUp can hold: 1970 to 9999 (beyond that datetime cannot represent them anyway).
_MAX_MS = 253_402_300_799_999
_MAX_TEXT = 20_000
_MAX_SHOWN = 80


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``field`` is the ClickUp field's name (or a campaign term).

    ``shown`` is the offending value as the person sees it in ClickUp, ready to print (see
    :func:`shown_value`); ``raw`` is what ClickUp sent, kept for code and logs but never printed.
    """

    field: str
    reason: str
    shown: str | None = None
    raw: object = None

    def __str__(self) -> str:
        if self.shown is None:
            return f"{self.field}: {self.reason}"
        return f"{self.field}: {self.reason} (got {self.shown})"


@dataclass(frozen=True)
class FieldValue:
    """One decoded field. ``value`` is ``None`` when unset; ``raw`` is what ClickUp sent; ``shown``
    is the value as ClickUp shows it to a person (``None`` when unset)."""

    name: str
    type: str
    value: object
    raw: object = None
    currency: str | None = None
    shown: str | None = None


def quoted(text: str) -> str:
    """Text as a message quotes it: in double quotes, on one line, cut to a readable length."""
    one_line = " ⏎ ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    if len(one_line) > _MAX_SHOWN:
        one_line = one_line[: _MAX_SHOWN - 1] + "…"
    return f'"{one_line}"'


def _number_text(number: Decimal) -> str:
    # format "f", not str(): Decimal("1E+3") is 1000 to a person
    text = format(number, "f")
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def shown_value(value: object) -> str:
    """A decoded value as a person reads it: text quoted, numbers plain, dates ISO, boxes ticked."""
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, bool):
        return "checked" if value else "unchecked"
    if isinstance(value, int | float | Decimal):
        return _number_text(Decimal(repr(value) if isinstance(value, float) else value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, tuple | list) and value:
        return ", ".join(shown_value(v) for v in value)
    return "nothing" if value in (None, (), []) else short_repr(value)


class _Bad(Exception):
    """A value that cannot be decoded; ``names_value`` when ``reason`` already says what it is."""

    def __init__(self, reason: str, *, names_value: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.names_value = names_value


def _as_text(raw: object) -> str:
    if isinstance(raw, bool) or raw is None:
        raise _Bad("is not text")
    if isinstance(raw, int | Decimal):
        return str(raw)
    if isinstance(raw, float):
        return repr(raw)
    if not isinstance(raw, str):
        raise _Bad("is not text")
    if len(raw) > _MAX_TEXT:
        raise _Bad(f"is longer than {_MAX_TEXT} characters")
    return raw


def _as_decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise _Bad("is not a number")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Bad("is not a finite number")
        return Decimal(repr(raw))
    if isinstance(raw, int | Decimal):
        result = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise _Bad("is not a number") from None
    else:
        raise _Bad("is not a number")
    if not result.is_finite():
        raise _Bad("is not a finite number")
    if abs(result) >= Decimal("1e15"):
        raise _Bad("is too large")
    return result


def _as_int(raw: object) -> int:
    number = _as_decimal(raw)
    if number != number.to_integral_value():
        raise _Bad("is not a whole number")
    return int(number)


def _names(options: list[dict[str, Any]]) -> str:
    return ", ".join(str(o.get("name", o.get("label"))) for o in options) or "none"


def _options(type_config: object) -> list[dict[str, Any]]:
    if not isinstance(type_config, dict):
        return []
    options = type_config.get("options")
    if not isinstance(options, list):
        return []
    return [o for o in options if isinstance(o, dict)]


def _decode_drop_down(raw: object, type_config: object) -> str:
    options = _options(type_config)
    if isinstance(raw, str) and not raw.strip().lstrip("-").isdigit():
        # a webhook's ``after`` (and the Set request) carry the option's UUID instead
        for option in options:
            if str(option.get("id")) == raw:
                return _as_text(option.get("name"))
        reason = f"is set to an option the field does not have (its options: {_names(options)})"
        raise _Bad(reason, names_value=True)
    index = _as_int(raw)
    for option in options:
        try:
            if _as_int(option.get("orderindex")) == index:
                return _as_text(option.get("name"))
        except _Bad:
            continue
    reason = f"is set to option #{index}, which the field does not have"
    raise _Bad(f"{reason} (its options: {_names(options)})", names_value=True)


def _decode_labels(raw: object, type_config: object) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise _Bad("is not a list of label ids")
    options = _options(type_config)
    by_id = {str(o.get("id")): o for o in options}
    labels: list[str] = []
    for item in raw:
        option = by_id.get(str(item)) if isinstance(item, str | int) else None
        if option is None:
            # the id is ClickUp's, not anything a person saw: name the labels there are instead
            reason = f"holds a label the field does not have (its labels: {_names(options)})"
            raise _Bad(reason, names_value=True)
        labels.append(_as_text(option.get("label", option.get("name"))))
    return tuple(labels)


def _decode_date(raw: object) -> datetime:
    try:
        millis = _as_int(raw)
    except _Bad:
        raise _Bad("is not a unix-milliseconds date") from None
    if not 0 <= millis <= _MAX_MS:
        raise _Bad("is not a date ClickUp can hold")
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


def _decode_checkbox(raw: object) -> bool | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
        return raw.strip().lower() == "true"
    if isinstance(raw, int) and raw in {0, 1}:
        return bool(raw)
    raise _Bad("is not true or false")


def _decode_people(raw: object, what: str) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise _Bad(f"is not a list of {what}")
    out: list[str] = []
    for item in raw:
        if not isinstance(item, dict):
            raise _Bad(f"holds {short_repr(item, 40)}, which is not one of {what}")
        keys = ("email", "username", "name") if what == "users" else ("name", "id")
        text = next((item[k] for k in keys if isinstance(item.get(k), str) and item[k]), None)
        if text is None:
            raise _Bad(f"holds one of {what} with no name")
        out.append(text)
    return tuple(out)


def _decode_emoji(raw: object, type_config: object) -> int:
    rating = _as_int(raw)
    count = type_config.get("count") if isinstance(type_config, dict) else None
    top = count if isinstance(count, int) and not isinstance(count, bool) else 5
    if not 0 <= rating <= top:
        raise _Bad(f"is not a rating between 0 and {top}")
    return rating


def _decode_location(raw: object) -> str:
    if not isinstance(raw, dict):
        raise _Bad("is not a location")
    address = raw.get("formatted_address")
    if isinstance(address, str) and address:
        return address
    inner = raw.get("location")
    if isinstance(inner, dict) and "lat" in inner and "lng" in inner:
        return f"{_as_decimal(inner['lat'])},{_as_decimal(inner['lng'])}"
    raise _Bad("is a location with no address")


def _decode_progress(raw: object) -> Decimal:
    if not isinstance(raw, dict):
        raise _Bad("is not a progress value")
    for key in ("percent_completed", "percent_complete"):
        if key in raw and raw[key] is not None:
            return _as_decimal(raw[key])
    if raw.get("current") is not None:
        return _as_decimal(raw["current"])
    raise _Bad("is a progress value with no percentage")


def _decode_value(kind: str, raw: object, type_config: object) -> object:
    match kind:
        case "drop_down":
            return _decode_drop_down(raw, type_config)
        case "labels":
            return _decode_labels(raw, type_config)
        case "number" | "currency":
            return _as_decimal(raw)
        case "date":
            return _decode_date(raw)
        case "checkbox":
            return _decode_checkbox(raw)
        case "users":
            return _decode_people(raw, "users")
        case "tasks":
            return _decode_people(raw, "tasks")
        case "emoji":
            return _decode_emoji(raw, type_config)
        case "location":
            return _decode_location(raw)
        case "manual_progress" | "automatic_progress":
            return _decode_progress(raw)
        case _ if kind in _TEXT_TYPES:
            return _as_text(raw)
        case _:
            # A type this code does not know yet: text passes, anything else is refused.
            if isinstance(raw, str):
                return _as_text(raw)
            raise _Bad(f"has type {kind!r}, which dealdesk cannot read")


def _shown_number(number: Decimal, raw: object, currency: str | None) -> str:
    if isinstance(raw, str):
        text = quoted(raw)[1:-1]  # as typed ("12,000.50"), on one line
    elif isinstance(raw, float) and number == number.to_integral_value():
        text = _number_text(number.to_integral_value())  # 12000.0 on the wire was typed 12000
    else:
        text = _number_text(number)
    return f"{text} {currency}" if currency else text


def _shown(kind: str, value: object, raw: object, type_config: object, currency: str | None) -> str:
    """``value`` (decoded from ``raw``) as ClickUp shows it to a person."""
    if kind in {"number", "currency"} and isinstance(value, Decimal):
        return _shown_number(value, raw, currency)
    if kind == "emoji" and isinstance(value, int):
        count = type_config.get("count") if isinstance(type_config, dict) else None
        return f"{value} of {count}" if isinstance(count, int) else str(value)
    if kind in {"manual_progress", "automatic_progress"} and isinstance(value, Decimal):
        fraction = isinstance(raw, dict) and (
            raw.get("percent_completed") is not None or raw.get("percent_complete") is not None
        )
        percent = value * 100 if fraction else value
        return f"{_number_text(percent.normalize())}%"
    return shown_value(value)


def _shown_raw(raw: object) -> str:
    """A value that could not be decoded, as near as possible to what a person would see."""
    plain = isinstance(raw, str | int | float | Decimal) and not isinstance(raw, bool)
    return shown_value(raw) if plain else short_repr(raw)


def decode_field(field: object) -> FieldValue | FieldError:
    """Decode one element of a task's ``custom_fields``; never raises."""
    if not isinstance(field, dict):
        return FieldError(
            "custom_fields", "holds an entry that is not an object", short_repr(field), field
        )
    name = field.get("name")
    if not isinstance(name, str) or not name.strip():
        field_id = field.get("id")
        return FieldError(
            "custom_fields", "holds a field with no name", short_repr(field_id), field_id
        )
    kind = field.get("type")
    if not isinstance(kind, str):
        return FieldError(name, "has no type", short_repr(kind), kind)
    type_config = field.get("type_config")
    currency = None
    if kind == "currency" and isinstance(type_config, dict):
        code = type_config.get("currency_type")
        currency = code if isinstance(code, str) else None
    if "value" not in field or field["value"] is None:
        return FieldValue(name, kind, None, None, currency)
    raw = field["value"]
    if isinstance(raw, str) and not raw.strip() and kind != "checkbox":
        return FieldValue(name, kind, None, raw, currency)
    try:
        value = _decode_value(kind, raw, type_config)
        shown = _shown(kind, value, raw, type_config, currency)
    except _Bad as bad:
        # an index or id no option has means nothing to a person: the reason lists the options
        shown_bad = None if bad.names_value else _shown_raw(raw)
        return FieldError(name, f"{kind} value {bad.reason}", shown_bad, raw)
    except (ValueError, TypeError, ArithmeticError, OverflowError) as exc:
        reason = f"{kind} value cannot be read ({type(exc).__name__})"
        return FieldError(name, reason, _shown_raw(raw), raw)
    return FieldValue(name, kind, value, raw, currency, shown)


def decode_fields(fields: object) -> tuple[dict[str, FieldValue], list[FieldError]]:
    """Decode a task's ``custom_fields``: values by field name (first wins), and every error."""
    values: dict[str, FieldValue] = {}
    errors: list[FieldError] = []
    if fields is None:
        return values, errors
    if not isinstance(fields, list):
        return values, [FieldError("custom_fields", "is not a list", short_repr(fields), fields)]
    for field in fields:
        decoded = decode_field(field)
        if isinstance(decoded, FieldError):
            errors.append(decoded)
        else:
            values.setdefault(decoded.name, decoded)
    return values, errors
