"""Map a ClickUp task to a :class:`~dealdesk.domain.campaign.Campaign` by ``campaign_fields.yaml``.

The file maps each ClickUp custom field's name (matched ignoring case and spacing) to a campaign
term (``TERMS``) and lists the terms a campaign cannot start without. :func:`map_task` decodes
every field, reads every term, then validates the campaign, and reports EVERY problem at once,
each naming the ClickUp field and its offending value as the person sees it in ClickUp (the
option's name, the date, the number as typed; never ClickUp's encoding of it), so one Slack alert
lists them all. Usage terms written into the deliverables field ("30 days organic usage") join
the usage rights; when the usage fields say otherwise, that is ambiguous and reported. The
campaign's id is the task's id, so the same task always maps to the same campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from dealdesk.domain.campaign import PLATFORM_DELIVERABLES, Campaign, DeliverableType, Platform
from dealdesk.errors import ConfigError, InvalidInput
from dealdesk.integrations.clickup import terms
from dealdesk.integrations.clickup.deliverables import PLATFORM_NAMES
from dealdesk.integrations.clickup.fields import FieldError, FieldValue, decode_fields, quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from dealdesk.integrations.clickup.usage import UsageTerms

__all__ = [
    "TERMS",
    "CampaignRejected",
    "FieldMapping",
    "MappedCampaign",
    "load_field_mapping",
    "map_task",
]


def _set(key: str, read: Callable[[object], object]) -> Callable[[dict[str, Any], object], None]:
    def apply(data: dict[str, Any], value: object) -> None:
        data[key] = read(value)

    return apply


def _set_nested(outer: str, key: str, read: Callable[[object], object]) -> Any:
    def apply(data: dict[str, Any], value: object) -> None:
        data.setdefault(outer, {})[key] = read(value)

    return apply


def _timeline(data: dict[str, Any], value: object) -> None:
    start, end = terms.parse_timeline(value)
    timeline = data.setdefault("timeline", {})
    timeline["ends_on"] = end
    if start is not None:
        timeline["starts_on"] = start


def _text(value: object) -> str:
    return terms.text_of(value).strip()


def _int(value: object) -> int:
    amount = terms.parse_amount(value)
    if amount != amount.to_integral_value():
        raise ValueError("is not a whole number")
    return int(amount)


def _currency(value: object) -> str:
    return _text(value).upper()


def _review(value: object) -> str:
    """A drop-down or text (off, outreach, all), or a checkbox (ticked: every email)."""
    if isinstance(value, bool):
        return "all" if value else "off"
    return _text(value).lower()


# campaign term -> how a decoded value lands in the Campaign's input. Deliverables are read after
# the platform is known, so they are handled in map_task.
_APPLY: dict[str, Callable[[dict[str, Any], object], None]] = {
    "client": _set("client", _text),
    "budget": _set("budget", terms.parse_amount),
    "currency": _set("currency", _currency),
    "platform": _set("platform", terms.parse_platform),
    "influencers": _set("influencers", terms.parse_influencers),
    "cpm_min": _set_nested("cpm_range", "min", terms.parse_amount),
    "cpm_max": _set_nested("cpm_range", "max", terms.parse_amount),
    "cpm_target": _set("cpm_target", terms.parse_amount),
    "cpm_leniency_pct": _set("cpm_leniency_pct", terms.parse_amount),
    "timeline": _timeline,
    "timeline_start": _set_nested("timeline", "starts_on", terms.parse_date),
    "timeline_end": _set_nested("timeline", "ends_on", terms.parse_date),
    "max_per_influencer_without_approval": _set(
        "max_per_influencer_without_approval", terms.parse_amount
    ),
    "usage_rights_days": _set_nested("usage_rights", "duration_days", _int),
    "usage_rights_min_days": _set_nested("usage_rights", "min_duration_days", _int),
    "usage_rights_notes": _set_nested("usage_rights", "notes", _text),
    "paid_ads": _set_nested("usage_rights", "paid_ads", terms.parse_bool),
    "allow_deliverable_trade": _set("allow_deliverable_trade", terms.parse_bool),
    "product_offer": _set("product_offer", _text),
    "roster": _set("roster", _text),
    "review": _set("review", _review),
}
TERMS: frozenset[str] = frozenset({*_APPLY, "target_deliverables"})
# A Campaign attribute (first element of a validation error's location) -> the terms feeding it.
_ATTRIBUTE_TERMS: dict[str, tuple[str, ...]] = {
    "cpm_range": ("cpm_min", "cpm_max", "cpm_target", "cpm_leniency_pct"),
    "timeline": ("timeline", "timeline_start", "timeline_end"),
    "usage_rights": ("usage_rights_days", "usage_rights_min_days", "paid_ads"),
}
# A validation error's location (attribute, key) -> the one term feeding it, when there is one.
_LOCATION_TERMS: dict[tuple[str, ...], str] = {
    ("cpm_range", "min"): "cpm_min",
    ("cpm_range", "max"): "cpm_max",
    ("timeline", "starts_on"): "timeline_start",
    ("timeline", "ends_on"): "timeline_end",
    ("usage_rights", "duration_days"): "usage_rights_days",
    ("usage_rights", "min_duration_days"): "usage_rights_min_days",
    ("usage_rights", "paid_ads"): "paid_ads",
    ("usage_rights", "notes"): "usage_rights_notes",
}


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class FieldMapping:
    """ClickUp field name -> campaign term, and the terms a campaign must have."""

    fields: Mapping[str, str]
    required: frozenset[str] = frozenset()

    def term_of(self, field_name: str) -> str | None:
        wanted = _norm(field_name)
        return next((t for n, t in self.fields.items() if _norm(n) == wanted), None)

    def field_of(self, term: str) -> str:
        return next((n for n, t in self.fields.items() if t == term), term)


def load_field_mapping(path: Path) -> FieldMapping:
    """Load and check ``campaign_fields.yaml``; a wrong file is a ConfigError naming each line."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, dict) or not fields:
        raise ConfigError(f"{path}: needs a 'fields:' mapping of ClickUp field name -> term")
    problems = [
        f"field {name!r} maps to unknown term {term!r}"
        for name, term in fields.items()
        if not isinstance(name, str) or term not in TERMS
    ]
    seen: dict[str, str] = {}
    for name, term in fields.items():
        if term in seen:
            problems.append(f"fields {seen[term]!r} and {name!r} both map to {term!r}")
        seen[str(term)] = str(name)
    required = data.get("required", [])
    if not isinstance(required, list):
        problems.append("'required:' must be a list of terms")
        required = []
    problems += [f"required term {t!r} is mapped from no field" for t in required if t not in seen]
    if problems:
        known = ", ".join(sorted(TERMS))
        raise ConfigError(f"{path}: " + "; ".join(problems) + f" (terms: {known})")
    return FieldMapping({str(k): str(v) for k, v in fields.items()}, frozenset(required))


