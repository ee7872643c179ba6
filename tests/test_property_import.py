"""Property tests for the loan-tape importer: every accepted format reads back exactly, hostile files are refused
cleanly and write nothing.

Why: the monthly tape feeds every figure of the dashboard, arrives from another system, and is uploaded by hand:
a cell read wrongly changes a balance silently, and a file that crashes the importer half-way (instead of being
refused with a report) leaves the admin with a traceback. Each property runs the parsers of ``data/importer.py``,
or a whole import, on generated input and checks:

* the cell parsers: any cents value written in every accepted amount format (decimal point or comma, thousands
  separators ``,`` ``.`` space, no-break space or apostrophe, currency symbols and codes before or after,
  ``-`` or parentheses) reads back to the same cents, also through the fast path the importer takes for the
  common shapes; every valid date in every accepted date format reads back equal, and impossible dates and
  months are refused; anything else (any text, bytes, numbers from -1e308 to 1e308, NaN, 5,000-digit strings,
  dates, times) gives a value or ``CellError``, never another exception;
* a whole file of hostile bytes (random, a valid CSV or XLSX truncated or with bytes flipped, UTF-16/UTF-32/
  Latin-1 text, NUL anywhere, 200,000-character cells, 5,000-digit amounts, formula-like ``=cmd|...`` cells,
  HTML and SQL) is either imported correctly or refused with ``ImportFileError`` / ``ValidationError`` or a
  report, and a refused file leaves every table's row count unchanged with no audit row;
* a generated valid tape (1-8 random loans in random formats: CSV with ``,`` ``;`` or tab, UTF-8 or
  Windows-1252, or XLSX with text or native cells; English, Spanish or shuffled headers) imports exactly: the
  rows, loans and borrowers counted, every amount, date, code and name read back equal to the input, and one
  audit row; importing the same file again changes no row of any table but adds its one audit row.

Fixture world (hand-made, once per test): cooperatives C1 (officers A1, A2) and C2 (officer B1); the tape month is
February 2025. Each example runs its import in its own transaction and uses new contract numbers, so examples
only add loans; the month's rows are replaced by each valid tape, as the importer promises.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context, event
from openpyxl import Workbook
from sqlalchemy import func, select

from data.db import transaction
from data.errors import ValidationError
from data.templates.tape import BY_NAME, COLUMNS
from data.templates import CLASS_ALIASES
from data.importer import (CellError, ImportFileError, _fast_amount, import_tape, parse_amount, parse_date,
                           parse_integer, parse_month, parse_rate, parse_text, system_actor)
from data.models import AuditLog, Base, Borrower, Cooperative, Loan, LoanMonth, Officer
from domain.inputs import MAX_AMOUNT_CENTS
from domain.months import month_end
from tests import factory as f

MONTH = dt.date(2025, 2, 1)
PROPS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                        HealthCheck.data_too_large])
#: a whole import costs a few transactions: fewer generated tapes; hostile files are mostly refused early
TAPE_PROPS = settings(PROPS, max_examples=60)
FILE_PROPS = settings(PROPS, max_examples=120)
HOSTILE = [
    "'; DROP TABLE loan;--",
    "Robert'); DELETE FROM audit_log WHERE 1=1;--",
    "<script>alert(1)</script><b>x</b>",
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://example.invalid\",\"x\")",
    "+SUM(A1:A9)",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\u202egnp.exe\u202c",
    "\u4e2d\u6587 \u00f1and\u00fa e\u0301",
    "%s {0} $1 \\n \\x00",
]
#: makes contract numbers new in every example; fixed width, so a replayed example's file keeps its length
_serial = itertools.count(1)


def _event(text: str) -> None:
    """Label the example for --hypothesis-show-statistics (how many inputs were accepted vs refused)."""
    if currently_in_test_context():
        event(text)


# ------------------------------------------------------------------------------------------------ amounts
CURRENCY_BEFORE = ["", "¥", "$", "€", "£", "元", "USD ", "EUR", "¥ "]
CURRENCY_AFTER = ["", " EUR", "€", " CNY", "元"]
THOUSANDS_SPACES = [" ", "\u00a0", "\u202f"]


def _groups(units: int, separator: str) -> str:
    return f"{units:,}".replace(",", separator)


@st.composite
def written_amounts(draw, max_cents: int = 10**15):
    """(text, decimal mark to state or None, cents): one amount written the way a spreadsheet or a person might."""
    cents = draw(st.integers(min_value=0, max_value=max_cents))
    units, fraction = divmod(cents, 100)
    style = draw(st.sampled_from(["point", "comma", "grouped_point", "grouped_comma", "spaced_comma",
                                  "apostrophe_point", "whole", "one_decimal", "grouped_whole_stated"]))
    decimal = None
    if style == "point":
        text = f"{units}.{fraction:02d}"
    elif style == "comma":
        text = f"{units},{fraction:02d}"
    elif style == "grouped_point":
        text = f"{_groups(units, ',')}.{fraction:02d}"
    elif style == "grouped_comma":
        text = f"{_groups(units, '.')},{fraction:02d}"
    elif style == "spaced_comma":
        text = f"{_groups(units, draw(st.sampled_from(THOUSANDS_SPACES)))},{fraction:02d}"
    elif style == "apostrophe_point":
        text = f"{_groups(units, chr(39))}.{fraction:02d}"
    elif style == "whole":
        cents = units * 100
        text = str(units)
    elif style == "one_decimal":
        cents = cents - cents % 10
        text = f"{units}.{cents % 100 // 10}"
    else:  # '1,234' is ambiguous unless the decimal mark is stated
        cents = units * 100
        decimal = draw(st.sampled_from([".", ","]))
        text = _groups(units, "," if decimal == "." else ".")
    if decimal is None and draw(st.booleans()):  # stating the mark the text uses changes nothing
        decimal = {"point": ".", "comma": ",", "grouped_point": ".", "grouped_comma": ",", "spaced_comma": ",",
                   "apostrophe_point": ".", "whole": draw(st.sampled_from([".", ","])),
                   "one_decimal": "."}[style]
    text = draw(st.sampled_from(CURRENCY_BEFORE)) + text + draw(st.sampled_from(CURRENCY_AFTER))
    negative = draw(st.sampled_from([None, "-", "()"]))
    if negative == "-":
        text, cents = "-" + text, -cents
    elif negative == "()":
        text, cents = f"({text})", -cents
    padding = draw(st.sampled_from(["", " ", "  ", "\t"]))
    return padding + text + padding, decimal, cents


@PROPS
@given(written=written_amounts())
def test_amount_in_every_accepted_format_reads_back_to_the_same_cents(written):
    text, decimal, cents = written
    assert parse_amount(text, decimal) == cents, (text, decimal)


@PROPS
@given(cents=st.integers(min_value=-10**15, max_value=10**15))
def test_native_spreadsheet_numbers_read_back_to_the_same_cents(cents):
    """Excel hands over ints and floats (a float carries the binary noise of 0.1 + 0.2 and is still exact)."""
    assert parse_amount(cents // 100 if cents % 100 == 0 else cents / 100) == cents
    assert parse_amount(Decimal(cents) / 100) == cents


@PROPS
@given(text=st.text(alphabet="0123456789.,", min_size=1, max_size=16), decimal=st.sampled_from([None, ".", ","]))
def test_the_fast_path_agrees_with_the_full_parser(text, decimal):
    """The importer reads common shapes with a quick regular expression; it must never read them differently."""
    fast = _fast_amount(text, decimal)
    try:
        full = parse_amount(text, decimal)
    except CellError as refusal:
        assert fast is None, (text, decimal, fast, refusal.reason)
        return
    assert fast in (None, full), (text, decimal)


@PROPS
@given(text=st.text(alphabet="0123456789", min_size=2, max_size=8), separator=st.sampled_from([".", ","]),
       fraction=st.text(alphabet="0123456789", min_size=3, max_size=6))
def test_more_than_two_decimals_or_one_ambiguous_separator_is_refused(text, separator, fraction):
    written = f"{text}{separator}{fraction}"
    with pytest.raises(CellError) as refused:
        parse_amount(written)
    assert refused.value.reason == ("amount_ambiguous" if len(fraction) == 3 else "amount_precision"), written


# ------------------------------------------------------------------------------------------------ anything
_any_text = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
    st.sampled_from(HOSTILE + ["", " ", "nan", "inf", "-", "()", "1e5", "0x10", "1_000", "١٢٣", "１２３", "²",
                               "½", "1.2.3", ",,", "..", "¥", "(¥)", "EUR", "- 5", "--5", "((5))", "5-", "%",
                               "2025-02-30", "31/02/2025", "0000-01-01", "2025-13", "2025-00", "9999-12-31"]),
    st.builds(lambda digits, n: digits * n, st.sampled_from(["9", "12", "1,", "0."]), st.integers(1500, 6000)),
    st.text(alphabet="0123456789,.", min_size=20, max_size=400))
anything = st.one_of(
    _any_text, st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(), st.dates(), st.datetimes(), st.times(), st.timedeltas())


@PROPS
@given(value=anything, decimal=st.sampled_from([None, ".", ","]))
def test_every_parser_returns_a_value_or_a_cell_error_only(value, decimal):
    """Any cell of any type: a value of the right type, or CellError (which the report turns into a line)."""
    for parse, kind in ((lambda v: parse_amount(v, decimal), int), (parse_integer, int),
                        (lambda v: parse_rate(v, decimal), int), (parse_date, dt.date), (parse_month, dt.date),
                        (parse_text, str)):
        try:
            result = parse(value)
        except CellError as refusal:
            assert refusal.reason.isidentifier()
            _event(f"refused: {refusal.reason}")
            continue
        assert isinstance(result, kind) and not isinstance(result, bool), (value, result)


# ------------------------------------------------------------------------------------------------ dates
any_date = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@st.composite
def written_dates(draw):
    """(cell, date): a date as ISO (padded or not, with a midnight time), day first, or a native Excel value."""
    day = draw(any_date)
    style = draw(st.sampled_from(["iso", "iso_short", "iso_midnight", "dmy", "dmy_short", "datetime", "date"]))
    y, m, d = f"{day.year:04d}", day.month, day.day
    cell = {"iso": f"{y}-{m:02d}-{d:02d}", "iso_short": f"{y}-{m}-{d}",
            "iso_midnight": f"{y}-{m:02d}-{d:02d}" + draw(st.sampled_from([" 00:00", "T00:00", " 00:00:00",
                                                                          "T00:00:00.000"])),
            "dmy": f"{d:02d}/{m:02d}/{y}", "dmy_short": f"{d}/{m}/{y}",
            "datetime": dt.datetime.combine(day, dt.time(0)), "date": day}[style]
    if isinstance(cell, str):
        cell = draw(st.sampled_from(["", " "])) + cell + draw(st.sampled_from(["", " ", "\t"]))
    return cell, day


@PROPS
@given(written=written_dates())
def test_every_valid_date_in_every_accepted_format_reads_back_equal(written):
    cell, day = written
    assert parse_date(cell) == day
    assert parse_month(cell) == day.replace(day=1)


@PROPS
@given(year=st.integers(min_value=1, max_value=9999), month=st.integers(min_value=0, max_value=99),
       day=st.integers(min_value=0, max_value=99), iso=st.booleans())
def test_impossible_dates_are_refused(year, month, day, iso):
    try:
        dt.date(year, month, day)
    except ValueError:
        pass
    else:
        assume(False)
    cell = f"{year:04d}-{month:02d}-{day:02d}" if iso else f"{day:02d}/{month:02d}/{year:04d}"
    with pytest.raises(CellError) as refused:
        parse_date(cell)
    assert refused.value.reason == "bad_date"


@PROPS
@given(day=any_date.map(lambda d: d.replace(day=13 + d.day % 16)))
def test_month_first_us_dates_with_a_day_above_12_are_refused(day):
    with pytest.raises(CellError):
        parse_date(f"{day.month:02d}/{day.day:02d}/{day.year:04d}")


@PROPS
@given(day=any_date, seconds=st.integers(min_value=1, max_value=86_399))
def test_a_date_with_a_time_of_day_is_refused(day, seconds):
    with pytest.raises(CellError):
        parse_date(dt.datetime.combine(day, dt.time(0)) + dt.timedelta(seconds=seconds))


@PROPS
@given(year=st.integers(min_value=1, max_value=9999), month=st.integers(min_value=0, max_value=99))
def test_months_read_back_or_are_refused(year, month):
    cell = f"{year:04d}-{month:02d}"
    if 1 <= month <= 12:
        assert parse_month(cell) == dt.date(year, month, 1)
    else:
        with pytest.raises(CellError) as refused:
            parse_month(cell)
        assert refused.value.reason == "bad_month"


# ------------------------------------------------------------------------------------------------ database
@pytest.fixture
def world(engine):
    with transaction(engine) as s:
        c1, c2 = f.cooperative(s, "C1"), f.cooperative(s, "C2")
        officers = {"C1": [f.officer(s, c1, "A1").employee_no, f.officer(s, c1, "A2").employee_no],
                    "C2": [f.officer(s, c2, "B1").employee_no]}
    return engine, officers


def counts(engine) -> dict[str, int]:
    """Row count of every table (the derived aggregates included, the read cache's table versions apart: every
    commit moves those): the 'nothing written' check."""
    with transaction(engine) as s:
        return {t.name: int(s.scalar(select(func.count()).select_from(t))) for t in Base.metadata.sorted_tables
                if t.name != "table_version"}


def snapshot(engine) -> dict[str, list]:
    """Every row of every table but the audit log and the imports' own record (data.importer.batches), without
    surrogate ids (a replaced month's rows may get new ones), as sorted lists: equal snapshots mean the import
    changed nothing."""
    with transaction(engine) as s:
        out = {}
        for table in Base.metadata.sorted_tables:
            if table.name in ("audit_log", "table_version") or table.name.startswith("import_"):
                continue
            columns = [c for c in table.columns if c.name != "id"]
            out[table.name] = sorted((tuple(row) for row in s.execute(select(*columns))), key=repr)
        return out


def run_import(engine, data: bytes, filename: str, month: dt.date | None, decimal: str | None = None):
    """Import in its own transaction: ('written' | 'refused', result or error)."""
    try:
        with transaction(engine) as s:
            result = import_tape(s, actor=system_actor(), data=data, filename=filename, month=month,
                                 decimal=decimal, allow_shrink=True)  # generated tapes may leave out any loan
    except ImportFileError as refusal:
        assert refusal.key.startswith("error.import."), refusal.key
        _event(f"file refused: {refusal.key}")
        return "refused", refusal
    except ValidationError as refusal:
        assert refusal.key.startswith("error."), refusal.key
        _event(f"refused: {refusal.key}")
        return "refused", refusal
    if not result.ok:
        assert not result.written
        _event("reported: " + ", ".join(sorted(set(result.errors.reason))))
        return "refused", result
    assert result.written
    _event("imported")
    return "written", result


# ------------------------------------------------------------------------------------------------ tapes
# the columns every tape has; the optional ones a union's own system adds have their own tests (test_import_kinds)
HEADER = [c.name for c in COLUMNS[:16]]
KINDS = {"household": ["household", "Household", "hogar", "familia"], "enterprise": ["enterprise", "EMPRESA"]}
#: what a spreadsheet cell can hold (XML forbids control characters and non-characters)
_name_chars = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp"))
names = st.one_of(st.sampled_from(HOSTILE),
                  st.text(alphabet=_name_chars, min_size=1, max_size=40).filter(lambda s: s.strip()),
                  st.text(alphabet=_name_chars, min_size=1, max_size=3).map(lambda s: s * 40)
                  .filter(lambda s: s.strip() and len(s.strip()) <= 120))


@st.composite
def loan_rows(draw, officers: dict[str, list[str]], prefix: str, number: int) -> dict:
    """One valid row as values (amounts in cents, dates as dates): consistent arrears, class and dates."""
    coop = draw(st.sampled_from(sorted(officers)))
    last_day = month_end(MONTH)
    issued = draw(st.dates(min_value=dt.date(2010, 1, 1), max_value=last_day))
    outstanding = draw(st.integers(min_value=0, max_value=MAX_AMOUNT_CENTS))
    overdue = draw(st.integers(min_value=0, max_value=outstanding))
    days_since = (last_day - issued).days
    if days_since < 1:
        overdue = 0
    dpd = 0 if overdue == 0 else draw(st.integers(min_value=1, max_value=min(days_since, 9_999_999)))
    loan_class = draw(st.sampled_from(sorted(set(CLASS_ALIASES.values()))))
    kind = draw(st.sampled_from(["household", "enterprise", None]))
    return {
        "contract_no": f"{prefix}-{number}" + draw(st.sampled_from(["", "/A", " ñ", "'x"])),
        "cooperative_code": coop, "officer_employee_no": draw(st.sampled_from(officers[coop])),
        "borrower_name": draw(names), "borrower_kind": kind,
        "issue_date": issued, "maturity_date": issued + dt.timedelta(days=draw(st.integers(0, 6000))),
        "principal": draw(st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS)),
        "annual_rate_pct": draw(st.one_of(st.none(), st.integers(min_value=0, max_value=10_000))),
        "purpose": draw(st.sampled_from([None, "planting", "livestock", "<b>x</b>"])),
        "guarantee_type": draw(st.sampled_from([None, "credit", "collateral"])),
        "outstanding": outstanding, "overdue": overdue, "days_past_due": dpd,
        "loan_class": loan_class, "month": MONTH,
    }


@st.composite
def tape_formats(draw) -> dict:
    return {
        "file": draw(st.sampled_from(["csv", "csv", "xlsx"])),
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        "native": draw(st.booleans()),  # xlsx: numbers and dates as Excel values rather than text
        "headers": draw(st.sampled_from(["canonical", "spanish", "shouted"])),
        "order": draw(st.permutations(range(len(HEADER)))),
        "amounts": draw(st.sampled_from(["grouped_point", "grouped_comma", "plain_point", "plain_comma"])),
        "dates": draw(st.sampled_from(["iso", "dmy", "iso_midnight"])),
        "classes": draw(st.sampled_from(["code", "alias"])),
        "month_column": draw(st.booleans()),
    }


def _amount_text(cents: int, style: str) -> str:
    units, fraction = divmod(cents, 100)
    return {"grouped_point": f"{units:,}.{fraction:02d}", "grouped_comma": f"{_groups(units, '.')},{fraction:02d}",
            "plain_point": f"{units}.{fraction:02d}", "plain_comma": f"{units},{fraction:02d}"}[style]


def _cell(name: str, value, form: dict):
    """A row value as the file holds it, in the tape's formats."""
    kind = BY_NAME[name].kind
    native = form["file"] == "xlsx" and form["native"]
    if value is None:
        return ""
    if kind in ("amount", "rate"):  # cents, and basis points (hundredths of a percent)
        return value / 100 if native else _amount_text(value, form["amounts"])
    if kind == "integer":
        return value if native else str(value)
    if kind == "date":
        if native:
            return dt.datetime.combine(value, dt.time(0))
        return {"iso": value.isoformat(), "dmy": value.strftime("%d/%m/") + f"{value.year:04d}",
                "iso_midnight": f"{value.isoformat()} 00:00:00"}[form["dates"]]
    if kind == "month":
        return value.strftime("%Y-%m")
    if kind == "class":
        spanish = {"normal": "Normal", "special_mention": "Mención especial", "substandard": "Subestándar",
                   "doubtful": "Dudoso", "loss": "Pérdida"}
        return spanish[value] if form["classes"] == "alias" else value
    if kind == "kind":
        return KINDS[value][len(value) % len(KINDS[value])]
    return value


def _xlsx(table: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for values in table:
        sheet.append(values)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # '=cmd|...' is text in the tape, not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_tape(rows: list[dict], form: dict) -> tuple[bytes, str, dt.date | None]:
    """(file bytes, file name, month to pass): the rows written in the tape's formats."""
    columns = [HEADER[i] for i in form["order"] if form["month_column"] or HEADER[i] != "month"]
    header = [{"canonical": c, "spanish": BY_NAME[c].spanish, "shouted": c.upper().replace("_", " ")}[form["headers"]]
              for c in columns]
    body = [[_cell(c, row[c], form) for c in columns] for row in rows]
    month = None if form["month_column"] else MONTH
    if form["file"] == "xlsx":
        return _xlsx([header, *body]), "tape.xlsx", month
    out = io.StringIO()
    csv.writer(out, delimiter=form["delimiter"]).writerows([header, *body])
    text = out.getvalue()
    try:
        data = text.encode(form["encoding"])
    except UnicodeEncodeError:  # a name Windows-1252 cannot hold: the system would send UTF-8
        data = text.encode("utf-8")
    if form["encoding"] == "cp1252" and _reads_as_other_utf8(data, text):
        data = text.encode("utf-8")  # e.g. 'Ã©' in Windows-1252 is valid UTF-8 for 'é': the format cannot tell
    return data, "tape.csv", month


def _reads_as_other_utf8(data: bytes, text: str) -> bool:
    try:
        return data.decode("utf-8") != text
    except UnicodeDecodeError:
        return False


@st.composite
def tapes(draw, officers: dict[str, list[str]]):
    prefix = f"P{next(_serial):07d}"
    rows = [draw(loan_rows(officers, prefix, n)) for n in range(draw(st.integers(min_value=1, max_value=8)))]
    return rows, draw(tape_formats())


@TAPE_PROPS
@given(data=st.data())
def test_a_generated_tape_imports_exactly_and_again_changes_nothing(world, data):
    engine, officers = world
    rows, form = data.draw(tapes(officers))
    content, filename, month = build_tape(rows, form)
    before = counts(engine)
    with transaction(engine) as s:  # only the file's cooperatives' rows of the month are replaced
        in_file = select(Cooperative.id).where(Cooperative.code.in_({r["cooperative_code"] for r in rows}))
        replaced = s.scalar(select(func.count()).select_from(LoanMonth).where(
            LoanMonth.month == MONTH, LoanMonth.cooperative_id.in_(in_file)))
    outcome, result = run_import(engine, content, filename, month, None)
    assert outcome == "written", getattr(result, "errors", result)
    n = len(rows)
    assert result.counts["rows"] == result.counts["loans_created"] == result.counts["borrowers_created"] == n
    assert result.counts["month_rows_replaced"] == replaced
    after = counts(engine)
    assert after["loan"] == before["loan"] + n and after["borrower"] == before["borrower"] + n
    assert after["loan_month"] == before["loan_month"] - replaced + n
    assert after["audit_log"] == before["audit_log"] + 1

    with transaction(engine) as s:
        employee = dict(s.execute(select(Officer.id, Officer.employee_no)).all())
        stored = {loan.contract_no: (loan, s.get(Borrower, loan.borrower_id)) for loan in s.scalars(
            select(Loan).where(Loan.contract_no.in_([r["contract_no"] for r in rows])))}
        months = {m.loan_id: m for m in s.scalars(select(LoanMonth).where(LoanMonth.month == MONTH,
                                                                          LoanMonth.cooperative_id.in_(in_file)))}
        assert len(months) == n
        for row in rows:
            loan, borrower = stored[row["contract_no"]]
            line = months[loan.id]
            assert (loan.principal_cents, loan.issue_date, loan.maturity_date, employee[loan.officer_id]) == (
                row["principal"], row["issue_date"], row["maturity_date"], row["officer_employee_no"])
            assert loan.rate_bp == (row["annual_rate_pct"] or 0)
            assert (loan.purpose, loan.guarantee_type) == (row["purpose"] or "other", row["guarantee_type"] or "credit")
            assert (borrower.name, borrower.kind) == (row["borrower_name"].strip(), row["borrower_kind"] or "household")
            assert (line.outstanding_cents, line.overdue_cents, line.days_past_due, line.loan_class) == (
                row["outstanding"], row["overdue"], row["days_past_due"], row["loan_class"])
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "import.loan_tape")
                          .order_by(AuditLog.id.desc())).first()
        assert audit.entity_id == MONTH.isoformat()

    first = snapshot(engine)
    outcome, again = run_import(engine, content, filename, month, None)
    assert outcome == "written"
    assert (again.counts["loans_created"], again.counts["loans_updated"], again.counts["borrowers_updated"],
            again.counts["month_rows_replaced"]) == (0, 0, 0, n)
    assert snapshot(engine) == first
    assert counts(engine)["audit_log"] == after["audit_log"] + 1


