"""Who of a campaign's entries can be negotiated with: each looked up in the roster (through the
RosterKeeper), and none on the do-not-contact list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealdesk.actors.roster_keeper import LookUpInfluencers
from dealdesk.runtime.registry import ROSTER
from dealdesk.store import STORE

if TYPE_CHECKING:
    from dealdesk.domain.campaign import Influencer
    from dealdesk.integrations.sheets import RosterLookup
    from dealdesk.runtime.context import RuntimeContext

__all__ = ["email_of", "look_up"]


def look_up(
    ctx: RuntimeContext, entries: tuple[str, ...], roster: str | None
) -> tuple[dict[str, Influencer | None], tuple[tuple[str, str], ...]]:
    """Each entry's roster row (None: no roster is running, the entry stands as written), and
    the entries skipped with why: not on the roster (``roster`` names the campaign's own tab, if
    any), or on the do-not-contact list."""
    if not entries:
        return {}, ()
    store = ctx[STORE]
    keeper = ctx.registry.get(ROSTER)
    found: dict[str, Influencer | None]
    skipped: list[tuple[str, str]] = []
    if keeper is None:
        found = dict.fromkeys(entries)
    else:
        lookup: RosterLookup = keeper.ask(LookUpInfluencers(entries, roster), block=False).get(
            timeout=store.timeout_s * 2
        )
        found = dict(lookup.found)
        skipped.extend(lookup.missing.items())
    reader = store.reader()
    for entry, influencer in list(found.items()):
        email = influencer.email if influencer is not None else email_of(entry)
        if email is not None and reader.is_do_not_contact(email):
            del found[entry]
            skipped.append((entry, "on the do-not-contact list"))
    return found, tuple(skipped)


def email_of(entry: str) -> str | None:
    """An entry that is itself an address (no roster to look it up in)."""
    text = entry.strip()
    if "<" in text and text.endswith(">"):
        text = text[text.rindex("<") + 1 : -1].strip()
    return text.lower() if "@" in text.strip("@") and " " not in text else None
