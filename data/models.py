"""The loan database: SQLAlchemy 2.0 typed models for every entity of DOMAIN.md.

Money columns end in ``_cents`` and hold integer minor units. Monthly facts are keyed by the first day
of the month. Constraint names follow one convention so Alembic migrations stay portable.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import false as sa_false
from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, MetaData,
                        SmallInteger, String, Text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from data.types import Cents, Code, IntPK, LongText, Month, OptionalCents, ShortText, Timestamp, fk

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Cooperative(Base):
    __tablename__ = "cooperative"
    id: Mapped[IntPK]
    code: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[ShortText]
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # deactivated, never deleted: history points at it


class Village(Base):
    __tablename__ = "village"
    id: Mapped[IntPK]
    code: Mapped[Code] = mapped_column(unique=True, index=True)  # the source system's code (tapes name villages by it)
    cooperative_id: Mapped[int] = fk("cooperative.id")
    name: Mapped[ShortText]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Officer(Base):
    """A loan officer ("credit marketing staff"): originates loans and is answerable for NPLs."""

    __tablename__ = "officer"
    id: Mapped[IntPK]
    cooperative_id: Mapped[int] = fk("cooperative.id")
    employee_no: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[ShortText]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    hired_on: Mapped[dt.date] = mapped_column(Date)


class Borrower(Base):
    __tablename__ = "borrower"
    __table_args__ = (CheckConstraint("kind IN ('household', 'enterprise')", name="kind"),
                      Index("ix_borrower_cooperative_source", "cooperative_id", "source_id", unique=True))
    id: Mapped[IntPK]
    source_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the tape's borrower_id
    cooperative_id: Mapped[int] = fk("cooperative.id")
    village_id: Mapped[int | None] = fk("village.id", nullable=True)
    name: Mapped[ShortText]
    kind: Mapped[str] = mapped_column(String(20))
    poor_household: Mapped[bool] = mapped_column(Boolean, default=False)
    able_but_unwilling: Mapped[bool] = mapped_column(Boolean, default=False)


class Loan(Base):
    __tablename__ = "loan"
    __table_args__ = (CheckConstraint("principal_cents > 0", name="principal_positive"),
                      CheckConstraint("maturity_date >= issue_date", name="maturity_after_issue"),
                      Index("ix_loan_purpose_issue_date", "purpose", "issue_date"))
    id: Mapped[IntPK]
    contract_no: Mapped[Code] = mapped_column(unique=True)
    borrower_id: Mapped[int] = fk("borrower.id")
    officer_id: Mapped[int] = fk("officer.id")  # the originating officer
    cooperative_id: Mapped[int] = fk("cooperative.id")
    issue_date: Mapped[dt.date] = mapped_column(Date, index=True)
    maturity_date: Mapped[dt.date] = mapped_column(Date)
    principal_cents: Mapped[Cents]
    rate_bp: Mapped[int] = mapped_column(Integer)  # annual interest rate in basis points
    purpose: Mapped[str] = mapped_column(String(40))
    guarantee_type: Mapped[str] = mapped_column(String(20))
    refinances_loan_id: Mapped[int | None] = fk("loan.id", nullable=True)
    restructured_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class LoanMonth(Base):
    """One row per loan per month: the balance, arrears and class reported at month end."""

    __tablename__ = "loan_month"
    __table_args__ = (
        CheckConstraint("outstanding_cents >= 0", name="outstanding_not_negative"),
        CheckConstraint("days_past_due >= 0", name="dpd_not_negative"),
        CheckConstraint("loan_class IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')",
                        name="loan_class"),
        Index("ix_loan_month_month_coop_class", "month", "cooperative_id", "loan_class"),
        # covering index of a month's loans by class and balance: the month's NPLs, largest first, are read from
        # the index alone (largest_npls, the NPLs with no named person; migration 0017)
        Index("ix_loan_month_month_class_balance", "month", "loan_class", "outstanding_cents", "loan_id",
              "cooperative_id", "days_past_due"),
    )
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), primary_key=True)
    month: Mapped[Month] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))  # copied from loan for scoping
    outstanding_cents: Mapped[Cents]
    overdue_cents: Mapped[Cents]
    days_past_due: Mapped[int] = mapped_column(Integer, default=0)
    loan_class: Mapped[str] = mapped_column(String(20))
    written_off_cents: Mapped[Cents]  # written off during the month (partial or full); 0 when none
    provision_cents: Mapped[OptionalCents]  # loan-loss provision the tape reports; None: the class rate applies


class Assignment(Base):
    """Responsibility for recovering one NPL: officer, target and deadline."""

    __tablename__ = "assignment"
    __table_args__ = (CheckConstraint("target_cents > 0", name="target_positive"),
                      CheckConstraint("deadline > assigned_on", name="deadline_after_assignment"),
                      Index("ix_assignment_officer_outcome", "officer_id", "outcome"),
                      Index("ix_assignment_outcome_loan", "outcome", "loan_id"),
                      Index("ix_assignment_outcome_deadline", "outcome", "deadline"),
                      # covering indexes of the officer figures by deadline status (migration 0017): per officer
                      # (data.officers.assignments_by_status) and per deadline month (on_time_by_deadline_month)
                      Index("ix_assignment_officer_status", "officer_id", "outcome", "deadline", "closed_on",
                            "cooperative_id", "target_cents", "recovered_cents"),
                      Index("ix_assignment_deadline_status", "deadline", "outcome", "closed_on", "officer_id",
                            "cooperative_id"),
                      Index("ix_assignment_loan_assigned", "loan_id", "assigned_on"))
    id: Mapped[IntPK]
    source_id: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True, index=True)  # the import's id
    loan_id: Mapped[int] = fk("loan.id")
    officer_id: Mapped[int] = fk("officer.id")
    cooperative_id: Mapped[int] = fk("cooperative.id")
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    target_cents: Mapped[Cents]
    deadline: Mapped[dt.date] = mapped_column(Date, index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="open")
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    previous_assignment_id: Mapped[int | None] = fk("assignment.id", nullable=True)
    #: summary: the sum of recovered_cents of the collection actions carrying this id, kept by every writer of
    #: collection_action (data.summaries.refresh_recovered); the officer figures read it instead of summing
    recovered_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")


class CollectionAction(Base):
    __tablename__ = "collection_action"
    __table_args__ = (CheckConstraint("recovered_cents >= 0", name="recovered_not_negative"),
                      CheckConstraint("cost_cents >= 0", name="cost_not_negative"),
                      Index("ix_collection_action_coop_date", "cooperative_id", "action_date"),
                      Index("ix_collection_action_action_date", "action_date"),
                      # an assignment's last action day from the index alone (data.deadlines, idle; migration 0017)
                      Index("ix_collection_action_assignment_date", "assignment_id", "action_date"))
    id: Mapped[IntPK]
    source_id: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True, index=True)
    loan_id: Mapped[int] = fk("loan.id")
    assignment_id: Mapped[int | None] = fk("assignment.id", nullable=True)
    officer_id: Mapped[int] = fk("officer.id")
    cooperative_id: Mapped[int] = fk("cooperative.id")
    method: Mapped[str] = mapped_column(String(20), index=True)
    action_date: Mapped[dt.date] = mapped_column(Date)
    recovered_cents: Mapped[Cents]
    cost_cents: Mapped[Cents]
    outcome: Mapped[str] = mapped_column(String(20))
    village_source: Mapped[str | None] = mapped_column(String(30), nullable=True)
    note: Mapped[LongText]


class LegalCase(Base):
    __tablename__ = "legal_case"
    id: Mapped[IntPK]
    source_id: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True, index=True)
    loan_id: Mapped[int] = fk("loan.id")
    cooperative_id: Mapped[int] = fk("cooperative.id")
    court: Mapped[ShortText]
    filed_on: Mapped[dt.date] = mapped_column(Date)
    claim_cents: Mapped[Cents]
    stage: Mapped[str] = mapped_column(String(20))
    judgment_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    enforcement_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    costs_cents: Mapped[Cents]
    recovered_cents: Mapped[Cents]


class ForeclosedAsset(Base):
    __tablename__ = "foreclosed_asset"
    __table_args__ = (CheckConstraint("book_value_cents >= 0", name="book_value_not_negative"),
                      CheckConstraint("proceeds_cents IS NULL OR proceeds_cents >= 0", name="proceeds_not_negative"))
    id: Mapped[IntPK]
    source_id: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True, index=True)
    loan_id: Mapped[int] = fk("loan.id")
    cooperative_id: Mapped[int] = fk("cooperative.id")
    asset_type: Mapped[str] = mapped_column(String(20))
    description: Mapped[LongText]
    on_balance_sheet: Mapped[bool] = mapped_column(Boolean)
    acquired_on: Mapped[dt.date] = mapped_column(Date)
    book_value_cents: Mapped[Cents]
    appraisal_cents: Mapped[OptionalCents]
    appraised_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    disposal_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    disposed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    proceeds_cents: Mapped[OptionalCents]
    disposal_cost_cents: Mapped[OptionalCents]
    lease_income_cents: Mapped[Cents]


class AppUser(Base):
    __tablename__ = "app_user"
    id: Mapped[IntPK]
    username: Mapped[Code] = mapped_column(unique=True)
    display_name: Mapped[ShortText]
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    cooperative_id: Mapped[int | None] = fk("cooperative.id", nullable=True)  # None = the whole union
    officer_id: Mapped[int | None] = fk("officer.id", nullable=True)  # for the officer role
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[Timestamp]
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")  # the digest's language
    digest_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class UserSession(Base):
    """A signed-in browser session, kept server-side so that every app server can end it.

    The browser's cookie carries a random session id; only its SHA-256 is stored here, so a copy of this
    table (a backup, a console session) cannot be replayed as a cookie. A session is valid while
    ``ended_at`` is empty and it is neither idle nor older than the configured lifetime
    (``data/sessions.py``); ``end_reason`` says why it ended (sign-out, password reset, ...).
    """

    __tablename__ = "user_session"
    id: Mapped[IntPK]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = fk("app_user.id")
    created_at: Mapped[Timestamp]
    last_seen_at: Mapped[Timestamp]
    ended_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)


class Review(Base):
    __tablename__ = "review"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_order"),)
    id: Mapped[IntPK]
    officer_id: Mapped[int] = fk("officer.id")
    cooperative_id: Mapped[int] = fk("cooperative.id")
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    rating: Mapped[str] = mapped_column(String(20))
    findings: Mapped[LongText]
    reviewer_id: Mapped[int] = fk("app_user.id")
    created_at: Mapped[Timestamp]
    assignments: Mapped[list[Assignment]] = relationship(secondary="review_assignment")


class ReviewAssignment(Base):
    __tablename__ = "review_assignment"
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), primary_key=True)


class Decision(Base):
    """A sanction or reward about an officer: proposed by one user, decided by another (four eyes)."""

    __tablename__ = "decision"
    __table_args__ = (CheckConstraint("amount_cents IS NULL OR amount_cents > 0", name="amount_positive"),
                      CheckConstraint("decided_by_id IS NULL OR decided_by_id <> proposed_by_id", name="four_eyes"))
    id: Mapped[IntPK]
    officer_id: Mapped[int] = fk("officer.id")
    cooperative_id: Mapped[int] = fk("cooperative.id")
    kind: Mapped[str] = mapped_column(String(30))
    amount_cents: Mapped[OptionalCents]
    months: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    reason: Mapped[LongText]
    effective_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)
    proposed_by_id: Mapped[int] = fk("app_user.id")
    proposed_at: Mapped[Timestamp]
    decided_by_id: Mapped[int | None] = fk("app_user.id", nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decision_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    revoked_by_id: Mapped[int | None] = fk("app_user.id", nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    revocation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    assignments: Mapped[list[Assignment]] = relationship(secondary="decision_assignment")


class DecisionAssignment(Base):
    __tablename__ = "decision_assignment"
    #: the accountability gap asks, per assignment, whether any decision names it
    __table_args__ = (Index("ix_decision_assignment_assignment_id", "assignment_id"),)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), primary_key=True)


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditLog(Base):
    """Append-only record of every write: who, when, what, before and after (JSON text)."""

    __tablename__ = "audit_log"
    id: Mapped[IntPK]
    at: Mapped[Timestamp] = mapped_column(index=True)
    user_id: Mapped[int | None] = fk("app_user.id", nullable=True)
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)


class ImportBatch(Base):
    """One import that wrote to the database, and whether it was withdrawn.

    Why it exists: a wrong tape (the wrong month, a partial file) must be reversible. What an import replaced
    is kept beside it (import_snapshot: the loan_month rows; import_change: the loans and borrowers it created
    or changed, with their values before) so an admin can withdraw it and get the month back as it was.
    """

    __tablename__ = "import_batch"
    id: Mapped[IntPK]
    kind: Mapped[str] = mapped_column(String(20))
    month: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    filename: Mapped[str] = mapped_column(String(200))
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[Timestamp]
    imported_by: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = fk("app_user.id", nullable=True)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    withdraw_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ImportBatchCooperative(Base):
    """The cooperatives whose rows of the month an import replaced (only these: never the whole union)."""

    __tablename__ = "import_batch_cooperative"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True, index=True)


class ImportSnapshot(Base):
    """A loan_month row as it was before an import replaced it."""

    __tablename__ = "import_snapshot"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), primary_key=True)
    month: Mapped[Month]
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    outstanding_cents: Mapped[Cents]
    overdue_cents: Mapped[Cents]
    days_past_due: Mapped[int] = mapped_column(Integer)
    loan_class: Mapped[str] = mapped_column(String(20))
    written_off_cents: Mapped[Cents]
    provision_cents: Mapped[OptionalCents]


class ImportChange(Base):
    """A loan or borrower an import created (``before`` empty) or changed (``before``: its fields as JSON)."""

    __tablename__ = "import_change"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(10), primary_key=True)
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created: Mapped[bool] = mapped_column(Boolean)
    before: Mapped[str | None] = mapped_column(Text, nullable=True)


# ---------------------------------------------------------------------------------------------
# Pre-aggregates: rebuilt for a month whenever its loan_month rows change (data/aggregates.py).
# ---------------------------------------------------------------------------------------------
class PortfolioMonth(Base):
    """Balance and count by month x cooperative x originating officer x class x segment."""

    __tablename__ = "portfolio_month"
    month: Mapped[Month] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), primary_key=True)
    loan_class: Mapped[str] = mapped_column(String(20), primary_key=True)
    segment: Mapped[str] = mapped_column(String(3), primary_key=True)
    balance_cents: Mapped[Cents]
    loan_count: Mapped[int] = mapped_column(Integer)


class LoanHistory(Base):
    """One row per loan summarising its monthly rows: first and last month reported, days past due in the
    last month, first month in an NPL class (None: never NPL).

    Why: the early-warning reads (evergreening: "overdue when repaid"; vintage: "first NPL month") would
    otherwise group the whole of loan_month at every view. Exact for any view month M as long as a loan's
    months are contiguous (the first NPL month <= M is this one if it is <= M, else none). Rebuilt by
    data.aggregates for the loans a changed month touches.
    """

    __tablename__ = "loan_history"
    __table_args__ = (Index("ix_loan_history_last_month", "last_month", "last_days_past_due"),)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), primary_key=True)
    first_month: Mapped[Month]
    last_month: Mapped[Month]
    last_days_past_due: Mapped[int] = mapped_column(Integer)
    first_npl_month: Mapped[dt.date | None] = mapped_column(Date)


class WatchMonth(Base):
    """The early-warning lists of a month: each loan a rule flags (Special Mention, Normal at risk, hidden
    NPL), with what the lists show. Rebuilt per month by data.aggregates (data/watchlist.py holds the rules)."""

    __tablename__ = "watch_month"
    __table_args__ = (Index("ix_watch_month_balance", "month", "watch", "balance_cents"),)
    month: Mapped[Month] = mapped_column(primary_key=True)
    watch: Mapped[str] = mapped_column(String(20), primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    loan_class: Mapped[str] = mapped_column(String(20))
    previous_class: Mapped[str | None] = mapped_column(String(20))
    floor_class: Mapped[str | None] = mapped_column(String(20))
    balance_cents: Mapped[Cents]
    overdue_cents: Mapped[Cents]
    days_past_due: Mapped[int] = mapped_column(Integer)
    worsened_flag: Mapped[int] = mapped_column(SmallInteger)
    days_past_due_flag: Mapped[int] = mapped_column(SmallInteger)
    maturity_flag: Mapped[int] = mapped_column(SmallInteger)
    reason: Mapped[str | None] = mapped_column(String(20))


class ClassTransition(Base):
    """Balance and count moving from one class to another between a month and the month before.

    ``from_class`` is 'new' for loans with no row the month before, ``to_class`` is 'closed' for loans
    with no row this month. Balances are those of the earlier month, except for new loans.
    """

    __tablename__ = "class_transition"
    month: Mapped[Month] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    segment: Mapped[str] = mapped_column(String(3), primary_key=True)
    from_class: Mapped[str] = mapped_column(String(20), primary_key=True)
    to_class: Mapped[str] = mapped_column(String(20), primary_key=True)
    balance_cents: Mapped[Cents]
    loan_count: Mapped[int] = mapped_column(Integer)


class NplFlowMonth(Base):
    """The month's NPL movement inputs by cooperative x segment x class transition (data/flow_summary.py).

    Why: the movement of any period (domain.npl_flows) and the roll rates and forecast read these few rows
    instead of loan_month. ``opening_cents`` is the balance the month before (0 for a new loan),
    ``closing_cents`` this month's (0 for a closed loan); ``collected_cents`` and ``foreclosed_cents`` the
    recoveries of the month's actions (asset disposal apart), ``written_off_cents`` the month's write-offs;
    ``provision_cents`` the provisions a tape reported this month and ``provisioned_cents`` the closing
    balance of the loans that carry one (the rest are provisioned at the class rates of the settings).
    """

    __tablename__ = "npl_flow_month"
    month: Mapped[Month] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    segment: Mapped[str] = mapped_column(String(3), primary_key=True)
    from_class: Mapped[str] = mapped_column(String(20), primary_key=True)
    to_class: Mapped[str] = mapped_column(String(20), primary_key=True)
    loan_count: Mapped[int] = mapped_column(Integer)
    opening_cents: Mapped[Cents]
    closing_cents: Mapped[Cents]
    collected_cents: Mapped[Cents]
    foreclosed_cents: Mapped[Cents]
    written_off_cents: Mapped[Cents]
    provision_cents: Mapped[Cents]
    provisioned_cents: Mapped[Cents]


class VintageCell(Base):
    """Loans by issue month x segment x cooperative x first NPL month: count, principal.

    Why: the vintage curves group every loan of the new segment (1,000,000 loans: 1.7 s); the cells are
    bounded by months x cooperatives, not loans (no officer: the page is not an officer's, whose scope sees none). ``first_npl_month`` is loan_history's (None: never NPL; a loan
    with no monthly row also None). Rebuilt by data.summaries with loan_history and on a cutoff change.
    """

    __tablename__ = "vintage_cell"
    __table_args__ = (Index("ix_vintage_cell_segment_month", "segment", "issue_month"),)
    id: Mapped[IntPK]
    issue_month: Mapped[Month]
    segment: Mapped[str] = mapped_column(String(3))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    first_npl_month: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    loan_count: Mapped[int] = mapped_column(Integer)
    principal_cents: Mapped[Cents]


class EvergreenPair(Base):
    """A loan issued within the evergreening window of an overdue closing of another loan of its borrower.

    Pairs (new loan, old loan) where the old loan was issued no later, was overdue in its last reported month
    (``old_last_month``), and the new loan's issue date lies within ``evergreen_window_days`` of that month's
    end. A view of month M keeps the pairs with ``old_last_month < M`` (repaid before M). Why: finding them
    joined every overdue closing to every loan of the period at each view; the pairs are few. No foreign keys:
    a withdrawn import deletes the loans it created together with their pairs (data.importer.batches).
    """

    __tablename__ = "evergreen_pair"
    __table_args__ = (Index("ix_evergreen_pair_old_loan_id", "old_loan_id"),
                      Index("ix_evergreen_pair_issue_date", "new_issue_date", "old_last_month"))
    new_loan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    old_loan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    old_last_month: Mapped[Month]
    #: the new loan's issue date (a copy of loan.issue_date, rewritten with the pairs): a period's pairs are
    #: found from the pairs alone, without reading the loans of the period (migration 0018)
    new_issue_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class RecoveryMonth(Base):
    """Collection actions by month x cooperative x officer x method: recovered, cost, actions.

    Why: the overview's year-to-date recovery and the methods page's monthly chart summed every action of
    the period (0.4 s each at 1,000,000 loans); these rows are bounded by months x officers x methods. Kept by
    every writer of collection_action (data.summaries.refresh_recovery_months); reads use it for whole months
    and the raw rows for the days of a partial month.
    """

    __tablename__ = "recovery_month"
    month: Mapped[Month] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    recovered_cents: Mapped[Cents]
    cost_cents: Mapped[Cents]
    actions: Mapped[int] = mapped_column(Integer)
class TableVersion(Base):
    """A counter per table, moved forward by every committed transaction that wrote rows of that table.

    Why: app servers cache their reads; keying a cached read by the versions of the tables it read lets a
    write invalidate only what it changed, on every app server and after a command-line import alike
    (data/versions.py keeps the counters, components/store.py reads them once per page run).
    """

    __tablename__ = "table_version"
    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class MethodLoanMonth(Base):
    """One row per loan x method x cooperative x month with actions: the facts of that month's first action.

    ``method`` '*' stands for every method together and ``cooperative_id`` 0 for every cooperative together
    (only with '*'), so the KPI totals count each loan once. ``prev_month`` is the chain's previous month with
    an action (None: none), ``prev_recovery_month`` its previous month with a recovery; a period of whole months
    [a, b] works the chain once, in the row with a <= month <= b and prev_month < a (or None). ``balance_cents`` is
    the balance worked from the month's first action (data.methods docstring), ``days`` the days from the
    assignment in force to the month's first recovery (None: no recovery or no assignment). The base of
    method_month and method_recovery_days (data/method_summary.py); read by nothing else.
    """

    __tablename__ = "method_loan_month"
    __table_args__ = (Index("ix_method_loan_month_group", "method", "cooperative_id", "month"),)
    loan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[Month] = mapped_column(primary_key=True)
    segment: Mapped[str] = mapped_column(String(3))
    prev_month: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    prev_recovery_month: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    actions: Mapped[int] = mapped_column(Integer)
    recovered_cents: Mapped[Cents]
    cost_cents: Mapped[Cents]
    balance_cents: Mapped[Cents]
    recovering: Mapped[int] = mapped_column(SmallInteger)  # 1: a recovery this month
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fallback: Mapped[int] = mapped_column(SmallInteger)  # 1: no balance the month before, the latest one is used


class MethodMonth(Base):
    """method_loan_month summed by cooperative x segment x method x month x previous month: loans, balance
    worked, actions, recovered, cost. Bounded by cooperatives x methods x months squared, not loans; the methods
    page's sums of any whole-month period read it (data.methods.method_groups)."""

    __tablename__ = "method_month"
    __table_args__ = (Index("ix_method_month_month", "month"),
                      Index("ix_method_month_cooperative_month", "cooperative_id", "month"))
    id: Mapped[IntPK]
    cooperative_id: Mapped[int] = mapped_column(Integer)
    segment: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(20))
    month: Mapped[Month]
    prev_month: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    loans: Mapped[int] = mapped_column(Integer)
    balance_cents: Mapped[Cents]
    actions: Mapped[int] = mapped_column(Integer)
    recovered_cents: Mapped[Cents]
    cost_cents: Mapped[Cents]


