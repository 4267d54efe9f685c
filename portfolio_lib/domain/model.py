"""Entities of the portfolio cycle and their state changes: upload → certify → select → submit."""

from __future__ import annotations

import getpass
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlparse

from .calendar import Term, format_roc_datetime
from .errors import (
    DescriptionRequired,
    DescriptionTooLong,
    ExternalLinkWithoutVideo,
    FileRequired,
    InvalidExternalLink,
    InvalidState,
    ItemLocked,
    ReasonRequired,
    ReviewCommentRequired,
    SyncedRecordProtected,
)
from .policy import Rules


class Role(StrEnum):
    """Staff roles (domain.md §1)."""

    HOMEROOM = "homeroom"
    COUNSELOR = "counselor"
    TEACHER = "teacher"
    SUBMITTER = "submitter"
    RECEIPT_CHECKER = "receipt_checker"
    ADMIN = "admin"
    CONSULTANT = "consultant"
    RESEARCHER = "researcher"
    DISTRICT = "district"        # the city's education office (教育局): every school's counts, no one's names

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.HOMEROOM: "導師", Role.COUNSELOR: "輔導老師", Role.TEACHER: "授課教師",
    Role.SUBMITTER: "提交人員", Role.RECEIPT_CHECKER: "收訖明細", Role.ADMIN: "校管理者",
    Role.CONSULTANT: "課程諮詢師", Role.RESEARCHER: "研究者", Role.DISTRICT: "教育局承辦人",
}

# the roles a school gives its staff (the staff import's 身分); the district's role belongs to the city's education
# office, whose officers are accounts of no school
SCHOOL_ROLES = tuple(role for role in Role if role is not Role.DISTRICT)


def role_by_label(text: str) -> Role:
    """A school staff role by its name or value; the district's role is no school's to give."""
    text = text.strip()
    for role in SCHOOL_ROLES:
        if text in (role.value, ROLE_LABELS[role]):
            return role
    raise ValueError(text)


class OutcomeStatus(StrEnum):
    UPLOADED = "uploaded"     # 已上傳，未送認證
    PENDING = "pending"       # 待認證
    PASSED = "passed"         # 通過
    FAILED = "failed"         # 不通過

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {OutcomeStatus.UPLOADED: "未送認證", OutcomeStatus.PENDING: "待認證",
                 OutcomeStatus.PASSED: "通過", OutcomeStatus.FAILED: "不通過"}


class ItemKind(StrEnum):
    OUTCOME = "outcome"
    PERFORMANCE = "performance"

    @property
    def label(self) -> str:
        return ITEM_LABELS[self]


ITEM_LABELS = {ItemKind.OUTCOME: "課程學習成果", ItemKind.PERFORMANCE: "多元表現"}


class WindowKind(StrEnum):
    """The windows of a school's schedule, per year and semester (semester 0: the whole year)."""

    UPLOAD_1 = "upload_1"
    UPLOAD_2 = "upload_2"
    CERTIFICATION = "certification"
    PERFORMANCE_UPLOAD = "performance_upload"
    SELECTION = "selection"

    @property
    def label(self) -> str:
        return WINDOW_LABELS[self]

    @property
    def yearly(self) -> bool:
        return self in (WindowKind.PERFORMANCE_UPLOAD, WindowKind.SELECTION)


WINDOW_LABELS = {
    WindowKind.UPLOAD_1: "學習成果第一階段上傳期間", WindowKind.UPLOAD_2: "學習成果第二階段上傳期間",
    WindowKind.CERTIFICATION: "開放認證期間", WindowKind.PERFORMANCE_UPLOAD: "多元表現上傳期間",
    WindowKind.SELECTION: "開放勾選期間",
}


class AccessEvent(StrEnum):
    """What the access log records (個資法 §12): sign-ins, and every page or person's data opened."""

    SIGN_IN = "sign_in"
    SIGN_IN_REFUSED = "sign_in_refused"
    SIGN_OUT = "sign_out"
    OPEN = "open"                   # a dashboard or a cabinet was opened
    VIEW_STUDENT = "view_student"   # a staff member opened one student's items

    @property
    def label(self) -> str:
        return ACCESS_EVENT_LABELS[self]


