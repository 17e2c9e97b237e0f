"""The sandbox Slack: the Web API methods dealdesk calls, answering in Slack's JSON format."""

from dealdesk.sandbox.slack.fake import SANDBOX_BOT_TOKEN, Answer, FakeSlack, PostedMessage

__all__ = ["SANDBOX_BOT_TOKEN", "Answer", "FakeSlack", "PostedMessage"]
