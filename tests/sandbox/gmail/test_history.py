"""history.list: cursors, pages, filters, and the 404 of a cursor older than retained history."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from tests.sandbox.gmail.conftest import send

MAYA = "maya@glowwithmaya.example"


def history(gmail, start, **params):
    return gmail.users().history().list(userId="me", startHistoryId=str(start), **params).execute()


def added(page):
    return [
        a["message"]["id"]
        for record in page.get("history", [])
        for a in record.get("messagesAdded", [])
    ]


def test_history_lists_each_message_added_after_the_cursor_with_its_labels(gmail, fake):
    cursor = gmail.users().getProfile(userId="me").execute()["historyId"]
    out = send(gmail)
    back = fake.inbound(MAYA, "Re: Collaboration", "Yes", in_reply_to="<out-1@dealdesk.example>")
    page = history(gmail, cursor)
    first, second = page["history"]
    assert first["messages"] == [{"id": out["id"], "threadId": out["threadId"]}]
    assert first["messagesAdded"] == [
        {"message": {"id": out["id"], "threadId": out["threadId"], "labelIds": ["SENT"]}}
    ]
    assert second["messagesAdded"][0]["message"]["id"] == back
    assert second["messagesAdded"][0]["message"]["labelIds"] == [
        "UNREAD",
        "CATEGORY_PERSONAL",
        "INBOX",
    ]
    assert page["historyId"] == second["id"] == str(fake.history_id)
    assert "nextPageToken" not in page


def test_a_cursor_at_the_current_history_id_gets_no_records_and_the_same_id(gmail, fake):
    send(gmail)
    page = history(gmail, fake.history_id)
    assert page == {"historyId": str(fake.history_id)}


def test_history_ids_only_grow_and_not_one_at_a_time(gmail, fake):
    start = fake.history_id
    for i in range(6):
        fake.inbound(MAYA, f"Message {i}", "hi")
    ids = [int(record["id"]) for record in history(gmail, start)["history"]]
    assert ids == sorted(set(ids))
    assert ids[0] > start
    steps = {b - a for a, b in zip([start, *ids], ids, strict=False)}
    assert steps != {1}  # a client must not count on gap-free ids


def test_history_pages_with_max_results_and_page_token(gmail, fake):
    start = fake.history_id
    ids = [fake.inbound(MAYA, f"Message {i}", "hi") for i in range(5)]
    first = history(gmail, start, maxResults=2)
    assert added(first) == ids[:2]
    assert first["historyId"] == str(fake.history_id)
    second = history(gmail, start, maxResults=2, pageToken=first["nextPageToken"])
    third = history(gmail, start, maxResults=2, pageToken=second["nextPageToken"])
    assert added(second) + added(third) == ids[2:]
    assert "nextPageToken" not in third


def test_history_types_and_label_id_filter_the_records(gmail, fake):
    start = fake.history_id
    out = send(gmail)
    back = fake.inbound(MAYA, "Hi", "hello")
    fake.modify(back, remove=["UNREAD"])
    assert added(history(gmail, start, labelId="INBOX", historyTypes=["messageAdded"])) == [back]
    assert added(history(gmail, start, labelId="SENT")) == [out["id"]]
    [removed] = history(gmail, start, historyTypes=["labelRemoved"])["history"]
    assert removed["labelsRemoved"] == [
        {
            "message": {
                "id": back,
                "threadId": back,
                "labelIds": ["CATEGORY_PERSONAL", "INBOX"],
            },
            "labelIds": ["UNREAD"],
        }
    ]


def test_an_expired_cursor_is_a_404_in_googles_envelope_and_a_fresh_one_works(gmail, fake):
    old = fake.history_id
    fake.inbound(MAYA, "One", "hi")
    fake.expire_history()
    with pytest.raises(HttpError) as caught:
        history(gmail, old)
    assert caught.value.status_code == 404
    assert caught.value.error_details[0]["reason"] == "notFound"
    fresh = gmail.users().getProfile(userId="me").execute()["historyId"]
    later = fake.inbound(MAYA, "Two", "hi")
    assert added(history(gmail, fresh)) == [later]


def test_expire_history_before_an_id_keeps_the_cursors_from_that_id(gmail, fake):
    fake.inbound(MAYA, "One", "hi")
    middle = fake.history_id
    second = fake.inbound(MAYA, "Two", "hi")
    fake.expire_history(middle)
    assert added(history(gmail, middle)) == [second]
    with pytest.raises(HttpError):
        history(gmail, middle - 1)


def test_retaining_only_recent_records_expires_the_older_cursors(gmail, fake):
    fake.retain_history(2)
    start = fake.history_id
    ids = [fake.inbound(MAYA, f"Message {i}", "hi") for i in range(4)]
    with pytest.raises(HttpError) as caught:
        history(gmail, start)
    assert caught.value.status_code == 404
    oldest_kept = fake.message(ids[2]).history_id
    assert added(history(gmail, oldest_kept)) == [ids[3]]


def test_a_missing_or_malformed_start_history_id_is_a_400(gmail):
    with pytest.raises(HttpError) as caught:
        gmail.users().history().list(userId="me").execute()
    assert caught.value.status_code == 400
    with pytest.raises(HttpError) as caught:
        history(gmail, "yesterday")
    assert caught.value.status_code == 400


def test_a_messages_history_id_is_that_of_the_last_change_to_it(gmail, fake):
    gmail_id = fake.inbound(MAYA, "One", "hi")
    added_at = fake.message(gmail_id).history_id
    fake.modify(gmail_id, remove=["UNREAD"])
    message = gmail.users().messages().get(userId="me", id=gmail_id, format="minimal").execute()
    assert int(message["historyId"]) == fake.history_id > added_at
