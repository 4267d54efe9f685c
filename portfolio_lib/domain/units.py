"""Sizes as people read them: one conversion from bytes to MB for every message and hint."""

from __future__ import annotations

MIB = 1024 * 1024


def format_mb(n: int) -> str:
    """4194304 → '4 MB'; 1572864 → '1.50 MB'."""
    value = n / MIB
    return f"{value:.0f} MB" if value == int(value) else f"{value:.2f} MB"
