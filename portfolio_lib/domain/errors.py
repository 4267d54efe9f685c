"""Every rule violation, one named exception each under PortfolioError, with a message in Traditional Chinese.

Each error carries the facts a program needs (`err.facts`: the limit, the count, ...)
and a message a teacher or student can act on (`err.message`, also `str(err)`).
"""

from __future__ import annotations

from .units import format_mb as _mb


class PortfolioError(Exception):
    """Base of every rule violation and bad input of the workbench."""

    template = "操作未完成。"

    def __init__(self, **facts):
        self.facts = facts
        self.message = self.template.format(**{**facts, **self.derived(facts)})
        super().__init__(self.message)

    def derived(self, facts: dict) -> dict:
        """Values computed from the facts for the message only (sizes in MB, ...)."""
        return {}

    def to_dict(self) -> dict:
        return {"error": type(self).__name__, "message": self.message,
                "facts": {k: v for k, v in self.facts.items() if _jsonable(v)}}


def _jsonable(value) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, tuple, dict))


# --- input formats -----------------------------------------------------------------

class InvalidRocDate(PortfolioError):
    template = "「{text}」不是正確的民國日期，請寫成 108/08/01、108.08.01 或 1080801。"


class InvalidRocTime(PortfolioError):
    template = "時間「{text}」不正確，請寫成 08:00 或 08:00:30。"


class InvalidTerm(PortfolioError):
    template = "學年度「{year}」學期「{semester}」不正確：學期只能是 1 或 2。"


class InvalidCourseCode(PortfolioError):
    template = "課程代碼「{code}」不正確：{reason}。"


class InvalidField(PortfolioError):
    """A field's value is refused; the named kinds below say why (every sentence stands in this module)."""

    template = "「{label}」{reason}。"


class TextTooLong(InvalidField):
    template = "「{label}」最多 {limit} 字（目前 {length} 字）。"


class NotANumber(InvalidField):
    template = "「{label}」須為數字（收到「{value}」）。"


class NumberTooLarge(InvalidField):
    template = "「{label}」數值過大（收到「{value}」）。"


class NotPositive(InvalidField):
    template = "「{label}」須大於 0（收到「{value}」）。"


class UnknownFields(InvalidField):
    template = "「{label}」不是「{category}」的欄位。"


class InvalidSchoolCode(InvalidField):
    template = "「學校代碼」應為 6 碼英數字（收到「{code}」）。"


class MalformedFieldList(InvalidField):
    template = "「欄位」的「{part}」請寫成 名稱=值，以；分隔。"


class UnknownImportKind(InvalidField):
    template = "「匯入種類」須為 {kinds}（收到「{kind}」）。"


class MissingField(PortfolioError):
    template = "「{label}」必須填寫。"


class UnknownCategory(PortfolioError):
    template = "沒有「{category}」這種多元表現類別。"


class InvalidCode(PortfolioError):
    template = "「{label}」的代碼「{value}」不在代碼表中（可用：{allowed}）。"


class InvalidExternalLink(PortfolioError):
    template = "外部影音連結「{link}」不是 http:// 或 https:// 開頭的網址。"


class InvalidPolicy(PortfolioError):
    template = "政策設定有誤：{reason}。"


# --- files ---------------------------------------------------------------------------

class FileTypeNotAllowed(PortfolioError):
    template = "「{name}」的格式不能上傳為{slot_label}：只接受 {allowed}。"


class FileTypeMismatch(PortfolioError):
    template = "「{name}」的副檔名是 .{declared}，但檔案內容是 {detected}，請確認檔案後重新上傳。"


class FileEmpty(PortfolioError):
    template = "「{name}」是空檔案，請重新選擇檔案。"


class FileTruncated(PortfolioError):
    template = "「{name}」不完整（{detail}），可能在下載或複製時中斷，請重新存檔後再上傳。"


class FileTooLarge(PortfolioError):
    template = "「{name}」大小 {size_mb}，超過{slot_label}上限 {limit_mb}（{term} 起的規定）。"

    def derived(self, facts):
        return {"size_mb": _mb(facts["size"]), "limit_mb": _mb(facts["limit"])}


class FileRequired(PortfolioError):
    template = "文件檔案與影音檔案至少要上傳一個。"


class ExternalLinkWithoutVideo(PortfolioError):
    template = "須先上傳影音檔案，才能填寫外部影音連結。"


class QuotaExceeded(PortfolioError):
    template = "檔案櫃空間不足：已使用 {used_mb}，加上這次的 {adding_mb} 會超過上限 {limit_mb}。"

    def derived(self, facts):
        return {"used_mb": _mb(facts["used"]), "adding_mb": _mb(facts["adding"]),
                "limit_mb": _mb(facts["limit"])}


