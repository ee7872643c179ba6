"""Pure rules of DOMAIN.md, table-driven with cases worked out by hand."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from domain import assets, figures
from domain.assignments import deadline_status
from domain.classes import Thresholds, floor_class, is_hidden_npl, is_npl, severity
from domain.months import month_end, month_range, previous_month
from domain.scope import Scope
from domain.segments import segment_of
from domain.settings import Settings, from_mapping


@pytest.mark.parametrize("dpd, expected", [
    (0, "normal"), (1, "special_mention"), (90, "special_mention"), (91, "substandard"), (270, "substandard"),
    (271, "doubtful"), (360, "doubtful"), (361, "loss"), (2000, "loss"),
])
def test_floor_by_days_past_due(dpd, expected):
    assert floor_class(dpd) == expected


def test_floor_with_custom_thresholds_and_restructured_npl():
    assert floor_class(61, Thresholds(60, 180, 300)) == "substandard"
    assert floor_class(0, restructured_npl=True) == "substandard"
    assert floor_class(300, restructured_npl=True) == "doubtful"
    with pytest.raises(ValueError):
        Thresholds(90, 80, 360)
    with pytest.raises(ValueError):
        floor_class(-1)


@pytest.mark.parametrize("recorded, dpd, restructured, hidden", [
    ("normal", 91, False, True), ("special_mention", 91, False, True), ("substandard", 91, False, False),
    ("special_mention", 90, False, False), ("normal", 0, True, True), ("substandard", 0, True, False),
    ("doubtful", 400, False, False),
])
def test_hidden_npl(recorded, dpd, restructured, hidden):
    assert is_hidden_npl(recorded, dpd, restructured_npl=restructured) is hidden


def test_severity_and_npl():
    assert [is_npl(c) for c in ("normal", "special_mention", "substandard", "doubtful", "loss")] == \
        [False, False, True, True, True]
    with pytest.raises(ValueError):
        severity("bad")


@pytest.mark.parametrize("issued, segment", [
    (dt.date(2024, 12, 31), "old"), (dt.date(2025, 1, 1), "new"), (dt.date(2025, 6, 1), "new")])
def test_segment(issued, segment):
    assert segment_of(issued, dt.date(2025, 1, 1)) == segment


TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize("outcome, deadline, closed, expected", [
    ("open", TODAY, None, "due_soon"),                      # deadline today still counts as on time
    ("open", TODAY - dt.timedelta(days=1), None, "overdue"),
    ("open", TODAY + dt.timedelta(days=30), None, "due_soon"),
    ("open", TODAY + dt.timedelta(days=31), None, "on_track"),
    ("recovered", TODAY, TODAY, "met"),
    ("recovered", TODAY, TODAY + dt.timedelta(days=1), "met_late"),
    ("missed", TODAY, None, "missed"), ("reassigned", TODAY, TODAY, "reassigned"),
])
def test_deadline_status(outcome, deadline, closed, expected):
    assert deadline_status(outcome=outcome, deadline=deadline, closed_on=closed, today=TODAY) == expected


@pytest.mark.parametrize("asset_type, years", [
    ("land_use_right", 2), ("building", 2), ("equity", 2), ("machinery", 1), ("vehicle", 1), ("livestock", 1),
    ("other", 1)])
def test_disposal_limits(asset_type, years):
    assert assets.limit_years(asset_type) == years


def test_disposal_deadline_leap_day():
    assert assets.disposal_deadline(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert assets.disposal_deadline(dt.date(2024, 3, 1), 2) == dt.date(2026, 3, 1)


def test_months():
    assert previous_month(dt.date(2025, 1, 1)) == dt.date(2024, 12, 1)
    assert previous_month(dt.date(2025, 12, 1), -1) == dt.date(2026, 1, 1)
    assert month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert len(month_range(dt.date(2024, 11, 1), dt.date(2025, 2, 1))) == 4


def test_target_path_compounds_monthly():
    months = [dt.date(2025, m, 1) for m in range(1, 13)] + [dt.date(2026, 1, 1)]
    path = figures.target_path(dt.date(2025, 1, 1), 100_000, months, 12.0)
    assert path.iloc[0] == 100_000
    assert path.iloc[-1] == 88_000  # twelve months later: exactly 12 % lower


def test_ratio_none_on_zero():
    assert figures.ratio(5, 0) is None
    assert figures.recovery_rate(250, 1000) == 0.25


def test_class_pivot_orders_by_severity_and_fills_zeros():
    frame = pd.DataFrame({"month": [dt.date(2025, 1, 1)] * 2, "loan_class": ["loss", "normal"],
                          "segment": ["old", "new"], "balance_cents": [5, 7], "loan_count": [1, 1]})
    pivot = figures.class_pivot(frame)
    assert list(pivot.columns) == ["normal", "special_mention", "substandard", "doubtful", "loss"]
    assert pivot.iloc[0].tolist() == [7, 0, 0, 0, 5]


def test_scope_narrowing_never_widens():
    single = Scope.cooperative(3)
    assert single.narrowed(3) == single
    assert single.narrowed(4).cooperative_ids == frozenset()
    assert Scope.union().narrowed(4).cooperative_ids == frozenset({4})
    assert Scope.union().narrowed(None) == Scope.union()


def test_settings_parse_and_validate():
    parsed = from_mapping({"segment_cutoff": "2024-07-01", "substandard_days": "60", "unknown": "x"})
    assert parsed.segment_cutoff == dt.date(2024, 7, 1) and parsed.substandard_days == 60
    assert parsed.extra == {"unknown": "x"}
    with pytest.raises(ValueError):
        Settings(substandard_days=300).validate()
    with pytest.raises(ValueError):
        Settings(movable_disposal_years=3).validate()
