"""A database of finished conversations, for the tests of the commands that read them (``report``,
``thread``): a campaign negotiated to its end through the real runtime and the sandbox Gmail's
personas (``tests/actors/test_negotiator.World``), then everything stopped, so the database is
still and a whole module's tests can read it.

What the sandbox mailbox saw is kept beside it (every email sent, every email received, as the
mailbox holds them), so a test can check a command's figures against the mail itself rather than
against the rows the command reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from email.utils import parseaddr
from pathlib import Path

import pykka
import pytest

from dealdesk.actors.mail_messages import PollMailbox
from dealdesk.runtime.clock import ManualClock
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.settings import Settings
from dealdesk.sandbox.gmail.mailbox import MailMessage
from dealdesk.sandbox.sheets.fake import FakeSheets
from dealdesk.store import STORE, OutboxStatus, inbound_query
from tests.actors.test_negotiator import World
from tests.support.settings import test_settings

CAMPAIGN = "86abc"  # World.submit's campaign id
# The example roster's three, and sandbox personas added to the roster: counters, counters
# twice, declines, "remove me", a bounce, a talent manager; and one the roster does not know.
EXTRA_ROWS = (
    ("Lena Fischer", "lena.fischer@creators.example", "@lenaf"),
    ("Chloe Nguyen", "chloe.nguyen@creators.example", "@chloen"),
    ("Sam Old", "sam.old@creatormail.example", "@samold"),
    ("Tess Morgan", "tess.morgan@creators.example", "@tessm"),
)
ENTRIES = (
    "@glowwithmaya",
    "Jordan Lee",
    "Lena Fischer",
    "Chloe Nguyen",
    "Sam Old",
    "Tess Morgan",
    "Nobody Onroster",
)
SKIPPED = "Nobody Onroster"


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str


@dataclass
class Negotiated:
    data_dir: Path
    sent: list[Mail] = field(default_factory=list)  # what the mailbox sent, in order
    received: list[Mail] = field(default_factory=list)  # what reached its inbox, in order
    addresses: dict[str, frozenset[str]] = field(default_factory=dict)  # persona -> its addresses
    asks: dict[str, list[Decimal]] = field(
        default_factory=dict
    )  # persona -> what it asked, in order

    def sent_to(self, address: str) -> list[Mail]:
        return [m for m in self.sent if address in m.recipients]

    def received_from(self, address: str) -> list[Mail]:
        """What the influencer (or their manager) wrote; a bounce is the mail system's."""
        mine = self.addresses.get(address, frozenset({address}))
        return [m for m in self.received if m.sender in mine]


def _settings(data_dir: Path) -> Settings:
    # The clock is manual: a minute's cap reached would never roll over.
    return test_settings(data_dir, gmail_per_minute=10_000)


def negotiate_campaign(data_dir: Path) -> Negotiated:
    """Run ENTRIES' negotiations to their end in ``data_dir``; stop everything; what was mailed."""
    data_dir.mkdir(parents=True, exist_ok=True)
    loop = IoLoop(name="conversation-rig").start()
    sheets = FakeSheets()
    loop.run(sheets.start(), timeout=5)
    ctx = RuntimeContext(settings=_settings(data_dir), loop=loop, clock=ManualClock())
    world = World(ctx, sheets)
    try:
        for name, email, handle in EXTRA_ROWS:
            world.sheets.add_row([name, handle, "Instagram", email, "60,000", "4%", "", "", "", ""])
        world.submit(ENTRIES)
        world.run_until_settled()

        def all_sent() -> bool:
            waiting = world.ctx[STORE].reader().outbox(status=OutboxStatus.PENDING.value)
            return not waiting

        assert world.eventually(all_sent), "the last emails never left the outbox"

        def all_read() -> bool:  # what the personas said last (a thank-you) is recorded too
            world.mailroom.ask(PollMailbox(), timeout=30)
            recorded = {r.gmail_id for r in world.ctx[STORE].reader().run(inbound_query())}
            return {m.id for m in world.gmail.inbox()} <= recorded

        assert world.eventually(all_read), "the last replies were never read"
        negotiated = Negotiated(data_dir)
        negotiated.sent.extend(_mail(m) for m in world.gmail.sent())
        negotiated.received.extend(_mail(m) for m in world.gmail.inbox())
        for persona in world.gmail.personas.all():
            negotiated.addresses[persona.address] = persona.addresses
            asks = [a for c in world.gmail.personas.conversations(persona.address) for a in c.asks]
            negotiated.asks[persona.address] = asks
    finally:
        world.close()
        pykka.ActorRegistry.stop_all(block=True, timeout=10)
        loop.run(sheets.stop(), timeout=5)
        loop.stop()
    return negotiated


def _mail(message: MailMessage) -> Mail:
    sender = parseaddr(message.sender)[1].lower()
    return Mail(sender, tuple(message.recipients), message.subject, message.text)


def negotiated_campaign(tmp_path_factory: pytest.TempPathFactory) -> Negotiated:
    """One negotiated campaign for a whole test module (a module fixture builds it once: it is
    only read), with no operator's DEALDESK_* variable leaking into its settings."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(("DEALDESK_", "ANTHROPIC_")):
                patch.delenv(name)
        return negotiate_campaign(tmp_path_factory.mktemp("negotiated") / "data")
