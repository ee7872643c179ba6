"""The e-mailed digest of one user's Today items: subject, plain text and HTML, in the user's language.

Pure: the items come from data.today.for_user (read with the user's own scope), the words from a ``text``
function (translate into the user's language) and amounts from a ``money`` function, so the same message is
built in a test as in scripts/send_digest.py. Every value that a user or an import typed (a display name, a
cooperative's name, an audit action) is HTML-escaped in the HTML part; links point back at the app's public
address with the item's filter.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from domain.today import Item, Link, due_count

Text = Callable[..., str]
Money = Callable[[int], str]


@dataclass(frozen=True)
class Digest:
    subject: str
    plain: str
    html: str
    due: int  # items with something to do


def link_url(link: Link, base_url: str, language: str) -> str:
    """The item's address in the app, in the reader's language (?lang= when not English)."""
    query = link.query + ((("lang", language),) if language != "en" else ())
    return Link(link.page, query).url(base_url)


def _lines(item: Item, text: Text, money: Money, base_url: str, language: str) -> tuple[str, list[str]]:
    """(title, plain lines) of one item."""
    title = text(f"today.item.{item.key}", days=item.days)
    if item.missing is not None:
        return title, [text(f"today.missing.{item.missing}")]
    if not item.due:
        return title, [text("today.nothing_due")]
    figures = f"{text('today.count')}: {item.count:,}"
    if item.amount_cents is not None:
        figures += f" · {text('today.amount')}: {money(item.amount_cents)}"
    lines = [figures]
    if item.link is not None:
        lines.append(f"{text('digest.open')}: {link_url(item.link, base_url, language)}")
    for detail in item.details:
        amount = "" if detail.amount_cents is None else f" · {money(detail.amount_cents)}"
        lines.append(f"  - {detail.name}: {detail.count:,}{amount} · {link_url(detail.link, base_url, language)}")
    return title, lines


def _html_item(item: Item, text: Text, money: Money, base_url: str, language: str) -> str:
    title = escape(text(f"today.item.{item.key}", days=item.days))
    if item.missing is not None:
        return f"<h3>{title}</h3><p><em>{escape(text(f'today.missing.{item.missing}'))}</em></p>"
    if not item.due:
        return f"<h3>{title}</h3><p style=\"color:#2e7d32\">{escape(text('today.nothing_due'))}</p>"
    figures = f"{escape(text('today.count'))}: <strong>{item.count:,}</strong>"
    if item.amount_cents is not None:
        figures += f" · {escape(text('today.amount'))}: <strong>{escape(money(item.amount_cents))}</strong>"
    parts = [f"<h3>{title}</h3>", f"<p>{figures}</p>"]
    if item.link is not None:
        url = escape(link_url(item.link, base_url, language), quote=True)
        parts.append(f"<p><a href=\"{url}\">{escape(text('today.open_list', count=f'{item.count:,}'))}</a></p>")
    if item.details:
        rows = []
        for detail in item.details:
            amount = "" if detail.amount_cents is None else f" · {escape(money(detail.amount_cents))}"
            url = escape(link_url(detail.link, base_url, language), quote=True)
            rows.append(f"<li><a href=\"{url}\">{escape(detail.name)}</a>: {detail.count:,}{amount}</li>")
        parts.append(f"<ul>{''.join(rows)}</ul>")
    return "".join(parts)


def compose(items: list[Item], *, name: str, day: dt.date, text: Text, money: Money, base_url: str,
            language: str) -> Digest:
    """One user's digest. ``name`` is their display name (typed by an admin: escaped in the HTML)."""
    due = due_count(items)
    subject = (text("digest.subject", due=due, day=day.isoformat()) if due
               else text("digest.subject_none", day=day.isoformat()))
    app_url = base_url.rstrip("/") + "/" + ("" if language == "en" else f"?lang={language}")
    plain = [text("digest.greeting", name=name), "", text("digest.intro", day=day.isoformat()),
             text("today.summary", due=due, total=len(items)), ""]
    for item in items:
        title, lines = _lines(item, text, money, base_url, language)
        plain += [f"* {title}", *[f"  {line}" for line in lines], ""]
    plain += [f"{text('digest.open_app')}: {app_url}", "", "-- ", text("digest.footer")]
    html = ("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">"
            f"<p>{escape(text('digest.greeting', name=name))}</p>"
            f"<p>{escape(text('digest.intro', day=day.isoformat()))}<br>"
            f"<strong>{escape(text('today.summary', due=due, total=len(items)))}</strong></p>"
            + "".join(_html_item(item, text, money, base_url, language) for item in items)
            + f"<p><a href=\"{escape(app_url, quote=True)}\">{escape(text('digest.open_app'))}</a></p>"
            f"<hr><p style=\"color:#666;font-size:small\">{escape(text('digest.footer'))}</p></body></html>")
    return Digest(subject=subject, plain="\n".join(plain), html=html, due=due)
