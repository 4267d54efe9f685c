"""The `portfolio` command: every step of the cycle from the command line.

Exit status: 0 on success; 1 when a rule or the input refuses the action (message on
stderr, nothing written); 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from . import queries, services
from .adapters.importing import IMPORTERS
from .domain.admission import OutcomeKind
from .domain.calendar import Term, format_roc_datetime, parse_roc_date, parse_roc_moment
from .domain.categories import CATEGORIES
from .domain.errors import PortfolioError
from .domain.files import Upload
from .domain.model import AccessEvent, Actor, ActorKind, ItemKind, WindowKind
from .queries.vocabulary import SUMMARY_LABELS, access_table, item_table, status_table
from .research.notebooks import REPORTS
from .research.suppression import DEFAULT_K
from .services import config
from .services.check import check_workbench, repair_workbench
from .services.unit_of_work import Workbench


class UsageError(Exception):
    """A command line that cannot be run as written (exit 2)."""


def _moment(text: str, end_of_day: bool = False) -> datetime:
    """An ROC date with an optional time; a closing date alone closes at the day's last instant."""
    return parse_roc_moment(text, end_of_day_if_no_time=end_of_day)


def _term(text: str) -> Term:
    return Term.parse(text)


def _upload(path: str | None) -> Upload | None:
    if not path:
        return None
    p = Path(path)
    try:
        return Upload(p.name, p.read_bytes())
    except OSError as err:
        raise UsageError(f"無法讀取檔案 {path}：{err.strerror}") from None


def _actor(args) -> Actor | None:
    """Who acts, from --as: a student, a staff member, or `admin`, the administrator path, named; of the school
    --school names (numbers repeat between the schools of one database). With no --as, a command on a --student
    is the student's own, in that school."""
    if not args.as_:
        student = getattr(args, "student", None)
        if student and args.school_id is not None:
            return Actor(ActorKind.STUDENT.value, student, school_id=args.school_id)
        return None
    try:
        return Actor.parse(args.as_, args.school_id)
    except ValueError as err:
        raise UsageError(str(err)) from None


def _school_id(wb: Workbench, code: str) -> int:
    from .queries.viewer import school_id_of
    return school_id_of(wb.engine, code)


def _staff_actor(args, action: str) -> Actor:
    """Staff-level commands name who runs them: --as staff:職員編號, or --as admin."""
    actor = _actor(args)
    if actor is None:
        raise UsageError(f"{action}須以 --as staff:職員編號 指定執行的教職員，或以 --as admin 表明以系統管理者身分執行")
    return actor


def _fields(pairs: list[str]) -> dict:
    fields = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"欄位請寫成 名稱=值，收到「{pair}」")
        fields[name.strip()] = value
    return fields


# --- commands -------------------------------------------------------------------------

def cmd_init(wb: Workbench, args) -> dict:
    result = {"database": str(wb.engine.url), "files": str(wb.store.root)}
    if args.school_code:
        result["school_id"] = services.create_school(wb.uow(), args.school_code, args.school_name or args.school_code,
                                                     actor=_staff_actor(args, "建立學校"))
    return result


def cmd_demo(wb: Workbench, args) -> dict:
    from .demo import build_city, build_demo
    as_of = _moment(args.as_of) if args.as_of else None
    if args.schools:
        if args.school_code or args.school_name:
            raise UsageError("--schools 建立一整個城市的示範學校（代碼 999301 起），"
                             "不能同時指定 --school-code 或 --school-name")
        return build_city(wb, args.schools, seed=args.seed, students=args.students, as_of=as_of,
                          progress=not args.json)
    names = {"school_code": args.school_code} if args.school_code else {}
    if args.school_name:
        names["school_name"] = args.school_name
    return build_demo(wb, seed=args.seed, students=args.students, as_of=as_of, progress=not args.json, **names)


def cmd_grant_roles(wb: Workbench, args) -> dict:
    """As the database's owner: the workbench's role gets rows, the research role the de-identified views."""
    from .adapters.roles import grant_roles
    try:
        return grant_roles(wb.engine, args.app, args.research)
    except ValueError as err:
        raise UsageError(str(err)) from None


