"""A union that has never seen the demo: from an empty database to its own figures, using only the commands.

The first admin comes from `python -m data.setup create-admin`. Built from files written here (nothing stored):
cooperatives C01, C02; villages; officers E1 (C01), E2 (C02);
24 monthly tapes 2024-12 .. 2026-11, each its own file, given to one `scripts/import_data.py tape` call; then
assignments, actions, legal cases and assets. The headline figures are worked out by hand below and read back
through the pages' own read functions. Runs on a fresh PostgreSQL database when TEST_DATABASE_URL is set (the
way a real union runs), and on a fresh SQLite file otherwise too.

Loans (segment cutoff 2025-01-01, the default): month i = 0 .. 23 from 2024-12.
    KO1  C01 E1 old (2023-06-01)  loss,        balance 10,000.00 - 200.00 * i          (old-stock NPL all along)
    KO2  C02 E2 old (2023-09-01)  normal, from i = 12 substandard (100 days), 5,000.00
    KN1  C01 E1 new (2025-03-15)  from i = 3; normal, from i = 20 doubtful (200 days), 8,000.00
    KN2  C02 E2 new (2025-06-01)  from i = 6 to i = 18 normal 2,000.00, then closed (absent)
At 2026-11 (i = 23): NPL = KO1 5,400.00 + KO2 5,000.00 + KN1 8,000.00 = 18,400.00; old stock 10,400.00,
new 8,000.00; gross balance 18,400.00 (KN2 closed). 2026-05 (i = 17): NPL = KO1 6,600.00 + KO2 5,000.00 = 11,600.00.
Actions in 2026: direct 1,000.00 (KO1, March), legal 500.00 (KO1, June), village 300.00 (KO2, September).
Assets: F1 vehicle from KO1 acquired 2025-01-15, pending: past its 1-year limit (overdue); F2 building from KO2
acquired 2026-02-01: within its 2 years. So 1 overdue asset, book value 3,000.00.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from data import assets as asset_reads
from data import methods, portfolio
from data.db import make_engine, session_factory
from domain import figures
from domain.months import month_range
from domain.scope import Scope

ROOT = Path(__file__).resolve().parents[1]
FIRST = dt.date(2024, 12, 1)
MONTHS = month_range(FIRST, dt.date(2026, 11, 1))
TAPE_HEADER = ("contract_no,cooperative_code,officer_employee_no,borrower_name,issue_date,maturity_date,principal,"
               "outstanding,overdue,days_past_due,loan_class,borrower_id,village_code,month\n")


def _tape_line(i, contract, coop, officer, name, issued, balance, dpd, loan_class, borrower, village) -> str:
    overdue = f"{min(balance, 1000):.2f}" if dpd else "0"
    return (f"{contract},{coop},{officer},{name},{issued},2028-12-31,12000.00,{balance:.2f},{overdue},{dpd},"
            f"{loan_class},{borrower},{village},{MONTHS[i]:%Y-%m}\n")


def _tape(i: int) -> str:
    lines = [_tape_line(i, "KO1", "C01", "E1", "Li Wei", "2023-06-01", 10_000 - 200 * i, 400, "loss", "B1", "V01")]
    lines.append(_tape_line(i, "KO2", "C02", "E2", "Chen Jing", "2023-09-01", 5_000, 100 if i >= 12 else 0,
                            "substandard" if i >= 12 else "normal", "B7", "V03"))
    if i >= 3:
        lines.append(_tape_line(i, "KN1", "C01", "E1", "Zhang Min", "2025-03-15", 8_000, 200 if i >= 20 else 0,
                                "doubtful" if i >= 20 else "normal", "B2", "V02"))
    if 6 <= i <= 18:
        lines.append(_tape_line(i, "KN2", "C02", "E2", "Wu Gang", "2025-06-01", 2_000, 0, "normal", "B8", "V03"))
    return TAPE_HEADER + "".join(lines)


FILES = {
    "cooperatives": "cooperative_code,name\nC01,Qinghe RCC\nC02,Dongli RCC\n",
    "villages": "village_code,name,cooperative_code\nV01,Dongwang,C01\nV02,Xiwang,C01\nV03,Nanli,C02\n",
    "officers": "employee_no,name,cooperative_code\nE1,Wang Fang,C01\nE2,Li Na,C02\n",
    "assignments": "id,contract_no,employee_no,assigned_on,target,deadline\nA1,KO1,E1,2026-01-05,5000,2026-12-31\n"
                   "A2,KO2,E2,2025-12-10,5000,2026-12-31\n",
    "actions": "id,contract_no,method,action_date,recovered,cost,village_source\n"
               "X1,KO1,direct,2026-03-10,1000.00,20.00,\nX2,KO1,legal,2026-06-01,500.00,150.00,\n"
               "X3,KO2,village,2026-09-15,300.00,0,village_funds\n",
    "legal_cases": "id,contract_no,court,filed_on,claim,stage,costs\nL1,KO1,County Court,2026-05-20,9000.00,filed,150\n",
    "assets": "id,contract_no,asset_type,on_balance_sheet,acquired_on,book_value\n"
              "F1,KO1,vehicle,yes,2025-01-15,3000.00\nF2,KO2,building,yes,2026-02-01,4000.00\n",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """A database that does not exist yet (SQLite file) or is empty (a fresh PostgreSQL database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/union.db"
    return request.getfixturevalue("fresh_pg_url")


def _run(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "NPL_ADMIN_PASSWORD": "first-admin-2026"}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def test_an_empty_database_becomes_a_working_union(empty_url, tmp_path):
    _run("-m", "data.setup", "create-admin", "--username", "admin", "--display-name", "Union administrator",
         url=empty_url)
    for kind in ("cooperatives", "villages", "officers"):
        (tmp_path / f"{kind}.csv").write_text(FILES[kind])
        _run("scripts/import_data.py", kind, str(tmp_path / f"{kind}.csv"), url=empty_url)
    tapes = []
    for i, month in enumerate(MONTHS):
        path = tmp_path / f"tape-{month:%Y-%m}.csv"
        path.write_text(_tape(i))
        tapes.append(str(path))
    done = _run("scripts/import_data.py", "tape", *reversed(tapes), "--allow-shrink", url=empty_url)
    assert "[24/24] tape-2026-11.csv" in done.stdout
    for kind in ("assignments", "actions", "legal_cases", "assets"):
        (tmp_path / f"{kind}.csv").write_text(FILES[kind])
        _run("scripts/import_data.py", kind, str(tmp_path / f"{kind}.csv"), url=empty_url)

    engine = make_engine(empty_url)
    try:
        with session_factory(engine)() as s:
            union = Scope.union()
            assert portfolio.list_months(s) == MONTHS
            balances = portfolio.balances_by_month(s, scope=union, first=FIRST, last=MONTHS[-1])
            last, may = MONTHS[-1], dt.date(2026, 5, 1)
            assert figures.npl_balance(balances, last) == 1_840_000
            assert figures.npl_balance(balances, last, "old") == 1_040_000
            assert figures.npl_balance(balances, last, "new") == 800_000
            assert figures.gross_balance(balances, last) == 1_840_000
            assert figures.npl_balance(balances, may) == 1_160_000
            by_method = methods.recoveries_by_month(s, scope=union, first_day=dt.date(2026, 1, 1),
                                                    last_day=dt.date(2026, 11, 30))
            assert by_method.groupby("method").recovered_cents.sum().to_dict() == {
                "direct": 100_000, "legal": 50_000, "village": 30_000}
            held = asset_reads.holdings(s, scope=union, today=dt.date(2026, 11, 30))
            assert (int(held.overdue_count.sum()), int(held.overdue_book_cents.sum())) == (1, 300_000)
            c01 = s.execute(text("SELECT id FROM cooperative WHERE code = 'C01'")).scalar()
            only_c01 = portfolio.balances_by_month(s, scope=Scope.cooperative(c01), first=last, last=last)
            assert figures.npl_balance(only_c01, last) == 540_000 + 800_000
            admins = s.execute(text("SELECT username, role, cooperative_id FROM app_user")).all()
            assert [tuple(a) for a in admins] == [("admin", "admin", None)]  # no demo account, ever
            assert s.execute(text("SELECT count(*) FROM audit_log WHERE action LIKE 'import.%'")).scalar() == 31
    finally:
        engine.dispose()