@dataclass(frozen=True)
class MappedCampaign:
    """A valid campaign and where it came from."""

    campaign: Campaign
    task_name: str
    list_id: str | None
    url: str | None


class CampaignRejected(InvalidInput):
    """The task does not make a valid campaign; ``problems`` names every field and value."""

    def __init__(self, task_id: str, task_name: str, problems: tuple[FieldError, ...]) -> None:
        listed = "; ".join(map(str, problems))
        super().__init__(f"task {task_id} is not a valid campaign: {listed}")
        self.task_id = task_id
        self.task_name = task_name
        self.problems = problems


def _shown_together(fields: list[FieldValue]) -> str | None:
    """What the fields behind one problem show: one field's value, or each field's by name."""
    unique = list({f.name: f for f in fields}.values())
    if len(unique) == 1:
        return unique[0].shown
    return ", ".join(f"{f.name} {f.shown}" for f in unique) or None


def _model_problems(
    exc: ValidationError,
    mapping: FieldMapping,
    failed_terms: set[str],
    by_term: Mapping[str, FieldValue],
) -> list[FieldError]:
    problems: list[FieldError] = []
    for error in exc.errors(include_url=False):
        loc = [str(p) for p in error["loc"]]
        attribute = loc[0] if loc else _attribute_named_in(str(error["msg"]))
        feeding = _ATTRIBUTE_TERMS.get(attribute, (attribute,))
        if failed_terms.intersection(feeding):
            continue  # already reported where the field was read
        narrowed = _LOCATION_TERMS.get(tuple(loc[:2]))
        if narrowed in by_term:
            feeding = (str(narrowed),)
        message = str(error["msg"]).removeprefix("Value error, ")
        supplied = [by_term[t] for t in feeding if t in by_term]
        mapped = [t for t in feeding if t in mapping.fields.values()]
        name = (
            supplied[0].name
            if supplied
            else mapping.field_of(mapped[0])
            if mapped
            else (attribute or "campaign")
        )
        if error["type"] == "missing":
            problems.append(FieldError(name, "is required but has no value"))
        else:
            shown = _shown_together(supplied)
            problems.append(FieldError(name, message, shown, error.get("input")))
    return problems


