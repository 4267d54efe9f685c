"""The ten 多元表現 categories, their fields, code lists and date/hour rules (domain.md §4)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from .calendar import days_inclusive, format_roc_date, parse_roc_date
from .errors import (
    EndBeforeStart,
    HoursOutOfRange,
    InvalidCode,
    MissingField,
    NotANumber,
    NotPositive,
    NotWholeNumber,
    NumberTooLarge,
    PortfolioError,
    TextTooLong,
    UnknownCategory,
    UnknownFields,
    WeeksOutOfRange,
)
from .policy import Rules

TOO_LARGE_DIGITS = 9        # no count, hour or score in these records has ten digits or more


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"          # text, date, whole, number, code
    required: bool = True
    codes: str | None = None    # the policy code table of a code field


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    fields: tuple[Field, ...]
    application_code: str       # item code of 申請入學 review material (F–M) [choice: nearest item]
    technical_code: str         # item code of the 四技 review material (C-1 … C-8)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


_START = Field("start_date", "開始日期", "date")
_END = Field("end_date", "結束日期", "date")

CATEGORIES: dict[str, Category] = {c.key: c for c in (
    Category("cadre", "幹部經歷暨事蹟紀錄", (
        Field("unit", "單位名稱"), _START, _END, Field("position", "擔任職務"),
        Field("level", "幹部等級", "code", codes="cadre_level")), "H", "C-3"),
    Category("competition", "競賽參與紀錄", (
        Field("name", "競賽名稱"), Field("level", "競賽等級", "code", codes="competition_level"),
        Field("award", "獎項"), Field("result_date", "結果公布日期", "date"),
        Field("event", "項目/組別", required=False),
        Field("team", "參與類型", "code", codes="competition_team")), "J", "C-5"),
    Category("certificate", "檢定證照紀錄", (
        Field("name", "證照代碼/名稱"), Field("type", "證照類別", "code", codes="certificate_type"),
        Field("score", "分數", required=False), Field("obtained_date", "取得證照日期", "date"),
        Field("sub_results", "分項結果", required=False),
        Field("number", "證照字號", required=False), Field("group", "組別", required=False)), "L", "C-7"),
    Category("service", "服務學習紀錄", (
        Field("name", "服務名稱"), Field("organisation", "服務單位"), _START, _END,
        Field("hours", "服務時數", "number")), "I", "C-4"),
    Category("flexible", "彈性學習時間紀錄", (
        Field("type", "類別", "code", codes="flexible_type"), Field("name", "開設名稱"),
        Field("organiser", "開設單位", required=False),
        Field("periods_per_week", "每週節數", "whole"), Field("weeks", "開設週數", "whole")), "F", "C-1"),
    Category("group_activity", "團體活動時間紀錄", (
        Field("type", "類別", "code", codes="group_activity_type"),
        Field("organiser", "單位名稱", required=False), Field("content", "內容"),
        Field("periods", "節數", "whole")), "G", "C-2"),
    Category("workplace", "職場學習紀錄", (
        Field("type", "類別", "code", codes="workplace_type"), Field("organisation", "單位名稱"),
        Field("job_title", "職稱", required=False), _START, _END,
        Field("hours", "時數", "number")), "M", "C-6"),
    Category("work", "作品成果紀錄", (
        Field("name", "作品名稱"), Field("date", "日期", "date")), "K", "C-6"),
    Category("advanced_course", "大學及技專校院先修課程紀錄", (
        Field("programme", "計畫名稱", "code", codes="advanced_programme"),
        Field("organiser", "開設單位"), Field("course_name", "課程名稱"), _START, _END,
        Field("credits", "學分數", "number", required=False),
        Field("hours", "總時數", "number")), "M", "C-8"),
    Category("other", "其他活動紀錄", (
        Field("name", "活動名稱"), Field("organiser", "主辦單位", required=False), _START, _END), "M", "C-8"),
)}


def category(key: str) -> Category:
    try:
        return CATEGORIES[key]
    except KeyError:
        raise UnknownCategory(category=key) from None


def category_by_label(label: str) -> Category:
    for c in CATEGORIES.values():
        if label in (c.key, c.label):
            return c
    raise UnknownCategory(category=label)


def validate_fields(key: str, values: dict, rules: Rules) -> dict:
    """Check and normalise a record's category fields; returns JSON-ready values (dates as ISO)."""
    cat = category(key)
    unknown = set(values) - {f.name for f in cat.fields}
    if unknown:
        raise UnknownFields(label="、".join(sorted(unknown)), category=cat.label)
    clean: dict = {}
    for f in cat.fields:
        raw = values.get(f.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if f.required:
                raise MissingField(label=f.label)
            continue
        clean[f.name] = _parse_value(f, raw, rules)
    _check_dates_and_hours(cat, clean)
    if key == "flexible":
        weeks = clean["weeks"]
        if not rules.flexible_weeks_min <= weeks <= rules.flexible_weeks_max:
            raise WeeksOutOfRange(weeks=weeks, low=rules.flexible_weeks_min, high=rules.flexible_weeks_max)
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in clean.items()}


