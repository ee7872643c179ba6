"""Early-warning rules (domain/warning_rules.py), table-driven, every case worked out by hand."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from domain import warning_rules as rules
from domain.classes import Thresholds

D = dt.date
JUNE = D(2025, 6, 1)  # month end 2025-06-30; 60 days later is 2025-08-29


# --- hidden NPLs on rows -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("recorded, dpd, restructured_npl, hidden", [
    ("normal", 90, False, False),            # exactly 90 days: floor Special Mention
    ("normal", 91, False, True),             # 91 days: floor Substandard, recorded performing
    ("special_mention", 91, False, True),
    ("special_mention", 90, False, False),
    ("substandard", 91, False, False),       # recorded as an NPL already
    ("special_mention", 271, False, True),   # floor Doubtful
    ("doubtful", 400, False, False),         # under-classified (floor Loss) but not hidden: already NPL
    ("normal", 0, True, True),               # restructured NPL recorded Normal
    ("special_mention", 5, True, True),
    ("substandard", 0, True, False),
    ("normal", 0, False, False),
])
def test_hidden_npl_mask(recorded, dpd, restructured_npl, hidden):
    rows = pd.DataFrame({"loan_class": [recorded], "days_past_due": [dpd], "restructured_npl": [restructured_npl]})
    assert rules.hidden_npl_mask(rows, Thresholds()).tolist() == [hidden]


def test_hidden_npl_mask_uses_the_thresholds():
    rows = pd.DataFrame({"loan_class": ["normal", "normal", "normal"], "days_past_due": [60, 61, 91],
                         "restructured_npl": [False, False, False]})
    assert rules.hidden_npl_mask(rows, Thresholds(60, 180, 300)).tolist() == [False, True, True]
    assert rules.hidden_npl_mask(rows, Thresholds()).tolist() == [False, False, True]


# --- evergreening window -------------------------------------------------------------------------------------------
CLOSING = D(2025, 2, 28)


@pytest.mark.parametrize("issued, window, inside", [
    (D(2025, 2, 28), 30, True),    # refinanced the same day the old loan closed
    (D(2025, 3, 30), 30, True),    # exactly 30 days after: still inside
    (D(2025, 3, 31), 30, False),   # 31 days after: refinanced after the window
    (D(2025, 1, 29), 30, True),    # 30 days before: the new loan is disbursed first, then repays the old one
    (D(2025, 1, 28), 30, False),   # 31 days before
    (D(2025, 3, 31), 31, True),    # a wider window set by management
    (D(2025, 3, 1), 1, True),
    (D(2025, 3, 2), 1, False),
])
def test_evergreen_window(issued, window, inside):
    assert rules.within_evergreen_window(issued, CLOSING, window) is inside


@pytest.mark.parametrize("last_month, closing", [
    (D(2025, 2, 1), D(2025, 2, 28)), (D(2024, 2, 1), D(2024, 2, 29)), (D(2025, 12, 1), D(2025, 12, 31))])
def test_closing_day_is_the_end_of_the_last_reported_month(last_month, closing):
    assert rules.closing_day(last_month) == closing


@pytest.mark.parametrize("refinances, purpose, issued, closings, expected", [
    (7, "planting", D(2025, 5, 1), [], ("link",)),
    (None, "interest_payment", D(2025, 5, 1), [], ("interest",)),
    (None, "planting", D(2025, 3, 1), [CLOSING], ("window",)),
    (None, "planting", D(2025, 4, 1), [CLOSING], ()),                      # 32 days after
    # another overdue loan of the borrower closed the day before
    (None, "planting", D(2025, 4, 1), [CLOSING, D(2025, 3, 31)], ("window",)),
    (7, "interest_payment", D(2025, 2, 28), [CLOSING], ("link", "window", "interest")),
    (None, "refinance", D(2025, 6, 1), [], ()),                           # the purpose word alone is not a rule
])
def test_evergreen_rules(refinances, purpose, issued, closings, expected):
    assert rules.evergreen_rules(refinances_loan_id=refinances, purpose=purpose, issue_date=issued,
                                 overdue_closings=closings, window_days=30) == expected


# --- Normal loans at risk ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("current, previous, dpd, overdue, maturity, expected", [
    ("normal", "normal", 0, 0, D(2027, 1, 1), ()),
    ("normal", "normal", 1, 0, D(2027, 1, 1), ("days_past_due",)),
    ("special_mention", "normal", 15, 0, D(2027, 1, 1), ("days_past_due", "worsened")),
    ("substandard", "normal", 0, 0, D(2027, 1, 1), ("worsened",)),        # jumped straight to NPL
    ("normal", None, 3, 0, D(2027, 1, 1), ("days_past_due",)),           # new this month: cannot have worsened
    ("normal", "normal", 0, 100, D(2025, 8, 29), ("maturity",)),          # exactly 60 days after the month end
    ("normal", "normal", 0, 100, D(2025, 8, 30), ()),                    # 61 days
    ("normal", "normal", 0, 100, D(2025, 6, 30), ("maturity",)),          # matures on the month end
    ("normal", "normal", 0, 0, D(2025, 7, 15), ()),                      # maturing but nothing overdue
    ("special_mention", "special_mention", 40, 0, D(2027, 1, 1), ()),    # not a Normal loan: on the SM list
    ("normal", "substandard", 0, 0, D(2027, 1, 1), ()),                  # improved to Normal, no arrears
])
def test_normal_risk_reasons(current, previous, dpd, overdue, maturity, expected):
    assert rules.normal_risk_reasons(current_class=current, previous_class=previous, days_past_due=dpd,
                                     overdue_cents=overdue, maturity_date=maturity, month=JUNE) == expected


@pytest.mark.parametrize("current, previous, worse", [
    ("special_mention", "normal", True), ("special_mention", "special_mention", False),
    ("special_mention", "substandard", False), ("special_mention", None, False), ("loss", "doubtful", True)])
def test_worsened(current, previous, worse):
    assert rules.worsened(current, previous) is worse


# --- trends and ratios -----------------------------------------------------------------------------------------------
def _balances(rows):
    return pd.DataFrame(rows, columns=["month", "loan_class", "segment", "balance_cents", "loan_count"])


def test_class_trend_fills_missing_months_and_filters_segment():
    frame = _balances([(D(2025, 1, 1), "special_mention", "old", 100, 1),
                       (D(2025, 1, 1), "special_mention", "new", 50, 2),
                       (D(2025, 3, 1), "special_mention", "old", 70, 1), (D(2025, 3, 1), "normal", "old", 999, 9)])
    months = [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)]
    trend = rules.class_trend(frame, "special_mention", months)
    assert trend.balance_cents.tolist() == [150, 0, 70] and trend.loan_count.tolist() == [3, 0, 1]
    assert rules.class_trend(frame, "special_mention", months, "new").balance_cents.tolist() == [50, 0, 0]
    assert rules.change(trend, D(2025, 3, 1)) == 70
    assert rules.change(trend, D(2025, 1, 1)) is None


def test_reclassified_ratio_adds_hidden_balance_to_npl_only():
    frame = _balances([(JUNE, "normal", "old", 800, 8), (JUNE, "substandard", "old", 200, 2),
                       (JUNE, "loss", "new", 100, 1), (JUNE, "normal", "new", 900, 9)])
    # all: NPL 300 of 2000; with 150 hidden: 450 / 2000. Old only: 200 of 1000 -> 350 / 1000
    assert rules.reclassified_npl_ratio(frame, JUNE, 150) == pytest.approx(0.225)
    assert rules.reclassified_npl_ratio(frame, JUNE, 150, "old") == pytest.approx(0.35)
    assert rules.reclassified_npl_ratio(frame.iloc[0:0], JUNE, 150) is None


# --- vintages ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("issued, month, mob", [
    (D(2025, 1, 31), D(2025, 1, 1), 0), (D(2025, 1, 1), D(2025, 2, 1), 1), (D(2024, 11, 15), D(2025, 2, 1), 3),
    (D(2024, 1, 1), D(2025, 1, 1), 12)])
def test_months_on_book(issued, month, mob):
    assert rules.months_on_book(issued, month) == mob


@pytest.mark.parametrize("day, label", [
    (D(2025, 1, 1), "2025-Q1"), (D(2025, 3, 31), "2025-Q1"), (D(2025, 4, 1), "2025-Q2"), (D(2025, 12, 31), "2025-Q4")])
def test_quarter_label(day, label):
    assert rules.quarter_label(day) == label


def test_vintage_curves_are_cumulative_and_stop_at_the_observed_months():
    rows = pd.DataFrame({"issue_year": [2025, 2025, 2025, 2025], "issue_month": [1, 3, 3, 4],
                         "npl_mob": pd.array([1, None, 4, 0], dtype="Int64"),
                         "loan_count": [1, 5, 1, 2], "principal_cents": [100, 700, 200, 50]})
    curves = rules.vintage_curves(rows, D(2025, 7, 1))
    q1 = curves[curves.quarter == "2025-Q1"]
    # Q1 issued 1000; 100 bad at mob 1, 200 more at mob 4; March to July = 4 months on book
    assert q1.months_on_book.tolist() == [0, 1, 2, 3, 4]
    assert q1.npl_principal_cents.tolist() == [0, 100, 100, 100, 300]
    assert q1.npl_share.tolist() == pytest.approx([0, 0.1, 0.1, 0.1, 0.3])
    q2 = curves[curves.quarter == "2025-Q2"]
    # Q2's last month (June) has 1 month on book in July; the April loan was NPL from the start
    assert q2.months_on_book.tolist() == [0, 1] and q2.npl_share.tolist() == [1.0, 1.0]
    by_quarter = rules.vintage_by_quarter(rows)
    assert by_quarter.values.tolist() == [["2025-Q1", 7, 1000, 2, 300, 0.3], ["2025-Q2", 2, 50, 2, 50, 1.0]]


def test_vintage_on_no_loans():
    empty = pd.DataFrame(columns=["issue_year", "issue_month", "npl_mob", "loan_count", "principal_cents"])
    assert rules.vintage_curves(empty, JUNE).empty and rules.vintage_by_quarter(empty).empty


def test_hidden_by_cooperative_rolls_officers_up():
    by_officer = pd.DataFrame({"cooperative": ["B", "A", "A"], "officer": ["x", "y", "z"],
                               "loan_class": ["normal", "normal", "special_mention"], "loan_count": [1, 2, 1],
                               "balance_cents": [500, 300, 300]})
    assert rules.hidden_by_cooperative(by_officer).values.tolist() == [["A", 3, 600], ["B", 1, 500]]
