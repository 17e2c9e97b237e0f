"""dealdesk: negotiates influencer-marketing deals by email, inside each campaign's CPM bounds.

Entry points are ``run.py`` and ``python -m dealdesk``; no module inside the package is run as a
script (a file run from inside the package would let ``dealdesk/http`` shadow the standard
library's ``http``).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
