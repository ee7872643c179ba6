"""Under-classified loans (any class recorded better than its floor), the provisions they understate, and the
borrower-level and restructuring rules of DOMAIN.md, on hand-made loans; every figure worked out below."""
from __future__ import annotations

import datetime as dt

import pytest

from data import aggregates, warnings
from data import settings as settings_store
from data.db import transaction
from data.models import Borrower
from domain import classes, provisions, warning_rules
from domain.settings import Settings
from domain.classes import Thresholds
from domain.scope import Scope
from domain.settings import Settings
from tests import factory as f

D = dt.date
M = D(2025, 6, 1)
UNION = Scope.union()


# --- domain -------------------------------------------------------------------------------------------------------
def test_floor_with_the_borrower_and_observation_rules():
    th = Thresholds()
    assert classes.floor_class(300, th) == "doubtful"
    assert classes.is_under_classified("substandard", classes.floor_class(300, th))  # the case of DOMAIN.md
    assert not classes.is_under_classified("doubtful", "doubtful")
    assert classes.floor_class(0, th, borrower_npl=True) == "substandard"
    assert classes.floor_class(300, th, borrower_npl=True) == "doubtful"  # the worse floor wins
    assert classes.floor_class(0, th, observed_class="special_mention") == "special_mention"
    assert classes.floor_class(0, th, restructured_npl=True, observed_class="doubtful") == "doubtful"
    assert classes.borrower_is_npl(1_001, 10_000) and not classes.borrower_is_npl(1_000, 10_000)  # > 10 %, not =
    assert not classes.borrower_is_npl(0, 0)
    assert warning_rules.floor_reason(300, th) == "days_past_due"
    assert warning_rules.floor_reason(0, th, restructured_npl=True, borrower_npl=True) == "restructured"
    assert warning_rules.floor_reason(0, th, borrower_npl=True) == "borrower"
    assert warning_rules.floor_reason(0, th, restructured_npl=True, observed_class="doubtful") == "upgraded"


def test_provisions_understated_at_the_default_rates():
    rates = Settings().provision_rates()
    assert [rates[c] for c in classes.CLASSES] == [0.01, 0.02, 0.25, 0.50, 1.00]
    assert provisions.understated_provision(10_000, "substandard", "doubtful", rates) == 5_000 - 2_500
    assert provisions.understated_provision(20_000, "normal", "special_mention", rates) == 400 - 200
    assert provisions.understated_provision(10_000, "doubtful", "substandard", rates) == 0  # worse than the floor
    assert provisions.provision(150, "normal", rates) == 2  # 1.5 cents, half up


# --- data ---------------------------------------------------------------------------------------------------------
@pytest.fixture
def book(engine):
    """Cooperative A, officer Ana; June 2025 (M) unless said; thresholds 90/270/360.

    loan  borrower          class in M, dpd, balance    before                          floor / reason            understated
    U1    household         sub 300d 10,000             -                               doubtful / days           5,000-2,500 = 2,500
    U2    household         normal 10d 20,000           -                               SM / days                 400-200 = 200
    U3    household         doubtful 300d 8,000         -                               at its floor: not listed
    E1    enterprise E      sub 100d 2,000              -                               at its floor
    E2    enterprise E      normal 0d 15,000            E: 2,000 / 17,000 = 11.8 % NPL  sub / borrower (hidden)   3,750-150 = 3,600
    F1    enterprise F      sub 100d 1,000              -                               at its floor
    F2    enterprise F      normal 0d 9,000             F: exactly 10 %: not flagged
    H1    household H       sub 100d 5,000              -                               at its floor
    H2    household H       normal 0d 1,000             a household: not flagged
    R1    household         sub 0d 10,000               Feb doubtful; restructured 03-15 doubtful / upgraded      5,000-2,500 = 2,500
    R2    household         normal 0d 5,000             Feb SM; restructured 03-15      SM / upgraded             100-50 = 50
    R3    household         normal 0d 4,000             2024-02 doubtful; restr. 2024-03-15 (past the year)
                                                                                        sub / restructured (hidden) 1,000-40 = 960
    R4    household         normal 0d 2,000             Feb sub; restructured 03-15     sub / restructured (hidden) 500-20 = 480
    """
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=D(2025, 1, 1)))
        a = f.cooperative(s, "A")
        ana = f.officer(s, a, "Ana")
        ids = {}

        def borrower(name, kind):
            row = Borrower(cooperative_id=a.id, name=name, kind=kind)
            s.add(row)
            s.flush()
            return row

        e, fb, h = borrower("E", "enterprise"), borrower("F", "enterprise"), borrower("H", "household")

        def add(name, cls, dpd, balance, *, who=None, restructured=None, before=()):
            ln = f.loan(s, a, ana, D(2023, 3, 1), contract=name, borrower=who, restructured_on=restructured)
            for month, before_cls in before:
                f.month_row(s, ln, month, balance, before_cls)
            f.month_row(s, ln, M, balance, cls, dpd=dpd)
            ids[name] = ln.id

        add("U1", "substandard", 300, 10_000)
        add("U2", "normal", 10, 20_000)
        add("U3", "doubtful", 300, 8_000)
        add("E1", "substandard", 100, 2_000, who=e)
        add("E2", "normal", 0, 15_000, who=e)
        add("F1", "substandard", 100, 1_000, who=fb)
        add("F2", "normal", 0, 9_000, who=fb)
        add("H1", "substandard", 100, 5_000, who=h)
        add("H2", "normal", 0, 1_000, who=h)
        add("R1", "substandard", 0, 10_000, restructured=D(2025, 3, 15), before=[(D(2025, 2, 1), "doubtful")])
        add("R2", "normal", 0, 5_000, restructured=D(2025, 3, 15), before=[(D(2025, 2, 1), "special_mention")])
        add("R3", "normal", 0, 4_000, restructured=D(2024, 3, 15), before=[(D(2024, 2, 1), "doubtful")])
        add("R4", "normal", 0, 2_000, restructured=D(2025, 3, 15), before=[(D(2025, 2, 1), "substandard")])
        s.flush()
        aggregates.rebuild_all(s)
    return engine, ids


