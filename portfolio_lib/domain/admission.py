"""Programme requirements (大學端需求): the item codes programmes ask for, the grammar of their requirement
strings, which of a student's items fit which code, and what is still missing (../shared/beyond.md §3).

Two coding systems: 大學申請入學 (single letters A–R) and 科技校院 (B-1, C-1 … D-3). Their tables are dated
reference data in `reference/admission_codes.toml`; the mapping from the workbench's items to the codes is here.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from .categories import CATEGORIES
from .errors import InvalidRequirement, UnknownOutcomeKind
from .model import ItemKind

REQUIREMENT_MAX_CHARS = 400


class System(StrEnum):
    UNIVERSITY = "university"      # 大學申請入學
    TECHNICAL = "technical"        # 科技校院四技

    @property
    def label(self) -> str:
        return CODE_TABLES[self].label


class OutcomeKind(StrEnum):
    """What a course learning outcome is, as 申請入學 codes it (B–E)."""

    REPORT = "report"
    WORK = "work"
    SCIENCE = "science"
    SOCIAL = "social"

    @property
    def label(self) -> str:
        return OUTCOME_KIND_LABELS[self]


OUTCOME_KIND_LABELS = {OutcomeKind.REPORT: "書面報告", OutcomeKind.WORK: "實作作品",
                       OutcomeKind.SCIENCE: "自然科學領域探究", OutcomeKind.SOCIAL: "社會領域探究"}


def outcome_kind(value: str | None) -> OutcomeKind | None:
    """An outcome kind by its value or its label; '' or None: not marked."""
    text = (value or "").strip()
    if not text:
        return None
    for kind in OutcomeKind:
        if text in (kind.value, kind.label):
            return kind
    raise UnknownOutcomeKind(value=text, allowed="、".join(k.label for k in OutcomeKind))


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    group: str
    kind: str                  # record, outcome, performance, written (see the TOML file)
    system: System
    also: tuple[str, ...] = ()  # other group names a programme may list it under

    @property
    def item_kind(self) -> ItemKind | None:
        """The kind of item the student selects for it; None for the course record and what is written later."""
        return {"outcome": ItemKind.OUTCOME, "performance": ItemKind.PERFORMANCE}.get(self.kind)

    @property
    def short(self) -> str:
        return f"{self.code} {self.label}"


@dataclass(frozen=True)
class CodeTable:
    system: System
    label: str
    from_year: int
    source: str
    source_note: str
    verified: str
    codes: dict

    @property
    def groups(self) -> tuple[str, ...]:
        names = []
        for code in self.codes.values():
            for name in (code.group, *code.also):
                if name not in names:
                    names.append(name)
        return tuple(names)


def _load() -> dict[System, CodeTable]:
    tree = tomllib.loads(resources.files("portfolio_lib.reference").joinpath("admission_codes.toml").read_text("utf-8"))
    tables = {}
    for key, table in tree["systems"].items():
        system = System(key)
        codes = {code: Code(code, c["label"], c["group"], c["kind"], system, tuple(c.get("also", ())))
                 for code, c in table["codes"].items()}
        tables[system] = CodeTable(system, table["label"], int(table["from_year"]), table["source"],
                                   table["source_note"], table["verified"], codes)
    return tables


CODE_TABLES: dict[System, CodeTable] = _load()


def find_code(code: str) -> Code | None:
    for table in CODE_TABLES.values():
        if code in table.codes:
            return table.codes[code]
    return None


# --- the requirement string ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Requirement:
    """What a programme asks for: its groups as written, each with its codes, in one system."""

    system: System
    groups: tuple[tuple[str, tuple[str, ...]], ...]     # (group name, or '' for a bare code; codes)

    @property
    def codes(self) -> tuple[Code, ...]:
        table = CODE_TABLES[self.system].codes
        return tuple(table[c] for _, codes in self.groups for c in codes)

    def text(self) -> str:
        """The requirement in its usual spelling: 修課紀錄(A)、課程學習成果(B、D)…"""
        return "、".join(f"{name}({'、'.join(codes)})" if name else "、".join(codes) for name, codes in self.groups)


_SEPARATORS = "、,;/"                               # after NFKC: ， ； ／ are , ; /
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—−"})
_ENTRY = re.compile(r"([A-Za-z](?:-\d{1,2})?)(?:\s*[.:\s]\s*(.*))?", re.S)


def _split(text: str, original: str) -> list[str]:
    """Split at the separators outside parentheses; nested parentheses stay in their part."""
    parts, part, depth = [], [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise InvalidRequirement(text=original, reason="右括號「)」比左括號多")
        if depth == 0 and ch in _SEPARATORS:
            parts.append("".join(part).strip())
            part = []
            continue
        part.append(ch)
    if depth > 0:
        raise InvalidRequirement(text=original, reason="有括號沒有關上")
    parts.append("".join(part).strip())
    return parts


def _entry_code(entry: str, original: str) -> str:
    """The code of one entry: `F`, `B-1`, or a code with its label (`R.其他有利審查資料`)."""
    match = _ENTRY.fullmatch(entry)
    if match is None:
        why = "括號內不能再分組" if entry.startswith("(") else "應為項目代碼（例如 F 或 B-1）"
        raise InvalidRequirement(text=original, reason=f"「{entry}」不是項目代碼：{why}")
    code = match.group(1).upper()
    if find_code(code) is None:
        raise InvalidRequirement(text=original, reason=(
            f"不認得項目代碼「{code}」（大學申請入學用 A–R，四技用 "
            f"{'、'.join(CODE_TABLES[System.TECHNICAL].codes)}）"))
    return code


def parse_requirement(text: str | None) -> Requirement:
    """Read a programme's requirement string, such as `修課紀錄(A)、課程學習成果(B、D)、多元表現(F、G、J、N)`.

    Full-width and half-width parentheses and separators (、，,；;／/) are the same; a code may carry its label
    (`其他(R.其他有利審查資料)`); a group's codes must belong to it, one system per programme, each code once.
    Anything else is refused with the reason, never guessed."""
    original = (text or "").strip()
    clean = unicodedata.normalize("NFKC", original).translate(_DASHES)
    if not clean:
        raise InvalidRequirement(text=original, reason="沒有填寫任何項目")
    if len(clean) > REQUIREMENT_MAX_CHARS:
        raise InvalidRequirement(text=original[:20] + "…", reason=f"超過 {REQUIREMENT_MAX_CHARS} 字")
    groups: list[tuple[str, tuple[str, ...]]] = []
    for part in _split(clean, original):
        if not part:
            raise InvalidRequirement(text=original, reason="有空的項目（分隔符號連續或在頭尾）")
        if "(" not in part:
            if part == "修課紀錄":                  # the course record named without its code
                groups.append((part, ("A",)))
            else:
                groups.append(("", (_entry_code(part, original),)))
            continue
        name, _, rest = part.partition("(")
        name = name.strip()
        if not rest.endswith(")"):
            raise InvalidRequirement(text=original, reason=f"「{part}」的右括號之後還有文字")
        if not name:
            raise InvalidRequirement(text=original, reason=f"「{part}」的括號前沒有組名（例如 多元表現）")
        inner = rest[:-1]
        if not inner.strip(" 、,;/"):
            raise InvalidRequirement(text=original, reason=f"「{name}」的括號內沒有任何代碼")
        entries = _split(inner, original)
        if any(not e for e in entries):
            raise InvalidRequirement(text=original, reason=f"「{name}」的括號內有空的項目")
        groups.append((name, tuple(_entry_code(e, original) for e in entries)))
    return _checked(original, groups)


def _checked(original: str, groups: list[tuple[str, tuple[str, ...]]]) -> Requirement:
    codes = [find_code(c) for _, cs in groups for c in cs]
    systems = {c.system for c in codes if c.code != "A"} or {System.UNIVERSITY}
    if len(systems) > 1:
        raise InvalidRequirement(text=original, reason="同一個校系不能同時用大學（A–R）與四技（B-1、C-1…）的代碼")
    system = systems.pop()
    if system is System.TECHNICAL:       # a 四技 application always carries the course record; it has no code
        groups = [(name, tuple(c for c in cs if c != "A")) for name, cs in groups]
        groups = [(name, cs) for name, cs in groups if cs]
    table = CODE_TABLES[system]
    seen: set[str] = set()
    for name, cs in groups:
        if name and name not in table.groups:
            raise InvalidRequirement(text=original, reason=f"不認得組名「{name}」（可用：{'、'.join(table.groups)}）")
        for code in cs:
            item = table.codes[code]
            if name and name not in (item.group, *item.also):
                raise InvalidRequirement(text=original, reason=f"代碼 {code} 屬於「{item.group}」，不屬於「{name}」")
            if code in seen:
                raise InvalidRequirement(text=original, reason=f"代碼 {code} 出現兩次")
            seen.add(code)
    if not seen:
        raise InvalidRequirement(text=original, reason="沒有任何項目代碼")
    return Requirement(system, tuple(groups))


# --- which code an item fits ---------------------------------------------------------------------------

UNIVERSITY_OUTCOME_CODES = {OutcomeKind.REPORT: "B", OutcomeKind.WORK: "C", OutcomeKind.SCIENCE: "D",
                            OutcomeKind.SOCIAL: "E"}
_SCIENCE_DOMAIN, _SOCIAL_DOMAIN = "04", "03"      # course code characters 20–21 (policy codes.course_domain)
_PRACTICUM_TYPE = "7"                             # course code character 17: 實習科目


def infer_outcome_kind(subject: str, course_code: str) -> OutcomeKind | None:
    """The kind the course makes certain: an inquiry course (探究) of the science or the social domain. Any other
    course's outcome may be a report or a work: the student says which."""
    if "探究" not in (subject or ""):
        return None
    domain = (course_code or "")[19:21]
    return {_SCIENCE_DOMAIN: OutcomeKind.SCIENCE, _SOCIAL_DOMAIN: OutcomeKind.SOCIAL}.get(domain)


