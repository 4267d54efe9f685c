"""What a data column is called on a screen: one vocabulary that turns the read side's data into Chinese
headers at the table (and in its XLSX and CSV downloads)."""

from __future__ import annotations

import pandas as pd

from ..domain.calendar import format_roc_date, format_roc_datetime
from ..domain.model import ItemKind, ReceiptStatus, Reminder, certification_result
from ..domain.units import MIB

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
    "days_late": "逾期天數",
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


def summary_cards(figures) -> dict[str, int]:
    """The school summary as its cards (and the command line) label it."""
    return {SUMMARY_LABELS[key]: int(value) for key, value in dict(figures).items()}


def overview_table(overview: pd.DataFrame) -> pd.DataFrame:
    """The classes of the school (`queries.counselor.class_overview`) as the counselor's table reads."""
    columns = ["grade", "class_name", "homeroom_teacher", "students", "students_uploading", "outcomes", "not_sent",
               "pending", "passed", "failed", "selected_outcomes", "students_without_upload", "upload_rate"]
    shown = overview[columns].assign(homeroom_teacher=overview["homeroom_teacher"].fillna(""))
    return shown.rename(columns={**HEADERS, "outcomes": "成果件數", "selected_outcomes": "已勾選成果"})


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
        shown["class_name"] = shown["class_name"].fillna("")
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
