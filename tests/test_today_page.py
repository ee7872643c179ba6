"""The Today page for every demo user in both languages (AppTest on the demo database), the filtered views its
links open, and the profile command behind the digest's language and opt-out."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from data import users
from data.db import transaction
from data.errors import ValidationError
from data.models import AppUser, AuditLog
from domain.today import ROLE_ITEMS
from tests import factory as f
from tests.apptest_support import page

ROLE_OF = {"director": "director", "supervisor": "supervisor", "supervisor_c1": "supervisor", "officer": "officer",
           "auditor": "auditor", "admin": "admin"}


@pytest.mark.parametrize("lang, nothing_due", [("en", "Nothing due."), ("es", "Nada pendiente.")])
@pytest.mark.parametrize("username", list(ROLE_OF))
def test_today_lists_every_item_of_the_role(demo_db_url, username, lang, nothing_due):
    at = page("today", username=username, lang=lang)
    assert not at.exception, at.exception
    assert at.title[0].value == ("Today" if lang == "en" else "Hoy")
    count_label = "How many" if lang == "en" else "Cuántos"
    counts = [int(m.value.replace(",", "")) for m in at.metric if m.label == count_label]
    missing = [i.value for i in at.info]
    assert len(counts) + len(missing) == len(ROLE_ITEMS[ROLE_OF[username]])  # every item says something
    links = [m.value for m in at.markdown if "](" in m.value]
    assert len(links) >= sum(1 for c in counts if c)  # each item with rows links to them
    assert sum(1 for s in at.success if s.value == nothing_due) == sum(1 for c in counts if c == 0)


@pytest.mark.parametrize("name, username, query, text", [
    ("officers", "supervisor_c1", {"show": "gaps"}, "the accountability gap only"),
    ("officers", "supervisor", {"show": "overdue", "coop": "all"}, "open assignments past their deadline"),
    ("my_record", "officer", {"show": "idle", "days": "30"}, "no collection action logged for 30 days"),
    ("assets", "director", {"due_within": "60", "coop": "all"}, "passing it within 60 days"),
    ("admin", "admin", {"users": "no_cooperative"}, "accounts with no cooperative")])
def test_a_filtered_view_says_so(demo_db_url, name, username, query, text):
    at = page(name, username=username, query=query)
    assert not at.exception, at.exception
    assert any(text in i.value for i in at.info), [i.value for i in at.info]


def test_a_forged_number_of_days_falls_back_to_the_setting(demo_db_url):
    at = page("officers", username="supervisor_c1", query={"show": "due", "days": "99999"})
    assert not at.exception
    assert any("within 7 days" in i.value for i in at.info)


def test_a_user_changes_only_their_own_digest_settings(engine):
    with transaction(engine) as s:
        coop = f.cooperative(s, "A")
        user = f.user(s, "sup", "supervisor", cooperative_id=coop.id)
        actor = users.actor_of(user)
    with transaction(engine) as s:
        users.update_profile(s, actor=actor, language="es", digest_opt_out=True)
    with transaction(engine) as s:
        assert users.get_profile(s, actor=actor) == {"email": "", "language": "es", "digest_opt_out": True}
        row = s.scalar(select(AuditLog).where(AuditLog.action == "user.profile"))
        assert json.loads(row.after) == {"language": "es", "digest_opt_out": True}
        assert json.loads(row.before) == {"language": "en", "digest_opt_out": False}
    with pytest.raises(ValidationError) as refused, transaction(engine) as s:
        users.update_profile(s, actor=actor, language="xx", digest_opt_out=False)
    assert refused.value.key == "error.profile.language"
    with transaction(engine) as s:
        assert s.scalar(select(AppUser.language).where(AppUser.username == "sup")) == "es"  # nothing written
        assert users.digest_recipients(s) == []  # no address, and opted out
