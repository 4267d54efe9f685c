"""The rules in force for a school in a term, as the read side shows them (the write side enforces the same)."""

from __future__ import annotations

from ..adapters import answers
from ..domain.calendar import Term
from ..domain.policy import Policy, Rules
from .frames import Readable, reading


def school_rules(engine: Readable, school_id: int, term: Term, policy: Policy) -> Rules:
    """The national `policy` with the school's overrides, resolved for `term`."""
    with reading(engine) as conn:
        return answers.school_rules(conn, school_id, term, policy)