def outcome_codes(kind: OutcomeKind | str | None, subject: str, course_code: str) -> dict[System, str | None]:
    """The codes an outcome fits: 申請入學 by its kind (None while it is not marked); 四技 B-1 for a 專題實作 or a
    實習科目 (course type 7), else B-2."""
    kind = outcome_kind(kind) if isinstance(kind, str) or kind is None else kind
    practicum = (course_code or "")[16:17] == _PRACTICUM_TYPE or "專題" in (subject or "")
    return {System.UNIVERSITY: UNIVERSITY_OUTCOME_CODES.get(kind) if kind else None,
            System.TECHNICAL: "B-1" if practicum else "B-2"}


@dataclass(frozen=True)
class ByType:
    """A category whose 申請入學 code depends on a field: the category's own code for one value, another for the
    rest."""

    field: str
    value: str
    value_label: str
    otherwise: str


# [choice] a 彈性學習時間 record is 自主學習 (F) only when its type is 自主學習; its other types (選手培訓,
# 充實/補強課程, 學校特色活動) make work outside the course record (K). 四技 C-1 holds every type.
BY_TYPE = {"flexible": ByType("type", "1", "自主學習", "K")}


def performance_codes(category: str, fields: dict | None = None) -> dict[System, str]:
    """The codes a 多元表現 record fits in both systems (the category's, refined by its type where it matters)."""
    cat = CATEGORIES[category]
    university, rule = cat.application_code, BY_TYPE.get(category)
    if rule is not None and str((fields or {}).get(rule.field, rule.value)) != rule.value:
        university = rule.otherwise
    return {System.UNIVERSITY: university, System.TECHNICAL: cat.technical_code}


