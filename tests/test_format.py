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


@pytest.mark.parametrize(("ticks", "symbol", "per_tick", "zh"), [
    ([0, 20_000_000, 40_000_000], "¥", False, ["¥0", "¥2,000万", "¥4,000万"]),            # one unit for the axis
    ([0, 50_000_000, 100_000_000, 150_000_000], "¥", False, ["¥0", "¥0.5亿", "¥1亿", "¥1.5亿"]),
    ([-5_000_000, 0, 5_000_000], None, False, ["-500万", "0", "500万"]),                   # counts, a negative tick
    ([2_000, 4_000], "¥", False, ["¥2,000", "¥4,000"]),                                    # below 1万: the number
    ([1_000_000, 10_000_000, 100_000_000], "¥", True, ["¥100万", "¥1,000万", "¥1亿"]),      # log axis: per tick
])
def test_chinese_axis_ticks_in_wan_and_yi(ticks, symbol, per_tick, zh):
    from components.format import axis_ticks

    assert axis_ticks(ticks, symbol=symbol, per_tick=per_tick, lang="zh") == zh


def _in(monkeypatch, lang: str) -> None:
    from components import i18n

    monkeypatch.setattr(i18n, "current_language", lambda: lang)


def test_chinese_money_axes_count_in_wan_and_yi_english_and_spanish_keep_plotly_ticks(monkeypatch):
    import pandas as pd

    from components import charts

    # two months, stacked: 300,000 + 100,000 and 250,000 + 200,000 (cents) -> stacks of ¥4,000万 and ¥4,500万
    pivot = pd.DataFrame({"substandard": [3_000_000_000, 2_500_000_000], "loss": [1_000_000_000, 2_000_000_000]},
                         index=[dt.date(2026, 1, 1), dt.date(2026, 2, 1)])
    _in(monkeypatch, "zh")
    axis = charts.stacked_balances(pivot, names={}, colors={}, symbol="¥", title="t").layout.yaxis
    shown = dict(zip(axis.tickvals, axis.ticktext))
    assert axis.tickmode == "array" and max(axis.tickvals) >= 45_000_000     # the ticks reach the highest stack
    assert shown[0] == "¥0" and shown[10_000_000] == "¥1,000万" and shown[40_000_000] == "¥4,000万"
    assert all("M" not in text and "k" not in text for text in axis.ticktext)
    for lang in ("en", "es"):
        _in(monkeypatch, lang)
        axis = charts.stacked_balances(pivot, names={}, colors={}, symbol="¥", title="t").layout.yaxis
        assert axis.tickvals is None and axis.ticktext is None and axis.tickformat == "~s", lang


def test_chinese_axes_of_horizontal_bars_waterfalls_counts_and_log_scales(monkeypatch):
    import pandas as pd

    from components import charts, flow_charts, officer_views
    from components.decision_views import kind_status_chart
    from domain.npl_flows import INFLOWS, OUTFLOWS, Movement

    _in(monkeypatch, "zh")
    ranked = pd.DataFrame({"coop": ["a", "b"], "npl": [12_000_000_000, 3_000_000_000]})   # ¥1.2亿 on the x axis
    axis = charts.ranked_bars(ranked, category="coop", value="npl", change=None, symbol="¥", title="t",
                              value_name="v").layout.xaxis
    assert dict(zip(axis.tickvals, axis.ticktext))[100_000_000] == "¥1亿" and max(axis.tickvals) >= 120_000_000

    # a waterfall rises above its opening and closing bars: opening 5,000万, +3,000万 in, -2,000万 out, closing 6,000万
    terms = {"opening": 5_000_000_000, **{t: 0 for t in (*INFLOWS, *OUTFLOWS)}, "closing": 6_000_000_000}
    terms[INFLOWS[0]], terms[OUTFLOWS[0]] = 3_000_000_000, 2_000_000_000
    movement = Movement(**terms)
    fig = flow_charts.waterfall(movement, names={k: k for k in terms}, symbol="¥", title="t")
    assert max(fig.layout.yaxis.tickvals) >= 80_000_000 and "¥8,000万" in fig.layout.yaxis.ticktext
    assert fig.data[0].text[0] == "¥50,000,000"

    counts = pd.DataFrame({"kind": ["warning"], "status": ["approved"], "count": [25_000]})
    axis = kind_status_chart(counts, kind_names={}, status_names={}, title="t").layout.yaxis
    assert "2万" in axis.ticktext and "20k" not in axis.ticktext
    small = counts.assign(count=[25])                                           # below 1万: Plotly's own ticks
    assert kind_status_chart(small, kind_names={}, status_names={}, title="t").layout.yaxis.tickvals is None

    table = pd.DataFrame({"officer_id": [1, 2], "officer": ["A", "B"], "recovered_cents": [1, 2],
                          "target_cents": [200_000_000, 5_000_000_000], "recovery_rate": [0.5, 0.8],
                          "laggard": [True, False]})
    axis = officer_views.recovery_scatter(table, symbol="¥", title="t", x_title="x", y_title="y", laggard_name="l",
                                          other_name="o", parity_name="p").layout.xaxis
    assert {"¥200万", "¥1,000万", "¥5,000万"} <= set(axis.ticktext)


def test_forecast_added_to_a_chinese_chart_gets_ticks_over_its_band(monkeypatch):
    import pandas as pd

    from components import charts, flow_charts

    _in(monkeypatch, "zh")
    pivot = pd.DataFrame({"npl": [1_000_000_000]}, index=[dt.date(2026, 1, 1)])       # ¥1,000万
    fig = charts.stacked_balances(pivot, names={}, colors={}, symbol="¥", title="t")
    months = [dt.date(2026, 2, 1)]
    high = pd.Series([9_000_000_000], index=months)                                    # the band reaches ¥9,000万
    fig = flow_charts.add_forecast(fig, high / 2, high / 4, high, last_actual=(dt.date(2026, 1, 1), 1_000_000_000),
                                   symbol="¥", name="f", band_name="b")
    assert max(fig.layout.yaxis.tickvals) >= 90_000_000
    assert fig.data[-1].hovertemplate == "¥%{y:,.0f}"
    _in(monkeypatch, "es")
    fig = flow_charts.add_forecast(charts.stacked_balances(pivot, names={}, colors={}, symbol="¥", title="t"),
                                   high / 2, high / 4, high, last_actual=(dt.date(2026, 1, 1), 1_000_000_000),
                                   symbol="¥", name="f", band_name="b")
    assert fig.data[-1].hovertemplate == f"%{{y:,.0f}}{NB}¥" and fig.layout.separators == ",."
