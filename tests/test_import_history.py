"""Several months at once: split by month, imported oldest first, each month all or nothing, stop at a refusal."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from data.db import session_factory
from data.importer import system_actor
from data.importer.history import import_history, plan
from data.importer.records import import_records
from data.db import transaction
from data.models import ClassTransition, ImportBatch, LoanMonth

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 30)
HEADER = "contract_no,cooperative_code,officer_employee_no,borrower_name,issue_date,maturity_date,principal,month," \
         "outstanding,overdue,days_past_due,loan_class\n"


def _line(contract: str, month: str, balance: str, dpd: int = 0, loan_class: str = "normal") -> str:
    overdue = "100.00" if dpd else "0"
    return f"{contract},C01,E1,Borrower {contract},2025-01-10,2027-01-10,5000.00,{month},{balance},{overdue},{dpd}," \
           f"{loan_class}\n"


def _reference(engine) -> None:
    for kind, text in (("cooperatives", "cooperative_code,name\nC01,Qinghe\n"),
                       ("officers", "employee_no,name,cooperative_code\nE1,Wang,C01\n")):
        with transaction(engine) as s:
            assert import_records(s, actor=system_actor(), kind=kind, data=text.encode(), filename="r.csv").written


def _months(engine) -> dict[dt.date, int]:
    with session_factory(engine)() as s:
        return dict(s.execute(select(LoanMonth.month, func.count()).group_by(LoanMonth.month)).all())


def test_one_file_of_three_months_is_imported_oldest_first(engine):
    _reference(engine)
    # written newest first: the plan puts August first, so September's transitions are judged against it
    text = HEADER + _line("K1", "2026-10", "900.00", 100, "substandard") + _line("K1", "2026-08", "1000.00") + \
        _line("K1", "2026-09", "950.00", 40, "special_mention") + _line("K2", "2026-08", "300.00") + \
        _line("K2", "2026-09", "200.00") + _line("K2", "2026-10", "100.00")
    months = plan([("history.csv", text.encode())])
    assert [m.month for m in months] == [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    outcomes = list(import_history(engine, actor=system_actor(), months=months, today=TODAY))
    assert [r.written for _, r in outcomes] == [True, True, True]
    assert _months(engine) == {dt.date(2026, 8, 1): 2, dt.date(2026, 9, 1): 2, dt.date(2026, 10, 1): 2}
    with session_factory(engine)() as s:
        moves = dict(s.execute(select(ClassTransition.from_class + ">" + ClassTransition.to_class,
                                      ClassTransition.loan_count).where(ClassTransition.month == dt.date(2026, 10, 1)))
                     .all())
        assert moves == {"special_mention>substandard": 1, "normal>normal": 1}
        assert s.scalar(select(func.count()).select_from(ImportBatch).where(ImportBatch.kind == "tape")) == 3


def test_several_files_are_sorted_and_a_refused_month_stops_the_run(engine):
    _reference(engine)
    september = (HEADER + _line("K1", "2026-09", "950.00") + _line("K2", "2026-09", "oops")).encode()
    august = (HEADER + _line("K1", "2026-08", "1000.00") + _line("K2", "2026-08", "300.00")).encode()
    october = (HEADER + _line("K1", "2026-10", "900.00") + _line("K2", "2026-10", "100.00")).encode()
    months = plan([("oct.csv", october), ("sep.csv", september), ("aug.csv", august)])
    assert [m.filename for m in months] == ["aug.csv", "sep.csv", "oct.csv"]
    outcomes = list(import_history(engine, actor=system_actor(), months=months, today=TODAY))
    assert [(m.filename, r.written) for m, r in outcomes] == [("aug.csv", True), ("sep.csv", False)]
    assert list(outcomes[1][1].errors.reason) == ["error.import.bad_amount"]
    assert _months(engine) == {dt.date(2026, 8, 1): 2}


def test_an_excel_file_of_two_months_and_the_command_line(engine, tmp_path):
    _reference(engine)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    for month, balance in (("2026-09", 950.0), ("2026-08", 1000.0)):
        sheet.append(["K1", "C01", "E1", "Li Wei", dt.datetime(2025, 1, 10), dt.datetime(2027, 1, 10), 5000, month,
                      balance, 0, 0, "normal"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "two-months.xlsx"
    path.write_bytes(buffer.getvalue())
    url = engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "scripts/import_data.py", "tape", str(path), "--url", url], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[1/2] two-months.xlsx 2026-08" in done.stdout and "[2/2] two-months.xlsx 2026-09" in done.stdout
    assert _months(engine) == {dt.date(2026, 8, 1): 1, dt.date(2026, 9, 1): 1}
    usage = subprocess.run([sys.executable, "scripts/import_data.py", "officers", str(path), "--month", "2026-08"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "--month applies to tapes only" in usage.stderr
