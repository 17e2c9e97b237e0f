"""The words the rule-based reader looks for, one pattern per signal (``reader`` decides with them).

Amounts in the text are replaced by the word ``AMOUNT`` before these run, so "800 works",
"$1k is all good" and "that works" are one pattern. Acceptance comes in two strengths: strong
("I'm in", "deal", "let's do it", "agreed") and soft ("sounds good", "that's fine", "ok" at the
start), which hesitation ("let me think it over", "I'll check with my partner") cancels. Every
acceptance is void when negated in its clause ("doesn't sound great", "no deal") or when it is
what a question asks ("does 800 work?", "deal at 1,200?").
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ACCEPT_ASKING",
    "ACCEPT_SOFT",
    "ACCEPT_STRONG",
    "AUTO_REPLY",
    "COUNTER_WORDS",
    "DECLINE",
    "FUTURE",
    "HESITATION",
    "HOSTILE",
    "LEGAL",
    "MANAGER",
    "NEEDS_MORE",
    "NEGATION_BEFORE",
    "NOT_MANAGER",
    "OUT_OF_OFFICE",
    "OUT_OF_OFFICE_PAST",
    "REJECTION",
    "UNSUBSCRIBE",
    "words",
]


def words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + "|".join(patterns) + r")", re.IGNORECASE)


UNSUBSCRIBE: Final = words(
    r"\bunsubscribe",
    r"\bremove me\b",
    r"\btake me off\b",
    r"\bstop (?:emailing|contacting|messaging|sending|spamming)",
    r"\bdo not (?:contact|email|message)",
    r"\bdon'?t (?:contact|email|message) me",
    r"\bopt(?:ing)? out\b",
    r"\bno (?:more|further) emails?\b",
    r"\bremove (?:my|this) (?:email|address)",
    r"\boff (?:your|the) (?:mailing )?list\b",
)
OUT_OF_OFFICE: Final = words(
    r"\bout[- ]of[- ](?:the[- ])?office\b",
    r"\bOOO\b",
    r"\bOOTO\b",
    r"\bauto(?:matic)?[- ]?(?:reply|response|responder)\b",
    r"\bautoreply\b",
    r"\bon (?:vacation|holidays?|hols|leave|annual leave|sick leave|parental leave|"
    r"maternity leave|paternity leave|a break|sabbatical|(?:my )?honeymoon)\b",
    r"\b(?:annual|parental|maternity|paternity) leave\b",
    r"\b(?:currently|presently) (?:away|travell?ing|offline|off grid)\b",
    # "I'm travelling the first week of April" is news, not an absence now.
    r"\b(?:i'?m|i am|we'?re|we are) (?:away|travell?ing|offline|off grid)\b(?=[^.!?]{0,20}"
    r"\b(?:at the moment|right now|currently|until|till|til|through|thru|this week|today|back|"
    r"returning))",
    r"\bi'?m off (?:until|till|til|work|sick)\b",
    r"\b(?:away|travell?ing|on (?:a )?shoot|on set|on location|on tour|on the road|filming|"
    r"offline|off grid|abroad|overseas)\b[^.!?]{0,25}\b(?:until|till|til|through|thru)\b",
    r"\b(?:will|'ll) (?:reply|respond|get back to you)[^.!?]{0,15}\b(?:after|when i'?m back|"
    r"on my return|upon my return)",
    r"\b(?:limited|no|patchy|spotty|intermittent) (?:access to )?(?:e-?mail|internet|wi-?fi|"
    r"reception|signal)",
    r"\baway from (?:my )?(?:email|inbox|desk|the office)\b",
    r"\bwill (?:respond|reply|get back to you|be in touch)[^.!?]{0,20}(?:when|upon|after|once) "
    r"(?:i|my|we)(?:'m| am)? (?:return|get back|back)",
)
# "I was out of office last week": a past absence is not an auto-reply.
OUT_OF_OFFICE_PAST: Final = words(
    r"\b(?:was|were|been|just got back from|back from|returned from|after)\s+(?:\w+\s+)?$"
)
AUTO_REPLY: Final = words(
    r"\bauto(?:matic)?[- ]?(?:reply|response|responder)\b",
    r"\bautoreply\b",
    r"^\s*out of (?:the )?office\b",
    r"^\s*OOO\b",
)
DECLINE: Final = words(
    r"\bnot interested\b",
    r"\b(?:i'?ll|i will|i'?m going to|i have to|i'?ll have to|will have to|going to|gonna|"
    r"i must|we'?ll|we will|we have to|have to|must|need to|i'?d have to|i'?d like to|we'?d)"
    r" (?:respectfully )?(?:pass|decline)\b",
    r"\bi(?:'m| am) (?:going to |gonna )?pass(?:ing)?\b",
    r"\bwe(?:'re| are) (?:going to |gonna )?pass(?:ing)?\b",
    r"\bpass on this\b",
    r"\bhard pass\b",
    r"\bdecline\b",
    r"\bnot (?:a )?(?:good |great |right )?fit\b",
    r"\bdoesn'?t (?:align|fit)\b",
    r"\bnot (?:taking on|accepting|doing) (?:any )?(?:new )?(?:brand |paid |sponsored )?(?:deals|"
    r"partnerships|collaborations|collabs|sponsorships|campaigns|work|content|posts)",
    r"\b(?:don'?t|do not|no longer) (?:do|accept|take) (?:any )?(?:sponsored|paid|brand(?:ed)?|"
    r"gifted|ugc|promo\w*|ads?|collab\w*|partnerships?)",
    r"\bno,? thanks?\b",
    r"\bno thank you\b",
    r"\bno ta\b",
    r"\bnah\b",
    r"\bnot for (?:me|us)\b",
    r"\b(?:fully|completely) booked\b",
    r"\bcan'?t (?:take (?:this|it) on|commit|do this one|make (?:this|it) work)\b",
    r"\bwon'?t be able to (?:take|do|participate|work)",
    r"\b(?:unable|not able|not in a position) to (?:take|participate|work|accept|do this)",
    r"\bnot (?:able to )?(?:move|moving) forward\b",
    r"\bsit this one out\b",
    r"\b(?:is|are|am) (?:unavailable|not available) for this\b",
    r"\b(?:have|going) to say no\b",
    r"\b(?:give|giving) (?:this|it|this one|that) a miss\b",
    r"\b(?:it'?s|that'?s|that is|it is)\s+a\s+(?:no|pass|hard no)\b",
    r"\ba (?:no|pass) from (?:me|us)\b",
    r"\bbooked (?:solid|up|out)\b",
    r"\b(?:no|don'?t have (?:the |any )?)(?:capacity|bandwidth|availability|space|room)\b",
    r"\bat (?:full )?capacity\b",
    r"^\W*(?:(?:lol|haha|sorry|um+|uh+|ah|oh|honestly|nope)\W+)?(?:no|nope|nah)"
    r"(?:\W+(?:thanks|thank you|sorry|thx|ta))?\W*$",
)
FUTURE: Final = words(
    r"\bin the future\b",
    r"\bfuture (?:campaigns?|collab|collaborations?|opportunit|projects?|partnerships?)",
    r"\bkeep me in mind\b",
    r"\bdown the (?:line|road)\b",
    r"\bnext time\b",
    r"\breach out again\b",
    r"\bfeel free to reach out\b",
    r"\bnext (?:quarter|year|season|month)\b",
    r"\bwork together (?:another time|later|soon)",
)
_GOOD = (
    r"(?:(?:all|really|totally|perfectly|absolutely|very|so|pretty|super|more than|100%|quite)\s+)?"
    r"(?:good|gd|great|grate|fine|perfect|fair|grand|lovely|brilliant|ace|spot on|all good|ok|"
    r"okay|reasonable|doable|acceptable|amazing|awesome|excellent|fab|fabulous|sweet|cool|"
    r"wonderful|fantastic)\b"
)
_SUBJECT = (
    r"(?:that|this|it|which|all|everything|AMOUNT|price|rate|offer|number|fee|budget|figure|terms)"
)
ACCEPT_STRONG: Final = words(
    # "works", not "would work": a number of theirs that would work is a proposal.
    _SUBJECT + r"\s+(?:(?:totally|definitely|def|really|honestly|also|still)\s+)?works\b",
    r"\bworks (?:for|with) (?:me|us)\b",
    r"\bworks perfectly\b",
    r"\bAMOUNT\s+it\s+is\b",
    r"\b(?:i'?m|i am|we'?re|we are|she'?s|he'?s|they'?re|count me|count us)\s+"
    r"(?:so\s+|totally\s+|definitely\s+|100%\s+|absolutely\s+|def\s+)?"
    r"(?:in\b(?!\s+(?!for\b|on\b)[a-z])|down\b(?!\s+(?:to|for)\b)|keen\b|game\b|"
    r"on board\b|up for it\b)",
    r"\bdeal\b(?!s|\s+with|\s*-?\s*breaker|ing)",
    r"\b(?:happy|glad|excited|thrilled|delighted|keen|love|stoked|pumped) to (?:do|join|partner|"
    r"work|be|take|move|go ahead|accept|proceed|collaborate|participate|crack on|get started|"
    r"go with|lock|sign|go for it|come on board)",
    r"\bi(?:'d| would) love to (?:do|join|partner|work|be part)",
    r"\b(?:i|we) (?:accept|agree)\b",
    r"\baccept(?:ed|ing)? (?:the|your) (?:offer|rate|terms|proposal)",
    r"\bagreed\b",
    r"\b(?:let'?s|lets)\s+(?:do (?:it|this|that)|go(?:\s+ahead)?|move forward|proceed|"
    r"make it happen|lock it in|get (?:it|this) (?:done|going|started)|get started|crack on|roll|"
    r"go for it)\b",
    r"\b(?:yes|yep|yeah|yup|absolutely|definitely),? (?:please|let'?s|i'?m|that|we|count|happy|"
    r"sounds|works|i'?d|deal|AMOUNT)",
    r"^\s*(?:yes+|yep|yeah|yup|absolutely|definitely)\b",
    r"\bsend (?:me |us |over |across )*(?:the |a )?(?:contract|agreement|paperwork)",
    r"\bon board\b",
    r"\bgo ahead\b",
    r"\bi(?:'ll| will) (?:do it|take it)\b",
    r"\btoo easy\b",
    r"\b(?:it'?s|that'?s|that is|it is)\s+a\s+(?:yes|go|hard yes)\b",
    r"\ba (?:yes|go) from (?:me|us)\b",
    r"^\s*(?:can|will) do\s*(?:[!.]|$|[^\w\s])",
    r"\bsounds like a plan\b",
)
# Acceptances that are phrased as a question and still are one.
ACCEPT_ASKING: Final = words(r"\bwhere do (?:i|we) sign\b", r"\bwhen (?:do|can) (?:we|i) start\b")
ACCEPT_SOFT: Final = words(
    r"\bsounds?\s+" + _GOOD,
    _SUBJECT + r"(?:\s+is|'s|\s+sounds?|\s+seems?|\s+looks?|\s+feels?)\s+" + _GOOD,
    r"\b(?:that'?s|it'?s)\s+" + _GOOD,
    r"\b(?:fine|good|ok|okay|happy|cool|great|all good)\s+(?:by|with|for)\s+(?:me|us)\b",
    r"\bhappy with (?:that|the|this|your|AMOUNT)",
    r"^\s*(?:sure|ok(?:ay)?|alright|all right|of course|certainly|perfect|great|lovely|"
    r"brilliant|awesome|amazing|works|done)\b(?!\s+(?:on|at|with|for (?:you|them|her|him)))",
)
# Before an acceptance in its clause, these turn it around.
NEGATION_BEFORE: Final = words(
    r"\b(?:not|never|no|don'?t|doesn'?t|didn'?t|isn'?t|wasn'?t|won'?t|can'?t|cannot|couldn'?t|"
    r"wouldn'?t|aren'?t|hardly|neither|nor|unsure)\b[^,;:.!?]{0,25}$"
)
HESITATION: Final = words(
    r"\blet me (?:think|check|get back|have a think|sleep on|mull|talk|chat|run it)",
    r"\b(?:need|want|have) to (?:think|check|talk|chat|discuss|run it)",
    r"\bthink (?:it )?over\b",
    r"\bthink about it\b",
    r"\bsleep on it\b",
    r"\bmull (?:it )?over\b",
    r"\b(?:get|circle|come) back to you\b",
    r"\b(?:check|talk|speak|chat) (?:it over )?(?:with|to) my\b",
    r"\brun it (?:by|past)\b",
    r"\bnot sure\b",
    r"\bi'?ll let you know\b",
)
COUNTER_WORDS: Final = words(
    r"\bbut\b",
    r"\bhowever\b",
    r"\bwould need\b",
    r"\bi(?:'d| would)? need\b",
    r"\bmy (?:usual |standard |minimum |current )?(?:rate|fee|price|minimum)\b",
    r"\bi (?:usually |normally |typically )?charge\b",
    r"\b(?:can|could|would) (?:you|we) (?:do|go|meet|come up|stretch|bump|increase|raise|settle|"
    r"land|make it)\b",
    r"\bhow about\b",
    r"\bwhat about\b",
    r"\bat least\b",
    r"\bcounter\b",
    r"\binstead\b",
    r"\bi can do\b",
    r"\bi could do\b",
    r"\bwe can do\b",
    r"\bwe could do\b",
    r"\bmeet (?:me )?(?:in the middle|halfway|at)\b",
    r"\bbump\b",
    r"\bflexib",
    r"\bbetter (?:rate|offer|number)\b",
    r"\b(?:higher|more)\b.{0,30}\b(?:budget|rate|offer|number|money|fee)\b",
    r"\b(?:budget|rate|offer|number|fee)\b.{0,20}\b(?:higher|increase|more)\b",
    r"\bincrease\b",
    r"\brate card\b",
    r"\btoo low\b",
    r"\blow(?:er)? than\b",
    r"\bbelow my\b",
    r"\b(?:if|only if|as long as|provided)\b",
    r"\bminimum\b",
    r"\bfloor\b",
    r"\band (?:we'?re|i'?m|it'?s|you'?ve got)\b",
)
NEEDS_MORE: Final = words(
    r"\bflexib",
    r"\bbetter (?:rate|offer|number)\b",
    r"\b(?:can|could|would) you (?:do|go|come up|stretch|bump|increase|raise) "
    r"(?:a (?:bit|little|tad) )?"
    r"(?:more|higher|better|any higher|up)\b",
    r"\b(?:higher|more)\b.{0,30}\b(?:budget|rate|offer|number|money|fee)\b",
    r"\b(?:budget|rate|offer|number|fee)\b.{0,20}\b(?:higher|increase|more)\b",
    r"\bincrease\b",
    r"\bbump\b",
    r"\btoo low\b",
    r"\blow(?:er)? than\b",
    r"\bbelow my\b",
    r"\bmeet (?:me )?(?:in the middle|halfway)\b",
    r"\brate card\b",
    r"\bhoping for (?:more|a bit more|something higher)\b",
    r"\b(?:want|need|needs|expect|looking for|hoping for)\s+(?:a\s+(?:bit|little|lot)\s+|"
    r"quite a bit\s+|much\s+)?more(?=\s*(?:[.,;!?)]|$|than\b|for\b|money\b|budget\b|cash\b))",
    r"\b(?:a (?:bit|little|tad) )?more than that\b",
    r"\b(?:go|come) (?:a (?:bit|little|tad) )?higher\b",
    r"\bdo better\b",
    r"\bon the low side\b",
    r"\blowball\b",
)
# Words that, beside our own number, say it is not enough ("can't do 800", "800 won't work").
REJECTION: Final = words(
    r"\b(?:can'?t|cannot|won'?t|doesn'?t|does not|don'?t|do not|didn'?t|wouldn'?t|isn'?t|"
    r"is not|not)\b",
    r"\btoo low\b",
    r"\blight\b",
    r"\blow\b",
    r"\bbelow\b",
    r"\bunder\b",
)
HOSTILE: Final = words(
    r"\bscam\b",
    r"\bspam(?:mer|ming)?\b",
    r"\bwtf\b",
    r"\bridiculous\b",
    r"\binsult(?:ing)?\b",
    r"\ba joke\b",
    r"\bhow dare\b",
    r"\bf+u+c+k",
    r"\bshit",
    r"\bstupid\b",
    r"\bpathetic\b",
    r"\bdisgusting\b",
    r"\bpredatory\b",
    r"\bexploit",
    r"\bclowns?\b",
    r"\bidiots?\b",
    r"\blaughable\b",
    r"\bgarbage\b",
    r"\bcheap(?:skate)?s?\b.{0,10}\b(?:brand|company|agency)",
)
LEGAL: Final = words(
    r"\blawyers?\b",
    r"\battorneys?\b",
    r"\blegal action\b",
    r"\bsue\b",
    r"\bsuing\b",
    r"\bcease and desist\b",
    r"\bbreach\b",
    r"\bliab(?:le|ility)\b",
    r"\blawsuit\b",
    r"\binfringe",
    r"\bmy legal team\b",
    r"\blegal counsel\b",
    r"\bGDPR\b",
    r"\bcourt\b",
    r"\bsmall claims\b",
)
MANAGER: Final = words(
    r"\btalent (?:manager|agent|rep|representative|director|lead|coordinator|partnerships?)\b",
    r"\bhead of (?:talent|partnerships|brand partnerships|influencer)\b",
    r"\b(?:brand |creator |influencer )?partnerships? (?:manager|director|lead|coordinator)\b",
    r"\b(?:influencer|creator|booking|bookings) (?:manager|agent|coordinator)\b",
    r"\bi manage\b",
    r"\bmanager (?:for|of|to)\b",
    r"\bagent (?:for|of|to)\b",
    r"\bon (?:behalf|the behalf) of\b",
    r"\b(?:i|we) represent\b",
    r"\brepresent(?:ing|s)? (?:him|her|them|the creator)",
    r"\brepresented by\b",
    r"\bmanaged by\b",
    r"\bmy client\b",
    r"\bour (?:talent|creator|client)\b",
    r"\bbooking agent\b",
    r"\bmanagement team\b",
    r"\b(?:his|her|their|my) (?:manager|agent|rep|representative|management)\b",
    r"\b\w+'s (?:talent )?(?:manager|agent|rep|management)\b",
    r"\b(?:look|looks|looking) after (?:\w+'s|her|his|their) (?:brand |paid )?(?:partnerships|"
    r"deals|bookings|collabs|collaborations)\b",
    r"\bhandl(?:e|es|ing) (?:\w+'s|her|his|their) (?:brand |paid )?(?:partnerships|deals|"
    r"bookings|collabs|collaborations|rates)\b",
    r"\bagency\b",
    r"\bmanagement\b",
    r"\bmgmt\b",
    r"(?-i:\b[A-Z][\w&]*\s+(?:Talent|Management|Mgmt|Agency|Collective|Represents))\b",
)
# "I don't have a manager", "no agency": the counterparty says it speaks for itself.
NOT_MANAGER: Final = words(
    r"\b(?:don'?t|do not|doesn'?t|never) (?:have|use|work with|need)\b[^,;.!?]{0,15}$",
    r"\b(?:no|not|without|isn'?t|aren'?t)\b[^,;.!?]{0,10}$",
)
