"""The model at start-up: DEALDESK_MODEL=sandbox starts the sandbox Anthropic and negotiators
use it; a wrong model id or a bad playbook stops start-up with one line naming what to fix; off
(the default without a key) starts no model at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from dealdesk.actors.negotiator_model import MODEL
from dealdesk.app.boot import System
from dealdesk.app.model_wiring import load_model_playbook
from dealdesk.errors import ConfigError
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.anthropic import SANDBOX_ANTHROPIC_KEY, FakeAnthropic
from tests.support.settings import test_settings

REPO = Path(__file__).resolve().parents[2]


def test_with_the_model_off_no_model_runs(settings):
    assert settings.model_mode == "off"
    system = System(settings).start()
    try:
        assert system.ctx is not None
        assert system.ctx[MODEL].pen is None
        assert Service.ANTHROPIC not in system.sandbox.urls()
    finally:
        system.stop()


def test_with_the_sandbox_model_negotiators_have_a_probed_model(data_dir):
    settings = test_settings(data_dir, model="sandbox")
    system = System(settings).start()
    try:
        assert system.ctx is not None
        pen = system.ctx[MODEL].pen
        assert pen is not None
        fake = system.sandbox.get(Service.ANTHROPIC)
        assert fake is not None
        assert len(fake.calls("messages")) == 1  # the probe
        assert pen.playbook.template_fallback is True
    finally:
        system.stop()


def test_a_wrong_model_id_stops_start_up_naming_the_setting(data_dir):
    settings = test_settings(data_dir, model="sandbox", anthropic_model="claude-sonet-5")
    with pytest.raises(ConfigError, match="DEALDESK_ANTHROPIC_MODEL") as raised:
        System(settings).start()
    assert "claude-sonet-5" in str(raised.value)


def test_run_py_with_a_wrong_model_id_refuses_with_one_line(data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEALDESK_", "ANTHROPIC_"))}
    env |= {
        "DEALDESK_DATA_DIR": str(data_dir),
        "DEALDESK_HTTP_PORT": "0",
        "DEALDESK_MODEL": "sandbox",
        "DEALDESK_ANTHROPIC_MODEL": "claude-nope-1",
    }
    result = subprocess.run(
        [sys.executable, "run.py"], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("dealdesk: cannot start:")]
    assert "DEALDESK_ANTHROPIC_MODEL" in line
    assert "claude-nope-1" in line


def test_a_missing_or_bad_playbook_file_is_a_start_up_error(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    assert load_model_playbook(config).text.strip()
    (config / "playbook" / "emails.md").write_text("   \n")
    with pytest.raises(ConfigError, match=r"emails\.md.*empty"):
        load_model_playbook(config)
    (config / "playbook" / "emails.md").unlink()
    with pytest.raises(ConfigError, match=r"missing playbook files \['emails\.md'\]"):
        load_model_playbook(config)


def test_a_playbook_front_matter_says_whether_the_template_may_stand_in(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    voice = config / "playbook" / "voice.md"
    body = voice.read_text().split("---\n", 2)[2]
    voice.write_text("---\ntemplate_fallback: false\n---\n" + body)
    assert load_model_playbook(config).template_fallback is False
    voice.write_text("---\ntemplate_fallbak: false\n---\n" + body)
    with pytest.raises(ConfigError, match="unknown front matter keys"):
        load_model_playbook(config)


def test_an_api_base_points_the_real_sdk_at_a_peer_speaking_the_messages_api(data_dir, io_loop):
    peer = FakeAnthropic()
    io_loop.run(peer.start(), timeout=5)
    try:
        settings = test_settings(
            data_dir,
            anthropic_api_base=peer.base_url,
            anthropic_api_key=SecretStr(SANDBOX_ANTHROPIC_KEY),
        )
        assert settings.model_mode == "anthropic"  # a key or an address: the model is on
        system = System(settings).start()
        try:
            assert system.ctx is not None
            assert system.ctx[MODEL].pen is not None
            assert Service.ANTHROPIC not in system.sandbox.urls()  # no in-process fake
            assert len(peer.calls("messages")) == 1  # the probe reached the peer
        finally:
            system.stop()
    finally:
        io_loop.run(peer.stop(), timeout=5)


def test_an_api_base_without_the_peers_key_stops_start_up_naming_the_key(data_dir, io_loop):
    peer = FakeAnthropic()
    io_loop.run(peer.start(), timeout=5)
    try:
        settings = test_settings(data_dir, anthropic_api_base=peer.base_url)
        with pytest.raises(ConfigError, match="DEALDESK_ANTHROPIC_API_KEY"):
            System(settings).start()
    finally:
        io_loop.run(peer.stop(), timeout=5)
