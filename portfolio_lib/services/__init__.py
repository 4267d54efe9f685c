"""Use cases of the portfolio cycle: verbs that take plain values and a unit of work."""

from .certification import certify, send_for_certification
from .importing import import_file
from .notifications import mark_notifications_read
from .officers import remove_district_officer, save_district_officer
from .requirements import add_target, mark_outcome_kind, remove_target
from .rescue import purge_originals, remove_original, rescue_file, rescue_photos
from .schedule import create_school, set_policy_overrides, set_window
from .school_items import (
                           add_consultation_record,
                           delete_school_document,
                           replace_learning_plan,
                           review_learning_plan,
                           upload_learning_plan,
                           upload_school_document,
)
from .selection import pick_for_application, select_for_submission, unpick, unselect
from .submission import submit_selected
from .unit_of_work import UnitOfWork, Workbench
from .uploads import (
                           delete_outcome,
                           delete_performance,
                           replace_outcome,
                           update_performance,
                           upload_outcome,
                           upload_performance,
)

__all__ = [
    "UnitOfWork", "Workbench", "add_consultation_record", "add_target", "mark_outcome_kind", "remove_target",
    "certify", "delete_school_document",
    "replace_learning_plan", "review_learning_plan", "upload_learning_plan", "upload_school_document",
    "create_school", "delete_outcome", "delete_performance",
    "import_file", "mark_notifications_read", "remove_district_officer", "save_district_officer",
    "pick_for_application", "purge_originals", "remove_original", "rescue_file", "rescue_photos",
    "replace_outcome", "select_for_submission",
    "send_for_certification", "set_policy_overrides", "set_window", "submit_selected", "unpick",
    "unselect", "update_performance", "upload_outcome", "upload_performance",
]
