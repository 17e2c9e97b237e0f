"""Clients of the outside world, each behind a small interface and the one retry policy.

- ``endpoints``: where each integration points (real service, a real-protocol peer, or the
  sandbox), resolved once from settings.
- ``slack``: posting through slack_sdk's AsyncWebClient.
- ``clickup`` (API client with a per-token rate limiter), ``clickup_fields`` (decoding every
  custom-field type), ``clickup_mapping`` (fields → Campaign by ``config/campaign_fields.yaml``),
  ``clickup_events`` (webhook envelopes and idempotency keys), ``clickup_config`` (secret and
  List resolution), ``clickup_changes`` (what an update changed, and the team's messages),
  ``clickup_cli`` (the ``clickup`` and ``campaign`` commands).

Modules are imported by name, not re-exported here, so a command pays only for what it uses.
"""

__all__: list[str] = []
