"""Two held-out sets of replies read in context, written after the reader (the first before its
fixes, the second after), to judge it on mail it had not seen."""

from __future__ import annotations

from datetime import date

from tests.domain.reply_corpus_context import REEL_AND_STORIES, InContext

HELD_OUT: tuple[InContext, ...] = (
    InContext(
        "invoice after contract",
        "Hi Maya! Thanks for getting back to me so quickly. $1,000 for the reel is totally fine"
        " - I'll send my invoice details over once the contract is signed. Cheers, Ana",
        "accept",
        ("1000 line instagram_reel",),
    ),
    InContext("good to go at", "We're good to go at 1k 👌", "accept", ("1000",)),
    InContext(
        "you win it is", "Alright alright, you win - 950 it is.", "accept", ("950",), offer="950"
    ),
    InContext("yes from me", "That's a yes from me! Looking forward to it.", "accept"),
    InContext(
        "proceed at the rate",
        "can confirm I'm happy to proceed at the $1,000 rate",
        "accept",
        ("!1000",),
    ),
    InContext(
        "quid works a treat",
        "Cheers for that, 1,000 quid works a treat",
        "accept",
        ("1000",),
        currency="GBP",
    ),
    InContext("go on then", "Yeah go on then, 1k 😂", "accept", ("1000",)),
    InContext("locked in at", "Sweet, locked in at $1,000!", "accept", ("1000",)),
    InContext("fair and when", "OK sounds fair, when do you need it by?", "accept"),
    InContext("works bang", "Works! Send through the brief when you're ready x", "accept"),
    InContext(
        "sits around",
        "Hi! Thanks so much for this. Honestly my rate for a reel sits around $1,600 given the"
        " usage. Could we meet somewhere near that?",
        "counter",
        ("1600",),
    ),
    InContext("bare question decimal", "1.25?", "counter", ("1250",)),
    InContext("make it kiss", "could we make it 1150? x", "counter", ("1150",)),
    InContext(
        "comfortable at aud",
        "I'd be comfortable at 1,350 AUD",
        "counter",
        ("1350",),
        currency="AUD",
    ),
    InContext(
        "package rate usd",
        "For IG reel + 3 stories my package rate is USD 2,400.",
        "counter",
        ("2400 total",),
        brief=REEL_AND_STORIES,
    ),
    InContext(
        "split the difference",
        "You're at 1,000, I'm at 1,500 - shall we call it 1,250?",
        "counter",
        ("!1000", "1500", "1250"),
    ),
    InContext(
        "happy but minimum",
        "Happy to do it but it'd have to be 1.3k minimum sorry!",
        "counter",
        ("1300",),
    ),
    InContext(
        "normally then for glow",
        "I normally charge 2K for this kind of thing, but happy to do 1.7K for Glow",
        "counter",
        ("2000", "1700"),
    ),
    InContext(
        "commission percent",
        "Can we do $1,200 + 10% commission on sales?",
        "counter",
        ("1200",),
    ),
    InContext(
        "lean mate sweet",
        "800's a bit lean for me mate, 1100 and we're sweet",
        "counter",
        ("!800", "1100"),
        offer="800",
        currency="AUD",
    ),
    InContext("if you can get to", "If you can get to $1,300 I'm in", "counter", ("1300",)),
    InContext("cant go below", "I can't go below 1,450, sorry", "counter", ("1450",)),
    InContext("wont work for me", "Sorry, 1k won't work for me.", "counter", ("!1000",)),
    InContext(
        "cant accept for a reel",
        "Unfortunately I can't accept $1,000 for a reel.",
        "counter",
        ("!1000 line instagram_reel",),
    ),
    InContext(
        "question usage for ours",
        "What would the usage be for the $1,000? Organic only?",
        "question",
        ("!1000",),
    ),
    InContext("question code", "Do you need me to include a discount code?", "question"),
    InContext("question net", "When's payment made - on posting or net 60?", "question"),
    InContext("give it a miss", "Thanks but I'll give this one a miss.", "decline"),
    InContext(
        "no from me at that rate",
        "Appreciate the offer but it's a no from me at that rate. All the best with the campaign!",
        "decline",
    ),
    InContext("have to decline", "I'm going to have to decline, but thank you!", "decline"),
    InContext(
        "ooo upon my return",
        "Thank you for your message. I'm currently out of the office with no access to email"
        " until Monday 8th December. I will respond to your email upon my return.",
        "out_of_office",
        back_on=date(2025, 12, 8),
    ),
    InContext(
        "on leave fifth of january",
        "Hi there - I'm on leave until the 5th of January. For urgent queries contact"
        " hello@studio.example",
        "out_of_office",
        back_on=date(2026, 1, 5),
    ),
    InContext(
        "away on shoot",
        "Away on shoot till Thursday, will reply after!",
        "out_of_office",
        back_on=date(2025, 12, 4),
    ),
    InContext(
        "ooo numeric into january", "OOO until 1/5", "out_of_office", back_on=date(2026, 1, 5)
    ),
    InContext(
        "agent open at",
        "Hi, I'm reaching out as Maya's agent. She'd be open to it at $1,500.\n\nKind regards,"
        "\nJess Wong\nThe Creator Co.",
        "counter",
        ("1500",),
        manager=True,
    ),
    InContext(
        "looping in management",
        "Hey! Looping in my management on this, they'll be in touch re: rates.",
        "unclear",
        manager=True,
    ),
    InContext(
        "represented by talent",
        "Maya is represented by Bloom Talent. Our fee for a reel is $1,800.",
        "counter",
        ("1800 line instagram_reel",),
        manager=True,
    ),
    InContext(
        "organic or paid months",
        "1,400 organic or 1,800 with 3 months of paid usage",
        "counter",
        ("1400", "1800"),
        options=("1400 -paid_usage", "1800 +paid_usage usage:90d"),
        needs_human=True,
    ),
    InContext(
        "reel only or plus stories",
        "Reel only is $1,100; reel plus two stories would be $1,500.",
        "counter",
        ("1100 line instagram_reel", "1500 total"),
        options=("1100 [instagram_reel]", "1500 [instagram_reel,instagram_story x2]"),
        needs_human=True,
    ),
    InContext(
        "two reels or one",
        "I can do 2 reels for $2,000 or 1 for $1,200",
        "counter",
        ("2000 line instagram_reel x2", "1200"),
        options=("2000 [instagram_reel x2]", "1200"),
        needs_human=True,
    ),
    InContext(
        "upfront discount",
        "$1,500 flat, or $1,300 if you pay 50% upfront",
        "counter",
        ("1500 total", "1300"),
        options=("1500", "1300"),
        needs_human=True,
    ),
    InContext(
        "usd in an aud deal",
        "I'd want USD 1,200",
        "counter",
        ("1200",),
        currency="AUD",
        needs_human=True,
    ),
    InContext(
        "views then for 1k",
        "My reels average 85k views and I post 4x a week. For 1k I'd do it.",
        "accept",
        ("1000",),
    ),
    InContext(
        "sure with time question",
        "Sure! I can have it up by the 12th. Is 9am EST ok for posting?",
        "accept",
    ),
    InContext(
        "ring me",
        "Ring me on 07700 900 123 if easier, but 1,300 is where I'd need to be.",
        "counter",
        ("1300",),
        currency="GBP",
    ),
    InContext(
        "other brand deals",
        "I've got 3 other brand deals this month so it'd be 1.5",
        "counter",
        ("1500",),
    ),
    InContext(
        "quoted gmail below",
        "Could you do 1,300?\n\nOn Mon, Dec 1, 2025 at 10:02 AM Maya <maya@dealdesk.example>"
        " wrote:\n> Hi Ana, we can offer $1,000 for one reel.",
        "counter",
        ("1300",),
    ),
    InContext(
        "pasted from line",
        "Yes that's fine\n\nFrom: Maya\nWe can offer $1,000 for one Instagram reel with 30 days"
        " usage.",
        "accept",
        thread=((True, "We can offer $1,000 for one Instagram reel with 30 days usage."),),
    ),
    InContext("caps deal", "DEAL!!! 🙌🙌", "accept"),
    InContext("typo it is", "soudns good to me, 1k it is", "accept", ("1000",)),
    InContext("text speak decimal", "cn u do 1.2", "counter", ("1200",)),
    InContext(
        "chat with partner",
        "Let me have a chat with my partner and I'll get back to you",
        "unclear",
    ),
    InContext("thanks only", "Thanks for the email!", "unclear"),
    InContext("not feeling", "Not really feeling 1k tbh", "counter", ("!1000",)),
    InContext(
        "not fair for the work",
        "I don't think $1,000 is fair for the amount of work involved.",
        "counter",
        ("!1000",),
    ),
    InContext(
        "spot on british",
        "Ta, that's spot on - happy to go ahead at £1,000.",
        "accept",
        ("1000",),
        currency="GBP",
    ),
    InContext(
        "reckon fairer", "Reckon 1.4 would be fairer mate", "counter", ("1400",), currency="AUD"
    ),
    InContext("no dramas", "No dramas, 1k's fine", "accept", ("1000",), currency="AUD"),
    InContext("bit low push", "Bit low tbh, could you push to 1,250?", "counter", ("1250",)),
)

