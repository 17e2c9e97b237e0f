"""Tell and ask throughput through dealdesk's actors against bare pykka, in the same run.

What the runtime adds per message (typed dispatch, last-message stamp, dump support) must stay
small next to pykka's own cost. Prints a table, then one JSON line as its last line.

    python bench/actor_messaging.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from typing import Any

import pykka

from dealdesk.runtime.actor import BaseActor


@dataclass(frozen=True)
class Bump:
    pass


@dataclass(frozen=True)
class Total:
    pass


class RuntimeCounter(BaseActor):
    kind = "counter"

    def __init__(self) -> None:
        super().__init__(actor_id="counter")
        self.count = 0

    def handle(self, message: Any) -> Any:
        match message:
            case Bump():
                self.count += 1
                return None
            case Total():
                return self.count
            case _:
                return self.unhandled(message)


class BareCounter(pykka.ThreadingActor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, Bump):
            self.count += 1
            return None
        if isinstance(message, Total):
            return self.count
        return None


def measure(actor_class: type[pykka.ThreadingActor], tells: int, asks: int) -> tuple[float, float]:
    ref = actor_class.start()
    try:
        started = time.perf_counter()
        for _ in range(tells):
            ref.tell(Bump())
        assert ref.ask(Total(), timeout=120) == tells  # barrier: every tell was handled
        tell_rate = tells / (time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(asks):
            ref.ask(Total(), timeout=10)
        ask_rate = asks / (time.perf_counter() - started)
    finally:
        ref.stop()
    return tell_rate, ask_rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a short run")
    args = parser.parse_args()
    tells, asks, rounds = (20_000, 2_000, 1) if args.quick else (200_000, 20_000, 3)

    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):  # interleaved, best of N, so both see the same machine
        for name, cls in (("bare pykka", BareCounter), ("dealdesk", RuntimeCounter)):
            tell_rate, ask_rate = measure(cls, tells, asks)
            prev = best.get(name, (0.0, 0.0))
            best[name] = (max(prev[0], tell_rate), max(prev[1], ask_rate))

    print(f"{'actor':<12} {'tell msg/s':>12} {'ask msg/s':>12}")
    for name, (tell_rate, ask_rate) in best.items():
        print(f"{name:<12} {tell_rate:>12,.0f} {ask_rate:>12,.0f}")
    ours, bare = best["dealdesk"], best["bare pykka"]
    print(
        json.dumps(
            {
                "bench": "actor_messaging",
                "tells": tells,
                "asks": asks,
                "tell_per_s": round(ours[0]),
                "ask_per_s": round(ours[1]),
                "bare_tell_per_s": round(bare[0]),
                "bare_ask_per_s": round(bare[1]),
                "tell_ratio": round(ours[0] / bare[0], 3),
                "ask_ratio": round(ours[1] / bare[1], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
