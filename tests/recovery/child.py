"""A process the kill tests start: it loads everything first, says `ready`, and runs one use case when told to,
so that a kill at a random moment lands in the use case rather than in Python's start-up.

    python -m tests.recovery.child cli ARG...            the `portfolio` command with these arguments
    python -m tests.recovery.child batch DB MANIFEST ZIP  a counselor's batch upload
"""

import sys
from pathlib import Path

from portfolio_lib import cli
from portfolio_lib.domain.model import Actor
from portfolio_lib.services.batch import batch_upload
from portfolio_lib.services.unit_of_work import Workbench


def main(argv: list[str]) -> int:
    print("ready", flush=True)
    sys.stdin.readline()
    if argv[0] == "cli":
        return cli.main(argv[1:])
    db, manifest, archive = argv[1:]
    batch_upload(Workbench.open(db).uow(), Path(manifest).read_bytes(), Path(archive).read_bytes(),
                          "清單.csv", actor=Actor("staff", "A001"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