# ------------------------------------------------------------------------------------------------ hostile files
def _good_tape(officers: dict[str, list[str]], *, name: str = "Li Wei", outstanding: str = "1,000.00") -> list[list]:
    return [HEADER, [f"H{next(_serial):07d}", "C1", officers["C1"][0], name, "household", "2024-01-10", "2026-01-10",
                     "2,000.00", "6.5", "planting", "credit", "2025-02", outstanding, "0.00", "0", "normal"]]


def _csv(table: list[list], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(table)
    return out.getvalue().encode("utf-8")


def _nul_after_64_kib(officers: dict[str, list[str]]) -> bytes:
    """A tape whose first row has a 70,000-character remark (an ignored column) and whose second row's
    borrower name holds NUL."""
    table = _good_tape(officers)
    table[0].append("remarks")
    table[1].append("y" * 70_000)
    table.append(_good_tape(officers, name="Na\x00me")[1] + [""])
    return _csv(table)


@st.composite
def hostile_files(draw, officers: dict[str, list[str]]):
    """(bytes, file name, a cell text that must be stored exactly if the file is imported, or None)."""
    def share(size: int) -> int:  # a position as a share of the size: a workbook's length varies by a byte or two
        return draw(st.integers(min_value=0, max_value=10_000)) * size // 10_000

    kind = draw(st.sampled_from(["random", "truncated_csv", "truncated_xlsx", "flipped_xlsx", "encoding", "nul",
                                 "huge_cell", "huge_amount", "hostile_text", "hostile_amount", "ragged"]))
    filename = draw(st.sampled_from(["tape.csv", "tape.txt", "TAPE.CSV"]))
    expected = None
    if kind == "random":
        data = draw(st.binary(max_size=3000))
        filename = draw(st.sampled_from(["tape.csv", "tape.xlsx", "tape.xlsm", "tape.xls", "tape.pdf", "tape"]))
    elif kind == "truncated_csv":
        data = _csv(_good_tape(officers))
        data = data[:share(len(data))]
    elif kind in ("truncated_xlsx", "flipped_xlsx"):
        data = bytearray(_xlsx(_good_tape(officers)))
        if kind == "truncated_xlsx":
            data = data[:share(len(data))]
        else:
            for _ in range(draw(st.integers(min_value=1, max_value=6))):
                data[share(len(data) - 1)] = draw(st.integers(0, 255))
        data, filename = bytes(data), draw(st.sampled_from(["tape.xlsx", "tape.xlsm", "tape.csv"]))
    elif kind == "encoding":
        text = _csv(_good_tape(officers, name="Zoë Ñandú 中文")).decode("utf-8")
        data = text.encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "gb18030", "latin-1"])),
                           errors="replace")
    elif kind == "nul":
        data = bytearray(_csv(_good_tape(officers)))
        if draw(st.booleans()):  # in a name beyond the first 64 KiB (only those are looked at for NUL)
            data = bytearray(_nul_after_64_kib(officers))
        else:
            data[share(len(data) - 1)] = 0
        data = bytes(data)
    elif kind == "huge_cell":
        size = draw(st.sampled_from([121, 5_000, 131_073, 200_000]))
        data = _csv(_good_tape(officers, name="x" * size))
    elif kind == "huge_amount":
        digits = draw(st.sampled_from([11, 19, 20, 30, 400, 5_000]))
        written = draw(st.sampled_from(["9" * digits, "9" * digits + ".00", "-" + "9" * digits, "1e308"]))
        data = _csv(_good_tape(officers, outstanding=written))
    elif kind == "hostile_text":
        expected = draw(st.sampled_from(HOSTILE))
        table = _good_tape(officers, name=expected)
        data = _xlsx(table) if draw(st.booleans()) else _csv(table, draw(st.sampled_from([",", ";", "\t"])))
        filename = "tape.xlsx" if data[:2] == b"PK" else filename
        expected = expected.strip()
    elif kind == "hostile_amount":
        data = _csv(_good_tape(officers, outstanding=draw(st.one_of(st.sampled_from(HOSTILE), _any_text))))
    else:  # rows longer or shorter than the header, blank lines, a header only
        table = _good_tape(officers)
        shape = draw(st.sampled_from(["longer", "shorter", "blank_lines", "header_only"]))
        if shape == "longer":
            table[1] += ["extra", "cells"]
        elif shape == "shorter":
            table[1] = table[1][:draw(st.integers(min_value=0, max_value=len(HEADER) - 1))]
        elif shape == "blank_lines":
            table = [table[0], [], ["", ""], table[1], []]
        else:
            table = table[:1]
        data = _csv(table)
    return data, filename, expected


