"""The dealdesk service in a child process, for the scale and recovery benchmarks.

``python bench/scalekit/child.py SETTINGS_JSON`` starts what ``python run.py`` starts
(:class:`dealdesk.app.boot.System`: lease, migrations, loop, ClickUp and Slack sandboxes, every
actor, HTTP), with Gmail and Sheets pointed at the fakes the PARENT process serves
(``gmail_api_base``/``sheets_api_base``), so the mailbox, its personas and the roster outlive this
process. It prints ``READY SECONDS`` (System.start's own time), then answers commands on stdin,
one line each:

- ``submit PATH``: the campaigns in the JSON file at PATH, each through the CampaignDirectory as
  the ClickUp ingress hands them over -> ``ok SECONDS``
- ``stats``: one JSON object (actor messages handled, the activation table's peak and evictions,
  Python threads) -> ``stats {...}``
- ``stop``: an orderly shutdown -> ``stopped``

Actor messages are counted by wrapping :meth:`BaseActor.on_receive` (every dealdesk actor: the
supervisors, negotiators, the Mailroom, the AuditWriter, ...) with an ``itertools.count`` (its
``next`` is atomic under the GIL). With ``SCALE_PROFILE=PATH`` the process runs under
cProfile on every thread (``threading.setprofile``) and writes the stats to PATH at ``stop``;
with ``SCALE_PATCH=FILE`` it runs FILE first (a change tried on a module without editing it).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HANDLED = itertools.count()


def _count_messages() -> None:
    from dealdesk.runtime.actor import BaseActor

    original = BaseActor.on_receive

    def on_receive(self: BaseActor, message: Any) -> Any:
        next(HANDLED)
        return original(self, message)

    BaseActor.on_receive = on_receive  # type: ignore[method-assign]


def handled() -> int:
    return int(repr(HANDLED)[len("count(") : -1])


def _profiler(path: str) -> Any:
    """cProfile on every thread (one profiler each: cProfile is per thread in 3.11); answers
    the function that writes their merged stats to ``path``."""
    import cProfile
    import pstats

    lock = threading.Lock()
    profiles: list[cProfile.Profile] = []

    def per_thread(frame: Any, event: str, arg: Any) -> None:
        del frame, event, arg  # the thread's first event: its own profiler from here on
        mine = cProfile.Profile()
        with lock:
            profiles.append(mine)
        sys.setprofile(None)
        mine.enable()

    class Snapshot:
        """Stats of a profiler that may still be enabled on its thread (never disabled from
        another thread: that would race the thread's own use of it)."""

        def __init__(self, profile: cProfile.Profile) -> None:
            self.profile = profile
            self.stats: dict[Any, Any] = {}

        def create_stats(self) -> None:
            self.profile.snapshot_stats()
            self.stats = self.profile.stats  # type: ignore[attr-defined]

    main_profile = cProfile.Profile()
    threading.setprofile(per_thread)
    main_profile.enable()

    def dump() -> None:
        main_profile.disable()
        stats = pstats.Stats(main_profile)
        with lock:
            for other in profiles:
                try:
                    stats.add(Snapshot(other))
                except TypeError:  # a thread that ran nothing profiled
                    continue
        stats.dump_stats(path)

    return dump


def main(settings_json: str) -> None:
    profile_to = os.environ.get("SCALE_PROFILE")
    dump_profile = _profiler(profile_to) if profile_to else None
    from dealdesk.actors.campaign_messages import SubmitCampaign
    from dealdesk.app.boot import System
    from dealdesk.domain.campaign import parse_campaign
    from dealdesk.runtime.activations import ACTIVATIONS
    from dealdesk.runtime.logging import configure_logging
    from dealdesk.runtime.registry import CAMPAIGNS
    from dealdesk.runtime.settings import Settings
    from dealdesk.store import CampaignSource

    _count_messages()
    if os.environ.get("SCALE_PATCH"):  # an experiment: a change tried without editing a module
        exec(Path(os.environ["SCALE_PATCH"]).read_text(encoding="utf-8"), {})  # noqa: S102
    configure_logging("warning", json=True)  # stderr (a log file); stdout carries answers
    settings = Settings(_env_file=None, **json.loads(settings_json))  # type: ignore[call-arg]
    started = time.perf_counter()
    system = System(settings).start()
    print(f"READY {time.perf_counter() - started:.4f}", flush=True)
    assert system.ctx is not None
    ctx = system.ctx
    for line in sys.stdin:
        command, *args = line.split()
        if command == "submit":
            began = time.perf_counter()
            directory = ctx.registry.get(CAMPAIGNS)
            assert directory is not None
            for data in json.loads(Path(args[0]).read_text(encoding="utf-8")):
                campaign = parse_campaign(data)
                directory.ask(
                    SubmitCampaign(campaign, CampaignSource(task_id=campaign.id), created=True),
                    timeout=600,
                )
            print(f"ok {time.perf_counter() - began:.4f}", flush=True)
        elif command == "stats":
            table = ctx[ACTIVATIONS]
            stats = {
                "handled": handled(),
                "activations_peak": table.peak,
                "evictions": table.evictions,
                "live": table.live(),
                "python_threads": threading.active_count(),
            }
            print("stats " + json.dumps(stats), flush=True)
        elif command == "stop":
            system.stop()
            if dump_profile is not None:
                dump_profile()
            print("stopped", flush=True)
            return
        else:
            print(f"unknown command {command!r}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
