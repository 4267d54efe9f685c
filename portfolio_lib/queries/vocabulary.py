"""What a data column is called on a screen: one vocabulary that turns the read side's data into Chinese
headers at the table (and in its XLSX and CSV downloads)."""

from __future__ import annotations

import pandas as pd

from ..domain.admission import CODE_TABLES, COVER_LABELS, OutcomeKind, ProgrammeReport, System
from ..domain.calendar import format_roc_date, format_roc_datetime
from ..domain.categories import CATEGORIES
from ..domain.model import (
    ACCESS_EVENT_LABELS,
    SIGN_IN_REFUSALS,
    AccessEvent,
    ItemKind,
    OutcomeStatus,
    PlanStatus,
    ReceiptStatus,
    Reminder,
    SchoolDocumentKind,
    WindowKind,
    certification_result,
)
from ..domain.pages import page_title
from ..domain.units import MIB
from .district import COLUMNS as DISTRICT_COLUMNS
from .frames import missing

HEADERS = {
    "outcome_id": "編號", "academic_year": "學年度", "semester": "學期", "subject": "科目", "section": "開課班級",
    "description": "內容簡述", "sent_at": "送出時間", "document_name": "文件檔案", "video_name": "影音檔案",
    "as_proxy": "代理", "closes": "認證截止", "days_left": "剩餘天數", "certified_at": "認證時間",
    "passed_result": "結果", "reason": "原因",
    "class_name": "班級", "batch_id": "批次", "created_at": "提交時間", "created_by": "提交人", "item_count": "件數",
    "digest": "SHA-256", "receipt_id": "明細", "file_name": "檔名", "imported_at": "匯入時間", "imported_by": "匯入人",
    "item_kind": "種類", "item_id": "項目編號", "status": "狀態", "detail": "說明", "check_by": "確認期限",
    **{kind.value: kind.label for kind in ItemKind}, **{status.value: status.label for status in ReceiptStatus},
    "seat": "座號", "student_no": "學號", "name": "姓名",
    "outcomes": "學習成果", "passed": "通過", "failed": "不通過", "pending": "待認證", "not_sent": "未送認證",
    "selected_outcomes": "勾選成果", "performances": "多元表現", "selected_performances": "勾選多元表現",
    "used_mb": "已用空間(MB)", "reminders": "提醒",
    "grade": "年級", "homeroom_teacher": "導師", "students": "學生數", "students_uploading": "已上傳學生",
    "students_without_upload": "未上傳學生", "upload_rate": "上傳率",
    "staff_no": "職員編號", "teacher": "授課教師", "earliest_sent": "最早送出", "due": "應完成日",
    "days_late": "逾期天數", "source": "依據", "risk": "風險", "reasons": "原因",
}
# the school's headline figures (`queries.status.school_summary`), on every card and in `portfolio status school`
SUMMARY_LABELS = {
    "students": "學生數", "outcomes": "已上傳學習成果", "not_sent": "未送認證", "pending": "待認證",
    "passed": "認證通過", "failed": "認證不通過", "selected_outcomes": "已勾選學習成果",
    "students_without_upload": "尚未上傳的學生", "performances": "已上傳多元表現",
    "selected_performances": "已勾選多元表現",
}
# a count shown against its cap: "3/6"
AGAINST_CAP = {"outcomes": "outcome_cap", "selected_outcomes": "outcome_selection_cap",
               "performances": "performance_cap", "selected_performances": "performance_selection_cap"}


NO_CLASS = "（無班級）"  # a receipt line of a student in no class of that year


def summary_cards(figures) -> dict[str, int]:
    """The school summary as its cards (and the command line) label it."""
    return {SUMMARY_LABELS[key]: int(value) for key, value in dict(figures).items()}


