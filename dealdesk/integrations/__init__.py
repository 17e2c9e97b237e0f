"""Clients of the outside world: one package per service, each behind the one retry policy.

- ``endpoints``: where each integration points (real service, a real-protocol peer, or the
  sandbox), resolved once from settings.
- ``clickup``: the API client, webhook envelopes, custom-field decoding, the campaign mapping.
- ``slack``: the Web API gateway, its error classifier, and every message the team reads.
- ``anthropic``, ``google``: for now, how their SDKs' failures read to the retry policy.

Each package exports its public names from its ``__init__``; a package is imported by name, not
re-exported here, so a command pays only for what it uses.
"""

__all__: list[str] = []
