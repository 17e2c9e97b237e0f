"""The top layer: the composition root and the commands.

``boot`` builds one running process (settings → store → loop → sandbox → actors → HTTP) and
stops it in reverse; ``cli`` is the entry point of ``run.py`` and ``python -m dealdesk``, and
every subcommand lives here (``run``, ``dump``, ``price``, ``read-reply``, ``audit``,
``campaign``, ``clickup``), with the config-file loaders and the data directory's lease.

Layers, top to bottom (a module imports only its own layer and those below; ``tests/test_layers``
walks every import)::

    app  >  http, actors  >  integrations, store, sandbox  >  runtime  >  domain  >  errors

Modules are imported by name, not re-exported here, so a command pays only for what it uses.
"""

__all__: list[str] = []
