#!/usr/bin/env bash
# Install into .venv and run the whole test suite: unit, service, process, CLI and notebook tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest --nbval-lax "$@"