# --- text ----------------------------------------------------------------------------

class DescriptionRequired(PortfolioError):
    template = "請填寫內容簡述（{limit} 字以內）。"


class DescriptionTooLong(PortfolioError):
    template = "內容簡述有 {length} 字，超過 {limit} 字的上限，請刪減 {over} 字。"

    def derived(self, facts):
        return {"over": facts["length"] - facts["limit"]}


# --- caps ----------------------------------------------------------------------------

class UploadLimitReached(PortfolioError):
    template = "{term_label}已上傳 {count} 件課程學習成果，已達每學期 {limit} 件的上限。"


class PerformanceLimitReached(PortfolioError):
    template = "{year} 學年度已上傳 {count} 件多元表現，已達每學年 {limit} 件的上限。"


class SelectionLimitReached(PortfolioError):
    template = "{year} 學年度已勾選 {count} 件{kind_label}，已達每學年 {limit} 件的上限；請先取消一件再勾選。"


class ApplicationPickLimitReached(PortfolioError):
    template = "申請入學已選 {count} 件{kind_label}，已達 {limit} 件的上限。"


class ApplicationPoolExceeded(PortfolioError):
    template = "可供申請入學挑選的{kind_label}最多 {limit} 件，目前已勾選 {count} 件。"


# --- windows -------------------------------------------------------------------------

class OutsideWindow(PortfolioError):
    template = "現在不在{window_label}內（{opens} ～ {closes}）。"


class WindowNotSet(PortfolioError):
    template = "{scope}尚未設定{window_label}，請洽輔導室。"


class InvalidWindow(PortfolioError):
    template = "{window_label}的結束時間（{closes}）必須晚於開始時間（{opens}）。"


# --- the cycle -----------------------------------------------------------------------

class NotFound(PortfolioError):
    template = "找不到{entity}「{key}」。"


class InSeveralSchools(NotFound):
    template = "{entity}「{key}」在資料庫的多所學校都有，請指定學校（命令列：--school 學校代碼）。"


class AlreadyExists(PortfolioError):
    template = "{entity}「{key}」已經存在。"


class PermissionDenied(PortfolioError):
    template = "{who}沒有權限{action}。"


class OtherSchool(PermissionDenied):
    template = "{who}是另一所學校的帳號，不能處理這所學校的資料。"


class GuardianReadOnly(PermissionDenied):
    template = "家長只能檢視孩子的學習歷程檔案，不能{action}；請由學生本人操作。"


class UnknownAccount(PermissionDenied):
    template = "帳號「{login}」沒有對應的{kinds}資料，請洽校管理者。"


class AdministratorRequired(PortfolioError):
    template = "請以 --as staff:職員編號 指定執行{action}的教職員，或以 --as admin 表明以系統管理者身分執行。"


class DuplicateOutcome(PortfolioError):
    template = "「{subject}」（{term}）已經有一件學習成果；如需更換，請修改原本那一件。"


class InvalidState(PortfolioError):
    template = "這件{item_label}目前是「{state}」，不能{action}。"


class AlreadySelected(InvalidState):
    template = "這件{item_label}已經勾選，不需再次勾選。"


class NotSelectedYet(InvalidState):
    template = "這件{item_label}尚未勾選，無法取消勾選。"


class PickedForApplication(InvalidState):
    template = "這件{item_label}已選為申請入學項目，請先取消挑選，再取消勾選。"


class AlreadyPicked(InvalidState):
    template = "這件{item_label}已選為申請入學項目，不需再次挑選。"


class NotPicked(InvalidState):
    template = "這件{item_label}未選為申請入學項目，無法取消挑選。"


class SelectedNotDeletable(InvalidState):
    template = "這件{item_label}已勾選，請先取消勾選再刪除。"


class NotCourseTeacher(PortfolioError):
    template = "{teacher}不是「{subject}」的授課教師或代理人，不能認證這件學習成果。"


class ReviewCommentRequired(PortfolioError):
    template = "審核結果為「需修改」時必須填寫意見，讓學生知道要修改什麼。"


class ReasonRequired(PortfolioError):
    template = "認證「不通過」時必須填寫原因，讓學生知道如何修正。"


class NotCertified(PortfolioError):
    template = "這件學習成果的認證狀態是「{state}」，只有認證通過的成果可以勾選。"


class ProofRequired(PortfolioError):
    template = "校務系統同步的幹部紀錄須先補上證明文件或影音檔案，才能勾選。"


