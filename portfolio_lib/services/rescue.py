"""File rescue (檔案救援): converting a refused file with the student's consent, keeping its original for a time.

`rescue_file` (and `rescue_photos`) convert and check the result; nothing is stored until the student confirms
by uploading the derivative they were shown (an `Upload` carrying its `origins`): the upload use cases store it,
and `UnitOfWork.keep_originals` keeps the originals beside it. `remove_original` lets the student remove one
earlier; `purge_originals` removes those past their time (`domain.rescue.keep_until`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..adapters.converters import Converted, convert
from ..domain.calendar import Term
from ..domain.errors import ConversionFailed, NoRescue, NotFound, PortfolioError
from ..domain.files import Upload, check_file
from ..domain.model import Actor
from ..domain.policy import Rules
from ..domain.rescue import PHOTO_INPUTS, Offer, Origin, Rescue, content_kind, derivative_name, keep_until, offer_for
from ..domain.units import format_mb
from .access import acting_on_student
from .unit_of_work import UnitOfWork, retried


@dataclass(frozen=True)
class Rescued:
    """A converted file waiting for the student's confirmation: `upload` is what will be stored."""

    offer: Offer
    upload: Upload
    converted: Converted
    original_size: int

    @property
    def size(self) -> int:
        return len(self.upload.data)

    @property
    def summary(self) -> str:
        """Before and after, and what was done, in one line the student reads before confirming."""
        return f"{_side(self.converted.before, self.original_size)} → {_side(self.converted.after, self.size)}；" \
               + "、".join(self.converted.parameters.get("steps", []))

    def facts(self) -> dict:
        """The rescue as data (the command line's report)."""
        limit = self.offer.limit
        return {"rescue": self.offer.kind.value, "name": self.upload.name, "ext": self.converted.ext,
                "size_before": self.original_size, "size_after": self.size, "limit": limit,
                "ratio_to_limit": round(self.size / limit, 3), "tool": self.converted.tool,
                "tool_version": self.converted.tool_version, "parameters": self.converted.parameters,
                "before": self.converted.before, "after": self.converted.after, "seconds": self.converted.seconds,
                "summary": self.summary}


def _side(facts: dict, size: int) -> str:
    parts = [facts.get("format", ""), format_mb(size)]
    if facts.get("width"):
        parts.append(f"{facts['width']}×{facts['height']}")
    if facts.get("duration"):
        parts.append(f"{facts['duration']:.0f} 秒")
    if facts.get("pages"):
        parts.append(f"{facts['pages']} 頁")
    if facts.get("photos"):
        parts.append(f"{facts['photos']} 張照片")
    return " ".join(p for p in parts if p)


def rescue_file(upload: Upload, slot: str, rules: Rules) -> Rescued:
    """Convert a file the rules refuse for `slot` into one they take; the result passes the upload check, stays
    within the limit (and is smaller, when the original's size was the problem). Writes nothing anywhere."""
    offer = offer_for(upload, slot, rules)
    if offer is None:
        raise NoRescue(name=upload.name, reason=_why_none(upload, slot, rules))
    _check_input(upload, rules)
    converted = convert(offer.kind, [(upload.name, upload.data, offer.detected)], offer.limit,
                        video_min_kbps=rules.rescue.video_min_kbps, audio_min_kbps=rules.rescue.audio_min_kbps)
    origin = _origin(upload, offer.detected, converted)
    return _checked(offer, Upload(derivative_name(upload.name, converted.ext), converted.data, (origin,)),
                    converted, len(upload.data), slot, rules)


def rescue_photos(uploads: list[Upload], rules: Rules, name: str = "照片合併.pdf") -> Rescued:
    """Several photos (JPEG, PNG, HEIC) → one PDF within the document limit, a page each."""
    if len(uploads) < 2:
        raise NoRescue(name=uploads[0].name if uploads else name, reason="請選擇兩張以上的照片")
    kinds = []
    for upload in uploads:
        kind = content_kind(upload.data)
        if kind not in PHOTO_INPUTS:
            raise NoRescue(name=upload.name, reason="只有 JPEG、PNG、HEIC 照片可以合併成 PDF")
        _check_input(upload, rules)
        kinds.append(kind)
    limit = rules.file_max_bytes["document"]
    converted = convert(Rescue.PHOTOS, [(u.name, u.data, k) for u, k in zip(uploads, kinds)], limit)
    origins = tuple(_origin(u, k, converted) for u, k in zip(uploads, kinds))
    offer = Offer(Rescue.PHOTOS, name, "jpg", sum(len(u.data) for u in uploads), limit, "document")
    return _checked(offer, Upload(name, converted.data, origins), converted, offer.size, "document", rules)


