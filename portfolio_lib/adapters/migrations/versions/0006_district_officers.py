"""district officers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 00:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('district_officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_no', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_officers')),
    sa.UniqueConstraint('officer_no', name=op.f('uq_district_officers_officer_no'))
    )
    with op.batch_alter_table('district_officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_officers_login'), ['login'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('district_officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_officers_login'))
    op.drop_table('district_officers')