def read(engine, function, **kwargs):
    with transaction(engine) as s:
        return function(s, **kwargs)


EXPECTED = {  # contract: (recorded, floor, reason, understated)
    "U1": ("substandard", "doubtful", "days_past_due", 2_500),
    "U2": ("normal", "special_mention", "days_past_due", 200),
    "E2": ("normal", "substandard", "borrower", 3_600),
    "R1": ("substandard", "doubtful", "upgraded", 2_500),
    "R2": ("normal", "special_mention", "upgraded", 50),
    "R3": ("normal", "substandard", "restructured", 960),
    "R4": ("normal", "substandard", "restructured", 480),
}


def test_under_classified_list_any_class_with_the_provisions_understated(book):
    engine, _ = book
    rows = read(engine, warnings.list_under_classified, scope=UNION, month=M)
    got = {r.contract_no: (r.loan_class, r.floor_class, r.reason, r.understated_cents) for r in rows.itertuples()}
    assert got == EXPECTED
    assert list(rows.contract_no[:3]) == ["E2", "U1", "R1"]  # 3,600, then 2,500 twice (same balance: loan id)
    total, understated = read(engine, warnings.get_under_classified_total, scope=UNION, month=M)
    assert (total.loan_count, total.balance_cents) == (7, 10_000 + 20_000 + 15_000 + 10_000 + 5_000 + 4_000 + 2_000)
    assert understated == 2_500 + 200 + 3_600 + 2_500 + 50 + 960 + 480
    # the list agrees with the domain rules row by row
    for r in rows.itertuples():
        assert provisions.understated_provision(int(r.balance_cents), r.loan_class, r.floor_class,
                                                Settings().provision_rates()) == \
            r.understated_cents
    first = read(engine, warnings.list_under_classified, scope=UNION, month=M, limit=1)
    assert len(first) == 1 and first.understated_cents[0] == 3_600


def test_hidden_npls_include_the_borrower_rule_and_restructured_loans(book):
    engine, _ = book
    rows = read(engine, warnings.list_hidden_npls, scope=UNION, month=M)
    assert {r.contract_no: (r.floor_class, r.reason) for r in rows.itertuples()} == {
        "E2": ("substandard", "borrower"), "R3": ("substandard", "restructured"),
        "R4": ("substandard", "restructured")}
    by_officer = read(engine, warnings.list_hidden_npl_by_officer, scope=UNION, month=M)
    assert int(by_officer.balance_cents.sum()) == 15_000 + 4_000 + 2_000


def test_under_classified_follows_scope_and_segment(book):
    engine, ids = book
    assert read(engine, warnings.list_under_classified, scope=UNION, month=M, segment="new").empty  # all issued 2023
    assert len(read(engine, warnings.list_under_classified, scope=UNION, month=M, segment="old")) == 7
    assert read(engine, warnings.list_under_classified, scope=Scope.cooperative(ids["U1"] + 999), month=M).empty
