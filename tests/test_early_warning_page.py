"""The early-warning page on the generated demo database: its figures equal the data layer's, it renders for
every allowed role in both languages, and refuses the others. Also the page's pure pieces (figure builders,
table preparation)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from components import warning_views as views
from components.format import money, share
from data import portfolio, warnings
from data import settings as settings_store
from data.models import Cooperative
from domain import figures
from domain import warning_rules as rules
from domain.scope import Scope
from domain.segments import NEW
from tests.apptest_support import page, read_demo


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(scope="module")
def facts(demo_facts):
    return demo_facts


def test_director_sees_the_data_layers_figures(facts):
    url, months, _ = facts
    last, union = months[-1], Scope.union()
    at = page("early_warning", username="director")
    assert not at.exception
    balances = read_demo(url, portfolio.balances_by_month, scope=union, first=months[0], last=last)
    trend = rules.class_trend(balances, "special_mention", months)
    hidden = read_demo(url, warnings.list_hidden_npl_by_officer, scope=union, month=last)
    at_risk = read_demo(url, warnings.get_normal_at_risk_total, scope=union, month=last)
    evergreen = read_demo(url, warnings.list_evergreening_by_officer, scope=union, first=months[0], month=last)
    # the demo must give every section something to show
    assert int(trend.balance_cents.iloc[-1]) > 0 and not hidden.empty and at_risk.loan_count > 0
    assert not evergreen.empty and figures.npl_balance(balances, last, NEW) > 0
    assert _metric(at, "Special Mention") == money(int(trend.balance_cents.iloc[-1]), "¥", compact=True)
    assert _metric(at, "Normal loans at risk") == money(at_risk.balance_cents, "¥", compact=True)
    assert _metric(at, "Hidden NPLs") == money(int(hidden.balance_cents.sum()), "¥", compact=True)
    assert _metric(at, "NPL ratio if reclassified") == share(
        rules.reclassified_npl_ratio(balances, last, int(hidden.balance_cents.sum())), 2)
    assert _metric(at, "Evergreened balance") == money(int(evergreen.balance_cents.sum()), "¥", compact=True)
    assert _metric(at, "New NPLs") == money(figures.npl_balance(balances, last, NEW), "¥", compact=True)
    assert len(at.get("plotly_chart")) == 5  # SM trend, hidden by officer and by cooperative, vintage, new by officer
    # SM, at risk, hidden, under-classified, evergreening by officer and list, new by officer and quarter
    assert len(at.dataframe) == 8
    assert at.tabs[0].label == "By officer"


def test_under_classified_tab_lists_every_class_with_the_provisions_understated(facts):
    """The demo has loans recorded better than their floor inside the NPL classes too, and the tab's total
    line carries the data layer's count, balance and understated provisions."""
    url, months, _ = facts
    last = months[-1]
    at = page("early_warning", username="director")
    assert not at.exception
    total, understated = read_demo(url, warnings.get_under_classified_total, scope=Scope.union(), month=last)
    rows = read_demo(url, warnings.list_under_classified, scope=Scope.union(), month=last, limit=None)
    assert total.loan_count == len(rows) > 0 and understated == int(rows.understated_cents.sum()) > 0
    assert set(rows.loan_class) & {"substandard", "doubtful"}  # not only performing loans
    line = (f"**{total.loan_count:,}** under-classified loans in {last:%Y-%m}, balance "
            f"{money(total.balance_cents, '¥')}: provisions understated by **{money(understated, '¥')}**.")
    assert line in [m.value for m in at.markdown]


def test_cooperative_filter_narrows_every_figure(facts):
    url, months, cooperatives = facts
    coop_id = cooperatives[0][0]
    at = page("early_warning", username="director", query={"coop": str(coop_id)})
    assert not at.exception
    total = read_demo(url, warnings.get_normal_at_risk_total, scope=Scope.cooperative(coop_id), month=months[-1])
    assert _metric(at, "Normal loans at risk") == money(total.balance_cents, "¥", compact=True)
    union = page("early_warning", username="director")
    assert _metric(union, "New NPLs") != _metric(at, "New NPLs")


def test_period_and_segment_filters(facts):
    url, months, _ = facts
    earlier, first = months[-4], months[-12]
    at = page("early_warning", username="director",
              query={"from": first.strftime("%Y-%m"), "to": earlier.strftime("%Y-%m"), "segment": "new"})
    assert not at.exception
    scope = Scope.union()
    hidden = read_demo(url, warnings.list_hidden_npl_by_officer, scope=scope, month=earlier, segment="new")
    assert _metric(at, "Hidden NPLs") == money(int(hidden.balance_cents.sum()), "¥", compact=True)
    evergreen = read_demo(url, warnings.list_evergreening_by_officer, scope=scope, first=first, month=earlier,
                      segment="new")
    assert _metric(at, "Evergreened balance") == money(int(evergreen.balance_cents.sum()), "¥", compact=True)


def test_supervisor_of_one_cooperative_sees_only_it(facts):
    url, months, _ = facts
    at = page("early_warning", username="supervisor_c1")
    assert not at.exception
    coop_id = read_demo(url, lambda s: s.scalar(select(Cooperative.id).order_by(Cooperative.code)))
    hidden = read_demo(url, warnings.list_hidden_npl_by_officer, scope=Scope.cooperative(coop_id), month=months[-1])
    assert _metric(at, "Hidden NPLs") == money(int(hidden.balance_cents.sum()), "¥", compact=True)
    shown = {row for frame in at.dataframe for row in frame.value.get("Cooperative", [])}
    names = dict(read_demo(url, lambda s: s.execute(select(Cooperative.id, Cooperative.name)).all()))
    assert shown <= {names[coop_id]}


