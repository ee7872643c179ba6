"""audit_log is append-only: the database refuses UPDATE and DELETE on it

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:00:00

Why in the database and not only in the app: the app has no code path that changes an audit row, but a
script, a console session or a bug must not be able to either. PostgreSQL gets a trigger function that
raises (SQLSTATE 42501, insufficient_privilege); SQLite gets two triggers with RAISE(ABORT, ...).

TRUNCATE is deliberately not blocked: it needs table-owner rights (production grants the app user only
SELECT/INSERT on audit_log) and the test fixtures empty every table with it between tests.
Note for later revisions: on SQLite a batch ALTER of audit_log rebuilds the table and drops these
triggers, so such a revision must create them again (call ``_create_sqlite_triggers``).
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

MESSAGE = "audit_log is append-only"


def _create_sqlite_triggers() -> None:
    for operation in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_log_no_{operation.lower()} BEFORE {operation} ON audit_log "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {operation} refused'); END")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused', "
            "ERRCODE = 'insufficient_privilege'; END $$")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    elif dialect == "sqlite":
        _create_sqlite_triggers()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
