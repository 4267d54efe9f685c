"""student and guardian logins

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:43:23.862431
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('guardians',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_guardians_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardians')),
    sa.UniqueConstraint('student_id', 'login', name=op.f('uq_guardians_student_id_login'))
    )
    with op.batch_alter_table('guardians', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardians_login'), ['login'], unique=False)
        batch_op.create_index(batch_op.f('ix_guardians_student_id'), ['student_id'], unique=False)

    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_students_login'), ['login'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_students_login'))
        batch_op.drop_column('login')

    with op.batch_alter_table('guardians', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardians_student_id'))
        batch_op.drop_index(batch_op.f('ix_guardians_login'))

    op.drop_table('guardians')

