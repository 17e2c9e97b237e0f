"""``run.py sandbox serve``: the fakes stand-alone, announced one line each then READY, each
answering in its service's own format at the printed address, stopped cleanly by a signal; a
wrong value is one line and exit 2, a taken port one line and exit 1."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import threading
import urllib.request

import pytest

from dealdesk.app.cli import main
from dealdesk.app.sandbox_command import parse_services, serve_fakes
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.clickup import SANDBOX_CLICKUP_TOKEN
from dealdesk.sandbox.gmail import DEFAULT_ADDRESS
from dealdesk.sandbox.sheets import SANDBOX_SPREADSHEET_ID
from dealdesk.sandbox.slack import SANDBOX_BOT_TOKEN
from tests.support.sandbox_server import sandbox_server


def fetch(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_announces_every_fake_then_ready_each_speaks_its_format_and_sigint_stops_it(
    tmp_path,
):
    with sandbox_server(log=tmp_path / "serve.log") as server:
        lines = server.announced
        assert [line.split()[0] for line in lines] == [
            "gmail",
            "sheets",
            "clickup",
            "slack",
            "READY",
        ]
        urls = server.urls
        assert len(set(urls.values())) == 4
        assert all(u.startswith("http://127.0.0.1:") and u.endswith("/") for u in urls.values())

        status, profile = fetch(urls["gmail"] + "gmail/v1/users/me/profile")
        assert (status, profile["emailAddress"]) == (200, DEFAULT_ADDRESS)
        status, values = fetch(
            f"{urls['sheets']}v4/spreadsheets/{SANDBOX_SPREADSHEET_ID}/values/Roster"
        )
        assert status == 200
        assert values["values"][0][:4] == ["Name", "Handle", "Platform", "Email"]
        status, task = fetch(
            urls["clickup"] + "api/v2/task/nope", headers={"Authorization": SANDBOX_CLICKUP_TOKEN}
        )
        assert (status, task["ECODE"]) == (404, "ITEM_013")
        status, auth = fetch(
            urls["slack"] + "api/auth.test",
            data=b"",
            headers={"Authorization": f"Bearer {SANDBOX_BOT_TOKEN}"},
        )
        assert (status, auth["ok"]) == (200, True)

        assert server.stop(signal.SIGINT) == 0
    hints = (tmp_path / "serve.log").read_text()
    assert f"DEALDESK_GMAIL_API_BASE={urls['gmail']}" in hints
    assert f"DEALDESK_SHEETS_SPREADSHEET_ID={SANDBOX_SPREADSHEET_ID}" in hints


def test_only_the_chosen_services_are_served_in_the_order_given(tmp_path):
    with sandbox_server("--services", "sheets, GMAIL,sheets", "--reply-delay", "0") as server:
        assert [line.split()[0] for line in server.announced] == ["sheets", "gmail", "READY"]
        assert server.stop(signal.SIGTERM) == 0


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--services", "gmail,nope"], "unknown service 'nope'"),
        (["--services", ""], "unknown service '(empty)'"),
        (["--services", "gmail,,sheets"], "unknown service '(empty)'"),
        (["--port-base", "70000"], "--port-base 70000 is not a port"),
        (["--port-base", "65535", "--services", "gmail,sheets"], "leaves no room for 2 ports"),
        (["--reply-delay", "-1"], "--reply-delay -1.0 must be 0 or more"),
        (["--clickup-webhook", "ftp://x"], "must be an http(s) URL"),
    ],
)
def test_a_wrong_value_is_one_line_and_exit_status_2(capsys, argv, said):
    assert main(["sandbox", "serve", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert said in err[0]
    assert err[0].startswith("run.py: error: ")


def test_services_are_read_case_and_space_insensitively_each_once():
    assert parse_services(" Slack ,gmail,slack") == [Service.SLACK, Service.GMAIL]


def _serve_in_thread(**options):
    """serve_fakes on a thread, its stdout through a pipe (reading it is the barrier)."""
    read_fd, write_fd = os.pipe()
    out = os.fdopen(write_fd, "w")
    err = io.StringIO()
    stop = threading.Event()
    result: list[int] = []

    def run() -> None:
        try:
            result.append(serve_fakes(stop=stop, out=out, err=err, **options))
        finally:
            out.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return os.fdopen(read_fd), stop, thread, result, err


def test_port_base_puts_the_first_fake_on_that_port():
    with socket.socket() as probe:  # a port the system just had free
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lines, stop, thread, result, _err = _serve_in_thread(services=[Service.GMAIL], port_base=port)
    with lines:
        assert lines.readline() == f"gmail http://127.0.0.1:{port}/\n"
        assert lines.readline() == "READY\n"
        stop.set()
        thread.join(10)
    assert result == [0]


def test_a_port_that_is_taken_is_one_line_and_exit_status_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        lines, _stop, thread, result, err = _serve_in_thread(
            services=[Service.SHEETS], port_base=port
        )
        with lines:
            assert lines.read() == ""  # nothing announced, no READY
        thread.join(10)
    assert result == [1]
    [line] = err.getvalue().strip().splitlines()
    assert line.startswith(f"dealdesk: cannot serve sheets on 127.0.0.1:{port}: ")


def test_the_sandbox_anthropic_is_served_when_named_with_what_to_set():
    assert Service.ANTHROPIC not in parse_services("gmail,sheets,clickup,slack")
    assert parse_services("anthropic") == [Service.ANTHROPIC]
    lines, stop, thread, result, err = _serve_in_thread(services=[Service.ANTHROPIC])
    with lines:
        service, url = lines.readline().split()
        assert service == "anthropic"
        assert lines.readline() == "READY\n"
        stop.set()
        thread.join(10)
    assert result == [0]
    assert f"DEALDESK_ANTHROPIC_API_BASE={url}" in err.getvalue()
    assert "DEALDESK_ANTHROPIC_API_KEY=sk-ant-sandbox" in err.getvalue()
