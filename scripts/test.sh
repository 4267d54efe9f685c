#!/usr/bin/env bash
# Install into .venv (and Debian's Chromium and CJK fonts for the browser tests, its PostgreSQL server for the tests
# that run on both databases: each test session starts a throwaway server of its own), make the deployment's
# .venv-deploy with slapd and the proxy (scripts/setup-deploy.sh), and run the whole test suite: unit,
# service, process, CLI, widget, notebook, browser and deployment tests, after ruff's check of the code.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
        || ! ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk postgresql > /dev/null
fi
bash scripts/setup-deploy.sh
# the code's shape first: import order, unused names, line length (configuration in pyproject.toml)
.venv/bin/ruff check .
exec .venv/bin/python -m pytest --nbval-lax "$@"