class NotSelected(PortfolioError):
    template = "申請入學只能從已勾選提交的項目中挑選；這件{kind_label}尚未勾選。"


class NotGrade12(PortfolioError):
    template = "只有高三學生可以挑選申請入學的項目（目前為{grade}年級）。"


class SyncedRecordProtected(PortfolioError):
    template = "這筆幹部紀錄由校務行政系統同步，不能刪除或修改內容，只能補充證明文件、影音檔案與簡述。"


class NothingToSubmit(PortfolioError):
    template = "{year} 學年度第 {semester} 學期沒有已勾選、尚未提交的項目。"


class ItemLocked(PortfolioError):
    template = "這件{item_label}已於 {submitted} 提交中央資料庫，已鎖定不能修改。"


class EndBeforeStart(PortfolioError):
    template = "結束日期（{end}）必須晚於開始日期（{start}）。"


class HoursOutOfRange(PortfolioError):
    template = "總時數 {hours} 小時不合理：{start} 到 {end} 共 {days} 天，最多 {max_hours} 小時。"


class WeeksOutOfRange(PortfolioError):
    template = "開設週數 {weeks} 不正確，請填寫 {low}–{high} 的整數。"


class NotWholeNumber(PortfolioError):
    template = "「{label}」請填寫正整數（收到「{value}」）。"


# --- import and storage --------------------------------------------------------------

class EncodingUndetectable(PortfolioError):
    template = "無法判斷「{name}」的文字編碼；請另存為 UTF-8 或 Big5 的 CSV，或使用 XLSX。"


class ImportRejected(PortfolioError):
    template = "「{name}」有 {count} 個問題，整份檔案未匯入：\n{report}"

    def derived(self, facts):
        rows = facts["problems"]
        shown = "\n".join(f"  第 {p.row} 列「{p.column}」：{p.reason}" for p in rows[:50])
        more = f"\n  …另有 {len(rows) - 50} 個問題" if len(rows) > 50 else ""
        return {"count": len(rows), "report": shown + more}

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["problems"] = [p._asdict() for p in self.facts["problems"]]
        return data


class UnreadableFile(PortfolioError):
    template = "無法讀取「{name}」：{reason}。"


class ConversionFailed(PortfolioError):
    """A file rescue that could not run to the end: a broken or hostile file, a tool missing, a limit reached."""
    template = "「{name}」無法轉換：{reason}。沒有儲存任何檔案。"


class ConversionNoFit(PortfolioError):
    """A file rescue whose every step stays over the limit: the student is told what to do instead."""
    template = "「{name}」轉換後仍無法符合規定：{advice}。沒有儲存任何檔案。"


class NoRescue(PortfolioError):
    template = "「{name}」沒有可用的轉換方式：{reason}。"


class StorageError(PortfolioError):
    template = "檔案儲存失敗：{reason}。檔案未儲存，請稍後再試或洽系統管理者。"


class BackupProblem(PortfolioError):
    template = "備份或還原未完成：{reason}"


# --- research ------------------------------------------------------------------------

class ResearchSourceInvalid(PortfolioError):
    template = "研究資料來源「{source}」無法使用：{reason}。"


class SchoolInTwoSources(PortfolioError):
    template = ("學校 {school} 同時出現在「{first}」與「{second}」：同一所學校只能由一個資料來源提供，"
                "以免重複計算。")


class NoResearchData(PortfolioError):
    template = "沒有可分析的資料：{reason}。"


class InvalidThreshold(PortfolioError):
    template = "小格隱藏門檻 k 應為 2 以上的整數，收到「{k}」。"


class ReportFailed(PortfolioError):
    template = "報告「{name}」產生失敗：{reason}"


# --- programme requirements (大學端需求) -------------------------------------------------

class InvalidRequirement(PortfolioError):
    """A programme's requirement string (such as 課程學習成果(B、D)、多元表現(F、G)) cannot be read."""

    template = "要求項目「{text}」無法解讀：{reason}。"


class UnknownOutcomeKind(PortfolioError):
    template = "成果類型「{value}」不正確，可用：{allowed}。"


class UnknownProgramme(PortfolioError):
    template = "找不到校系代碼「{code}」，請先由輔導老師匯入校系清單。"


class TooManyTargets(PortfolioError):
    template = "目標校系最多 {limit} 個，已加入 {count} 個；請先移除一個再加入。"


class DuplicateTarget(PortfolioError):
    template = "「{name}」已在目標校系中。"


class NotATarget(PortfolioError):
    template = "「{name}」不在目標校系中。"
