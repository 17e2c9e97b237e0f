"""Slack: the Web API gateway, its error classifier, and every message the team reads.

- ``gateway``: posting through slack_sdk's AsyncWebClient under the shared retry policy.
- ``errors``: how slack_sdk's exceptions read to the retry policy.
- ``messages``: the team-facing copy, one function per event.
"""

from dealdesk.integrations.slack import messages
from dealdesk.integrations.slack.errors import classify_slack
from dealdesk.integrations.slack.gateway import SlackGateway

__all__ = ["SlackGateway", "classify_slack", "messages"]