@FILE_PROPS
@given(data=st.data())
def test_hostile_files_import_correctly_or_are_refused_and_write_nothing(world, data):
    engine, officers = world
    content, filename, expected = data.draw(hostile_files(officers))
    month = data.draw(st.sampled_from([MONTH, None]))
    before = counts(engine)
    outcome, result = run_import(engine, content, filename, month)
    after = counts(engine)
    if outcome == "refused":
        assert after == before, f"refused but something was written: {result}"
        return
    assert after["audit_log"] == before["audit_log"] + 1
    assert after["loan"] == before["loan"] + result.counts["loans_created"]
    if expected is not None:
        with transaction(engine) as s:
            names = set(s.scalars(select(Borrower.name)))
        assert expected in names


def test_amounts_beyond_the_database_and_nul_in_text_are_reported_not_crashed(world):
    """Found by the properties above: a 20-digit amount overflowed BIGINT at insert, a 5,000-digit one broke
    int(), NUL after the first 64 KiB reached PostgreSQL, and a damaged workbook raised zlib/XML errors."""
    engine, officers = world
    before = counts(engine)
    for outstanding, reason in (("1" + "0" * 25 + ".00", "amount_too_large"), ("9" * 5_000, "bad_amount"),
                                ("100000001.00", "amount_too_large")):
        outcome, result = run_import(engine, _csv(_good_tape(officers, outstanding=outstanding)), "tape.csv", MONTH)
        assert outcome == "refused" and list(result.errors.reason) == [f"error.import.{reason}"]
    outcome, result = run_import(engine, _nul_after_64_kib(officers), "tape.csv", MONTH)
    assert outcome == "refused" and list(zip(result.errors.row, result.errors.reason)) == [
        (3, "error.import.bad_text")]
    workbook = _xlsx(_good_tape(officers))
    damaged = workbook[:len(workbook) // 2] + bytes(len(workbook) // 2)
    with pytest.raises(ImportFileError):
        with transaction(engine) as s:
            import_tape(s, actor=system_actor(), data=damaged, filename="tape.xlsx", month=MONTH)
    for hopeless in (1e307, Decimal("Infinity"), Decimal("sNaN")):
        with pytest.raises(CellError):
            parse_amount(hopeless)
    assert counts(engine) == before