def cmd_import(wb: Workbench, args) -> dict:
    kind = args.kind.replace("-", "_")
    result = services.import_file(wb.uow(), kind, args.file, school_code=args.school,
                                  actor=_staff_actor(args, "匯入"),
                                  progress=not args.json)
    return result.as_dict()


def cmd_window(wb: Workbench, args) -> dict:
    term = _term(args.term)
    services.set_window(wb.uow(), term.year, term.semester, args.kind, _moment(args.opens),
                        _moment(args.closes, end_of_day=True), school_code=args.school,
                        actor=_staff_actor(args, "設定作業期程"))
    return {"window": args.kind, "term": str(term), "opens": args.opens, "closes": args.closes}


def cmd_upload_outcome(wb: Workbench, args) -> dict:
    term = _term(args.term)
    outcome_id = services.upload_outcome(wb.uow(), args.student, term.year, term.semester, args.course,
                                         args.description, _upload(args.document), _upload(args.video),
                                         actor=_actor(args), kind=args.kind)
    return {"outcome_id": outcome_id}


def cmd_outcome_kind(wb: Workbench, args) -> dict:
    kind = services.mark_outcome_kind(wb.uow(), args.outcome_id, args.kind, actor=_actor(args))
    return {"outcome_id": args.outcome_id, "kind": kind}


def cmd_target(wb: Workbench, args) -> dict:
    args.student = args.student_no
    verb = services.add_target if args.action == "add" else services.remove_target
    verb(wb.uow(), args.student_no, args.programme, actor=_actor(args))
    return {"student": args.student_no, "programme": args.programme, "target": args.action == "add"}


def cmd_requirements(wb: Workbench, args):
    """What the student's target programmes ask for against their selected and picked items (大學端需求)."""
    from .queries import requirements as rq
    from .queries.cabinet import student_viewer
    from .queries.vocabulary import cover_table
    viewer = student_viewer(wb.engine, args.student_no, school_id=args.school_id)
    year = args.year or Term.of(wb.clock().date()).year
    reports = rq.student_requirements(wb.engine, viewer, year, wb.policy, args.programme)
    if not reports:
        what = f"目標校系沒有「{args.programme}」" if args.programme else "尚未加入目標校系"
        return {"student": args.student_no, "programmes": 0, "message": f"{viewer.name}{what}"}
    import pandas as pd
    table = pd.concat([cover_table(r).drop(columns="符合的項目") for r in reports], ignore_index=True)
    table.insert(0, "校系", [r.title for r in reports for _ in r.cover.codes])
    return table


def cmd_upload_performance(wb: Workbench, args) -> dict:
    term = _term(args.term)
    record_id = services.upload_performance(wb.uow(), args.student, term.year, term.semester, args.category,
                                            _fields(args.field), args.description, _upload(args.document),
                                            _upload(args.video), args.link, actor=_actor(args))
    return {"performance_id": record_id}


def cmd_send(wb: Workbench, args) -> dict:
    services.send_for_certification(wb.uow(), args.outcome_id, actor=_actor(args))
    return {"outcome_id": args.outcome_id, "status": "pending"}


def cmd_certify(wb: Workbench, args) -> dict:
    actor = (Actor(ActorKind.STAFF.value, args.teacher, school_id=args.school_id) if args.teacher
             else _staff_actor(args, "認證"))
    services.certify(wb.uow(), args.outcome_id, passed=args.result == "pass", reason=args.reason, actor=actor)
    return {"outcome_id": args.outcome_id, "status": "passed" if args.result == "pass" else "failed"}


def cmd_select(wb: Workbench, args) -> dict:
    verb = services.unselect if args.undo else services.select_for_submission
    verb(wb.uow(), args.student, ItemKind(args.kind), args.item_id, actor=_actor(args))
    return {"student": args.student, "kind": args.kind, "item_id": args.item_id, "selected": not args.undo}


