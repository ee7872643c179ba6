"""The overview page on the generated demo database: its numbers equal the data layer's for the same filters."""
from __future__ import annotations

import datetime as dt

import pytest

from components.format import money
from data import portfolio, recoveries
from domain import figures
from domain.months import month_end, previous_month
from domain.scope import Scope
from tests.apptest_support import page, read_demo


def _metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


@pytest.fixture(scope="module")
def facts(demo_facts):
    return demo_facts


def test_director_sees_the_data_layers_figures(facts):
    url, months, _ = facts
    at = page("overview", username="director")
    assert not at.exception
    last = months[-1]
    balances = read_demo(url, portfolio.balances_by_month, scope=Scope.union(), first=months[0], last=last)
    snap = figures.snapshot(balances, last)
    assert snap.npl_cents > 0
    assert _metric(at, "NPL balance,") == money(snap.npl_cents, "¥", compact=True)
    assert _metric(at, "Number of NPLs") == f"{snap.npl_count:,}"
    assert _metric(at, "Old-stock NPLs") == money(snap.old_npl_cents, "¥", compact=True)
    assert _metric(at, "New NPLs") == money(snap.new_npl_cents, "¥", compact=True)
    assert _metric(at, "NPL ratio") == f"{snap.npl_ratio * 100:.2f}%"
    # the open tabs' charts only: the NPL trend, the cooperatives, the balance matrix
    assert [c.key for c in at.get("plotly_chart")] == ["chart.npl", "chart.cooperatives", "chart.flows.waterfall",
                                                       "chart.flows.rolls", "chart.migration.balance_cents"]
    for tabs, label, chart in (("overview.tab", "Old stock vs new NPLs", "chart.segment"),
                               ("overview.tab", "All five classes", "chart.all"),
                               ("overview.migration_tab", "Loans", "chart.migration.loan_count")):
        at.session_state[tabs] = label  # what a click on the tab does: the page runs again with it open
        at.run()
        assert not at.exception and chart in [c.key for c in at.get("plotly_chart")], label


def test_cooperative_and_segment_filters_change_the_figures(facts):
    url, months, cooperatives = facts
    coop_id = cooperatives[1][0]
    at = page("overview", username="director", query={"coop": str(coop_id), "segment": "new"})
    assert not at.exception
    balances = read_demo(url, portfolio.balances_by_month, scope=Scope.cooperative(coop_id), first=months[0],
                     last=months[-1], segment="new")
    assert _metric(at, "NPL balance,") == money(figures.npl_balance(balances, months[-1]), "¥", compact=True)
    union = page("overview", username="director")
    assert _metric(union, "NPL balance,") != _metric(at, "NPL balance,")


@pytest.mark.parametrize("segment", ["old", "new"])
def test_recovery_cards_follow_the_segment_and_show_the_recovery_rate(facts, segment):
    """The recovery cards use the same segment as the NPL cards beside them, and carry DOMAIN.md's recovery
    rate: recovered in the period / NPL balance (of that segment) at the period's start."""
    url, months, _ = facts
    last = months[-1]
    at = page("overview", username="director", query={"segment": segment})
    assert not at.exception
    year = dict(first_day=dt.date(last.year, 1, 1), last_day=month_end(last))
    in_segment = read_demo(url, recoveries.recovered_between, scope=Scope.union(), segment=segment, **year)
    everything = read_demo(url, recoveries.recovered_between, scope=Scope.union(), **year)
    assert 0 < in_segment < everything
    card = next(m for m in at.metric if m.label == "Recovered this year")
    assert card.value == money(in_segment, "¥", compact=True)
    balances = read_demo(url, portfolio.balances_by_month, scope=Scope.union(), first=months[0], last=last)
    start = figures.npl_balance(balances, dt.date(last.year - 1, 12, 1), segment)
    # no NPL of the segment at the start (new NPLs before the cutoff): no rate rather than a division by zero
    assert card.delta == (f"{in_segment / start * 100:.1f}% of NPLs at start" if start else "")
    month_card = next(m for m in at.metric if m.label == "Recovered this month")
    in_month = read_demo(url, recoveries.recovered_between, scope=Scope.union(), segment=segment, first_day=last,
                         last_day=month_end(last))
    assert month_card.value == money(in_month, "¥", compact=True)
    before = figures.npl_balance(balances, previous_month(last), segment)
    assert before > 0 and month_card.delta == f"{in_month / before * 100:.1f}% of NPLs at start"


