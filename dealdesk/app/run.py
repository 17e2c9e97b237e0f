"""``python run.py`` / ``python run.py run``: the long-running service.

Runs until SIGTERM or SIGINT, then shuts down in order and exits 0. Invalid settings print one
line per problem and exit 2; a data directory held by another live process exits 1, naming it.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import TYPE_CHECKING

from dealdesk.errors import DealdeskError, LeaseHeld
from dealdesk.runtime.settings import Settings, load_settings

if TYPE_CHECKING:
    import argparse
    from types import FrameType

__all__ = ["register", "settings_from_args"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("run", help="run the service (the default)")
    parser.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    parser.add_argument("--port", type=int, help="HTTP port (default: DEALDESK_HTTP_PORT or 8080)")
    parser.set_defaults(handler=run, data_dir=None, port=None)


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    if getattr(args, "port", None) is not None:
        overrides["http_port"] = args.port
    return load_settings(**overrides)


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    # Imported here: the commands that only read the database do not pay for the runtime.
    from dealdesk.app.boot import System  # noqa: PLC0415
    from dealdesk.runtime.logging import configure_logging  # noqa: PLC0415

    configure_logging(settings.log_level)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        del signum
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    system = System(settings)
    try:
        system.start()
    except LeaseHeld as exc:
        print(f"dealdesk: refusing to start: {exc}", file=sys.stderr)
        return 1
    except DealdeskError as exc:  # e.g. a database from a newer dealdesk
        print(f"dealdesk: cannot start: {exc}", file=sys.stderr)
        return 1
    # One write, so no log line from an actor thread can land inside it.
    sys.stderr.write(f"dealdesk is running at {system.http_url} (Ctrl-C to stop)\n")
    sys.stderr.flush()
    stop.wait()
    system.stop()
    return 0
