"""The NPL movement summary on both engines: a hand-made book worked out by hand, and every month, cooperative
and segment of a generated demo reconciling to the cent with the monthly NPL balance of the overview."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from data import aggregates, flows, portfolio
from data import settings as settings_store
from data.db import transaction
from data.models import Cooperative, LoanMonth
from domain import npl_flows
from domain.classes import NPL_CLASSES
from domain.scope import Scope
from domain.segments import SEGMENTS
from domain.settings import Settings
from tests import factory as f

M1, M2, M3 = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


@pytest.fixture
def book(engine):
    """One cooperative, cutoff 2025-01-01; balances in cents.

    loan  2025-01        2025-02                      actions in 2025-02
    L1    sub  1000      sub   700                    direct 200, asset_disposal 50 -> other 50
    L2    dbt   500      nor   400                    village 100 -> cured 400
    L3    loss  900      loss    0, written off 900   -
    L4    nor   300      sub   300                    - (inflow from performing)
    L5    -              dbt   250 (new, issued 2025-02-03)
    L6    sub   600      -  (closed)                  direct 600
    L7    sm    200      sm    150                    direct 50 (not NPL: not an outflow)
    """
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=dt.date(2025, 1, 1)))
        coop = f.cooperative(s, "A")
        off = f.officer(s, coop, "Ana")
        old = dt.date(2023, 5, 1)
        loans = {name: f.loan(s, coop, off, old, contract=name) for name in ("L1", "L2", "L3", "L4", "L6", "L7")}
        loans["L5"] = f.loan(s, coop, off, dt.date(2025, 2, 3), contract="L5")
        for name, balance, cls in (("L1", 1000, "substandard"), ("L2", 500, "doubtful"), ("L3", 900, "loss"),
                                   ("L4", 300, "normal"), ("L6", 600, "substandard"), ("L7", 200, "special_mention")):
            f.month_row(s, loans[name], M1, balance, cls)
        for name, balance, cls in (("L1", 700, "substandard"), ("L2", 400, "normal"), ("L3", 0, "loss"),
                                   ("L4", 300, "substandard"), ("L5", 250, "doubtful"), ("L7", 150, "special_mention")):
            row = f.month_row(s, loans[name], M2, balance, cls)
            if name == "L3":
                row.written_off_cents = 900
        s.flush()
        f.action(s, loans["L1"], off, dt.date(2025, 2, 5), 200)
        f.action(s, loans["L1"], off, dt.date(2025, 2, 20), 50, method="asset_disposal")
        f.action(s, loans["L1"], off, dt.date(2025, 1, 31), 999)  # January: not in February's movement
        f.action(s, loans["L2"], off, dt.date(2025, 2, 28), 100, method="village")
        f.action(s, loans["L6"], off, dt.date(2025, 2, 10), 600)
        f.action(s, loans["L7"], off, dt.date(2025, 2, 10), 50)
        aggregates.rebuild_all(s)
    return engine, coop.id


def test_the_months_movement_term_by_term(book):
    engine, coop_id = book
    with transaction(engine) as s:
        rows = flows.flow_rows(s, scope=Scope.union(), first=M1, last=M2)
    mv = npl_flows.movement(rows[rows.month == M2])
    assert mv.as_dict() == {
        "opening": 1000 + 500 + 900 + 600,  # L1, L2, L3, L6 were NPL in January
        "inflow_performing": 300,  # L4
        "inflow_new": 250,  # L5
        "collected": 200 + 100 + 600,  # L1 direct, L2 village, L6 direct (L7 was not NPL; January's action is not)
        "written_off": 900,  # L3
        "foreclosed": 50,  # L1 asset disposal
        "cured": 400,  # L2 back to Normal at 400
        "other": (1000 - 700 - 200 - 50) + (500 - 400 - 100) + 0 + 0,  # L1 50, L2 0, L3 0, L6 600-600
        "closing": 700 + 0 + 300 + 250,  # L1, L3 (written off to 0), L4, L5
    }
    assert mv.reconciles()
    # another cooperative's viewer sees none of it
    with transaction(engine) as s:
        other = flows.flow_rows(s, scope=Scope(cooperative_ids=frozenset({coop_id + 1})), first=M1, last=M2)
    assert other.empty


def test_a_withdrawn_month_has_no_movement_and_the_next_month_is_rebuilt(book):
    engine, _ = book
    with transaction(engine) as s:
        s.execute(LoanMonth.__table__.delete().where(LoanMonth.month == M2))
        aggregates.rebuild_months(s, [M2])
        rows = flows.flow_rows(s, scope=Scope.union(), first=M1, last=M3)
    assert set(rows.month) == {M1}  # the first month: every loan comes from 'new'
    assert set(rows.from_class) == {"new"}


def test_provision_rows_keep_reported_provisions_apart(book):
    engine, _ = book
    with transaction(engine) as s:
        s.execute(LoanMonth.__table__.update().where(LoanMonth.month == M2, LoanMonth.outstanding_cents == 700)
                  .values(provision_cents=300))
        aggregates.rebuild_months(s, [M2])
        rows = flows.provision_rows(s, scope=Scope.union(), month=M2)
    sub = rows.set_index("loan_class").loc["substandard"]
    assert (sub.balance_cents, sub.provision_cents, sub.provisioned_cents) == (1000, 300, 700)


@pytest.fixture
def demo_engine(engine):
    from data.demo import generate

    # the arguments of the shared demo (tests/conftest.py demo_db_url), here on each engine
    generate(engine, loans=1500, months=24, seed=11, end_month=dt.date(2026, 10, 1), cooperatives=4, officers=24)
    return engine


def test_every_month_cooperative_and_segment_of_the_demo_reconciles(demo_engine):
    """Opening + inflows - outflows = closing for each month x cooperative x segment, and the closing (opening)
    equals the NPL balance of portfolio_month for the month (the month before): what the overview shows."""
    with transaction(demo_engine) as s:
        months = portfolio.list_months(s)
        coops = list(s.scalars(select(Cooperative.id)))
        rows = flows.flow_rows(s, scope=Scope.union(), first=months[0], last=months[-1])
        balances = {(cid, seg): portfolio.balances_by_month(s, scope=Scope(cooperative_ids=frozenset({cid})),
                                                            first=months[0], last=months[-1], segment=seg)
                    for cid in coops for seg in SEGMENTS}
        written_off = s.scalar(select(LoanMonth.written_off_cents).where(LoanMonth.written_off_cents > 0).limit(1))
    assert written_off, "the demo writes loans off"
    checked = 0
    for cid in coops:
        for seg in SEGMENTS:
            mine = rows[(rows.cooperative_id == cid) & (rows.segment == seg)]
            npl = balances[cid, seg]
            npl = npl[npl.loan_class.isin(NPL_CLASSES)].groupby("month").balance_cents.sum()
            for month in npl_flows.movement_months(months, months[0], months[-1]):
                mv = npl_flows.movement(mine[mine.month == month])
                before = int(npl.get(months[months.index(month) - 1], 0))
                now = int(npl.get(month, 0))
                if mv is None:
                    assert before == now == 0
                    continue
                assert mv.opening + mv.inflows - mv.outflows == mv.closing
                assert (mv.opening, mv.closing) == (before, now), (cid, seg, month)
                checked += 1
    assert checked >= len(coops) * (len(months) - 1)  # every cooperative, old stock at least, every month
    # the union's movement over the whole history telescopes from the first month's NPL to the last's
    union = npl_flows.movement(rows[rows.month.isin(npl_flows.movement_months(months, months[0], months[-1]))])
    total = pd.concat(balances.values())
    total = total[total.loan_class.isin(NPL_CLASSES)].groupby("month").balance_cents.sum()
    assert (union.opening, union.closing) == (int(total[months[0]]), int(total[months[-1]]))
    assert union.written_off > 0 and union.collected > 0


def test_a_tapes_provision_column_reaches_the_coverage(engine):
    """A tape reporting K1's provision (¥300 of its ¥8,000) and none for K2: provisions = ¥300 + K2's ¥5,000 at the
    Substandard rate of 25 % = ¥1,550; a negative provision is refused with nothing written."""
    from data.importer import system_actor
    from data.importer.batches import withdraw
    from tests.test_import_kinds import FILES, _import

    for kind in ("cooperatives", "villages", "officers"):
        assert _import(engine, kind, FILES[kind]).written
    header = ("contract_no,cooperative_code,officer_employee_no,borrower_name,issue_date,maturity_date,principal,"
              "month,outstanding,overdue,days_past_due,loan_class,provision\n")
    bad = header + "K1,C01,E1,Li Wei,2025-03-01,2027-03-01,10000.00,2026-09,8000.00,0,0,normal,-1.00\n"
    refused = _import(engine, "tape", bad)
    assert not refused.written and list(refused.errors.field) == ["provision"]
    good = header + ("K1,C01,E1,Li Wei,2025-03-01,2027-03-01,10000.00,2026-09,8000.00,0,0,normal,300.00\n"
                     "K2,C01,E1,Li Wei,2025-06-01,2027-06-01,6000.00,2026-09,5000.00,1000.00,120,substandard,\n")
    assert _import(engine, "tape", good).written
    from domain import provisions

    with transaction(engine) as s:
        stored = dict(s.execute(select(LoanMonth.outstanding_cents, LoanMonth.provision_cents)).all())
        rows = flows.provision_rows(s, scope=Scope.union(), month=dt.date(2026, 9, 1))
    assert stored == {800_000: 30_000, 500_000: None}
    cover = provisions.coverage(rows, Settings().provision_rates())
    assert (cover.provisions_cents, cover.reported_cents, cover.npl_cents) == (155_000, 30_000, 500_000)
    # a corrected tape of the month reports ¥400; withdrawing it gives the ¥300 back
    again = _import(engine, "tape", good.replace(",300.00", ",400.00"))
    assert again.written
    with transaction(engine) as s:
        assert s.scalar(select(LoanMonth.provision_cents).where(LoanMonth.outstanding_cents == 800_000)) == 40_000
        withdraw(s, actor=system_actor(), batch_id=again.batch_id, reason="wrong provisions")
    with transaction(engine) as s:
        assert s.scalar(select(LoanMonth.provision_cents).where(LoanMonth.outstanding_cents == 800_000)) == 30_000
        rows = flows.provision_rows(s, scope=Scope.union(), month=dt.date(2026, 9, 1))
    assert int(rows.provision_cents.sum()) == 30_000


def test_provision_rates_are_settings_changed_by_an_admin_with_an_audit_row(engine):
    from data.errors import ValidationError
    from data.models import AuditLog
    from domain.scope import Actor

    admin = Actor(user_id=None, username="root", role="admin", scope=Scope.union())
    with pytest.raises(ValidationError) as raised, transaction(engine) as s:
        settings_store.update(s, actor=admin, changes={"provision_loss_pct": "150"})
    assert raised.value.key == "error.setting.provision_loss_pct"
    with transaction(engine) as s:
        assert s.scalar(select(AuditLog.id).limit(1)) is None  # nothing written
        after = settings_store.update(s, actor=admin, changes={"provision_substandard_pct": "30"})
    assert after.provision_rates()["substandard"] == 0.3
    with transaction(engine) as s:
        row = s.execute(select(AuditLog.action, AuditLog.entity_id, AuditLog.before, AuditLog.after)).one()
        assert settings_store.get(s).provision_substandard_pct == 30.0
    assert row.action == "settings.update" and row.entity_id == "provision_substandard_pct"
    assert "25.0" in row.before and "30.0" in row.after
