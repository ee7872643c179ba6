"""app_user.language and app_user.digest_opt_out: the e-mailed Today digest

Revision ID: 0014
Revises: 0009
Create Date: 2026-11-30 14:00:00

Why: scripts/send_digest.py mails each user their Today items in their own language, and a user may opt out
of it on their own profile. The language used to live only in the browser session (?lang=); a cron job has no
session, so it is stored with the user.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='en', nullable=False))
        batch_op.add_column(sa.Column('digest_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('digest_opt_out')
        batch_op.drop_column('language')
