"""school-only items

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:57:29.067565
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('consultation_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('consultant_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=False),
    sa.Column('consulted_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=400), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('document_name', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultant_id'], ['staff.id'], name=op.f('fk_consultation_records_consultant_id_staff')),
    sa.ForeignKeyConstraint(['document_sha256'], ['files.sha256'], name=op.f('fk_consultation_records_document_sha256_files')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_consultation_records_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_records'))
    )
    with op.batch_alter_table('consultation_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_records_student_id'), ['student_id'], unique=False)

    op.create_table('learning_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=400), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('document_name', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.String(length=400), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_sha256'], ['files.sha256'], name=op.f('fk_learning_plans_document_sha256_files')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff.id'], name=op.f('fk_learning_plans_reviewer_id_staff')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_learning_plans_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_plans'))
    )
    with op.batch_alter_table('learning_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_plans_student_id'), ['student_id'], unique=False)

    op.create_table('school_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=400), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('document_name', sa.String(length=255), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_sha256'], ['files.sha256'], name=op.f('fk_school_documents_document_sha256_files')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_school_documents_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_documents'))
    )
    with op.batch_alter_table('school_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_documents_student_id'), ['student_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('school_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_documents_student_id'))

    op.drop_table('school_documents')
    with op.batch_alter_table('learning_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_plans_student_id'))

    op.drop_table('learning_plans')
    with op.batch_alter_table('consultation_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_records_student_id'))

    op.drop_table('consultation_records')

