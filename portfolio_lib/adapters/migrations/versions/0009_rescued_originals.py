"""the originals of converted files (檔案救援), kept beside them for a time

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rescued_originals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('derivative_sha256', sa.String(length=64), nullable=False),
    sa.Column('original_sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('tool', sa.String(length=80), nullable=False),
    sa.Column('tool_version', sa.String(length=200), nullable=False),
    sa.Column('parameters', sa.Text(), nullable=False),
    sa.Column('kept_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['derivative_sha256'], ['files.sha256'],
                            name=op.f('fk_rescued_originals_derivative_sha256_files')),
    sa.ForeignKeyConstraint(['original_sha256'], ['files.sha256'],
                            name=op.f('fk_rescued_originals_original_sha256_files')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_rescued_originals_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rescued_originals'))
    )
    with op.batch_alter_table('rescued_originals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rescued_originals_derivative_sha256'), ['derivative_sha256'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_rescued_originals_student_id'), ['student_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rescued_originals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rescued_originals_student_id'))
        batch_op.drop_index(batch_op.f('ix_rescued_originals_derivative_sha256'))
    op.drop_table('rescued_originals')
