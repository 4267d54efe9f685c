"""Uploading, replacing and deleting course learning outcomes and 多元表現 records."""

from __future__ import annotations

from ..domain.admission import infer_outcome_kind, outcome_kind
from ..domain.calendar import Term
from ..domain.categories import validate_fields
from ..domain.errors import DuplicateOutcome, SelectedNotDeletable
from ..domain.files import Upload, check_file
from ..domain.model import Actor, ItemKind, Outcome, Performance, WindowKind, check_item_files, clean_description
from ..domain.rules import check_outcome_upload_cap, check_performance_upload_cap, check_quota, check_window
from .access import acting_on_student
from .unit_of_work import UnitOfWork, retried

OUTCOME_UPLOAD_WINDOWS = (WindowKind.UPLOAD_1, WindowKind.UPLOAD_2)


def _store(uow: UnitOfWork, student_id: int, checked) -> str | None:
    """Store a checked file of a student's item (its originals kept if it was converted); returns its sha256."""
    return uow.store_file(checked, student_id) if checked is not None else None


def _check_files(document: Upload | None, video: Upload | None, rules):
    doc = check_file(document, "document", rules) if document is not None else None
    vid = check_file(video, "video", rules) if video is not None else None
    return doc, vid


@retried
def upload_outcome(uow: UnitOfWork, student_no: str, year: int, semester: int, course_code: str,
                   description: str, document: Upload | None = None, video: Upload | None = None,
                   actor: Actor | None = None, kind: str | None = None) -> int:
    """A student uploads the learning outcome of a course of their course record; `kind` (書面報告, 實作作品, …)
    is what the student says it is, else what the course makes certain (`admission.infer_outcome_kind`)."""
    with uow.stage(document, video):
        outcome_id = add_outcome(uow, student_no, year, semester, course_code, description, document, video, actor,
                                 kind)
        uow.commit()
        return outcome_id


def add_outcome(uow: UnitOfWork, student_no: str, year: int, semester: int, course_code: str,
                description: str, document: Upload | None = None, video: Upload | None = None,
                actor: Actor | None = None, kind: str | None = None) -> int:
    """The work of upload_outcome inside an open unit of work (the caller commits)."""
    term = Term(year, semester)
    repo = uow.repo
    student, actor = acting_on_student(repo, actor, "上傳學習成果", student_no=student_no)
    rules = repo.school_policy(student.school_id).rules(term)
    check_window(repo.windows(student.school_id, term.year, term.semester),
                 OUTCOME_UPLOAD_WINDOWS, uow.now, term.label)
    record = repo.course_record(student.id, term, course_code)
    if repo.outcome_for_record(record.id) is not None:
        raise DuplicateOutcome(subject=record.subject, term=str(term))
    description = clean_description(description, rules)
    doc, vid = _check_files(document, video, rules)
    check_item_files(doc is not None, vid is not None, None)
    check_outcome_upload_cap(repo.count_outcomes(student.id, term), term, rules)
    check_quota(repo.used_bytes(student.id), sum(f.size for f in (doc, vid) if f), rules)
    chosen = outcome_kind(kind) or infer_outcome_kind(record.subject, record.course_code)
    outcome = Outcome(None, student.id, record.id, term, description,
                      _store(uow, student.id, doc), _store(uow, student.id, vid), kind=chosen and chosen.value)
    names = {"document": doc.name if doc else None, "video": vid.name if vid else None}
    outcome.id = repo.add_outcome(outcome, names, uow.now)
    repo.audit(actor, "upload", "outcome", outcome.id, uow.now, after=_outcome_facts(outcome, names))
    return outcome.id


