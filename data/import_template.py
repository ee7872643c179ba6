"""The monthly loan tape template: its columns, their English/Spanish header aliases, and sample files.

Why one table: the importer, the empty template download, the sample download and docs/import.md all
describe the same columns; defining them once here keeps them from drifting apart. Headers in a file
are matched after ``normalize_header`` (case, accents, spaces and punctuation ignored), so
"Contract No", "contract_no" and "Nº de contrato" all find the same column.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Borrower, Cooperative, Loan, LoanMonth, Officer
from data.scoping import scoped
from domain.months import month_start
from domain.scope import Scope

TEXT, DATE, AMOUNT, INTEGER, RATE, CLASS, KIND, MONTH = "text", "date", "amount", "integer", "rate", "class", "kind", \
    "month"


@dataclass(frozen=True)
class Column:
    """One template column: its canonical (English) header, Spanish header, kind and other accepted names."""

    name: str
    spanish: str
    kind: str
    required: bool
    aliases: tuple[str, ...] = ()
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("contract_no", "numero_contrato", TEXT, True, ("contract", "contract_number", "loan_no", "contrato",
                                                          "no_contrato", "n_contrato", "no_de_contrato"), "K000123"),
    Column("cooperative_code", "codigo_cooperativa", TEXT, True, ("cooperative", "coop", "coop_code", "cooperativa"),
           "C01"),
    Column("officer_employee_no", "numero_empleado_oficial", TEXT, True,
           ("officer", "employee_no", "officer_no", "oficial", "empleado", "numero_empleado", "no_empleado"), "E0001"),
    Column("borrower_name", "nombre_prestatario", TEXT, True, ("borrower", "prestatario", "cliente", "deudor"),
           "Li Wei"),
    Column("borrower_kind", "tipo_prestatario", KIND, False, ("kind", "tipo"), "household"),
    Column("issue_date", "fecha_emision", DATE, True, ("issued_on", "fecha_desembolso", "fecha_otorgamiento"),
           "2024-03-15"),
    Column("maturity_date", "fecha_vencimiento", DATE, True, ("maturity", "vencimiento"), "2026-03-15"),
    Column("principal", "principal", AMOUNT, True, ("principal_amount", "monto_otorgado", "monto", "capital"),
           "50,000.00"),
    Column("annual_rate_pct", "tasa_anual_pct", RATE, False, ("rate", "rate_pct", "tasa", "tasa_anual"), "6.5"),
    Column("purpose", "destino", TEXT, False, ("finalidad", "proposito"), "planting"),
    Column("guarantee_type", "tipo_garantia", TEXT, False, ("guarantee", "garantia"), "credit"),
    Column("month", "mes", MONTH, False, ("period", "periodo", "reporting_month", "mes_reporte"), "2026-10"),
    Column("outstanding", "saldo", AMOUNT, True, ("balance", "outstanding_balance", "saldo_pendiente",
                                                  "saldo_insoluto"), "42,318.50"),
    Column("overdue", "monto_vencido", AMOUNT, True, ("overdue_amount", "arrears", "vencido", "monto_en_mora"),
           "3,100.00"),
    Column("days_past_due", "dias_mora", INTEGER, True, ("dpd", "days_overdue", "dias_de_mora", "dias_atraso"), "45"),
    Column("loan_class", "clasificacion", CLASS, True, ("class", "classification", "categoria", "clase"),
           "special_mention"),
)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)

#: loan_class codes and the words accepted for them (English and Spanish), normalised
CLASS_ALIASES: dict[str, str] = {
    "normal": "normal", "pass": "normal",
    "special_mention": "special_mention", "mencion_especial": "special_mention", "sm": "special_mention",
    "substandard": "substandard", "subestandar": "substandard", "sub_standard": "substandard",
    "doubtful": "doubtful", "dudoso": "doubtful", "dudosa": "doubtful",
    "loss": "loss", "perdida": "loss",
}
KIND_ALIASES: dict[str, str] = {"household": "household", "hogar": "household", "familia": "household",
                                "enterprise": "enterprise", "empresa": "enterprise"}


def normalize_header(text: object) -> str:
    """'  Nº de Contrato ' -> 'n_de_contrato': lower case, accents dropped, runs of non-letters as '_'."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS:
        for alias in (column.name, column.spanish, *column.aliases):
            key = normalize_header(alias)
            if table.get(key, column.name) != column.name:  # pragma: no cover - guards the table above
                raise ValueError(f"header alias {alias!r} used twice")
            table[key] = column.name
    return table


#: normalised header -> canonical column name (built and checked once at import)
HEADER_ALIASES: dict[str, str] = _alias_table()


def canonical(header: object) -> str | None:
    """The template column a file header stands for, or None when it is not a template column."""
    return HEADER_ALIASES.get(normalize_header(header))


def template_frame(*, spanish: bool = False) -> pd.DataFrame:
    """The empty template: the headers only, in English or Spanish."""
    return pd.DataFrame(columns=[c.spanish if spanish else c.name for c in COLUMNS])


def _amount(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def sample_frame(session: Session, month: dt.date, *, limit: int = 200, scope: Scope | None = None) -> pd.DataFrame:
    """A filled example built from the database's own rows for ``month`` (so it imports cleanly here).

    Amounts are written with thousands separators and a decimal point, dates ISO, as the docs describe.
    ``scope`` (the viewer's) restricts the rows like every page read; None only for scripts and tests.
    """
    month = month_start(month)
    stmt = (
        select(Loan.contract_no, Cooperative.code, Officer.employee_no, Borrower.name, Borrower.kind, Loan.issue_date,
               Loan.maturity_date, Loan.principal_cents, Loan.rate_bp, Loan.purpose, Loan.guarantee_type,
               LoanMonth.outstanding_cents, LoanMonth.overdue_cents, LoanMonth.days_past_due, LoanMonth.loan_class)
        .join(Loan, Loan.id == LoanMonth.loan_id).join(Borrower, Borrower.id == Loan.borrower_id)
        .join(Officer, Officer.id == Loan.officer_id).join(Cooperative, Cooperative.id == Loan.cooperative_id)
        .where(LoanMonth.month == month).order_by(Loan.contract_no).limit(limit))
    if scope is not None:
        stmt = scoped(stmt, scope, cooperative_col=LoanMonth.cooperative_id, officer_col=Loan.officer_id)
    rows = session.execute(stmt).all()
    records = [{
        "contract_no": r[0], "cooperative_code": r[1], "officer_employee_no": r[2], "borrower_name": r[3],
        "borrower_kind": r[4], "issue_date": r[5].isoformat(), "maturity_date": r[6].isoformat(),
        "principal": _amount(r[7]), "annual_rate_pct": f"{r[8] / 100:.2f}", "purpose": r[9], "guarantee_type": r[10],
        "month": month.strftime("%Y-%m"), "outstanding": _amount(r[11]), "overdue": _amount(r[12]),
        "days_past_due": str(r[13]), "loan_class": r[14]} for r in rows]
    return pd.DataFrame(records, columns=[c.name for c in COLUMNS])
