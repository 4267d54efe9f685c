"""Session set-up for notebook runs: the dashboards read a small demo school through PORTFOLIO_DB."""

import os
import shutil
import tempfile

_made: list[str] = []


def pytest_configure(config):
    if not (config.getoption("nbval_lax", default=False) or config.getoption("nbval", default=False)):
        return
    from portfolio_lib.demo import build_demo
    from portfolio_lib.services.unit_of_work import Workbench

    folder = tempfile.mkdtemp(prefix="portfolio-nbval-")
    _made.append(folder)
    db = os.path.join(folder, "demo.sqlite")
    build_demo(Workbench.open(db), students=102)
    os.environ["PORTFOLIO_DB"] = db
    os.environ.pop("PORTFOLIO_FILES", None)


def pytest_unconfigure(config):
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)
