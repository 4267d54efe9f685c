#!/usr/bin/env bash
# The multi-user deployment on this server (as root): LDAP sign-on through JupyterHub, the dashboards behind
# it, researchers' JupyterLab apart, over the school database named by PORTFOLIO_DB (a demo school of
# 1,500 students without one). Settings: deploy/deploy.toml, or the file named by PORTFOLIO_DEPLOY_CONFIG.
# Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
    exec sudo --preserve-env=PORTFOLIO_DB,PORTFOLIO_FILES,PORTFOLIO_DEPLOY_CONFIG,PORTFOLIO_AS_OF bash "$0" "$@"
fi
bash scripts/setup-deploy.sh
exec .venv-deploy/bin/python -m portfolio_lib.deploy "$@"
