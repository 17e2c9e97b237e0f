"""The emails personas write: reading our offer, writing money as people do, replies and bounces.

A reply is built as a mail client builds one: ``Re:`` subject, ``In-Reply-To`` the message it
answers and ``References`` its chain, the answer on top of a quote of ours ("On …, … wrote:" and
``>`` lines in the text part, a ``gmail_quote`` blockquote in the HTML part). A bounce is a
Gmail delivery status notification: ``multipart/report; report-type=delivery-status`` from the
Mail Delivery Subsystem, with a human part, a ``message/delivery-status`` part naming the failed
recipient, and the headers of the message that failed.
"""

from __future__ import annotations

import html
import re
import secrets
from decimal import Decimal
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from enum import StrEnum

from dealdesk.sandbox.gmail import mime

__all__ = [
    "MAILER_DAEMON",
    "MoneyStyle",
    "bounce",
    "compose",
    "offered_amount",
    "own_text",
    "reply",
    "write_money",
]

MAILER_DAEMON = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_MONEY = re.compile(
    rf"(?:\$|\bUSD\s?)\s*{_NUMBER}\s*(k)?\b|\b{_NUMBER}\s*(k)?\s*(?:USD|dollars)\b",
    re.IGNORECASE,
)
# words before an amount that make it the persona's own number, not our offer
_THEIRS = re.compile(
    r"\b(?:you(?:'ve| have)? (?:asked|quoted|mentioned|proposed|requested|suggested|wanted|said)"
    r"|your (?:ask|rate|quote|number|price|fee|counter|proposal|request))\b[^.;!?\n]{0,30}$",
    re.IGNORECASE,
)
_QUOTE_HEADER = re.compile(r"^(On .+ wrote:|-----Original Message-----|From: .+)$")


class MoneyStyle(StrEnum):
    DOLLARS = "dollars"  # $1,500
    CODE = "code"  # 1500 USD
    THOUSANDS = "thousands"  # 1.5k


def write_money(amount: Decimal, style: MoneyStyle) -> str:
    whole = int(amount)
    if style is MoneyStyle.CODE:
        return f"{whole} USD"
    if style is MoneyStyle.THOUSANDS and whole % 100 == 0 and whole >= 1000:
        thousands = f"{Decimal(whole) / 1000:f}"  # "10", "1.5", "2.50"
        if "." in thousands:  # only a fraction's zeros go: $10,000 is "10k", never "1k"
            thousands = thousands.rstrip("0").rstrip(".")
        return thousands + "k"
    return f"${whole:,}"


def own_text(text: str) -> str:
    """The writer's own words: the text above the first quote header, ``>`` lines left out."""
    kept: list[str] = []
    for line in text.splitlines():
        if _QUOTE_HEADER.match(line.strip()):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept)


def offered_amount(text: str) -> Decimal | None:
    """The amount our email offers: the largest money amount in its own words that does not
    point back at the persona's number ("you asked for $2,000; we can do $1,500" offers $1,500)."""
    own = own_text(text)
    found: list[Decimal] = []
    for match in _MONEY.finditer(own):
        if _THEIRS.search(own[max(0, match.start() - 60) : match.start()]):
            continue
        digits, cents, k = (match.group(1), match.group(2), match.group(3))
        if digits is None:
            digits, cents, k = (match.group(4), match.group(5), match.group(6))
        value = Decimal(digits.replace(",", "") + (f".{cents}" if cents else ""))
        found.append(value * 1000 if k else value)
    return max(found) if found else None