def _check_input(upload: Upload, rules: Rules) -> None:
    if len(upload.data) > rules.rescue.max_input_bytes:
        raise ConversionFailed(name=upload.name, reason=f"檔案 {format_mb(len(upload.data))}，超過可轉換的 "
                                                        f"{format_mb(rules.rescue.max_input_bytes)} 上限，"
                                                        "請先在手機上剪短或縮小")


def _origin(upload: Upload, kind: str, converted: Converted) -> Origin:
    return Origin(upload.name, upload.data, kind, converted.tool, converted.tool_version,
                  {**converted.parameters, "before": converted.before, "after": converted.after})


def _checked(offer: Offer, derived: Upload, converted: Converted, original_size: int, slot: str,
             rules: Rules) -> Rescued:
    try:
        check_file(derived, slot, rules)
    except PortfolioError as err:       # a converter's result that our own check refuses is never offered
        raise ConversionFailed(name=offer.name, reason=f"轉換結果未通過上傳檢查（{err.message}）") from None
    return Rescued(offer, derived, converted, original_size)


def _why_none(upload: Upload, slot: str, rules: Rules) -> str:
    kind = content_kind(upload.data)
    if kind is None:
        return "無法辨識檔案格式，可能不是照片、PDF 或影音檔"
    label = rules.file_labels[slot]
    if (slot == "document") != (kind in ("pdf", "jpg", "png", "heic")):
        return f"{kind.upper()} 檔不能作為{label}，請改放到另一個欄位"
    return f"這個檔案可以直接上傳為{label}，不需要轉換"


@retried
def remove_original(uow: UnitOfWork, original_id: int, actor: Actor | None = None) -> None:
    """The student removes a kept original before its time (the converted file stays)."""
    with uow:
        repo = uow.repo
        row = repo.original(original_id)
        if row is None:
            raise NotFound(entity="原始檔", key=str(original_id))
        _, actor = acting_on_student(repo, actor, "刪除原始檔", student_id=row.student_id)
        repo.delete_original(row.id)
        uow.release_file(row.original_sha256)
        repo.audit(actor, "delete", "rescued_original", row.id, uow.now,
                   before={"name": row.original_name, "original": row.original_sha256,
                           "derivative": row.derivative_sha256})
        uow.commit()


def expired_originals(rows: list[dict], today: date, rules_of) -> list[dict]:
    """The kept originals past their time: settled, and `today` after the end of the policy's terms after it.
    `rules_of(student_id)` gives the rules of the student's school."""
    return [row for row in rows if row["settled"] is not None
            and today > keep_until(row["settled"], rules_of(row["student_id"]).rescue.keep_terms)]


@retried
def purge_originals(uow: UnitOfWork) -> list[dict]:
    """Remove the kept originals past their time (run nightly, or by `portfolio originals --purge`)."""
    with uow:
        repo = uow.repo
        today = uow.now.date()
        term = Term.of(today)
        schools: dict[int, Rules] = {}

        def rules_of(student_id: int) -> Rules:
            school_id = repo.student_by_id(student_id).school_id
            if school_id not in schools:
                schools[school_id] = repo.school_policy(school_id).rules(term)
            return schools[school_id]

        gone = expired_originals(repo.kept_originals(), today, rules_of)
        for row in gone:
            repo.delete_original(row["id"])
            uow.release_file(row["original_sha256"])
            repo.audit("system", "purge", "rescued_original", row["id"], uow.now,
                       before={"name": row["original_name"], "settled": row["settled"]})
        uow.commit()
        return [{"id": row["id"], "student_id": row["student_id"], "name": row["original_name"],
                 "settled": row["settled"].isoformat(), "bytes": row["size"]} for row in gone]
