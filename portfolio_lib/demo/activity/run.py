"""Three years of a demo school's portfolio activity, written in one transaction, every item obeying the
policy the services enforce."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select
from tqdm import tqdm

from ...adapters import tables as t
from ...adapters.db import WRITE, advance_sequences
from ...adapters.filestore import digests
from ...domain.calendar import Term
from ...domain.files import Upload, check_file
from ...services.unit_of_work import Workbench
from ..roster import Plan
from ..samples import make_pdf, make_picture, media
from .writer import ActivityWriter


@dataclass
class Files:
    """A pool of real sample files in the store, picked from at random."""

    documents: list[tuple[str, str, int]] = field(default_factory=list)   # (sha256, ext, size)
    videos: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class Rows:
    outcomes: list = field(default_factory=list)
    certifications: list = field(default_factory=list)
    performances: list = field(default_factory=list)
    selections: list = field(default_factory=list)
    picks: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    batches: list = field(default_factory=list)
    batch_items: list = field(default_factory=list)


def store_sample_files(wb: Workbench, rng: random.Random, as_of: datetime) -> Files:
    """Real, valid sample files, each checked by the same file rules as an upload."""
    rules = wb.policy.rules(Term.of(as_of.date()))
    files = Files()
    samples = [(f"outcome-{n}.pdf", make_pdf([f"Learning portfolio sample document {n}",
                                               f"Seed page {rng.randrange(10 ** 6)}"])) for n in range(160)]
    samples += [(f"photo-{n}.png", make_picture("png", n, f"sample picture {n}")) for n in range(60)]
    samples += [(f"photo-{n}.jpg", make_picture("jpg", n + 60, f"sample photo {n}")) for n in range(60)]
    samples += [("clip.mp4", media("mp4")), ("speech.mp3", media("mp3"))]
    rows = []
    for name, data in samples:
        slot = "video" if name.endswith((".mp3", ".mp4")) else "document"
        checked = check_file(Upload(name, data), slot, rules)
        stored = wb.store.put(data)
        rows.append({"sha256": stored.sha256, "md5": digests(data)[1], "size": stored.size, "ext": checked.ext,
                     "media_type": checked.media_type, "stored_at": as_of})
        (files.videos if slot == "video" else files.documents).append((stored.sha256, checked.ext, stored.size))
    with wb.engine.begin() as conn:
        known = set(conn.execute(select(t.files.c.sha256).where(t.files.c.sha256.in_([r["sha256"] for r in rows])))
                    .scalars())                    # another demo school of the database stored the same sample
        new = [r for r in {r["sha256"]: r for r in rows}.values() if r["sha256"] not in known]
        if new:
            conn.execute(insert(t.files), new)
    return files


def write_activity(wb: Workbench, plan: Plan, files: Files, rng: random.Random, as_of: datetime,
                    progress: bool) -> dict:
    with wb.engine.connect() as conn:
        school_id = conn.execute(select(t.schools.c.id).where(t.schools.c.code == plan.school_code)).scalar_one()
        student_ids = dict(conn.execute(select(t.students.c.student_no, t.students.c.id)
                                        .where(t.students.c.school_id == school_id)).all())
        staff_ids = dict(conn.execute(select(t.staff.c.staff_no, t.staff.c.id)
                                      .where(t.staff.c.school_id == school_id)).all())
        records = conn.execute(
            select(t.course_records.c.id, t.course_records.c.student_id, t.course_sections.c.academic_year,
                   t.course_sections.c.semester, t.course_sections.c.subject, t.course_sections.c.course_code,
                   t.course_sections.c.teacher_id,
                   t.course_sections.c.proxy_teacher_id)
            .join(t.course_sections).where(t.course_sections.c.school_id == school_id)
            .order_by(t.course_records.c.id)).all()
        cadres = conn.execute(select(t.performances.c.id, t.performances.c.student_id,
                                     t.performances.c.academic_year, t.performances.c.semester)
                              .join(t.students, t.students.c.id == t.performances.c.student_id)
                              .where(t.performances.c.synced.is_(True), t.students.c.school_id == school_id)
                              .order_by(t.performances.c.id)).all()
        next_performance = (conn.execute(select(func.max(t.performances.c.id))).scalar() or 0) + 1
        first_ids = {table.name: (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
                     for table in (t.outcomes, t.submission_batches)}
    by_term: dict[tuple, list] = {}
    for r in records:
        by_term.setdefault((r.student_id, r.academic_year, r.semester), []).append(r)
    late = {staff_ids[s["staff_no"]] for s in plan.staff if s["late"]}
    rows = Rows()
    writer = ActivityWriter(wb, plan, files, rng, as_of, rows, late, school_id, first_ids)
    people = {student_ids[p["student_no"]]: p for p in plan.people}
    for term in tqdm(plan.terms, desc="示範學校", disable=not progress, leave=False):
        for p in plan.enrolled(term.year):
            sid = student_ids[p["student_no"]]
            writer.outcomes_of(sid, p, term, by_term.get((sid, term.year, term.semester), []))
    performance_id = next_performance
    for year in plan.years:
        for p in plan.enrolled(year):
            performance_id = writer.performances_of(student_ids[p["student_no"]], p, year, performance_id)
    writer.proof_for_synced(cadres)
    writer.selections(people)
    writer.submissions()
    writer.picks(people)
    with wb.engine.connect() as conn:
        homerooms = {(r.student_id, r.academic_year): r.homeroom_teacher_id for r in conn.execute(
            select(t.enrolments.c.student_id, t.enrolments.c.academic_year, t.classes.c.homeroom_teacher_id)
            .join(t.classes, t.classes.c.id == t.enrolments.c.class_id).where(t.classes.c.school_id == school_id))}
    consultants = [staff_ids[s["staff_no"]] for s in plan.staff if "課程諮詢師" in s["roles"]]
    school_rows = writer.school_items(people, homerooms, consultants)
    with wb.engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            conn.execute(insert(t.outcomes), rows.outcomes)
            for table, data in ((t.certifications, rows.certifications), (t.notifications, rows.notifications),
                                (t.selections, rows.selections), (t.application_picks, rows.picks),
                                (t.submission_batches, rows.batches), (t.submission_items, rows.batch_items)):
                if data:
                    conn.execute(insert(table), data)
            if rows.performances:
                conn.execute(insert(t.performances), rows.performances)
            for table, data in school_rows.items():
                if data:
                    conn.execute(insert(table), data)
            for update in writer.synced_updates:
                conn.execute(t.performances.update().where(t.performances.c.id == update.pop("id")).values(**update))
            advance_sequences(conn, t.metadata.sorted_tables)
            conn.execute(insert(t.audit_events).values(
                at=as_of, actor="system:demo", action="demo", entity="school", entity_id=plan.school_code,
                after=json.dumps({"outcomes": len(rows.outcomes), "performances": len(rows.performances),
                                  "selections": len(rows.selections)}, ensure_ascii=False)))
    package_batches(wb, [batch["id"] for batch in rows.batches], school_code=plan.school_code)
    return {"outcomes": len(rows.outcomes), "certifications": len(rows.certifications),
            "performances": len(rows.performances) + len(cadres), "selections": len(rows.selections),
            "submission_batches": len(rows.batches), "course_records": len(records)}


def package_batches(wb: Workbench, batch_ids: list[int], school_code: str):
    """Build the package of each past submission, record its digest and keep the file, as a submitter would have."""
    from ...adapters.exchange import digest, package_file_name, rebuild_batch_package
    from ...adapters.filestore import write_atomically
    folder = wb.package_folder
    with wb.engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            for batch_id in batch_ids:
                data = rebuild_batch_package(conn, wb.store, batch_id)
                batch = conn.execute(select(t.submission_batches).where(t.submission_batches.c.id == batch_id)).one()
                conn.execute(t.submission_batches.update().where(t.submission_batches.c.id == batch_id)
                             .values(digest=digest(data)))
                write_atomically(folder / package_file_name(school_code, batch.academic_year, batch.semester,
                                                            batch_id), data)
