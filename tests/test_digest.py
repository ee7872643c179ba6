"""The e-mailed digest, delivered to a real SMTP server (aiosmtpd on 127.0.0.1) started by the test.

The union is tests/today_book.py; each received message is parsed back and checked: who got it, its subject,
the items and amounts, the links, the language, and that nothing of another cooperative or another user is in
it. One refused recipient must not stop the others; each run writes one audit row with its counts.
"""
from __future__ import annotations

import email
import json
import socket
import sys
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from components.format import money
from data import digest
from data.db import transaction
from data.models import AppUser, AuditLog
from tests.today_book import TODAY, build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import send_digest  # noqa: E402

REFUSED = "off_a1@example.test"


class Inbox:
    """aiosmtpd handler: keeps every message; refuses one address when asked (550, as a real server would)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def by_recipient(self) -> dict[str, email.message.EmailMessage]:
        return {to[0]: message for to, message in self.messages}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def union(engine):
    with transaction(engine) as s:
        ids = build(s)
        s.execute(update(AppUser).where(AppUser.username == "sup_a").values(language="es"))
        s.execute(update(AppUser).where(AppUser.username == "auditor").values(digest_opt_out=True))
        s.execute(update(AppUser).where(AppUser.username == "director").values(display_name="Dir <script>x</script>"))
    return engine, ids


def config(port: int) -> digest.MailConfig:
    return digest.MailConfig(host="127.0.0.1", port=port, security="none", sender="npl@example.test",
                             public_url="https://npl.example")


def run(engine, port: int, **options) -> digest.RunCounts:
    return digest.run(engine, config=config(port), day=TODAY, text=send_digest.text_in, money=money,
                      show=lambda line: None, **options)


def bodies(message) -> tuple[str, str]:
    """(plain text, HTML) of a received message, with the wire's CRLF line ends back to newlines."""
    return tuple(message.get_body(preferencelist=(kind,)).get_content().replace("\r\n", "\n")
                 for kind in ("plain", "html"))


def audit_rows(engine) -> list[dict]:
    with transaction(engine) as s:
        return [json.loads(row.after) for row in s.scalars(select(AuditLog).where(AuditLog.action == "digest.send"))]


def test_each_user_receives_their_own_items_in_their_language(union, smtp):
    engine, ids = union
    inbox, port = smtp
    counts = run(engine, port)
    received = inbox.by_recipient()
    # active, with an address, not opted out: the auditor opted out, "gone" is inactive
    assert sorted(received) == sorted(f"{name}@example.test" for name in
                                      ("director", "sup", "sup_a", "off_a1", "admin", "locked_a"))
    assert (counts.recipients, counts.sent, counts.failed) == (6, 6, 0)

    director = received["director@example.test"]
    assert director["Subject"] == "NPL Oversight – 4 items need you today (2026-11-30)"
    assert director["From"] == "npl@example.test"
    plain, html = bodies(director)
    assert "Decisions awaiting your approval (oldest first)\n  How many: 1 · At stake: ¥50" in plain
    assert "How many: 2 · At stake: ¥5,800" in plain  # AS1 + AS2 book value
    assert "https://npl.example/officers?coop=all&show=gaps" in plain
    assert "Cooperative A <b>: 1 · ¥1,000" in plain  # the rise of A, as typed, in the plain text
    assert "Cooperative A &lt;b&gt;" in html and "Cooperative A <b>" not in html  # escaped in the HTML
    assert plain.startswith("Hello Dir <script>x</script>,")
    assert "Hello Dir &lt;script&gt;x&lt;/script&gt;," in html and "<script>" not in html
    assert 'href="https://npl.example/officers?coop=all&amp;show=gaps"' in html

    officer_plain, _ = bodies(received["off_a1@example.test"])
    assert "Assignments whose deadline falls within 30 days\n  How many: 2 · At stake: ¥900" in officer_plain
    assert "https://npl.example/my_record?show=idle&days=30" in officer_plain

    spanish = received["sup_a@example.test"]
    assert spanish["Subject"] == "Supervisión de morosidad – 4 puntos le esperan hoy (2026-11-30)"
    plain, html = bodies(spanish)
    assert plain.startswith("Hola, Sup_A:")
    assert "Asignaciones vencidas (plazo pasado, aún abiertas)\n  Cuántos: 1 · En juego: ¥500" in plain
    assert "https://npl.example/officers?show=gaps&lang=es" in plain
    assert "Nada pendiente." in plain and "Nada pendiente." in html

    # items due: director 4, sup 7, sup_a 4, off_a1 3, admin 2 (locked, union-wide), locked_a 4 (as sup_a)
    assert audit_rows(engine) == [{"day": "2026-11-30", "recipients": 6, "sent": 6, "failed": 0, "items_due": 24,
                                   "failed_users": [], "only_user": None}]