def cmd_pick(wb: Workbench, args) -> dict:
    verb = services.unpick if args.undo else services.pick_for_application
    verb(wb.uow(), args.student, ItemKind(args.kind), args.item_id, actor=_actor(args))
    return {"student": args.student, "kind": args.kind, "item_id": args.item_id, "picked": not args.undo}


def cmd_submit(wb: Workbench, args) -> dict:
    term = _term(args.term)
    return services.submit_selected(wb.uow(), term.year, term.semester, _staff_actor(args, "提交"),
                                    school_code=args.school,
                                    out_dir=args.out)


def cmd_receipt(wb: Workbench, args) -> dict:
    from .services.receipts import import_receipt
    term = _term(args.term)
    return import_receipt(wb.uow(), args.file, term.year, term.semester, actor=_staff_actor(args, "匯入收訖明細"),
                          school_code=args.school)


def cmd_status(wb: Workbench, args):
    if args.scope == "student":
        return item_table(queries.student_items(wb.engine, args.key, school_code=args.school))
    if args.scope == "class":
        year, _, name = args.key.partition("/")
        if not name:
            raise UsageError("班級請寫成 學年度/班級，例如 115/101")
        return status_table(queries.class_status(wb.engine, int(year), name, semester=args.semester,
                                                 school_code=args.school))
    if args.scope == "city":
        table = queries.school_figures(wb.engine, int(args.key), semester=args.semester)
        table = table.drop(columns="school_id").rename(columns={"code": "學校代碼", "name": "學校", **SUMMARY_LABELS})
        if args.out:
            from .adapters.tabular import csv_bytes, xlsx_bytes
            data = xlsx_bytes(table, "各校狀況") if args.out.endswith(".xlsx") else csv_bytes(table)
            Path(args.out).write_bytes(data)
            return {"schools": len(table), "written": args.out}
        return table
    summary = queries.school_summary(wb.engine, int(args.key), semester=args.semester, school_code=args.school)
    return summary.rename(index=SUMMARY_LABELS)


def cmd_officer(wb: Workbench, args):
    """The city's education office's accounts: list them, or (the administrator path) add, change or remove one."""
    from .queries.viewer import officer_directory
    if args.action == "list":
        return officer_directory(wb.engine).drop(columns="officer_id").rename(
            columns={"officer_no": "職員編號", "name": "姓名", "login": "登入帳號"})
    if not args.officer_no:
        raise UsageError("請寫出教育局帳號的職員編號，例如 portfolio officer add E001 --name 林科員 "
                         "--login e001 --as admin")
    actor = _staff_actor(args, "設定教育局帳號")
    if args.action == "remove":
        services.remove_district_officer(wb.uow(), args.officer_no, actor=actor)
        return {"removed": args.officer_no}
    if not args.name:
        raise UsageError("新增或修改教育局帳號須以 --name 寫出姓名")
    officer_id = services.save_district_officer(wb.uow(), args.officer_no, args.name, args.login, actor=actor)
    return {"officer_id": officer_id, "officer_no": args.officer_no}


def cmd_access_log(wb: Workbench, args):
    """The school's access log, for its administrators (校管理者) or the administrator path."""
    from .adapters.repository import Repository
    from .domain.model import Role
    from .domain.rules import check_has_role
    from .queries.access_log import access_entries
    actor = _staff_actor(args, "查閱存取紀錄")
    with wb.engine.connect() as conn:
        repo = Repository(conn, wb.policy)
        actor = repo.resolve_actor(actor)
        check_has_role(actor, {Role.ADMIN}, "查閱存取紀錄")
        if actor.kind == "staff":
            school_id = actor.school_id
        else:
            school_id = repo.school(args.school).id if args.school else None
    since = parse_roc_date(args.since) if args.since else None
    until = parse_roc_date(args.until) if args.until else None
    entries = access_table(access_entries(wb.engine, school_id, since, until, args.login, args.student, args.event))
    if args.out:
        out = Path(args.out)
        from .adapters.tabular import csv_bytes, xlsx_bytes
        out.write_bytes(xlsx_bytes(entries, "存取紀錄") if out.suffix.lower() == ".xlsx" else csv_bytes(entries))
        return {"file": str(out.resolve()), "entries": len(entries)}
    return entries


