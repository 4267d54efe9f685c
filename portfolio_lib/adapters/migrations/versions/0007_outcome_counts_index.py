"""outcome counts from the index

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:00:00
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_outcomes_student_term_status', ['student_id', 'academic_year', 'semester', 'status'],
                              unique=False)
        batch_op.drop_index('ix_outcomes_student_term')


def downgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_outcomes_student_term', ['student_id', 'academic_year', 'semester'], unique=False)
        batch_op.drop_index('ix_outcomes_student_term_status')
