"""Foreclosed assets: the pure ageing rules and the scoped reads, on a hand-made fixture.

Today is 2026-06-15 throughout; limits are the defaults (real estate and equity 2 years, movable 1 year).
Every expected number is worked out in the comments.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import assets as reads
from data import settings as settings_store
from data.db import transaction
from data.models import ForeclosedAsset
from domain import asset_ageing as ageing
from domain.asset_ageing import DUE_SOON, LONG_OVERDUE, ON_TIME, OVERDUE, DisposalLimits
from domain.scope import Scope
from domain.settings import Settings
from tests import factory as f

TODAY = dt.date(2026, 6, 15)
D = dt.date
LIMITS = DisposalLimits()


# --------------------------------------------------------------------------------------------------
# Pure rules
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("asset_type, acquired, days_left, overdue, bucket", [
    ("land_use_right", D(2024, 6, 15), 0, False, DUE_SOON),   # deadline 2026-06-15 = today: still on time
    ("building", D(2024, 6, 14), -1, True, OVERDUE),          # deadline yesterday: overdue
    ("equity", D(2024, 6, 14), -1, True, OVERDUE),            # equity has the real-estate limit
    ("vehicle", D(2025, 6, 15), 0, False, DUE_SOON),          # movable: 1 year
    ("machinery", D(2025, 6, 14), -1, True, OVERDUE),
    ("livestock", D(2024, 6, 15), -365, True, OVERDUE),       # deadline 2025-06-15: 365 days past
    ("vehicle", D(2024, 6, 14), -366, True, LONG_OVERDUE),    # one day more: long overdue
    ("machinery", D(2025, 12, 12), 180, False, DUE_SOON),     # deadline 2026-12-12: 180 days left
    ("other", D(2025, 12, 13), 181, False, ON_TIME),
    ("building", D(2025, 1, 1), 200, False, ON_TIME),         # deadline 2027-01-01
])
def test_days_to_limit_overdue_and_bucket(asset_type, acquired, days_left, overdue, bucket):
    assert ageing.days_to_limit(asset_type, acquired, TODAY, LIMITS) == days_left
    assert ageing.is_overdue(asset_type, acquired, "pending", TODAY, LIMITS) is overdue
    assert ageing.is_overdue(asset_type, acquired, "in_disposal", TODAY, LIMITS) is overdue
    assert ageing.bucket_of(days_left) == bucket


def test_disposed_asset_is_never_overdue_and_age_counts_days():
    assert not ageing.is_overdue("vehicle", D(2020, 1, 1), "disposed", TODAY, LIMITS)
    assert ageing.age_days(D(2024, 6, 15), TODAY) == 730  # 365 (to 2025-06-15) + 365
    assert ageing.age_days(TODAY, TODAY) == 0


def test_limits_follow_the_settings():
    limits = DisposalLimits.from_settings(Settings(real_estate_disposal_years=3, movable_disposal_years=2))
    assert limits.years("building") == 3 and limits.years("equity") == 3 and limits.years("vehicle") == 2
    # a building acquired 2024-06-14 is overdue under 2 years but not under 3
    assert ageing.is_overdue("building", D(2024, 6, 14), "pending", TODAY, LIMITS)
    assert not ageing.is_overdue("building", D(2024, 6, 14), "pending", TODAY, limits)
    assert DisposalLimits(2, 2).types_by_years() == {2: ("land_use_right", "building", "machinery", "vehicle",
                                                         "livestock", "equity", "other")}


def test_leap_day_acquisition():
    # acquired 2024-02-29, 1 year: deadline 2025-02-28, so overdue from 2025-03-01
    assert ageing.days_to_limit("vehicle", D(2024, 2, 29), D(2025, 2, 28), LIMITS) == 0
    assert not ageing.is_overdue("vehicle", D(2024, 2, 29), "pending", D(2025, 2, 28), LIMITS)
    assert ageing.is_overdue("vehicle", D(2024, 2, 29), "pending", D(2025, 3, 1), LIMITS)


@pytest.mark.parametrize("today", [D(2026, 6, 15), D(2028, 2, 29), D(2028, 3, 1), D(2027, 2, 28), D(2027, 3, 1),
                                   D(2029, 2, 28), D(2026, 1, 1)])
@pytest.mark.parametrize("years", [1, 2, 3])
def test_sql_thresholds_agree_with_the_pure_rule(today, years):
    """The date thresholds SQL uses must classify every acquisition day exactly as the pure rule does."""
    asset_type = "vehicle" if years == 1 else "building"
    limits = DisposalLimits(real_estate_years=years, movable_years=1)
    thresholds = ageing.bucket_thresholds(today, years)
    start = today - dt.timedelta(days=366 * years + 400)
    for offset in range(366 * years + 600):
        acquired = start + dt.timedelta(days=offset)
        days_left = ageing.days_to_limit(asset_type, acquired, today, limits)
        assert (acquired < ageing.overdue_threshold(today, years)) == ageing.is_overdue(
            asset_type, acquired, "pending", today, limits), acquired
        expected = ageing.bucket_of(days_left)
        by_threshold = next((b for b in (LONG_OVERDUE, OVERDUE, DUE_SOON) if acquired < thresholds[b]), ON_TIME)
        assert by_threshold == expected, acquired


def test_realised_share_and_gain_loss():
    assert ageing.realised_share(800, 1000) == pytest.approx(0.8)
    assert ageing.realised_share(5, 0) is None
    assert ageing.gain_loss(600, 500) == 100 and ageing.gain_loss(800, 1000) == -200


def test_annotate_measures_disposed_assets_on_their_disposal_day():
    frame = pd.DataFrame([
        {"asset_type": "building", "acquired_on": D(2023, 1, 1), "status": "disposed", "disposed_on": D(2026, 3, 1)},
        {"asset_type": "vehicle", "acquired_on": D(2025, 6, 14), "status": "pending", "disposed_on": None},
    ])
    out = ageing.annotate(frame, TODAY, LIMITS)
    # building: 2023-01-01 -> 2026-03-01 = 365 + 366 + 365 + 59 = 1155 days; deadline 2025-01-01, 424 days before
    assert list(out.age_days) == [1155, 366]
    assert list(out.days_to_limit) == [-424, -1]
    assert list(out.overdue) == [False, True]
    assert ageing.annotate(frame.iloc[0:0], TODAY, LIMITS).columns[-3:].tolist() == ["age_days", "days_to_limit",
                                                                                      "overdue"]


# --------------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------------
def asset(s, ln, asset_type: str, acquired: dt.date, book: int, *, on_bs: bool = True, status: str = "pending",
          appraisal: int | None = None, method: str | None = None, disposed: dt.date | None = None,
          proceeds: int | None = None, lease: int = 0) -> ForeclosedAsset:
    row = ForeclosedAsset(loan_id=ln.id, cooperative_id=ln.cooperative_id, asset_type=asset_type, description="",
                          on_balance_sheet=on_bs, acquired_on=acquired, book_value_cents=book,
                          appraisal_cents=appraisal, appraised_on=acquired if appraisal is not None else None,
                          status=status, disposal_method=method, disposed_on=disposed, proceeds_cents=proceeds,
                          lease_income_cents=lease)
    s.add(row)
    s.flush()
    return row


@pytest.fixture
def holdings_book(engine):
    """Two cooperatives, ten held assets and three disposed ones (deadline and bucket on 2026-06-15).

    id   coop type            BS   acquired    book   appraisal status       deadline    days  bucket
    A1   A    land_use_right  on   2024-06-15  10000  9000      pending      2026-06-15     0  due_soon
    A2   A    building        on   2024-06-14  20000  -         in_disposal  2026-06-14    -1  overdue
    A3   A    vehicle         on   2025-06-15   3000  2500      pending      2026-06-15     0  due_soon
    A4   A    machinery       on   2025-06-14   4000  -         pending      2026-06-14    -1  overdue
    A5   B    equity          off  2024-06-14   7000  1000      pending      2026-06-14    -1  overdue
    A6   B    vehicle         off  2024-06-14   1500  -         pending      2025-06-14  -366  long_overdue
    A7   B    vehicle         on   2024-06-15   1600  -         pending      2025-06-15  -365  overdue
    A8   A    building        on   2025-01-01  50000  60000     pending      2027-01-01   200  on_time (lease 300)
    A9   A    machinery       on   2025-12-12    800  -         pending      2026-12-12   180  due_soon
    A10  B    livestock       on   2025-12-13    900  -         pending      2026-12-13   181  on_time
    D1   A    building        on   2023-01-01  12000  sale 2026-03-01 proceeds 9000
    D2   B    machinery       off  2025-02-01    500  auction 2025-12-01 proceeds 600
    D3   A    land_use_right  on   2024-01-10   3000  leasing 2026-05-20 proceeds 1200, lease income 450
    """
    with transaction(engine) as s:
        settings_store.seed(s, Settings())
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        oa, ob = f.officer(s, a, "Ana"), f.officer(s, b, "Bo")
        la, lb = f.loan(s, a, oa, D(2020, 1, 1), contract="LA"), f.loan(s, b, ob, D(2020, 1, 1), contract="LB")
        ids = {
            "A1": asset(s, la, "land_use_right", D(2024, 6, 15), 10000, appraisal=9000),
            "A2": asset(s, la, "building", D(2024, 6, 14), 20000, status="in_disposal"),
            "A3": asset(s, la, "vehicle", D(2025, 6, 15), 3000, appraisal=2500),
            "A4": asset(s, la, "machinery", D(2025, 6, 14), 4000),
            "A5": asset(s, lb, "equity", D(2024, 6, 14), 7000, on_bs=False, appraisal=1000),
            "A6": asset(s, lb, "vehicle", D(2024, 6, 14), 1500, on_bs=False),
            "A7": asset(s, lb, "vehicle", D(2024, 6, 15), 1600),
            "A8": asset(s, la, "building", D(2025, 1, 1), 50000, appraisal=60000, lease=300),
            "A9": asset(s, la, "machinery", D(2025, 12, 12), 800),
            "A10": asset(s, lb, "livestock", D(2025, 12, 13), 900),
            "D1": asset(s, la, "building", D(2023, 1, 1), 12000, status="disposed", method="sale",
                        disposed=D(2026, 3, 1), proceeds=9000),
            "D2": asset(s, lb, "machinery", D(2025, 2, 1), 500, on_bs=False, status="disposed", method="auction",
                        disposed=D(2025, 12, 1), proceeds=600),
            "D3": asset(s, la, "land_use_right", D(2024, 1, 10), 3000, status="disposed", method="leasing",
                        disposed=D(2026, 5, 20), proceeds=1200, lease=450),
        }
        ids = {name: row.id for name, row in ids.items()}
    return engine, ids, {"A": a.id, "B": b.id}


def read(engine, function, **kwargs):
    with transaction(engine) as s:
        return function(s, **kwargs)


def test_holdings_by_balance_sheet_and_status(holdings_book):
    engine, _, _ = holdings_book
    frame = read(engine, reads.holdings, scope=Scope.union(), today=TODAY)
    got = {(r.on_balance_sheet, r.status): (r.asset_count, r.book_value_cents, r.appraisal_cents, r.appraised_count,
                                            r.overdue_count, r.overdue_book_cents) for r in frame.itertuples()}
    assert got == {
        # on, pending: A1 A3 A4 A7 A8 A9 A10; book 10000+3000+4000+1600+50000+800+900 = 70300;
        # appraisals A1 9000 + A3 2500 + A8 60000 = 71500 (3 appraised); overdue A4 4000 + A7 1600
        (True, "pending"): (7, 70300, 71500, 3, 2, 5600),
        (True, "in_disposal"): (1, 20000, 0, 0, 1, 20000),  # A2, overdue by a day
        (False, "pending"): (2, 8500, 1000, 1, 2, 8500),    # A5 equity + A6 vehicle, both overdue: off-BS counts
    }
    assert int(frame.overdue_count.sum()) == 5 and int(frame.overdue_book_cents.sum()) == 34100


def test_holdings_move_with_today_and_settings(holdings_book):
    engine, _, _ = holdings_book
    # one day earlier (2026-06-14) A2, A4 and A5 reach their deadline exactly: not overdue; A6, A7 still are
    earlier = read(engine, reads.holdings, scope=Scope.union(), today=D(2026, 6, 14))
    assert int(earlier.overdue_count.sum()) == 2 and int(earlier.overdue_book_cents.sum()) == 1500 + 1600
    with transaction(engine) as s:
        settings_store.seed(s, Settings(real_estate_disposal_years=3, movable_disposal_years=2))
    # 3 / 2 years: A6 (vehicle 2024-06-14, deadline 2026-06-14) is the only overdue asset
    later = read(engine, reads.holdings, scope=Scope.union(), today=TODAY)
    assert int(later.overdue_count.sum()) == 1 and int(later.overdue_book_cents.sum()) == 1500


def test_holdings_scope(holdings_book):
    engine, _, coops = holdings_book
    frame = read(engine, reads.holdings, scope=Scope.cooperative(coops["B"]), today=TODAY)
    # B: A7 + A10 on the balance sheet (1600 + 900), A5 + A6 off it (7000 + 1500); overdue A5 A6 A7
    assert int(frame.asset_count.sum()) == 4 and int(frame.book_value_cents.sum()) == 11000
    assert int(frame.overdue_count.sum()) == 3 and int(frame.overdue_book_cents.sum()) == 10100
    assert read(engine, reads.holdings, scope=Scope(cooperative_ids=frozenset()), today=TODAY).empty


def test_ageing_by_type_balance_sheet_and_bucket(holdings_book):
    engine, _, _ = holdings_book
    frame = read(engine, reads.ageing, scope=Scope.union(), today=TODAY)
    got = {(r.asset_type, r.on_balance_sheet, r.bucket): (r.asset_count, r.book_value_cents)
           for r in frame.itertuples()}
    assert got == {
        ("land_use_right", True, DUE_SOON): (1, 10000),  # A1, exactly at its limit
        ("building", True, OVERDUE): (1, 20000),         # A2
        ("vehicle", True, DUE_SOON): (1, 3000),          # A3
        ("machinery", True, OVERDUE): (1, 4000),         # A4
        ("equity", False, OVERDUE): (1, 7000),           # A5 off balance sheet
        ("vehicle", False, LONG_OVERDUE): (1, 1500),     # A6, 366 days past
        ("vehicle", True, OVERDUE): (1, 1600),           # A7, 365 days past
        ("building", True, ON_TIME): (1, 50000),         # A8
        ("machinery", True, DUE_SOON): (1, 800),         # A9, 180 days left
        ("livestock", True, ON_TIME): (1, 900),          # A10, 181 days left
    }


def test_disposals_by_method_and_lease_income(holdings_book):
    engine, _, coops = holdings_book
    year = read(engine, reads.disposals_by_method, scope=Scope.union(), first_day=D(2026, 1, 1), last_day=TODAY)
    got = {r.method: (r.asset_count, r.book_value_cents, r.proceeds_cents) for r in year.itertuples()}
    assert got == {"sale": (1, 12000, 9000), "leasing": (1, 3000, 1200)}  # D2 was disposed of in 2025
    # this year's gain/loss: (9000 + 1200) - (12000 + 3000) = -4800
    assert ageing.gain_loss(int(year.proceeds_cents.sum()), int(year.book_value_cents.sum())) == -4800
    everything = read(engine, reads.disposals_by_method, scope=Scope.union())
    assert dict(zip(everything.method, everything.proceeds_cents)) == {"auction": 600, "leasing": 1200, "sale": 9000}
    assert read(engine, reads.lease_income, scope=Scope.union()) == 750  # A8 300 + D3 450
    assert read(engine, reads.lease_income, scope=Scope.cooperative(coops["B"])) == 0
    only_b = read(engine, reads.disposals_by_method, scope=Scope.cooperative(coops["B"]))
    assert list(only_b.method) == ["auction"]


def test_register_order_columns_and_limit(holdings_book):
    engine, ids, _ = holdings_book
    name = {v: k for k, v in ids.items()}
    frame = read(engine, reads.register, scope=Scope.union(), today=TODAY, limit=None)
    # held by deadline (A2 A4 A5 share 2026-06-14, A1 A3 share 2026-06-15: by id), then disposals newest first
    assert [name[i] for i in frame.asset_id] == ["A6", "A7", "A2", "A4", "A5", "A1", "A3", "A9", "A10", "A8",
                                                 "D3", "D1", "D2"]
    rows = frame.set_index(frame.asset_id.map(name))
    assert (rows.loc["A1", "age_days"], rows.loc["A1", "days_to_limit"], rows.loc["A1", "overdue"]) == (730, 0, False)
    assert (rows.loc["A6", "days_to_limit"], rows.loc["A6", "overdue"]) == (-366, True)
    # disposals measured on their disposal day: D1 1155 days held, 424 days late; D3 130 days late; D2 62 early
    assert (rows.loc["D1", "age_days"], rows.loc["D1", "days_to_limit"]) == (1155, -424)
    assert rows.loc["D3", "days_to_limit"] == -130 and rows.loc["D2", "days_to_limit"] == 62
    assert not rows.loc[["D1", "D2", "D3"], "overdue"].any()
    assert rows.loc["A5", "contract_no"] == "LB" and rows.loc["A5", "cooperative"] == "Cooperative B"
    assert pd.isna(rows.loc["A2", "appraisal_cents"]) and rows.loc["A8", "appraisal_cents"] == 60000
    first3 = read(engine, reads.register, scope=Scope.union(), today=TODAY, limit=3)
    assert [name[i] for i in first3.asset_id] == ["A6", "A7", "A2"]
    assert read(engine, reads.count_register, scope=Scope.union(), today=TODAY) == 13


@pytest.mark.parametrize("filters, expected", [
    ({"overdue_only": True}, ["A6", "A7", "A2", "A4", "A5"]),
    ({"on_balance_sheet": False}, ["A6", "A5", "D2"]),
    ({"asset_type": "vehicle"}, ["A6", "A7", "A3"]),
    ({"status": "disposed"}, ["D3", "D1", "D2"]),
    ({"status": "in_disposal", "overdue_only": True}, ["A2"]),
    ({"asset_type": "building", "overdue_only": True, "on_balance_sheet": True}, ["A2"]),
])
def test_register_filters_match_count(holdings_book, filters, expected):
    engine, ids, _ = holdings_book
    name = {v: k for k, v in ids.items()}
    frame = read(engine, reads.register, scope=Scope.union(), today=TODAY, **filters)
    assert [name[i] for i in frame.asset_id] == expected
    assert read(engine, reads.count_register, scope=Scope.union(), today=TODAY, **filters) == len(expected)


def test_register_scope_and_held_choices(holdings_book):
    engine, ids, coops = holdings_book
    name = {v: k for k, v in ids.items()}
    only_a = read(engine, reads.register, scope=Scope.cooperative(coops["A"]), today=TODAY, limit=None)
    assert sorted(name[i] for i in only_a.asset_id) == sorted(["A1", "A2", "A3", "A4", "A8", "A9", "D1", "D3"])
    choices = read(engine, reads.held_choices, scope=Scope.cooperative(coops["B"]))
    assert sorted(name[i] for i in choices.asset_id) == ["A10", "A5", "A6", "A7"]
    # an officer scope reads only assets on the officer's own loans
    officer_scope = Scope(officer_id=999)
    assert read(engine, reads.register, scope=officer_scope, today=TODAY).empty


def test_every_asset_figure_follows_the_segment(holdings_book):
    """LB (cooperative B's loan) re-dated to 2025-03-01, after the cutoff (2025-01-01): B's assets are on a new
    loan, A's on an old one. New: A5 A6 A7 A10 held (11000), D2 disposed, no lease income; old: the rest."""
    engine, ids, coops = holdings_book
    with transaction(engine) as s:
        from data.models import Loan
        lb = s.query(Loan).filter_by(contract_no="LB").one()
        lb.issue_date, lb.maturity_date = D(2025, 3, 1), D(2027, 3, 1)
    new = read(engine, reads.holdings, scope=Scope.union(), today=TODAY, segment="new")
    assert int(new.asset_count.sum()) == 4 and int(new.book_value_cents.sum()) == 11000
    old = read(engine, reads.holdings, scope=Scope.union(), today=TODAY, segment="old")
    assert int(old.asset_count.sum()) == 6 and int(old.book_value_cents.sum()) == 70300 + 20000 - 1600 - 900
    assert int(read(engine, reads.ageing, scope=Scope.union(), today=TODAY, segment="new").asset_count.sum()) == 4
    assert list(read(engine, reads.disposals_by_method, scope=Scope.union(), segment="new").method) == ["auction"]
    assert read(engine, reads.lease_income, scope=Scope.union(), segment="new") == 0
    assert read(engine, reads.lease_income, scope=Scope.union(), segment="old") == 750
    assert read(engine, reads.count_register, scope=Scope.union(), today=TODAY, segment="new") == 5
    register = read(engine, reads.register, scope=Scope.union(), today=TODAY, segment="old")
    assert set(register.asset_id) == {ids[n] for n in ("A1", "A2", "A3", "A4", "A8", "A9", "D1", "D3")}