ACCESS_EVENT_LABELS = {AccessEvent.SIGN_IN: "登入", AccessEvent.SIGN_IN_REFUSED: "登入遭拒",
                       AccessEvent.SIGN_OUT: "登出", AccessEvent.OPEN: "開啟頁面",
                       AccessEvent.VIEW_STUDENT: "檢視學生資料"}

# Why a sign-in was refused (the access log's target for SIGN_IN_REFUSED).
SIGN_IN_REFUSALS = {"bad_password": "帳號或密碼錯誤", "blank_password": "未輸入密碼",
                    "no_school_record": "目錄帳號沒有本校資料", "bad_username": "帳號格式不正確"}


class ActorKind(StrEnum):
    """Who may act: an account of the school, or the machine's administrator, named as such."""

    STUDENT = "student"          # key: student number
    STAFF = "staff"              # key: staff number
    GUARDIAN = "guardian"        # key: the guardian's sign-on name; reads their child's cabinet, never acts
    ADMIN = "admin"              # key: who administers the machine (the database file's holder)


@dataclass(frozen=True)
class Actor:
    """Who acts: a student, a staff member or a guardian of the school, or the administrator path.

    Staff roles are filled in from the database (`Repository.resolve_actor`); the administrator path
    is never implied: it is named by `Actor.administrator()` or `--as admin` on the command line.
    """

    kind: str
    key: str
    roles: frozenset = frozenset()
    # the school whose account this is: numbers repeat between schools, so in a database of several schools a
    # student or staff number means one person only with it. None: not known yet (the database's only school)
    # or, for the administrator path, every school.
    school_id: int | None = None

    def __post_init__(self):
        ActorKind(self.kind)        # an unknown kind is a programming error, never a silent pass
        if not self.key:
            raise ValueError("an actor needs a key")

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"

    @classmethod
    def administrator(cls, name: str | None = None) -> "Actor":
        """The machine's administrator: whoever holds the database file (imports, set-up, the demo)."""
        return cls(ActorKind.ADMIN.value, name or getpass.getuser())

    @classmethod
    def parse(cls, text: str, school_id: int | None = None) -> "Actor":
        """`student:學號`, `staff:職員編號` or `admin` (the administrator path, recorded with the OS user), of the
        school `school_id` where the database holds several."""
        kind, _, key = text.strip().partition(":")
        if kind == ActorKind.ADMIN.value and not key:
            return replace(cls.administrator(), school_id=school_id)
        if kind not in (ActorKind.STUDENT.value, ActorKind.STAFF.value) or not key.strip():
            raise ValueError(f"--as 請寫成 student:學號、staff:職員編號 或 admin（系統管理者），不能是「{text}」")
        return cls(kind, key.strip(), school_id=school_id)


@dataclass(frozen=True)
class Window:
    kind: WindowKind
    term_year: int
    semester: int
    opens: datetime
    closes: datetime

    def contains(self, moment: datetime) -> bool:
        return self.opens <= moment <= self.closes

    def span(self) -> tuple[str, str]:
        return format_roc_datetime(self.opens), format_roc_datetime(self.closes)


def clean_description(text: str | None, rules: Rules) -> str:
    """A description: required, at most N characters counted as characters (a CJK character is one)."""
    clean = unicodedata.normalize("NFC", (text or "").strip())
    if not clean:
        raise DescriptionRequired(limit=rules.description_max_chars)
    if len(clean) > rules.description_max_chars:
        raise DescriptionTooLong(length=len(clean), limit=rules.description_max_chars)
    return clean


def check_item_files(has_document: bool, has_video: bool, external_link: str | None) -> str | None:
    """At least one file per item; an external link only with a video; links are web addresses."""
    if not (has_document or has_video):
        raise FileRequired()
    link = (external_link or "").strip() or None
    if link is None:
        return None
    if not has_video:
        raise ExternalLinkWithoutVideo()
    parsed = urlparse(link)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(link) > 500:
        raise InvalidExternalLink(link=link)
    return link


# --- what a state allows: one predicate per question, used by the entities and exposed by the queries ----

