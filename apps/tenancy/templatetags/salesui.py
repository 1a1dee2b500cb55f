"""Small presentation helpers shared by every page: money in the tenant's currency."""

from decimal import Decimal, InvalidOperation

from django import template

from apps.tenancy.money import CENT

register = template.Library()

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$", "TWD": "NT$"}


@register.filter
def money(value, currency: str = "CNY") -> str:
    """1234.5 -> '¥1,234.50' (the tenant's currency; unknown codes are written out)."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"  # thousands grouped with commas, whatever the language
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"
