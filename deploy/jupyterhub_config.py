# JupyterHub configuration of the workbench's deployment. Settings live in deploy/deploy.toml (or the file
# named by PORTFOLIO_DEPLOY_CONFIG); `python -m portfolio_lib.deploy run` starts the hub with this file.
import os

from portfolio_lib.deploy.hub import configure
from portfolio_lib.deploy.settings import load

configure(c, load(), os.environ["PORTFOLIO_DB"], os.environ["PORTFOLIO_FILES"])  # noqa: F821 (c is JupyterHub's)
