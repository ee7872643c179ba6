"""Display formats: money in the configured currency, shares, months and dates (ISO, unambiguous)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def money(cents: int | float | None, symbol: str, *, compact: bool = False) -> str:
    """'¥1,234,567' from minor units; compact gives '¥1.23 M' for KPI cards."""
    if cents is None:
        return "—"
    amount = cents / 100
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if compact and amount >= 1_000_000:
        return f"{sign}{symbol}{amount / 1_000_000:,.2f} M"
    if compact and amount >= 10_000:
        return f"{sign}{symbol}{amount / 1_000:,.1f} k"
    return f"{sign}{symbol}{amount:,.0f}"


def share(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f} %"


def month(value: dt.date) -> str:
    """'2026-10': year first, never ambiguous between day-first and month-first readers."""
    return value.strftime("%Y-%m")


def date(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


def money_hover(symbol: str) -> str:
    """Plotly hover/tick format for values already converted to currency units."""
    return f"{symbol}%{{y:,.0f}}"


def to_cents(amount: float | int | None) -> int | None:
    """Currency units typed in a form -> integer cents, rounded half up at the cent (None stays None).

    Goes through the decimal text of the number, so 0.1 + 0.2 gives 30 cents, not 30.000000000000004.
    """
    if amount is None:
        return None
    try:
        return int(Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    except InvalidOperation:
        return None


#: the ASCII punctuation that markdown, GFM (autolinks need ``:`` or ``.``, tables, strikethrough) or Streamlit's
#: extensions (``:red[...]``, ``:material/...:``, ``$latex$``) give a meaning; CommonMark shows a backslash-escaped
#: one literally
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&=])")


def plain(text: object) -> str:
    """Typed text (a name, a reason, a value from the URL) made safe inside a markdown element.

    Where user text has to sit in a markdown-rendering element (a subheader, a caption or a warning built
    from a translated sentence) it goes through this: every special character is backslash-escaped and line
    breaks become spaces, so ``![x](http://evil.example/p.png)`` shows as those characters and loads nothing,
    and no link, image, heading, colour or formula can be formed. A line of its own is better shown with
    ``st.text``, which does no markdown at all.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))


#: text that can form no markdown: letters, digits, spaces, ``, . / % + -`` and currency signs (no ``_`` or
#: ``*``: emphasis; no ``:`` or ``@``: autolinks; no brackets: links and images)
_INERT_TEXT = re.compile(r"^[^\W_]*(?:[\s,./%+\-\u00a2-\u00a5\u20ac][^\W_]*)*$")


def plain_params(params: dict[str, object]) -> dict[str, object]:
    """A message's parameters made safe for a markdown element: text values that may come from a user (a typed
    contract number, an officer's name, a column of an uploaded file) go through ``plain`` unless they are inert
    (numbers, dates, amounts, contract numbers like ``C01-2024-000123``), which are left as they are so
    messages read the same in tests and logs. ``www.`` is never inert (GFM turns it into a link)."""
    def inert(value: str) -> bool:
        return bool(_INERT_TEXT.match(value)) and "www." not in value.lower()

    return {name: plain(value) if isinstance(value, str) and not inert(value) else value
            for name, value in params.items()}

