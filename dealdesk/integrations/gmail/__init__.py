"""Gmail: outgoing MIME and incoming parsing (the API client follows).

- ``mime``: an ``OutgoingEmail`` → RFC 2822 bytes → messages.send's ``raw``.
- ``inbound``: a Gmail Message (full or raw) → ``InboundEmail``: the new text apart from the
  quoted history and signature, auto-replies, bounces; ``is_ours`` for our own mail.
- ``addresses``: addresses normalised once, at the edge.

``parts``, ``text`` and ``signals`` are ``inbound``'s helpers. No module here holds state shared
between threads.
"""

from dealdesk.integrations.gmail.addresses import addresses_in, normalize_address
from dealdesk.integrations.gmail.inbound import Bounce, InboundEmail, is_ours, parse_message
from dealdesk.integrations.gmail.mime import OutgoingEmail, build_message, html_from_text, raw_of

__all__ = [
    "Bounce",
    "InboundEmail",
    "OutgoingEmail",
    "addresses_in",
    "build_message",
    "html_from_text",
    "is_ours",
    "normalize_address",
    "parse_message",
    "raw_of",
]