@pytest.mark.parametrize("username", ["director", "supervisor", "supervisor_c1", "auditor"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_renders_for_every_allowed_role_in_both_languages(demo_db_url, username, lang):
    at = page("early_warning", username=username, lang=lang)
    assert not at.exception
    assert at.title[0].value == ("Early warning" if lang == "en" else "Alerta temprana")
    assert len(at.metric) == 6
    assert at.metric[2].label == ("Hidden NPLs" if lang == "en" else "Morosidad oculta")
    assert len(at.get("plotly_chart")) >= 3


@pytest.mark.parametrize("username", ["officer", "admin"])
def test_other_roles_are_refused(demo_db_url, username):
    at = page("early_warning", username=username)
    assert [e.value for e in at.error] == ["Your role does not give access to this page."]
    assert not at.metric and not at.dataframe


def test_anonymous_sees_only_the_login_prompt(demo_db_url):
    at = page("early_warning", username=None)
    assert [i.value for i in at.info] == ["Please sign in to see the dashboard."]
    assert not at.metric and not at.dataframe


def test_full_download_reads_the_whole_list(facts):
    url, months, _ = facts
    kwargs = dict(scope=Scope.union(), month=months[-1], segment=None)
    full = views.full_loader(warnings.list_special_mention, **kwargs)()
    expected = read_demo(url, warnings.list_special_mention, limit=None, **kwargs)
    assert len(full) == len(expected) > 3
    assert len(read_demo(url, warnings.list_special_mention, limit=3, **kwargs)) == 3
    assert int(full.balance_cents.sum()) == int(expected.balance_cents.sum())


def test_threshold_caption_comes_from_the_settings(facts):
    """The floor explained on the page is the one in the settings table, not a constant."""
    url, months, _ = facts
    current = read_demo(url, settings_store.get)
    assert current.thresholds.substandard == 90
    at = page("early_warning", username="auditor")
    assert "more than 90 days at least Substandard" in " ".join(c.value for c in at.caption)


# --- pure pieces -----------------------------------------------------------------------------------------------------
def test_special_mention_chart_has_balance_bars_and_count_line():
    trend = pd.DataFrame({"month": [dt.date(2025, 1, 1), dt.date(2025, 2, 1)], "balance_cents": [10_000, 25_000],
                          "loan_count": [1, 3]})
    fig = views.special_mention_chart(trend, symbol="¥", title="t", balance_name="Balance", count_name="Loans")
    assert [tr.type for tr in fig.data] == ["bar", "scatter"]
    assert list(fig.data[0].y) == [100.0, 250.0] and list(fig.data[1].y) == [1, 3]
    assert list(fig.data[0].x) == ["2025-01", "2025-02"]


def test_hidden_by_officer_chart_stacks_recorded_classes_largest_on_top():
    by_officer = pd.DataFrame({"cooperative": ["A", "A", "B"], "officer": ["Ana", "Ana", "Bo"],
                               "loan_class": ["normal", "special_mention", "special_mention"],
                               "loan_count": [1, 2, 1], "balance_cents": [100, 200, 500]})
    fig = views.hidden_by_officer_chart(by_officer, class_names={}, symbol="¥", title="t", count_name="loans")
    normal, sm = fig.data
    assert list(sm.y) == ["Ana · A", "Bo · B"]  # plotly draws the last category on top: Bo (5.00) above Ana (3.00)
    assert list(sm.x) == [2.0, 5.0] and list(normal.x) == [1.0, 0.0]


def test_vintage_chart_one_line_per_quarter_in_percent():
    curves = pd.DataFrame({"quarter": ["2025-Q1", "2025-Q1", "2025-Q2"], "months_on_book": [0, 1, 0],
                           "npl_share": [0.0, 0.25, None], "npl_principal_cents": [0, 1, 0],
                           "principal_cents": [4, 4, 0]})
    fig = views.vintage_chart(curves, title="t", x_title="m", y_title="s")
    assert [tr.name for tr in fig.data] == ["2025-Q1", "2025-Q2"]
    assert list(fig.data[0].y) == [0.0, 25.0] and list(fig.data[1].y) == [None]
    assert fig.data[0].line.color != fig.data[1].line.color


def test_prepare_translates_codes_and_folds_flags():
    rows = pd.DataFrame({"contract_no": ["K1", "K2"], "loan_class": ["normal", None], "balance_cents": [12_345, 0],
                         "a_flag": [True, False], "b_flag": [True, True]})
    spec = views.TableSpec(labels={"contract_no": "Contract", "loan_class": "Class", "balance_cents": "Balance",
                                   "why": "Why"}, money=("balance_cents",), codes={"loan_class": {"normal": "Normal"}},
                           reasons={"why": {"a_flag": "A", "b_flag": "B"}})
    out = views.prepare(rows, spec)
    assert out.to_dict("records") == [{"Contract": "K1", "Class": "Normal", "Balance": 123.45, "Why": "A · B"},
                                      {"Contract": "K2", "Class": "—", "Balance": 0.0, "Why": "B"}]
    assert views.prepare(rows.iloc[0:0], spec).columns.tolist() == ["Contract", "Class", "Balance", "Why"]
