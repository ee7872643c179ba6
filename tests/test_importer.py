"""The loan-tape importer on hand-made files: exact counts written, every defect refused with nothing written.

Fixture: cooperatives C1 and C2, officer A (C1), officer B (C2); loan K-OLD (C1, officer A) already has a
2025-01 row. The good tape is for 2025-02 and holds three loans:

    row  contract  coop  officer  outstanding  overdue  dpd  class
    2    K-OLD     C1    A        800.00       100.00   95   substandard   (existing loan, updated)
    3    K-NEW1    C1    A        1,500.50     0        0    normal        (new loan + borrower)
    4    K-NEW2    C2    B        2,000.00     0        0    normal        (new loan + borrower)

so after the import: 3 loans, 3 borrowers, 3 loan_month rows in 2025-02, NPL balance 80,000 cents and
gross balance 80,000 + 150,050 + 200,000 = 430,050 cents, and one audit row.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from data import portfolio
from data import settings as settings_store
from data.db import session_factory, transaction
from data.importer import CellError, ImportFileError, import_tape, parse_amount, parse_date, system_actor
from data.models import AuditLog, Borrower, ClassTransition, Loan, LoanMonth, PortfolioMonth
from domain import figures
from domain.scope import Actor, Scope
from domain.settings import Settings
from tests import factory as f

JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
HEADER = ["contract_no", "cooperative_code", "officer_employee_no", "borrower_name", "borrower_kind", "issue_date",
          "maturity_date", "principal", "annual_rate_pct", "month", "outstanding", "overdue", "days_past_due",
          "loan_class"]


@pytest.fixture
def book(engine):
    with transaction(engine) as s:
        c1, c2 = f.cooperative(s, "C1"), f.cooperative(s, "C2")
        a, b = f.officer(s, c1, "Officer A"), f.officer(s, c2, "Officer B")
        old = f.loan(s, c1, a, dt.date(2024, 1, 10), 100_000, contract="K-OLD")
        f.month_row(s, old, JAN, 90_000, "special_mention", dpd=20, overdue=5_000)
        ids = {"a": a.employee_no, "b": b.employee_no, "c1": c1.id, "c2": c2.id}
    return engine, ids


def rows(ids: dict) -> list[list[str]]:
    return [
        ["K-OLD", "C1", ids["a"], "Old Borrower", "household", "2024-01-10", "2026-01-10", "1,000.00", "6.5",
         "2025-02", "800.00", "100.00", "95", "substandard"],
        ["K-NEW1", "C1", ids["a"], "New One", "enterprise", "2024-06-01", "2026-06-01", "2,000.00", "7",
         "2025-02", "1,500.50", "0", "0", "normal"],
        ["K-NEW2", "C2", ids["b"], "New Two", "household", "2024-07-01", "2026-07-01", "3000", "", "2025-02",
         "2000", "0.00", "0", "normal"],
    ]


def csv_bytes(header: list[str], body: list[list[str]], sep: str = ",") -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=sep)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


def counts(engine) -> dict[str, int]:
    with session_factory(engine)() as s:
        return {name: s.scalar(select(func.count()).select_from(model)) for name, model in
                (("loan", Loan), ("borrower", Borrower), ("loan_month", LoanMonth), ("audit", AuditLog),
                 ("portfolio_month", PortfolioMonth))}


def run(engine, data: bytes, *, filename: str = "tape.csv", month: dt.date | None = FEB, actor=None, **kw):
    with transaction(engine) as s:
        return import_tape(s, actor=actor or system_actor(), data=data, filename=filename, month=month, **kw)


def test_good_file_is_written_with_exact_counts_aggregates_and_one_audit_row(book):
    engine, ids = book
    before = counts(engine)
    result = run(engine, csv_bytes(HEADER, rows(ids)))
    assert result.ok and result.written
    assert result.counts == {"rows": 3, "loans_created": 2, "loans_updated": 1, "borrowers_created": 2,
                             "borrowers_updated": 1, "month_rows_replaced": 0, "months_rebuilt": 1}
    after = counts(engine)
    assert after["loan"] == before["loan"] + 2 == 3
    assert after["borrower"] == before["borrower"] + 2 == 3
    assert after["loan_month"] == before["loan_month"] + 3 == 4
    assert after["audit"] == before["audit"] + 1
    with session_factory(engine)() as s:
        old = s.scalar(select(Loan).where(Loan.contract_no == "K-OLD"))
        assert (old.principal_cents, old.rate_bp) == (100_000, 650)
        new2 = s.scalar(select(Loan).where(Loan.contract_no == "K-NEW2"))
        assert (new2.principal_cents, new2.rate_bp, new2.purpose, new2.cooperative_id) == (300_000, 0, "other",
                                                                                            ids["c2"])
        feb = {r.loan_id: r for r in s.scalars(select(LoanMonth).where(LoanMonth.month == FEB))}
        assert feb[old.id].outstanding_cents == 80_000 and feb[old.id].days_past_due == 95
        balances = portfolio.balances_by_month(s, scope=Scope.union(), first=FEB, last=FEB)
        # NPL: only K-OLD (substandard) 80,000; gross 80,000 + 150,050 + 200,000 = 430,050
        assert figures.npl_balance(balances, FEB) == 80_000
        assert figures.gross_balance(balances, FEB) == 430_050
        moves = dict(s.execute(select(ClassTransition.from_class + ">" + ClassTransition.to_class,
                                      func.sum(ClassTransition.loan_count)).where(ClassTransition.month == FEB)
                               .group_by(ClassTransition.from_class, ClassTransition.to_class)).all())
        assert moves == {"special_mention>substandard": 1, "new>normal": 2}
        audit = s.scalar(select(AuditLog).where(AuditLog.action == "import.loan_tape"))
        assert audit.username == "system" and audit.entity_id == "2025-02-01"
        assert json.loads(audit.after)["rows"] == 3 and json.loads(audit.before)["loan_month_rows"] == 0


def test_reimport_replaces_the_month_exactly(book):
    engine, ids = book
    run(engine, csv_bytes(HEADER, rows(ids)))
    first = counts(engine)
    again = run(engine, csv_bytes(HEADER, rows(ids)))
    assert again.counts["month_rows_replaced"] == 3 and again.counts["loans_created"] == 0
    assert again.counts["loans_updated"] == 0 and again.counts["borrowers_updated"] == 0
    second = counts(engine)
    assert {k: v for k, v in second.items() if k != "audit"} == {k: v for k, v in first.items() if k != "audit"}
    assert second["audit"] == first["audit"] + 1
    # a third tape of C1 only, without K-NEW1 and with a new balance for K-OLD: C1's rows of the month are
    # exactly the file's (K-NEW1 closed, confirmed: 1 of C1's 2 loans left out), C2's K-NEW2 is not touched
    body = rows(ids)[:1]
    body[0][10] = "700.00"
    refused = run(engine, csv_bytes(HEADER, body))
    assert refused.ok and refused.needs_confirmation and not refused.written
    assert (refused.shrink.loans_before, refused.shrink.loans_missing) == (2, 1)
    assert refused.shrink.balance_missing_cents == 150_050 and refused.shrink.npl_missing_cents == 0
    assert counts(engine) == {**second, "audit": second["audit"]}
    run(engine, csv_bytes(HEADER, body), allow_shrink=True)
    with session_factory(engine)() as s:
        feb = dict(s.execute(select(Loan.contract_no, LoanMonth.outstanding_cents)
                             .join(Loan, Loan.id == LoanMonth.loan_id).where(LoanMonth.month == FEB)).all())
        assert feb == {"K-OLD": 70_000, "K-NEW2": 200_000}
        assert s.scalar(select(func.sum(PortfolioMonth.balance_cents)).where(PortfolioMonth.month == FEB)) == 270_000
        assert s.scalar(select(func.count()).select_from(LoanMonth).where(LoanMonth.month == JAN)) == 1


def _mutate(ids, row: int, column: str, value: str) -> bytes:
    body = rows(ids)
    body[row - 2][HEADER.index(column)] = value
    return csv_bytes(HEADER, body)


BAD_CELLS = [
    (3, "contract_no", "", "required"),
    (2, "issue_date", "2024-13-10", "bad_date"),
    (2, "issue_date", "01/10/24", "bad_date"),
    (3, "outstanding", "1,500.505", "amount_precision"),
    (3, "outstanding", "1,500", "amount_ambiguous"),
    (3, "outstanding", "12abc", "bad_amount"),
    (3, "outstanding", "-1,500.50", "negative"),
    (2, "loan_class", "excellent", "unknown_class"),
    (2, "days_past_due", "ninety", "bad_integer"),
    (2, "days_past_due", "0", "overdue_without_dpd"),
    (3, "days_past_due", "10", "dpd_without_overdue"),
    (2, "overdue", "900.00", "overdue_above_balance"),
    (2, "days_past_due", "500", "dpd_before_issue"),
    (3, "issue_date", "2025-03-01", "issued_after_month"),
    (3, "maturity_date", "2024-01-01", "maturity_before_issue"),
    (3, "cooperative_code", "C9", "unknown_cooperative"),
    (3, "officer_employee_no", "NOBODY", "unknown_officer"),
    (4, "officer_employee_no", "{a}", "officer_other_cooperative"),
    (2, "cooperative_code", "C2", "cooperative_changed"),
    (4, "contract_no", "K-NEW1", "duplicate_contract"),
    (4, "month", "2025-03", "month_mismatch"),
    (2, "annual_rate_pct", "250", "bad_rate"),
    (3, "borrower_kind", "robot", "unknown_kind"),
    (3, "principal", "0", "principal_not_positive"),
]


@pytest.mark.parametrize(("row", "column", "value", "reason"), BAD_CELLS, ids=[c[3] + f"-{c[1]}" for c in BAD_CELLS])
def test_each_bad_cell_is_reported_and_nothing_is_written(book, row, column, value, reason):
    engine, ids = book
    before = counts(engine)
    result = run(engine, _mutate(ids, row, column, value.format(**ids)))
    assert not result.ok and not result.written
    listed = set(zip(result.errors.row, result.errors.field, result.errors.reason))
    if column == "cooperative_code" and reason == "cooperative_changed":
        # moving K-OLD to C2 also makes its officer (of C1) foreign to the row's cooperative
        assert (2, "officer_employee_no", "error.import.officer_other_cooperative") in listed
    assert (row, column if reason != "dpd_before_issue" else "days_past_due", f"error.import.{reason}") in listed
    assert counts(engine) == before


def test_missing_and_duplicate_columns_are_reported_on_the_header_row(book):
    engine, ids = book
    header = [h for h in HEADER if h != "loan_class"] + ["Contrato"]
    body = [r[:HEADER.index("loan_class")] + r[HEADER.index("loan_class") + 1:] + [r[0]] for r in rows(ids)]
    before = counts(engine)
    result = run(engine, csv_bytes(header + ["remarks"], [b + ["x"] for b in body]))
    assert set(zip(result.errors.row, result.errors.field, result.errors.reason)) == {
        (1, "loan_class", "error.import.missing_column"), (1, "contract_no", "error.import.duplicate_column")}
    assert result.ignored_columns == ["remarks"]
    assert counts(engine) == before


def test_spanish_headers_semicolons_decimal_comma_and_day_first_dates(book):
    engine, ids = book
    header = ["Número Contrato", "CÓDIGO_COOPERATIVA", "oficial", "Prestatario", "tipo_prestatario",
              "Fecha Emisión", "fecha_vencimiento", "principal", "tasa", "mes", "Saldo", "monto vencido",
              "días mora", "Clasificación"]
    body = [
        ["K-OLD", "C1", ids["a"], "Old Borrower", "hogar", "10/01/2024", "10/01/2026", "1.000,00", "6,5", "2025-02",
         "800,00", "100,00", "95", "Subestándar"],
        ["K-NEW1", "C1", ids["a"], "Nuevo", "empresa", "01/06/2024", "01/06/2026", "2.000", "7", "2025-02",
         "1.500,50", "0", "0", "Normal"],
    ]
    result = run(engine, csv_bytes(header, body, sep=";"), decimal=",")
    assert result.ok, result.errors
    with session_factory(engine)() as s:
        feb = dict(s.execute(select(Loan.contract_no, LoanMonth.outstanding_cents)
                             .join(Loan, Loan.id == LoanMonth.loan_id).where(LoanMonth.month == FEB)).all())
        assert feb == {"K-OLD": 80_000, "K-NEW1": 150_050}
        new = s.scalar(select(Loan).where(Loan.contract_no == "K-NEW1"))
        assert (new.issue_date, new.principal_cents, new.rate_bp) == (dt.date(2024, 6, 1), 200_000, 700)
        assert s.get(Borrower, new.borrower_id).kind == "enterprise"


def test_chinese_headers_and_words_in_a_gbk_file(book):
    """A Chinese export (GB18030, the Chinese template's headers and class names) imports like the English one."""
    engine, ids = book
    header = ["合同号", "信用社代码", "信贷员工号", "借款人姓名", "借款人类型", "发放日期", "到期日期", "贷款本金",
              "年利率（%）", "月份", "贷款余额", "逾期金额", "逾期天数", "五级分类"]
    body = [
        ["K-OLD", "C1", ids["a"], "李伟", "农户", "2024-01-10", "2026-01-10", "1,000.00", "6.5", "2025-02",
         "800.00", "100.00", "95", "次级"],
        ["K-NEW1", "C1", ids["a"], "王芳", "企业", "2024-06-01", "2026-06-01", "2,000.00", "7", "2025-02",
         "1,500.50", "0", "0", "正常"],
    ]
    data = csv_bytes(header, body).decode("utf-8").encode("gb18030")
    result = run(engine, data, encoding="gb18030")
    assert result.ok, result.errors
    with session_factory(engine)() as s:
        feb = dict(s.execute(select(Loan.contract_no, LoanMonth.loan_class)
                             .join(Loan, Loan.id == LoanMonth.loan_id).where(LoanMonth.month == FEB)).all())
        assert feb == {"K-OLD": "substandard", "K-NEW1": "normal"}
        new = s.scalar(select(Loan).where(Loan.contract_no == "K-NEW1"))
        assert s.get(Borrower, new.borrower_id).kind == "enterprise" and s.get(Borrower, new.borrower_id).name == "王芳"


def test_excel_file_with_native_dates_and_numbers(book):
    engine, ids = book
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["K-NEW1", "C1", ids["a"], "Excel Borrower", "household", dt.datetime(2024, 6, 1),
                  dt.datetime(2026, 6, 1), 2000, 7.25, "2025-02", 1500.5, 0, 0, "normal"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(engine, buffer.getvalue(), filename="tape.xlsx", allow_shrink=True)  # K-OLD left out
    assert result.ok and result.counts["rows"] == 1
    with session_factory(engine)() as s:
        loan = s.scalar(select(Loan).where(Loan.contract_no == "K-NEW1"))
        assert (loan.principal_cents, loan.rate_bp, loan.issue_date) == (200_000, 725, dt.date(2024, 6, 1))
        assert s.scalar(select(LoanMonth.outstanding_cents).where(LoanMonth.loan_id == loan.id)) == 150_050


@pytest.mark.parametrize(("data", "filename", "key"), [
    (b"PK\x03\x04 this is not really a workbook", "tape.xlsx", "error.import.corrupt"),
    (b"\x00\x01\x02binary", "tape.csv", "error.import.corrupt"),
    (b"contract_no,month\n", "tape.csv", "error.import.empty"),
    (b"a,b\n1,2\n", "tape.xls", "error.import.file_type"),
])
def test_unreadable_files_are_refused_with_a_clear_key(book, data, filename, key):
    engine, _ = book
    before = counts(engine)
    with pytest.raises(ImportFileError) as raised:
        run(engine, data, filename=filename)
    assert raised.value.key == key
    assert counts(engine) == before


def test_oversize_file_is_refused(book):
    engine, ids = book
    with transaction(engine) as s:
        settings_store.seed(s, Settings(max_upload_mb=1))
    before = counts(engine)
    data = csv_bytes(HEADER, rows(ids)) + b"\n" * (1024 * 1024)
    with pytest.raises(ImportFileError) as raised:
        run(engine, data)
    assert raised.value.key == "error.import.too_large" and raised.value.params == {"limit_mb": 1}
    assert counts(engine) == before


def test_month_comes_from_the_file_when_not_given_and_must_be_single(book):
    engine, ids = book
    assert run(engine, csv_bytes(HEADER, rows(ids)), month=None).month == FEB
    body = rows(ids)
    body[2][HEADER.index("month")] = "2025-01"
    before = counts(engine)
    result = run(engine, csv_bytes(HEADER, body), month=None)
    assert list(zip(result.errors.row, result.errors.reason)) == [(4, "error.import.month_not_single")]
    assert counts(engine) == before


def test_dry_run_and_other_roles_write_nothing(book):
    engine, ids = book
    before = counts(engine)
    assert run(engine, csv_bytes(HEADER, rows(ids)), dry_run=True).ok
    assert counts(engine) == before
    supervisor = Actor(user_id=1, username="sup", role="supervisor", scope=Scope.union())
    with pytest.raises(PermissionError):
        run(engine, csv_bytes(HEADER, rows(ids)), actor=supervisor)
    admin_c1 = Actor(user_id=1, username="adm", role="admin", scope=Scope.cooperative(ids["c1"]))
    result = run(engine, csv_bytes(HEADER, rows(ids)), actor=admin_c1)
    # the C2 row's cooperative and its officer are both outside the C1 admin's scope, and reported as unknown
    assert list(zip(result.errors.row, result.errors.reason)) == [(4, "error.import.cooperative_out_of_scope"),
                                                                  (4, "error.import.unknown_officer")]
    assert counts(engine) == before


@pytest.mark.parametrize(("text", "decimal", "cents"), [
    ("1234", None, 123_400), ("1,234.56", None, 123_456), ("1.234,56", None, 123_456), ("1 234,5", None, 123_450),
    ("¥1,234.00", None, 123_400), ("(12.00)", None, -1_200), ("1,234", ".", 123_400), ("1.234", ",", 123_400),
    ("12,5", None, 1_250), ("1,234,567", None, 123_456_700), ("0.07", None, 7),
])
def test_amount_formats(text, decimal, cents):
    assert parse_amount(text, decimal) == cents


@pytest.mark.parametrize(("text", "decimal", "reason"), [
    ("1,234", None, "amount_ambiguous"), ("1.234", None, "amount_ambiguous"), ("1.2.3", None, "bad_amount"),
    ("5.", None, "bad_amount"), (".5", None, "bad_amount"), ("1,234.5", ",", "bad_amount"),
    ("12,34,5", None, "bad_amount"),
    ("1.001", None, "amount_ambiguous"), ("3.141", ".", "amount_precision"),
])
def test_amount_refusals(text, decimal, reason):
    with pytest.raises(CellError) as raised:
        parse_amount(text, decimal)
    assert raised.value.reason == reason


def test_date_formats():
    assert parse_date("2025-02-28") == parse_date("28/02/2025") == parse_date("2025-02-28 00:00:00")
    for bad in ("02/28/2025", "2025-02-30", "28-02-2025", "28/02/25", "2025-02-28 13:00"):
        with pytest.raises(CellError):
            parse_date(bad)


def test_command_line_dry_run_and_errors(book, tmp_path, capsys):
    engine, ids = book
    from scripts.import_data import main

    url = engine.url.render_as_string(hide_password=False)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes(HEADER, rows(ids)))
    bad.write_bytes(_mutate(ids, 3, "loan_class", "excellent"))
    before = counts(engine)
    assert main(["tape", str(good), "--month", "2025-02", "--url", url, "--dry-run"]) == 0
    assert main(["tape", str(bad), "--month", "2025-02", "--url", url]) == 1
    assert "error.import.unknown_class" in capsys.readouterr().out
    # nothing written but the refusal's own audit row (import.refused: the auditor's Today item)
    assert counts(engine) == {**before, "audit": before["audit"] + 1}
    with session_factory(engine)() as s:
        assert s.scalars(select(AuditLog.action).order_by(AuditLog.id.desc())).first() == "import.refused"
    assert main(["tape", str(good), "--month", "2025-02", "--url", url]) == 0
    assert counts(engine)["loan_month"] == before["loan_month"] + 3


def test_command_line_speaks_the_chosen_language(book, tmp_path, capsys, monkeypatch):
    """--lang (or NPL_LANG) words the output as the import page does; a reason code stays beside its text."""
    engine, ids = book
    from scripts.import_data import main

    url = engine.url.render_as_string(hide_password=False)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes(HEADER, rows(ids)))
    bad.write_bytes(_mutate(ids, 3, "loan_class", "excellent"))
    assert main(["tape", str(bad), "--month", "2025-02", "--url", url, "--dry-run", "--lang", "es"]) == 1
    out, err = capsys.readouterr()
    assert "Fila" in out and "Clase desconocida" in out and "error.import.unknown_class" in out
    assert "1 problema en 3 filas. No se escribió nada." in err
    monkeypatch.setenv("NPL_LANG", "zh")
    assert main(["tape", str(good), "--month", "2025-02", "--url", url, "--dry-run"]) == 0
    assert "2025-02 的 3 行有效，尚未写入任何内容。" in capsys.readouterr().out
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"not a workbook")
    assert main(["tape", str(corrupt), "--month", "2025-02", "--url", url, "--dry-run"]) == 1
    assert "无法读取文件" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["assets", str(good), "--month", "2025-02", "--url", url, "--lang", "es"])
    assert "--month solo se aplica a las cintas de préstamos" in capsys.readouterr().err
    assert main(["tape", str(good), "--month", "2025-02", "--url", url, "--dry-run", "--lang", "en"]) == 0
    assert "3 rows for 2025-02 are valid." in capsys.readouterr().out                    # --lang wins over NPL_LANG


