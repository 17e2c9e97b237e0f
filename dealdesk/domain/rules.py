"""The negotiation's tunable data: pricing weights, the playbook, the escalation rules.

These are plain validated values; ``dealdesk.app.config_files`` is the only code that reads
them from ``config/*.yaml``. Each model checks its own consistency (a concession schedule must
rise from 0 to at most 1 over exactly ``max_rounds`` offers), so a file that loads is a file the
policy can use. Defaults here are the documented defaults, used by tests and the ``price`` CLI;
the runtime always loads the files and never falls back to these silently.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from dealdesk.domain.campaign import DeliverableType, Platform
from dealdesk.domain.money import Money, Ratio

__all__ = [
    "AskAboveCap",
    "EngagementTier",
    "EscalationRules",
    "ManagerHandling",
    "NegotiationPolicy",
    "Playbook",
    "PricingConfig",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def _positive_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")  # noqa: TRY004 - pydantic needs ValueError
    try:
        result = Decimal(repr(value) if isinstance(value, float) else str(value))
    except ArithmeticError:
        raise ValueError(f"{value!r} is not a number") from None
    if not result.is_finite() or result <= 0:
        raise ValueError(f"{value!r} must be a number above zero")
    return result


# A positive multiplier or weight; YAML writes these as floats, which is fine for a ratio.
Factor = Annotated[Decimal, BeforeValidator(_positive_decimal)]


class EngagementTier(BaseModel):
    """Engagement strictly above ``above`` earns up to ``premium`` on the CPM cap."""

    model_config = _FROZEN

    above: Ratio
    premium: Ratio


def _default_weights() -> dict[DeliverableType, Factor]:
    return {
        DeliverableType.INSTAGRAM_REEL: Decimal("1.0"),
        DeliverableType.INSTAGRAM_POST: Decimal("0.8"),
        DeliverableType.INSTAGRAM_STORY: Decimal("0.3"),
        DeliverableType.TIKTOK_VIDEO: Decimal("1.0"),
        DeliverableType.TIKTOK_STORY: Decimal("0.3"),
        DeliverableType.YOUTUBE_DEDICATED: Decimal("1.0"),
        DeliverableType.YOUTUBE_INTEGRATION: Decimal("0.6"),
        DeliverableType.YOUTUBE_SHORT: Decimal("0.3"),
    }


def _default_tiers() -> tuple[EngagementTier, ...]:
    return (
        EngagementTier(above=Decimal("0.05"), premium=Decimal("0.15")),
        EngagementTier(above=Decimal("0.03"), premium=Decimal("0.08")),
    )


class PricingConfig(BaseModel):
    """``config/pricing.yaml``: relative deliverable weights and the engagement premium tiers.

    A weight of 1.0 means the deliverable is priced at exactly ``views / 1000 * CPM``.
    """

    model_config = _FROZEN

    weights: dict[DeliverableType, Factor] = Field(default_factory=_default_weights)
    engagement_tiers: tuple[EngagementTier, ...] = Field(default_factory=_default_tiers)
    # The cap never exceeds this multiple of the campaign's CPM max, whatever the premiums say.
    max_cap_multiple: Factor = Decimal("1.2")

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = [d.value for d in DeliverableType if d not in self.weights]
        if missing:
            raise ValueError(f"weights is missing deliverable types {missing}")
        thresholds = [t.above for t in self.engagement_tiers]
        if thresholds != sorted(thresholds, reverse=True):
            raise ValueError(
                f"engagement_tiers must be listed from highest threshold down: {thresholds}"
            )
        return self

    def weight_of(self, kind: DeliverableType) -> Decimal:
        return self.weights[kind]

    def platform_weights(self, platform: Platform) -> dict[DeliverableType, Decimal]:
        return {k: w for k, w in self.weights.items() if k.platform is platform}


class Playbook(BaseModel):
    """``config/playbook.yaml``: how offers move and how long we wait.

    ``concession_schedule[i]`` is how far offer ``i + 1`` goes from the low anchor (0: the range's
    min CPM) towards the cap (1); it never falls. Offer 1 is the opening, so the schedule usually
    starts at 0; a first step above 0 opens higher (``[1]`` is "counter at the cap": the
    benchmarks' baseline).
    """

    model_config = _FROZEN

    max_rounds: int = Field(default=4, ge=1, le=12)
    concession_schedule: tuple[Ratio, ...] = (
        Decimal(0),
        Decimal("0.15"),
        Decimal("0.40"),
        Decimal(1),
    )
    # Offers are rounded down to this step (a $1,108.75 counter reads as $1,105).
    offer_step: Money = Decimal("5.00")
    follow_up_after_hours: tuple[int, ...] = (72, 96)
    stale_after_hours: int = Field(default=120, ge=1)
    # The same timing to the second, when the deployment sets it (DEALDESK_FOLLOW_UPS and
    # DEALDESK_STALE_AFTER; tests and the demo run in seconds): each gap after our last email.
    follow_up_gaps: tuple[timedelta, ...] = ()
    stale_gap: timedelta | None = None
    # An ask above exit_multiple x cap is hopeless: exit politely instead of countering. Off by
    # default: a far ask goes to a human (EscalationRules.far_above_cap), who may still want it.
    exit_multiple: Factor | None = None
    # Answers to questions and out-of-office notes we tolerate before a human looks.
    max_questions: int = Field(default=2, ge=0, le=10)
    max_out_of_office: int = Field(default=2, ge=0, le=10)
    # From this offer number on, counters also shorten usage rights where the campaign allows.
    usage_rights_trade_from_round: int = Field(default=3, ge=2)

    @model_validator(mode="before")
    @classmethod
    def _derive_schedule(cls, data: object) -> object:
        # A playbook that sets max_rounds but no schedule gets an even schedule, not the default
        # one of the wrong length.
        if isinstance(data, dict) and "max_rounds" in data and "concession_schedule" not in data:
            n = data["max_rounds"]
            if isinstance(n, int) and not isinstance(n, bool) and n >= 1:
                steps = [Decimal(0)] if n == 1 else [Decimal(i) / Decimal(n - 1) for i in range(n)]
                data = {
                    **data,
                    "concession_schedule": tuple(s.quantize(Decimal("0.0001")) for s in steps),
                }
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        schedule = list(self.concession_schedule)
        if len(schedule) != self.max_rounds:
            raise ValueError(
                f"concession_schedule has {len(schedule)} steps but max_rounds is {self.max_rounds}"
            )
        if schedule != sorted(schedule):
            raise ValueError(f"concession_schedule must never fall: {[str(s) for s in schedule]}")
        if not self.follow_up_after_hours or min(self.follow_up_after_hours) < 1:
            raise ValueError(
                f"follow_up_after_hours {list(self.follow_up_after_hours)} needs at least one "
                "spacing of 1 hour or more"
            )
        if self.offer_step <= 0:
            raise ValueError(f"offer_step {self.offer_step} must be above zero")
        return self

    @property
    def max_follow_ups(self) -> int:
        return len(self.follow_up_gaps or self.follow_up_after_hours)

    def follow_up_after(self, sent: int) -> timedelta:
        """How long after our last email follow-up number ``sent + 1`` is due."""
        if self.follow_up_gaps:
            return self.follow_up_gaps[sent]
        return timedelta(hours=self.follow_up_after_hours[sent])

    @property
    def stale_after(self) -> timedelta:
        """How long after the last follow-up the thread is stale."""
        return self.stale_gap or timedelta(hours=self.stale_after_hours)

    def with_timing(self, follow_ups: tuple[timedelta, ...], stale_after: timedelta) -> Playbook:
        """This playbook with follow-ups due ``follow_ups`` after our FIRST email (cumulative,
        as "3d,7d" reads: three days, then seven days after it) and stale ``stale_after`` after
        the last one."""
        gaps = tuple(b - a for a, b in zip((timedelta(0), *follow_ups), follow_ups, strict=False))
        return self.model_copy(update={"follow_up_gaps": gaps, "stale_gap": stale_after})


class AskAboveCap(StrEnum):
    """When an ask above the flexibility cap goes to a human."""

    AT_ROUND_LIMIT = (
        "at_round_limit"  # counter by the schedule first; escalate once we are at the cap
    )
    IMMEDIATELY = "immediately"


class ManagerHandling(StrEnum):
    NOTIFY = "notify"
    ESCALATE = "escalate"
    IGNORE = "ignore"


class EscalationRules(BaseModel):
    """``config/escalation.yaml``: which readings and asks go to a human instead of the agent."""

    model_config = _FROZEN

    min_confidence: Ratio = Decimal("0.6")
    hostile: bool = True
    legal: bool = True
    deliverables_outside_brief: bool = True
    ask_above_max_without_approval: bool = True
    ask_above_cap: AskAboveCap = AskAboveCap.AT_ROUND_LIMIT
    # An ask above this multiple of our cap escalates at once (with a holding reply): countering
    # by the schedule would only insult; None counters by ask_above_cap like any other ask.
    far_above_cap: Factor | None = Decimal("2.0")
    round_limit: bool = True
    unclear: bool = True
    talent_manager: ManagerHandling = ManagerHandling.NOTIFY


class NegotiationPolicy(BaseModel):
    """The three files together: a negotiation keeps the snapshot it started under."""

    model_config = _FROZEN

    pricing: PricingConfig = PricingConfig()
    playbook: Playbook = Playbook()
    escalation: EscalationRules = EscalationRules()