def overview_table(overview: pd.DataFrame) -> pd.DataFrame:
    """The classes of the school (`queries.counselor.class_overview`) as the counselor's table reads."""
    columns = ["grade", "class_name", "homeroom_teacher", "students", "students_uploading", "outcomes", "not_sent",
               "pending", "passed", "failed", "selected_outcomes", "students_without_upload", "upload_rate"]
    shown = overview[columns].assign(homeroom_teacher=overview["homeroom_teacher"].fillna(""))
    return shown.rename(columns={**HEADERS, "outcomes": "成果件數", "selected_outcomes": "已勾選成果"})


# --- the district's pages (`queries.district`) ------------------------------------------------------------

DISTRICT_HEADERS = {
    "code": "學校代碼", "name": "學校", "students": "學生數", "stage_1_rate": "第一階段截止前上傳率",
    "stage_2_rate": "第二階段截止前上傳率", "students_without_upload": "未上傳學生", "outcomes": "成果件數",
    "not_sent": "未送認證", "pending": "待認證", "overdue": "逾期未認證（超過一週）",
    "oldest_pending_days": "最久待認證天數", "passed": "通過", "failed": "不通過", "performances": "多元表現",
    "selecting_students": "已勾選學生",
    "selection_rate": "勾選學生比率", "selected_outcomes": "勾選成果", "selected_performances": "勾選多元表現",
    "selection_state": "勾選期間", "selection_closes": "勾選截止", "submitted_items": "已提交件數",
    "last_submitted": "最近提交", **{status.value: f"收訖：{status.label}" for status in ReceiptStatus},
}
WINDOW_STATES = {"upcoming": "未開始", "open": "開放中", "closed": "已截止", "unset": "未設定"}


def district_table(schools: pd.DataFrame) -> pd.DataFrame:
    """Every school side by side (`queries.district.school_table`) as the district page and its downloads read:
    rates as shares, window states in words, ROC dates and times."""
    shown = schools[DISTRICT_COLUMNS].assign(
        selection_state=schools["selection_state"].map(WINDOW_STATES),
        selection_closes=schools["selection_closes"].map(_roc),
        last_submitted=schools["last_submitted"].map(_roc))
    return shown.rename(columns=DISTRICT_HEADERS)


def district_class_table(classes: pd.DataFrame) -> pd.DataFrame:
    """A school's classes by counts only (`queries.district.school_classes`): no teacher's or student's name."""
    columns = ["grade", "class_name", "students", "students_uploading", "outcomes", "not_sent", "pending", "passed",
               "failed", "selected_outcomes", "students_without_upload", "upload_rate"]
    return classes[columns].rename(columns={**HEADERS, "outcomes": "成果件數", "selected_outcomes": "已勾選成果"})


def backlog_table(backlog: pd.DataFrame) -> pd.DataFrame:
    """Pending certification by teacher and course (`queries.counselor.certification_backlog`): ROC dates, and
    「未設定」 where the school set no window."""
    shown = backlog.assign(earliest_sent=backlog["earliest_sent"].map(format_roc_datetime),
                           due=backlog["due"].map(lambda d: format_roc_date(d) if d is not None else "未設定"))
    columns = ["staff_no", "teacher", "subject", "section", "pending", "earliest_sent", "due", "days_late"]
    return shown[columns].rename(columns=HEADERS)


def reminder_table(flagged: pd.DataFrame) -> pd.DataFrame:
    """Students to remind (rows of `queries.homeroom.class_progress`): class, seat, number, name, reminders."""
    shown = flagged[["class_name", "seat", "student_no", "name"]].assign(
        reminders=flagged["reminders"].map(reminder_text))
    return shown.rename(columns=HEADERS)


def status_table(counts: pd.DataFrame) -> pd.DataFrame:
    """A class's counts (`queries.status.class_status`) as `portfolio status class` prints them."""
    columns = ["student_no", "seat", "name", "outcomes", "passed", "failed", "pending", "not_sent",
               "selected_outcomes", "selected_performances", "performances"]
    return counts[columns].rename(columns=HEADERS)


