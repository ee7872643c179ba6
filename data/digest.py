"""Sending the daily Today digest: the mail server's settings, one message per recipient, one audit row per run.

Each recipient's items are read with that user's own scope (data.today.for_user with data.users.actor_of), so
no message can hold another user's rows. One recipient's failure (a refused address, a dropped connection, a
read that fails) is logged and counted, and the run goes on with the next one. The run's counts are written as
one audit row (action ``digest.send``) in its own transaction at the end; a dry run sends and writes nothing.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import Engine

from data import today as today_items
from data import users
from data.audit import record
from data.db import session_factory, transaction
from data.models import AppUser
from data.settings import get as get_settings
from domain.digest import Digest, compose

log = logging.getLogger("npl.digest")

SECURITY_MODES = ("none", "starttls", "tls")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class MailConfigError(ValueError):
    """A mail setting is missing or wrong: the run stops before reading or sending anything."""


@dataclass(frozen=True)
class MailConfig:
    """Where and how to send (environment variables, docs/operations.md)."""

    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    public_url: str = "http://localhost:8501"
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, need_server: bool = True) -> "MailConfig":
        """Read NPL_SMTP_HOST, NPL_SMTP_PORT, NPL_SMTP_SECURITY, NPL_SMTP_USER, NPL_SMTP_PASSWORD, NPL_MAIL_FROM
        and NPL_PUBLIC_URL; raises MailConfigError naming the variable that is missing or wrong."""
        env = os.environ if env is None else env
        security = env.get("NPL_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
        if security not in SECURITY_MODES:
            raise MailConfigError(f"NPL_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
        host = env.get("NPL_SMTP_HOST", "").strip()
        if need_server and not host:
            raise MailConfigError("NPL_SMTP_HOST is not set")
        raw_port = env.get("NPL_SMTP_PORT", "").strip()
        if raw_port and not (raw_port.isdigit() and 0 < int(raw_port) < 65536):
            raise MailConfigError("NPL_SMTP_PORT must be a port number")
        sender = env.get("NPL_MAIL_FROM", "").strip()
        if need_server and "@" not in sender:
            raise MailConfigError("NPL_MAIL_FROM must be an e-mail address")
        public_url = env.get("NPL_PUBLIC_URL", "").strip() or "http://localhost:8501"
        if not public_url.startswith(("http://", "https://")):
            raise MailConfigError("NPL_PUBLIC_URL must start with http:// or https://")
        user, password = env.get("NPL_SMTP_USER", ""), env.get("NPL_SMTP_PASSWORD", "")
        if user and not password:
            raise MailConfigError("NPL_SMTP_PASSWORD is not set (NPL_SMTP_USER is)")
        return cls(host=host, port=int(raw_port) if raw_port else DEFAULT_PORTS[security], security=security,
                   user=user, password=password, sender=sender, public_url=public_url.rstrip("/"))


def message(digest: Digest, *, sender: str, recipient: str, name: str) -> EmailMessage:
    """The e-mail: plain text first, HTML as the alternative a mail reader prefers."""
    mail = EmailMessage()
    mail["Subject"] = digest.subject
    mail["From"] = sender
    mail["To"] = formataddr((name, recipient))
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(digest.plain)
    mail.add_alternative(digest.html, subtype="html")
    return mail


def deliver(config: MailConfig, mail: EmailMessage) -> None:
    """Send one message over its own connection (a failure cannot leave a half-used one to the next)."""
    context = ssl.create_default_context()
    if config.security == "tls":
        server: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        server = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with server:
        if config.security == "starttls":
            server.starttls(context=context)
        if config.user:
            server.login(config.user, config.password)
        server.send_message(mail)


@dataclass
class RunCounts:
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    items_due: int = 0
    failed_users: list[str] = field(default_factory=list)

    def as_audit(self, *, day: dt.date, username: str | None) -> dict:
        return {"day": day.isoformat(), "recipients": self.recipients, "sent": self.sent, "failed": self.failed,
                "items_due": self.items_due, "failed_users": self.failed_users, "only_user": username}


def run(engine: Engine, *, config: MailConfig, day: dt.date, text: Callable[[str, str], Callable[..., str]],
        money: Callable[[int, str], str], dry_run: bool = False, username: str | None = None,
        send: Callable[[MailConfig, EmailMessage], None] = deliver,
        show: Callable[[str], None] = print) -> RunCounts:
    """Send every recipient (or ``username`` only) their digest; returns the counts (audited unless dry run).

    ``text(language)`` gives the translate function of a language, ``money(cents, symbol)`` formats amounts.
    """
    counts = RunCounts()
    with session_factory(engine)() as session:
        recipients = [(u.id, u.username, u.display_name, u.email, u.language)
                      for u in users.digest_recipients(session, username=username)]
        symbol = get_settings(session).currency_symbol
    counts.recipients = len(recipients)
    for user_id, login, name, email, language in recipients:
        try:
            with session_factory(engine)() as session:
                user = session.get(AppUser, user_id)
                items = today_items.for_user(session, actor=users.actor_of(user), today=day)
            digest = compose(items, name=name, day=day, text=text(language), money=lambda c: money(c, symbol),
                             base_url=config.public_url, language=language)
            mail = message(digest, sender=config.sender or "npl-oversight@localhost", recipient=email, name=name)
            if dry_run:
                show(f"--- {login} <{email}> ({language}): {digest.subject}\n{digest.plain}\n")
            else:
                send(config, mail)
                show(f"sent to {login} <{email}>: {digest.subject}")
            counts.sent += 1
            counts.items_due += digest.due
        except Exception as problem:  # noqa: BLE001 - one recipient's failure must not stop the others
            counts.failed += 1
            counts.failed_users.append(login)
            log.error("digest for %s <%s> failed: %s", login, email, problem)
    if not dry_run:
        with transaction(engine) as session:
            record(session, actor=None, username="system", action="digest.send", entity="digest",
                   entity_id=day.isoformat(), after=counts.as_audit(day=day, username=username))
    return counts
