"""The sandbox Slack: the Web API methods dealdesk calls, answering in Slack's JSON format, and
Socket Mode (``apps.connections.open`` and its WebSocket)."""

from dealdesk.sandbox.slack.fake import SANDBOX_BOT_TOKEN, Answer, FakeSlack, PostedMessage
from dealdesk.sandbox.slack.socket_mode import SocketAck, SocketMode

__all__ = ["SANDBOX_BOT_TOKEN", "Answer", "FakeSlack", "PostedMessage", "SocketAck", "SocketMode"]
