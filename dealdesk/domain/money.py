"""Money: ``Decimal`` only, two places, half-up rounding, one currency per campaign.

Every amount the system decides or reads passes through here. Floats are rejected at every model
boundary (``0.1 + 0.2`` is not a price); strings and ints are accepted and quantized to cents with
``ROUND_HALF_UP``, the rounding an invoice uses. ``Money`` is the pydantic field type; ``money()``
is the same conversion for plain code. Amounts are never negative: a price below zero is a bug.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Final

from pydantic import BeforeValidator, PlainSerializer

__all__ = [
    "CENT",
    "CURRENCY_SYMBOLS",
    "Currency",
    "Money",
    "Ratio",
    "format_money",
    "money",
    "quantize",
    "ratio",
]

CENT: Final = Decimal("0.01")

# The currencies a campaign may be priced in; the symbol is what emails write before the amount.
CURRENCY_SYMBOLS: Final[dict[str, str]] = {
    "USD": "$",
    "CAD": "CA$",
    "AUD": "A$",
    "EUR": "€",
    "GBP": "£",
}


def quantize(value: Decimal) -> Decimal:
    """Round to cents, half up (``1.005`` -> ``1.01``)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _to_decimal(value: object, what: str) -> Decimal:
    # bool is an int subclass: True is not one dollar. ValueError, not TypeError, throughout:
    # pydantic turns only ValueError into a validation error that names the field.
    if isinstance(value, (bool, float)):
        raise ValueError(  # noqa: TRY004
            f"{what} must be a decimal string or an integer, not {value!r} (floats lose cents)"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{what} {value!r} is not a number") from None
    else:
        raise ValueError(f"{what} must be a decimal string or an integer, not {value!r}")  # noqa: TRY004
    if not result.is_finite():
        raise ValueError(f"{what} {value!r} is not a finite number")
    return result


def money(value: object) -> Decimal:
    """Convert ``value`` (Decimal, int or numeric string) to a non-negative amount in cents.

    Raises ``ValueError`` naming the value for floats, bools, non-numbers and negatives.
    """
    result = quantize(_to_decimal(value, "amount"))
    if result < 0:
        raise ValueError(f"amount {value!r} is negative")
    return result


def ratio(value: object) -> Decimal:
    """A fraction such as an engagement rate (``0.06`` for 6%), kept exact, between 0 and 1.

    Floats are accepted here and converted through their shortest repr (``0.06`` stays ``0.06``):
    a ratio is a measurement, not money, and rosters write it as a float.
    """
    if isinstance(value, float) and not isinstance(value, bool):
        value = repr(value)
    result = _to_decimal(value, "ratio")
    if result < 0 or result > 1:
        raise ValueError(f"ratio {value!r} must be a fraction between 0 and 1 (write 6% as 0.06)")
    return result


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """Write an amount as emails do: ``$1,500``, ``$1,500.50``, or ``1,500 SEK`` (no symbol)."""
    amount = quantize(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol is not None else f"{text} {currency}"


def _check_currency(value: object) -> str:
    if not isinstance(value, str) or len(value.strip()) != 3 or not value.strip().isalpha():
        raise ValueError(f"currency {value!r} must be a three-letter ISO code such as 'USD'")
    return value.strip().upper()


# A money field: accepts Decimal, int or numeric string; rejects floats; stored in cents; JSON is a
# decimal string ("1500.00") so a round trip is exact.
Money = Annotated[
    Decimal,
    BeforeValidator(money),
    PlainSerializer(lambda d: str(quantize(d)), return_type=str, when_used="json"),
]

# A fraction in [0, 1]; JSON is a decimal string.
Ratio = Annotated[
    Decimal,
    BeforeValidator(ratio),
    PlainSerializer(str, return_type=str, when_used="json"),
]

Currency = Annotated[str, BeforeValidator(_check_currency)]