def _attribute_named_in(message: str) -> str:
    """A whole-model error (no location) names the attribute it is about; find it."""
    for attribute in ("cpm_range", "cpm_target", "target_deliverables", "budget", "timeline"):
        if attribute in message:
            return "cpm_range" if attribute == "cpm_target" else attribute
    return ""


def _check_terms(data: dict[str, Any], by_term: Mapping[str, FieldValue]) -> list[FieldError]:
    """Checks the Campaign model makes only after every field is valid, made per field here so
    one bad field never hides another (and the message names the value as ClickUp shows it)."""
    problems: list[FieldError] = []
    budget = data.get("budget")
    if isinstance(budget, Decimal) and budget <= 0:
        field = by_term["budget"]
        problems.append(FieldError(field.name, "must be above zero", field.shown, field.raw))
    ceiling = data.get("max_per_influencer_without_approval")
    if isinstance(ceiling, Decimal) and ceiling < 0:
        field = by_term["max_per_influencer_without_approval"]
        problems.append(FieldError(field.name, "cannot be negative", field.shown, field.raw))
    platform = data.get("platform")
    deliverables = data.get("target_deliverables", ())
    if isinstance(platform, Platform):
        wrong = [
            DeliverableType(str(d["kind"])).label
            for d in deliverables
            if DeliverableType(str(d["kind"])).platform is not platform
        ]
        if wrong:
            field = by_term["target_deliverables"]
            name = PLATFORM_NAMES[platform]
            allowed = ", ".join(d.label for d in PLATFORM_DELIVERABLES[platform])
            reason = (
                f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not for {name}, the "
                f"campaign's platform ({name} deliverables: {allowed})"
            )
            problems.append(FieldError(field.name, reason, field.shown, field.raw))
    return problems


def _apply_deliverables(
    data: dict[str, Any], field: FieldValue, by_term: dict[str, FieldValue], failed: set[str]
) -> list[FieldError]:
    """Deliverables are read once the platform is known; usage terms written among them join the
    usage rights (and ``by_term``, so an error about them names this field)."""
    platform = data.get("platform")
    try:
        read = terms.read_deliverables(
            field.value, platform if isinstance(platform, Platform) else None
        )
    except ValueError as exc:
        failed.add("target_deliverables")
        if "platform" in failed and any(_reads_on(field.value, p) for p in Platform):
            return []  # "2 stories" lacks only the platform, whose own error says what to fix
        return [FieldError(field.name, str(exc), field.shown, field.raw)]
    data["target_deliverables"] = read.deliverables
    return [] if read.usage is None else _apply_usage(data, read.usage, field, by_term, failed)


