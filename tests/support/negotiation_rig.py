"""The rig of the kill -9 conversation tests: the children of one test on one data directory
(``tests.support.negotiation_child``), the sandbox personas they talk to, and what a test reads of
the database (read-only, so it works while a child runs and after one was killed)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from dealdesk.sandbox.gmail.personas import Kind
from dealdesk.store import StoreReader, database_path, inbound_query
from tests.support.negotiation_child import CAMPAIGN

MAYA, TESS = "@glowwithmaya", "Tess Morgan"  # counters, then accepts; counters via her manager
OMAR = "Omar Haddad"  # never answers
ADDRESS = {
    MAYA: "maya@glowwithmaya.example",
    TESS: "tess.morgan@creators.example",
    OMAR: "omar.haddad@creators.example",
}
ROWS = [  # the sandbox roster has Maya; Tess and Omar are added for these tests
    [name, handle, "Instagram", ADDRESS[name], "60,000", "4%", "", "", "", ""]
    for name, handle in ((TESS, "@tessm"), (OMAR, "@omarh"))
]
ROUNDS = 10  # polls a conversation may take (a persona closes in three or four)


def mid(entry: str, n: int) -> str:
    """The Message-ID of our ``n``th email to ``entry`` (the domain's deterministic id)."""
    slug = entry.strip("@").lower().replace(" ", "-")
    return f"<dealdesk.{CAMPAIGN}-{slug}.{n}@dealdesk.invalid>"


class Rig:
    """The children of one test on one data directory, and what the test reads of them."""

    def __init__(self, spares, gmail, sheets, settings, io_loop):
        self.spares, self.gmail, self.settings, self.io_loop = spares, gmail, settings, io_loop
        self.args = (settings.data_dir, gmail.base_url, sheets.base_url)
        self.started = []
        self.child = None

    def boot(self):
        """The next child, on the same data directory."""
        self.child = self.spares.boot(*self.args)
        self.started.append(self.child)
        return self

    def say(self, command, answer="ok"):
        self.child.write(command)
        line = self.child.line()
        assert line.startswith(answer), f"{command!r} answered {line!r}"
        return line

    def kill(self):
        self.child.kill_9()

    def restart(self):
        self.gmail.clear_faults()
        self.boot().say("start")  # settles what may have been sent, reads the mailbox, sends

    def close(self):
        for child in self.started:
            child.close()

    # -- the conversation ----------------------------------------------------------------------

    def answered(self):
        """Every persona has answered each of our emails it will answer."""
        return all(
            len(set(c.received)) <= len(c.replies) + c.after_close
            for c in self.gmail.personas.conversations()
        )

    def wait_for_answers(self):
        assert self.gmail.wait_until(self.answered), "a persona did not answer"
        assert self.gmail.personas.errors == []

    def step(self):
        """The personas answer, and the child reads their answers and answers them (``ok N``,
        or ``held`` at an armed gate)."""
        self.wait_for_answers()
        return self.say("poll", "")

    def finished(self, entries):
        negotiations = self.rows(
            "SELECT influencer_name, state FROM negotiations WHERE campaign_id = ?", CAMPAIGN
        )
        unsent = self.rows("SELECT count(*) FROM outbox WHERE status != 'sent'")[0][0]
        replies = {g for c in self.gmail.personas.conversations() for g in c.replies}
        recorded = {r.gmail_id for r in self.read(inbound_query())}
        return (
            {name for name, _ in negotiations} == set(entries)
            and all(state == "agreed" for _, state in negotiations)
            and unsent == 0
            and self.answered()
            and replies <= recorded
        )

    def converse(self, entries):
        """Let the conversation run to its end (bounded: a stuck one fails, never hangs)."""
        for _ in range(ROUNDS):
            if self.finished(entries):
                return
            self.step()
        raise AssertionError(f"not finished after {ROUNDS} rounds")

    def silence(self, entry):
        """The persona reads our next email but does not answer it (yet)."""
        persona = self.gmail.personas.get(ADDRESS[entry])
        self.gmail.personas.add(replace(persona, kind=Kind.SILENT))
        return persona

    def answer_now(self, persona, message_id):
        """The persona, itself again, answers our email ``message_id`` (on the loop, as Gmail's
        delivery would have it)."""
        self.gmail.personas.add(persona)
        [message] = self.gmail.messages_with_message_id(message_id)

        async def deliver():
            self.gmail.personas.on_sent(message)

        self.io_loop.run(deliver(), timeout=5)

    # -- the database, read-only ---------------------------------------------------------------

    def read(self, query):
        with StoreReader(database_path(self.settings)) as reader:
            return reader.run(query)

    def outbox(self, message_id):
        with StoreReader(database_path(self.settings)) as reader:
            [row] = reader.outbox(message_id=message_id)
            return row

    def outbox_with(self, status):
        with StoreReader(database_path(self.settings)) as reader:
            return [row.message_id for row in reader.outbox(status=status)]

    def rows(self, sql, *params):
        conn = sqlite3.connect(f"file:{database_path(self.settings)}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