def warning_table(table: pd.DataFrame) -> pd.DataFrame:
    """A warning list (`queries.warning.warnings`) as its table reads: the model's risk as a percentage, the reasons
    joined, largest first."""
    shown = table.assign(risk=table["risk"].map(lambda r: "" if missing(r) else f"{float(r):.0%}"),
                         reasons=table["reasons"].map("；".join))
    columns = ["class_name", "seat", "student_no", "name", "source", "risk", "reasons"]
    return shown[columns].rename(columns=HEADERS)


def queue_table(queue: pd.DataFrame) -> pd.DataFrame:
    """A certification queue (`queries.teacher.certification_queue`) as its table reads."""
    shown = queue.assign(sent_at=queue["sent_at"].map(format_roc_datetime),
                         closes=queue["closes"].map(format_roc_datetime),
                         as_proxy=queue["as_proxy"].map({True: "代理", False: ""}))
    columns = ["outcome_id", "academic_year", "semester", "subject", "section", "student_no", "name", "description",
               "sent_at", "document_name", "video_name", "as_proxy", "closes", "days_left"]
    return shown[columns].fillna("").rename(columns=HEADERS)


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """What a teacher certified (`queries.teacher.certification_history`) as its table reads."""
    shown = history.assign(certified_at=history["certified_at"].map(format_roc_datetime),
                           passed_result=history["passed"].map(certification_result))
    columns = ["certified_at", "outcome_id", "subject", "student_no", "name", "reason", "passed_result"]
    return shown[columns].fillna("").rename(columns=HEADERS)


def submission_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table of the submission page (`queries.submission`) as it reads: ROC dates and times, kinds and
    reconciliation results in words, Chinese headers."""
    shown = frame.copy()
    for column in ("created_at", "imported_at"):
        if column in shown:
            shown[column] = shown[column].map(format_roc_datetime)
    if "check_by" in shown:
        shown["check_by"] = shown["check_by"].map(format_roc_date)
    if "item_kind" in shown:
        shown["item_kind"] = shown["item_kind"].map(lambda k: ItemKind(k).label if isinstance(k, str) else "")
    if "status" in shown:
        shown["status"] = shown["status"].map(lambda v: ReceiptStatus(v).label)
    if "class_name" in shown:
        shown["class_name"] = shown["class_name"].map(lambda v: NO_CLASS if missing(v) else v)
    return shown.fillna("").rename(columns=HEADERS)


def reminder_text(reminders) -> str:
    """The reminders a student is flagged for, in Chinese, 、-separated ('' for none)."""
    return "、".join(Reminder(r).label for r in reminders)


def progress_table(progress: pd.DataFrame) -> pd.DataFrame:
    """A class's progress (`queries.homeroom.class_progress`) as its table reads: counts against their caps,
    space in MB, reminders in words, under Chinese headers."""
    shown = pd.DataFrame(index=progress.index)
    for column in ("seat", "student_no", "name"):
        shown[column] = progress[column]
    for column in ("outcomes", "passed", "failed", "pending", "not_sent", "selected_outcomes", "performances",
                   "selected_performances"):
        cap = AGAINST_CAP.get(column)
        shown[column] = (progress[column].astype(str) + "/" + progress[cap].astype(str)) if cap else progress[column]
    shown["used_mb"] = (progress["used_bytes"] / MIB).round(1)
    shown["reminders"] = progress["reminders"].map(reminder_text)
    return shown.rename(columns=HEADERS)


# --- a student's items (`queries.items`, `queries.cabinet`) ---------------------------------------------

SOURCE_LABELS = {True: "校務系統", False: "自行上傳"}


def _roc(value, form=format_roc_datetime) -> str:
    return "" if missing(value) else form(value)


def _locked(submitted_at) -> str:
    """「🔒 115/07/01」 for an item submitted to the central database, '' otherwise."""
    return "" if missing(submitted_at) else "🔒 " + format_roc_date(submitted_at)


def _tick(flag) -> str:
    return "✓" if bool(flag) else ""


def course_record_table(records: pd.DataFrame) -> pd.DataFrame:
    """The course record (`queries.cabinet.course_records`) as the cabinet shows it."""
    return pd.DataFrame({
        "學年度": records["academic_year"], "學期": records["semester"], "科目": records["subject"],
        "課程代碼": records["course_code"], "學分": records["credits"],
        "成績": records["score"].map(lambda v: "" if missing(v) else f"{v:g}"),
        "學習成果": records["outcome_status"].map(lambda v: "未上傳" if missing(v) else OutcomeStatus(v).label),
    })


def outcome_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """A student's outcomes (`queries.items.outcome_items`) as the cabinet lists them."""
    return pd.DataFrame({
        "編號": outcomes["outcome_id"], "學年度": outcomes["academic_year"], "學期": outcomes["semester"],
        "科目": outcomes["subject"], "內容簡述": outcomes["description"],
        "成果類型": outcomes["outcome_kind"].map(kind_label),
        "文件": outcomes["document_name"].fillna(""), "影音": outcomes["video_name"].fillna(""),
        "原因": outcomes["reason"].fillna(""), "認證": outcomes["status"].map(lambda v: OutcomeStatus(v).label),
        "送出時間": outcomes["sent_at"].map(_roc), "已勾選": outcomes["selected"].map(_tick),
        "提交": outcomes["submitted_at"].map(_locked),
    })


