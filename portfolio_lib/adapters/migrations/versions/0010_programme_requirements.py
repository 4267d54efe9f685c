"""programmes (校系) and what they ask for, students' target programmes, and the kind of a course outcome

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_kind', sa.String(length=12), nullable=True))
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('system', sa.String(length=12), nullable=False),
    sa.Column('requirement', sa.String(length=400), nullable=False),
    sa.Column('admission_year', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=500), server_default='', nullable=False),
    sa.Column('sample', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_programmes_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('school_id', 'code', name=op.f('uq_programmes_school_id_code'))
    )
    op.create_table('programme_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'],
                            name=op.f('fk_programme_targets_programme_id_programmes')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_programme_targets_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_targets')),
    sa.UniqueConstraint('student_id', 'programme_id', name=op.f('uq_programme_targets_student_id_programme_id'))
    )
    with op.batch_alter_table('programme_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_targets_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_targets_student_id'), ['student_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('programme_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_targets_student_id'))
        batch_op.drop_index(batch_op.f('ix_programme_targets_programme_id'))
    op.drop_table('programme_targets')
    op.drop_table('programmes')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_column('outcome_kind')