# A second batch written after the fixes the first one prompted: its first reading got 22 of
# these 31 wholly right (26 on intent); the misses led to general rules again ("can do!", a
# whole "no", "booked solid", "not at 1k", our offer echoed then accepted, options the reply
# calls options). "you're offering and package" still reads "$1,600 for the reel and 2 stories"
# as a line for the reel, as the first corpus pins "1.8k for the reel + 2 stories".
HELD_OUT_2: tuple[InContext, ...] = (
    InContext(
        "hiya works perfectly",
        "Hiya, thanks for reaching out! I'd love to, £1,000 works perfectly for me. Do you need"
        " me to sign anything?",
        "accept",
        ("1000",),
        currency="GBP",
    ),
    InContext(
        "cant commit new year",
        "I'm so sorry but I can't commit to this right now. Maybe in the new year?",
        "decline",
    ),
    InContext(
        "omg perfect when start",
        "hey!! omg love glow co 😍 1k is perfect!! when do we start??",
        "accept",
        ("1000",),
    ),
    InContext("hoping closer to", "Hmm, I was hoping for closer to 1.5k tbh", "counter", ("1500",)),
    InContext(
        "minimum dedicated reel",
        "My minimum for a dedicated reel is $1,750.",
        "counter",
        ("1750 line instagram_reel",),
    ),
    InContext(
        "would you consider lowest",
        "Would you consider $1,400? That's my lowest for a reel with usage.",
        "counter",
        ("1400",),
    ),
    InContext("can do idiom", "Can do! 👍", "accept"),
    InContext("yep all good", "Yep all good, 1000 works, thanks", "accept", ("1000",)),
    InContext("push ish", "Could we push it up a bit? Maybe 1,200ish?", "counter", ("1200",)),
    InContext(
        "you're offering and package",
        "You're offering $1,000 - I'd need $1,600 for the reel and 2 stories.",
        "counter",
        ("!1000", "1600 total"),
        brief=REEL_AND_STORIES,
    ),
    InContext(
        "done deal condition",
        "Sorry for the delay!! 1,100 and it's a done deal",
        "counter",
        ("1100",),
    ),
    InContext(
        "after chatting with manager",
        "Thanks Maya. After chatting with my manager we'd be looking for USD 1,900 all-in.",
        "counter",
        ("1900 total",),
        manager=True,
    ),
    InContext(
        "back in the office day first",
        "Out of office: I'm travelling for work and will be back in the office on 09/12.",
        "out_of_office",
        currency="GBP",
        back_on=date(2025, 12, 9),
    ),
    InContext(
        "maternity leave curly",
        "I’m currently on maternity leave. Please contact my colleague Sarah for anything urgent.",
        "out_of_office",
    ),
    InContext("curly apostrophe ask", "I’d do it for 1,300", "counter", ("1300",)),
    InContext("curly too low", "Thanks but that’s too low for me.", "counter"),
    InContext(
        "sounds good but upfront",
        "$1000 sounds good but can we do 50% upfront?",
        "accept",
        ("1000",),
    ),
    InContext("yes to the reel", "Yes to the reel! Rate’s fine.", "accept"),
    InContext(
        "a steal", "Honestly? 1k is a steal for my audience. 1.8k.", "counter", ("!1000", "1800")
    ),
    InContext(
        "love this one question",
        "Love this! Just one thing - are the usage rights 30 days or longer?",
        "question",
    ),
    InContext(
        "throw in whitelisting",
        "I'll do it for 1200 if you throw in whitelisting",
        "counter",
        ("1200",),
        needs_human=True,
    ),
    InContext(
        "either usage lengths",
        "Either $1,500 for the reel with 60 days usage, or $1,200 with 30",
        "counter",
        ("1500 line instagram_reel", "1200"),
        options=("1500 [instagram_reel] usage:60d", "1200 usage:30d"),
        needs_human=True,
    ),
    InContext(
        "stories only or reel",
        "We can do 900 for stories only or 1,300 for the reel",
        "counter",
        ("900 line instagram_story", "1300 line instagram_reel"),
        options=("900 [instagram_story]", "1300 [instagram_reel]"),
        needs_human=True,
    ),
    InContext("take me off", "Please take me off this list", "unsubscribe"),
    InContext("lol no", "Lol no", "decline"),
    InContext("restated then sure", "1k? Sure.", "accept", ("1000",)),
    InContext(
        "not at ours though",
        "Not at 1k, no. 1,400 would work though.",
        "counter",
        ("!1000", "1400"),
    ),
    InContext(
        "manager here she's in",
        "Hey Maya - Ana's manager here. She's in for $1,000 👍",
        "accept",
        ("1000",),
        manager=True,
    ),
    InContext(
        "ooo happy holidays",
        "OOO till 2 Jan - Happy holidays!",
        "out_of_office",
        received=date(2025, 12, 20),
        back_on=date(2026, 1, 2),
    ),
    InContext(
        "away from desk wed",
        "I’m away from my desk until Wed 3rd Dec",
        "out_of_office",
        back_on=date(2025, 12, 3),
    ),
    InContext(
        "booked solid",
        "Sounds lovely but I'm afraid I'm booked solid until March.",
        "decline",
    ),
)