def _import_section_script() -> None:
    import streamlit as st

    from components.auth import Viewer
    from components.import_views import import_section
    from domain.scope import Actor, Scope

    role = st.session_state.get("test_role", "admin")
    import_section(Viewer(actor=Actor(user_id=None, username="admin", role=role, scope=Scope.union()),
                          display_name="Admin", cooperative_id=None), key="imp")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_import_section_renders_and_asks_for_a_file(demo_db_url, lang):
    from streamlit.testing.v1 import AppTest

    from components.i18n import translate

    at = AppTest.from_function(_import_section_script, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert at.subheader[0].value == translate("import.title", lang)
    labels = [b.label for b in at.button]
    assert translate("import.validate", lang) in labels and translate("import.run", lang) in labels
    assert len(at.selectbox) == 4  # kind, month, decimal mark, text encoding
    at.button(key="imp.check").click().run()
    assert [w.value for w in at.warning] == [translate("import.need_file", lang)]


def test_a_blank_month_column_with_no_month_chosen_is_refused(book):
    engine, ids = book
    body = rows(ids)
    for row in body:
        row[HEADER.index("month")] = ""
    before = counts(engine)
    with pytest.raises(ImportFileError) as raised:
        run(engine, csv_bytes(HEADER, body), month=None)
    assert raised.value.key == "error.import.month_required"
    assert counts(engine) == before
    # a float from an Excel formula with binary noise is still an exact amount
    assert parse_amount(0.1 + 0.2) == 30 and parse_amount(1500.5) == 150_050
