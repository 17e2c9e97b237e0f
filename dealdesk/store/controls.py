"""The team's holds on negotiations: takeover, pause and stop, persisted so they survive restarts.

One row per held target: a negotiation (``scope='negotiation'``, its id), a campaign (its id) or
everything (``scope='all'``, target ``'*'``: the kill switch). While any row covers an email's
negotiation, its campaign, or all, the outbox holds it (``sendable_query`` leaves it out): nothing
leaves while it is on. ``thread_key`` is the key of the Slack notification that opened a
takeover: the influencer's replies meanwhile are posted in its thread.

Also the console's look-ups: negotiations matching what a person typed (a name, an email, a
handle, a Gmail thread link or id), and what the outbox holds and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from dealdesk.store.ops import Plan, Stmt, StoreOp, check_text, required_text
from dealdesk.store.queries import Query, Rows

__all__ = [
    "HELD_BY_CONTROL",
    "ClearControl",
    "ControlRecord",
    "SetControl",
    "controls_query",
    "held_counts_query",
    "matching_negotiations_query",
]

SCOPES = ("negotiation", "campaign", "all")
STATES = ("takeover", "paused", "stopped")

# An outbox row (aliased ``outbox``) is held while a control covers it, or while it waits for
# a person's review (``dealdesk.store.reviews``).
HELD_BY_CONTROL = (
    "(EXISTS (SELECT 1 FROM controls c WHERE c.scope = 'all' "
    "OR (c.scope = 'campaign' AND c.target = outbox.campaign_id) "
    "OR (c.scope = 'negotiation' AND c.target = outbox.negotiation_id)) "
    "OR EXISTS (SELECT 1 FROM reviews r WHERE r.message_id = outbox.message_id "
    "AND r.status = 'waiting'))"
)


@dataclass(frozen=True, slots=True)
class SetControl(StoreOp[str | None]):
    """Hold ``target``; answers the state it replaced (None: it was not held)."""

    scope: str
    target: str
    state: str
    by_user: str
    thread_key: str | None = None

    def __post_init__(self) -> None:
        if self.scope not in SCOPES or self.state not in STATES:
            raise ValueError(f"no control {self.scope}/{self.state}")
        required_text("target", self.target)
        required_text("by_user", self.by_user)
        check_text("thread_key", self.thread_key)

    def plan(self, now: str) -> Plan[str | None]:
        found = yield Stmt(
            "SELECT state FROM controls WHERE scope = ? AND target = ?",
            (self.scope, self.target),
            fetch=True,
        )
        yield Stmt(
            "INSERT INTO controls (scope, target, state, by_user, thread_key, since) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, target) DO UPDATE SET "
            "state = excluded.state, by_user = excluded.by_user, "
            "thread_key = coalesce(excluded.thread_key, controls.thread_key), "
            "since = excluded.since",
            (self.scope, self.target, self.state, self.by_user, self.thread_key, now),
        )
        return str(found.rows[0][0]) if found.rows else None


@dataclass(frozen=True, slots=True)
class ClearControl(StoreOp[str | None]):
    """Release ``target`` (only from one of ``states``, when given); answers the state it was
    in (None: it was not held, or held otherwise, and stays so)."""

    scope: str
    target: str
    states: tuple[str, ...] = STATES

    def plan(self, now: str) -> Plan[str | None]:  # noqa: ARG002 - the op's signature
        found = yield Stmt(
            "SELECT state FROM controls WHERE scope = ? AND target = ?",
            (self.scope, self.target),
            fetch=True,
        )
        if not found.rows or found.rows[0][0] not in self.states:
            return None
        yield Stmt("DELETE FROM controls WHERE scope = ? AND target = ?", (self.scope, self.target))
        return str(found.rows[0][0])


@dataclass(frozen=True)
class ControlRecord:
    scope: str
    target: str
    state: str
    by_user: str
    thread_key: str | None
    since: str


def controls_query(
    scope: str | None = None, target: str | None = None
) -> Query[list[ControlRecord]]:
    clauses, params = [], []
    for column, value in (("scope", scope), ("target", target)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""

    def records(rows: Rows) -> list[ControlRecord]:
        return [ControlRecord(*row) for row in rows]

    return Query(
        "SELECT scope, target, state, by_user, thread_key, since FROM controls"  # noqa: S608
        f"{where} ORDER BY since",
        tuple(params),
        records,
    )


@dataclass(frozen=True)
class Candidate:
    negotiation_id: str
    campaign_id: str
    influencer_name: str
    influencer_email: str | None
    state: str


def matching_negotiations_query(term: str) -> Query[list[Candidate]]:
    """Negotiations whose influencer's name, email or handle is ``term`` (case-insensitive), or
    whose id or Gmail thread is; newest first."""
    term = term.strip()
    return Query(
        "SELECT negotiation_id, campaign_id, influencer_name, influencer_email, state "
        "FROM negotiations WHERE influencer_name = ?1 COLLATE NOCASE "
        "OR influencer_email = ?1 COLLATE NOCASE OR negotiation_id = ?1 "
        "OR json_extract(data, '$.negotiation.influencer.name') = ?1 COLLATE NOCASE "
        "OR json_extract(data, '$.negotiation.influencer.handle') = ?1 COLLATE NOCASE "
        "OR negotiation_id IN (SELECT negotiation_id FROM outbox WHERE gmail_thread_id = ?1) "
        "ORDER BY created_at DESC, negotiation_id",
        (term,),
        lambda rows: [Candidate(*row) for row in rows],
    )


def held_counts_query(campaign_id: str | None = None) -> Query[dict[str, int]]:
    """Emails waiting in the outbox (pending), by why: ``held`` by a control or a review,
    ``waiting`` to go."""
    only = " AND campaign_id = ?" if campaign_id is not None else ""
    return Query(
        f"SELECT CASE WHEN {HELD_BY_CONTROL} THEN 'held' ELSE 'waiting' END, count(*) "  # noqa: S608
        f"FROM outbox WHERE status = 'pending'{only} GROUP BY 1",
        (campaign_id,) if campaign_id is not None else (),
        lambda rows: {str(why): int(n) for why, n in rows},
    )
