"""``python -m pricing``: see :mod:`pricing.cli.main`."""

import sys

from pricing.cli.main import main

sys.exit(main())