def outcome_can_change(status: OutcomeStatus, submitted: bool) -> bool:
    """An outcome can be replaced (or deleted) while not yet sent, or after it failed, until it is submitted."""
    return not submitted and OutcomeStatus(status) in (OutcomeStatus.UPLOADED, OutcomeStatus.FAILED)


def outcome_can_send(status: OutcomeStatus, submitted: bool) -> bool:
    """An outcome goes for certification once, from 未送認證."""
    return not submitted and OutcomeStatus(status) is OutcomeStatus.UPLOADED


def outcome_selectable(status: OutcomeStatus) -> bool:
    """Only a certified (通過) outcome can be selected for the central database."""
    return OutcomeStatus(status) is OutcomeStatus.PASSED


def performance_selectable(synced: bool, has_proof: bool) -> bool:
    """A 多元表現 the student uploaded can be selected; one synced from the school system needs proof first."""
    return not synced or has_proof


@dataclass
class Outcome:
    """A course learning outcome (課程學習成果) and its certification state."""

    id: int | None
    student_id: int
    course_record_id: int
    term: Term
    description: str
    document_sha256: str | None
    video_sha256: str | None
    status: OutcomeStatus = OutcomeStatus.UPLOADED
    sent_at: datetime | None = None
    submitted_at: datetime | None = None
    history: list = field(default_factory=list)
    kind: str | None = None      # 書面報告/實作作品/探究 (domain.admission.OutcomeKind); None: not marked

    item_label = "課程學習成果"

    def mark_kind(self, kind: str | None):
        """The student says what the outcome is (書面報告, 實作作品, …): any time until it is submitted."""
        self._unlocked()
        self.kind = kind

    def _unlocked(self):
        if self.submitted_at is not None:
            raise ItemLocked(item_label=self.item_label, submitted=format_roc_datetime(self.submitted_at))

    def send_for_certification(self, now: datetime):
        self._unlocked()
        if not outcome_can_send(self.status, submitted=False):
            raise InvalidState(item_label=self.item_label, state=self.status.label, action="送出認證")
        self.status, self.sent_at = OutcomeStatus.PENDING, now

    def certify(self, passed: bool, reason: str | None) -> str | None:
        self._unlocked()
        if self.status is not OutcomeStatus.PENDING:
            raise InvalidState(item_label=self.item_label, state=self.status.label, action="認證")
        reason = (reason or "").strip() or None
        if not passed and reason is None:
            raise ReasonRequired()
        self.status = OutcomeStatus.PASSED if passed else OutcomeStatus.FAILED
        return reason

    def replace(self, description: str, document_sha256: str | None, video_sha256: str | None):
        """Change an outcome not yet sent, or replace a failed one so it can be sent again."""
        self._unlocked()
        if not outcome_can_change(self.status, submitted=False):
            raise InvalidState(item_label=self.item_label, state=self.status.label, action="修改")
        self.description = description
        self.document_sha256, self.video_sha256 = document_sha256, video_sha256
        self.status, self.sent_at = OutcomeStatus.UPLOADED, None

    def check_deletable(self):
        self._unlocked()
        if not outcome_can_change(self.status, submitted=False):
            raise InvalidState(item_label=self.item_label, state=self.status.label, action="刪除")


@dataclass
class Performance:
    """A 多元表現 record of one of the ten categories."""

    id: int | None
    student_id: int
    term: Term
    category: str
    fields: dict
    description: str
    document_sha256: str | None
    video_sha256: str | None
    external_link: str | None
    synced: bool = False
    submitted_at: datetime | None = None

    item_label = "多元表現"

    def check_editable(self, changes_fields: bool):
        if self.submitted_at is not None:
            raise ItemLocked(item_label=self.item_label, submitted=format_roc_datetime(self.submitted_at))
        if self.synced and changes_fields:
            raise SyncedRecordProtected()

    def check_deletable(self):
        self.check_editable(changes_fields=True)

    @property
    def has_proof(self) -> bool:
        return bool(self.document_sha256 or self.video_sha256)


