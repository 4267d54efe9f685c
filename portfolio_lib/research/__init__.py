"""The researchers' door: de-identified data with keyed pseudonyms, and small-cell protection.

The analyses, charts and reports (`analyses`, `charts`, `report`) need the `research` extra."""

from .deidentify import DATA_DICTIONARY, deidentified_tables, export_deidentified, pseudonymiser
from .suppression import DEFAULT_K, Published, check_threshold, publish, suppress, suppressed_shares

__all__ = ["DATA_DICTIONARY", "DEFAULT_K", "Published", "check_threshold", "deidentified_tables",
           "export_deidentified", "publish", "pseudonymiser", "suppress", "suppressed_shares"]
