"""Batch upload by the counselors: a ZIP of files and a manifest, checked whole, all or nothing."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

import pandas as pd

from ..adapters.importing import Problem
from ..adapters.tabular import read_table
from ..domain import errors as e
from ..domain import row_reasons as why
from ..domain.calendar import Term
from ..domain.categories import CATEGORIES, category_by_label
from ..domain.errors import ImportRejected, MalformedFieldList, PortfolioError, UnreadableFile
from ..domain.files import Upload
from ..domain.model import Actor, Role
from ..domain.rescue import RESCUE_EXTENSIONS, offer_for
from ..domain.rules import check_has_role
from ..domain.units import MIB, format_mb
from .rescue import rescue_file
from .unit_of_work import UnitOfWork, retried
from .uploads import add_outcome, add_performance

MANIFEST_COLUMNS = ("學號", "學年度", "學期", "課程代碼", "類別", "內容簡述", "檔名", "欄位", "外部連結")
REQUIRED = ("學號", "學年度", "學期", "內容簡述", "檔名")
# the video slot's names, and those a rescue converts for it
VIDEO_EXTENSIONS = (".mp3", ".mp4") + tuple(f".{ext}" for ext in RESCUE_EXTENSIONS["video"])
MAX_MEMBER_BYTES = 64 * MIB                  # a ZIP member larger than this is refused unread


def read_zip(data: bytes, name: str = "ZIP") -> dict[str, bytes]:
    """The files of a ZIP by their base name (folders ignored); refuses damaged or ambiguous archives."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile(name=name, reason="不是完整的 ZIP 壓縮檔") from None
    files: dict[str, bytes] = {}
    for info in archive.infolist():
        if info.is_dir() or info.filename.startswith("__MACOSX/"):
            continue
        base = PurePosixPath(info.filename.replace("\\", "/")).name
        if base in files:
            raise UnreadableFile(name=name, reason=f"壓縮檔中有兩個「{base}」，請改名後再上傳")
        if info.file_size > MAX_MEMBER_BYTES:
            raise UnreadableFile(name=name, reason=f"「{base}」超過 {format_mb(MAX_MEMBER_BYTES)}")
        try:
            files[base] = archive.read(info)
        # zipfile raises BadZipFile for a damaged member, RuntimeError for an encrypted one and
        # NotImplementedError for an unsupported compression: each is a file the counselor must fix.
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as err:
            raise UnreadableFile(name=name, reason=f"「{base}」無法解壓縮（{err}）") from None
    return files


def _field_values(category_key: str, text: str) -> dict:
    """'名稱=值；名稱=值' with the category's field labels or names."""
    by_label = {f.label: f.name for f in CATEGORIES[category_key].fields}
    values = {}
    for part in re.split(r"[;；\n]", text or ""):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise MalformedFieldList(part=part.strip())
        values[by_label.get(key.strip(), key.strip())] = value.strip()
    return values


def slot_of(name: str) -> str:
    """The slot a ZIP member goes to, by its name: the video slot for audio and video, else the document's."""
    return "video" if name.lower().endswith(VIDEO_EXTENSIONS) else "document"


def rescue_archive(files: dict[str, Upload], rules) -> tuple[dict[str, Upload], list[dict]]:
    """Convert every member the rules refuse that a rescue can help (domain.rescue.offer_for), each to what its
    slot takes; the manifest still names the original, which now stands for its derivative (carrying the
    original, kept beside it). Returns the members and what was converted. A conversion that fails leaves its
    member as it was (its row is then refused with the reason)."""
    done: dict[str, Upload] = {}
    report = []
    for name, upload in files.items():
        slot = slot_of(name)
        if offer_for(upload, slot, rules) is None:
            done[name] = upload
            continue
        try:
            rescued = rescue_file(upload, slot, rules)
        except PortfolioError as err:
            done[name] = upload
            report.append({"name": name, "converted": None, "size_before": len(upload.data), "size_after": None,
                           "summary": err.message})
            continue
        done[name] = rescued.upload
        report.append({"name": name, "converted": rescued.upload.name, "size_before": len(upload.data),
                       "size_after": rescued.size, "summary": rescued.summary})
    return done, report