def test_period_filter_moves_the_kpi_month(facts):
    _, months, _ = facts
    earlier = months[-4].strftime("%Y-%m")
    at = page("overview", username="director", query={"to": earlier})
    assert not at.exception
    assert any(m.label == f"NPL balance, {earlier}" for m in at.metric)


@pytest.mark.parametrize("username", ["director", "supervisor", "supervisor_c1", "auditor", "admin"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_renders_for_every_allowed_role_in_both_languages(demo_db_url, username, lang):
    at = page("overview", username=username, lang=lang)
    assert not at.exception
    assert at.title[0].value == ("NPL overview" if lang == "en" else "Resumen de morosidad")
    assert len(at.metric) >= 9


def test_officer_and_anonymous_are_refused(demo_db_url):
    assert page("overview", username="officer").error[0].value == "Your role does not give access to this page."
    anonymous = page("overview", username=None)
    assert anonymous.info[0].value == "Please sign in to see the dashboard." and not anonymous.metric


def test_single_cooperative_supervisor_sees_only_their_cooperative(facts):
    _, _, cooperatives = facts
    own, others = cooperatives[0][1], [name for _, name in cooperatives[1:]]
    at = page("overview", username="supervisor_c1", query={"coop": str(cooperatives[1][0])})  # forged: another coop
    assert not at.exception
    assert at.selectbox(key="overview.coop").options == [own]
    table = at.dataframe[-1].value
    assert set(table["Cooperative"]) <= {own}
    everything = " ".join(str(x) for frame in at.dataframe for x in frame.value.astype(str).values.ravel())
    assert not any(name in everything for name in others)


@pytest.mark.parametrize("username, query", [("director", {}), ("director", {"segment": "old"}),
                                             ("supervisor_c1", {}), ("supervisor", {"coop": "2"})])
def test_npls_with_no_named_person_kpi_and_list(private_demo_url, username, query):
    from components.i18n import translate
    from data import officers
    from data.db import make_engine, transaction
    from data.models import AppUser
    from sqlalchemy import select
    from tests.test_officers_page import LATEST, free_npls

    free_npls(private_demo_url)
    engine = make_engine(private_demo_url)
    with transaction(engine) as s:
        own = s.scalar(select(AppUser.cooperative_id).where(AppUser.username == username))
    engine.dispose()
    scope = Scope.union() if own is None else Scope.cooperative(own)
    scope = scope.narrowed(int(query["coop"])) if "coop" in query else scope
    count, cents = read_demo(private_demo_url, officers.unowned_npl_totals, scope=scope, month=LATEST,
                             segment=query.get("segment"))
    assert count > 0
    at = page("overview", username=username, query=query)
    assert not at.exception and not at.error
    card = next(m for m in at.metric if m.label == translate("unowned.kpi", "en"))
    assert card.value == f"{count:,}" and card.delta == money(cents, "¥", compact=True)
    expected = read_demo(private_demo_url, officers.list_assignable_npls, scope=scope, month=LATEST,
                         segment=query.get("segment"), limit=10)
    table = next(d.value for d in at.dataframe if "Granted by" in d.value.columns)
    assert list(table["Contract"]) == list(expected.contract_no)
    link = translate("unowned.open_bulk", "en")
    assert any(link in m.value for m in at.markdown) is username.startswith("supervisor")
