"""The workbench's configuration from the environment, read here and nowhere else.

PORTFOLIO_DB     the school database: a SQLite file or an SQLAlchemy URL
PORTFOLIO_FILES  the file store (default: beside a SQLite file, school.sqlite → school.files/)
PORTFOLIO_AS_OF  a stopped clock at an ROC moment ('115/11/28 10:00'), for demonstrations and tests
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..adapters.db import database_url
from ..domain.calendar import parse_roc_moment, taipei_now

DB_VARIABLE = "PORTFOLIO_DB"
FILES_VARIABLE = "PORTFOLIO_FILES"
AS_OF_VARIABLE = "PORTFOLIO_AS_OF"
NO_DATABASE = "尚未指定資料庫：請設定 PORTFOLIO_DB，或以 README 的指令啟動示範學校。"


def database(given: str | os.PathLike | None = None) -> str | None:
    """The database named by `given`, else by $PORTFOLIO_DB; None when neither names one."""
    return str(given) if given else os.environ.get(DB_VARIABLE) or None


def file_root(db: str | os.PathLike, given: str | os.PathLike | None = None) -> Path:
    """The file store: `given`, else $PORTFOLIO_FILES, else beside the database file."""
    chosen = given or os.environ.get(FILES_VARIABLE)
    return Path(chosen) if chosen else default_file_root(db)


def default_file_root(db: str | os.PathLike) -> Path:
    """The file store sits beside a SQLite database file: school.sqlite → school.files/."""
    url = database_url(db)
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        path = Path(url.removeprefix("sqlite:///"))
        return path.with_name(path.stem + ".files")
    return Path.cwd() / "portfolio-files"


def package_folder(file_root: str | os.PathLike) -> Path:
    """Submission packages sit beside the file store: school.files/ → school.packages/."""
    root = Path(file_root)
    return root.with_name(root.name.removesuffix(".files") + ".packages")


def clock(default: Callable[[], datetime] = taipei_now) -> Callable[[], datetime]:
    """Taipei's clock, or the clock stopped at $PORTFOLIO_AS_OF."""
    text = os.environ.get(AS_OF_VARIABLE)
    return fixed_clock(text) if text else default


def fixed_clock(text: str) -> Callable[[], datetime]:
    """A clock stopped at an ROC moment ('115/11/28 10:00'): for demonstrations and tests, never production."""
    moment = parse_roc_moment(text)
    return lambda: moment