def kind_label(value) -> str:
    """An outcome's kind as the cabinet names it (未標示 while the student has not said)."""
    return "未標示" if missing(value) else OutcomeKind(value).label


def performance_table(records: pd.DataFrame) -> pd.DataFrame:
    """A student's 多元表現 (`queries.cabinet.performances`) as the cabinet lists them."""
    return pd.DataFrame({
        "編號": records["performance_id"], "學年度": records["academic_year"], "學期": records["semester"],
        "類別": records["category"].map(lambda key: CATEGORIES[key].label), "內容": records["content"],
        "內容簡述": records["description"].fillna(""), "證明文件": records["document_name"].fillna(""),
        "影音": records["video_name"].fillna(""), "外部連結": records["external_link"].fillna(""),
        "來源": records["synced"].map(SOURCE_LABELS), "已勾選": records["selected"].map(_tick),
        "提交": records["submitted_at"].map(_locked),
    })


def choice_table(named: pd.DataFrame) -> pd.DataFrame:
    """Items to select (`queries.cabinet.selectable`) or to pick (`application_pool`), as the cabinet lists them."""
    shown = {"種類": named["kind"].map(lambda k: ItemKind(k).label), "編號": named["item_id"]}
    if "picked" in named:
        shown.update({"學年度": named["academic_year"], "名稱": named["name"],
                      "申請入學": named["picked"].map(_tick)})
    else:
        shown.update({"名稱": named["name"], "已勾選": named["selected"].map(_tick),
                      "提交": named["submitted_at"].map(_locked)})
    return pd.DataFrame(shown, columns=list(shown))


def item_table(items: pd.DataFrame) -> pd.DataFrame:
    """A student's items in one list (`queries.items.student_items`): the homeroom and counselor drill-down and
    `portfolio status student`."""
    return pd.DataFrame({
        "種類": items["kind"].map(lambda k: ItemKind(k).label), "編號": items["item_id"],
        "學年度": items["academic_year"], "學期": items["semester"], "科目/類別": items["title"],
        "內容簡述": items["description"].fillna(""),
        "認證": items["status"].map(lambda v: "—" if missing(v) else OutcomeStatus(v).label),
        "已勾選": items["selected"].map(_tick),
        "上傳日期": items["uploaded_at"].map(lambda v: _roc(v, format_roc_date)),
        "提交日期": items["submitted_at"].map(lambda v: _roc(v, format_roc_date)),
    }, columns=["種類", "編號", "學年度", "學期", "科目/類別", "內容簡述", "認證", "已勾選", "上傳日期", "提交日期"])


