"""Money is Decimal, rounded to the cent half up in one place (STYLE.md, Time and money)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | float | int | str) -> Decimal:
    """`value` rounded to the cent, halves up; a float is read by its shortest repr (0.1 is 0.10)."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
