"""The sandbox Gmail: one mailbox behind Gmail's API v1, and the influencers who write to it.

``fake`` is the API server (send, get, list, threads, history, labels, profile, watch) and the
test API; ``mailbox`` the messages, threads and history as Gmail keeps them; ``mime`` the RFC 2822
side; ``query`` Gmail's search operators; ``resources`` the JSON shapes; ``errors`` Google's error
envelope and the faults to inject; ``personas`` and ``letters`` the simulated influencers.
"""

from dealdesk.sandbox.gmail.errors import (
    backend_error,
    dropped,
    hang,
    rate_limited,
    user_rate_limited,
)
from dealdesk.sandbox.gmail.fake import DEFAULT_ADDRESS, SANDBOX_GMAIL_TOKEN, FakeGmail
from dealdesk.sandbox.gmail.letters import MAILER_DAEMON, MoneyStyle
from dealdesk.sandbox.gmail.mailbox import MailMessage
from dealdesk.sandbox.gmail.personas import (
    Conversation,
    Kind,
    Outcome,
    Persona,
    Personas,
    default_cast,
)

__all__ = [
    "DEFAULT_ADDRESS",
    "MAILER_DAEMON",
    "SANDBOX_GMAIL_TOKEN",
    "Conversation",
    "FakeGmail",
    "Kind",
    "MailMessage",
    "MoneyStyle",
    "Outcome",
    "Persona",
    "Personas",
    "backend_error",
    "default_cast",
    "dropped",
    "hang",
    "rate_limited",
    "user_rate_limited",
]
