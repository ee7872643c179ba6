"""The overview's new parts (issue 19) as a director reads them: on the shared demo database the movement, the
forecast verdict, its backtest error and the provision coverage are the domain's figures for the data layer's
rows; on a database with a single month of tape each part says what is missing instead of failing."""
from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from components.format import money, share
from components.i18n import translate
from data import flows
from data.aggregates import rebuild_all
from data.db import make_engine, transaction, upgrade_schema
from domain import forecast as fc
from domain import npl_flows, provisions
from domain.months import previous_month
from domain.scope import Scope
from domain.settings import Settings
from tests import factory
from tests.apptest_support import page, point_app_at, read_demo, texts


def _metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def test_the_director_reads_where_last_years_npls_went_and_whether_the_target_is_met(demo_facts):
    url, months, _ = demo_facts
    last = months[-1]
    at = page("overview", username="director")
    assert not at.exception
    rows = read_demo(url, flows.flow_rows, scope=Scope.union(), first=months[0], last=last)
    year = npl_flows.movement_months(months, previous_month(last, 12), last)
    mv = npl_flows.movement(rows[rows.month.isin(year)])
    assert mv.reconciles() and mv.collected > 0
    shown = texts(at)
    assert translate("flows.movement.sentence", "en", first=f"{previous_month(year[0]):%Y-%m}", last=f"{last:%Y-%m}",
                     change=money(mv.closing - mv.opening, "¥"), collected=money(mv.collected, "¥"),
                     written_off=money(mv.written_off, "¥"), foreclosed=money(mv.foreclosed, "¥"),
                     cured=money(mv.cured, "¥"), inflows=money(mv.inflows, "¥")) in shown
    # the waterfall draws each term (outflows down) in currency units, the roll chart one line per main roll
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    waterfall = next(trace for spec in specs for trace in spec["data"] if trace["type"] == "waterfall")
    values = mv.as_dict()
    assert waterfall["y"] == pytest.approx([values["opening"] / 100, values["inflow_performing"] / 100,
                                            values["inflow_new"] / 100, *(-values[t] / 100 for t in npl_flows.OUTFLOWS),
                                            values["closing"] / 100])
    assert waterfall["measure"][0] == "absolute" and waterfall["measure"][-1] == "total"
    forecast_names = {trace.get("name") for spec in specs for trace in spec["data"]}
    assert translate("flows.forecast.line", "en", months=12) in forecast_names
    # the verdict: met or missed, against the target month of the last month
    assert f"At this pace the target of {fc.target_month(last):%Y-%m} is" in shown
    test = fc.backtest(rows)
    assert test.origins and _metric(at, "Forecast error, 3 m") == share(test.mape[3])
    assert _metric(at, "Forecast error, 6 m") == share(test.mape[6])
    cover = provisions.coverage(read_demo(url, flows.provision_rows, scope=Scope.union(), month=last),
                                Settings().provision_rates())
    assert _metric(at, "Provision coverage") == share(cover.ratio)


def test_spanish_and_a_cooperative_and_segment_view_run(demo_facts):
    _, _, cooperatives = demo_facts
    at = page("overview", username="director", lang="es", query={"coop": str(cooperatives[0][0]), "seg": "new"})
    assert not at.exception
    assert translate("flows.movement.title", "es") in texts(at)


@pytest.fixture
def one_month(tmp_path):
    url = f"sqlite:///{tmp_path / 'one.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    with transaction(engine) as s:
        factory.user(s, "director", "director")
        coop = factory.cooperative(s, "C01")
        officer = factory.officer(s, coop, "Li Wei")
        for i in range(3):
            loan = factory.loan(s, coop, officer, dt.date(2024, 1, 15), 100_000)
            factory.month_row(s, loan, dt.date(2026, 9, 1), 90_000, "substandard" if i else "normal",
                              dpd=120 if i else 0, overdue=5_000 if i else 0)
        s.flush()
        rebuild_all(s)
    engine.dispose()
    previous = os.environ.get("DATABASE_URL")
    point_app_at(url)
    yield url
    point_app_at(previous)


def test_a_single_month_says_what_the_movement_and_the_forecast_need(one_month):
    at = page("overview", username="director")
    assert not at.exception
    shown = texts(at)
    assert translate("flows.movement.need_two", "en") in shown
    assert translate("flows.forecast.need_history", "en") in shown
    assert _metric(at, "Provision coverage") == share((180_000 * 0.25 + 90_000 * 0.01) / 180_000)
