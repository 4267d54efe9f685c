"""where a submission package written outside the packages folder is; a file's MD5 recorded at its first submission

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('package_path', sa.String(length=1000), nullable=True))
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.alter_column('md5', existing_type=sa.String(length=32), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.alter_column('md5', existing_type=sa.String(length=32), nullable=False)
    with op.batch_alter_table('submission_batches', schema=None) as batch_op:
        batch_op.drop_column('package_path')