def cmd_warn(wb: Workbench, args):
    """Students likely to miss a deadline, with their reasons: as a staff member sees them (--as staff:NO: a homeroom
    teacher their class, counselors every class), or the whole school on the administrator path (--as admin)."""
    from .adapters.repository import Repository
    from .domain.model import Role
    from .domain.warning import Deadline
    from .queries.viewer import Viewer, viewer_by_staff_no
    from .queries.vocabulary import warning_table
    from .queries.warning import class_id_of, warnings
    actor = _staff_actor(args, "查看預警名單")
    term = _term(args.term)
    if actor.kind == "staff":
        viewer = viewer_by_staff_no(wb.engine, actor.key, actor.school_id)
    else:
        with wb.engine.connect() as conn:
            school = Repository(conn, wb.policy).school(args.school)
        viewer = Viewer(0, "admin", "系統管理者", school.id, frozenset({Role.ADMIN}))
    class_id = None
    if args.class_:
        year, _, name = args.class_.partition("/")
        if not name or not year.isdigit():
            raise UsageError("班級請寫成 學年度/班級，例如 115/101")
        class_id = class_id_of(wb.engine, viewer.school_id, int(year), name)
    listed = warnings(wb.engine, viewer, Deadline.parse(args.stage), term, wb.clock(), wb.policy, class_id=class_id)
    if args.json:
        return warning_payload(listed)
    print(f"{listed.title}：{format_roc_datetime(listed.closes)} 截止，依據{listed.method}", file=sys.stderr)
    for note in listed.notes:
        print(f"  {note}", file=sys.stderr)
    return warning_table(listed.table)


