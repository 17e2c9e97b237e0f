"""``python run.py dump --offline``: the persisted campaigns and negotiations, printed as tables
or JSON (``store.offline_dump`` reads them)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from dealdesk.store.errors import StoreError
from dealdesk.store.offline_dump import offline_snapshot
from dealdesk.store.schema import DB_FILENAME

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["run_offline_dump"]


def run_offline_dump(data_dir: Path, campaign_id: str | None, as_json: bool) -> int:
    """Print the persisted campaigns and negotiations; returns the exit status."""
    try:
        snapshot = offline_snapshot(data_dir, campaign_id)
    except StoreError as exc:
        print(f"dump: {exc}", file=sys.stderr)
        return 1
    if (
        campaign_id is not None
        and not snapshot["campaigns"]
        and not snapshot["orphan_negotiations"]
    ):
        print(f"dump: no campaign {campaign_id!r} in {data_dir / DB_FILENAME}", file=sys.stderr)
        return 1
    if as_json:
        sys.stdout.write(json.dumps(snapshot, ensure_ascii=False, indent=2) + "\n")
    else:
        _render(snapshot)
    return 0


def _render(snapshot: dict[str, Any]) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    console = Console()
    for mailbox, states in snapshot.get("outbox", {}).items():
        summary = ", ".join(f"{state}: {count}" for state, count in states.items())
        console.print(Text(f"outbox {mailbox}: {summary}"))
    if not snapshot["campaigns"] and not snapshot["orphan_negotiations"]:
        console.print(Text("no campaigns persisted yet"))
        return
    groups = [(c, c["negotiations"]) for c in snapshot["campaigns"]]
    if snapshot["orphan_negotiations"]:
        orphan = {"campaign_id": "?", "name": "(campaign row missing)", "status": "?", "states": {}}
        groups.append((orphan, snapshot["orphan_negotiations"]))
    for campaign, negotiations in groups:
        summary = ", ".join(f"{state}: {count}" for state, count in campaign["states"].items())
        title = f"campaign {campaign['campaign_id']} · {campaign['name']} · {campaign['status']}"
        table = Table(
            title=Text(title), caption=Text(summary or "no negotiations"), title_justify="left"
        )
        for column in ("influencer", "email", "state", "version", "updated (UTC)"):
            table.add_column(column, overflow="fold")
        for n in negotiations:
            cells = (
                n["influencer_name"],
                n["influencer_email"],
                n["state"],
                str(n["version"]),
                n["updated_at"],
            )
            table.add_row(*(Text(c or "") for c in cells))
        console.print(table)
