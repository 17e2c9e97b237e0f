"""The settings every test starts from: no .env, an ephemeral port, retries without waiting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealdesk.runtime.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["test_settings"]


def test_settings(data_dir: Path, **overrides: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        http_port=0,
        retry_initial_s=0,
        retry_jitter_s=0,
        **({"slack_pace_s": 0} | overrides),
    )


test_settings.__test__ = False  # type: ignore[attr-defined]  # a builder, not a test
