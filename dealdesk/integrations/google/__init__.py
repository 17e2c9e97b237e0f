"""Google APIs shared by Gmail and Sheets: for now, how their client's failures read to the
retry policy."""

from dealdesk.integrations.google.errors import classify_google

__all__ = ["classify_google"]
