"""Why a row of an imported file is refused: every reason a teacher reads in an import report, in one place.

A reason is shown beside its row and column (第 3 列「學號」：找不到學生「113999」). Templates take the facts
named in braces; a refusal by a rule (a cap, a window, a file) shows that rule's own message instead.
"""

REQUIRED = "必須填寫"
MISSING_COLUMNS = "缺少這些欄位（請使用範本的欄名）"
NOT_INTEGER = "「{value}」不是整數"
NOT_NUMBER = "「{value}」不是數字"
NOT_ROC_DATE = "「{value}」不是民國日期（例如 108/08/01）"
TOO_LONG = "超過 {limit} 字"
UNKNOWN = "找不到{what}「{value}」"
SEMESTER = "須為 1 或 2"
BETWEEN = "須在 {low}–{high} 之間"
ONE_OF = "須為 {allowed}"
DUPLICATE = "檔案中重複"
DUPLICATE_IN_YEAR = "同一學年度在檔案中重複"
DUPLICATE_SECTION = "同一學期、同一開課班級重複"
DUPLICATE_COURSE_RECORD = "同一學生同一門課在檔案中重複"
DUPLICATE_CADRE = "同一筆幹部紀錄在檔案中重複"
DUPLICATE_GUARDIAN = "同一學生的同一個帳號在檔案中重複"
UNKNOWN_ROLE = "「{value}」有不認得的身分（可用：{allowed}）"
INVALID_ID_NUMBER = "「{value}」不是有效的身分證字號或居留證號（檢查碼不符）"
GRADE_MISMATCH = "{year} 學年度 {name} 班的年級不一致"
NO_SECTION = "找不到這個學期、開課班級的這門課（請先匯入授課安排）"
COURSE_OR_CATEGORY = "課程代碼（學習成果）與類別（多元表現）須填其中一個"
TERM_NOT_NUMBERS = "學年度與學期須為數字"
NOT_IN_ARCHIVE = "壓縮檔中沒有「{name}」"
ONE_VIDEO = "影音檔案只能有一個"
ONE_DOCUMENT = "文件檔案只能有一個"
NOT_OUR_STUDENT = "「{value}」不是本校學生"
UNKNOWN_RECORD_TYPE = "不認得「{value}」"
OTHER_TERM = "不是 {year} 學年度第 {semester} 學期的明細"


def values(template: str, **facts):
    """A reason that names the cell's value: a function of the value, as `Checker.flag` takes it."""
    return lambda value: template.format(value=value, **facts)
