"""School-only items (not submitted): course consultation records, self-directed learning plans and
their review, autobiographies and study plans."""

from __future__ import annotations

from datetime import date

from ..domain.calendar import Term
from ..domain.errors import MissingField, PermissionDenied, TextTooLong
from ..domain.files import Upload, check_file
from ..domain.model import Actor, Role, SchoolDocumentKind, check_item_files, clean_description, plan_review_notice
from ..domain.rules import check_quota, check_staff_role
from .access import acting_on_student
from .unit_of_work import UnitOfWork, retried


def _checked_document(uow: UnitOfWork, student, document: Upload | None, rules, required: bool = True):
    checked = check_file(document, "document", rules) if document is not None else None
    if required:
        check_item_files(checked is not None, False, None)
    if checked is not None:
        check_quota(uow.repo.used_bytes(student.id), checked.size, rules)
    return checked


@retried
def add_consultation_record(uow: UnitOfWork, student_no: str, consulted_on: date, description: str,
                            document: Upload | None = None, *, actor: Actor) -> int:
    """A course consultant records a consultation (課程諮詢紀錄) with a student of their school; proof optional."""
    with uow.stage(document):
        repo = uow.repo
        consultant = repo.resolve_actor(actor)
        check_staff_role(consultant, {Role.CONSULTANT}, "登錄課程諮詢紀錄")
        member = repo.staff_member(consultant.key, consultant.school_id)
        student = repo.student(student_no, school_id=member.school_id)   # their own school's
        term = Term.of(consulted_on)
        rules = repo.school_policy(student.school_id).rules(term)
        description = clean_description(description, rules)
        checked = _checked_document(uow, student, document, rules, required=False)
        record_id = repo.add_consultation(student.id, member.id, term, consulted_on, description,
                                          uow.store_file(checked, student.id) if checked else None,
                                          checked.name if checked else None, uow.now)
        repo.audit(consultant, "create", "consultation_record", record_id, uow.now,
                   after={"student": student.student_no, "on": consulted_on, "description": description})
        uow.commit()
        return record_id


def _title(text: str, rules) -> str:
    title = (text or "").strip()
    if not title:
        raise MissingField(label="計畫名稱")
    if len(title) > rules.plan_title_max_chars:
        raise TextTooLong(label="計畫名稱", length=len(title), limit=rules.plan_title_max_chars)
    return title


@retried
def upload_learning_plan(uow: UnitOfWork, student_no: str, year: int, semester: int, title: str,
                         description: str, document: Upload | None, actor: Actor | None = None) -> int:
    """A student uploads a self-directed learning plan (自主學習計畫上傳) for review."""
    term = Term(year, semester)
    with uow.stage(document):
        repo = uow.repo
        student, actor = acting_on_student(repo, actor, "上傳自主學習計畫", student_no=student_no)
        rules = repo.school_policy(student.school_id).rules(term)
        title, description = _title(title, rules), clean_description(description, rules)
        checked = _checked_document(uow, student, document, rules)
        plan_id = repo.add_learning_plan(student.id, term, title, description, uow.store_file(checked, student.id),
                                         checked.name, uow.now)
        repo.audit(actor, "upload", "learning_plan", plan_id, uow.now, after={"title": title, "term": str(term)})
        uow.commit()
        return plan_id


@retried
def replace_learning_plan(uow: UnitOfWork, plan_id: int, title: str, description: str,
                          document: Upload | None = None, actor: Actor | None = None) -> None:
    """Replace a plan sent back for revision (or not yet reviewed); it goes back to review."""
    with uow.stage(document):
        repo = uow.repo
        row, plan = repo.learning_plan(plan_id)
        student, actor = acting_on_student(repo, actor, "修改自主學習計畫", student_id=row.student_id)
        rules = repo.school_policy(student.school_id).rules(plan.term)
        plan.replace()
        title, description = _title(title, rules), clean_description(description, rules)
        checked = _checked_document(uow, student, document, rules, required=False)
        values = dict(title=title, description=description, status=plan.status.value, updated_at=uow.now)
        if checked is not None:
            values.update(document_sha256=uow.store_file(checked, student.id), document_name=checked.name)
            uow.release_file(row.document_sha256)
        repo.save_learning_plan(plan_id, **values)
        repo.audit(actor, "replace", "learning_plan", plan_id, uow.now, {"status": row.status, "title": row.title},
                   {"status": plan.status.value, "title": title})
        uow.commit()


@retried
def review_learning_plan(uow: UnitOfWork, plan_id: int, approved: bool, comment: str | None = None, *,
                         actor: Actor) -> None:
    """The student's homeroom teacher (or a counselor) reviews a plan: 通過, or 需修改 with a comment."""
    with uow:
        repo = uow.repo
        row, plan = repo.learning_plan(plan_id)
        student = repo.student_by_id(row.student_id)
        reviewer = repo.resolve_actor(actor, student.school_id)
        check_staff_role(reviewer, {Role.HOMEROOM, Role.COUNSELOR, Role.ADMIN}, "審核自主學習計畫")
        member = repo.staff_member(reviewer.key, student.school_id)
        homeroom = repo.homeroom_teacher_id(student.id, plan.term.year)
        if not (reviewer.roles & {Role.COUNSELOR, Role.ADMIN} or homeroom == member.id):
            raise PermissionDenied(who=f"{member.name} ", action="審核這位學生的自主學習計畫")
        comment = plan.review(approved, comment)
        repo.save_learning_plan(plan_id, status=plan.status.value, reviewer_id=member.id, review_comment=comment,
                                reviewed_at=uow.now, updated_at=uow.now)
        message = plan_review_notice(row.title, plan.status, comment)
        repo.notify(student.id, "learning_plan", message, uow.now)
        repo.audit(reviewer, "review", "learning_plan", plan_id, uow.now, {"status": row.status},
                   {"status": plan.status.value, "comment": comment})
        uow.commit()


@retried
def upload_school_document(uow: UnitOfWork, student_no: str, kind: SchoolDocumentKind | str, description: str,
                           document: Upload | None, actor: Actor | None = None) -> int:
    """A student keeps an autobiography (自傳) or a study plan (學習計畫) in the cabinet."""
    kind = SchoolDocumentKind(kind)
    with uow.stage(document):
        repo = uow.repo
        student, actor = acting_on_student(repo, actor, f"上傳{kind.label}", student_no=student_no)
        rules = repo.school_policy(student.school_id).rules(Term.of(uow.now.date()))
        description = clean_description(description, rules)
        checked = _checked_document(uow, student, document, rules)
        doc_id = repo.add_school_document(student.id, kind.value, description, uow.store_file(checked, student.id),
                                          checked.name, uow.now)
        repo.audit(actor, "upload", "school_document", doc_id, uow.now, after={"kind": kind.value})
        uow.commit()
        return doc_id


@retried
def delete_school_document(uow: UnitOfWork, document_id: int, actor: Actor | None = None) -> None:
    with uow:
        repo = uow.repo
        row = repo.school_document(document_id)
        student, actor = acting_on_student(repo, actor, "刪除文件", student_id=row.student_id)
        repo.delete_school_document(document_id)
        uow.release_file(row.document_sha256)
        repo.audit(actor, "delete", "school_document", document_id, uow.now, before={"kind": row.kind})
        uow.commit()
