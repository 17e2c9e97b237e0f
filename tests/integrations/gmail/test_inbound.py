"""Reading received mail: the new words apart from quotes and signatures, in both Gmail shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dealdesk.integrations.gmail import InboundEmail, is_ours, parse_message
from tests.integrations.gmail import samples
from tests.integrations.gmail.shapes import ID, SHAPES, THREAD, full, raw


@pytest.fixture(params=sorted(SHAPES))
def shape(request):
    """Every message is read from format=full and from format=raw alike."""
    return SHAPES[request.param]


def test_a_gmail_reply_keeps_only_the_new_words_and_names_the_thread(shape):
    email = parse_message(shape(samples.GMAIL_REPLY))
    assert email.text == (
        "Hi team,\n\nThanks for reaching out! I can do one reel for $1,500 — that includes "
        "30 days of usage.\n\nBest,\nAna"
    )
    assert "$1,200" in email.quoted
    assert email.quoted.startswith("On Mon, May 6, 2024 at 9:15 AM Deals Team")
    assert (email.gmail_id, email.thread_id, email.history_id) == (ID, THREAD, "987654")
    assert email.internal_date == datetime(2024, 5, 6, 10, 2, tzinfo=UTC)
    assert email.labels == ("INBOX", "UNREAD")
    assert email.message_id == "<CAJx8p=Q9v+Jh2mZ@mail.gmail.com>"
    assert email.in_reply_to == "<dd.7f3a9c@agency.example>"
    assert email.references == ("<dd.1a2b3c@agency.example>", "<dd.7f3a9c@agency.example>")
    assert email.date == datetime(2024, 5, 6, 17, 2, tzinfo=UTC)
    assert not email.html_only
    assert not email.auto_reply
    assert not email.forwarded
    assert email.bounce is None


def test_the_sender_is_normalised_once_here_and_the_name_kept_apart(shape):
    email = parse_message(shape(samples.GMAIL_REPLY))
    assert email.from_addr == "ana.lima@gmail.com"
    assert email.from_name == "Ana Lima"
    assert email.to == ("deals@agency.example",)
    assert email.headers["from"] == "Ana Lima <Ana.Lima@Gmail.com>"


def test_an_html_only_reply_is_read_as_text_without_styles_scripts_quote_or_signature(shape):
    email = parse_message(shape(samples.HTML_ONLY))
    assert email.html_only
    assert email.text == (
        "Hi there,\n\nMy rates & terms:\nReel: $2,000\nStory: $500\n\n"
        "- 2 revisions\n- usage 30 days\nCafé chat next week?"
    )
    assert email.signature == "Ana Lima\n@analima"
    assert "Our offer is $1,200" in email.quoted
    assert "color" not in email.text
    assert "alert" not in email.text
    assert email.from_name == "Lima, Ana"


def test_an_outlook_reply_separates_the_header_block_and_everything_under_it(shape):
    email = parse_message(shape(samples.OUTLOOK_REPLY))
    assert email.text == "We accept $1,400 if you can add a second story.\n\nBen"
    assert email.quoted.startswith("________________________________\nFrom: Deals Team")
    assert "$1,200" in email.quoted


def test_an_original_message_divider_starts_the_quoted_history(shape):
    email = parse_message(shape(samples.ORIGINAL_MESSAGE_REPLY))
    assert email.text == "Counter: $1,800."
    assert email.quoted.startswith("-----Original Message-----")


def test_a_signature_after_the_dash_dash_line_is_kept_apart(shape):
    email = parse_message(shape(samples.SIGNATURE))
    assert email.text == "Sounds good, $1,300 works for me."
    assert email.signature == "Dee Park\nCreator | 120k on IG\ndee@creator.example"
    assert email.quoted == ""


def test_a_mobile_footer_is_a_signature(shape):
    email = parse_message(shape(samples.MOBILE_FOOTER))
    assert email.text == "Deal. Send the contract."
    assert email.signature == "Sent from my iPhone"


def test_a_forward_keeps_the_forwarded_body_as_text_and_only_its_own_quotes_apart(shape):
    email = parse_message(shape(samples.FORWARDED))
    assert email.forwarded
    assert email.text.startswith("FYI, they offered more. Can you match it?")
    assert "---------- Forwarded message ---------" in email.text
    assert "Hi Ana, we would pay $2,000 for one reel." in email.text
    assert "What is your budget?" not in email.text
    assert "What is your budget?" in email.quoted


def test_a_message_from_a_talent_manager_reads_the_manager_and_everyone_copied(shape):
    email = parse_message(shape(samples.TALENT_MANAGER))
    assert email.from_addr == "maya@talentco.example"
    assert email.from_name == "Maya Chen (Talent)"
    assert email.cc == ("ana@creator.example", "assist@talentco.example")
    assert email.reply_to == ("bookings@talentco.example",)
    assert "Her rate for one reel is $3,000" in email.text
    assert email.in_reply_to == "<dd.7f3a9c@agency.example>"
    assert not email.auto_reply
    assert email.bounce is None


def test_iso_8859_1_body_and_encoded_headers_decode(shape):
    email = parse_message(shape(samples.LATIN1))
    assert email.text == "Très bien, ça marche pour 1 500 dollars."
    assert email.subject == "Réponse à votre offre"
    assert email.from_name == "André Gonçalves"


def test_an_unknown_charset_reads_as_utf8_with_replacement_characters(shape):
    email = parse_message(shape(samples.UNKNOWN_CHARSET))
    assert email.text == "Café \ufffd\ufffd fine, $900."


def test_broken_base64_yields_what_could_be_read_and_never_raises(shape):
    email = parse_message(shape(samples.BROKEN_BASE64))
    assert email.text.startswith("I accept $1,000.")
    assert email.from_addr == "fay@creator.example"


def test_attachment_names_are_noted_and_not_read_as_text(shape):
    email = parse_message(shape(samples.ATTACHMENTS))
    assert email.text == "Media kit attached; my rate is $2,500."
    assert email.attachments == ("logo.png", "media kit – 2024.pdf")


def test_padded_and_unpadded_base64url_bodies_read_the_same():
    assert parse_message(full(samples.SIGNATURE, padded=True)) == parse_message(
        full(samples.SIGNATURE, padded=False)
    )


def test_an_answer_written_below_the_quote_is_the_new_text():
    message = (
        "From: ivy@creator.example\nTo: deals@agency.example\nSubject: Re: Offer\n\n"
        "On Mon, May 6, 2024 at 9:15 AM Deals <deals@agency.example> wrote:\n"
        "> Would $1,200 work?\n\nMake it $1,350 and we have a deal.\n"
    )
    email = parse_message(raw(message))
    assert email.text == "Make it $1,350 and we have a deal."
    assert "> Would $1,200 work?" in email.quoted


def test_quoted_lines_above_any_attribution_are_still_quotes():
    message = (
        "From: jo@creator.example\nTo: deals@agency.example\nSubject: Re: Offer\n\n"
        "> Would $1,200 work?\nNo, $1,500.\n"
    )
    email = parse_message(raw(message))
    assert email.text == "No, $1,500."
    assert email.quoted == "> Would $1,200 work?"


def test_a_message_forwarded_as_an_attachment_is_forwarded_and_its_words_read():
    message = (
        "From: kai@creator.example\nTo: deals@agency.example\nSubject: Fwd: offer\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nSee attached.\n"
        "--b\nContent-Type: message/rfc822\n\n"
        "From: brand@x.example\nSubject: offer\nMessage-ID: <inner@x.example>\n\n"
        "We pay $2,200.\n--b--\n"
    )
    for reading in (parse_message(raw(message)), parse_message(full(message))):
        assert reading.forwarded
        assert reading.text == "See attached.\n\nWe pay $2,200."
        assert reading.message_id is None


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"id": "x"},
        {"id": "x", "payload": "not a dict"},
        {"id": "x", "raw": "!!!"},
        {"id": "x", "raw": ""},
        {"id": "x", "internalDate": "soon", "labelIds": "INBOX", "payload": {"parts": [None, 3]}},
        {"payload": {"mimeType": "multipart/mixed", "parts": [{"headers": [1, {"name": 2}]}]}},
        {"payload": {"headers": [{"name": "From", "value": "<<<>>>"}], "body": {"data": 5}}},
        {"payload": {"mimeType": "text/html", "body": {"data": "PGI+PC9p"}}},
    ],
)
def test_malformed_resources_still_yield_an_inbound_email(message):
    email = parse_message(message)
    assert isinstance(email, InboundEmail)
    assert email.internal_date.tzinfo is not None


def test_a_deeply_nested_message_is_cut_off_not_recursed_forever():
    inner = {"mimeType": "text/plain", "body": {"data": "aGk"}}
    for _ in range(500):
        inner = {"mimeType": "multipart/mixed", "parts": [inner]}
    assert parse_message({"payload": inner}).text == ""


def our_message_ids(message_id: str) -> bool:
    return message_id.startswith("<dd.")


def test_our_own_mail_is_recognised_by_sent_label_address_or_message_id():
    reply = parse_message(full(samples.GMAIL_REPLY))
    assert not is_ours(reply, "Deals Team <Deals@Agency.example>", our_message_ids)
    sent = parse_message(full(samples.GMAIL_REPLY, labels=("SENT",)))
    assert is_ours(sent, "deals@agency.example", set())
    ours = parse_message(
        raw(samples.TALENT_MANAGER.replace("Maya@TalentCo.example", "DEALS@agency.example"))
    )
    assert is_ours(ours, "Deals Team <deals@agency.example>", set())
    copied = parse_message(raw(samples.SIGNATURE.replace("<sig@creator.example>", samples.OUR_ID)))
    assert is_ours(copied, "deals@agency.example", our_message_ids)
    assert is_ours(copied, "deals@agency.example", {samples.OUR_ID.strip("<>")})
    assert not is_ours(copied, "deals@agency.example", {"<other@agency.example>"})