def notification_table(notes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"時間": notes["created_at"].map(_roc), "通知": notes["message"],
                         "狀態": notes["read"].map({True: "已讀", False: "未讀"})})


def submission_record_table(records: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"提交時間": records["created_at"].map(_roc), "學年度": records["academic_year"],
                         "學期": records["semester"], "種類": records["item_kind"].map(lambda k: ItemKind(k).label),
                         "編號": records["item_id"]})


def consultation_table(records: pd.DataFrame) -> pd.DataFrame:
    """Consultation records (the cabinet's, or a consultant's own with the student)."""
    shown = {}
    if "consultation_id" in records:
        shown["編號"] = records["consultation_id"]
    shown["日期"] = records["consulted_on"].map(lambda v: _roc(v, format_roc_date))
    if "student_no" in records:
        shown.update({"學號": records["student_no"], "姓名": records["name"]})
    if "consultant" in records:
        shown["課程諮詢師"] = records["consultant"]
    shown.update({"內容簡述": records["description"].fillna(""), "文件": records["document_name"].fillna("")})
    return pd.DataFrame(shown, columns=list(shown))


def plan_table(plans: pd.DataFrame) -> pd.DataFrame:
    """Self-directed learning plans: the student's own (`queries.cabinet.learning_plans`) or a class's
    (`queries.homeroom.class_learning_plans`, with seat, number and name)."""
    shown = {"編號": plans["plan_id"]}
    for column, header in (("seat", "座號"), ("student_no", "學號"), ("name", "姓名"),
                           ("academic_year", "學年度"), ("semester", "學期")):
        if column in plans:
            shown[header] = plans[column]
    shown.update({"計畫名稱": plans["title"], "內容簡述": plans["description"].fillna(""),
                  "文件": plans["document_name"].fillna(""), "審核意見": plans["review_comment"].fillna(""),
                  "審核": plans["status"].map(lambda v: PlanStatus(v).label)})
    if "updated_at" in plans:
        shown["更新時間"] = plans["updated_at"].map(_roc)
    return pd.DataFrame(shown, columns=list(shown))


def school_document_table(documents: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"編號": documents["document_id"],
                         "種類": documents["document_kind"].map(lambda v: SchoolDocumentKind(v).label),
                         "內容簡述": documents["description"].fillna(""), "文件": documents["document_name"].fillna(""),
                         "上傳時間": documents["uploaded_at"].map(_roc)})


def access_table(entries: pd.DataFrame) -> pd.DataFrame:
    """The access log (`queries.access_log.access_entries`): events, refusal reasons and page titles in words."""
    return pd.DataFrame({
        "時間": entries["at"].map(_roc), "帳號": entries["login"],
        "事件": entries["event"].map(lambda v: ACCESS_EVENT_LABELS[AccessEvent(v)]),
        "項目": [_access_target(e, v) for e, v in zip(entries["event"], entries["target"])],
        "學號": entries["student_no"].fillna(""), "學生": entries["name"].fillna(""),
        "來源位址": entries["address"].fillna(""),
    }, columns=["時間", "帳號", "事件", "項目", "學號", "學生", "來源位址"])


def _access_target(event: str, target: str | None) -> str:
    if missing(target):
        return ""
    if event == AccessEvent.SIGN_IN_REFUSED.value:
        return SIGN_IN_REFUSALS.get(target, target)
    return page_title(target)


