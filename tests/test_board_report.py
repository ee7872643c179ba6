"""The monthly board report: the PDF is produced, and the figures it prints are the data layer's own.

Hand-made fixture (cooperative A, cutoff 2025-01-01, symbol ¥):

    loan  issued       2025-01              2025-02
    L1    2024-03-01   substandard 100,000  loss   80,000
    L2    2025-01-05   normal      200,000  normal 190,000

plus one direct collection action on L1 on 2025-02-10 recovering 15,000 (cost 500). So for 2025-02:
NPL balance 80,000 cents (¥800), gross 270,000, NPL ratio 80,000 / 270,000 = 29.63 %, one NPL, all of
it old stock, change on the month 80,000 - 100,000 = -20,000 (-¥200), recovered ¥150.
"""
from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from components.i18n import translate
from data import board_report, portfolio, recoveries
from data import settings as settings_store
from data.db import session_factory, transaction
from domain import figures
from domain.scope import Scope
from domain.settings import Settings
from tests import factory as f

JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)


def text_en(key: str, **values: object) -> str:
    return translate(key, "en", **values)


def label_en(vocabulary: str, code: str) -> str:
    return translate(f"{vocabulary}.{code}", "en")


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def book(engine):
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=dt.date(2025, 1, 1)))
        a = f.cooperative(s, "A")
        off = f.officer(s, a, "Officer One")
        l1 = f.loan(s, a, off, dt.date(2024, 3, 1), 150_000)
        l2 = f.loan(s, a, off, dt.date(2025, 1, 5), 200_000)
        f.month_row(s, l1, JAN, 100_000, "substandard", dpd=120, overdue=30_000)
        f.month_row(s, l2, JAN, 200_000, "normal")
        f.month_row(s, l1, FEB, 80_000, "loss", dpd=400, overdue=40_000)
        f.month_row(s, l2, FEB, 190_000, "normal")
        f.action(s, l1, off, dt.date(2025, 2, 10), 15_000, cost=500)
        from data.aggregates import rebuild_all

        rebuild_all(s)
    return engine


def test_gathered_figures_are_the_data_layers(book):
    with session_factory(book)() as s:
        data = board_report.gather(s, scope=Scope.union(), month=FEB, today=dt.date(2025, 3, 15))
        balances = portfolio.balances_by_month(s, scope=Scope.union(), first=JAN, last=FEB)
        assert data.snapshot == figures.snapshot(balances, FEB)
        assert data.recovered_cents == recoveries.recovered_between(s, scope=Scope.union(), first_day=FEB,
                                                                    last_day=dt.date(2025, 2, 28))
    assert (data.snapshot.npl_cents, data.snapshot.gross_cents, data.snapshot.npl_count) == (80_000, 270_000, 1)
    assert (data.snapshot.old_npl_cents, data.snapshot.new_npl_cents) == (80_000, 0)
    assert data.previous.npl_cents == 100_000 and data.recovered_cents == 15_000
    assert data.trend.to_dict() == {JAN: 100_000, FEB: 80_000}
    assert data.as_of == dt.date(2025, 2, 28)  # judged at the month's end, not on the later 'today'
    assert list(data.methods.method) == ["direct"] and int(data.methods.recovered_cents.iloc[0]) == 15_000


def test_pdf_prints_the_month_and_the_hand_worked_figures(book):
    with session_factory(book)() as s:
        pdf = board_report.build_pdf(s, scope=Scope.union(), month=FEB, text=text_en, label=label_en, symbol="¥",
                                     scope_name="Union", today=dt.date(2025, 3, 15))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in ("Monthly board report: 2025-02", "Scope: Union", "¥800", "-¥200", "29.63%", "¥150",
                     "Direct", "2025-01", "No asset is past its disposal limit.", "No decision in the month."):
        assert expected in text, expected


def test_scope_restricts_the_report(book):
    with session_factory(book)() as s:
        empty = board_report.gather(s, scope=Scope(cooperative_ids=frozenset()), month=FEB)
    assert (empty.snapshot.npl_cents, empty.recovered_cents, len(empty.methods)) == (0, 0, 0)


def test_demo_report_in_both_languages_matches_the_overview_figures(demo_db_url, tmp_path):
    from data.db import make_engine
    from scripts.board_report import main

    engine = make_engine(demo_db_url)
    with session_factory(engine)() as s:
        month = portfolio.list_months(s)[-1]
        balances = portfolio.balances_by_month(s, scope=Scope.union(), first=month, last=month)
        npl = figures.npl_balance(balances, month)
        data = board_report.gather(s, scope=Scope.union(), month=month)
        assert data.snapshot.npl_cents == npl and not data.officers.empty and not data.methods.empty
        pdf = board_report.render_pdf(data, text=text_en, label=label_en, symbol="¥", scope_name="Union")
    engine.dispose()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = pdf_text(pdf)
    assert month.strftime("%Y-%m") in text and f"¥{npl / 100:,.0f}" in text
    out = tmp_path / "report.pdf"
    assert main(["--month", month.strftime("%Y-%m"), "--lang", "es", "--url", demo_db_url, "--out", str(out)]) == 0
    spanish = pdf_text(out.read_bytes())
    assert f"Informe mensual al consejo: {month:%Y-%m}" in spanish
    assert f"{npl / 100:,.0f} ¥".replace(",", ".") in spanish.replace("\xa0", " ")


