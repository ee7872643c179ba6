"""Display formats per language, worked out by hand: money, compact KPI money, shares, counts, dates, chart formats.

Rounding is half away from zero (like ``to_cents`` in data entry), never to even; -50 cents is -¥1, not -¥0; a
compact amount takes the next unit when rounding reaches it (999,999.99 is ¥1.00 M, not ¥1,000.0 k).
"""
from __future__ import annotations

import datetime as dt

import pytest

from components.format import (DASH, date, money, money_column, money_hover, money_ticks, number, plotly_separators,
                               points, share)

NB = "\xa0"  # Spanish puts a no-break space between the number and the sign


@pytest.mark.parametrize(("cents", "en", "es", "zh"), [
    (3_994_854_200, "¥39,948,542", f"39.948.542{NB}¥", "¥39,948,542"),
    (250, "¥3", f"3{NB}¥", "¥3"),                   # half away from zero (Babel alone gives ¥2)
    (350, "¥4", f"4{NB}¥", "¥4"),
    (249, "¥2", f"2{NB}¥", "¥2"),
    (-50, "-¥1", f"-1{NB}¥", "-¥1"),                # never "-¥0"
    (-49, "¥0", f"0{NB}¥", "¥0"),                   # rounds to zero: no sign
    (-250, "-¥3", f"-3{NB}¥", "-¥3"),
    (0, "¥0", f"0{NB}¥", "¥0"),
    (None, DASH, DASH, DASH),
])
def test_money_in_each_language(cents, en, es, zh):
    assert (money(cents, "¥", lang="en"), money(cents, "¥", lang="es"), money(cents, "¥", lang="zh")) == (en, es, zh)


@pytest.mark.parametrize(("cents", "en", "es", "zh"), [
    (99_999_999, "¥1.00 M", f"1,00{NB}M{NB}¥", "¥100.0万"),            # 999,999.99: the next unit, not 1,000.0 k
    (3_994_854_200, "¥39.95 M", f"39,95{NB}M{NB}¥", "¥3,995万"),
    (1_234_550, "¥12.3 k", f"12,3{NB}mil{NB}¥", "¥1.23万"),
    (999_995, "¥10.0 k", f"10,0{NB}mil{NB}¥", "¥1.00万"),              # 9,999.95 rounds up into the unit
    (994_000, "¥9,940", f"9.940{NB}¥", "¥9,940"),                      # below every unit: whole units
    (12_345_678_900, "¥123.46 M", f"123,46{NB}M{NB}¥", "¥1.23亿"),
    (-1_234_500_00, "-¥1.23 M", f"-1,23{NB}M{NB}¥", "-¥123.5万"),
    (None, DASH, DASH, DASH),
])
def test_compact_money_for_kpi_cards(cents, en, es, zh):
    assert tuple(money(cents, "¥", compact=True, lang=lang) for lang in ("en", "es", "zh")) == (en, es, zh)


def test_chinese_compact_units_keep_about_four_digits():
    assert [money(c, "¥", compact=True, lang="zh") for c in (462_000_00, 999_999_999, 1_000_000_000, 99_999_999_99,
                                                              10_000_000_000)] == [
        "¥46.20万", "¥1,000万", "¥1,000万", "¥1.00亿", "¥1.00亿"]


def test_money_uses_the_configured_symbol():
    assert money(123_456, "$", lang="en") == "$1,235" and money(123_456, "€", lang="es") == f"1.235{NB}€"


@pytest.mark.parametrize(("value", "digits", "en", "es", "zh"), [
    (0.0898, 2, "8.98%", f"8,98{NB}%", "8.98%"),
    (0.29629, 2, "29.63%", f"29,63{NB}%", "29.63%"),
    (0.00125, 2, "0.13%", f"0,13{NB}%", "0.13%"),      # half away from zero
    (-0.0005, 1, "-0.1%", f"-0,1{NB}%", "-0.1%"),
    (-0.0004, 1, "0.0%", f"0,0{NB}%", "0.0%"),         # no "-0.0"
    (1.5, 0, "150%", f"150{NB}%", "150%"),
    (None, 1, DASH, DASH, DASH),
])
def test_shares(value, digits, en, es, zh):
    assert tuple(share(value, digits, lang=lang) for lang in ("en", "es", "zh")) == (en, es, zh)


@pytest.mark.parametrize(("value", "kwargs", "en", "es"), [
    (1_234_567, {}, "1,234,567", "1.234.567"),
    (-1_234, {}, "-1,234", "-1.234"),
    (12, {"signed": True}, "+12", "+12"),
    (0, {"signed": True}, "0", "0"),
    (2.5, {"decimals": 0}, "3", "3"),
    (1234.5, {"decimals": 1}, "1,234.5", "1.234,5"),
])
def test_numbers(value, kwargs, en, es):
    assert (number(value, lang="en", **kwargs), number(value, lang="es", **kwargs)) == (en, es)
    assert number(value, lang="zh", **kwargs) == en


def test_points_and_dates():
    assert (points(0.0025, lang="en"), points(-0.0125, lang="es")) == ("+0.25 pp", "-1,25 pp")
    day = dt.date(2026, 3, 5)
    assert (date(day, lang="en"), date(day, lang="es"), date(day, lang="zh")) == ("Mar 5, 2026", "5 mar 2026",
                                                                                  "2026年3月5日")
    assert date(None, lang="zh") == DASH


def test_chart_and_table_formats_follow_the_language():
    assert (plotly_separators("en"), plotly_separators("es"), plotly_separators("zh")) == (".,", ",.", ".,")
    assert money_hover("¥", lang="en") == "¥%{y:,.0f}"
    assert money_hover("¥", "x", signed=True, lang="es") == f"%{{x:+,.0f}}{NB}¥"
    assert money_ticks("¥", lang="en") == {"tickprefix": "¥"} and money_ticks("¥", lang="es") == {"ticksuffix": f"{NB}¥"}
    assert (money_column("¥", 2, lang="zh"), money_column("¥", 0, lang="es")) == ("¥%,.2f", f"%,.0f{NB}¥")


def test_chart_builders_take_the_sessions_separators(monkeypatch):
    import pandas as pd

    from components import charts, i18n

    pivot = pd.DataFrame({"substandard": [100_000, 250_000]}, index=[dt.date(2026, 1, 1), dt.date(2026, 2, 1)])
    monkeypatch.setattr(i18n, "current_language", lambda: "es")
    fig = charts.stacked_balances(pivot, names={}, colors={}, symbol="¥", title="t")
    assert fig.layout.separators == ",." and fig.layout.yaxis.ticksuffix == f"{NB}¥"
    assert fig.data[0].hovertemplate == f"%{{y:,.0f}}{NB}¥"
    monkeypatch.setattr(i18n, "current_language", lambda: "zh")
    fig = charts.stacked_balances(pivot, names={}, colors={}, symbol="¥", title="t")
    assert fig.layout.separators == ".," and fig.layout.yaxis.tickprefix == "¥"
