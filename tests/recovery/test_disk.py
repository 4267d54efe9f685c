"""Disk trouble is a clear refusal: a store that is full or read-only, or a write the system stops half-way. The
upload is refused with a message a teacher understands, and nothing is left: no row, no file, no temporary part.

Each case runs the real `portfolio upload outcome` in a child process whose disk is really in trouble: a file-size
limit the kernel enforces (RLIMIT_FSIZE: the write stops part-way), and, in a mount namespace of its own
(`unshare`), a 3 MB tmpfs as the file store (full) or the store bind-mounted read-only."""

import resource
import shutil
import signal
import subprocess

import pytest
from sqlalchemy import func, select

from portfolio_lib.adapters import tables as t
from portfolio_lib.services.check import check_workbench
from portfolio_lib.services.unit_of_work import Workbench

from ..conftest import IN_UPLOAD, Clock, build_school, course_code
from .test_kill import Child, big_pdf

pytestmark = pytest.mark.slow
LISTING = "--- files left in the store ---"


def namespaces_allowed() -> bool:
    """Whether this machine lets a process make its own user and mount namespace (where it may mount)."""
    if shutil.which("unshare") is None:
        return False
    made = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    return made.returncode == 0


@pytest.fixture
def school_db(tmp_path):
    wb = Workbench.open(tmp_path / "school.sqlite", clock=Clock(IN_UPLOAD))
    build_school(wb, Clock(IN_UPLOAD))
    wb.store.root.mkdir(parents=True, exist_ok=True)
    wb.engine.dispose()
    document = tmp_path / "期末報告.pdf"
    document.write_bytes(big_pdf("disk trouble").data)
    return tmp_path / "school.sqlite", document


def upload(db, document, prefix=(), preexec_fn=None) -> tuple[int, str, str]:
    child = Child(["cli", "upload", "outcome", "--student", "113001", "--term", "113-1", "--course", course_code(0),
                   "--description", "期末報告", "--document", str(document), "--db", str(db)], IN_UPLOAD,
                  prefix=list(prefix), preexec_fn=preexec_fn)
    child.go()
    return child.outcome()


def in_namespace(store, setup: str) -> list[str]:
    """Run the child in its own mount namespace after `setup` (shell, $0 is the store); afterwards list the files
    the store holds there, as the child saw it."""
    script = f'{setup} || exit 97; "$@"; status=$?; echo "{LISTING}"; find "$0" -type f; exit $status'
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, str(store)]


def nothing_written(db) -> None:
    wb = Workbench.open(db)
    with wb.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.outcomes)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(t.files)).scalar_one() == 0
    assert check_workbench(wb) == [] and wb.store.all_hashes() == set()
    wb.engine.dispose()


def refused(status: int, err: str, words: str):
    assert status == 1, err
    assert err.startswith("錯誤：檔案儲存失敗：") and words in err and "檔案未儲存" in err, err


def test_a_write_the_system_stops_half_way_is_refused_and_leaves_nothing(school_db):
    db, document = school_db

    def limited():                # the kernel stops any write past 1 MB of a file (EFBIG once SIGXFSZ is ignored)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
    status, _, err = upload(db, document, preexec_fn=limited)
    refused(status, err, "檔案超過伺服器允許寫入的大小")
    nothing_written(db)
    assert list((db.parent / "school.files").rglob("*.part")) == []


@pytest.mark.skipif(not namespaces_allowed(), reason="this machine allows no user namespace to mount a full disk in")
def test_a_full_store_refuses_the_upload_and_leaves_nothing(school_db):
    db, document = school_db
    store = db.parent / "school.files"
    status, out, err = upload(db, document, in_namespace(store, 'mount -t tmpfs -o size=3m tmpfs "$0"'))
    refused(status, err, "伺服器的磁碟空間已滿")
    assert out.split(LISTING, 1)[1].split() == []          # the full store, as the child saw it: empty
    nothing_written(db)


@pytest.mark.skipif(not namespaces_allowed(), reason="this machine allows no user namespace to mount a store in")
def test_a_read_only_store_refuses_the_upload_and_leaves_nothing(school_db):
    db, document = school_db
    store = db.parent / "school.files"
    status, out, err = upload(db, document, in_namespace(
        store, 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0"'))
    refused(status, err, "唯讀")
    assert out.split(LISTING, 1)[1].split() == []
    nothing_written(db)
