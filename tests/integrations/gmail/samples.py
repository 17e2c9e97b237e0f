"""Realistic received messages, as RFC 2822 text (``shapes`` turns them into Gmail resources)."""

from __future__ import annotations

OUR_ID = "<dd.7f3a9c@agency.example>"

GMAIL_REPLY = """\
Delivered-To: deals@agency.example
Received: from mail-sor-f41.google.com by mx.google.com; Mon, 06 May 2024 10:02:11 -0700
MIME-Version: 1.0
References: <dd.1a2b3c@agency.example> <dd.7f3a9c@agency.example>
In-Reply-To: <dd.7f3a9c@agency.example>
From: Ana Lima <Ana.Lima@Gmail.com>
Date: Mon, 6 May 2024 10:02:00 -0700
Message-ID: <CAJx8p=Q9v+Jh2mZ@mail.gmail.com>
Subject: Re: Summer campaign with Glow Co.
To: Deals Team <deals@agency.example>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

--000000000000a1b2c3
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Hi team,

Thanks for reaching out! I can do one reel for $1,500 =E2=80=94 that includes =
30 days of usage.

Best,
Ana

On Mon, May 6, 2024 at 9:15 AM Deals Team <deals@agency.example>
wrote:

> Hi Ana,
>
> We'd love to offer $1,200 for one reel.
>
> Deals Team
>

--000000000000a1b2c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">Hi team,<div><br></div><div>Thanks for reaching out! I can =
do one reel for $1,500 =E2=80=94 that includes 30 days of usage.</div><div><b=
r></div><div>Best,</div><div>Ana</div></div><br><div class=3D"gmail_quote">=
<div dir=3D"ltr" class=3D"gmail_attr">On Mon, May 6, 2024 at 9:15 AM Deals T=
eam &lt;deals@agency.example&gt; wrote:<br></div><blockquote class=3D"gmail_=
quote">Hi Ana,<br>We&#39;d love to offer $1,200 for one reel.</blockquote></=
div>

--000000000000a1b2c3--
"""

HTML_ONLY = """\
From: "Lima, Ana" <ana@creator.example>
To: deals@agency.example
Subject: Re: Rates
Date: Tue, 7 May 2024 08:00:00 +0000
Message-ID: <html-only-1@creator.example>
In-Reply-To: <dd.7f3a9c@agency.example>
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

<html><head><style>p { color: red; }</style><title>ignored</title></head>
<body><script>alert("no")</script>
<p>Hi&nbsp;there,</p><p>My rates &amp; terms:<br>Reel: $2,000<br>Story: $500</p>
<ul><li>2 revisions</li><li>usage 30 days</li></ul>
<div>Caf=C3=A9 chat next week?</div>
<div class=3D"gmail_signature">Ana Lima<br>@analima</div>
<div class=3D"gmail_quote">On Mon, May 6 Deals wrote:<blockquote>Our offer is $1,200</blockquote></div>
</body></html>
"""

OUTLOOK_REPLY = """\
From: Ben Ortiz <ben.ortiz@outlook.com>
To: deals@agency.example
Subject: RE: Summer campaign
Date: Tue, 7 May 2024 09:30:00 +0000
Message-ID: <PH0PR11MB1234@namprd11.prod.outlook.com>
In-Reply-To: <dd.7f3a9c@agency.example>
Thread-Index: AQHaoB2x
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"

We accept $1,400 if you can add a second story.

Ben

________________________________
From: Deals Team <deals@agency.example>
Sent: Monday, May 6, 2024 9:15 AM
To: Ben Ortiz <ben.ortiz@outlook.com>
Subject: Summer campaign

Hi Ben, we'd like to offer $1,200 for one reel.
"""

ORIGINAL_MESSAGE_REPLY = """\
From: cara@creator.example
To: deals@agency.example
Subject: RE: Offer
Message-ID: <orig-style@creator.example>
Content-Type: text/plain; charset="utf-8"

Counter: $1,800.

-----Original Message-----
From: Deals Team [mailto:deals@agency.example]
Sent: Monday, May 6, 2024 9:15 AM
Subject: Offer

We can offer $1,200.
"""

SIGNATURE = """\
From: Dee Park <dee@creator.example>
To: deals@agency.example
Subject: Re: Offer
Message-ID: <sig@creator.example>
Content-Type: text/plain; charset="utf-8"

Sounds good, $1,300 works for me.

--{SPACE}
Dee Park
Creator | 120k on IG
dee@creator.example
""".replace("{SPACE}", " ")  # the signature delimiter is dash dash SPACE

MOBILE_FOOTER = """\
From: eli@creator.example
To: deals@agency.example
Subject: Re: Offer
Content-Type: text/plain

Deal. Send the contract.

Sent from my iPhone
"""

