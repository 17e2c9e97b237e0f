"""``python -m dealdesk``: the same entry point as ``run.py``."""

import sys

from dealdesk.app.cli import main

sys.exit(main())
