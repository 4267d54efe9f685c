"""Three years of a demo school's portfolio activity: outcomes, 多元表現, selections, submissions, school items."""

from .run import Files, Rows, package_batches, store_sample_files, write_activity

__all__ = ["Files", "Rows", "package_batches", "store_sample_files", "write_activity"]
