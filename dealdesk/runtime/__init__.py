"""The actor runtime pykka does not provide, and the process around it.

- ``loop``: the I/O loop thread and the bridge both ways (actors wait on it with a timeout; the
  loop asks actors without blocking).
- ``actor``, ``supervision``, ``registry``: the base actor (typed dispatch, dumps, failure
  reports), OTP-style supervisors, names for the singletons and campaign supervisors.
- ``boot``, ``cli_run``, ``lease``, ``paths``: ordered start-up and shutdown, the ``run`` command,
  the single-instance lease, the files a running process keeps in its data directory.
- ``settings``, ``config_files``, ``logging``, ``retry``, ``metrics``, ``clock``, ``context``:
  what every part is given at start (never read from globals).
- ``dump``, ``cli_domain``: the ``dump``, ``price`` and ``read-reply`` commands.

Modules are imported by name, not re-exported here, so a command pays only for what it uses.
"""

__all__: list[str] = []
