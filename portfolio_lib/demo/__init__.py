"""A realistic demo school, built deterministically from a seed."""

from .build import build_demo

__all__ = ["build_demo"]
