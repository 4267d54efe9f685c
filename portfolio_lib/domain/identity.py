"""Taiwan national ID numbers (身分證字號) and resident certificate numbers."""

from __future__ import annotations

import re

_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"   # A=10 … in the order the checksum assigns
_PATTERN = re.compile(r"^[A-Z][1289]\d{8}$")


def is_valid_id_number(text: str) -> bool:
    """A national ID (second digit 1 or 2) or a new-style resident certificate (8 or 9), with its check digit."""
    code = str(text).strip().upper()
    if not _PATTERN.match(code):
        return False
    letter = _LETTERS.index(code[0]) + 10
    digits = [letter // 10, letter % 10] + [int(c) for c in code[1:]]
    weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1]
    return sum(d * w for d, w in zip(digits, weights)) % 10 == 0


def make_id_number(letter: str, sex_digit: int, serial: int) -> str:
    """Build a valid ID number from a letter, 1/2 and a 7-digit serial (for demo data)."""
    body = f"{letter}{sex_digit}{serial:07d}"
    for check in range(10):
        if is_valid_id_number(body + str(check)):
            return body + str(check)
    raise ValueError(body)
