"""What a sign-on name is in the school database: staff with roles, a student, a guardian of some children, an
officer of the city's education office.

The school database is the one source of truth for roles: the staff, student and guardian imports'
login columns (登入帳號, 家長登入帳號) and the district officers' sign-on names name the accounts. Sign-on names
match case-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.model import ROLE_LABELS, Role
from .cabinet import CabinetViewer, guardian_children, student_by_login
from .frames import Readable
from .viewer import DistrictViewer, Viewer, officer_by_login, viewer_by_login


@dataclass(frozen=True)
class Account:
    login: str
    staff: Viewer | None = None
    student: CabinetViewer | None = None
    children: tuple[CabinetViewer, ...] = ()
    officer: DistrictViewer | None = None

    @property
    def known(self) -> bool:
        return bool(self.staff or self.student or self.children or self.officer)

    @property
    def school_id(self) -> int | None:
        for part in (self.staff, self.student, *self.children):
            if part is not None:
                return part.school_id
        return None

    @property
    def researcher(self) -> bool:
        return self.staff is not None and Role.RESEARCHER in self.staff.roles

    @property
    def home(self) -> str:
        """Where the account lands after signing in: a student or a parent on the cabinet, staff on the landing page."""
        return "index" if self.staff is not None or self.officer is not None else "cabinet"

    @property
    def kinds(self) -> list[str]:
        """What the account is, in words: 教職員（導師、授課教師）, 學生, 家長."""
        kinds = []
        if self.staff is not None:
            kinds.append("教職員（" + "、".join(ROLE_LABELS[r] for r in sorted(self.staff.roles)) + "）")
        if self.student is not None:
            kinds.append("學生")
        if self.children:
            kinds.append("家長")
        if self.officer is not None:
            kinds.append(ROLE_LABELS[Role.DISTRICT])
        return kinds


def account_of(engine: Readable, login: str) -> Account:
    """The school's records for a sign-on name; `Account.known` is False when there are none."""
    login = login.strip()
    if not login:
        return Account(login)
    return Account(login, staff=viewer_by_login(engine, login), student=student_by_login(engine, login),
                   children=tuple(guardian_children(engine, login)), officer=officer_by_login(engine, login))