def compose(
    *,
    from_addr: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A new message's raw bytes (``headers`` replace the ones of the same name)."""
    message = EmailMessage()
    message["From"] = from_addr
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(from_addr)[1].rpartition("@")[2] or "sandbox.example"
    message["Message-ID"] = make_msgid(domain=domain)
    if in_reply_to:
        parent = "<" + in_reply_to.strip().strip("<>") + ">"
        message["In-Reply-To"] = parent
        message["References"] = references or parent
    elif references:
        message["References"] = references
    for name, value in (headers or {}).items():
        del message[name]
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return mime.crlf(message.as_bytes())


def _quote(original: EmailMessage) -> tuple[str, str]:
    sender = str(original.get("From", ""))
    when = str(original.get("Date", "")) or formatdate(usegmt=True)
    attribution = f"On {when}, {sender} wrote:"
    body = mime.text_of(original, "plain") or ""
    text = (
        attribution + "\n" + "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
    )
    markup = (
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        f"{html.escape(attribution)}<br></div>"
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
        'border-left:1px solid rgb(204,204,204);padding-left:1ex">'
        f"{html.escape(body).replace(chr(10), '<br>')}</blockquote></div>"
    )
    return text, markup


def reply(
    original: EmailMessage,
    *,
    sender: str,
    text: str,
    cc: str | None = None,
    subject: str | None = None,
    headers: dict[str, str] | None = None,
    quote: bool = True,
) -> bytes:
    """The raw bytes of ``sender``'s reply to ``original`` (threaded, quoting it)."""
    ours = str(original.get("Subject", ""))
    message = EmailMessage()
    message["From"] = sender
    message["To"] = str(original.get("Reply-To") or original.get("From", ""))
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject or (ours if ours.lower().startswith("re:") else f"Re: {ours}")
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "sandbox.example"
    message["Message-ID"] = make_msgid(domain=domain)
    parent = str(original.get("Message-ID", "")).strip()
    if parent:
        message["In-Reply-To"] = parent
        chain = mime.message_ids(str(original.get("References", "")))
        message["References"] = " ".join([*chain, parent])
    for name, value in (headers or {}).items():
        message[name] = value
    quoted_text, quoted_html = _quote(original) if quote else ("", "")
    message.set_content(text + ("\n\n" + quoted_text if quoted_text else "") + "\n")
    paragraphs = "".join(f"<div>{html.escape(p) or '<br>'}</div>" for p in text.splitlines())
    message.add_alternative(
        f'<div dir="ltr">{paragraphs}</div>' + ("<br>" + quoted_html if quoted_html else ""),
        subtype="html",
    )
    return mime.crlf(message.as_bytes())


def bounce(original: EmailMessage, recipient: str, mailbox: str) -> bytes:
    """Gmail's delivery status notification to ``mailbox``: ``recipient`` was not found."""
    boundary = "0000000000009" + secrets.token_hex(8)
    parent = str(original.get("Message-ID", "")).strip()
    chain = " ".join([*mime.message_ids(str(original.get("References", ""))), parent])
    date = formatdate(usegmt=True)
    original_headers = "\r\n".join(f"{name}: {value}" for name, value in original.items())
    lines = [
        f"From: {MAILER_DAEMON}",
        f"To: {mailbox}",
        "Auto-Submitted: auto-replied",
        "Subject: Delivery Status Notification (Failure)",
        f"Date: {date}",
        f"Message-ID: {make_msgid(domain='mx.google.com')}",
        f"In-Reply-To: {parent}",
        f"References: {chain}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; boundary="{boundary}"; report-type=delivery-status',
        "",
        f"--{boundary}",
        'Content-Type: text/plain; charset="UTF-8"',
        "",
        "** Address not found **",
        "",
        f"Your message wasn't delivered to {recipient} because the address couldn't be found,",
        "or is unable to receive mail.",
        "",
        "The response from the remote server was:",
        f"550 5.1.1 The email account that you tried to reach does not exist: {recipient}",
        "",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; googlemail.com",
        f"Arrival-Date: {date}",
        "",
        f"Final-Recipient: rfc822; {recipient}",
        "Action: failed",
        "Status: 5.1.1",
        f"Remote-MTA: dns; mx.{recipient.rpartition('@')[2]}",
        "Diagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach does not",
        " exist.",
        f"Last-Attempt-Date: {date}",
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        original_headers,
        "",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")