def _parse_value(f: Field, raw, rules: Rules):
    if f.kind == "date":
        return raw if isinstance(raw, date) else parse_roc_date(str(raw))
    if f.kind == "whole":
        text = str(raw).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise NotWholeNumber(label=f.label, value=text) from None
        if not number.is_finite() or number != number.to_integral_value() or number < 1:
            raise NotWholeNumber(label=f.label, value=text)
        if number.adjusted() >= TOO_LARGE_DIGITS:
            raise NumberTooLarge(label=f.label, value=text)
        return int(number)
    if f.kind == "number":
        text = str(raw).strip()
        try:
            decimal = Decimal(text)
        except InvalidOperation:
            raise NotANumber(label=f.label, value=text) from None
        if not decimal.is_finite():
            raise NotANumber(label=f.label, value=text)
        if decimal.adjusted() >= TOO_LARGE_DIGITS:
            raise NumberTooLarge(label=f.label, value=text)
        number = float(decimal)
        if not math.isfinite(number) or number <= 0:
            raise NotPositive(label=f.label, value=text)
        return number
    if f.kind == "code":
        table = rules.codes[f.codes]
        text = str(raw).strip()
        if text in table:
            return text
        for code, label in table.items():
            if text == label:
                return code
        raise InvalidCode(label=f.label, value=text,
                          allowed="、".join(f"{c} {lbl}" for c, lbl in table.items()))
    text = str(raw).strip()
    if len(text) > rules.field_max_chars:
        raise TextTooLong(label=f.label, length=len(text), limit=rules.field_max_chars)
    return text


def _check_dates_and_hours(cat: Category, clean: dict):
    start, end = clean.get("start_date"), clean.get("end_date")
    if start is None or end is None:
        return
    # [choice] A one-day activity (end on the start day) is accepted; an end before the start is not.
    if end < start:
        raise EndBeforeStart(start=format_roc_date(start), end=format_roc_date(end))
    hours = clean.get("hours")
    if hours is not None:
        days = days_inclusive(start, end)
        if hours > days * 24:
            raise HoursOutOfRange(hours=hours, days=days, max_hours=days * 24,
                                  start=format_roc_date(start), end=format_roc_date(end))


def describe_fields(key: str, values: dict, rules: Rules) -> dict[str, str]:
    """The fields as a user reads them: Chinese labels, ROC dates, code labels."""
    cat = category(key)
    shown = {}
    for f in cat.fields:
        if f.name not in values:
            continue
        value = values[f.name]
        if f.kind == "date":
            value = format_roc_date(date.fromisoformat(value))
        elif f.kind == "code":
            value = rules.codes[f.codes].get(str(value), str(value))
        shown[f.label] = str(value)
    return shown


__all__ = ["CATEGORIES", "Category", "Field", "category", "category_by_label",
           "validate_fields", "describe_fields", "PortfolioError"]
