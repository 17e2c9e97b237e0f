"""dealdesk.domain is pure: no module in it imports an I/O package."""

from __future__ import annotations

import ast
from pathlib import Path

import dealdesk.domain

FORBIDDEN = {
    "pykka",
    "aiohttp",
    "aiosqlite",
    "anthropic",
    "slack_sdk",
    "slack_bolt",
    "googleapiclient",
    "google",
    "httplib2",
    "sqlite3",
    "socket",
    "asyncio",
    # Not I/O packages by name, but they would be I/O reached from the domain.
    "dealdesk.runtime",
    "dealdesk.actors",
    "dealdesk.store",
    "dealdesk.integrations",
    "dealdesk.http",
    "dealdesk.sandbox",
    "requests",
    "urllib",
    "subprocess",
}
DOMAIN = Path(dealdesk.domain.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def is_forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def test_no_domain_module_imports_an_io_package() -> None:
    modules = sorted(DOMAIN.rglob("*.py"))
    assert len(modules) > 10
    offenders = {
        str(path.relative_to(DOMAIN)): sorted(m for m in imported_modules(path) if is_forbidden(m))
        for path in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_walker_would_catch_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("import asyncio\nfrom google.auth import x\nfrom pykka import ActorRef\n")
    assert {m for m in imported_modules(sample) if is_forbidden(m)} == {
        "asyncio",
        "google.auth",
        "pykka",
    }


def test_domain_exports_only_names_it_defines() -> None:
    exported = set(dealdesk.domain.__all__)
    assert {"decide", "Negotiation", "ReplyReading", "read_reply", "CpmTracker"} <= exported
    assert all(hasattr(dealdesk.domain, name) for name in exported)
