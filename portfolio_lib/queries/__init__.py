"""The read side: questions about where a school stands, answered by the database as small DataFrames."""

from .status import category_distribution, class_status, school_figures, school_summary, student_items

__all__ = ["category_distribution", "class_status", "school_figures", "school_summary", "student_items"]
