"""The rules in force for a school in a term, as the read side shows them (the write side enforces the same)."""

from __future__ import annotations

from sqlalchemy import Engine

from ..adapters import answers
from ..domain.calendar import Term
from ..domain.policy import Policy, Rules


def school_rules(engine: Engine, school_id: int, term: Term, policy: Policy) -> Rules:
    """The national `policy` with the school's overrides, resolved for `term`."""
    with engine.connect() as conn:
        return answers.school_rules(conn, school_id, term, policy)
