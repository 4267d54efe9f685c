#!/usr/bin/env bash
# Create .venv and install the project with its dashboards, research, PostgreSQL, deployment and test extras
# (skipped when up to date), and the programs file rescue runs: ffmpeg and libheif's heif-convert (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.portfolio-installed
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dashboards,research,postgresql,deploy,test]"
    echo "$want" > "$stamp"
fi
if ! command -v ffmpeg > /dev/null || ! command -v heif-convert > /dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ffmpeg libheif-examples > /dev/null
fi