def categories_for(code: str) -> list[str]:
    """The 多元表現 records that fit a code, as a student adds them (to say what to add when it is missing)."""
    labels = []
    for key, c in CATEGORIES.items():
        rule = BY_TYPE.get(key)
        if rule is not None and code in (c.application_code, rule.otherwise):
            word = "為" if code == c.application_code else "不是"
            labels.append(f"{c.label}（類別{word}「{rule.value_label}」）")
        elif code in (c.application_code, c.technical_code):
            labels.append(c.label)
    return labels


# --- what the student holds against what is asked ------------------------------------------------------

@dataclass(frozen=True)
class HeldItem:
    """One of the student's items, with the codes it fits: selected for the central database (what a programme
    reads), or not yet (what the student could select)."""

    kind: ItemKind
    item_id: int
    name: str
    codes: dict
    picked: bool
    unmarked: bool = False       # an outcome whose kind the student has not marked
    selected: bool = True
    ready: bool = True           # could be selected now: a certified outcome, a 多元表現 with its proof


class Cover(StrEnum):
    PICKED = "picked"            # an item of it is picked for application
    SELECTED = "selected"        # items of it are selected, none picked yet
    MISSING = "missing"          # nothing of it is selected
    SCHOOL = "school"            # the course record: the school submits it
    WRITTEN = "written"          # written and uploaded when applying


COVER_LABELS = {Cover.PICKED: "✔", Cover.SELECTED: "待挑選", Cover.MISSING: "尚無", Cover.SCHOOL: "✔ 學校提供",
                Cover.WRITTEN: "申請時撰寫"}


@dataclass(frozen=True)
class CodeCover:
    code: Code
    state: Cover
    selected: tuple[HeldItem, ...]
    next_step: str

    @property
    def picked(self) -> tuple[HeldItem, ...]:
        return tuple(i for i in self.selected if i.picked)

    def line(self) -> str:
        """「F 高中自主學習計畫與成果：2 件 ✔」, 「N 多元表現綜整心得：申請時撰寫」"""
        if self.state in (Cover.PICKED, Cover.SELECTED):
            return f"{self.code.short}：{len(self.selected)} 件 {COVER_LABELS[self.state]}"
        return f"{self.code.short}：{COVER_LABELS[self.state]}"


