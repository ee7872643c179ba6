"""Finding 4: an admin scoped to one cooperative manages only that cooperative's accounts.

Before: an admin whose own account had ``cooperative_id`` set could reset the union admin's password and create
a union-wide director. Rule (``data/users.py``): a scoped admin lists, creates, changes, resets and signs out
only users of their own cooperative, never gives an account a wider scope than their own (``cooperative_id``
None = the whole union) and never touches a union-wide account; a union admin may do everything. Enforced in
the commands; the admin page only offers what the commands would accept.

Fixture (hand-made): cooperatives A and B, officers Ana (A) and Bo (B); users ``root`` (admin, union),
``adm_a`` (admin, A), ``sup_a`` (supervisor, A), ``sup_b`` (supervisor, B), ``dir_u`` (director, union).
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from components.i18n import catalogs
from data import sessions, users
from data.db import make_engine, transaction
from data.errors import ValidationError
from data.models import AppUser, Base, Cooperative
from data.passwords import verify_password
from data.users import actor_of
from tests import factory as f
from tests.apptest_support import page

PASSWORD = "Escalate-2026"


@pytest.fixture
def world(engine):
    with transaction(engine) as s:
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, bo = f.officer(s, a, "Ana"), f.officer(s, b, "Bo")
        people = {"root": f.user(s, "root", "admin"), "adm_a": f.user(s, "adm_a", "admin", cooperative_id=a.id),
                  "sup_a": f.user(s, "sup_a", "supervisor", cooperative_id=a.id),
                  "sup_b": f.user(s, "sup_b", "supervisor", cooperative_id=b.id),
                  "dir_u": f.user(s, "dir_u", "director")}
        ids = {"A": a.id, "B": b.id, "ana": ana.id, "bo": bo.id, **{name: u.id for name, u in people.items()}}
        actors = {name: actor_of(u) for name, u in people.items()}
    return engine, actors, ids


def counts(engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {t.name: int(s.scalar(select(func.count()).select_from(t))) for t in Base.metadata.sorted_tables}


#: (name, command, kwargs(ids), error key): every way a scoped admin could reach beyond their cooperative
ESCALATIONS = [
    ("reset the union admin's password", users.reset_password,
     lambda i: dict(user_id=i["root"], password=PASSWORD), "error.user_outside_scope"),
    ("reset a union-wide director's password", users.reset_password,
     lambda i: dict(user_id=i["dir_u"], password=PASSWORD), "error.user_outside_scope"),
    ("reset another cooperative's user's password", users.reset_password,
     lambda i: dict(user_id=i["sup_b"], password=PASSWORD), "error.user_outside_scope"),
    ("deactivate the union admin", users.update,
     lambda i: dict(user_id=i["root"], role="admin", cooperative_id=None, officer_id=None, active=False),
     "error.user_outside_scope"),
    ("move the union admin into their own cooperative", users.update,
     lambda i: dict(user_id=i["root"], role="admin", cooperative_id=i["A"], officer_id=None, active=True),
     "error.user_outside_scope"),
    ("demote a union-wide director", users.update,
     lambda i: dict(user_id=i["dir_u"], role="auditor", cooperative_id=None, officer_id=None, active=True),
     "error.user_outside_scope"),
    ("change another cooperative's user", users.update,
     lambda i: dict(user_id=i["sup_b"], role="director", cooperative_id=i["B"], officer_id=None, active=True),
     "error.user_outside_scope"),
    ("widen an own user to the whole union", users.update,
     lambda i: dict(user_id=i["sup_a"], role="director", cooperative_id=None, officer_id=None, active=True),
     "error.scope_wider_than_own"),
    ("move an own user to another cooperative", users.update,
     lambda i: dict(user_id=i["sup_a"], role="supervisor", cooperative_id=i["B"], officer_id=None, active=True),
     "error.scope_wider_than_own"),
    ("widen their own account to the whole union", users.update,
     lambda i: dict(user_id=i["adm_a"], role="admin", cooperative_id=None, officer_id=None, active=True),
     "error.scope_wider_than_own"),
    ("create a union-wide director", users.create,
     lambda i: dict(username="newdir", display_name="New", password=PASSWORD, role="director", cooperative_id=None),
     "error.scope_wider_than_own"),
    ("create a union-wide admin", users.create,
     lambda i: dict(username="newadm", display_name="New", password=PASSWORD, role="admin", cooperative_id=None),
     "error.scope_wider_than_own"),
    ("create a user in another cooperative", users.create,
     lambda i: dict(username="newsup", display_name="New", password=PASSWORD, role="supervisor",
                    cooperative_id=i["B"]), "error.scope_wider_than_own"),
    ("create an officer account for another cooperative's officer", users.create,
     lambda i: dict(username="newoff", display_name="New", password=PASSWORD, role="officer",
                    cooperative_id=i["B"], officer_id=i["bo"]), "error.scope_wider_than_own"),
    ("sign the union admin out everywhere", users.sign_out_everywhere,
     lambda i: dict(user_id=i["root"]), "error.user_outside_scope"),
    ("sign another cooperative's user out everywhere", users.sign_out_everywhere,
     lambda i: dict(user_id=i["sup_b"]), "error.user_outside_scope"),
]


@pytest.mark.parametrize(("name", "command", "arguments", "key"), ESCALATIONS, ids=[e[0] for e in ESCALATIONS])
def test_a_scoped_admin_cannot_reach_beyond_their_cooperative(world, name, command, arguments, key):
    engine, actors, ids = world
    with transaction(engine) as s:
        for user_id in (ids["root"], ids["dir_u"], ids["sup_b"]):
            sessions.start(s, user_id=user_id)
    before = counts(engine)
    with pytest.raises(ValidationError) as refused, transaction(engine) as s:
        command(s, actor=actors["adm_a"], **arguments(ids))
    assert refused.value.key == key, name
    assert counts(engine) == before, "nothing written"
    with transaction(engine) as s:
        assert verify_password("password-123", s.get(AppUser, ids["root"]).password_hash)
        assert s.get(AppUser, ids["root"]).active
        assert sessions.open_count(s, user_id=ids["root"]) == 1


def test_the_refusals_are_translated():
    for lang in ("en", "es"):
        for key in ("error.user_outside_scope", "error.scope_wider_than_own"):
            assert catalogs()[lang][key] and catalogs()[lang][key] != key


def test_a_scoped_admin_lists_only_their_cooperative(world):
    engine, actors, ids = world
    with transaction(engine) as s:
        assert sorted(users.list_(s, actor=actors["adm_a"]).username) == ["adm_a", "sup_a"]
        assert list(users.list_officer_choices(s, actor=actors["adm_a"]).id) == [ids["ana"]]
        assert sorted(users.list_(s, actor=actors["root"]).username) == ["adm_a", "dir_u", "root", "sup_a", "sup_b"]
        assert sorted(users.list_officer_choices(s, actor=actors["root"]).id) == sorted([ids["ana"], ids["bo"]])


def test_a_scoped_admin_manages_their_own_cooperative(world):
    engine, actors, ids = world
    with transaction(engine) as s:
        users.create(s, actor=actors["adm_a"], username="off_a", display_name="Officer A", password=PASSWORD,
                     role="officer", cooperative_id=ids["A"], officer_id=ids["ana"])
        users.update(s, actor=actors["adm_a"], user_id=ids["sup_a"], role="director", cooperative_id=ids["A"],
                     officer_id=None, active=True)
        users.reset_password(s, actor=actors["adm_a"], user_id=ids["sup_a"], password=PASSWORD)
        users.sign_out_everywhere(s, actor=actors["adm_a"], user_id=ids["sup_a"])
        assert s.get(AppUser, ids["sup_a"]).role == "director"


def test_a_union_admin_may_do_everything(world):
    engine, actors, ids = world
    with transaction(engine) as s:
        users.create(s, actor=actors["root"], username="dir_new", display_name="Union director", password=PASSWORD,
                     role="director", cooperative_id=None)
        users.reset_password(s, actor=actors["root"], user_id=ids["dir_u"], password=PASSWORD)
        users.update(s, actor=actors["root"], user_id=ids["sup_b"], role="supervisor", cooperative_id=None,
                     officer_id=None, active=True)
        users.update(s, actor=actors["root"], user_id=ids["adm_a"], role="admin", cooperative_id=ids["B"],
                     officer_id=None, active=True)
        users.sign_out_everywhere(s, actor=actors["root"], user_id=ids["adm_a"])


# ------------------------------------------------------------------------------------------------ the page
def test_the_admin_page_offers_a_scoped_admin_only_their_cooperative(private_demo_url):
    engine = make_engine(private_demo_url)
    try:
        with transaction(engine) as s:
            coop = s.scalar(select(AppUser).where(AppUser.username == "supervisor_c1")).cooperative_id
            coop_name = s.get(Cooperative, coop).name
            f.user(s, "admin_c1", "admin", cooperative_id=coop)
            own = sorted(s.scalars(select(AppUser.username).where(AppUser.cooperative_id == coop)))
    finally:
        engine.dispose()
    at = page("admin", username="admin_c1")
    assert not at.exception
    assert sorted(at.dataframe[0].value["Username"]) == own and "admin" not in own
    assert at.selectbox(key="admin.create.coop").options == [coop_name], "no 'whole union', no other cooperative"
    assert sorted(at.selectbox(key="admin.edit.user").options) == own
    assert sorted(at.selectbox(key="admin.sign_out.user").options) == own
    reset = next(w for w in at.selectbox if w.form_id == "admin.reset")
    assert sorted(reset.options) == own
    assert any(coop_name in c.value for c in at.caption)
    # creating a director in their own cooperative through the form works
    by_label = {w.label: w for w in at.text_input if w.form_id == "admin.create"}
    by_label["Username"].input("dir_c1")
    by_label["Full name"].input("Director C1")
    by_label["Initial password"].input(PASSWORD)
    next(w for w in at.selectbox if w.form_id == "admin.create" and w.label == "Role").set_value("director")
    at = next(b for b in at.button if b.form_id == "admin.create").click().run()
    assert any(s.value == "User created." for s in at.success), [e.value for e in at.error]
    engine = make_engine(private_demo_url)
    try:
        with transaction(engine) as s:
            assert users.get_by_username(s, username="dir_c1").cooperative_id == coop
    finally:
        engine.dispose()
