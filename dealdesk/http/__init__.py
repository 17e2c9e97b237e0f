"""The one aiohttp application: admin endpoints (``app``) and feature routes (``clickup_webhook``).

Handlers run on the I/O loop and never block it; every route that takes new work answers 503 while
the process drains.
"""

from dealdesk.http.app import HTTP_STATE, HttpState, LoopMonitor, build_app
from dealdesk.http.clickup_webhook import WEBHOOK_PATH, clickup_webhook_routes
from dealdesk.http.gmail_webhook import GMAIL_PUSH_PATH, gmail_push_routes
from dealdesk.runtime.settings import Service

# Where each service that calls dealdesk back (webhooks) reaches it: boot tells the sandbox.
CALLBACK_PATHS: dict[Service, str] = {Service.CLICKUP: WEBHOOK_PATH}

__all__ = [
    "CALLBACK_PATHS",
    "GMAIL_PUSH_PATH",
    "HTTP_STATE",
    "WEBHOOK_PATH",
    "HttpState",
    "LoopMonitor",
    "build_app",
    "clickup_webhook_routes",
    "gmail_push_routes",
]
