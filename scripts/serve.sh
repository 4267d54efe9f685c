#!/usr/bin/env bash
# Install, build the demo school if there is no database yet, and serve the dashboards with Voila
# on http://127.0.0.1:${PORT:-8866}/ (stop with Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PORTFOLIO_DB=${PORTFOLIO_DB:-$PWD/var/demo.sqlite}
if [[ "$PORTFOLIO_DB" != *://* ]] && [ ! -e "$PORTFOLIO_DB" ]; then
    mkdir -p "$(dirname "$PORTFOLIO_DB")"
    .venv/bin/portfolio --db "$PORTFOLIO_DB" demo
fi
echo "學習歷程工作台: http://127.0.0.1:${PORT:-8866}/  (database: $PORTFOLIO_DB)"
exec .venv/bin/voila dashboards/ --Voila.ip=127.0.0.1 --port="${PORT:-8866}" --no-browser \
    --preheat_kernel=True --pool_size="${POOL_SIZE:-1}"