def warning_payload(listed) -> dict:
    """The list as JSON: the deadline, how it was made, and one entry per student."""
    e = listed.model.evidence if listed.model is not None else None
    evidence = None
    if e is not None and e.model is not None:
        evidence = {who: {"precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3)}
                    for who, s in (("model", e.model), ("rules", e.rules))}
        evidence |= {"test_term": listed.model.test_term, "spread": e.spread}
    return {"deadline": listed.deadline.value, "title": listed.title, "closes": listed.closes.isoformat(),
            "days_left": round(listed.days_left, 1), "method": listed.method, "horizon": listed.horizon,
            "notes": listed.notes, "evidence": evidence,
            "students": [{"class": row.class_name, "seat": int(row.seat), "student_no": row.student_no,
                          "name": row.name, "source": row.source,
                          "risk": None if row.risk is None or row.risk != row.risk else round(float(row.risk), 3),
                          "reasons": list(row.reasons)} for row in listed.table.itertuples()]}


def cmd_rescue(_wb, args) -> dict:
    """Convert a refused file (or several photos into one PDF) the way the cabinet does, into OUT."""
    from .adapters.filestore import write_atomically
    from .domain.policy import Policy
    from .services.rescue import rescue_file, rescue_photos
    uploads = [_upload(path) for path in args.inputs]
    out = Path(args.out)
    if out.is_dir():
        out = out / uploads[0].name
    if out.exists() or any(out.resolve() == Path(p).resolve() for p in args.inputs):
        raise UsageError(f"{out} 已經存在：請指定新的輸出檔名（原始檔不會被覆寫）")
    term = _term(args.term) if args.term else Term.of(datetime.now().date())
    rules = Policy.default().rules(term)
    if len(uploads) > 1:
        if args.kind != "document":
            raise UsageError("多個檔案只能以 --kind document 合併成一個 PDF")
        rescued = rescue_photos(uploads, rules, out.with_suffix(".pdf").name)
    else:
        rescued = rescue_file(uploads[0], args.kind, rules)
    if out.suffix.lower().lstrip(".") != rescued.converted.ext:
        out = out.with_suffix(f".{rescued.converted.ext}")
        if out.exists():
            raise UsageError(f"{out} 已經存在：請指定新的輸出檔名（原始檔不會被覆寫）")
    write_atomically(out, rescued.upload.data)
    return {"out": str(out), **rescued.facts()}


def cmd_originals(wb: Workbench, args):
    """The originals kept beside converted files, or (--purge) remove those past their time."""
    if args.purge:
        return {"purged": services.purge_originals(wb.uow())}
    from .queries.originals import kept_originals_table
    table = kept_originals_table(wb.engine, wb.policy)
    for column in ("kept_at", "settled", "keep_until"):      # dates as ISO text (JSON), None while not settled
        table[column] = [None if v is None or v != v else v.isoformat() for v in table[column]]
    return table


def cmd_check(wb: Workbench, args) -> dict:
    repaired = repair_workbench(wb) if args.repair else []
    problems = check_workbench(wb)
    return {"ok": not problems, "problems": problems, **({"repaired": repaired} if args.repair else {})}


def cmd_backup(wb: Workbench, args) -> dict:
    from .services.backup import backup
    return backup(wb, args.folder)


def cmd_restore(_wb, args) -> dict:
    from .services.backup import restore
    if not args.db:
        raise UsageError("restore 需要 --db：還原成的新資料庫（不存在的檔案，或空的 PostgreSQL 資料庫）")
    result = restore(args.folder, args.db, args.files)
    from .services.check import check_workbench
    wb = Workbench.open(args.db, args.files)
    try:
        problems = check_workbench(wb)
    finally:
        wb.engine.dispose()
    return {**result, "check": "通過" if not problems else "；".join(problems)}


def _research_key(path: str | None) -> tuple[bytes, str]:
    """The pseudonym key: read from a key file, created there when missing, or a fresh one kept nowhere."""
    import secrets
    if not path:
        return secrets.token_bytes(32), "（未保存：這份匯出的代號無法與任何其他匯出串連）"
    key_file = Path(path)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
    key = key_file.read_bytes().strip()
    if len(key) < 16:
        raise UsageError(f"金鑰檔「{key_file}」太短：至少要 16 個字元")
    return key, str(key_file)


def cmd_research_export(wb: Workbench, args) -> dict:
    from .research import export_deidentified
    key, where = _research_key(args.key_file)
    written = export_deidentified(wb.engine, args.out, key, wb.policy)
    return {"folder": str(Path(args.out).resolve()), "files": len(written), "key": where}


def cmd_research_report(_wb, args) -> dict:
    """Render research notebooks to HTML; sources are databases (files) and de-identified exports (folders)."""
    from .research.notebooks import REPORTS
    from .research.report import render_report
    from .research.sources import load_research_data
    from .research.suppression import check_threshold
    check_threshold(args.k)
    names = list(REPORTS) if "all" in args.names else args.names
    sources = args.source or ([config.database(args.db)] if config.database(args.db) else [])
    if not sources:
        raise UsageError("沒有資料來源：請用 --source 指定資料庫檔案或匯出資料夾，或設定 PORTFOLIO_DB")
    databases = [str(Path(s).resolve()) for s in sources if not Path(s).is_dir()]
    exports = [str(Path(s).resolve()) for s in sources if Path(s).is_dir()]
    load_research_data(databases, exports, schools=args.schools, years=args.years)   # refuse bad sources early
    out = Path(args.out).resolve()
    written = {}
    for name in names:
        parameters = {"databases": databases, "exports": exports, "schools": [str(s) for s in args.schools],
                      "years": list(args.years), "k": args.k,
                      "figures_dir": str(out / "figures" / name) if args.figures else ""}
        written[name] = str(render_report(name, out, parameters))
    return written


# --- parser ---------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="database file or SQLAlchemy URL (default: $PORTFOLIO_DB)")
    common.add_argument("--files", default=argparse.SUPPRESS,
                        help="file store folder (default: $PORTFOLIO_FILES, or beside the database)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the result as JSON")
    common.add_argument("--school", default=argparse.SUPPRESS, help="school code when the database holds several")
    common.add_argument("--as", dest="as_", default=argparse.SUPPRESS, metavar="ACTOR",
                        help="who acts: student:學號, staff:職員編號, or admin (the machine's administrator, "
                             "recorded with the OS user). Student commands default to the student themself; "
                             "staff commands (init, import, window, submit, receipt) must name who runs them")

    parser = argparse.ArgumentParser(prog="portfolio", parents=[common],
                                     description="學習歷程工作台：學習歷程檔案的上傳、認證、勾選與提交")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, handler, help_text):
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = command("init", cmd_init, "create or update the database (and optionally a school)")
    p.add_argument("--school-code")
    p.add_argument("--school-name")

    p = command("demo", cmd_demo, "add the demo school (or, with --schools N, a city of N) to the database")
    p.add_argument("--seed", type=int, default=115)
    p.add_argument("--students", type=int, default=1500, help="students enrolled in a year (default 1500)")
    p.add_argument("--as-of", help="the moment the demo stands at, an ROC date (default: now)")
    p.add_argument("--school-code", help="code of the demo school (default 999301); another code makes a second school")
    p.add_argument("--school-name", help="name of the demo school")
    p.add_argument("--schools", type=int, metavar="N",
                   help="a city: N demo schools in one database (999301, 999302, …; the M tier is --schools 40)")

    p = command("grant-roles", cmd_grant_roles, "PostgreSQL, as the database's owner: grant the workbench's role "
                "rows and the research role the de-identified views")
    p.add_argument("--app", required=True, help="the role the workbench connects as")
    p.add_argument("--research", required=True, help="the role researchers connect as")

    p = command("import", cmd_import, "import a file from the school administration system")
    p.add_argument("kind", choices=[k.replace("_", "-") for k in IMPORTERS])
    p.add_argument("file")

    p = command("window", cmd_window, "set a window of the schedule")
    p.add_argument("kind", choices=[k.value for k in WindowKind])
    p.add_argument("term", help="學年度-學期, e.g. 115-1 (yearly windows take any semester)")
    p.add_argument("opens", help="ROC date [time], e.g. '115/09/01 08:00'")
    p.add_argument("closes", help="ROC date [time]; a date alone closes at the end of that day")

    upload = sub.add_parser("upload", help="upload an outcome or a 多元表現 record")
    upload_sub = upload.add_subparsers(dest="item", required=True, metavar="ITEM")
    p = upload_sub.add_parser("outcome", parents=[common], help="a course learning outcome")
    p.set_defaults(handler=cmd_upload_outcome)
    p.add_argument("--student", required=True)
    p.add_argument("--term", required=True)
    p.add_argument("--course", required=True, help="the 23-character course code")
    p.add_argument("--description", required=True)
    p.add_argument("--kind", choices=[k.value for k in OutcomeKind],
                   help="what it is (申請入學 B–E); default: what the course makes certain, else not marked")
    p.add_argument("--document")
    p.add_argument("--video")
    p = upload_sub.add_parser("performance", parents=[common], help="a 多元表現 record")
    p.set_defaults(handler=cmd_upload_performance)
    p.add_argument("--student", required=True)
    p.add_argument("--term", required=True)
    p.add_argument("--category", required=True, choices=list(CATEGORIES))
    p.add_argument("--field", action="append", metavar="NAME=VALUE", help="a field of the category (repeat)")
    p.add_argument("--description", required=True)
    p.add_argument("--document")
    p.add_argument("--video")
    p.add_argument("--link")

    p = command("outcome-kind", cmd_outcome_kind, "mark what an outcome is (書面報告 report, 實作作品 work, "
                                                  "science or social inquiry), until it is submitted")
    p.add_argument("outcome_id", type=int)
    p.add_argument("kind", nargs="?", default="", choices=["", *[k.value for k in OutcomeKind]],
                   help="empty: what the course makes certain, else not marked")

    p = command("target", cmd_target, "add or remove a target programme (目標校系) of a student")
    p.add_argument("action", choices=["add", "remove"])
    p.add_argument("student_no")
    p.add_argument("programme", help="校系代碼 of the school's programme list (portfolio import programmes FILE)")

    p = command("requirements", cmd_requirements, "what a student's target programmes ask for (大學端需求), against "
                                                   "their selected and picked items, with what to do next")
    p.add_argument("student_no")
    p.add_argument("--programme", help="only this 校系代碼")
    p.add_argument("--year", type=int, help="academic year (default: now)")

    p = command("send", cmd_send, "send an outcome for certification")
    p.add_argument("outcome_id", type=int)

    p = command("certify", cmd_certify, "certify an outcome as its teacher")
    p.add_argument("outcome_id", type=int)
    p.add_argument("--teacher", help="staff number of the certifying teacher (the same as --as staff:NO)")
    p.add_argument("result", choices=["pass", "fail"])
    p.add_argument("--reason")

    for name, handler, text in (("select", cmd_select, "select (勾選) an item for the central database"),
                                ("pick", cmd_pick, "pick a selected item for university application")):
        p = command(name, handler, text)
        p.add_argument("student")
        p.add_argument("kind", choices=[k.value for k in ItemKind])
        p.add_argument("item_id", type=int)
        p.add_argument("--undo", action="store_true")

    p = command("submit", cmd_submit, "package the selected items of a term for the central database and lock them")
    p.add_argument("--term", required=True)
    p.add_argument("--out", help="folder for the package (default: beside the database, <name>.packages/)")

    p = command("receipt", cmd_receipt, "import a receipt list (收訖明細) and reconcile it with what was submitted")
    p.add_argument("file")
    p.add_argument("--term", required=True)

    p = command("status", cmd_status, "status of a student, a class (YEAR/CLASS), the school (YEAR) or every school "
                "of the database side by side (city YEAR)")
    p.add_argument("scope", choices=["student", "class", "school", "city"])
    p.add_argument("key")
    p.add_argument("--out", help="city: write the table to FILE.xlsx or FILE.csv instead of printing it")
    p.add_argument("--semester", type=int, choices=[1, 2],
                   help="one semester's outcomes (default: the whole year); selections and 多元表現 are yearly")

    p = command("warn", cmd_warn, "students likely to miss a deadline, with their reasons (rules, and a model where "
                                  "the school's history earns it): --as staff:NO (their classes) or --as admin")
    p.add_argument("--term", required=True, help="學年度-學期, e.g. 115-1")
    p.add_argument("--stage", required=True, choices=["1", "2", "performance", "selection"],
                   help="the deadline: upload stage 1 or 2, the 多元表現 window, the selection window")
    p.add_argument("--class", dest="class_", metavar="YEAR/CLASS", help="one class, e.g. 115/101")

    p = command("check", cmd_check, "verify the database's integrity, stored files and submission packages against "
                                    "their hashes (exit 1 when something is wrong)")
    p.add_argument("--repair", action="store_true",
                   help="first repair what a crash leaves: unfinished temporary files, files no record uses, "
                        "packages with no submission record, missing packages rebuilt from their batch")

    p = command("backup", cmd_backup, "a consistent copy of the database, its files and its submission packages, "
                                      "with a manifest of hashes, taken while people work")
    p.add_argument("folder", help="a new or empty folder for the backup")

    p = command("restore", cmd_restore, "restore a backup as a new database (--db: a file that does not exist, or "
                                        "an empty PostgreSQL database), its files and packages beside it")
    p.add_argument("folder", help="the backup's folder")
    p.set_defaults(standalone=True)

    p = command("officer", cmd_officer, "the city's education office (教育局) accounts, who see every school's counts "
                                        "and no one's names: list, or add/remove one (--as admin)")
    p.add_argument("action", choices=["list", "add", "remove"])
    p.add_argument("officer_no", nargs="?", help="the officer's number, e.g. E001")
    p.add_argument("--name", help="add: the officer's name")
    p.add_argument("--login", help="add: their sign-on name (the directory's)")

    p = command("access-log", cmd_access_log, "list or export the access log: sign-ins, pages opened and "
                                              "whose data (school administrators, --as staff:NO or --as admin)")
    p.add_argument("--since", help="first day, an ROC date (default: the beginning)")
    p.add_argument("--until", help="last day, an ROC date (default: today)")
    p.add_argument("--login", help="only this sign-on name")
    p.add_argument("--student", help="only entries about this student number")
    p.add_argument("--event", choices=[e.value for e in AccessEvent])
    p.add_argument("--out", help="write to a file instead: .xlsx, or .csv (UTF-8 with BOM)")

    p = command("rescue", cmd_rescue, "convert a file the upload rules refuse (HEIC photo, oversized photo, PDF, "
                                      "video or recording; several photos into one PDF) into one they take")
    p.add_argument("inputs", nargs="+", metavar="FILE")
    p.add_argument("--kind", choices=["document", "video"], required=True, help="the slot it is for")
    p.add_argument("--out", required=True, help="the converted file (never an existing file)")
    p.add_argument("--term", help="學年度-學期 whose limits apply (default: now)")
    p.set_defaults(standalone=True)

    p = command("originals", cmd_originals, "list the originals kept beside converted files, with the day each "
                                            "may be removed; --purge removes those past it (nightly)")
    p.add_argument("--purge", action="store_true")

    p = command("research-export", cmd_research_export,
                "export de-identified research tables (Parquet and CSV with BOM) with a data dictionary")
    p.add_argument("--out", required=True, help="folder for the export")
    p.add_argument("--key-file", help="pseudonym key file: the same key gives the same pseudonyms; created when "
                                      "missing (default: a fresh key that is not kept)")

    p = command("research-report", cmd_research_report,
                "run research notebooks headless and render them to HTML reports without code")
    p.add_argument("names", nargs="+", choices=["all", *REPORTS], metavar="NAME",
                   help="all, or reports among: " + ", ".join(REPORTS))
    p.add_argument("--source", action="append", metavar="PATH",
                   help="a school database file or a de-identified export folder (repeat; default: --db)")
    p.add_argument("--schools", nargs="+", default=[], metavar="CODE", help="only these school codes")
    p.add_argument("--years", nargs="+", type=int, default=[], metavar="YEAR", help="only these academic years")
    p.add_argument("--k", type=int, default=DEFAULT_K, help=f"small-cell threshold (default {DEFAULT_K})")
    p.add_argument("--out", required=True, help="folder for the HTML reports")
    p.add_argument("--figures", action="store_true", help="also write every chart as PNG and SVG, and tables as CSV")
    p.set_defaults(standalone=True)
    return parser


