"""Small presentation helpers shared by every page: money in the tenant's currency, the avatar."""

from decimal import Decimal, InvalidOperation

from django import template

from apps.tenancy.audit import audit_action_label
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


# ---- the avatar in the top bar ------------------------------------------------------------------------

# Two-character surnames: the given name starts after them (欧阳娜娜 → 娜娜, not 阳娜娜).
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "长孙",
        "宇文",
        "夏侯",
        "司徒",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "万俟",
        "闻人",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "太叔",
        "申屠",
        "钟离",
        "赫连",
        "东郭",
        "左丘",
        "第五",
    ]
)
NAME_DOTS = "·•・"


def _is_han(text: str) -> bool:
    return bool(text) and all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def avatar_text(name: str) -> str:
    """What an avatar shows for a name, as Chinese apps do: for a Chinese name the last one or two
    characters of the given name (陈霞 → 霞, 曹思远 → 思远, 欧阳娜娜 → 娜娜; a name with a
    middle dot, 迪丽热巴·迪力木拉提, its first part's first two); for any other name its initial."""
    name = (name or "").strip()
    if not name:
        return "?"
    if any(dot in name for dot in NAME_DOTS) and _is_han(name[0]):
        first = name
        for dot in NAME_DOTS:
            first = first.split(dot)[0]
        return first[:2]
    if _is_han(name):
        surname = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
        return (name[surname:] or name)[-2:]
    return name[0].upper()


@register.filter
def avatar(user, membership=None) -> str:
    """The avatar text of the signed-in user: from the name shown beside it (the membership's), or,
    outside an organisation, from the user's given name when it is Chinese, else their name."""
    if membership:
        return avatar_text(membership.name)
    given = (getattr(user, "first_name", "") or "").strip()
    if _is_han(given):
        return given[-2:]
    return avatar_text(user.get_full_name() or user.get_username())


@register.filter
def audit_action(code: str) -> str:
    """An audit action code ("org.membership.updated") as people read it (apps.tenancy.audit)."""
    return audit_action_label(code)
