"""An import replaces only the rows of the cooperatives in the file, and only inside the importer's scope.

Found by the outside test: a tape of C01 imported by an admin scoped to C01 deleted the month's rows of all ten
cooperatives. Hand-computed: OCT holds 5 loans of C1 (15,000.00) and 5 of C2 (15,000.00); C1's tape with new
balances 100.00 x n replaces only C1's five rows: C1 then holds 1,500.00, C2 still 15,000.00.
"""
from __future__ import annotations

from tests.security.import_book import OCT, build, month_rows, portfolio_total, row, run, scoped_admin, tape


def test_a_scoped_admins_tape_leaves_other_cooperatives_untouched(engine):
    ids = build(engine)
    before = month_rows(engine, OCT)
    body = [row(ids, "C1", n, outstanding=f"{n * 100}.00", loan_class="substandard" if n == 5 else "normal",
                dpd="120" if n == 5 else "0", overdue="50.00" if n == 5 else "0") for n in range(1, 6)]
    result = run(engine, tape(body), actor=scoped_admin(ids["C1"][0]))
    assert result.ok and result.written, result.errors
    assert result.counts["month_rows_replaced"] == 5
    after = month_rows(engine, OCT)
    assert {c: v for c, v in after.items() if c.startswith("C2")} == {c: v for c, v in before.items()
                                                                     if c.startswith("C2")}
    assert {c: v[0] for c, v in after.items() if c.startswith("C1")} == {f"C1-{n}": n * 10_000 for n in range(1, 6)}
    assert portfolio_total(engine, OCT) == 1_500_000 + 150_000  # C2 15,000.00 + C1 1,500.00, in cents


def test_a_union_admins_tape_of_one_cooperative_also_replaces_only_that_cooperative(engine):
    ids = build(engine)
    body = [row(ids, "C2", n) for n in range(1, 6)]
    assert run(engine, tape(body)).written
    after = month_rows(engine, OCT)
    assert len(after) == 10 and after["C1-5"] == (500_000, "substandard") and after["C2-5"] == (500_000, "normal")


def test_a_scoped_admins_tape_naming_another_cooperative_is_refused_and_writes_nothing(engine):
    ids = build(engine)
    before = month_rows(engine, OCT)
    body = [row(ids, "C1", n) for n in range(1, 6)] + [row(ids, "C2", 1)]
    result = run(engine, tape(body), actor=scoped_admin(ids["C1"][0]))
    assert not result.written
    assert list(result.errors.reason) == ["error.import.cooperative_out_of_scope", "error.import.unknown_officer"]
    assert list(result.errors.row) == [7, 7]
    assert month_rows(engine, OCT) == before


def test_a_scoped_admin_learns_nothing_of_other_cooperatives_from_the_report(engine):
    ids = build(engine)
    body = [row(ids, "C1", 1), [*row(ids, "C1", 2)[:1], "C2", *row(ids, "C1", 2)[2:]],
            [*row(ids, "C1", 3)[:1], "C9", *row(ids, "C1", 3)[2:]],
            [*row(ids, "C1", 4)[:2], ids["C2"][1], *row(ids, "C1", 4)[3:]],
            [*row(ids, "C1", 5)[:2], "E-NONE", *row(ids, "C1", 5)[3:]]]
    result = run(engine, tape(body), actor=scoped_admin(ids["C1"][0]))
    reasons = {(r.row, r.field): r.reason for r in result.errors.itertuples()}
    # another cooperative's code and a code that does not exist read the same; so do their officers
    assert reasons[(3, "cooperative_code")] == reasons[(4, "cooperative_code")] == "error.import.cooperative_out_of_scope"
    assert reasons[(5, "officer_employee_no")] == reasons[(6, "officer_employee_no")] == "error.import.unknown_officer"
