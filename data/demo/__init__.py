"""Deterministic demo data: a union of rural credit cooperatives collecting its non-performing loans.

Why this exists: every page of the dashboard needs a database that tells the story of DOMAIN.md -- a large
old NPL stock that shrinks under collection after management's cutoff, new NPLs that keep appearing (more
from careless officers), hidden NPLs, evergreening, assignments met, missed and forgotten, every collection
method, foreclosed assets past their legal limit, reviews and four-eyes decisions. One seeded
``random.Random`` drives everything, so the same (seed, end month, sizes) always gives the same database:
the app's first start, the tests and any screenshot all see the same figures.

How it works: each loan is simulated month by month from its issue (up to four years before the first
reported month) to repayment or the end month. A borrower-side step decides payment, temporary arrears or
default; after the cutoff every recognised NPL gets an assignment and its officer's diligence drives
collection actions whose recoveries are the only thing that lowers an NPL's balance. Rows are collected as
plain dicts and bulk inserted; the monthly aggregates are rebuilt at the end. The first occurrences of rare
events (a hidden NPL, each legal stage, each asset type and status, a due-soon deadline...) are steered, so
that a small demo, as the tests use, still shows every part of the story.

Run ``python -m data.demo --help``.

Modules: ``parameters`` (sizes, rates, vocabularies), ``names`` (name pools), ``months`` (month
arithmetic), ``records`` (what the simulation keeps), ``world``, ``lifecycle``, ``collection``, ``foreclosure``
and ``governance`` (the parts of the generator, composed in ``generator``), ``database`` (writing it),
``cli`` (the command line).
"""
from data.demo.database import delete_all, ensure_demo_database, generate, is_empty
from data.demo.months import cutoff_months_before_end, default_end_month
from data.demo.parameters import DEFAULT_LOANS, DEFAULT_MONTHS, DEFAULT_SEED, DEMO_USERS
from data.demo.records import DemoSummary


def main(argv=None) -> int:
    """``python -m data.demo``: see data.demo.cli."""
    from data.demo.cli import main as run

    return run(argv)


__all__ = ["DEFAULT_LOANS", "DEFAULT_MONTHS", "DEFAULT_SEED", "DEMO_USERS", "DemoSummary", "cutoff_months_before_end",
           "default_end_month", "delete_all", "ensure_demo_database", "generate", "is_empty", "main"]