@retried
def batch_upload(uow: UnitOfWork, manifest: bytes, archive: bytes, manifest_name: str = "清單",
                 *, actor: Actor, rescue: bool = False) -> dict:
    """Upload every row of a manifest with its files from a ZIP; any bad row refuses the whole batch. A file
    refused for its format or size that a rescue can help is named so in the report; with `rescue` (the
    counselor's choice after reading it) such files are converted first, and the result lists them."""
    frame = read_table(manifest, manifest_name)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ImportRejected(name=manifest_name, problems=[Problem(1, "、".join(missing), why.MISSING_COLUMNS)])
    rules = uow.workbench.policy.rules(Term.of(uow.workbench.clock().date()))
    files = {name: Upload(name, data) for name, data in read_zip(archive).items()}
    rescued: list[dict] = []
    if rescue:
        files, rescued = rescue_archive(files, rules)
    frame = frame.reindex(columns=list(MANIFEST_COLUMNS), fill_value="")
    problems: list[Problem] = []
    counts = {"outcomes": 0, "performances": 0}
    with uow.stage(*files.values()):
        actor = uow.repo.resolve_actor(actor)
        check_has_role(actor, {Role.COUNSELOR, Role.ADMIN}, "批次上傳")
        for index, row in frame.iterrows():
            line = int(index) + 2
            try:
                kind = _upload_row(uow, row, files, actor, rules)
                counts[kind] += 1
            except _RowProblem as err:
                problems.append(Problem(line, err.column, err.reason))
            except PortfolioError as err:
                problems.append(Problem(line, _column_of(err), err.message))
        if problems:
            raise ImportRejected(name=manifest_name, problems=problems)
        uow.commit()
    return {**counts, "rows": len(frame), "rescued": rescued}


class _RowProblem(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def _upload_row(uow: UnitOfWork, row: pd.Series, files: dict[str, Upload], actor: Actor, rules) -> str:
    for column in REQUIRED:
        if not row[column]:
            raise _RowProblem(column, why.REQUIRED)
    if bool(row["課程代碼"]) == bool(row["類別"]):
        raise _RowProblem("課程代碼", why.COURSE_OR_CATEGORY)
    try:
        year, semester = int(row["學年度"]), int(row["學期"])
    except ValueError:
        raise _RowProblem("學年度", why.TERM_NOT_NUMBERS) from None
    document = video = None
    for name in re.split(r"[、;；,，]", row["檔名"]):
        name = name.strip()
        if not name:
            continue
        if name not in files:
            raise _RowProblem("檔名", why.NOT_IN_ARCHIVE.format(name=name))
        upload = files[name]
        if slot_of(name) == "video":
            if video is not None:
                raise _RowProblem("檔名", why.ONE_VIDEO)
            video = upload
        else:
            if document is not None:
                raise _RowProblem("檔名", why.ONE_DOCUMENT)
            document = upload
    try:
        if row["課程代碼"]:
            add_outcome(uow, row["學號"], year, semester, row["課程代碼"], row["內容簡述"], document, video, actor)
            return "outcomes"
        category = category_by_label(row["類別"]).key
        add_performance(uow, row["學號"], year, semester, category, _field_values(category, row["欄位"]),
                        row["內容簡述"], document, video, row["外部連結"] or None, actor)
        return "performances"
    except (e.FileTypeNotAllowed, e.FileTypeMismatch, e.FileTooLarge) as err:
        offers = [offer_for(upload, slot, rules) for upload, slot in ((document, "document"), (video, "video"))
                  if upload is not None and not upload.origins]
        offer = next((o for o in offers if o is not None), None)
        if offer is None:
            raise
        raise _RowProblem("檔名", f"{err.message}（可轉換：{offer.name} {offer.label}；"
                                  "勾選「轉換可轉換的檔案」後重新匯入）") from None


# Which manifest column a refusal belongs to, by the kind of refusal (a subclass goes with its base).
_COLUMNS = (
    ((e.DescriptionRequired, e.DescriptionTooLong), "內容簡述"),
    ((e.FileTypeNotAllowed, e.FileTypeMismatch, e.FileEmpty, e.FileTruncated, e.FileTooLarge, e.FileRequired),
     "檔名"),
    ((e.InvalidExternalLink, e.ExternalLinkWithoutVideo), "外部連結"),
    ((e.InvalidCourseCode, e.DuplicateOutcome), "課程代碼"),
    ((e.UnknownCategory,), "類別"),
    ((e.InvalidField, e.MissingField, e.InvalidCode, e.HoursOutOfRange, e.WeeksOutOfRange, e.EndBeforeStart,
      e.NotWholeNumber, e.InvalidRocDate), "欄位"),
    ((e.OutsideWindow, e.WindowNotSet), "學年度"),
    ((e.InvalidTerm,), "學期"),
)


def _column_of(err: PortfolioError) -> str:
    if isinstance(err, e.NotFound) and err.facts.get("entity") == "修課紀錄":
        return "課程代碼"
    for kinds, column in _COLUMNS:
        if isinstance(err, kinds):
            return column
    return "學號"       # caps, quota, an unknown student, permissions: the row's student
