"""Finding 3: text people type (display names, cooperative and officer names, values from a link) is shown as
plain text, never rendered as markdown.

Before: ``st.sidebar.caption(f"{viewer.display_name} · ...")`` and the page header's caption rendered a display
name like ``![x](http://evil.example/p.png)`` as an image, so every page view made the browser fetch a remote
URL (a tracking pixel; with a link, a phishing lure in the app's own chrome). Now such text goes through
``st.text`` (no markdown at all) or ``components.format.plain`` (every markdown character escaped) where it has
to sit inside a markdown element (a subheader, a translated sentence in a caption or warning).

AppTest checks every markdown-rendering element of the app and of the pages that show typed names; one Chromium
test checks that the real page loads no image from the name and shows its characters literally.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from components.format import plain
from data.db import make_engine, transaction
from data.models import AppUser, Cooperative, Officer
from tests import factory as f
from tests.apptest_support import app, page, signed_in_state

PAYLOAD = "![x](http://evil.example/p.png) [win](http://evil.example/) **bold** :red[red]"
MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")


def markdown_sources(at) -> list[str]:
    """The markdown source of every element Streamlit renders as markdown (main area and sidebar)."""
    return [str(element.value) for kind in MARKDOWN_KINDS for element in getattr(at, kind)]


def assert_never_markdown(at, payload: str = PAYLOAD) -> None:
    assert not at.exception, at.exception
    leaks = [source for source in markdown_sources(at) if "](http" in source or payload in source]
    assert leaks == [], f"typed text rendered as markdown: {leaks}"


@pytest.fixture
def hostile_names(private_demo_engine):
    """supervisor_c1's display name, their cooperative's name and one of its officers carry the payload."""
    with transaction(private_demo_engine) as s:
        user = s.scalar(select(AppUser).where(AppUser.username == "supervisor_c1"))
        user.display_name = PAYLOAD
        s.execute(update(Cooperative).where(Cooperative.id == user.cooperative_id).values(name=PAYLOAD))
        officer = s.scalar(select(Officer).where(Officer.cooperative_id == user.cooperative_id).order_by(Officer.id))
        officer.name = PAYLOAD
        return officer.id


def test_the_sidebar_and_page_header_show_the_display_name_as_plain_text(hostile_names):
    at = app()
    for key, value in signed_in_state("supervisor_c1").items():
        at.session_state[key] = value
    at.run()
    assert_never_markdown(at)
    plain_lines = [str(element.value) for element in at.text]
    assert any(line.startswith(PAYLOAD) for line in plain_lines), plain_lines  # sidebar: name · role
    assert any(PAYLOAD in line and "Signed in as" in line for line in plain_lines), plain_lines  # page header


@pytest.mark.parametrize("page_key", ["overview", "officers", "early_warning", "decisions", "audit"])
def test_page_headers_show_names_as_plain_text(hostile_names, page_key):
    username = "auditor" if page_key == "audit" else "supervisor_c1"
    at = page(page_key, username=username)
    assert_never_markdown(at)


def test_the_officer_detail_escapes_the_officer_and_cooperative_names(hostile_names):
    at = page("officers", username="supervisor_c1", query={"officer": str(hostile_names)})
    assert_never_markdown(at)
    assert plain(PAYLOAD) in [element.value for element in at.subheader]


def test_a_forged_propose_link_cannot_inject_markdown(hostile_names):
    link_text = "![x](http://evil.example/p.png)"
    at = page("decisions", username="supervisor_c1",
              query={"propose": "1", "officer": str(hostile_names), "assignments": link_text})
    assert_never_markdown(at, link_text)
    assert any(plain(link_text) in w.value for w in at.warning), [w.value for w in at.warning]


def test_typed_text_echoed_in_an_error_is_escaped(private_demo_url):
    """A contract number typed into the collection-action form comes back in the refusal (st.error renders
    markdown): it is escaped there, while ordinary contract numbers, dates and amounts read unchanged."""
    at = page("methods", username="supervisor", state={"methods.section": "record"})
    at.text_input(key="methods.action.contract").set_value(PAYLOAD[:31])
    at = at.button(key="methods.action.submit").click().run()
    assert_never_markdown(at, PAYLOAD[:31])
    assert any(plain(PAYLOAD[:31]) in e.value for e in at.error), [e.value for e in at.error]


def test_plain_params_escapes_only_what_could_form_markdown():
    from components.format import plain_params

    inert = {"contract": "C01-2024-000123", "amount": "¥1,234.50", "day": "2026-11-30", "name": "Ana María Li",
             "count": 7}
    assert plain_params(inert) == inert
    for hostile in (PAYLOAD, "www.evil.example", "__bold__", "a*b*", "<b>x</b>", "x@evil.example"):
        assert plain_params({"value": hostile})["value"] == plain(hostile)


def test_plain_escapes_every_markdown_construct():
    for text in (PAYLOAD, "# heading", "1. list", "- item", "`code`", "$x^2$", "<b>x</b>", "a|b", "~~s~~",
                 ":material/home:", "www.evil.example", "x\n===", "http://evil.example"):
        escaped = plain(text)
        assert "\n" not in escaped
        assert escaped.replace("\\", "") == text.replace("\n", " ")
        for special in "![]()#`$<>|~:*.":
            assert escaped.count(special) == escaped.count("\\" + special), (text, special)


@pytest.mark.browser
def test_no_remote_image_is_loaded_for_a_display_name(security_server, security_browser):
    from tests.browser_support import sign_in

    server, db_url = security_server
    engine = make_engine(db_url)
    try:
        with transaction(engine) as s:
            f.user(s, "markdown_name", "director").display_name = PAYLOAD
    finally:
        engine.dispose()
    context = security_browser.new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page_ = context.new_page()
    sign_in(page_, server, "markdown_name", "password-123")
    try:
        assert page_.locator("img[src*='evil.example']").count() == 0
        assert page_.locator("a[href*='evil.example']").count() == 0
        assert [url for url in requested if "evil.example" in url] == []
        assert page_.get_by_text(PAYLOAD).count() >= 2, "the name is shown, literally, in the sidebar and header"
    finally:
        context.close()
