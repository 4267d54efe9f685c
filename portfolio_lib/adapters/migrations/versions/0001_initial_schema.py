"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 12:35:00.125214
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('files',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('md5', sa.String(length=32), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('ext', sa.String(length=8), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_files'))
    )
    op.create_table('schools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('policy_overrides', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schools')),
    sa.UniqueConstraint('code', name=op.f('uq_schools_code'))
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('staff_no', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_staff_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('school_id', 'staff_no', name=op.f('uq_staff_school_id_staff_no'))
    )
    op.create_table('students',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('student_no', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=10), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('entry_year', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_students_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_students')),
    sa.UniqueConstraint('school_id', 'student_no', name=op.f('uq_students_school_id_student_no'))
    )
    op.create_table('submission_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_submission_batches_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_batches'))
    )
    op.create_table('windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('opens', sa.DateTime(), nullable=False),
    sa.Column('closes', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_windows_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_windows')),
    sa.UniqueConstraint('school_id', 'academic_year', 'semester', 'kind', name=op.f('uq_windows_school_id_academic_year_semester_kind'))
    )
    op.create_table('application_picks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=12), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('picked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_application_picks_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_picks')),
    sa.UniqueConstraint('item_kind', 'item_id', name=op.f('uq_application_picks_item_kind_item_id'))
    )
    with op.batch_alter_table('application_picks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_picks_student_id'), ['student_id'], unique=False)

    op.create_table('classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('homeroom_teacher_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('grade BETWEEN 10 AND 12', name=op.f('ck_classes_grade')),
    sa.ForeignKeyConstraint(['homeroom_teacher_id'], ['staff.id'], name=op.f('fk_classes_homeroom_teacher_id_staff')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_classes_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classes')),
    sa.UniqueConstraint('school_id', 'academic_year', 'name', name=op.f('uq_classes_school_id_academic_year_name'))
    )
    op.create_table('course_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=False),
    sa.Column('course_code', sa.String(length=23), nullable=False),
    sa.Column('subject', sa.String(length=50), nullable=False),
    sa.Column('credits', sa.Float(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('proxy_teacher_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['proxy_teacher_id'], ['staff.id'], name=op.f('fk_course_sections_proxy_teacher_id_staff')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_course_sections_school_id_schools')),
    sa.ForeignKeyConstraint(['teacher_id'], ['staff.id'], name=op.f('fk_course_sections_teacher_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_sections')),
    sa.UniqueConstraint('school_id', 'academic_year', 'semester', 'course_code', 'section', name=op.f('uq_course_sections_school_id_academic_year_semester_course_code_section'))
    )
    with op.batch_alter_table('course_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_sections_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('item_kind', sa.String(length=12), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_notifications_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_student_id'), ['student_id'], unique=False)

    op.create_table('performances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('description', sa.String(length=400), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('document_name', sa.String(length=255), nullable=True),
    sa.Column('video_sha256', sa.String(length=64), nullable=True),
    sa.Column('video_name', sa.String(length=255), nullable=True),
    sa.Column('external_link', sa.String(length=500), nullable=True),
    sa.Column('synced', sa.Boolean(), nullable=False),
    sa.Column('source_key', sa.String(length=120), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['document_sha256'], ['files.sha256'], name=op.f('fk_performances_document_sha256_files')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_performances_student_id_students')),
    sa.ForeignKeyConstraint(['video_sha256'], ['files.sha256'], name=op.f('fk_performances_video_sha256_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performances')),
    sa.UniqueConstraint('source_key', name=op.f('uq_performances_source_key'))
    )
    with op.batch_alter_table('performances', schema=None) as batch_op:
        batch_op.create_index('ix_performances_category', ['category'], unique=False)
        batch_op.create_index('ix_performances_student_year', ['student_id', 'academic_year'], unique=False)

    op.create_table('selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=12), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('selected_at', sa.DateTime(), nullable=False),
    sa.Column('selected_by', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_selections_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selections')),
    sa.UniqueConstraint('item_kind', 'item_id', name=op.f('uq_selections_item_kind_item_id'))
    )
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.create_index('ix_selections_student_year', ['student_id', 'academic_year', 'item_kind'], unique=False)

    op.create_table('staff_roles',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_roles_staff_id_staff')),
    sa.PrimaryKeyConstraint('staff_id', 'role', name=op.f('pk_staff_roles'))
    )
    op.create_table('submission_items',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=12), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['submission_batches.id'], name=op.f('fk_submission_items_batch_id_submission_batches')),
    sa.PrimaryKeyConstraint('batch_id', 'item_kind', 'item_id', name=op.f('pk_submission_items'))
    )
    op.create_table('course_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('mode', sa.String(length=4), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['course_sections.id'], name=op.f('fk_course_records_section_id_course_sections')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_course_records_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_records')),
    sa.UniqueConstraint('student_id', 'section_id', name=op.f('uq_course_records_student_id_section_id'))
    )
    with op.batch_alter_table('course_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_records_section_id'), ['section_id'], unique=False)

    op.create_table('enrolments',
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('seat_no', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_enrolments_class_id_classes')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_enrolments_student_id_students')),
    sa.PrimaryKeyConstraint('student_id', 'academic_year', name=op.f('pk_enrolments'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_class_id'), ['class_id'], unique=False)

    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('course_record_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=400), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('document_name', sa.String(length=255), nullable=True),
    sa.Column('video_sha256', sa.String(length=64), nullable=True),
    sa.Column('video_name', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_record_id'], ['course_records.id'], name=op.f('fk_outcomes_course_record_id_course_records')),
    sa.ForeignKeyConstraint(['document_sha256'], ['files.sha256'], name=op.f('fk_outcomes_document_sha256_files')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_outcomes_student_id_students')),
    sa.ForeignKeyConstraint(['video_sha256'], ['files.sha256'], name=op.f('fk_outcomes_video_sha256_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes')),
    sa.UniqueConstraint('course_record_id', name=op.f('uq_outcomes_course_record_id'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_outcomes_status', ['status'], unique=False)
        batch_op.create_index('ix_outcomes_student_term', ['student_id', 'academic_year', 'semester'], unique=False)

    op.create_table('certifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('as_proxy', sa.Boolean(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=400), nullable=True),
    sa.Column('certified_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_certifications_outcome_id_outcomes')),
    sa.ForeignKeyConstraint(['teacher_id'], ['staff.id'], name=op.f('fk_certifications_teacher_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certifications'))
    )
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certifications_outcome_id'), ['outcome_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certifications_outcome_id'))

    op.drop_table('certifications')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_outcomes_student_term')
        batch_op.drop_index('ix_outcomes_status')

    op.drop_table('outcomes')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_class_id'))

    op.drop_table('enrolments')
    with op.batch_alter_table('course_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_records_section_id'))

    op.drop_table('course_records')
    op.drop_table('submission_items')
    op.drop_table('staff_roles')
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.drop_index('ix_selections_student_year')

    op.drop_table('selections')
    with op.batch_alter_table('performances', schema=None) as batch_op:
        batch_op.drop_index('ix_performances_student_year')
        batch_op.drop_index('ix_performances_category')

    op.drop_table('performances')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_student_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('course_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_sections_teacher_id'))

    op.drop_table('course_sections')
    op.drop_table('classes')
    with op.batch_alter_table('application_picks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_picks_student_id'))

    op.drop_table('application_picks')
    op.drop_table('windows')
    op.drop_table('submission_batches')
    op.drop_table('students')
    op.drop_table('staff')
    op.drop_table('schools')
    op.drop_table('files')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')

    op.drop_table('audit_events')

