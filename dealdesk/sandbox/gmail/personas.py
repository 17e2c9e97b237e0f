"""Simulated influencers: addresses that answer the mail the fake sends them, like people do.

A :class:`Persona` has a hidden reservation fee (the least it takes: it never asks or accepts
below it) and an opening ask above it. It reads the amount our email offers (the largest money
amount in our own words, leaving out the ones that point at its own number: "you asked for
$2,000"), decides, and answers in the same
thread after its delay (``call_later`` on the loop; 0 allowed): ``Re:`` subject, In-Reply-To and
References naming our message, our text quoted below. Its :class:`Kind` says how it behaves;
``ASKS_FIRST``, ``VIA_MANAGER`` and ``OUT_OF_OFFICE`` then negotiate as its ``then`` kind.

Each (persona, thread) is one :class:`Conversation`: the offers read, the asks written, the
outcome and the agreed price, what a negotiation-quality measure needs. Asks are rounded up to
$50 ($10 below $1,000, where $50 would be a large share of the fee). Mail after a persona
accepted, declined or opted out is not answered; it is counted (``after_close``), since email
after an opt-out is a violation.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal
from email.utils import formataddr, parseaddr
from enum import StrEnum
from typing import TYPE_CHECKING

from dealdesk.sandbox.gmail import letters, mime

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from dealdesk.sandbox.gmail.fake import FakeGmail
    from dealdesk.sandbox.gmail.mailbox import MailMessage

__all__ = ["Conversation", "Kind", "Outcome", "Persona", "Personas", "default_cast"]

_STEP = Decimal(50)
_CLOSE_ENOUGH = Decimal("0.05")  # a gap this small (share of the ask) is accepted
_SMALL = Decimal(1000)  # below this, asks move in $10 steps
_STALLS = 2
_STYLES = (letters.MoneyStyle.DOLLARS, letters.MoneyStyle.CODE, letters.MoneyStyle.THOUSANDS)


class Kind(StrEnum):
    ACCEPTS = "accepts"  # takes any offer at or above its reservation
    COUNTERS = "counters"  # counters, conceding part of the gap each round
    COUNTERS_TWICE = "counters_twice_then_accepts"
    ABOVE_CAP = "counters_above_cap"  # counters, conceding little, from far above any cap
    # Moves its ask down by what our offer moved up (x concession); walks away after we stood
    # still twice (an offer no higher than the one before).
    TIT_FOR_TAT = "tit_for_tat"
    DECLINES = "declines"
    ASKS_FIRST = "asks_first"  # a question first, then as ``then``
    SILENT = "silent"
    VIA_MANAGER = "via_manager"  # every answer from its talent manager, as ``then``
    OUT_OF_OFFICE = "out_of_office"  # an auto-reply first, later a real answer as ``then``
    OPTS_OUT = "opts_out"  # "please remove me from your list"
    BOUNCES = "bounces"  # the address does not exist: a delivery failure notice


_FRONTS = frozenset({Kind.ASKS_FIRST, Kind.VIA_MANAGER, Kind.OUT_OF_OFFICE})


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    OPTED_OUT = "opted_out"
    BOUNCED = "bounced"


@dataclass(frozen=True)
class Persona:
    address: str
    kind: Kind = Kind.COUNTERS
    name: str = ""
    reservation: Decimal = Decimal(1200)
    opening: Decimal = Decimal(2400)
    then: Kind = Kind.COUNTERS  # how ASKS_FIRST, VIA_MANAGER and OUT_OF_OFFICE negotiate
    delay_s: float | None = None  # None: the registry's delay
    concession: Decimal = Decimal("0.5")  # the share of the gap given up per counter
    patience: int = 5  # counters before walking away while offers stay below the reservation
    money_style: letters.MoneyStyle | None = None  # None: a different way each round
    manager: str = "Sam Ortiz <sam@brighttalent.example>"
    agency: str = "Bright Talent Agency"
    back_on: str = "December 8"

    def __post_init__(self) -> None:
        object.__setattr__(self, "address", self.address.strip().lower())
        if not self.name:
            local = self.address.partition("@")[0]
            object.__setattr__(self, "name", local.replace(".", " ").replace("_", " ").title())
        if not Decimal(0) < self.reservation <= self.opening:
            raise ValueError(f"{self.address}: need 0 < reservation <= opening ask")
        if self.then in _FRONTS:
            raise ValueError(f"{self.address}: then={self.then} must be a negotiating kind")

    @property
    def manager_address(self) -> str:
        return parseaddr(self.manager)[1].lower()

    @property
    def addresses(self) -> frozenset[str]:
        """Where mail reaches it (its manager's address too, for VIA_MANAGER)."""
        if self.kind is Kind.VIA_MANAGER:
            return frozenset({self.address, self.manager_address})
        return frozenset({self.address})

    @property
    def style(self) -> Kind:
        return self.then if self.kind in _FRONTS else self.kind

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


@dataclass
class Conversation:
    persona: Persona
    thread_id: str
    ask: Decimal
    received: list[str] = field(default_factory=list)  # Gmail ids of our messages
    replies: list[str] = field(default_factory=list)  # Gmail ids of its answers
    offers: list[Decimal] = field(default_factory=list)
    asks: list[Decimal] = field(default_factory=list)
    counters: int = 0
    questioned: bool = False
    auto_replied: bool = False
    outcome: Outcome | None = None
    agreed: Decimal | None = None
    after_close: int = 0  # our messages after it accepted, declined or opted out
    pending_offer: Decimal | None = None  # an offer it answered with a question
    stalls: int = 0  # our offers no higher than the one before (TIT_FOR_TAT walks at 2)


def _step(amount: Decimal) -> Decimal:
    return _STEP if amount >= _SMALL else _STEP / 5


def _round_up(amount: Decimal) -> Decimal:
    step = _step(amount)
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def _reciprocate(persona: Persona, conv: Conversation, offer: Decimal) -> tuple[str, Decimal]:
    """TIT_FOR_TAT: its ask falls by what our offer rose (x its concession), never below its
    floor; the first answer states its ask; standing still twice ends it."""
    before = conv.offers[-2] if len(conv.offers) > 1 else None
    if before is None:
        return "counter", conv.ask
    moved = offer - before
    if moved <= 0:
        conv.stalls += 1
        return ("decline", Decimal(0)) if conv.stalls >= _STALLS else ("counter", conv.ask)
    ask = max(persona.reservation, _round_up(conv.ask - moved * persona.concession))
    return ("accept", offer) if ask <= offer else ("counter", min(ask, conv.ask))


def decide(persona: Persona, conv: Conversation, offer: Decimal | None) -> tuple[str, Decimal]:
    """The move (accept, counter, decline) and its amount; never below the reservation."""
    style, floor = persona.style, persona.reservation
    if style is Kind.DECLINES:
        return "decline", Decimal(0)
    if style is Kind.OPTS_OUT:
        return "opt_out", Decimal(0)
    if offer is None:
        return "counter", conv.ask  # states its ask
    if offer >= conv.ask:
        return "accept", offer
    if style is Kind.ACCEPTS:
        return ("accept", offer) if offer >= floor else ("counter", floor)
    twice = style is Kind.COUNTERS_TWICE
    if twice and conv.counters >= 2:
        return ("accept", offer) if offer >= floor else ("counter", floor)
    if offer < floor and conv.counters >= persona.patience:
        return "decline", Decimal(0)
    close = conv.ask - offer <= max(_step(conv.ask), conv.ask * _CLOSE_ENOUGH)
    if not twice and offer >= floor and close:
        return "accept", offer
    if style is Kind.TIT_FOR_TAT:
        return _reciprocate(persona, conv, offer)
    ask = _round_up(offer + (conv.ask - offer) * (1 - persona.concession))
    ask = max(floor, min(conv.ask, ask))
    if ask <= offer:
        if not twice:
            return "accept", offer
        ask = min(conv.ask, offer + _step(offer))
    return "counter", ask


class Personas:
    """The personas attached to one fake, and their conversations (any thread may read)."""

    def __init__(self, fake: FakeGmail, cast: Iterable[Persona] = (), delay_s: float = 1.0) -> None:
        self._fake = fake
        self._lock = threading.Lock()
        self._by_address: dict[str, Persona] = {}
        self._conversations: dict[tuple[str, str], Conversation] = {}
        self.delay_s = delay_s
        self.errors: list[str] = []  # answers that failed to be written (a bug in a persona)
        for persona in cast:
            self.add(persona)

    def add(self, persona: Persona) -> Persona:
        with self._lock:
            for old in [p for p in self._by_address.values() if p.address == persona.address]:
                for address in old.addresses:
                    self._by_address.pop(address, None)
            for address in persona.addresses:
                self._by_address[address] = persona
        return persona

    def get(self, address: str) -> Persona | None:
        with self._lock:
            return self._by_address.get(parseaddr(address)[1].lower())

    def all(self) -> list[Persona]:
        with self._lock:
            return list({p.address: p for p in self._by_address.values()}.values())

    def conversations(self, address: str | None = None) -> list[Conversation]:
        """Copies of the conversations (of the persona at ``address``), oldest first."""
        wanted = None if address is None else address.lower()
        with self._lock:
            return [
                replace(c, offers=list(c.offers), asks=list(c.asks), replies=list(c.replies))
                for (who, _), c in self._conversations.items()
                if wanted is None or who == wanted
            ]

    def conversation(self, address: str, thread_id: str | None = None) -> Conversation | None:
        found = [
            c for c in self.conversations(address) if thread_id is None or c.thread_id == thread_id
        ]
        return found[-1] if found else None

    # -- on the loop --------------------------------------------------------------------------

    def on_sent(self, message: MailMessage) -> None:
        """Schedule each addressed persona's answer to ``message`` (runs on the loop)."""
        seen: set[str] = set()
        for address in message.recipients:
            persona = self.get(address)
            if persona is None or persona.address in seen:
                continue
            seen.add(persona.address)
            self._schedule(persona, message)

    def _schedule(self, persona: Persona, message: MailMessage) -> None:
        with self._lock:
            key = (persona.address, message.thread_id)
            conv = self._conversations.setdefault(
                key, Conversation(persona, message.thread_id, persona.opening)
            )
            conv.received.append(message.id)
            if persona.kind is Kind.SILENT:
                return
            if conv.outcome in (Outcome.ACCEPTED, Outcome.DECLINED, Outcome.OPTED_OUT):
                conv.after_close += 1
                return
            delay = self.delay_s if persona.delay_s is None else persona.delay_s
            auto_reply = persona.kind is Kind.OUT_OF_OFFICE and not conv.auto_replied
            conv.auto_replied = conv.auto_replied or auto_reply
        loop = asyncio.get_running_loop()
        if auto_reply:
            loop.call_later(delay, self._safely, lambda: self._auto_reply(persona, conv, message))
            delay *= 2
        loop.call_later(delay, self._safely, lambda: self._answer(persona, conv, message))

    def _safely(self, answer: Callable[[], None]) -> None:
        try:
            answer()
        except Exception as exc:  # a persona's bug must show in tests, not vanish in the loop
            with self._lock:
                self.errors.append(f"{type(exc).__name__}: {exc}")
            self._fake.changed()

    def _deliver(self, conv: Conversation, raw: bytes, thread_id: str) -> None:
        gmail_id = self._fake.inbound(raw=raw, thread_id=thread_id)
        with self._lock:
            conv.replies.append(gmail_id)
        self._fake.changed()

    def _auto_reply(self, persona: Persona, conv: Conversation, message: MailMessage) -> None:
        text = (
            f"Hi,\n\nI'm out of the office until {persona.back_on} with limited access to email."
            f" I'll get back to you when I return.\n\n{persona.first_name}"
        )
        raw = letters.reply(
            message.email(),
            sender=formataddr((persona.name, persona.address)),
            text=text,
            subject=f"Automatic reply: {message.subject}",
            headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
            quote=False,
        )
        self._deliver(conv, raw, message.thread_id)

    def _answer(self, persona: Persona, conv: Conversation, message: MailMessage) -> None:
        original = message.email()
        if persona.kind is Kind.BOUNCES:
            raw = letters.bounce(original, persona.address, self._fake.address)
            with self._lock:
                conv.outcome = Outcome.BOUNCED
            self._deliver(conv, raw, message.thread_id)
            return
        with self._lock:
            words = message.text or mime.html_text(message.html or "")
            read = letters.offered_amount(words)
            if read is not None:
                conv.offers.append(read)
            offer = read if read is not None else conv.pending_offer
            if persona.kind is Kind.ASKS_FIRST and not conv.questioned:
                conv.questioned, conv.pending_offer = True, offer
                move, amount = "question", Decimal(0)
            else:
                conv.pending_offer = None
                move, amount = decide(persona, conv, offer)
                _apply(conv, move, amount, counted=offer is not None)
            text = _words(persona, conv, move, amount, read)
        sender = formataddr((persona.name, persona.address))
        cc = None
        if persona.kind is Kind.VIA_MANAGER:
            sender, cc = persona.manager, formataddr((persona.name, persona.address))
            text = _through_manager(persona, text, first=len(conv.replies) == 0)
        raw = letters.reply(original, sender=sender, text=text, cc=cc)
        self._deliver(conv, raw, message.thread_id)


def _apply(conv: Conversation, move: str, amount: Decimal, *, counted: bool) -> None:
    if move == "accept":
        conv.outcome, conv.agreed = Outcome.ACCEPTED, amount
    elif move == "counter":
        conv.ask = amount
        conv.asks.append(amount)
        conv.counters += int(counted)
    elif move == "decline":
        conv.outcome = Outcome.DECLINED
    elif move == "opt_out":
        conv.outcome = Outcome.OPTED_OUT


def _words(
    persona: Persona, conv: Conversation, move: str, amount: Decimal, offer: Decimal | None
) -> str:
    style = persona.money_style or _STYLES[(len(conv.asks) - 1) % len(_STYLES)]
    money = letters.write_money(amount, style)
    sign = f"\n\nBest,\n{persona.first_name}"
    if move == "question":
        return (
            "Hi! Thanks so much for reaching out, this sounds fun. Before I give you a number,"
            " a couple of questions: how long would you need the usage rights for, and would"
            " the content run as paid ads? And when does it need to go live?" + sign
        )
    if move == "accept":
        return (
            f"That works for me! {money} sounds good. Send over the brief and the contract and"
            " I'll get started." + sign
        )
    if move == "decline":
        return (
            "Thanks so much for thinking of me, but I'm going to pass on this one. I'm fully"
            " booked through the end of the year." + sign
        )
    if move == "opt_out":
        return (
            "Hi, please remove me from your list. I'm not taking on brand partnerships right now."
        )
    if len(conv.asks) > 1 and conv.asks[-2] == amount:
        return f"I hear you, but {money} is really the lowest I can go for this package." + sign
    if offer is None:
        return (
            "Hi! Thanks for reaching out, I love the sound of this campaign. My rate for this"
            f" package would be {money}." + sign
        )
    offered = letters.write_money(offer, letters.MoneyStyle.DOLLARS)
    if len(conv.asks) == 1:
        return (
            f"Thanks for the offer! You offered {offered}, which is a bit below what I usually"
            f" charge for this. I could do {money} for the full package." + sign
        )
    return (
        "Thanks for coming back to me! I can meet you partway: my rate would be"
        f" {money} for the full package." + sign
    )


def _through_manager(persona: Persona, text: str, *, first: bool) -> str:
    body = text.split("\n\nBest,", maxsplit=1)[0].removeprefix("Hi! ")
    body = body.replace(" I'll ", f" {persona.first_name} will ").replace("My rate", "Their rate")
    opener = f"I manage brand partnerships for {persona.first_name}. " if first else ""
    name = parseaddr(persona.manager)[0] or persona.manager_address
    return f"Hi there,\n\n{opener}{body}\n\nBest,\n{name}\nTalent Manager, {persona.agency}"


def default_cast() -> list[Persona]:
    """The sandbox's influencers: the example campaign's three, and one of every other kind."""
    d = Decimal
    return [
        Persona("maya@glowwithmaya.example", Kind.COUNTERS, "Maya Chen", d(1400), d(2600)),
        Persona(
            "jordan.lee@creatormail.example", Kind.COUNTERS_TWICE, "Jordan Lee", d(1500), d(2800)
        ),
        Persona("priya.patel@creators.example", Kind.ASKS_FIRST, "Priya Patel", d(1100), d(2000)),
        Persona("alex.rivera@creatormail.example", Kind.ACCEPTS, "Alex Rivera", d(900), d(1500)),
        Persona(
            "noah.kim@creatormail.example",
            Kind.ABOVE_CAP,
            "Noah Kim",
            d(18000),
            d(25000),
            concession=d("0.1"),
        ),
        Persona(
            "ravi.shah@creators.example",
            Kind.TIT_FOR_TAT,
            "Ravi Shah",
            d(1200),
            d(2200),
            concession=d("0.8"),
        ),
        Persona("lena.fischer@creators.example", Kind.DECLINES, "Lena Fischer"),
        Persona("omar.haddad@creators.example", Kind.SILENT, "Omar Haddad"),
        Persona("tess.morgan@creators.example", Kind.VIA_MANAGER, "Tess Morgan", d(1300), d(2400)),
        Persona(
            "ben.carter@creatormail.example", Kind.OUT_OF_OFFICE, "Ben Carter", d(1000), d(1900)
        ),
        Persona("chloe.nguyen@creators.example", Kind.OPTS_OUT, "Chloe Nguyen"),
        Persona("sam.old@creatormail.example", Kind.BOUNCES, "Sam Old"),
    ]
