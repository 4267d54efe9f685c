"""What the workbench records beside the items: notifications, the access log and the audit trail."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ...domain.model import Actor, ItemKind
from ...domain.policy import Policy
from .. import tables as t


class Records:
    conn: Connection
    policy: Policy

    # --- notifications and audit ---------------------------------------------------------

    def notify(self, student_id: int, kind: str, message: str, now: datetime,
               item_kind: ItemKind | None = None, item_id: int | None = None):
        self.conn.execute(insert(t.notifications).values(
            student_id=student_id, kind=kind, message=message, created_at=now,
            item_kind=item_kind.value if item_kind else None, item_id=item_id))

    def record_access(self, at: datetime, login: str, event: str, target: str | None = None,
                      school_id: int | None = None, student_id: int | None = None, address: str | None = None):
        self.conn.execute(insert(t.access_log).values(
            at=at, login=login[:64], event=event, target=None if target is None else target[:60],
            school_id=school_id, student_id=student_id, address=None if address is None else address[:64]))

    def audit(self, actor: Actor | str, action: str, entity: str, entity_id, now: datetime,
              before: dict | None = None, after: dict | None = None):
        self.conn.execute(insert(t.audit_events).values(
            at=now, actor=str(actor), action=action, entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=_json(before), after=_json(after)))

    def mark_notifications_read(self, student_id: int, now: datetime) -> int:
        n = t.notifications.c
        return self.conn.execute(update(t.notifications).where(n.student_id == student_id, n.read_at.is_(None))
                                 .values(read_at=now)).rowcount

    def add_file(self, stored, ext: str, media_type: str, now: datetime):
        """The row of a stored file (content-addressed: a file already known keeps its row)."""
        if self.conn.execute(select(t.files.c.sha256).where(t.files.c.sha256 == stored.sha256)).first() is None:
            self.conn.execute(insert(t.files).values(sha256=stored.sha256, size=stored.size, ext=ext,
                                                     media_type=media_type, stored_at=now))



def _json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
