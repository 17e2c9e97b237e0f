"""The sandbox Gmail on the test's loop thread, and the real google-api-python-client against it
(blocking httplib2 calls from the test thread, as the Mailroom makes them from its own)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httplib2
import pytest
from google.auth.credentials import AnonymousCredentials
from googleapiclient.discovery import build

from dealdesk.runtime.loop import IoLoop
from dealdesk.sandbox.gmail import FakeGmail

BOX = "deals@agency.example"


@pytest.fixture
def fake(io_loop: IoLoop) -> Iterator[FakeGmail]:
    server = FakeGmail(cast=False)
    server.personas.delay_s = 0
    io_loop.run(server.start(), timeout=5)
    yield server
    io_loop.run(server.stop(), timeout=5)


def client(fake: FakeGmail, *, timeout: float | None = None) -> Any:
    """A gmail v1 resource as dealdesk builds one, pointed at the fake."""
    options = {"api_endpoint": fake.base_url + "/"}
    if timeout is not None:
        http = httplib2.Http(timeout=timeout)
        return build("gmail", "v1", http=http, static_discovery=True, client_options=options)
    return build(
        "gmail",
        "v1",
        credentials=AnonymousCredentials(),
        static_discovery=True,
        client_options=options,
    )


@pytest.fixture
def clients() -> Iterator[list[Any]]:
    """Clients to close after the test (httplib2 keeps its connections open)."""
    made: list[Any] = []
    yield made
    for resource in made:
        resource.close()


@pytest.fixture
def gmail(fake: FakeGmail, clients: list[Any]) -> Any:
    resource = client(fake)
    clients.append(resource)
    return resource


def raw_email(
    to: str = "maya@glowwithmaya.example",
    subject: str = "Collaboration with Lumen",
    text: str = "Hi! We'd love to work with you.",
    *,
    message_id: str | None = "<out-1@dealdesk.example>",
    sender: str | None = f"Lumen Deals <{BOX}>",
    **headers: str,
) -> str:
    message = EmailMessage()
    if sender is not None:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id is not None:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")


def send(gmail: Any, thread_id: str | None = None, **kwargs: Any) -> dict[str, Any]:
    body = {"raw": raw_email(**kwargs)}
    if thread_id is not None:
        body["threadId"] = thread_id
    answer: dict[str, Any] = gmail.users().messages().send(userId="me", body=body).execute()
    return answer


def decoded(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
