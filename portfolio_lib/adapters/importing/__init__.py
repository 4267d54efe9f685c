"""Imports from the school administration system (校務行政系統): whole files or nothing, row-by-row reports.

One importer per kind of file (staff, students, teaching, course_records, cadre, guardians, programmes), each in the
module of what it imports; `checks` reads rows against columns for them and for the receipt lists.
"""

from __future__ import annotations

from .base import Importer
from .cadre import CadreImporter
from .checks import Checker, Col, ImportResult, Problem
from .courses import CourseRecordImporter, TeachingImporter
from .people import GuardianImporter, StaffImporter, StudentImporter
from .programmes import ProgrammeImporter

IMPORTERS: dict[str, type[Importer]] = {cls.kind: cls for cls in (
    StaffImporter, StudentImporter, TeachingImporter, CourseRecordImporter, CadreImporter, GuardianImporter,
    ProgrammeImporter)}


__all__ = ["IMPORTERS", "Checker", "Col", "ImportResult", "Importer", "Problem"]
