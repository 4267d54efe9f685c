"""The write side's access to the database: load and save entities, count what the rules count.

One class, `Repository`, the services' only door to the tables; its methods are grouped by aggregate in the
modules of this package (locks, people, items, schedule, selections, school items, submissions, records,
rescued originals, programmes).
"""

from __future__ import annotations

from sqlalchemy import Connection

from ...domain.policy import Policy
from .items import Items
from .locks import Locks
from .originals import Originals
from .people import People
from .programmes import Programmes
from .records import Records
from .schedule import Schedule
from .school_items import SchoolItems
from .selections import Selections
from .submissions import Submissions


class Repository(Locks, People, Items, Schedule, Selections, SchoolItems, Submissions, Records, Originals,
                 Programmes):
    def __init__(self, conn: Connection, policy: Policy):
        self.conn = conn
        self.policy = policy


__all__ = ["Repository"]
