"""The grades of senior high school (高一–高三, grades 10–12): their numbers and their names, in one place."""

from __future__ import annotations

GRADES = (10, 11, 12)
FIRST_GRADE, FINAL_GRADE = GRADES[0], GRADES[-1]      # 高三 picks items for university application
GRADE_LABELS = {10: "高一", 11: "高二", 12: "高三"}


def grade_label(grade: int | None) -> str:
    """高一, 高二, 高三; '' for no grade."""
    return GRADE_LABELS.get(grade, "") if grade is not None else ""


def entry_year(academic_year, grade):
    """The year a student in `grade` during `academic_year` entered (works on numbers and pandas columns)."""
    return academic_year - grade + FIRST_GRADE


def grade_in_year(entry: int, academic_year: int) -> int | None:
    """The grade of a student who entered in `entry` during `academic_year`, None outside 高一–高三."""
    grade = academic_year - entry + FIRST_GRADE
    return grade if grade in GRADES else None