def test_a_one_cooperative_supervisor_gets_nothing_of_another_cooperative(union, smtp):
    engine, _ = union
    inbox, port = smtp
    run(engine, port, username="sup_a")
    assert [to for to, _ in inbox.messages] == [["sup_a@example.test"]]
    plain, html = bodies(inbox.messages[0][1])
    for text in (plain, html):
        assert "Cooperative B" not in text and "Officer B1" not in text
        assert "¥1,500" not in text and "¥300" not in text  # B's overdue (union: ¥1,500) and B's unowned L5
        assert "coop=all" not in text
    union_plain, _ = bodies(run_and_get(engine, port, inbox, "sup"))
    assert "¥1,500" in union_plain and "¥300" in union_plain  # control: the union supervisor does see them


def run_and_get(engine, port, inbox, username):
    inbox.messages.clear()
    run(engine, port, username=username)
    return inbox.messages[0][1]


def test_a_refused_recipient_is_logged_and_the_others_still_get_theirs(union, smtp, caplog):
    engine, _ = union
    inbox, port = smtp
    inbox.refuse.add(REFUSED)
    counts = run(engine, port)
    assert (counts.sent, counts.failed, counts.failed_users) == (5, 1, ["off_a1"])
    assert REFUSED not in inbox.by_recipient() and len(inbox.messages) == 5
    assert "sup@example.test" in inbox.by_recipient() and "sup_a@example.test" in inbox.by_recipient()
    assert any("off_a1" in record.getMessage() for record in caplog.records if record.levelname == "ERROR")
    row = audit_rows(engine)[0]
    assert (row["sent"], row["failed"], row["failed_users"]) == (5, 1, ["off_a1"])


def test_a_dry_run_sends_nothing_and_writes_nothing(union, smtp):
    engine, _ = union
    inbox, port = smtp
    shown: list[str] = []
    counts = digest.run(engine, config=config(port), day=TODAY, text=send_digest.text_in, money=money,
                        dry_run=True, show=shown.append)
    assert counts.recipients == 6 and inbox.messages == [] and audit_rows(engine) == []
    assert any(line.startswith("--- director <director@example.test> (en): NPL Oversight") for line in shown)


def test_the_command_line_sends_to_one_user(union, smtp, monkeypatch, capsys):
    engine, _ = union
    inbox, port = smtp
    for name, value in {"NPL_SMTP_HOST": "127.0.0.1", "NPL_SMTP_PORT": str(port), "NPL_SMTP_SECURITY": "none",
                        "NPL_MAIL_FROM": "npl@example.test", "NPL_PUBLIC_URL": "https://npl.example/"}.items():
        monkeypatch.setenv(name, value)
    url = engine.url.render_as_string(hide_password=False)
    assert send_digest.main(["--url", url, "--user", "director", "--day", "2026-11-30"]) == 0
    assert [to for to, _ in inbox.messages] == [["director@example.test"]]
    assert "1 recipient(s): 1 sent, 0 failed" in capsys.readouterr().out
    assert send_digest.main(["--url", url, "--user", "auditor"]) == 2  # opted out: said so, nothing sent
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("env, problem", [
    ({}, "NPL_SMTP_HOST"),
    ({"NPL_SMTP_HOST": "mail", "NPL_MAIL_FROM": "x"}, "NPL_MAIL_FROM"),
    ({"NPL_SMTP_HOST": "mail", "NPL_MAIL_FROM": "a@b", "NPL_SMTP_PORT": "99999"}, "NPL_SMTP_PORT"),
    ({"NPL_SMTP_HOST": "mail", "NPL_MAIL_FROM": "a@b", "NPL_SMTP_SECURITY": "ssl3"}, "NPL_SMTP_SECURITY"),
    ({"NPL_SMTP_HOST": "mail", "NPL_MAIL_FROM": "a@b", "NPL_SMTP_USER": "u"}, "NPL_SMTP_PASSWORD"),
    ({"NPL_SMTP_HOST": "mail", "NPL_MAIL_FROM": "a@b", "NPL_PUBLIC_URL": "npl.example"}, "NPL_PUBLIC_URL")])
def test_mail_settings_are_checked_before_anything_is_sent(env, problem):
    with pytest.raises(digest.MailConfigError, match=problem):
        digest.MailConfig.from_env(env)


def test_mail_settings_defaults():
    tls = digest.MailConfig.from_env({"NPL_SMTP_HOST": "mail", "NPL_MAIL_FROM": "a@b", "NPL_SMTP_SECURITY": "tls"})
    assert (tls.port, tls.public_url) == (465, "http://localhost:8501")
    assert digest.MailConfig.from_env({"NPL_SMTP_HOST": "mail", "NPL_MAIL_FROM": "a@b"}).port == 587
    assert "secret" not in repr(digest.MailConfig.from_env({"NPL_SMTP_HOST": "m", "NPL_MAIL_FROM": "a@b",
                                                            "NPL_SMTP_USER": "u", "NPL_SMTP_PASSWORD": "secret"}))