class PlanStatus(StrEnum):
    """States of a self-directed learning plan (自主學習計畫) under review."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REVISE = "revise"

    @property
    def label(self) -> str:
        return PLAN_LABELS[self]


PLAN_LABELS = {PlanStatus.SUBMITTED: "待審核", PlanStatus.APPROVED: "通過", PlanStatus.REVISE: "需修改"}


class SchoolDocumentKind(StrEnum):
    """School-only documents a student keeps in the cabinet (not submitted to the central database)."""

    AUTOBIOGRAPHY = "autobiography"
    STUDY_PLAN = "study_plan"

    @property
    def label(self) -> str:
        return DOCUMENT_LABELS[self]


DOCUMENT_LABELS = {SchoolDocumentKind.AUTOBIOGRAPHY: "自傳", SchoolDocumentKind.STUDY_PLAN: "學習計畫"}


class Reminder(StrEnum):
    """Why a dashboard flags a student for a reminder (提醒); the thresholds are dated policy (`warnings`)."""

    NO_UPLOAD = "no_upload"                      # nothing uploaded this semester
    NOT_SENT = "not_sent"                        # an outcome uploaded but not sent for certification
    FAILED = "failed"                            # a failed outcome not yet replaced
    SELECTION_CLOSING = "selection_closing"      # the selection window closes soon and nothing is selected
    QUOTA_NEARLY_FULL = "quota_nearly_full"      # most of the storage quota is used

    @property
    def label(self) -> str:
        return REMINDER_LABELS[self]


REMINDER_LABELS = {Reminder.NO_UPLOAD: "尚未上傳", Reminder.NOT_SENT: "未送認證", Reminder.FAILED: "不通過未補件",
                   Reminder.SELECTION_CLOSING: "勾選將截止未勾選", Reminder.QUOTA_NEARLY_FULL: "空間將滿"}


class ReceiptStatus(StrEnum):
    """How a line of the central database's receipt list (收訖明細) compares with what the school submitted."""

    RECEIVED = "received"
    MISSING = "missing"
    UNEXPECTED = "unexpected"
    MD5_MISMATCH = "md5_mismatch"

    @property
    def label(self) -> str:
        return RECEIPT_LABELS[self]


RECEIPT_LABELS = {ReceiptStatus.RECEIVED: "已收訖", ReceiptStatus.MISSING: "未收到",
                  ReceiptStatus.UNEXPECTED: "非本校提交", ReceiptStatus.MD5_MISMATCH: "檔案不符"}


# --- what a student is told: one builder per notice, used by the services and the demo alike ---------------

def certification_result(passed: bool) -> str:
    """通過 or 不通過, the labels of the outcome states a certification leads to."""
    return STATUS_LABELS[OutcomeStatus.PASSED if passed else OutcomeStatus.FAILED]


def certification_notice(subject: str, term: Term, passed: bool, reason: str | None) -> str:
    notice = f"「{subject}」（{term}）的學習成果認證結果：{certification_result(passed)}"
    return notice + (f"。原因：{reason}" if reason else "")


def plan_review_notice(title: str, status: PlanStatus, comment: str | None) -> str:
    return f"自主學習計畫「{title}」審核結果：{PlanStatus(status).label}" + (f"。意見：{comment}" if comment else "")


def plan_can_replace(status: PlanStatus) -> bool:
    """A plan not yet approved can be replaced (it goes back to review)."""
    return PlanStatus(status) is not PlanStatus.APPROVED


@dataclass
class LearningPlan:
    """A self-directed learning plan: uploaded by the student, reviewed by the teacher."""

    id: int | None
    student_id: int
    term: Term
    status: PlanStatus = PlanStatus.SUBMITTED

    item_label = "自主學習計畫"

    def replace(self):
        """A plan not yet approved can be replaced; it goes back to review."""
        if not plan_can_replace(self.status):
            raise InvalidState(item_label=self.item_label, state=self.status.label, action="修改")
        self.status = PlanStatus.SUBMITTED

    def review(self, approved: bool, comment: str | None) -> str | None:
        if self.status is not PlanStatus.SUBMITTED:
            raise InvalidState(item_label=self.item_label, state=self.status.label, action="審核")
        comment = (comment or "").strip() or None
        if not approved and comment is None:
            raise ReviewCommentRequired()
        self.status = PlanStatus.APPROVED if approved else PlanStatus.REVISE
        return comment
