"""Realistic influencer replies with the reading a careful human would give them.

Amount notation: ``"1500"`` is an amount with no stated basis; ``"1200-1500"`` a range;
``"1200 per_item instagram_reel"`` a per-item price; ``"2000 line instagram_reel x2"`` a line for
two reels; ``"2500 total"`` the whole package; a leading ``!`` marks an amount that quotes OUR
offer (never their ask). Every amount the reader finds must be listed, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

OUR_QUOTE = """
On Mon, Mar 3, 2025 at 9:12 AM Maya from Dealdesk <maya@dealdesk.example> wrote:
> Hi there,
> We'd love to work with you on the Glow Co spring launch: one Instagram reel
> with 30 days of usage rights. We can offer $1,000 for the reel.
> Best, Maya
"""

OUR_QUOTE_WRAPPED = """
On Tue, Mar 4, 2025 at 2:40 PM Maya from Dealdesk <maya@dealdesk.example>
wrote:
> Thanks for getting back to us! We can move to $1,290 for the reel.
"""

OUTLOOK_QUOTE = """
________________________________
From: Maya from Dealdesk <maya@dealdesk.example>
Sent: Monday, March 3, 2025 9:12 AM
To: Jordan Lee <jordan@example.com>
Subject: Glow Co x Jordan - paid partnership
Hi Jordan, we'd like to offer $1,000 for one Instagram reel.
"""


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    intent: str
    amounts: tuple[str, ...] = ()
    platform: str = "instagram"
    manager: bool = False
    hostile: bool = False
    legal: bool = False
    future_interest: bool = False


CORPUS: tuple[Case, ...] = (
    # --- plain accepts -------------------------------------------------------------------
    Case("plain yes", "Yes, sounds great! Send over the details.\n\nThanks,\nAna", "accept"),
    Case(
        "works for me",
        "Hi Maya,\n\nThat works for me. Excited to be part of this!" + OUR_QUOTE,
        "accept",
    ),
    Case("count me in", "Count me in 🙌 what are the next steps?", "accept"),
    Case("deal short", "Deal! Where do I sign?", "accept"),
    Case(
        "happy to proceed",
        "Hi! Happy to move forward with the reel at that rate. Please send the contract.",
        "accept",
    ),
    Case(
        "let's do it",
        "Let's do it. Looking forward to working with Glow Co!\n\nSent from my iPhone",
        "accept",
    ),
    Case(
        "accept with number",
        "Hi Maya, $1,000 works for me. Let's go ahead!" + OUR_QUOTE,
        "accept",
        ("1000",),
    ),
    Case(
        "accept with 1290",
        "Thanks for coming up - $1,290 sounds fair, I'm in." + OUR_QUOTE_WRAPPED,
        "accept",
        ("1290",),
    ),
    Case(
        "accept the offer",
        "We accept the offer of 1,000 USD for one reel. Please share the brief.",
        "accept",
        ("!1000 line instagram_reel",),
    ),
    Case(
        "accept and ask date",
        "Sounds good to me! When would you need the reel to go live?",
        "accept",
    ),
    Case("absolutely", "Absolutely, I'd love to do this. I use their serum daily!", "accept"),
    # --- counters ------------------------------------------------------------------------
    Case(
        "counter dollars",
        "Hi Maya,\n\nThanks for reaching out. My rate for a reel is $2,000.\n\nBest,\nJordan"
        + OUR_QUOTE,
        "counter",
        ("2000 line instagram_reel",),
    ),
    Case(
        "counter 2k",
        "Love the brand! I could do it for 2k though, that's my usual for a reel.",
        "counter",
        ("2000",),
    ),
    Case("counter 2000 usd", "Thanks! For this I'd need 2000 USD.", "counter", ("2000",)),
    Case(
        "counter usd prefix",
        "Hello, my fee would be USD 1,800 for the reel including 30 days usage.",
        "counter",
        ("1800 line instagram_reel",),
    ),
    Case(
        "counter k decimal", "Hey! Could you do $1.5k? Then we have a deal.", "counter", ("1500",)
    ),
    Case(
        "counter with cents",
        "I can do it for 1,750.00 if that works on your end.",
        "counter",
        ("1750",),
    ),
    Case(
        "counter per reel",
        "My rate is $1,200 per reel and $300 per story.",
        "counter",
        ("1200 per_item instagram_reel", "300 per_item instagram_story"),
    ),
    Case(
        "counter range",
        "I'm usually in the $1,200-1,500 range for a reel, happy to chat.",
        "counter",
        ("1200-1500",),
    ),
    Case(
        "counter between",
        "Somewhere between $1,400 and $1,600 would work for me.",
        "counter",
        ("1400-1600",),
    ),
    Case(
        "counter bundle",
        "For the reel plus 3 stories I'd charge $2,500 all in.",
        "counter",
        ("2500 total",),
    ),
    Case(
        "counter bundle before",
        "Bundle price for everything would be $2,200.",
        "counter",
        ("2200 total",),
    ),
    Case(
        "counter lines",
        "Reel: $1,100\nStories: $250 each\nOr $1,600 for the package.",
        "counter",
        ("1100 line instagram_reel", "250 per_item instagram_story", "1600 total"),
    ),
    Case(
        "counter two reels",
        "I could do 2 reels for $2,000 instead of one.",
        "counter",
        ("2000 line instagram_reel x2",),
    ),
    Case(
        "counter too low",
        "Hi! $1,000 is a bit low for me. My rate is $1,800." + OUR_QUOTE,
        "counter",
        ("!1000", "1800"),
    ),
    Case(
        "counter you offered",
        "You offered $1,000 but I'd need at least $1,500 to make this work.",
        "counter",
        ("!1000", "1500"),
    ),
    Case(
        "counter quoting our offer below",
        "Thanks Maya! I'd need $1,650 for this one." + OUR_QUOTE,
        "counter",
        ("1650",),
    ),
    Case(
        "counter outlook quote",
        "Hi Maya, could you do 1,400? Thanks, Jordan" + OUTLOOK_QUOTE,
        "counter",
        ("1400",),
    ),
    Case(
        "counter usual then discount",
        "My usual rate is $2,000 but for Glow Co I can do $1,700.",
        "counter",
        ("2000", "1700"),
    ),
    Case(
        "counter no number",
        "Thanks for the offer! Is there any flexibility on the budget? It's lower than my usual rate.",
        "counter",
    ),
    Case(
        "counter meet halfway",
        "Could we meet in the middle? The rate feels a bit low for the usage rights you want.",
        "counter",
    ),
    Case("counter dollars word", "I'd do it for 1500 dollars.", "counter", ("1500",)),
    Case(
        "counter views context",
        "I average 80,000 views on reels, so my rate is $2,400.",
        "counter",
        ("2400",),
    ),
    Case(
        "counter tiktok",
        "Hey! One TikTok video is $900 for me, with 30 days of usage.",
        "counter",
        ("900 line tiktok_video",),
        platform="tiktok",
    ),
    Case(
        "counter youtube",
        "For a 60-90 second integration I charge $3,500. A dedicated video is $6,000.",
        "counter",
        ("3500 line youtube_integration", "6000 line youtube_dedicated"),
        platform="youtube",
    ),
    Case("counter gbp", "My fee is £1,200 for the reel.", "counter", ("1200 line instagram_reel",)),
    Case(
        "counter wrapped quote",
        "Appreciate the bump! Could you get to $1,450? That's my floor." + OUR_QUOTE_WRAPPED,
        "counter",
        ("1450",),
    ),
    # --- declines ------------------------------------------------------------------------
    Case("decline plain", "Thanks but I'm not interested.", "decline"),
    Case(
        "decline polite future",
        "Hi Maya, thank you for thinking of me! Unfortunately I'm fully booked this spring, but please keep me in mind for future campaigns.",
        "decline",
        future_interest=True,
    ),
    Case(
        "decline pass",
        "I'll have to pass on this one, it's not the right fit for my audience.",
        "decline",
    ),
    Case("decline no thanks", "No thanks." + OUR_QUOTE, "decline"),
    Case(
        "decline not taking deals",
        "Hey, I'm not taking on any new brand partnerships right now. Maybe next year!",
        "decline",
        future_interest=True,
    ),
    Case(
        "decline too low",
        "Appreciate it, but I won't be able to do it at that budget. Good luck with the launch.",
        "decline",
    ),
    Case("decline with quoted number", "We're going to pass, thanks." + OUR_QUOTE, "decline"),
    # --- out of office -------------------------------------------------------------------
    Case(
        "ooo vacation",
        "Hi! I'm currently out of the office on vacation with limited access to email. I'll be back on March 17 and will reply then.",
        "out_of_office",
    ),
    Case(
        "ooo auto reply",
        "Automatic reply: Thank you for your email. I am away until 3/20 and will respond when I return.",
        "out_of_office",
    ),
    Case(
        "ooo parental",
        "This is an auto-reply. I'm on parental leave until April. For urgent matters contact my team.",
        "out_of_office",
    ),
    # --- questions -----------------------------------------------------------------------
    Case(
        "question usage",
        "Hi Maya, thanks! How long would the usage rights last, and would you run it as paid ads?",
        "question",
    ),
    Case(
        "question dates",
        "When would the reel need to go live? I'm traveling the first week of April.",
        "question",
    ),
    Case(
        "question payment", "What are your payment terms? Do you pay net 30 or upfront?", "question"
    ),
    Case(
        "question product",
        "Would you ship the product before I film? I'd want to try it for a week first.",
        "question",
    ),
    Case(
        "question deliverables",
        "Quick question - is it one reel only or also stories? Could you send the brief?",
        "question",
    ),
    # --- talent managers -----------------------------------------------------------------
    Case(
        "manager counter",
        "Hi Maya, I'm Sam, Ana's talent manager. Ana's rate for a reel is $2,200 with 30 days usage. Let me know!",
        "counter",
        ("2200 line instagram_reel",),
        manager=True,
    ),
    Case(
        "manager accept",
        "Hello, I manage bookings for Jordan. We accept the terms, please send the agreement to me directly.",
        "accept",
        manager=True,
    ),
    Case(
        "manager question",
        "Writing on behalf of Lena. Could you tell us more about exclusivity and usage?",
        "question",
        manager=True,
    ),
    Case(
        "agency decline",
        "Thank you for reaching out to our agency. Our talent is unavailable for this campaign.",
        "decline",
        manager=True,
    ),
    # --- unsubscribe ---------------------------------------------------------------------
    Case("remove me", "Please remove me from your list.", "unsubscribe"),
    Case("stop emailing", "Stop emailing me. I never signed up for this.", "unsubscribe"),
    Case("unsubscribe word", "unsubscribe", "unsubscribe"),
    # --- hostile, legal, unclear -----------------------------------------------------------
    Case(
        "hostile lowball",
        "$1,000?? That's insulting. My rate is $3,000, don't waste my time.",
        "counter",
        ("!1000", "3000"),
        hostile=True,
    ),
    Case(
        "legal threat",
        "You used my content without permission last year. My lawyer will be in touch about the breach.",
        "unclear",
        legal=True,
    ),
    Case("unclear emoji", "👍", "unclear"),
    Case("unclear short", "Hmm let me think about it and talk to my partner.", "unclear"),
    # --- formats -------------------------------------------------------------------------
    Case(
        "html only accept",
        '<html><body><div dir="ltr">Sounds great, I&#39;m in!<br><br>Ana</div><div class="gmail_quote"><div>On Mon, Mar 3 Maya wrote:</div><blockquote>We can offer $1,000 for the reel.</blockquote></div></body></html>',
        "accept",
    ),
    Case(
        "html only counter",
        '<div><p>Hi Maya,</p><p>My rate for this would be <b>$1,900</b>.</p><p>Best,<br>Jordan</p></div><blockquote type="cite">We can offer $1,000.</blockquote>',
        "counter",
        ("1900",),
    ),
    Case(
        "forwarded thread",
        "Looping in my manager Sam, who handles my rates.\n\n---------- Forwarded message ---------\nFrom: Maya from Dealdesk <maya@dealdesk.example>\nDate: Mon, Mar 3, 2025\nSubject: Glow Co x Ana\nTo: Ana <ana@example.com>\n\nWe can offer $1,000 for one reel.",
        "unclear",
        manager=True,
    ),
    Case(
        "forwarded counter on top",
        "Sam here (Ana's manager) - see below. We'd need $2,000 for this.\n\n-----Original Message-----\nFrom: Maya\nSent: Monday\nWe can offer $1,000 for the reel.",
        "counter",
        ("2000",),
        manager=True,
    ),
    Case(
        "spanish greeting",
        "¡Hola Maya! Thanks so much for the offer. It sounds great, I'm in!",
        "accept",
    ),
    Case(
        "french greeting",
        "Bonjour Maya, merci! My rate would be $1,600 for the reel.",
        "counter",
        ("1600 line instagram_reel",),
    ),
    Case(
        "portuguese greeting counter k",
        "Olá! Obrigada. I can do 1.8k for the reel + 2 stories.",
        "counter",
        ("1800 line instagram_reel",),
    ),
    Case(
        "year is not money", "Sounds good! I posted for them back in 2023 too, loved it.", "accept"
    ),
)
