"""Outgoing MIME: what build_message writes reads back through the standard library unchanged."""

from __future__ import annotations

import base64
import email
import email.policy
from datetime import UTC, datetime, timedelta, timezone

import pytest

from dealdesk.errors import InvalidInput
from dealdesk.integrations.gmail import (
    OutgoingEmail,
    build_message,
    html_from_text,
    parse_message,
    raw_of,
)

SENT_AT = datetime(2024, 5, 6, 16, 15, tzinfo=UTC)


def outgoing(**changes) -> OutgoingEmail:
    fields = {
        "from_addr": "deals@agency.example",
        "to": "Ana Lima <ana@creator.example>",
        "subject": "Summer campaign with Glow Co.",
        "message_id": "<dd.7f3a9c@agency.example>",
        "date": SENT_AT,
        "text": "Hi Ana,\n\nWe'd love to offer $1,200 for one reel.\n\nDeals Team",
    }
    return OutgoingEmail(**(fields | changes))


def content(part) -> str:
    assert part is not None
    return part.get_content().replace("\r\n", "\n")  # the wire's CRLF, inside the encoding


def parsed(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def test_headers_are_written_as_given_and_the_message_id_exactly():
    message = parsed(build_message(outgoing(from_name="Deals Team")))
    assert message["Message-ID"] == "<dd.7f3a9c@agency.example>"
    assert message["From"].addresses[0].addr_spec == "deals@agency.example"
    assert message["From"].addresses[0].display_name == "Deals Team"
    assert message["To"].addresses[0].addr_spec == "ana@creator.example"
    assert message["Subject"] == "Summer campaign with Glow Co."
    assert message["Date"].datetime == SENT_AT
    assert message["In-Reply-To"] is None
    assert message["References"] is None


def test_the_body_is_text_then_html_alternatives_and_html_is_generated_escaped_from_the_text():
    message = parsed(build_message(outgoing(text="Offer: <b>$1,200</b> & more\nline two")))
    assert message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    assert content(message.get_body(("plain",))) == "Offer: <b>$1,200</b> & more\nline two\n"
    html = content(message.get_body(("html",)))
    assert "Offer: &lt;b&gt;$1,200&lt;/b&gt; &amp; more<br>\nline two" in html


def test_a_given_html_body_is_used_as_is():
    message = parsed(build_message(outgoing(html="<p>Hand <i>made</i></p>")))
    assert content(message.get_body(("html",))).strip() == "<p>Hand <i>made</i></p>"


def test_utf8_subject_body_and_sender_name_round_trip_and_the_bytes_are_seven_bit_crlf():
    data = build_message(
        outgoing(
            subject="Réponse: offre — 1 500 € für Ihr Video 🎬",
            text="Bonjour Ana,\n\nVoici 1 500 € — ça va?",
            from_name="Équipe Deals",
        )
    )
    assert data.isascii()
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    message = parsed(data)
    assert message["Subject"] == "Réponse: offre — 1 500 € für Ihr Video 🎬"
    assert message["From"].addresses[0].display_name == "Équipe Deals"
    plain = message.get_body(("plain",))
    assert plain is not None
    assert plain.get_content_charset() == "utf-8"
    assert content(plain) == "Bonjour Ana,\n\nVoici 1 500 € — ça va?\n"


def test_a_reply_carries_in_reply_to_and_references_ending_with_the_message_replied_to():
    reply = outgoing(
        subject="Re: Summer campaign with Glow Co.",
        message_id="<dd.8888@agency.example>",
        in_reply_to="<CAJx8p=Q9v+Jh2mZ@mail.gmail.com>",
        references=("<dd.7f3a9c@agency.example>",),
    )
    message = parsed(build_message(reply))
    assert message["In-Reply-To"] == "<CAJx8p=Q9v+Jh2mZ@mail.gmail.com>"
    assert str(message["References"]).split() == [
        "<dd.7f3a9c@agency.example>",
        "<CAJx8p=Q9v+Jh2mZ@mail.gmail.com>",
    ]


def test_references_that_already_end_with_the_parent_are_not_repeated():
    reply = outgoing(in_reply_to="<b@x.example>", references=("<a@x.example>", "<b@x.example>"))
    message = parsed(build_message(reply))
    assert str(message["References"]).split() == ["<a@x.example>", "<b@x.example>"]


def test_a_date_in_another_zone_is_written_with_its_offset():
    paris = timezone(timedelta(hours=2))
    message = parsed(build_message(outgoing(date=datetime(2024, 5, 6, 18, 15, tzinfo=paris))))
    assert message["Date"].datetime == SENT_AT
    assert str(message["Date"]).endswith("+0200")


def test_raw_is_base64url_of_the_bytes_and_reads_back_through_the_inbound_parser():
    data = build_message(outgoing(subject="Ça marche ✓"))
    raw = raw_of(data)
    assert set(raw) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    assert base64.urlsafe_b64decode(raw) == data
    inbound = parse_message({"id": "1", "threadId": "t", "raw": raw, "labelIds": ["SENT"]})
    assert inbound.message_id == "<dd.7f3a9c@agency.example>"
    assert inbound.subject == "Ça marche ✓"
    assert inbound.text.startswith("Hi Ana,")
    assert inbound.to == ("ana@creator.example",)


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"subject": "Hi\r\nBcc: everyone@x.example"}, "subject must be one line"),
        ({"to": "a@x.example\nBcc: b@x.example"}, "to must be one line"),
        ({"message_id": "dd.7f3a9c@agency.example"}, "not a Message-ID"),
        ({"in_reply_to": "<no-at-sign>"}, "not a Message-ID"),
        ({"references": ("<ok@x.example>", "bad")}, "not a Message-ID"),
        ({"date": datetime(2024, 5, 6, 16, 15)}, "timezone-aware"),  # noqa: DTZ001
        ({"to": "nobody"}, "email addresses"),
    ],
)
def test_an_email_that_could_not_be_sent_safely_is_refused_at_construction(changes, complaint):
    with pytest.raises(InvalidInput, match=complaint):
        outgoing(**changes)


def test_html_from_text_makes_paragraphs_and_line_breaks():
    assert "<p>one<br>\ntwo</p>\n<p>three</p>" in html_from_text("one\ntwo\n\nthree\n")