@retried
def replace_outcome(uow: UnitOfWork, outcome_id: int, description: str, document: Upload | None = None,
                    video: Upload | None = None, keep_document: bool = False, keep_video: bool = False,
                    actor: Actor | None = None) -> None:
    """Change an outcome not yet sent, or replace a failed one so that it can be sent again."""
    with uow.stage(document, video):
        repo = uow.repo
        outcome = repo.outcome(outcome_id)
        student, actor = acting_on_student(repo, actor, "修改學習成果", student_id=outcome.student_id)
        rules = repo.school_policy(student.school_id).rules(outcome.term)
        check_window(repo.windows(student.school_id, outcome.term.year, outcome.term.semester),
                     OUTCOME_UPLOAD_WINDOWS, uow.now, outcome.term.label)
        old_names = repo.file_names(ItemKind.OUTCOME, outcome.id)
        before = _outcome_facts(outcome, old_names)
        description = clean_description(description, rules)
        doc, vid = _check_files(document, video, rules)
        doc_sha = outcome.document_sha256 if keep_document and doc is None else None
        vid_sha = outcome.video_sha256 if keep_video and vid is None else None
        check_item_files(doc is not None or doc_sha is not None, vid is not None or vid_sha is not None, None)
        freed = repo.file_size(outcome.document_sha256) + repo.file_size(outcome.video_sha256)
        kept = repo.file_size(doc_sha) + repo.file_size(vid_sha)
        check_quota(repo.used_bytes(student.id) - freed + kept, sum(f.size for f in (doc, vid) if f), rules)
        old = (outcome.document_sha256, outcome.video_sha256)
        outcome.replace(description, _store(uow, student.id, doc) if doc else doc_sha,
                        _store(uow, student.id, vid) if vid else vid_sha)
        names = {"document": doc.name if doc else (old_names["document"] if doc_sha else None),
                 "video": vid.name if vid else (old_names["video"] if vid_sha else None)}
        repo.save_outcome(outcome, uow.now, names)
        for sha in old:
            uow.release_file(sha)
        repo.audit(actor, "replace", "outcome", outcome.id, uow.now, before, _outcome_facts(outcome, names))
        uow.commit()


@retried
def delete_outcome(uow: UnitOfWork, outcome_id: int, actor: Actor | None = None) -> None:
    with uow:
        repo = uow.repo
        outcome = repo.outcome(outcome_id)
        student, actor = acting_on_student(repo, actor, "刪除學習成果", student_id=outcome.student_id)
        outcome.check_deletable()
        before = _outcome_facts(outcome, repo.file_names(ItemKind.OUTCOME, outcome.id))
        repo.delete_outcome(outcome.id)
        uow.release_file(outcome.document_sha256)
        uow.release_file(outcome.video_sha256)
        repo.audit(actor, "delete", "outcome", outcome.id, uow.now, before=before)
        uow.commit()


@retried
def upload_performance(uow: UnitOfWork, student_no: str, year: int, semester: int, category: str,
                       fields: dict, description: str, document: Upload | None = None,
                       video: Upload | None = None, external_link: str | None = None,
                       actor: Actor | None = None) -> int:
    """A student adds a 多元表現 record of one of the ten categories."""
    with uow.stage(document, video):
        record_id = add_performance(uow, student_no, year, semester, category, fields, description, document,
                                    video, external_link, actor)
        uow.commit()
        return record_id


def add_performance(uow: UnitOfWork, student_no: str, year: int, semester: int, category: str,
                    fields: dict, description: str, document: Upload | None = None,
                    video: Upload | None = None, external_link: str | None = None,
                    actor: Actor | None = None) -> int:
    """The work of upload_performance inside an open unit of work (the caller commits)."""
    term = Term(year, semester)
    repo = uow.repo
    student, actor = acting_on_student(repo, actor, "上傳多元表現", student_no=student_no)
    rules = repo.school_policy(student.school_id).rules(term)
    check_window(repo.windows(student.school_id, term.year, 0), (WindowKind.PERFORMANCE_UPLOAD,),
                 uow.now, f"{term.year} 學年度")
    clean = validate_fields(category, fields, rules)
    description = clean_description(description, rules)
    doc, vid = _check_files(document, video, rules)
    link = check_item_files(doc is not None, vid is not None, external_link)
    check_performance_upload_cap(repo.count_uploaded_performances(student.id, term.year), term.year, rules)
    check_quota(repo.used_bytes(student.id), sum(f.size for f in (doc, vid) if f), rules)
    record = Performance(None, student.id, term, category, clean, description,
                         _store(uow, student.id, doc), _store(uow, student.id, vid), link)
    names = {"document": doc.name if doc else None, "video": vid.name if vid else None}
    record.id = repo.add_performance(record, names, uow.now)
    repo.audit(actor, "upload", "performance", record.id, uow.now, after=_performance_facts(record, names))
    return record.id


