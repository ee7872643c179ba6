"""The monthly board report (PDF) for a month and a scope, built from the same reads and figures as the pages.

Why here and shaped like this: the board must see the numbers the dashboard shows, so ``gather`` calls the
pages' own data/ reads and domain/ figures (nothing is recomputed another way), and ``render_pdf`` only
lays them out. Text comes in through a ``text(key, **values)`` callable and vocabulary labels through
``label(vocabulary, code)`` so this module stays free of Streamlit while the report speaks the reader's
language. Charts are drawn with fpdf2's own primitives: no browser, no kaleido.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from sqlalchemy.orm import Session

from components.format import money as format_money
from components.format import date as fmt_date
from components.format import number, share
from data import assets, decisions, flows, methods, officers, portfolio, recoveries, settings
from domain import accountability, figures, npl_flows, provisions
from domain.classes import NPL_CLASSES
from domain.months import month_end, month_start, previous_month
from domain.scope import Scope

TextFn = Callable[..., str]
LabelFn = Callable[[str, str], str]
TREND_MONTHS = 12
MOVEMENT_MONTHS = 12
TABLE_ROWS = 15
NPL_RED = (183, 28, 28)
GREY = (120, 120, 120)


@dataclass(frozen=True)
class BoardFigures:
    """Everything the report prints, each value from the function the matching page uses."""

    month: dt.date
    as_of: dt.date
    snapshot: figures.NplSnapshot
    previous: figures.NplSnapshot | None
    recovered_cents: int
    trend: pd.Series  # month -> NPL balance in cents
    officers: pd.DataFrame  # officer, cooperative, overdue, missed, behind
    officers_total: int
    methods: pd.DataFrame  # method, actions, loans_worked, recovered_cents, cost_cents
    assets: pd.DataFrame  # contract_no, cooperative, asset_type, acquired_on, book_value_cents
    assets_total: int
    decisions: pd.DataFrame  # officer, kind, status, amount_cents, effective_on
    decisions_total: int
    movement: npl_flows.Movement | None = None  # the NPL movement of the 12 months to the report month
    movement_opening: dt.date | None = None  # the month whose end the movement starts from
    coverage: provisions.Coverage | None = None


def gather(session: Session, *, scope: Scope, month: dt.date, today: dt.date | None = None) -> BoardFigures:
    """Read the month's figures; deadlines and asset limits are judged at the month's end (or today if sooner)."""
    month = month_start(month)
    last_day = month_end(month)
    as_of = min(last_day, today or dt.date.today())
    first = previous_month(month, TREND_MONTHS - 1)
    balances = portfolio.balances_by_month(session, scope=scope, first=first, last=month)
    available = set(balances.month)
    snapshot = figures.snapshot(balances, month)
    previous = figures.snapshot(balances, previous_month(month)) if previous_month(month) in available else None
    trend = figures.class_pivot(balances, classes=NPL_CLASSES).sum(axis=1).astype("int64")

    table = accountability.officer_table(
        officers.list_officer_facts(session, scope=scope, month=month),
        officers.assignments_by_status(session, scope=scope, today=as_of, month=month))
    behind = table[table.behind > 0][["officer", "cooperative", "overdue", "missed", "behind"]]

    period = dict(scope=scope, first_day=month, last_day=last_day)
    method_rows = methods.method_groups(session, **period).table
    method_rows = method_rows[method_rows.actions > 0][["method", "actions", "loans_worked", "recovered_cents",
                                                        "cost_cents"]]

    overdue_assets = assets.register(session, scope=scope, today=as_of, overdue_only=True, limit=TABLE_ROWS)
    month_decisions = decisions.history(session, scope=scope, first_day=month, last_day=last_day, limit=TABLE_ROWS)
    moving = npl_flows.movement_months(portfolio.list_months(session), previous_month(month, MOVEMENT_MONTHS), month)
    movement = None
    if moving:
        rows = flows.flow_rows(session, scope=scope, first=moving[0], last=moving[-1])
        movement = npl_flows.movement(rows[rows.month.isin(moving)])
    coverage = provisions.coverage(flows.provision_rows(session, scope=scope, month=month),
                                   settings.get(session).provision_rates())
    return BoardFigures(
        month=month, as_of=as_of, snapshot=snapshot, previous=previous,
        recovered_cents=recoveries.recovered_between(session, scope=scope, first_day=month, last_day=last_day),
        trend=trend, officers=behind.head(TABLE_ROWS).reset_index(drop=True), officers_total=len(behind),
        methods=method_rows.reset_index(drop=True),
        assets=overdue_assets[["contract_no", "cooperative", "asset_type", "acquired_on", "book_value_cents"]],
        assets_total=assets.count_register(session, scope=scope, today=as_of, overdue_only=True),
        decisions=month_decisions[["officer", "kind", "status", "amount_cents", "effective_on"]],
        decisions_total=decisions.count_history(session, scope=scope, first_day=month, last_day=last_day),
        movement=movement, movement_opening=previous_month(moving[0]) if moving else None, coverage=coverage)


# --------------------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------------------
def _latin1(value: object) -> str:
    """The core PDF fonts carry Latin-1 only; anything else becomes '?' rather than failing the report."""
    return str(value).replace("…", "...").replace("—", "-").replace("–", "-").encode(
        "latin-1", "replace").decode("latin-1")


#: where Debian's and other common packages put a font with the Chinese glyphs (the first one found is embedded);
#: NPL_CJK_FONT names another .ttf/.ttc/.otf file
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",                 # fonts-wqy-zenhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",       # fonts-noto-cjk
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",               # fonts-wqy-microhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",                   # fonts-arphic-uming
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",    # fonts-droid-fallback
)
#: languages whose text needs a font beyond the core PDF fonts' Latin-1
NEEDS_CJK_FONT = frozenset({"zh"})


class FontMissing(RuntimeError):
    """No font with Chinese glyphs is installed: the report says so instead of printing boxes or failing."""


def cjk_font() -> Path | None:
    """The first CJK font file found (NPL_CJK_FONT first), or None."""
    candidates = [os.environ.get("NPL_CJK_FONT", ""), *CJK_FONTS]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


class _Report(FPDF):
    def __init__(self, footer_text: Callable[[int], str], lang: str = "en") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)
        self.face = "Helvetica"
        self.clean: Callable[[object], str] = _latin1
        if lang in NEEDS_CJK_FONT:
            path = cjk_font()
            if path is None:
                raise FontMissing("no CJK font found: install fonts-wqy-zenhei (or fonts-noto-cjk), or set "
                                  "NPL_CJK_FONT to a .ttf/.ttc file")
            for style in ("", "B", "I"):  # one face for every style: CJK fonts rarely ship bold or italic
                self.add_font("cjk", style, str(path))
            self.face, self.clean = "cjk", str

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.face, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.clean(self._footer_text(self.page_no())), align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str) -> None:
        if self.get_y() > 250:
            self.add_page()
        self.ln(4)
        self.set_font(self.face, style="B", size=12)
        self.cell(0, 7, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.face, size=9)

    def note(self, text: str) -> None:
        self.set_font(self.face, style="I", size=9)
        self.cell(0, 6, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.face, size=9)

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float], right: set[int]) -> None:
        self.set_font(self.face, style="B", size=8)
        self.set_fill_color(235, 235, 235)
        for i, (header, width) in enumerate(zip(headers, widths)):
            self.cell(width, 6, self.clean(header), border="B", fill=True, align="R" if i in right else "L")
        self.ln()
        self.set_font(self.face, size=8)
        for row in rows:
            if self.get_y() > 275:
                self.add_page()
            for i, (value, width) in enumerate(zip(row, widths)):
                self.cell(width, 5, self.clean(value)[:60], align="R" if i in right else "L")
            self.ln()


def _kpis(pdf: _Report, data: BoardFigures, text: TextFn, symbol: str, lang: str) -> None:
    snap, prev = data.snapshot, data.previous
    change = None if prev is None else snap.npl_cents - prev.npl_cents

    def money(cents: int | None) -> str:
        return format_money(cents, symbol, lang=lang)

    cards = [(text("report.kpi.npl"), money(snap.npl_cents)),
             (text("report.kpi.change"), money(change) if change is None or change <= 0 else "+" + money(change)),
             (text("report.kpi.ratio"), share(snap.npl_ratio, 2, lang=lang)),
             (text("report.kpi.count"), number(snap.npl_count, lang=lang)),
             (text("report.kpi.old"), money(snap.old_npl_cents)),
             (text("report.kpi.new"), money(snap.new_npl_cents)),
             (text("report.kpi.recovered"), money(data.recovered_cents))]
    if data.coverage is not None:
        cards.append((text("flows.coverage.label"), share(data.coverage.ratio, 2, lang=lang)))
    width, height = 45, 16
    y = pdf.get_y()
    for index, (title, value) in enumerate(cards):
        x = pdf.l_margin + (index % 4) * (width + 1.5)
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x, y, width, height)
        pdf.set_xy(x + 2, y + 1.5)
        pdf.set_font(pdf.face, size=7)
        pdf.set_text_color(*GREY)
        pdf.cell(width - 4, 4, pdf.clean(title))
        pdf.set_xy(x + 2, y + 7)
        pdf.set_font(pdf.face, style="B", size=11)
        pdf.set_text_color(0, 0, 0)
        pdf.cell(width - 4, 6, pdf.clean(value))
        if index % 4 == 3 or index == len(cards) - 1:
            y += height + 2
            pdf.set_xy(pdf.l_margin, y)
    pdf.set_font(pdf.face, size=9)


def _trend_chart(pdf: _Report, trend: pd.Series, symbol: str, lang: str) -> None:
    """Bars of the NPL balance per month, drawn with rectangles; value above each bar, month below."""
    if trend.empty:
        return
    left, top, width, height = pdf.l_margin + 2, pdf.get_y() + 6, 176, 52
    peak = max(int(trend.max()), 1)
    slot = width / len(trend)
    bar = slot * 0.65
    pdf.set_draw_color(160, 160, 160)
    pdf.line(left, top + height, left + width, top + height)
    pdf.set_fill_color(*NPL_RED)
    pdf.set_font(pdf.face, size=6)
    for index, (month, cents) in enumerate(trend.items()):
        bar_height = height * int(cents) / peak
        x = left + index * slot + (slot - bar) / 2
        pdf.rect(x, top + height - bar_height, bar, bar_height, style="F")
        pdf.set_xy(x - 2, top + height - bar_height - 4)
        pdf.cell(bar + 4, 3.5, pdf.clean(format_money(int(cents), symbol, compact=cents >= 10**8, lang=lang)),
                 align="C")
        pdf.set_xy(x - 2, top + height + 1)
        pdf.cell(bar + 4, 3.5, month.strftime("%Y-%m"), align="C")
    pdf.set_xy(pdf.l_margin, top + height + 7)
    pdf.set_font(pdf.face, size=9)


def _movement(pdf: _Report, data: BoardFigures, text: TextFn, symbol: str, lang: str) -> None:
    """Where the NPLs went over the 12 months to the report month: each term of domain.npl_flows."""
    mv = data.movement
    if mv is None or data.movement_opening is None:
        pdf.heading(text("flows.movement.title"))
        pdf.note(text("flows.movement.need_two"))
        return
    pdf.heading(text("flows.report.heading", first=data.movement_opening.strftime("%Y-%m"),
                     last=data.month.strftime("%Y-%m")))
    values = mv.as_dict()
    rows = [[text(f"flows.term.{term}"), ("+ " if term in npl_flows.INFLOWS else "- " if term in npl_flows.OUTFLOWS
                                          else "") + format_money(values[term], symbol, lang=lang)]
            for term in npl_flows.TERMS]
    pdf.table([text("flows.report.term"), text("flows.report.amount")], rows, [90, 45], {1})


def render_pdf(data: BoardFigures, *, text: TextFn, label: LabelFn, symbol: str, scope_name: str,
               generated_at: dt.datetime | None = None, lang: str = "en") -> bytes:
    """Lay the figures out on A4 pages and return the PDF bytes; numbers in ``lang``'s form, and Chinese text in
    an embedded CJK font (FontMissing when none is installed)."""
    month_text = data.month.strftime("%Y-%m")
    pdf = _Report(lambda page: text("report.page", page=page), lang)

    def money(cents: int | None) -> str:
        return format_money(cents, symbol, lang=lang)

    def count(value: int) -> str:
        return number(value, lang=lang)

    pdf.set_title(pdf.clean(text("report.title", month=month_text)))
    pdf.set_creator("NPL oversight dashboard")
    pdf.add_page()
    pdf.set_font(pdf.face, style="B", size=16)
    pdf.cell(0, 9, pdf.clean(text("report.title", month=month_text)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.face, size=9)
    pdf.cell(0, 5, pdf.clean(text("report.scope", scope=scope_name)), new_x="LMARGIN", new_y="NEXT")
    at = (generated_at or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, pdf.clean(text("report.generated", at=at)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    pdf.heading(text("report.kpis"))
    _kpis(pdf, data, text, symbol, lang)

    pdf.heading(text("report.trend", months=len(data.trend)))
    _trend_chart(pdf, data.trend, symbol, lang)

    _movement(pdf, data, text, symbol, lang)

    pdf.heading(text("report.officers") + f" ({count(data.officers_total)})")
    if data.officers.empty:
        pdf.note(text("report.officers_none"))
    else:
        pdf.table([text("report.col.officer"), text("report.col.cooperative"), text("report.col.overdue"),
                   text("report.col.missed"), text("report.col.gap")],
                  [[r.officer, r.cooperative, count(r.overdue), count(r.missed), count(r.behind)]
                   for r in data.officers.itertuples()], [55, 55, 22, 22, 26], {2, 3, 4})

    pdf.heading(text("report.methods"))
    if data.methods.empty:
        pdf.note(text("report.methods_none"))
    else:
        pdf.table([text("report.col.method"), text("report.col.count"), text("report.col.loans"),
                   text("report.col.recovered"), text("report.col.cost")],
                  [[label("method", r.method), count(r.actions), count(r.loans_worked),
                    money(r.recovered_cents), money(r.cost_cents)]
                   for r in data.methods.itertuples()], [60, 25, 25, 35, 35], {1, 2, 3, 4})

    pdf.heading(text("report.assets") + f" ({count(data.assets_total)})")
    if data.assets.empty:
        pdf.note(text("report.assets_none"))
    else:
        pdf.table([text("report.col.asset"), text("report.col.cooperative"), text("report.col.type"),
                   text("report.col.acquired"), text("report.col.book")],
                  [[r.contract_no, r.cooperative, label("asset_type", r.asset_type), fmt_date(r.acquired_on, lang=lang),
                    money(r.book_value_cents)] for r in data.assets.itertuples()],
                  [35, 50, 35, 25, 35], {4})

    pdf.heading(text("report.decisions") + f" ({count(data.decisions_total)})")
    if data.decisions.empty:
        pdf.note(text("report.decisions_none"))
    else:
        pdf.table([text("report.col.officer"), text("report.col.kind"), text("report.col.status"),
                   text("report.col.amount"), text("report.col.date")],
                  [[r.officer, label("decision_kind", r.kind), label("decision_status", r.status),
                    money(None if pd.isna(r.amount_cents) else int(r.amount_cents)),
                    fmt_date(r.effective_on, lang=lang)] for r in data.decisions.itertuples()], [50, 45, 30, 30, 25], {3})
    return bytes(pdf.output())


def build_pdf(session: Session, *, scope: Scope, month: dt.date, text: TextFn, label: LabelFn, symbol: str,
              scope_name: str, today: dt.date | None = None, lang: str = "en") -> bytes:
    """gather + render_pdf: what the overview button and the command line call."""
    return render_pdf(gather(session, scope=scope, month=month, today=today), text=text, label=label,
                      symbol=symbol, scope_name=scope_name, lang=lang)
