"""messages.send / get / list, threads.get, labels, profile and watch, through the real client."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest
from googleapiclient.errors import HttpError

from dealdesk.sandbox.gmail import SANDBOX_GMAIL_TOKEN, FakeGmail
from tests.sandbox.gmail.conftest import BOX, client, decoded, raw_email, send

MAYA = "maya@glowwithmaya.example"


def get(gmail, gmail_id, **params):
    return gmail.users().messages().get(userId="me", id=gmail_id, **params).execute()


def search(gmail, q="", **params):
    return gmail.users().messages().list(userId="me", q=q, **params).execute()


def found(gmail, q="", **params):
    return [m["id"] for m in search(gmail, q, **params).get("messages", [])]


def test_a_sent_message_gets_a_gmail_id_a_new_thread_and_the_sent_label(gmail, fake):
    answer = send(gmail)
    assert set(answer) == {"id", "threadId", "labelIds"}
    assert len(answer["id"]) == 16
    int(answer["id"], 16)
    assert answer["threadId"] == answer["id"]
    assert answer["labelIds"] == ["SENT"]
    [stored] = fake.sent()
    assert (stored.id, stored.thread_id) == (answer["id"], answer["threadId"])
    assert stored.text == "Hi! We'd love to work with you.\n"


def test_the_message_id_is_kept_as_sent_and_found_by_rfc822msgid_with_or_without_brackets(
    gmail, fake
):
    answer = send(gmail, message_id="<out-7@dealdesk.example>")
    assert fake.message(answer["id"]).message_id == "<out-7@dealdesk.example>"
    assert found(gmail, "rfc822msgid:<out-7@dealdesk.example>") == [answer["id"]]
    assert found(gmail, "rfc822msgid:out-7@dealdesk.example") == [answer["id"]]
    assert fake.count_sent("out-7@dealdesk.example") == 1
    assert [m.id for m in fake.messages_with_message_id("<out-7@dealdesk.example>")] == [
        answer["id"]
    ]


def test_gmail_adds_from_date_and_a_message_id_the_sender_left_out(gmail, fake):
    answer = send(gmail, message_id=None, sender=None)
    stored = fake.message(answer["id"])
    assert stored.message_id.endswith("@mail.gmail.com>")
    assert stored.header("Date")
    assert stored.sender == BOX
    head = stored.raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert [line.split(b":")[0] for line in head[:3]] == [b"From", b"Date", b"Message-ID"]


def test_with_rewrite_message_ids_gmail_replaces_the_senders_message_id(gmail, fake):
    fake.rewrite_message_ids = True
    answer = send(gmail, message_id="<out-1@dealdesk.example>")
    assert fake.message(answer["id"]).message_id != "<out-1@dealdesk.example>"
    assert found(gmail, "rfc822msgid:<out-1@dealdesk.example>") == []
    assert found(gmail, f"in:sent to:{MAYA} subject:Lumen") == [answer["id"]]


def test_a_send_with_a_known_thread_id_joins_that_thread(gmail, fake):
    first = send(gmail)
    second = send(gmail, thread_id=first["threadId"], message_id="<out-2@dealdesk.example>")
    assert second["threadId"] == first["threadId"]
    assert [m.id for m in fake.thread(first["threadId"])] == [first["id"], second["id"]]


def test_a_reply_without_a_thread_id_joins_the_thread_its_in_reply_to_names(gmail, fake):
    theirs = fake.inbound(MAYA, "Hello", "Hi, interested?")
    parent = fake.message(theirs).message_id
    answer = send(gmail, message_id="<out-2@dealdesk.example>", In_Reply_To=parent)
    assert answer["threadId"] == fake.message(theirs).thread_id


def test_an_unknown_thread_id_without_references_starts_a_new_thread(gmail):
    answer = send(gmail, thread_id="18c0ffee00000000")
    assert answer["threadId"] == answer["id"]


def test_full_format_shows_the_mime_tree_with_decoded_leaf_bodies(gmail, fake):
    gmail_id = fake.inbound(MAYA, "Rates", "My rate is $1,500.", html="<p>My rate is $1,500.</p>")
    message = get(gmail, gmail_id)
    assert set(message) == {
        "id",
        "threadId",
        "labelIds",
        "snippet",
        "sizeEstimate",
        "historyId",
        "internalDate",
        "payload",
    }
    assert message["labelIds"] == ["UNREAD", "CATEGORY_PERSONAL", "INBOX"]
    assert isinstance(message["historyId"], str)
    assert isinstance(message["internalDate"], str)
    assert isinstance(message["sizeEstimate"], int)
    payload = message["payload"]
    assert (payload["partId"], payload["mimeType"], payload["body"]) == (
        "",
        "multipart/alternative",
        {"size": 0},
    )
    headers = {h["name"]: h["value"] for h in payload["headers"]}
    assert headers["Subject"] == "Rates"
    assert headers["From"] == MAYA
    plain, html = payload["parts"]
    assert (plain["partId"], plain["mimeType"], html["partId"]) == ("0", "text/plain", "1")
    assert decoded(plain["body"]["data"]) == b"My rate is $1,500.\r\n"  # as Gmail stores it
    assert plain["body"]["size"] == len(b"My rate is $1,500.\r\n")
    assert b"<p>My rate is $1,500.</p>" in decoded(html["body"]["data"])


def test_metadata_format_shows_only_the_asked_headers(gmail, fake):
    gmail_id = fake.inbound(MAYA, "Rates", "Hi")
    message = get(gmail, gmail_id, format="metadata", metadataHeaders=["subject", "Message-ID"])
    names = [h["name"] for h in message["payload"]["headers"]]
    assert names == ["Subject", "Message-ID"]
    assert "parts" not in message["payload"]


def test_minimal_has_no_payload_and_raw_is_the_whole_message_with_crlf(gmail, fake):
    gmail_id = fake.inbound(MAYA, "Rates", "line one\nline two")
    assert "payload" not in get(gmail, gmail_id, format="minimal")
    raw = decoded(get(gmail, gmail_id, format="raw")["raw"])
    assert raw == fake.message(gmail_id).raw
    assert b"line one\r\nline two" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_an_unknown_message_is_a_404_in_googles_envelope(gmail):
    with pytest.raises(HttpError) as caught:
        get(gmail, "18c0ffee00000000")
    assert caught.value.status_code == 404
    assert caught.value.reason == "Requested entity was not found."
    assert caught.value.error_details == [
        {"message": "Requested entity was not found.", "domain": "global", "reason": "notFound"}
    ]


def test_search_reads_labels_addresses_and_subjects(gmail, fake):
    out = send(gmail, subject="Glow Serum launch")
    other = send(
        gmail,
        to="jordan.lee@creatormail.example",
        subject="Another campaign",
        message_id="<out-2@dealdesk.example>",
    )
    back = fake.inbound(f"Maya Chen <{MAYA}>", "Re: Glow Serum launch", "Sounds good")
    assert found(gmail, "in:sent") == [other["id"], out["id"]]
    assert found(gmail, "in:inbox") == [back]
    assert found(gmail, f"to:{MAYA}") == [out["id"]]
    assert found(gmail, f"from:{MAYA}") == [back]
    assert found(gmail, 'subject:"glow serum"') == [back, out["id"]]
    assert found(gmail, "subject:another") == [other["id"]]
    assert found(gmail, "in:sent -subject:another") == [out["id"]]
    assert found(gmail, "is:unread sounds") == [back]


def test_after_and_before_read_epoch_seconds_and_dates(io_loop, clients):
    now = [1_764_547_200_000]  # 2025-12-01 00:00 UTC
    fake = FakeGmail(cast=False, clock_ms=lambda: now[0])
    io_loop.run(fake.start(), timeout=5)
    try:
        gmail = client(fake)
        clients.append(gmail)
        early = fake.inbound(MAYA, "One", "first")
        now[0] += 2 * 86_400_000
        late = fake.inbound(MAYA, "Two", "second")
        assert found(gmail, "after:2025/12/02") == [late]
        assert found(gmail, "before:2025/12/02") == [early]
        assert found(gmail, f"after:{now[0] // 1000}") == [late]
        assert found(gmail, "after:1764547200 before:1764633600") == [early]
    finally:
        io_loop.run(fake.stop(), timeout=5)


def test_no_match_leaves_the_messages_out_and_estimates_zero(gmail):
    assert search(gmail, "rfc822msgid:<nothing@x>") == {"resultSizeEstimate": 0}


def test_pages_run_newest_first_and_hold_still_while_mail_arrives(gmail, fake):
    ids = [fake.inbound(MAYA, f"Message {i}", "hi") for i in range(5)]
    first = search(gmail, maxResults=2)
    assert [m["id"] for m in first["messages"]] == [ids[4], ids[3]]
    assert first["resultSizeEstimate"] == 5
    fake.inbound(MAYA, "Newer", "hi")
    second = search(gmail, maxResults=2, pageToken=first["nextPageToken"])
    assert [m["id"] for m in second["messages"]] == [ids[2], ids[1]]
    last = search(gmail, maxResults=2, pageToken=second["nextPageToken"])
    assert [m["id"] for m in last["messages"]] == [ids[0]]
    assert "nextPageToken" not in last


def test_label_ids_must_all_be_on_a_message(gmail, fake):
    unread = fake.inbound(MAYA, "One", "hi")
    read = fake.inbound(MAYA, "Two", "hi")
    fake.modify(read, remove=["UNREAD"])
    send(gmail)
    assert found(gmail, labelIds=["INBOX", "UNREAD"]) == [unread]
    assert found(gmail, "is:read", labelIds=["INBOX"]) == [read]


def test_spam_and_trash_are_searched_only_when_asked(gmail, fake):
    spam = fake.inbound(MAYA, "Win", "hi")
    fake.modify(spam, add=["SPAM"], remove=["INBOX"])
    assert found(gmail) == []
    assert found(gmail, "in:spam") == [spam]
    assert found(gmail, includeSpamTrash=True) == [spam]


def test_a_thread_holds_its_messages_in_order_and_an_unknown_one_is_a_404(gmail, fake):
    out = send(gmail)
    back = fake.inbound(MAYA, "Re: Collaboration", "Yes!", in_reply_to="<out-1@dealdesk.example>")
    thread = gmail.users().threads().get(userId="me", id=out["threadId"]).execute()
    assert [m["id"] for m in thread["messages"]] == [out["id"], back]
    assert thread["historyId"] == str(fake.history_id)
    assert "payload" in thread["messages"][0]
    minimal = gmail.users().threads().get(userId="me", id=out["threadId"], format="minimal")
    assert "payload" not in minimal.execute()["messages"][0]
    with pytest.raises(HttpError) as caught:
        gmail.users().threads().get(userId="me", id="18c0ffee00000000").execute()
    assert caught.value.status_code == 404


def test_the_profile_counts_the_mailbox_and_names_the_current_history_id(gmail, fake):
    send(gmail)
    fake.inbound(MAYA, "Re: Collaboration", "Yes!", in_reply_to="<out-1@dealdesk.example>")
    fake.inbound("jordan.lee@creatormail.example", "Hello", "Hi")
    assert gmail.users().getProfile(userId="me").execute() == {
        "emailAddress": BOX,
        "messagesTotal": 3,
        "threadsTotal": 2,
        "historyId": str(fake.history_id),
    }
    assert gmail.users().getProfile(userId=BOX).execute()["emailAddress"] == BOX


def test_labels_are_gmails_system_labels(gmail):
    labels = gmail.users().labels().list(userId="me").execute()["labels"]
    assert {"INBOX", "SENT", "UNREAD", "TRASH", "SPAM"} <= {label["id"] for label in labels}
    assert all(label["type"] == "system" for label in labels)


def test_watch_answers_the_history_id_and_an_expiration_and_stop_ends_it(gmail, fake):
    topic = {"topicName": "projects/agency/topics/gmail", "labelIds": ["INBOX"]}
    answer = gmail.users().watch(userId="me", body=topic).execute()
    assert answer["historyId"] == str(fake.history_id)
    assert int(answer["expiration"]) > 0
    assert fake.watches[0]["topicName"] == "projects/agency/topics/gmail"
    gmail.users().stop(userId="me").execute()
    assert fake.watches == []


def test_a_send_without_raw_or_without_recipients_is_a_400(gmail):
    with pytest.raises(HttpError) as caught:
        gmail.users().messages().send(userId="me", body={}).execute()
    assert caught.value.status_code == 400
    message = EmailMessage()
    message["Subject"] = "nobody"
    message.set_content("hi")
    raw = base64.urlsafe_b64encode(message.as_bytes()).decode()
    with pytest.raises(HttpError) as caught:
        gmail.users().messages().send(userId="me", body={"raw": raw}).execute()
    assert caught.value.reason == "Recipient address required"


def test_unpadded_base64url_is_accepted(gmail, fake):
    raw = raw_email().rstrip("=")
    answer = gmail.users().messages().send(userId="me", body={"raw": raw}).execute()
    assert fake.message(answer["id"]).subject == "Collaboration with Lumen"


def test_the_sandbox_token_is_accepted_another_token_is_a_401_and_another_user_a_403(fake):
    import httplib2

    http = httplib2.Http()
    url = f"{fake.base_url}/gmail/v1/users/me/profile"
    ok, _ = http.request(url, headers={"Authorization": f"Bearer {SANDBOX_GMAIL_TOKEN}"})
    wrong, _ = http.request(url, headers={"Authorization": "Bearer ya29.other"})
    other, _ = http.request(f"{fake.base_url}/gmail/v1/users/someone@x.example/profile")
    http.close()
    assert (ok.status, wrong.status, other.status) == (200, 401, 403)


def test_inbound_mail_is_unread_in_the_inbox_and_threads_by_its_references(gmail, fake):
    out = send(gmail)
    back = fake.inbound(MAYA, "Re: Collaboration", "Yes", references="<out-1@dealdesk.example>")
    stored = fake.message(back)
    assert stored.thread_id == out["threadId"]
    assert stored.label_ids == ("UNREAD", "CATEGORY_PERSONAL", "INBOX")
    assert [m.id for m in fake.inbox()] == [back]


def test_inbound_raw_mail_is_stored_as_given_with_crlf_line_ends(fake):
    raw = b"From: a@x.example\nTo: deals@agency.example\nSubject: Raw\nMessage-ID: <r@x>\n\nBody\n"
    stored = fake.message(fake.inbound(raw=raw))
    assert stored.raw == raw.replace(b"\n", b"\r\n")
    assert stored.text == "Body\n"


def test_the_snippet_is_the_start_of_the_text_html_escaped(gmail, fake):
    gmail_id = fake.inbound(MAYA, "Hi", 'I\'d say   <yes> & "more"\n\nthanks')
    assert get(gmail, gmail_id)["snippet"] == (
        "I&#39;d say &lt;yes&gt; &amp; &quot;more&quot; thanks"
    )


def test_modify_changes_labels_through_the_api(gmail, fake):
    gmail_id = fake.inbound(MAYA, "Hi", "hello")
    answer = (
        gmail.users()
        .messages()
        .modify(userId="me", id=gmail_id, body={"removeLabelIds": ["UNREAD"]})
        .execute()
    )
    assert answer["labelIds"] == ["CATEGORY_PERSONAL", "INBOX"]
    assert fake.message(gmail_id).label_ids == ("CATEGORY_PERSONAL", "INBOX")