_KEEP = object()


@retried
def update_performance(uow: UnitOfWork, performance_id: int, *, fields: dict | None = None,
                       description: str | None = None, document: Upload | None = None,
                       video: Upload | None = None, remove_document: bool = False,
                       remove_video: bool = False, external_link=_KEEP, actor: Actor | None = None) -> None:
    """Edit a 多元表現 record; a record synced from the school system takes only proof, video, link and description."""
    with uow.stage(document, video):
        repo = uow.repo
        record = repo.performance(performance_id)
        student, actor = acting_on_student(repo, actor, "修改多元表現", student_id=record.student_id)
        record.check_editable(changes_fields=fields is not None)
        rules = repo.school_policy(student.school_id).rules(record.term)
        check_window(repo.windows(student.school_id, record.term.year, 0), (WindowKind.PERFORMANCE_UPLOAD,),
                     uow.now, f"{record.term.year} 學年度")
        names = repo.file_names(ItemKind.PERFORMANCE, record.id)
        before = _performance_facts(record, names)
        if fields is not None:
            record.fields = validate_fields(record.category, fields, rules)
        if description is not None:
            record.description = clean_description(description, rules)
        doc, vid = _check_files(document, video, rules)
        new_doc = doc is not None or remove_document
        new_vid = vid is not None or remove_video
        doc_sha = None if new_doc else record.document_sha256
        vid_sha = None if new_vid else record.video_sha256
        link = record.external_link if external_link is _KEEP else external_link
        if remove_video and vid is None and external_link is _KEEP:
            link = None
        if not record.synced or doc or vid or doc_sha or vid_sha:
            link = check_item_files(doc is not None or doc_sha is not None,
                                    vid is not None or vid_sha is not None, link)
        freed = (repo.file_size(record.document_sha256) if new_doc else 0) + \
                (repo.file_size(record.video_sha256) if new_vid else 0)
        check_quota(repo.used_bytes(student.id) - freed, sum(f.size for f in (doc, vid) if f), rules)
        old = (record.document_sha256 if new_doc else None, record.video_sha256 if new_vid else None)
        record.document_sha256 = _store(uow, student.id, doc) if doc else doc_sha
        record.video_sha256 = _store(uow, student.id, vid) if vid else vid_sha
        record.external_link = link
        if new_doc:
            names["document"] = doc.name if doc else None
        if new_vid:
            names["video"] = vid.name if vid else None
        repo.save_performance(record, uow.now, names)
        for sha in old:
            uow.release_file(sha)
        repo.audit(actor, "update", "performance", record.id, uow.now, before, _performance_facts(record, names))
        uow.commit()


@retried
def delete_performance(uow: UnitOfWork, performance_id: int, actor: Actor | None = None) -> None:
    with uow:
        repo = uow.repo
        record = repo.performance(performance_id)
        student, actor = acting_on_student(repo, actor, "刪除多元表現", student_id=record.student_id)
        record.check_deletable()
        if repo.is_selected(ItemKind.PERFORMANCE, record.id):
            raise SelectedNotDeletable(item_label=record.item_label)
        before = _performance_facts(record, repo.file_names(ItemKind.PERFORMANCE, record.id))
        repo.delete_performance(record.id)
        uow.release_file(record.document_sha256)
        uow.release_file(record.video_sha256)
        repo.audit(actor, "delete", "performance", record.id, uow.now, before=before)
        uow.commit()


def _outcome_facts(o: Outcome, names: dict) -> dict:
    return {"term": str(o.term), "description": o.description, "status": o.status.value,
            "document": o.document_sha256, "document_name": names.get("document"),
            "video": o.video_sha256, "video_name": names.get("video"), "kind": o.kind}


def _performance_facts(p: Performance, names: dict) -> dict:
    return {"term": str(p.term), "category": p.category, "fields": p.fields, "description": p.description,
            "document": p.document_sha256, "document_name": names.get("document"),
            "video": p.video_sha256, "video_name": names.get("video"), "external_link": p.external_link}
