"""A partial tape does not silently close most of a month, and the report shows cells as written.

Found by the outside test: a 500-row tape for a month of about 5,400 loans replaced the month and the NPL
balance fell from about ¥40 M to ¥9.5 M without a warning. Hand-computed on the book: C1 holds 5 open loans in
OCT (1,000.00 ... 5,000.00; C1-5 substandard). A tape of C1-1 and C1-2 only leaves out C1-3, C1-4, C1-5: 3 of
5 loans (60 %), balance 3,000 + 4,000 + 5,000 = 12,000.00, of which NPL 5,000.00.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from data import settings as settings_store
from data.db import transaction
from domain.scope import Actor, Scope
from tests.security.import_book import NOV, OCT, SEP, build, month_rows, row, run, tape

ROOT = Path(__file__).resolve().parents[2]


def test_a_partial_tape_is_not_written_until_confirmed_and_says_what_it_leaves_out(engine):
    ids = build(engine)
    before = month_rows(engine, OCT)
    data = tape([row(ids, "C1", 1), row(ids, "C1", 2)])
    result = run(engine, data)
    assert result.ok and result.needs_confirmation and not result.written
    shrink = result.shrink
    assert (shrink.reference_month, shrink.loans_before, shrink.loans_missing) == (OCT, 5, 3)
    assert (shrink.balance_missing_cents, shrink.npl_missing_cents) == (1_200_000, 500_000)
    assert shrink.share_pct == pytest.approx(60.0)
    assert month_rows(engine, OCT) == before
    confirmed = run(engine, data, allow_shrink=True)
    assert confirmed.written and sorted(c for c in month_rows(engine, OCT) if c.startswith("C1")) == ["C1-1", "C1-2"]


def test_a_new_month_is_compared_with_the_month_before(engine):
    ids = build(engine)
    result = run(engine, tape([row(ids, "C2", n) for n in range(1, 5)]), month=NOV)  # C2-5 left out: 1 of 5
    assert result.needs_confirmation and result.shrink.reference_month == OCT
    assert (result.shrink.loans_missing, result.shrink.npl_missing_cents) == (1, 500_000)


def test_the_share_allowed_is_a_setting(engine):
    ids = build(engine)
    with transaction(engine) as s:
        admin = Actor(user_id=None, username="system", role="admin", scope=Scope.union())
        settings_store.update(s, actor=admin, changes={"import_max_shrink_pct": "60"})
    result = run(engine, tape([row(ids, "C1", 1), row(ids, "C1", 2)]))
    assert result.written and result.shrink.share_pct == pytest.approx(60.0)  # 60 % is not more than 60 %


def test_the_first_tape_of_a_cooperative_has_nothing_to_compare_with(engine):
    ids = build(engine)
    result = run(engine, tape([row(ids, "C1", 1)]), month=SEP.replace(month=8))
    assert result.written and result.shrink is None


def test_the_report_shows_the_cell_as_written_in_the_file(engine):
    ids = build(engine)
    body = [row(ids, "C1", n) for n in range(1, 6)]
    body[0][7] = "-37.333,32"
    body[1][7:9] = ["2.000,00", "9.999,00"]  # overdue above the balance
    result = run(engine, tape(body, sep=";"), decimal=",")
    report = {(r.row, r.field): (r.value, r.reason) for r in result.errors.itertuples()}
    assert report[(2, "outstanding")] == ("-37.333,32", "error.import.negative")
    assert report[(3, "overdue")] == ("9.999,00", "error.import.overdue_above_balance")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "scripts/import_data.py", "tape", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_the_command_line_needs_allow_shrink(engine, tmp_path):
    ids = build(engine)
    path = tmp_path / "partial.csv"
    path.write_bytes(tape([row(ids, "C1", 1), row(ids, "C1", 2)]))
    url = engine.url.render_as_string(hide_password=False)
    refused = _cli(str(path), "--month", "2026-10", "--url", url)
    assert refused.returncode == 1, refused.stderr
    assert "3 of the 5 loans open in 2026-10 (60.0%)" in refused.stdout and "--allow-shrink" in refused.stderr
    assert len(month_rows(engine, OCT)) == 10
    done = _cli(str(path), "--month", "2026-10", "--url", url, "--allow-shrink")
    assert done.returncode == 0, done.stderr
    assert len(month_rows(engine, OCT)) == 7
