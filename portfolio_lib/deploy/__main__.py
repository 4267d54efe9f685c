"""`python -m portfolio_lib.deploy`: start the deployment (see portfolio_lib.deploy.run)."""

import sys

from .run import main

sys.exit(main())
