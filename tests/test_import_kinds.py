"""Every kind of record imported from hand-made files, in English and Spanish, on SQLite and PostgreSQL.

The union of the files below: cooperatives C01 and C02; villages V01, V02 (C01) and V03 (C02); officers E1, E2
(C01) and E3 (C02, no longer active). The September 2026 tape holds four loans:

    K1  C01 E1  Li Wei     B1  V01 poor  8,000.00  normal
    K2  C01 E1  Li Wei     B1  V01       5,000.00  substandard (120 days)
    K3  C01 E2  Zhang Min  B2  V02       3,000.00  normal, refinances K2
    K4  C02 E3  Chen Jing  B1  V03      20,000.00  loss (400 days), 500.00 written off

so B1 is one borrower with two loans in C01 and another person in C02 (borrower ids are per cooperative).
Then assignment A1 (K2 to E2), A2 (K4 to E3); actions X1 (K2, direct, 1,000.00, under A1, so by E2) and X2 (K4,
village funds, 2,000.00, under A2); legal case L1 on K4 (claim 25,000.00, above the balance); asset F1 from K4.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from data.db import session_factory, transaction
from data.importer import import_tape, system_actor
from data.importer.records import import_records
from data.models import (Assignment, AuditLog, Borrower, CollectionAction, Cooperative, ForeclosedAsset, LegalCase,
                         Loan, LoanMonth, Officer, Village)
from domain.scope import Actor, Scope

TODAY = dt.date(2026, 11, 30)
SEP = dt.date(2026, 9, 1)

FILES = {
    "cooperatives": "cooperative_code,name\nC01,Qinghe RCC\nC02,Dongli RCC\n",
    "villages": "codigo_aldea;nombre;codigo_cooperativa\nV01;Dongwang;C01\nV02;Xiwang;C01\nV03;Nanli;C02\n",
    "officers": "Employee No,Name,Cooperative,Active\nE1,Wang Fang,C01,yes\nE2,Li Na,C01,sí\nE3,Zhao Lei,C02,no\n",
    "assignments": ("id,contract_no,employee_no,assigned_on,target,deadline,outcome,closed_on\n"
                    "A1,K2,E2,2026-09-05,\"5,000.00\",2027-03-05,open,\n"
                    "A2,K4,E3,2026-09-10,20000,2027-01-10,Abierta,\n"),
    "actions": ("id;numero_contrato;metodo;fecha_accion;recuperado;costo;resultado;nota;numero_empleado;fuente_aldea\n"
                "X1;K2;Directo;20/09/2026;1.000,00;50,00;;visit;;\n"
                "X2;K4;Coordinado con la aldea;2026-09-25;2.000,00;;Pagado en parte;meeting;;Fondos de la aldea\n"),
    "legal_cases": ("id,contract_no,court,filed_on,claim,stage,costs,recovered\n"
                    "L1,K4,County People's Court,2026-09-12,25000.00,filed,300.00,0\n"),
    "assets": ("id,contract_no,asset_type,on_balance_sheet,acquired_on,book_value,appraisal,status,disposal_method,"
               "disposed_on,proceeds,disposal_cost,lease_income\nF1,K4,building,yes,2026-09-15,15000.00,12000.00,,,,,,\n"),
}
TAPE = ("contract_no,cooperative_code,officer_employee_no,borrower_name,issue_date,maturity_date,principal,month,"
        "outstanding,overdue,days_past_due,loan_class,borrower_id,village_code,poor_household,refinances_contract,"
        "written_off\n"
        "K1,C01,E1,Li Wei,2025-03-01,2027-03-01,10000.00,2026-09,8000.00,0,0,normal,B1,V01,yes,,\n"
        "K2,C01,E1,Li Wei,2025-06-01,2027-06-01,6000.00,2026-09,5000.00,1000.00,120,substandard,B1,V01,,,\n"
        "K3,C01,E2,Zhang Min,2026-08-01,2028-08-01,3000.00,2026-09,3000.00,0,0,normal,B2,V02,no,K2,\n"
        "K4,C02,E3,Chen Jing,2024-01-10,2026-01-10,30000.00,2026-09,20000.00,20000.00,400,loss,B1,V03,,,500.00\n")
ORDER = ("cooperatives", "villages", "officers", "tape", "assignments", "actions", "legal_cases", "assets")


def _import(engine, kind: str, text: str, actor: Actor | None = None, **options):
    data = text.encode("utf-8")
    with transaction(engine) as s:
        if kind == "tape":
            return import_tape(s, actor=actor or system_actor(), data=data, filename="tape.csv", today=TODAY,
                               **options)
        return import_records(s, actor=actor or system_actor(), kind=kind, data=data, filename=f"{kind}.csv",
                              today=TODAY, **options)


def _all(engine) -> dict[str, object]:
    results = {}
    for kind in ORDER:
        results[kind] = _import(engine, kind, TAPE if kind == "tape" else FILES[kind])
        assert results[kind].ok and results[kind].written, (kind, results[kind].errors)
    return results


def test_a_union_is_built_from_its_own_files(engine):
    results = _all(engine)
    assert {k: (r.counts.get("created"), r.counts.get("updated")) for k, r in results.items() if k != "tape"} == {
        "cooperatives": (2, 0), "villages": (3, 0), "officers": (3, 0), "assignments": (2, 0), "actions": (2, 0),
        "legal_cases": (1, 0), "assets": (1, 0)}
    assert (results["tape"].counts["loans_created"], results["tape"].counts["borrowers_created"]) == (4, 3)
    with session_factory(engine)() as s:
        loan = {c: s.scalar(select(Loan).where(Loan.contract_no == c)) for c in ("K1", "K2", "K3", "K4")}
        assert loan["K1"].borrower_id == loan["K2"].borrower_id != loan["K4"].borrower_id
        b1 = s.get(Borrower, loan["K1"].borrower_id)
        assert (b1.source_id, b1.name, b1.poor_household) == ("B1", "Li Wei", True)
        assert s.get(Village, b1.village_id).code == "V01"
        assert s.get(Borrower, loan["K4"].borrower_id).source_id == "B1"
        assert loan["K3"].refinances_loan_id == loan["K2"].id
        written_off = s.scalar(select(LoanMonth.written_off_cents).where(LoanMonth.loan_id == loan["K4"].id))
        assert written_off == 50_000
        officers = dict(s.execute(select(Officer.id, Officer.employee_no)).all())
        assert {o.employee_no: o.active for o in s.scalars(select(Officer))} == {"E1": True, "E2": True, "E3": False}
        a1 = s.scalar(select(Assignment).where(Assignment.source_id == "A1"))
        assert (officers[a1.officer_id], a1.target_cents, a1.outcome) == ("E2", 500_000, "open")
        x1 = s.scalar(select(CollectionAction).where(CollectionAction.source_id == "X1"))
        assert (x1.assignment_id, officers[x1.officer_id], x1.recovered_cents, x1.cost_cents, x1.outcome) == (
            a1.id, "E2", 100_000, 5_000, "paid_partial")
        x2 = s.scalar(select(CollectionAction).where(CollectionAction.source_id == "X2"))
        assert (x2.method, x2.village_source, officers[x2.officer_id]) == ("village", "village_funds", "E3")
        case = s.scalar(select(LegalCase))
        assert (case.claim_cents, case.stage, case.costs_cents) == (2_500_000, "filed", 30_000)
        asset = s.scalar(select(ForeclosedAsset))
        assert (asset.asset_type, asset.on_balance_sheet, asset.book_value_cents, asset.status) == (
            "building", True, 1_500_000, "pending")
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action.like("import.%"))) == 8


def test_importing_every_file_again_changes_nothing(engine):
    _all(engine)
    for kind in ORDER:
        again = _import(engine, kind, TAPE if kind == "tape" else FILES[kind])
        assert again.written
        if kind == "tape":
            assert (again.counts["loans_created"], again.counts["loans_updated"], again.counts["borrowers_created"],
                    again.counts["borrowers_updated"]) == (0, 0, 0, 0)
        else:
            assert (again.counts["created"], again.counts["updated"]) == (0, 0), kind


def test_a_changed_record_is_updated_not_duplicated(engine):
    _all(engine)
    result = _import(engine, "actions", FILES["actions"].replace("1.000,00", "1.500,00"))
    assert (result.counts["created"], result.counts["updated"]) == (0, 1)
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(CollectionAction)) == 2
        assert s.scalar(select(CollectionAction.recovered_cents).where(CollectionAction.source_id == "X1")) == 150_000


BAD = {  # kind -> (text, [(row, field, reason)])
    "assignments": ("id,contract_no,employee_no,assigned_on,target,deadline\n"
                    "A9,K404,E1,2026-09-01,100,2026-12-01\n"
                    "A8,K1,E3,2026-09-01,100,2026-12-01\n"
                    "A7,K1,E1,2026-09-01,0,2026-08-01\n"
                    "A7,K1,E1,2027-01-01,100,2027-02-01\n",
                    [(2, "contract_no", "unknown_contract"), (3, "employee_no", "officer_other_cooperative"),
                     (4, "deadline", "deadline_before_assignment"), (4, "target", "not_positive"),
                     (5, "assigned_on", "future_date"), (5, "id", "duplicate_key")]),
    "actions": ("id,contract_no,method,action_date,recovered,village_source\n"
                "X9,K1,telepathy,2026-09-01,10,\n"
                "X8,K1,direct,2025-01-01,10,subsidy\n",
                [(2, "method", "unknown_method"), (3, "action_date", "before_loan"),
                 (3, "village_source", "village_source_without_village")]),
    "assets": ("id,contract_no,asset_type,on_balance_sheet,acquired_on,book_value,status,disposed_on\n"
               "F9,K4,building,maybe,2026-09-15,100,disposed,\n",
               [(2, "disposed_on", "disposed_on_with_status"), (2, "on_balance_sheet", "bad_yes_no")]),
    "villages": ("village_code,name,cooperative_code\nV03,Moved,C01\nbad code,X,C01\n",
                 [(2, "village_code", "village_other_cooperative"), (3, "village_code", "code_format")]),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_rows_are_reported_and_nothing_is_written(engine, kind):
    _all(engine)
    with session_factory(engine)() as s:
        before = {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                  for m in (Assignment, CollectionAction, ForeclosedAsset, Village, AuditLog)}
    text, expected = BAD[kind]
    result = _import(engine, kind, text)
    assert not result.written
    assert sorted(zip(result.errors.row, result.errors.field, result.errors.reason)) == sorted(
        (r, f, f"error.import.{reason}") for r, f, reason in expected)
    with session_factory(engine)() as s:
        assert before == {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                          for m in (Assignment, CollectionAction, ForeclosedAsset, Village, AuditLog)}


def test_a_scoped_admin_imports_only_inside_their_cooperative(engine):
    _all(engine)
    with session_factory(engine)() as s:
        c01 = s.scalar(select(Cooperative.id).where(Cooperative.code == "C01"))
    admin_c01 = Actor(user_id=None, username="admin_c01", role="admin", scope=Scope.cooperative(c01))
    result = _import(engine, "officers", "employee_no,name,cooperative_code\nE7,New,C02\nE8,Other,C09\n", admin_c01)
    assert list(result.errors.reason) == ["error.import.cooperative_out_of_scope"] * 2
    result = _import(engine, "actions", "id,contract_no,method,action_date,recovered\nX7,K4,direct,2026-10-01,5\n",
                     admin_c01)
    assert list(result.errors.reason) == ["error.import.unknown_contract"]
    result = _import(engine, "cooperatives", "cooperative_code,name\nC03,New one\n", admin_c01)
    assert list(result.errors.reason) == ["error.import.cooperative_out_of_scope"]
    assert _import(engine, "officers", "employee_no,name,cooperative_code\nE7,New,C01\n", admin_c01).written


def test_the_tapes_new_columns_are_checked(engine):
    for kind in ORDER[:3]:
        _import(engine, kind, FILES[kind])
    bad = TAPE.replace("B2,V02,no,K2,", "B2,V03,no,K9,").replace("B1,V03,,,500.00", "B1,V03,,K4,-5.00")
    result = _import(engine, "tape", bad)
    assert sorted(zip(result.errors.row, result.errors.field, result.errors.reason)) == [
        (4, "refinances_contract", "error.import.unknown_refinanced_contract"),
        (4, "village_code", "error.import.village_other_cooperative"),
        (5, "refinances_contract", "error.import.refinances_itself"),
        (5, "written_off", "error.import.negative")]


def test_a_loan_refinancing_one_of_an_earlier_month_is_linked(engine):
    for kind in ORDER[:4]:
        assert _import(engine, kind, TAPE if kind == "tape" else FILES[kind]).written
    october = ("contract_no,cooperative_code,officer_employee_no,borrower_name,issue_date,maturity_date,principal,"
               "month,outstanding,overdue,days_past_due,loan_class,refinances_contract\n"
               "K5,C01,E1,Li Wei,2026-10-02,2027-10-02,6000.00,2026-10,6000.00,0,0,normal,K2\n")
    result = _import(engine, "tape", october, allow_shrink=True)  # K1..K4 not in October's file: they close
    assert result.written, result.errors
    with session_factory(engine)() as s:
        k2, k5 = (s.scalar(select(Loan.id).where(Loan.contract_no == c)) for c in ("K2", "K5"))
        assert s.scalar(select(Loan.refinances_loan_id).where(Loan.id == k5)) == k2