def schedule_table(schedule: pd.DataFrame) -> pd.DataFrame:
    """The school's windows (`queries.schedule.schedule`), with what is left of each in words."""
    def state(row) -> str:
        if row.state == "upcoming":
            return f"{row.days} 天後開始"
        return f"進行中，剩 {row.days} 天" if row.state == "open" else "已結束"
    return pd.DataFrame({
        "項目": schedule["kind"].map(lambda k: WindowKind(k).label),
        "學期": schedule["semester"].map(lambda n: "全學年" if n == 0 else f"第{n}學期"),
        "開始": schedule["opens"].map(_roc), "結束": schedule["closes"].map(_roc),
        "狀態": [state(row) for row in schedule.itertuples()],
    }, columns=["項目", "學期", "開始", "結束", "狀態"])


def category_table(shares: pd.DataFrame) -> pd.DataFrame:
    """多元表現 per category (`queries.status.category_distribution`): the category's name, count and share."""
    return pd.DataFrame({"類別": shares["label"], "件數": shares["count"], "比例": shares["share"].round(3)})


def problem_table(problems: list[dict]) -> pd.DataFrame:
    """The problems of a refused file (`ImportRejected.facts["problems"]`): row, column, reason."""
    return pd.DataFrame(problems, columns=["row", "column", "reason"]).rename(
        columns={"row": "列", "column": "欄位", "reason": "問題"})


# --- programme requirements (大學端需求) ------------------------------------------------------------------

def cover_table(report: ProgrammeReport) -> pd.DataFrame:
    """One programme's asked codes as a student reads them: how many selected items fit each code, how many of them
    are picked for application, its state, what to do next, and the items themselves."""
    rows = [{"代碼": c.code.code, "項目": c.code.label,
             "已勾選": len(c.selected) if c.code.item_kind else "",
             "已選為申請": len(c.picked) if c.code.item_kind else "",
             "狀態": COVER_LABELS[c.state], "下一步": c.next_step,
             "符合的項目": "、".join(i.name for i in c.selected)} for c in report.cover.codes]
    return pd.DataFrame(rows, columns=["代碼", "項目", "已勾選", "已選為申請", "狀態", "下一步", "符合的項目"])


def code_table() -> pd.DataFrame:
    """Both item-code tables as one reference table, each code with its system's year and source."""
    return pd.DataFrame([{"系統": table.label, "代碼": code.code, "項目": code.label, "組別": code.group,
                          "適用": f"{table.from_year} 學年度起", "來源": table.source}
                         for table in CODE_TABLES.values() for code in table.codes.values()])


def programme_table(programmes: pd.DataFrame) -> pd.DataFrame:
    """The school's programme list (`queries.requirements.programmes`) as the counselor reads it."""
    return pd.DataFrame({"校系代碼": programmes["code"], "校系名稱": programmes["name"],
                         "要求項目": programmes["requirement"], "學年度": programmes["admission_year"],
                         "範例資料": programmes["sample"].map({True: "是", False: ""}), "來源": programmes["source"]})


def requirement_class_table(per_class: pd.DataFrame) -> pd.DataFrame:
    """Per grade-12 class (`queries.requirements.class_requirements`): 班級, 高三人數, 有目標校系, 有缺項."""
    return per_class.rename(columns={"class_name": "班級", "students": "高三人數", "targeted": "有目標校系",
                                     "lacking": "有缺項"})


def requirement_reminder_table(reminders: pd.DataFrame) -> pd.DataFrame:
    """The students whose target programmes ask for what they have nothing selected for, to remind."""
    return reminders.rename(columns={"class_name": "班級", "seat": "座號", "student_no": "學號", "name": "姓名",
                                     "programme": "校系", "missing": "缺少項目"})


def lacking_table(lacking: pd.DataFrame) -> pd.DataFrame:
    """The codes most often missing (`queries.requirements.lacking_counts`): 系統, 代碼, 項目, 學生數."""
    return pd.DataFrame({"系統": lacking["system"].map(lambda s: System(s).label), "代碼": lacking["code"],
                         "項目": lacking["label"], "學生數": lacking["students"]})

