"""Role access for every page and every demo user, the sign-in form, and the anonymous visitor."""
from __future__ import annotations

import pytest

from domain.roles import PAGE_ROLES, pages_for
from tests.apptest_support import DEMO_PASSWORDS, app, page

ROLE_OF = {"director": "director", "supervisor": "supervisor", "supervisor_c1": "supervisor", "officer": "officer",
           "auditor": "auditor", "admin": "admin"}
FORBIDDEN = "Your role does not give access to this page."

EXPECTED_PAGES = {
    "director": ["today", "overview", "officers", "methods", "assets", "early_warning", "decisions", "audit"],
    "supervisor": ["today", "overview", "officers", "methods", "assets", "early_warning", "decisions"],
    "officer": ["today", "my_record"],
    "auditor": ["today", "overview", "officers", "methods", "assets", "early_warning", "decisions", "audit"],
    "admin": ["today", "overview", "audit", "admin"],
}


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_page_list_per_role(role):
    assert pages_for(role) == EXPECTED_PAGES[role]


@pytest.mark.parametrize("page_key", list(PAGE_ROLES))
@pytest.mark.parametrize("username", list(ROLE_OF))
def test_each_page_checks_the_role_itself(demo_db_url, page_key, username):
    at = page(page_key, username=username)
    assert not at.exception, f"{page_key} as {username}: {at.exception}"
    refused = any(e.value == FORBIDDEN for e in at.error)
    assert refused == (ROLE_OF[username] not in PAGE_ROLES[page_key])
    if refused:
        assert not at.metric and not at.dataframe and not at.get("plotly_chart")


@pytest.mark.parametrize("page_key", list(PAGE_ROLES))
def test_anonymous_visitor_sees_no_data_on_any_page(demo_db_url, page_key):
    at = page(page_key, username=None)
    assert not at.exception
    assert at.info[0].value == "Please sign in to see the dashboard."
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")


def _sign_in(username: str, password: str):
    at = app().run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def test_sign_in_through_the_form(demo_db_url):
    at = _sign_in("director", DEMO_PASSWORDS["director"])
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    assert at.title[0].value == "Today"  # the first page after sign-in, for every role


def test_wrong_password_is_refused(demo_db_url):
    at = _sign_in("director", "wrong-password-1")
    assert not at.exception
    assert at.session_state["authentication_status"] is False
    assert any("incorrect" in e.value for e in at.error)
    assert not at.metric