class MethodRecoveryDays(Base):
    """The months with a recovery of method_loan_month counted by cooperative x segment x method x month x
    previous recovery month x days to first recovery: the loans recovered and the median days of any
    whole-month period, exactly, from a histogram."""

    __tablename__ = "method_recovery_days"
    __table_args__ = (Index("ix_method_recovery_days_month", "month"),
                      Index("ix_method_recovery_days_cooperative_month", "cooperative_id", "month"))
    id: Mapped[IntPK]
    cooperative_id: Mapped[int] = mapped_column(Integer)
    segment: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(20))
    month: Mapped[Month]
    prev_recovery_month: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    loans: Mapped[int] = mapped_column(Integer)


class MethodPeriod(Base):
    """The methods page's default period (the first to the last month on the tape): its sums by cooperative x
    segment x method, method '*' being every method together (cooperative 0: each loan once in the union).

    Why: the sums of method_month grow with months squared and its histogram of days with months squared x
    days (341,520 rows at 1,000,000 loans); the default view then read 85,000 of them. These rows are bounded
    by cooperatives x methods. Rebuilt with the summary, updated by each loan's change (data.method_summary).
    """

    __tablename__ = "method_period"
    __table_args__ = (Index("ix_method_period_period", "first_month", "last_month", "cooperative_id"),)
    id: Mapped[IntPK]
    first_month: Mapped[Month]
    last_month: Mapped[Month]
    cooperative_id: Mapped[int] = mapped_column(Integer)
    segment: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(20))
    loans: Mapped[int] = mapped_column(Integer)
    balance_cents: Mapped[Cents]
    actions: Mapped[int] = mapped_column(Integer)
    recovered_cents: Mapped[Cents]
    cost_cents: Mapped[Cents]
    loans_recovered: Mapped[int] = mapped_column(Integer)


class MethodPeriodDays(Base):
    """The default period's first recoveries counted by days to first recovery, per viewer: cooperative 0 is
    the whole union (a method's rows summed over cooperatives, '*' the loans once), segment '*' both segments.
    The medians of the default view read at most methods x days of these rows."""

    __tablename__ = "method_period_days"
    __table_args__ = (Index("ix_method_period_days_period", "first_month", "last_month", "cooperative_id",
                            "segment"),)
    id: Mapped[IntPK]
    first_month: Mapped[Month]
    last_month: Mapped[Month]
    cooperative_id: Mapped[int] = mapped_column(Integer)
    segment: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(20))
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    loans: Mapped[int] = mapped_column(Integer)
