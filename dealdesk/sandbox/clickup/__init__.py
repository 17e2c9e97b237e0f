"""The sandbox ClickUp: tasks, custom fields and signed webhook deliveries in ClickUp's format.

``fake`` is the API server (Get Task, webhooks); ``admin`` the sandbox-only routes that create
and edit tasks as the form would; ``data`` builds tasks and field values as ClickUp stores them.
"""

from dealdesk.sandbox.clickup.fake import SANDBOX_CLICKUP_TOKEN, Delivery, FakeClickUp, sign

__all__ = ["SANDBOX_CLICKUP_TOKEN", "Delivery", "FakeClickUp", "sign"]
