"""Start dealdesk, or run one of its commands: ``python run.py --help``."""

import sys

from dealdesk.app.cli import main

if __name__ == "__main__":
    sys.exit(main())
