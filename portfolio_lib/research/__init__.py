"""The researchers' door: de-identified data with keyed pseudonyms, and small-cell protection."""

from .deidentify import DATA_DICTIONARY, deidentified_tables, export_deidentified, pseudonymiser
from .suppression import DEFAULT_K, Published, check_threshold, publish, suppress, suppressed_shares

__all__ = ["DATA_DICTIONARY", "deidentified_tables", "export_deidentified", "pseudonymiser", "suppress",
           "suppressed_shares"]
