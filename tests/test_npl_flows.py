"""domain.npl_flows and domain.provisions on hand-made summary rows; every expected number worked out here."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from domain import npl_flows, provisions
from domain.npl_flows import FLOW_COLUMNS

M1, M2, M3 = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


def rows(*entries) -> pd.DataFrame:
    """(month, from, to, count, opening, closing, collected, foreclosed, written_off) for cooperative 1, old."""
    return pd.DataFrame([(m, 1, "old", a, b, n, o, c, col, fc, wo) for m, a, b, n, o, c, col, fc, wo in entries],
                        columns=FLOW_COLUMNS)


BOOK = rows(
    (M2, "substandard", "substandard", 1, 1000, 700, 200, 50, 0),  # other = 1000-700-200-50 = 50
    (M2, "doubtful", "normal", 1, 500, 400, 100, 0, 0),  # cured 400, collected 100, other 0
    (M2, "loss", "loss", 1, 900, 0, 0, 0, 900),  # written off
    (M2, "normal", "substandard", 1, 300, 300, 0, 0, 0),  # inflow from performing 300
    (M2, "new", "doubtful", 1, 0, 250, 0, 0, 0),  # inflow from new loans 250
    (M2, "substandard", "closed", 1, 600, 0, 600, 0, 0),  # collected 600
    (M2, "special_mention", "special_mention", 1, 200, 150, 50, 0, 0),  # performing: no outflow
    (M2, "normal", "normal", 10, 5000, 4800, 0, 0, 0),
    (M3, "substandard", "doubtful", 1, 700, 720, 0, 0, 0),  # other = -20 (interest added)
    (M3, "doubtful", "doubtful", 1, 250, 250, 0, 0, 0),
    (M3, "substandard", "substandard", 1, 300, 300, 0, 0, 0),
    (M3, "loss", "closed", 1, 0, 0, 0, 0, 0),
    (M3, "special_mention", "doubtful", 1, 150, 150, 0, 0, 0),
)


def test_each_term_of_a_month():
    mv = npl_flows.movement(BOOK[BOOK.month == M2])
    assert mv.as_dict() == {"opening": 3000, "inflow_performing": 300, "inflow_new": 250, "collected": 900,
                            "written_off": 900, "foreclosed": 50, "cured": 400, "other": 50, "closing": 1250}
    assert (mv.inflows, mv.outflows) == (550, 2300)
    assert mv.reconciles()


def test_a_period_opens_with_its_first_month_and_closes_with_its_last():
    monthly = npl_flows.monthly_movement(BOOK)
    assert list(monthly.index) == [M2, M3]
    assert monthly.loc[M3, "opening"] == monthly.loc[M2, "closing"] == 1250
    assert monthly.loc[M3].to_dict() == {"opening": 1250, "inflow_performing": 150, "inflow_new": 0, "collected": 0,
                                         "written_off": 0, "foreclosed": 0, "cured": 0, "other": -20,
                                         "closing": 1420}
    mv = npl_flows.movement(BOOK)
    assert (mv.opening, mv.closing, mv.inflow_performing, mv.other) == (3000, 1420, 450, 30)
    assert mv.reconciles()


def test_no_rows_no_movement():
    assert npl_flows.movement(BOOK.iloc[0:0]) is None
    assert npl_flows.monthly_movement(BOOK.iloc[0:0]).empty


def test_roll_and_cure_rates():
    feb = BOOK[BOOK.month == M2]
    # Normal at the end of January: 300 + 5000; 300 went to Substandard
    assert npl_flows.roll_rate(feb, ("normal",), ("special_mention", "substandard", "doubtful", "loss")) == \
        pytest.approx(300 / 5300)
    # NPL 3000 in January, 500 of it (L2's opening balance) back to Normal
    assert npl_flows.roll_rate(feb, ("substandard", "doubtful", "loss"), ("normal", "special_mention")) == \
        pytest.approx(500 / 3000)
    assert npl_flows.roll_rate(feb, ("normal",), ("loss",), value="loan_count") == 0
    trend = npl_flows.roll_trend(BOOK)
    assert trend.loc[M3, "special_mention_to_npl"] == 1.0
    assert pd.isna(trend.loc[M3, "normal_to_worse"])  # no Normal balance in February: undefined, not 0 %
    shares = npl_flows.transition_shares(BOOK[BOOK.month == M2])
    assert shares.loc["substandard", "closed"] == pytest.approx(600 / 1600)
    assert shares.loc["substandard"].sum() == pytest.approx(1.0)
    assert shares.loc["doubtful", "normal"] == 1.0
    counts = npl_flows.transition_shares(BOOK[BOOK.month == M2], "loan_count")
    assert counts.loc["normal", "substandard"] == pytest.approx(1 / 11)


def test_movement_months_skip_the_first_month_and_gaps():
    have = [M1, M2, M3, dt.date(2025, 5, 1)]
    assert npl_flows.movement_months(have, M1, dt.date(2025, 5, 1)) == [M2, M3]  # April missing: May has no before
    assert npl_flows.movement_months(have, dt.date(2024, 1, 1), M2) == [M2]
    assert npl_flows.movement_months(have, M3, M3) == []


@pytest.mark.parametrize("reported, expected", [
    # no reported provisions: 10000*1% + 1000*2% + 2000*25% + 1000*50% + 400*100% = 100+20+500+500+400
    (0, 1520),
    # 300 reported for the 1000 of Substandard it covers; the other 1000 at 25 %: 100+20+(300+250)+500+400
    (300, 1570),
])
def test_provision_coverage(reported, expected):
    frame = pd.DataFrame({"loan_class": ["normal", "special_mention", "substandard", "doubtful", "loss"],
                          "balance_cents": [10000, 1000, 2000, 1000, 400],
                          "provision_cents": [0, 0, reported, 0, 0],
                          "provisioned_cents": [0, 0, 1000 if reported else 0, 0, 0]})
    rates = {"normal": 0.01, "special_mention": 0.02, "substandard": 0.25, "doubtful": 0.5, "loss": 1.0}
    cover = provisions.coverage(frame, rates)
    assert cover.provisions_cents == expected and cover.reported_cents == reported
    assert cover.npl_cents == 3400 and cover.ratio == pytest.approx(expected / 3400)
    assert provisions.coverage(frame.iloc[0:2], rates).ratio is None  # no NPL: no ratio
