"""Finding 2: a malformed sign-in cookie is ignored silently.

Before: a cookie whose JWT header said ``{"alg": "none"}`` made streamlit-authenticator raise
``InvalidAlgorithmError`` into the page, showing an anonymous visitor a traceback with server paths. Now any
token that is not an HS256 JWT signed with our key, unexpired, with a live server-side session for its
username counts as no cookie: the sign-in form is shown and nothing else.

Two levels: ``components.auth.SessionCookie`` decoding every forged token to "no cookie" (fast, no server),
and Chromium presenting each forged cookie to the real server.
"""
from __future__ import annotations

import base64
import json
import time
import warnings

import jwt
import pytest

from components.auth import COOKIE_EXPIRY_DAYS, COOKIE_NAME, SessionCookie
from tests.apptest_support import TEST_COOKIE_KEY


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _hs512(claims: dict) -> str:
    """Our key, another algorithm (PyJWT warns that the test key is short for SHA-512: expected here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.encode(claims, TEST_COOKIE_KEY, algorithm="HS512")


IN_AN_HOUR = int(time.time()) + 3600
CLAIMS = {"username": "admin", "sid": "x" * 43, "exp": IN_AN_HOUR, "exp_date": IN_AN_HOUR}
FORGED = {
    "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(CLAIMS)}.",
    "alg_none_no_dot": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(CLAIMS)}",
    "garbage": "not a token at all \u00e9\u4e2d%00<script>",
    "three_garbage_parts": "a.b.c",
    "other_key": jwt.encode(CLAIMS, "some-other-key-0123456789-abcdefghijkl", algorithm="HS256"),
    "hs512_with_our_key": _hs512(CLAIMS),
    "expired": jwt.encode({**CLAIMS, "exp": int(time.time()) - 60, "exp_date": int(time.time()) - 60},
                          TEST_COOKIE_KEY, algorithm="HS256"),
    # the old format (username and expiry only), correctly signed: no session id, so no sign-in
    "old_format_no_session": jwt.encode({"username": "admin", "exp_date": IN_AN_HOUR}, TEST_COOKIE_KEY,
                                        algorithm="HS256"),
    "payload_not_an_object": jwt.api_jws.encode(b"[1, 2]", TEST_COOKIE_KEY, algorithm="HS256"),
    "sid_not_a_string": jwt.encode({**CLAIMS, "sid": 12345}, TEST_COOKIE_KEY, algorithm="HS256"),
}
#: signed with our key and well formed, but naming a session that does not exist (a leaked key is not enough)
GOOD_SHAPE_UNKNOWN_SESSION = jwt.encode(CLAIMS, TEST_COOKIE_KEY, algorithm="HS256")


def _decoder(token: str) -> SessionCookie:
    cookie = SessionCookie.__new__(SessionCookie)
    cookie.cookie_name, cookie.cookie_key, cookie.cookie_expiry_days = COOKIE_NAME, TEST_COOKIE_KEY, COOKIE_EXPIRY_DAYS
    cookie.token = token
    return cookie


@pytest.mark.parametrize("case", sorted(FORGED))
def test_every_forged_token_decodes_to_no_cookie(case, capsys):
    assert _decoder(FORGED[case])._token_decode() is False
    assert capsys.readouterr().out == "", "nothing printed to the server log either"


def test_a_well_formed_token_decodes_and_needs_its_session():
    claims = _decoder(GOOD_SHAPE_UNKNOWN_SESSION)._token_decode()
    assert claims and claims["username"] == "admin" and claims["sid"] == "x" * 43


@pytest.mark.browser
@pytest.mark.parametrize("case", ["alg_none", "garbage", "other_key", "expired", "old_format_no_session",
                                  "good_shape_unknown_session"])
def test_a_forged_cookie_shows_only_the_sign_in_form(security_server, security_browser, case):
    from tests.browser_support import open_with_cookie, signed_in

    server, _ = security_server
    value = GOOD_SHAPE_UNKNOWN_SESSION if case == "good_shape_unknown_session" else FORGED[case]
    context, page = open_with_cookie(security_browser, server, value)
    try:
        assert not signed_in(page)
        assert page.locator("[data-testid='stException']").count() == 0
        body = page.locator("body").inner_text()
        for leak in ("Traceback", "Error:", "InvalidAlgorithm", "jwt", "site-packages", ".py"):
            assert leak not in body, (case, leak)
    finally:
        context.close()
