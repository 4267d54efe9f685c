"""The 23-character course code (課程代碼) of a course record."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InvalidCourseCode
from .policy import Rules

CODE_LENGTH = 23


@dataclass(frozen=True)
class CourseCode:
    code: str
    course_type: str      # character 17
    domain: str           # characters 20–21

    def domain_label(self, rules: Rules) -> str:
        return rules.codes["course_domain"].get(self.domain, "其他")


def parse_course_code(text: str, rules: Rules) -> CourseCode:
    """Check a course code: 23 letters or digits, a known course type at 17 and a domain at 20–21."""
    code = str(text).strip().upper()
    if len(code) != CODE_LENGTH:
        raise InvalidCourseCode(code=code, reason=f"應為 {CODE_LENGTH} 碼，實際為 {len(code)} 碼")
    if not code.isascii() or not code.isalnum():
        raise InvalidCourseCode(code=code, reason="只能包含英文字母與數字")
    if not code[:3].isdigit():
        raise InvalidCourseCode(code=code, reason="前 3 碼應為入學學年度")
    course_type = code[16]
    if course_type not in rules.codes["course_type"]:
        raise InvalidCourseCode(code=code, reason=f"第 17 碼課程類型「{course_type}」應為 1–9 或 A–F")
    domain = code[19:21]
    if not domain.isdigit():
        raise InvalidCourseCode(code=code, reason=f"第 20–21 碼領域「{domain}」應為兩位數字")
    return CourseCode(code, course_type, domain)
