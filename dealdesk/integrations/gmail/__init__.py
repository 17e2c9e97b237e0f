"""Gmail: the API client, outgoing MIME, incoming parsing, credentials, and send verdicts.

- ``client``: ``build_gmail`` (the SDK Resource, offline discovery) and ``GmailClient``
  (blocking; one owner thread): send once, settle by Message-ID, history, re-sync, quota units.
- ``mime``: an ``OutgoingEmail`` → RFC 2822 bytes → messages.send's ``raw``.
- ``inbound``: a Gmail Message (full or raw) → ``InboundEmail``: the new text apart from the
  quoted history and signature, auto-replies, bounces; ``is_ours`` for our own mail.
- ``addresses``: addresses normalised once, at the edge.
- ``errors``: whether a failed send was acted on, how long to pause, the typed errors.
- ``credentials``: an OAuth user token or a service account's key; ``authorize`` writes a token.

``parts``, ``text`` and ``signals`` are ``inbound``'s helpers. No module here holds state shared
between threads.
"""

from dealdesk.integrations.gmail.addresses import addresses_in, normalize_address
from dealdesk.integrations.gmail.client import (
    QUOTA_UNITS,
    GmailClient,
    HistoryPage,
    SentMessage,
    build_gmail,
    header_of,
)
from dealdesk.integrations.gmail.credentials import SCOPES, authorize, load_credentials
from dealdesk.integrations.gmail.errors import (
    HistoryTooOld,
    SendInDoubt,
    SendRefused,
    SendVerdict,
    classify_send,
    pause_for,
)
from dealdesk.integrations.gmail.inbound import Bounce, InboundEmail, is_ours, parse_message
from dealdesk.integrations.gmail.mime import OutgoingEmail, build_message, html_from_text, raw_of

__all__ = [
    "QUOTA_UNITS",
    "SCOPES",
    "Bounce",
    "GmailClient",
    "HistoryPage",
    "HistoryTooOld",
    "InboundEmail",
    "OutgoingEmail",
    "SendInDoubt",
    "SendRefused",
    "SendVerdict",
    "SentMessage",
    "addresses_in",
    "authorize",
    "build_gmail",
    "build_message",
    "classify_send",
    "header_of",
    "html_from_text",
    "is_ours",
    "load_credentials",
    "normalize_address",
    "parse_message",
    "pause_for",
    "raw_of",
]