def _print(result, as_json: bool):
    import pandas as pd
    if as_json:
        if isinstance(result, pd.DataFrame):
            payload = json.loads(result.to_json(orient="records", force_ascii=False))
        elif isinstance(result, pd.Series):
            payload = json.loads(result.to_json(force_ascii=False))
        else:
            payload = result
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    elif isinstance(result, (pd.DataFrame, pd.Series)):
        print(result.to_string() if len(result) else "（沒有資料）")
    elif isinstance(result, dict) and "problems" in result:
        for done in result.get("repaired", ()):
            print(f"✓ {done}")
        if "repaired" in result and not result["repaired"]:
            print("沒有需要修復的項目。")
        print("檢查通過：資料庫、檔案庫與提交包一致。" if result["ok"]
              else "\n".join(f"✗ {p}" for p in result["problems"]))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (("db", None), ("files", None), ("json", False), ("school", None), ("as_", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    db = config.database(args.db)
    standalone = getattr(args, "standalone", False)
    if not db and not standalone:
        parser.error("no database: give --db or set PORTFOLIO_DB")
    try:
        wb = None if standalone else Workbench.open(db, args.files)
        args.school_id = _school_id(wb, args.school) if args.school and wb is not None else None
        result = args.handler(wb, args)
    except UsageError as err:
        parser.error(str(err))
    except PortfolioError as err:
        if args.json:
            print(json.dumps(err.to_dict(), ensure_ascii=False, indent=2, default=str), file=sys.stderr)
        else:
            print(f"錯誤：{err.message}", file=sys.stderr)
        return 1
    _print(result, args.json)
    if args.handler is cmd_check and not result["ok"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
