"""Google's batch wire format on the sandbox Gmail: many calls in one multipart/mixed request,
answered in order with each call's own status; faults meet each call by its own operation."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest
from googleapiclient.http import BatchHttpRequest

from dealdesk.sandbox.gmail import FakeGmail, backend_error
from tests.sandbox.gmail.conftest import raw_email, send

BOUNDARY = "batch_foobarbaz"


def post_batch(fake: FakeGmail, parts: list[str], *, boundary: str = BOUNDARY) -> Any:
    """A batch written by hand, CRLF line ends (as Google's documentation shows it)."""
    body = "".join(
        f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <item{i}:1@x.example>"
        f"\r\n\r\n{part}\r\n"
        for i, part in enumerate(parts, 1)
    )
    request = urllib.request.Request(
        fake.base_url + "/batch/gmail/v1",
        data=f"{body}--{boundary}--\r\n".encode(),
        headers={"Content-Type": f"multipart/mixed; boundary={boundary}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return Answered(response.status, response.headers["Content-Type"], response.read())


@dataclass(frozen=True)
class Answered:
    status: int
    content_type: str
    body: bytes


def answers(response: Answered) -> list[tuple[str, int, dict[str, Any]]]:
    """Each part of a batch answer: its Content-ID, status and JSON body."""
    boundary = response.content_type.split("boundary=")[1]
    body = response.body.decode()
    found = []
    for chunk in body.split(f"--{boundary}")[1:-1]:
        head, _, http = chunk.strip("\r\n").partition("\r\n\r\n")
        status_line, _, rest = http.partition("\r\n")
        payload = rest.partition("\r\n\r\n")[2]
        content_id = next(
            line.split(":", 1)[1].strip() for line in head.splitlines() if "Content-ID" in line
        )
        found.append((content_id, int(status_line.split()[1]), json.loads(payload)))
    return found


def test_a_batch_answers_each_call_in_order_with_its_own_status(fake, gmail):
    first = send(gmail)["id"]
    second = send(gmail, message_id="<out-2@dealdesk.example>")["id"]
    response = post_batch(
        fake,
        [
            f"GET /gmail/v1/users/me/messages/{first}?format=minimal",
            "GET /gmail/v1/users/me/messages/0000000000000000",
            f"GET /gmail/v1/users/me/messages/{second}?format=metadata&metadataHeaders=Subject",
        ],
    )
    assert response.status == 200
    got = answers(response)
    assert [(cid, status) for cid, status, _ in got] == [
        ("<response-item1:1@x.example>", 200),
        ("<response-item2:1@x.example>", 404),
        ("<response-item3:1@x.example>", 200),
    ]
    assert got[0][2]["id"] == first
    assert "payload" not in got[0][2]
    assert got[1][2]["error"]["code"] == 404
    assert got[2][2]["payload"]["headers"] == [
        {"name": "Subject", "value": "Collaboration with Lumen"}
    ]
    assert [c.operation for c in fake.calls("messages.get")] == ["messages.get"] * 3


def test_a_send_inside_a_batch_is_stored_like_one_sent_alone(fake):
    body = json.dumps({"raw": raw_email(message_id="<out-9@dealdesk.example>")})
    response = post_batch(
        fake,
        ["POST /gmail/v1/users/me/messages/send\r\nContent-Type: application/json\r\n\r\n" + body],
    )
    ((_, status, answer),) = answers(response)
    assert status == 200
    assert fake.count_sent("<out-9@dealdesk.example>") == 1
    assert "SENT" in fake.message(answer["id"]).label_ids


@pytest.mark.parametrize(
    ("content_type", "body", "why"),
    [
        ("application/json", b"{}", "multipart/mixed"),
        (f"multipart/mixed; boundary={BOUNDARY}", b"nothing here", "no parts"),
        (
            f"multipart/mixed; boundary={BOUNDARY}",
            f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{BOUNDARY}--".encode(),
            "application/http",
        ),
    ],
)
def test_a_malformed_batch_is_a_400_that_says_what_is_wrong(fake, content_type, body, why):
    request = urllib.request.Request(
        fake.base_url + "/batch/gmail/v1",
        data=body,
        headers={"Content-Type": content_type},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    with caught.value as refused:
        assert refused.code == 400
        assert why in json.loads(refused.read())["error"]["message"]


def test_more_than_a_hundred_calls_is_refused(fake):
    with pytest.raises(urllib.error.HTTPError) as caught:
        post_batch(fake, ["GET /gmail/v1/users/me/messages/1"] * 101)
    with caught.value as refused:
        assert refused.code == 400
        assert "at most 100" in json.loads(refused.read())["error"]["message"]


def test_the_sdks_own_batch_reads_the_answers_and_a_faulted_call_fails_alone(fake, gmail):
    ids = [send(gmail, message_id=f"<out-{i}@dealdesk.example>")["id"] for i in range(3)]
    fake.inject(backend_error(operation="messages.get", code=503))
    results: dict[str, Any] = {}

    def answered(request_id: str, response: Any, exception: Exception | None) -> None:
        results[request_id] = exception if exception is not None else response

    batch = BatchHttpRequest(callback=answered, batch_uri=fake.base_url + "/batch/gmail/v1")
    for gmail_id in ids:
        batch.add(gmail.users().messages().get(userId="me", id=gmail_id), request_id=gmail_id)
    batch.execute()
    assert getattr(results[ids[0]], "status_code", None) == 503  # the first call met the fault
    assert [results[g]["id"] for g in ids[1:]] == ids[1:]
