"""Display formats for the reader's language: money in the configured currency, numbers, shares and dates.

Numbers are formatted by Babel from the CLDR data of the chosen language (``es``: ``39.948.542 ¥``, ``8,98 %``;
``zh``: ``¥39,948,542``), never by f-strings, so a Spanish reader sees Spanish separators and a Chinese director
sees 万/亿 in compact KPI cards. The symbol is the configured one (settings ``currency_symbol``), placed where the
language places a currency sign. Rounding is half away from zero, like data entry (``to_cents``): 250 cents show as
¥3 and -50 cents as -¥1, never ``-¥0``. Months stay ISO (``2026-10``): they label chart axes and filters, and sort.
Downloads (CSV, Excel) never go through here: they keep plain machine-readable numbers.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from components.i18n_catalogs import LOCALES

#: what an empty cell or a missing figure shows, in every language
DASH = "—"
#: compact units for KPI cards per language: (threshold in currency units, divisor, unit, decimals), largest first.
#: Chinese counts in 万 (10^4) and 亿 (10^8), with fewer decimals as the 万 grow so a card shows about four
#: significant digits (¥4.62万, ¥412.1万, ¥3,995万); English and Spanish in thousands and millions.
_COMPACT_UNITS = {
    "zh": ((100_000_000, 100_000_000, "亿", 2), (10_000_000, 10_000, "万", 0), (1_000_000, 10_000, "万", 1),
           (10_000, 10_000, "万", 2)),
    "es": ((1_000_000, 1_000_000, "\xa0M", 2), (10_000, 1_000, "\xa0mil", 1)),
    "en": ((1_000_000, 1_000_000, " M", 2), (10_000, 1_000, " k", 1)),
}


def _lang(lang: str | None) -> str:
    if lang is not None:
        return lang
    from components.i18n import current_language  # late: i18n needs Streamlit, these functions do not

    return current_language()


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, lang))


def _round(value: Decimal, decimals: int) -> Decimal:
    """Half away from zero (Decimal's ROUND_HALF_UP), the rule data entry uses; Babel alone rounds half to even."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _decimal(value: Decimal, decimals: int, lang: str) -> str:
    """A non-negative rounded value with the language's grouping and decimal separators."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(lang), decimal_quantization=True)


def _signed(text: str, negative: bool, lang: str) -> str:
    return f"{_locale(lang).number_symbols['latn']['minusSign']}{text}" if negative else text


def _with_symbol(number: str, symbol: str, lang: str) -> str:
    """Put the currency sign where the language's currency pattern puts it (before in en/zh, after in es)."""
    pattern = _locale(lang).currency_formats["standard"]
    if "¤" in pattern.prefix[0]:
        return pattern.prefix[0].replace("¤", symbol) + number
    return number + pattern.suffix[0].replace("¤", symbol)


def money(cents: int | float | None, symbol: str, *, compact: bool = False, lang: str | None = None) -> str:
    """'¥1,234,567' from minor units in the reader's language; compact gives '¥1.23 M' (zh '¥123.46万')."""
    if cents is None or cents != cents:  # None or NaN
        return DASH
    lang = _lang(lang)
    amount = Decimal(int(round(cents))) / 100 if isinstance(cents, float) else Decimal(int(cents)) / 100
    text, negative = _compact(abs(amount), lang) if compact else (None, False)
    if text is None:
        whole = _round(abs(amount), 0)
        text = _decimal(whole, 0, lang)
        negative = whole != 0
    else:
        negative = True
    return _signed(_with_symbol(text, symbol, lang), negative and amount < 0, lang)


def amount(units: int | float | None, symbol: str, decimals: int = 0, *, lang: str | None = None) -> str:
    """An amount already in currency units (a table cell) with ``decimals`` places: '39.948.542,00 ¥' (es)."""
    if units is None or units != units:
        return DASH
    lang = _lang(lang)
    exact = Decimal(str(units))
    rounded = _round(abs(exact), decimals)
    return _signed(_with_symbol(_decimal(rounded, decimals, lang), symbol, lang), rounded != 0 and exact < 0, lang)


def _compact(amount: Decimal, lang: str) -> tuple[str | None, bool]:
    """The compact text of a non-negative amount, or None below the smallest unit. The unit is chosen after
    rounding, so 999,999.99 shows as 1.00 M rather than 1,000.0 k."""
    for threshold, divisor, unit, decimals in _COMPACT_UNITS.get(lang, _COMPACT_UNITS["en"]):
        rounded = _round(amount / divisor, decimals)
        if rounded * divisor >= threshold:
            return _decimal(rounded, decimals, lang) + unit, True
    return None, False


def number(value: int | float | None, decimals: int = 0, *, signed: bool = False, lang: str | None = None) -> str:
    """A count or measure with the language's separators ('39.948.542' in es); ``signed`` shows '+' too."""
    if value is None or value != value:
        return DASH
    lang = _lang(lang)
    exact = Decimal(str(value))
    rounded = _round(abs(exact), decimals)
    text = _decimal(rounded, decimals, lang)
    if rounded != 0 and exact < 0:
        return _signed(text, True, lang)
    return ("+" + text) if signed and rounded != 0 else text


def share(value: float | None, digits: int = 1, *, lang: str | None = None) -> str:
    """A ratio as a percentage in the language's form: '8.98%' (en, zh), '8,98 %' (es)."""
    if value is None or value != value:
        return DASH
    lang = _lang(lang)
    exact = Decimal(str(value)) * 100
    rounded = _round(abs(exact), digits)
    pattern = _locale(lang).percent_formats[None]
    text = pattern.prefix[0].replace("%", "") + _decimal(rounded, digits, lang) + pattern.suffix[0]
    if "%" not in text:
        text += "%"
    return _signed(text, rounded != 0 and exact < 0, lang)


def points(value: float | None, digits: int = 2, *, lang: str | None = None) -> str:
    """A change of a ratio in percentage points, signed: '+0.25 pp' ('+0,25 pp' in es)."""
    if value is None or value != value:
        return DASH
    return f"{number(value * 100, digits, signed=True, lang=lang)} pp"


def month(value: dt.date) -> str:
    """'2026-10': year first, never ambiguous, the same in every language (it labels axes and filters)."""
    return value.strftime("%Y-%m")


def date(value: dt.date | None, *, lang: str | None = None) -> str:
    """A day in the language's medium form: 'Mar 5, 2026', '5 mar 2026', '2026年3月5日'."""
    if value is None or value != value:
        return DASH
    return format_date(value, format="medium", locale=_locale(_lang(lang)))


def money_hover(symbol: str, field: str = "y", *, signed: bool = False, lang: str | None = None) -> str:
    """Plotly hover/text template of values already in currency units, the sign placed as the language does.
    Separators come from the figure's ``separators`` (components/charts.localized)."""
    lang = _lang(lang)
    value = f"%{{{field}:{'+' if signed else ''},.0f}}"
    return _with_symbol(value, symbol, lang)


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



def money_ticks(symbol: str, *, lang: str | None = None) -> dict[str, str]:
    """Plotly axis keywords putting the currency sign where the language puts it (``tickprefix`` or ``ticksuffix``)."""
    placed = _with_symbol("", symbol, _lang(lang))
    return {"ticksuffix": placed} if placed.endswith(symbol) and not placed.startswith(symbol) else {
        "tickprefix": placed}


def money_column(symbol: str, decimals: int = 2, *, lang: str | None = None) -> str:
    """A ``st.column_config.NumberColumn`` format with the sign where the language puts it. The column stays
    numeric (it sorts); its separators are the grid's own, which Streamlit does not let a page choose."""
    return _with_symbol(f"%,.{decimals}f", symbol, _lang(lang))


def plotly_separators(lang: str | None = None) -> str:
    """Plotly's ``separators`` (decimal mark, then thousands) for the language: '.,' in en/zh, ',.' in es."""
    symbols = _locale(_lang(lang)).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


#: the languages whose readers count large numbers in 万 (10^4) and 亿 (10^8), on chart axes as on KPI cards
_MYRIAD_UNITS = {"zh": ((100_000_000, "亿"), (10_000, "万"))}


def counts_in_myriads(lang: str | None = None) -> bool:
    """Whether the language reads large numbers in 万/亿 (chart axes then get their tick labels from ``axis_ticks``)."""
    return _lang(lang) in _MYRIAD_UNITS


def axis_ticks(values: list[float], *, symbol: str | None = None, per_tick: bool = False, largest: float | None = None,
               lang: str | None = None) -> list[str]:
    """Tick labels in 万/亿 for an axis whose ticks are ``values`` (currency units or counts): one unit for the
    whole axis, chosen by ``largest`` (the data's largest size; by default the largest tick), so an axis up to
    ¥8,000万 reads ``['¥0', '¥2,000万', '¥4,000万', …]`` and one up to ¥1.5亿 ``['¥0', '¥0.5亿', '¥1亿', …]``; or one
    per tick on a log axis (``per_tick``: ``['¥100万', '¥1,000万', '¥1亿']``). Below 1万 the plain number.
    A symbol is placed where the language places it; negative ticks take the language's minus sign."""
    lang = _lang(lang)
    units = _MYRIAD_UNITS.get(lang, ())

    def unit_of(value: float) -> tuple[int, str]:
        return next(((size, unit) for size, unit in units if abs(value) >= size), (1, ""))

    shared = unit_of(largest if largest is not None else max((abs(v) for v in values), default=0))
    labels = []
    for value in values:
        size, unit = unit_of(value) if per_tick else shared
        scaled = Decimal(str(value)) / size
        text = format_decimal(abs(scaled), format="#,##0.##", locale=_locale(lang)) + (unit if scaled else "")
        if symbol:
            text = _with_symbol(text, symbol, lang)
        labels.append(_signed(text, scaled < 0, lang))
    return labels