def _reads_on(value: object, platform: Platform) -> bool:
    try:
        terms.read_deliverables(value, platform)
    except ValueError:
        return False
    return True


def _apply_usage(
    data: dict[str, Any],
    usage: UsageTerms,
    field: FieldValue,
    by_term: dict[str, FieldValue],
    failed: set[str],
) -> list[FieldError]:
    rights = data.setdefault("usage_rights", {})
    problems: list[FieldError] = []
    days = by_term.get("usage_rights_days")
    if usage.duration_days is not None and "usage_rights_days" not in failed:
        if days is None:
            rights["duration_days"] = usage.duration_days
            by_term["usage_rights_days"] = field
        elif rights.get("duration_days") != usage.duration_days:
            reason = (
                f"says {usage.duration_days} days of usage ({quoted(usage.text)}) but {days.name} "
                f"says {days.shown}; give the usage in one place, or make them agree"
            )
            problems.append(FieldError(field.name, reason, field.shown, field.raw))
            failed.add("usage_rights_days")
    box = by_term.get("paid_ads")
    if usage.paid_ads is not None and "paid_ads" not in failed:
        # Every task starts with the box unticked, so only a ticked box contradicts "organic
        # only"; an unticked one yields to a written "paid".
        if box is not None and rights.get("paid_ads") is True and not usage.paid_ads:
            reason = (
                f"says organic usage only ({quoted(usage.text)}) but {box.name} is checked; "
                "untick it, or write the usage as organic + paid"
            )
            problems.append(FieldError(field.name, reason, field.shown, field.raw))
            failed.add("paid_ads")
        elif rights.get("paid_ads") is not True:
            rights["paid_ads"] = usage.paid_ads
            by_term.setdefault("paid_ads", field)
    return problems


def map_task(task: Mapping[str, Any], mapping: FieldMapping) -> MappedCampaign:
    """Build the campaign for ``task`` (a Get Task response) or raise CampaignRejected."""
    task_id = str(task.get("id") or "")
    task_name = str(task.get("name") or "")[:200]
    values, problems = decode_fields(task.get("custom_fields"))
    data: dict[str, Any] = {"id": task_id}
    failed: set[str] = set()
    by_term: dict[str, FieldValue] = {}
    for value in values.values():
        term = mapping.term_of(value.name)
        if term is not None and value.value is not None:
            by_term[term] = value
    for error in problems:
        term = mapping.term_of(error.field)
        if term is not None:
            failed.add(term)
    for term in sorted(mapping.required - set(by_term) - failed):
        problems.append(FieldError(mapping.field_of(term), "is required but has no value"))
        failed.add(term)
    for term, field in by_term.items():
        if term == "target_deliverables":
            continue
        try:
            _APPLY[term](data, field.value)
        except ValueError as exc:
            problems.append(FieldError(field.name, str(exc), field.shown, field.raw))
            failed.add(term)
        if field.currency and "currency" not in by_term:
            data.setdefault("currency", field.currency)
    deliverables = by_term.get("target_deliverables")
    if deliverables is not None:
        problems.extend(_apply_deliverables(data, deliverables, by_term, failed))
    if not task_id:
        problems.append(FieldError("task id", "is missing", None, task.get("id")))
    checked = _check_terms(data, by_term)
    problems.extend(checked)
    failed.update(mapping.term_of(p.field) or "" for p in checked)
    try:
        campaign = Campaign.model_validate(data)
    except ValidationError as exc:
        problems.extend(_model_problems(exc, mapping, failed, by_term))
        if not problems:  # never reject without saying why
            problems.append(FieldError("campaign", str(exc).splitlines()[0], None, data))
    else:
        if not problems:
            listing = task.get("list")
            list_id = str(listing.get("id")) if isinstance(listing, dict) else None
            url = task.get("url") if isinstance(task.get("url"), str) else None
            return MappedCampaign(campaign, task_name, list_id, url)
    raise CampaignRejected(task_id or "?", task_name, tuple(problems))
