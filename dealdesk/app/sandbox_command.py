"""``sandbox serve``: the sandbox fakes stand-alone, as a separate process dealdesk can talk to.

``python run.py sandbox serve [--services gmail,sheets,clickup,slack] [--host 127.0.0.1]
[--port-base N] [--reply-delay S] [--gmail-address ADDR] [--clickup-webhook URL]`` starts the
chosen fakes (default: all four), each on its own port (``N``, ``N+1``, … in the order given;
``0``, the default, lets the system pick), and serves until SIGINT or SIGTERM (then exit 0).

Standard output is for programs: one line per fake, ``<service> <base URL>`` (for example
``gmail http://127.0.0.1:40123/``), then ``READY``, flushed. Standard error is for people: what
to set so a dealdesk talks to these fakes instead of its in-process sandbox, e.g.::

    DEALDESK_GMAIL_API_BASE=http://127.0.0.1:40123/
    DEALDESK_SHEETS_API_BASE=http://127.0.0.1:40124/
    DEALDESK_SHEETS_SPREADSHEET_ID=sandbox-roster

This is the real-protocol peer contract: an ``*_API_BASE`` set without a credential makes the real
client (google-api-python-client for Gmail and Sheets) talk, unauthenticated, to that address in
the service's own REST format, exactly as it talks to Google. The fakes here are the same ones the
in-process sandbox runs: the Gmail fake's personas (the default cast) answer what dealdesk sends
them after ``--reply-delay`` seconds (default 1), the Sheets fake serves the example roster as
spreadsheet ``sandbox-roster``, tab ``Roster``. ClickUp and Slack need their fake's fixed token
set as the credential (printed too); ``--clickup-webhook`` points the ClickUp fake's webhook at a
dealdesk's ``/webhooks/clickup``. ``anthropic`` (only when named) is the sandbox Messages API: a
dealdesk with ``DEALDESK_ANTHROPIC_API_BASE`` and its key (printed) uses it as the model.

A wrong ``--services`` value or flag is one line and exit 2; a port that cannot be bound is one
line and exit 1.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import TYPE_CHECKING, TextIO

from dealdesk.app.cli import UsageError, command_parser
from dealdesk.runtime.settings import Service

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import FrameType

    from dealdesk.sandbox.base import FakeServer

__all__ = ["SERVICES", "parse_services", "register", "serve_fakes"]

SERVICES: tuple[Service, ...] = (Service.GMAIL, Service.SHEETS, Service.CLICKUP, Service.SLACK)
# Served only when named: the model stays off unless a dealdesk is pointed at it.
OPTIONAL: tuple[Service, ...] = (Service.ANTHROPIC,)
_START_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 10.0

# What a dealdesk sets to use each fake instead of its own in-process sandbox.
_BASE_VARIABLE = {
    Service.GMAIL: "DEALDESK_GMAIL_API_BASE",
    Service.SHEETS: "DEALDESK_SHEETS_API_BASE",
    Service.CLICKUP: "DEALDESK_CLICKUP_API_BASE",
    Service.SLACK: "DEALDESK_SLACK_API_BASE",
    Service.ANTHROPIC: "DEALDESK_ANTHROPIC_API_BASE",
}
_DEFAULT_VARIABLES = {  # app_defaults key -> setting
    "address": "DEALDESK_GMAIL_ADDRESS",
    "spreadsheet_id": "DEALDESK_SHEETS_SPREADSHEET_ID",
    "list_id": "DEALDESK_CLICKUP_LIST_ID",
    "webhook_secret": "DEALDESK_CLICKUP_WEBHOOK_SECRET",
}
_TOKEN_VARIABLE = {  # services whose fake checks the token the client sends
    Service.CLICKUP: "DEALDESK_CLICKUP_TOKEN",
    Service.SLACK: "DEALDESK_SLACK_BOT_TOKEN",
    Service.ANTHROPIC: "DEALDESK_ANTHROPIC_API_KEY",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sandbox = command_parser(subparsers, "sandbox", "the sandbox fakes as a stand-alone server")
    actions = sandbox.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    serve = command_parser(actions, "serve", "serve the chosen fakes until SIGINT/SIGTERM")
    serve.add_argument(
        "--services",
        default=",".join(s.value for s in SERVICES),
        help="comma-separated, from: "
        + ", ".join(s.value for s in (*SERVICES, *OPTIONAL))
        + f" (default: {','.join(s.value for s in SERVICES)})",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument(
        "--port-base",
        type=int,
        default=0,
        help="the first fake's port, the next one +1, and so on (default 0: any free port)",
    )
    serve.add_argument(
        "--reply-delay",
        type=float,
        default=1.0,
        help="seconds before a Gmail persona answers (default 1)",
    )
    serve.add_argument("--gmail-address", help="the Gmail fake's mailbox address")
    serve.add_argument("--clickup-webhook", help="where the ClickUp fake delivers webhooks")
    serve.set_defaults(handler=serve_command)


def parse_services(text: str) -> list[Service]:
    """``"gmail,sheets"`` -> the services, in the order given, each once; UsageError otherwise."""
    known = {s.value: s for s in (*SERVICES, *OPTIONAL)}
    chosen: list[Service] = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if name not in known:
            shown = raw.strip() or "(empty)"
            raise UsageError(
                f"--services: unknown service {shown!r} (choose from {', '.join(known)})"
            )
        if known[name] not in chosen:
            chosen.append(known[name])
    return chosen


def _check(args: argparse.Namespace) -> list[Service]:
    services = parse_services(args.services)
    if not 0 <= args.port_base <= 65535:
        raise UsageError(f"--port-base {args.port_base} is not a port (0 for any)")
    if args.port_base and args.port_base + len(services) - 1 > 65535:
        raise UsageError(f"--port-base {args.port_base} leaves no room for {len(services)} ports")
    if not args.reply_delay >= 0:
        raise UsageError(f"--reply-delay {args.reply_delay} must be 0 or more seconds")
    if args.clickup_webhook and not str(args.clickup_webhook).startswith(("http://", "https://")):
        raise UsageError(f"--clickup-webhook {args.clickup_webhook!r} must be an http(s) URL")
    return services


def serve_command(args: argparse.Namespace) -> int:
    services = _check(args)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        del signum
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return serve_fakes(
        services,
        stop,
        host=args.host,
        port_base=args.port_base,
        reply_delay=args.reply_delay,
        gmail_address=args.gmail_address,
        clickup_webhook=args.clickup_webhook,
    )


def _make(service: Service, host: str, port: int, gmail_address: str | None) -> FakeServer:
    from dealdesk.sandbox.gmail import FakeGmail  # noqa: PLC0415
    from dealdesk.sandbox.manager import FAKES  # noqa: PLC0415

    if service is Service.GMAIL and gmail_address:
        return FakeGmail(host, port, address=gmail_address)
    return FAKES[service][0](host, port)


def serve_fakes(
    services: Sequence[Service],
    stop: threading.Event,
    *,
    host: str = "127.0.0.1",
    port_base: int = 0,
    reply_delay: float = 1.0,
    gmail_address: str | None = None,
    clickup_webhook: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Start ``services``' fakes on an I/O loop, announce them, serve until ``stop`` is set."""
    # Imported here: `--help` and the other commands do not pay for the loop and aiohttp.
    from dealdesk.runtime.loop import IoLoop  # noqa: PLC0415
    from dealdesk.sandbox.gmail import FakeGmail  # noqa: PLC0415
    from dealdesk.sandbox.manager import FAKES  # noqa: PLC0415
    from dealdesk.sandbox.sheets import FakeSheets  # noqa: PLC0415

    out = out or sys.stdout
    err = err or sys.stderr
    loop = IoLoop(name="sandbox-io-loop").start()
    started: list[tuple[Service, FakeServer]] = []
    try:
        for index, service in enumerate(services):
            port = port_base + index if port_base else 0
            fake = _make(service, host, port, gmail_address)
            try:
                loop.run(fake.start(), timeout=_START_TIMEOUT_S)
            except OSError as exc:
                print(f"dealdesk: cannot serve {service.value} on {host}:{port}: "
                      f"{exc.strerror or exc}", file=err)  # fmt: skip
                return 1
            started.append((service, fake))
            if isinstance(fake, FakeGmail):
                fake.personas.delay_s = reply_delay
            if service is Service.CLICKUP and clickup_webhook:
                fake.call_back(clickup_webhook)
        hints = ["To point a dealdesk at these fakes, set:"]
        for service, fake in started:
            url = fake.base_url + "/"
            out.write(f"{service.value} {url}\n")
            hints.append(f"  {_BASE_VARIABLE[service]}={url}")
            if service in _TOKEN_VARIABLE:
                hints.append(f"  {_TOKEN_VARIABLE[service]}={FAKES[service][1]}")
            for key, value in fake.app_defaults().items():
                if key in _DEFAULT_VARIABLES:
                    hints.append(f"  {_DEFAULT_VARIABLES[key]}={value}")
            if isinstance(fake, FakeSheets):
                hints.append("  (the roster is tab Roster: DEALDESK_SHEETS_ROSTER_TAB=Roster)")
        out.write("READY\n")
        out.flush()
        err.write("\n".join(hints) + "\nServing until Ctrl-C (SIGINT) or SIGTERM.\n")
        err.flush()
        stop.wait()
        return 0
    finally:
        for _service, fake in reversed(started):
            try:
                loop.run(fake.stop(), timeout=_STOP_TIMEOUT_S)
            except (RuntimeError, TimeoutError) as exc:
                print(f"dealdesk: {fake.service} did not stop cleanly: {exc}", file=err)
        loop.stop()