@dataclass(frozen=True)
class ProgrammeCover:
    codes: tuple[CodeCover, ...]
    off_target: tuple[HeldItem, ...]     # picked items that fit none of the asked codes
    next_steps: tuple[str, ...]

    @property
    def missing(self) -> tuple[Code, ...]:
        return tuple(c.code for c in self.codes if c.state is Cover.MISSING)

    @property
    def covered(self) -> bool:
        return not self.missing


def cover(requirement: Requirement, held: list[HeldItem], outcome_picks: int, performance_picks: int,
          final_grade: bool) -> ProgrammeCover:
    """Each asked code against the student's selected items, the picks (3 + 10) against the asked codes, and what
    to do next, in the order a student would do it."""
    system = requirement.system
    asked = {c.code for c in requirement.codes}
    limits = {ItemKind.OUTCOME: outcome_picks, ItemKind.PERFORMANCE: performance_picks}
    waiting = [i for i in held if not i.selected]
    held = [i for i in held if i.selected]
    picked = [i for i in held if i.picked]
    off_target = tuple(i for i in picked if i.codes.get(system) not in asked)
    free = {kind: limits[kind] - sum(1 for i in picked if i.kind is kind) for kind in limits}
    rows, steps = [], []
    unmarked = [i for i in held + waiting if i.unmarked]
    for code in requirement.codes:
        fits = tuple(i for i in held if i.codes.get(system) == code.code)
        if code.kind == "record":
            rows.append(CodeCover(code, Cover.SCHOOL, (), ""))
            continue
        if code.kind == "written":
            rows.append(CodeCover(code, Cover.WRITTEN, (), f"{code.label}於申請時在招生系統撰寫上傳"))
            continue
        kind = code.item_kind
        if any(i.picked for i in fits):
            rows.append(CodeCover(code, Cover.PICKED, fits, ""))
            continue
        if fits:
            best = fits[0]
            if not final_grade:
                step = f"高三時把「{best.name}」選為申請入學項目"
            elif free[kind] > 0:
                step = f"把「{best.name}」選為申請入學項目"
                free[kind] -= 1
            else:
                spare = [i for i in off_target if i.kind is kind]
                step = (f"申請入學的{kind.label}已選滿 {limits[kind]} 件：以「{best.name}」替換不在要求內的"
                        f"「{spare[0].name}」" if spare else
                        f"申請入學的{kind.label}已選滿 {limits[kind]} 件，且都在要求內；可考慮以「{best.name}」替換")
            rows.append(CodeCover(code, Cover.SELECTED, fits, step))
            steps.append(f"{code.code}：{step}")
            continue
        candidates = sorted((i for i in waiting if i.codes.get(system) == code.code), key=lambda i: not i.ready)
        if candidates:
            first = candidates[0]
            step = (f"勾選「{first.name}」（開放勾選期間內）" if first.ready else
                    f"「{first.name}」認證通過後勾選" if first.kind is ItemKind.OUTCOME else
                    f"為「{first.name}」補上證明文件後勾選")
        elif kind is ItemKind.OUTCOME:
            step = f"上傳一件{code.label}的課程學習成果，認證通過後勾選"
            if system is System.UNIVERSITY and unmarked:
                step += f"（你有 {len(unmarked)} 件學習成果尚未標示成果類型，請先到「課程學習成果」頁標示）"
        else:
            where = "、".join(categories_for(code.code)) or "多元表現"
            step = f"新增一筆{where}並勾選"
        rows.append(CodeCover(code, Cover.MISSING, (), step))
        steps.append(f"{code.code}：{step}")
    return ProgrammeCover(tuple(rows), off_target, tuple(steps))


@dataclass(frozen=True)
class ProgrammeReport:
    """One target programme of one student, and how their items cover what it asks."""

    student_id: int
    code: str
    name: str
    sample: bool
    requirement: Requirement
    cover: ProgrammeCover

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}" + ("（範例資料）" if self.sample else "")

    def summary(self) -> str:
        """「F 高中自主學習計畫與成果：2 件 ✔；N 多元表現綜整心得：申請時撰寫」"""
        return "；".join(c.line() for c in self.cover.codes)


__all__ = ["CODE_TABLES", "Code", "CodeCover", "CodeTable", "Cover", "HeldItem", "OutcomeKind", "ProgrammeCover",
           "ProgrammeReport", "Requirement", "System", "categories_for", "cover", "find_code", "infer_outcome_kind",
           "outcome_codes", "outcome_kind", "parse_requirement", "performance_codes"]
