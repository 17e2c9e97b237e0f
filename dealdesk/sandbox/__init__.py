"""Loopback fakes of every external service, speaking each one's real wire format.

With no credentials the whole system runs against these (``manager.Sandbox`` starts them inside
the process); tests start the same fakes stand-alone. The real SDK clients talk to them.
"""

from dealdesk.sandbox.base import FakeServer, Fault, RecordedRequest
from dealdesk.sandbox.clickup.fake import FakeClickUp
from dealdesk.sandbox.manager import FAKES, Sandbox
from dealdesk.sandbox.slack.fake import FakeSlack, PostedMessage

__all__ = [
    "FAKES",
    "FakeClickUp",
    "FakeServer",
    "FakeSlack",
    "Fault",
    "PostedMessage",
    "RecordedRequest",
    "Sandbox",
]
