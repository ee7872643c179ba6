"""Two imports at once: serialised by the database's import lock, never a raw IntegrityError.

Found by the outside test: two imports of the same new contract at once ended in an IntegrityError, with the
exit status of a validation error.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from data.db import session_factory, transaction
from data.importer import ImportBusyError
from data.importer.locks import hold_import_lock
from data.models import ImportBatch, Loan
from tests.security.import_book import build, row, run, tape


def test_two_imports_of_the_same_new_contract_at_once_both_succeed_one_after_the_other(engine):
    ids = build(engine)
    body = [row(ids, "C1", n) for n in range(1, 5)] + [["C1-NEW", *row(ids, "C1", 5)[1:]]]
    body[-1][7:11] = ["700.00", "0", "0", "normal"]
    data = tape(body)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def one() -> None:
        start.wait()
        try:
            outcomes.append(run(engine, data, allow_shrink=True))
        except BaseException as problem:  # noqa: BLE001 - reported below
            outcomes.append(problem)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(getattr(o, "written", False) for o in outcomes), outcomes
    assert sorted(o.counts["loans_created"] for o in outcomes) == [0, 1]
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Loan).where(Loan.contract_no == "C1-NEW")) == 1
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 2


def test_an_import_waiting_too_long_for_the_lock_is_told_so_and_writes_nothing(engine):
    build(engine)
    with transaction(engine) as holder:
        hold_import_lock(holder)
        with session_factory(engine)() as waiting, waiting.begin():
            with pytest.raises(ImportBusyError) as busy:
                hold_import_lock(waiting, wait_seconds=1)
            assert busy.value.key == "error.import.busy" and busy.value.params == {"wait": 1}
