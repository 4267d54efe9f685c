#!/usr/bin/env bash
# Install what the multi-user deployment needs (skipped when up to date): Debian's slapd and ldap-utils
# (the bundled sign-on directory), ffmpeg and libheif-examples (file rescue) and Python's venv; a virtual environment, .venv-deploy, made from the
# system's Python so that the service user and researchers' OS users can run it (a Python under /root
# cannot be run by them), with JupyterHub, the LDAP authenticator, the idle culler and JupyterLab; and
# configurable-http-proxy from npm into .venv-deploy/proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
DEPLOY_PYTHON=${DEPLOY_PYTHON:-/usr/bin/python3}
missing=()
command -v slapd > /dev/null || missing+=(slapd ldap-utils)
command -v npm > /dev/null || missing+=(npm)
command -v ffmpeg > /dev/null || missing+=(ffmpeg)                       # file rescue's programs
command -v heif-convert > /dev/null || missing+=(libheif-examples)
[ -x "$DEPLOY_PYTHON" ] && "$DEPLOY_PYTHON" -c "import ensurepip" 2> /dev/null || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" > /dev/null
fi
if [ ! -x .venv-deploy/bin/python ]; then
    "$DEPLOY_PYTHON" -m venv .venv-deploy
fi
stamp=.venv-deploy/.portfolio-installed
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv-deploy/bin/python -m pip install --quiet --upgrade pip
    .venv-deploy/bin/python -m pip install --quiet -e ".[dashboards,research,postgresql,deploy]"
    echo "$want" > "$stamp"
fi
if [ ! -x .venv-deploy/proxy/node_modules/.bin/configurable-http-proxy ]; then
    mkdir -p .venv-deploy/proxy
    npm install --silent --no-audit --no-fund --prefix .venv-deploy/proxy configurable-http-proxy@4 > /dev/null
fi
chmod -R go-w .venv-deploy