FORWARDED = """\
From: Ana Lima <ana@creator.example>
To: deals@agency.example
Subject: Fwd: Collab with Brand X
Message-ID: <fwd@creator.example>
Content-Type: text/plain; charset="UTF-8"

FYI, they offered more. Can you match it?

---------- Forwarded message ---------
From: Brand X <partners@brandx.example>
Date: Sun, May 5, 2024 at 4:00 PM
Subject: Collab with Brand X
To: <ana@creator.example>

Hi Ana, we would pay $2,000 for one reel.

On Sat, May 4, 2024 at 1:00 PM Ana Lima <ana@creator.example> wrote:
> What is your budget?
"""

LATIN1 = (
    b"From: =?iso-8859-1?q?Andr=E9?= Gon\xe7alves <andre@creator.example>\n"
    b"To: deals@agency.example\n"
    b"Subject: =?ISO-8859-1?Q?R=E9ponse_=E0_votre_offre?=\n"
    b"Message-ID: <latin1@creator.example>\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: text/plain; charset="ISO-8859-1"\n'
    b"Content-Transfer-Encoding: 8bit\n\n"
    b"Tr\xe8s bien, \xe7a marche pour 1 500 dollars.\n"
)

UNKNOWN_CHARSET = (
    b"From: zed@creator.example\n"
    b"To: deals@agency.example\n"
    b"Subject: Re: Offer\n"
    b'Content-Type: text/plain; charset="x-klingon-7"\n'
    b"Content-Transfer-Encoding: 8bit\n\n"
    b"Caf\xc3\xa9 \xff\xfe fine, $900.\n"
)

BROKEN_BASE64 = """\
From: fay@creator.example
To: deals@agency.example
Subject: Re: Offer
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

SSBhY2NlcHQgJDEsMDAwLg*** not base64 at all %%%
"""

ATTACHMENTS = """\
From: gus@creator.example
To: deals@agency.example
Subject: Re: Media kit
Message-ID: <kit@creator.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed"

--mixed
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/plain; charset="utf-8"

Media kit attached; my rate is $2,500.

--rel
Content-Type: image/png; name="logo.png"
Content-Disposition: inline; filename="logo.png"
Content-ID: <logo@creator>
Content-Transfer-Encoding: base64

iVBORw0KGgo=

--rel--
--mixed
Content-Type: application/pdf; name="=?UTF-8?Q?media_kit_=E2=80=93_2024.pdf?="
Content-Disposition: attachment; filename*=UTF-8''media%20kit%20%E2%80%93%202024.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK

--mixed--
"""

TALENT_MANAGER = """\
From: "Maya Chen (Talent)" <Maya@TalentCo.example>
To: Deals Team <deals@agency.example>
Cc: Ana Lima <ana@creator.example>, Assistant <assist@talentco.example>
Reply-To: bookings@talentco.example
Subject: Re: Summer campaign with Glow Co.
Message-ID: <mgr-1@talentco.example>
In-Reply-To: <dd.7f3a9c@agency.example>
References: <dd.7f3a9c@agency.example>
Content-Type: text/plain; charset="utf-8"

Hello,

I manage Ana's brand partnerships. Her rate for one reel is $3,000,
usage billed separately.

Kind regards,
Maya
"""


def auto_reply(header: str = "", subject: str = "Re: Offer") -> str:
    extra = f"{header}\n" if header else ""
    return f"""\
From: hal@creator.example
To: deals@agency.example
Subject: {subject}
Message-ID: <auto@creator.example>
{extra}Content-Type: text/plain

I am away until Monday with limited access to email.
"""


BOUNCE = """\
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: deals@agency.example
Subject: Delivery Status Notification (Failure)
Auto-Submitted: auto-replied
Message-ID: <bounce-1@mx.google.com>
MIME-Version: 1.0
Content-Type: multipart/report; boundary="rep"; report-type=delivery-status

--rep
Content-Type: text/plain; charset="UTF-8"

Address not found

Your message wasn't delivered to nobody@creator.example because the address couldn't be found.

--rep
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Arrival-Date: Mon, 06 May 2024 09:15:02 -0700

Final-Recipient: rfc822; nobody@creator.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.creator.example. (192.0.2.7, the server for the domain.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach
 does not exist.
Last-Attempt-Date: Mon, 06 May 2024 09:15:03 -0700

--rep
Content-Type: message/rfc822

From: Deals Team <deals@agency.example>
To: nobody@creator.example
Subject: Summer campaign with Glow Co.
Message-ID: <dd.7f3a9c@agency.example>
Content-Type: text/plain

Hi, we'd like to offer $1,200.

--rep--
"""

TEXT_BOUNCE = """\
From: MAILER-DAEMON@mx.creator.example (Mail Delivery System)
To: deals@agency.example
Subject: Undelivered Mail Returned to Sender
X-Failed-Recipients: gone@creator.example
Content-Type: text/plain

This is the mail system at host mx.creator.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<gone@creator.example>: host mx said: 550 mailbox unavailable

--- Original message headers ---
Message-ID: <dd.55aa@agency.example>
Subject: Offer
"""
