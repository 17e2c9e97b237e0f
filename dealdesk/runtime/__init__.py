"""The actor kernel pykka does not provide: what every actor of one process stands on.

- ``loop``: the I/O loop thread and the bridge both ways (actors wait on it with a timeout; the
  loop asks actors without blocking).
- ``actor``, ``supervision``, ``registry``, ``mailbox``: the base actor (typed dispatch, dumps,
  failure reports), OTP-style supervisors, names for the singletons and campaign supervisors,
  and the one module that touches pykka's internals.
- ``context``, ``settings``, ``logging``, ``retry``, ``metrics``, ``clock``, ``reports``: what
  every part is given at start (never read from globals); layers above hang their own shared
  parts on the context by a typed key (``ctx[STORE]``).

The runtime imports nothing of dealdesk above ``domain`` and ``errors`` (``tests/test_layers``);
the composition root and the commands live in ``dealdesk.app``. Modules are imported by name, not
re-exported here, so a command pays only for what it uses.
"""

__all__: list[str] = []
