"""``python run.py dump``: the live actor tree of the running process.

Reads ``runtime.json`` and the admin token from the data directory and asks the process's
``/admin/actors`` (loopback only). ``--json`` for machines, ``--campaign ID`` to filter,
``--offline`` to read persisted states from the database when nothing runs. With no process
running (and no ``--offline``) it says so in one line and exits 1.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

from dealdesk.app.lease import holder_pid
from dealdesk.app.paths import ADMIN_TOKEN_FILE, RUNTIME_FILE
from dealdesk.app.run import settings_from_args

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

__all__ = ["fetch_tree", "register", "render_tree"]


# Fields every snapshot has; an actor's own fields are shown after them.
_SHOWN = frozenset({"kind", "id", "state", "mailbox", "restarts", "children", "last_message_at"})


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("dump", help="print the live actor tree")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--campaign", metavar="ID", help="only this campaign's supervisor")
    parser.add_argument(
        "--offline", action="store_true", help="read persisted states from the database"
    )
    parser.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    parser.set_defaults(handler=dump)


class NotRunningError(Exception):
    pass


def fetch_tree(data_dir: Path, timeout: float = 10.0) -> dict[str, Any]:
    pid = holder_pid(data_dir)
    runtime_file = data_dir / RUNTIME_FILE
    if pid is None or not runtime_file.exists():
        raise NotRunningError(f"dealdesk is not running on {data_dir} (no process holds it)")
    info = json.loads(runtime_file.read_text())
    token = (data_dir / ADMIN_TOKEN_FILE).read_text().strip()
    request = urllib.request.Request(  # noqa: S310 - the URL is our own loopback address
        f"{info['http']}/admin/actors", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            tree: dict[str, Any] = json.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise NotRunningError(f"dealdesk (pid {pid}) did not answer: {exc}") from exc
    return tree


def _filter_campaign(tree: dict[str, Any], campaign_id: str) -> dict[str, Any]:
    """The tree with every campaign supervisor but ``campaign_id``'s left out (at any depth)."""
    wanted = f"campaign:{campaign_id}"
    children = [
        _filter_campaign(c, campaign_id)
        for c in tree.get("children", [])
        if c.get("kind") != "campaign_supervisor" or c.get("id") in (wanted, campaign_id)
    ]
    return {**tree, "children": children} if "children" in tree else tree


def render_tree(tree: dict[str, Any]) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.tree import Tree  # noqa: PLC0415

    def label(node: dict[str, Any]) -> str:
        extras = {
            k: v
            for k, v in node.items()
            if k
            not in {"kind", "id", "state", "mailbox", "restarts", "children", "last_message_at"}
        }
        extra = "  " + " ".join(f"{k}={v}" for k, v in extras.items()) if extras else ""
        return (
            f"[bold]{node.get('kind')}[/] {node.get('id')}  state=[cyan]{node.get('state')}[/]"
            f"  mailbox={node.get('mailbox')}  restarts={node.get('restarts')}{extra}"
        )

    def add(parent: Tree, node: dict[str, Any]) -> None:
        branch = parent.add(label(node))
        for child in node.get("children", []):
            add(branch, child)

    root = Tree(label(tree))
    for child in tree.get("children", []):
        add(root, child)
    Console().print(root)


def dump(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if args.offline:
        from dealdesk.app.offline_dump import run_offline_dump  # noqa: PLC0415

        status: int = run_offline_dump(settings.data_dir, args.campaign, as_json=args.json)
        return status
    try:
        tree = fetch_tree(settings.data_dir)
    except NotRunningError as exc:
        print(f"dealdesk: {exc}", file=sys.stderr)
        return 1
    if args.campaign:
        tree = _filter_campaign(tree, args.campaign)
    if args.json:
        print(json.dumps(tree, indent=2))
    else:
        render_tree(tree)
    return 0
