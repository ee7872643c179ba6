"""Forged URL parameters on every page, for the one-cooperative supervisor and for the loan officer.

Why: filters, drill-downs and the propose link read the address (?coop=, ?officer=, ?assignments=, ?from=...),
and anyone can edit an address. A parameter may narrow what a viewer sees, never widen it; and garbage
(SQL fragments, huge or negative numbers, repeated keys, odd Unicode) must give a clean page, not a traceback.
Each case renders the page with AppTest on the demo database and checks that no name, contract or figure of
another cooperative is on it (every text, table, option and chart), and that every figure shown is one the
page also shows without the forged parameters.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from data.db import make_engine, transaction
from data.models import AppUser, Assignment, Borrower, Cooperative, Decision, ForeclosedAsset, Loan, Officer
from domain.roles import PAGE_ROLES
from tests.apptest_support import page, texts

PAGES = sorted(PAGE_ROLES)
CONTRACT = re.compile(r"C\d{2}-\d{4}-\d{6}")


@pytest.fixture(scope="module")
def world(demo_db_url) -> dict:
    """Who sees what in the demo: each viewer's cooperative(s), and ids and words of the others."""
    engine = make_engine(demo_db_url)
    with transaction(engine) as s:
        users = {u.username: (u.cooperative_id, u.officer_id) for u in s.scalars(select(AppUser))}
        own_coop = users["supervisor_c1"][0]
        officer_id = users["officer"][1]
        officer_coop = s.get(Officer, officer_id).cooperative_id
        coops = dict(s.execute(select(Cooperative.id, Cooperative.name)).all())
        officers = s.execute(select(Officer.id, Officer.name, Officer.cooperative_id)).all()
        contracts = s.execute(select(Loan.contract_no, Loan.cooperative_id)).all()
        # a borrower of one's own cooperative may share a name with another cooperative's officer
        borrowers = s.execute(select(Borrower.name, Loan.cooperative_id).join(Loan, Loan.borrower_id == Borrower.id)
                              .distinct()).all()

        def first(column, coop_column, coop):
            return s.scalar(select(column).where(coop_column != coop).order_by(column).limit(1))

        def foreign_query(coop: int) -> dict[str, str]:
            """Every parameter a page reads, each pointing at another cooperative's record."""
            other_officer = first(Officer.id, Officer.cooperative_id, coop)
            assignment_ids = s.scalars(select(Assignment.id).where(Assignment.officer_id == other_officer)
                                       .order_by(Assignment.id).limit(3)).all()
            return {"coop": str(first(Cooperative.id, Cooperative.id, coop)), "officer": str(other_officer),
                    "propose": "1", "assignments": ",".join(map(str, assignment_ids)),
                    "loan": str(first(Loan.id, Loan.cooperative_id, coop)),
                    "contract": first(Loan.contract_no, Loan.cooperative_id, coop),
                    "asset": str(first(ForeclosedAsset.id, ForeclosedAsset.cooperative_id, coop)),
                    "decision": str(first(Decision.id, Decision.cooperative_id, coop))}

        def forbidden(coop: int) -> dict:
            own_names = {name for _, name, c in officers if c == coop} | {name for name, c in borrowers if c == coop}
            return {"words": {name for c, name in coops.items() if c != coop}
                    | {name for _, name, c in officers if c != coop and name not in own_names},
                    "contracts": {no for no, c in contracts if c != coop}}

        world = {"supervisor_c1": {"query": foreign_query(own_coop), "own_coop": own_coop, **forbidden(own_coop)},
                 "officer": {"query": foreign_query(officer_coop), **forbidden(officer_coop)}}
    engine.dispose()
    return world


GARBAGE = {
    "sql": {"coop": "1 OR 1=1", "officer": "1; DROP TABLE loan;--", "assignments": "1,2) OR (1=1", "propose": "1",
            "from": "' OR ''='", "to": "2026-10'--", "segment": "old' OR 1=1--", "lang": "es'--",
            "loan": "0 UNION SELECT password_hash FROM app_user", "contract": "' OR 'a'='a"},
    "numbers": {"coop": "-1", "officer": "9" * 30, "assignments": f"-3,{'9' * 30},0", "propose": "1",
                "from": "-2026-01", "to": "99999-12", "segment": "-1", "loan": "-7", "asset": "1e309",
                "decision": "NaN"},
    "unicode": {"coop": "²", "officer": "²", "assignments": "²,١٢,\u202e1,🙂", "propose": "1", "from": "２０２６-01",
                "to": "ñ\u0301", "segment": "🙂", "lang": "中文", "contract": "\u202egnp.exe"},
}


def everything_shown(at) -> str:
    """Every text, table cell, option and chart of the page, for 'is it on the page' checks."""
    parts = [texts(at)] + [str(e.value) for e in at.get("text")]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    for widget in (*at.selectbox, *at.multiselect, *at.radio):
        parts += [str(o) for o in widget.options]
    parts += [str(chart.proto) for chart in at.get("plotly_chart")]
    return "\n".join(parts)


def metrics(at) -> set[tuple[str, str]]:
    return {(m.label, m.value) for m in at.metric}


def render(name: str, username: str, query: dict[str, str] | None = None):
    at = page(name, username=username, query=query)
    assert not at.exception, (name, username, query, at.exception)
    return at


def assert_clean(at, clean, name: str, username: str, world: dict) -> None:
    allowed = username in PAGE_ROLES_BY_NAME[name]
    if allowed:
        assert at.title, f"{name} did not render for {username}"
    else:
        assert not at.metric and not at.dataframe
    shown = everything_shown(at)
    leaked = [w for w in world[username]["words"] if w in shown]
    leaked += sorted(set(CONTRACT.findall(shown)) & world[username]["contracts"])
    assert not leaked, (name, username, leaked[:5])
    assert metrics(at) <= metrics(clean), (name, username, metrics(at) - metrics(clean))


PAGE_ROLES_BY_NAME = {name: {u for u, role in (("supervisor_c1", "supervisor"), ("officer", "officer"))
                             if role in roles} for name, roles in PAGE_ROLES.items()}


@pytest.mark.parametrize("username", ["supervisor_c1", "officer"])
@pytest.mark.parametrize("name", PAGES)
def test_forged_and_garbage_parameters_show_nothing_outside_the_scope(world, name, username):
    clean = render(name, username)
    assert_clean(clean, clean, name, username, world)
    for query in (world[username]["query"], *GARBAGE.values()):
        assert_clean(render(name, username, query), clean, name, username, world)


@pytest.mark.parametrize("name", ["overview", "officers", "decisions"])
def test_repeated_parameters_cannot_smuggle_another_cooperative(world, name):
    """?coop=own&coop=other: Streamlit keeps the last value; it must still be refused, not half-applied."""
    forged = world["supervisor_c1"]["query"]
    own = str(world["supervisor_c1"]["own_coop"])
    query = {key: [own, value] if key == "coop" else [value, value] for key, value in forged.items()}
    clean = render(name, "supervisor_c1")
    assert_clean(render(name, "supervisor_c1", query), clean, name, "supervisor_c1", world)


@pytest.mark.parametrize("form", ["plain", "repeated"])
def test_the_forged_parameters_do_reach_the_page(world, form):
    """Control: for a union viewer the same ?coop= narrows the page, so the checks above are not vacuous."""
    other = world["supervisor_c1"]["query"]["coop"]
    own = str(world["supervisor_c1"]["own_coop"])
    at = render("overview", "director", {"coop": other if form == "plain" else [own, other]})
    assert at.selectbox(key="overview.coop").value == int(other)