def test_report_shows_where_the_npls_went_and_the_provision_coverage(book):
    """February: L1 was the only NPL (¥1,000 opening); ¥150 collected, the rest of its fall (¥1,000 - ¥800 -
    ¥150 = ¥50) is another change; closing ¥800. Provisions at the default rates: L1 Loss ¥800 x 100 % + L2
    Normal ¥1,900 x 1 % = ¥819, coverage ¥819 / ¥800 = 102.38 %."""
    with session_factory(book)() as s:
        data = board_report.gather(s, scope=Scope.union(), month=FEB, today=dt.date(2025, 3, 15))
        pdf = board_report.render_pdf(data, text=text_en, label=label_en, symbol="¥", scope_name="Union")
    assert data.movement_opening == JAN
    assert data.movement.as_dict() == {"opening": 100_000, "inflow_performing": 0, "inflow_new": 0,
                                       "collected": 15_000, "written_off": 0, "foreclosed": 0, "cured": 0,
                                       "other": 5_000, "closing": 80_000}
    assert data.coverage.provisions_cents == 81_900 and data.coverage.npl_cents == 80_000
    text = pdf_text(pdf)
    for expected in ("NPL movement, end of 2025-01 to end of 2025-02", "Opening NPL", "¥1,000", "Cash collected",
                     "- ¥150", "Other changes", "- ¥50", "Closing NPL", "Provision coverage", "102.38%"):
        assert expected in text, expected
    with session_factory(book)() as s:
        first = board_report.gather(s, scope=Scope.union(), month=JAN, today=dt.date(2025, 3, 15))
    assert first.movement is None  # the first month of the data has no month before it


def _in_language(lang: str):
    return (lambda key, **values: translate(key, lang, **values),
            lambda vocabulary, code: translate(f"{vocabulary}.{code}", lang))


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Monthly board report: 2025-02", "Scope: Union", "¥800", "-¥200", "29.63%", "¥150", "Direct",
            "NPL ratio", "Page 1"]),
    ("es", ["Informe mensual al consejo: 2025-02", "800 ¥", "-200 ¥", "29,63 %", "150 ¥", "Directo",
            "Página 1"]),
    ("zh", ["月度董事会报告：2025-02", "范围：全联社", "¥800", "-¥200", "29.63%", "¥150", "直接催收", "不良贷款率",
            "本月没有奖惩决定。", "第 1 页"]),
])
def test_pdf_in_each_language_prints_its_words_and_numbers(book, lang, expected):
    """The same hand-worked figures in each language's words and number forms; Chinese embeds a CJK font."""
    if lang == "zh" and board_report.cjk_font() is None:
        pytest.skip("no CJK font installed (scripts/test-setup.sh installs fonts-wqy-zenhei)")
    text, label = _in_language(lang)
    with session_factory(book)() as s:
        pdf = board_report.build_pdf(s, scope=Scope.union(), month=FEB, text=text, label=label, symbol="¥",
                                     scope_name=text("frame.union") if lang == "zh" else "Union",
                                     today=dt.date(2025, 3, 15), lang=lang)
    extracted = pdf_text(pdf).replace("\xa0", " ")
    for wanted in expected:
        assert wanted in extracted, (lang, wanted)
    fonts = {str(font) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
             for font in (page["/Resources"]["/Font"].values() if "/Font" in page["/Resources"] else [])
             for font in [font.get_object()["/BaseFont"]]}
    if lang == "zh":
        assert any("WenQuanYi" in f or "Noto" in f or "CJK" in f or "Zen" in f or "Droid" in f or "Ming" in f
                   for f in fonts), fonts
        assert "?" not in extracted.split("\n")[0]  # the title is not Latin-1 question marks
    else:
        assert fonts <= {"/Helvetica", "/Helvetica-Bold", "/Helvetica-Oblique"}, fonts


def test_chinese_report_without_a_cjk_font_says_what_to_install(book, monkeypatch, demo_db_url, tmp_path, capsys):
    monkeypatch.setattr(board_report, "cjk_font", lambda: None)
    text, label = _in_language("zh")
    with session_factory(book)() as s, pytest.raises(board_report.FontMissing):
        board_report.build_pdf(s, scope=Scope.union(), month=FEB, text=text, label=label, symbol="¥",
                               scope_name="联社", lang="zh")
    from scripts.board_report import main

    out = tmp_path / "zh.pdf"
    assert main(["--month", "2025-02", "--lang", "zh", "--url", demo_db_url, "--out", str(out)]) == 3
    assert not out.exists() and "fonts-wqy-zenhei" in capsys.readouterr().err
