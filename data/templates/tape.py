"""The monthly loan tape's columns and a sample built from the database's own rows."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Borrower, Cooperative, Loan, LoanMonth, Officer, Village
from data.scoping import scoped
from data.templates import AMOUNT, BOOL, CODE, DATE, INTEGER, MONTH, RATE, TEXT, Column, Template
from domain.months import month_end, month_start
from domain.scope import Scope

COLUMNS: tuple[Column, ...] = (
    Column("contract_no", "numero_contrato", TEXT, True, ("contract", "contract_number", "loan_no", "contrato",
                                                          "no_contrato", "n_contrato", "no_de_contrato"), "K000123",
           limit=40),
    Column("cooperative_code", "codigo_cooperativa", TEXT, True, ("cooperative", "coop", "coop_code", "cooperativa"),
           "C01", limit=40),
    Column("officer_employee_no", "numero_empleado_oficial", TEXT, True,
           ("officer", "employee_no", "officer_no", "oficial", "empleado", "numero_empleado", "no_empleado"), "E0001",
           limit=40),
    Column("borrower_name", "nombre_prestatario", TEXT, True, ("borrower", "prestatario", "cliente", "deudor"),
           "Li Wei"),
    Column("borrower_kind", "tipo_prestatario", CODE, False, ("kind", "tipo"), "household",
           vocabulary="borrower_kind"),
    Column("issue_date", "fecha_emision", DATE, True, ("issued_on", "fecha_desembolso", "fecha_otorgamiento"),
           "2024-03-15"),
    Column("maturity_date", "fecha_vencimiento", DATE, True, ("maturity", "vencimiento"), "2026-03-15"),
    Column("principal", "principal", AMOUNT, True, ("principal_amount", "monto_otorgado", "monto", "capital"),
           "50,000.00"),
    Column("annual_rate_pct", "tasa_anual_pct", RATE, False, ("rate", "rate_pct", "tasa", "tasa_anual"), "6.5"),
    Column("purpose", "destino", TEXT, False, ("finalidad", "proposito"), "planting", limit=40),
    Column("guarantee_type", "tipo_garantia", TEXT, False, ("guarantee", "garantia"), "credit", limit=20),
    Column("month", "mes", MONTH, False, ("period", "periodo", "reporting_month", "mes_reporte"), "2026-10"),
    Column("outstanding", "saldo", AMOUNT, True, ("balance", "outstanding_balance", "saldo_pendiente",
                                                  "saldo_insoluto"), "42,318.50"),
    Column("overdue", "monto_vencido", AMOUNT, True, ("overdue_amount", "arrears", "vencido", "monto_en_mora"),
           "3,100.00"),
    Column("days_past_due", "dias_mora", INTEGER, True, ("dpd", "days_overdue", "dias_de_mora", "dias_atraso"), "45"),
    Column("loan_class", "clasificacion", CODE, True, ("class", "classification", "categoria", "clase"),
           "special_mention", vocabulary="loan_class"),
    # optional columns a core banking system can add: they feed evergreening, village coordination, support
    Column("borrower_id", "id_prestatario", TEXT, False, ("borrower_no", "customer_id", "id_cliente"), "B-00042",
           limit=40),
    Column("village_code", "codigo_aldea", TEXT, False, ("village", "aldea"), "130102-001", limit=40),
    Column("poor_household", "hogar_pobre", BOOL, False, ("poor", "pobre"), "no", vocabulary="yes_no"),
    Column("able_but_unwilling", "puede_pero_no_quiere", BOOL, False, ("unwilling",), "no", vocabulary="yes_no"),
    Column("refinances_contract", "refinancia_contrato", TEXT, False, ("refinances", "refinancia"), "", limit=40),
    Column("restructured_on", "fecha_reestructuracion", DATE, False, ("restructured", "reestructurado"), ""),
    Column("written_off", "castigado", AMOUNT, False, ("write_off", "written_off_amount", "monto_castigado"), ""),
    Column("provision", "provision_perdidas", AMOUNT, False, ("loan_loss_provision", "provisions", "provision_cartera"),
           ""),
)
TAPE = Template("tape", COLUMNS, english_file="loan-tape-template.xlsx", spanish_file="plantilla-cinta-prestamos.xlsx")
BY_NAME = TAPE.by_name
REQUIRED = TAPE.required


def _amount(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def sample_frame(session: Session, month: dt.date, *, limit: int = 200, scope: Scope | None = None) -> pd.DataFrame:
    """A filled example built from the database's own rows for ``month`` (so it imports cleanly here).

    Amounts are written with thousands separators and a decimal point, dates ISO, as the docs describe.
    ``scope`` (the viewer's) restricts the rows like every page read; None only for scripts and tests.
    """
    month = month_start(month)
    refinanced = Loan.__table__.alias("refinanced")
    stmt = (
        select(Loan.contract_no, Cooperative.code, Officer.employee_no, Borrower.name, Borrower.kind, Loan.issue_date,
               Loan.maturity_date, Loan.principal_cents, Loan.rate_bp, Loan.purpose, Loan.guarantee_type,
               LoanMonth.outstanding_cents, LoanMonth.overdue_cents, LoanMonth.days_past_due, LoanMonth.loan_class,
               Borrower.source_id, Village.code, Borrower.poor_household, Borrower.able_but_unwilling,
               refinanced.c.contract_no, Loan.restructured_on, LoanMonth.written_off_cents,
               LoanMonth.provision_cents)
        .join(Loan, Loan.id == LoanMonth.loan_id).join(Borrower, Borrower.id == Loan.borrower_id)
        .join(Officer, Officer.id == Loan.officer_id).join(Cooperative, Cooperative.id == Loan.cooperative_id)
        .outerjoin(Village, Village.id == Borrower.village_id)
        .outerjoin(refinanced, refinanced.c.id == Loan.refinances_loan_id)
        .where(LoanMonth.month == month).order_by(Loan.contract_no).limit(limit))
    if scope is not None:
        stmt = scoped(stmt, scope, cooperative_col=LoanMonth.cooperative_id, officer_col=Loan.officer_id)
    rows = session.execute(stmt).all()
    records = [{
        "contract_no": r[0], "cooperative_code": r[1], "officer_employee_no": r[2], "borrower_name": r[3],
        "borrower_kind": r[4], "issue_date": r[5].isoformat(), "maturity_date": r[6].isoformat(),
        "principal": _amount(r[7]), "annual_rate_pct": f"{r[8] / 100:.2f}", "purpose": r[9], "guarantee_type": r[10],
        "month": month.strftime("%Y-%m"), "outstanding": _amount(r[11]), "overdue": _amount(r[12]),
        "days_past_due": str(r[13]), "loan_class": r[14], "borrower_id": r[15] or "", "village_code": r[16] or "",
        "poor_household": _yes_no(r[17]), "able_but_unwilling": _yes_no(r[18]), "refinances_contract": r[19] or "",
        "restructured_on": r[20].isoformat() if r[20] and r[20] <= month_end(month) else "",
        "written_off": _amount(r[21]) if r[21] else "",
        "provision": _amount(r[22]) if r[22] is not None else ""}
        for r in rows]
    return pd.DataFrame(records, columns=[c.name for c in COLUMNS])
