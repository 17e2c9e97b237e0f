"""Command-line entry point: ``python run.py [COMMAND]`` and ``python -m dealdesk [COMMAND]``.

With no command the service runs. Each command lives in the package that owns it and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` (a function taking the parsed
``argparse.Namespace`` and returning the exit status). Commands are imported lazily, so ``audit``
does not pay for the actor runtime's imports.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from dealdesk.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["COMMANDS", "UsageError", "command_parser", "main"]

# Modules that each register one or more subcommands, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = (
    "dealdesk.app.run",
    "dealdesk.app.dump",
    "dealdesk.app.domain_commands",
    "dealdesk.app.audit_command",
    "dealdesk.app.report_command",
    "dealdesk.app.thread_command",
    "dealdesk.app.clickup_commands",
    "dealdesk.app.gmail_commands",
    "dealdesk.app.do_not_contact",
    "dealdesk.app.sandbox_command",
    "dealdesk.app.demo_command",
    "dealdesk.app.slack_command",
)


class _Handler(Protocol):
    def __call__(self, args: argparse.Namespace) -> int: ...


class UsageError(Exception):
    """A command-line value was wrong: printed as one line, exit status 2."""


def _one_line_error(message: str) -> NoReturn:
    print(f"run.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def command_parser(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """A subcommand whose usage mistakes are one line on stderr and exit status 2."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help_text)
    parser.error = _one_line_error  # type: ignore[method-assign]
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py", description="dealdesk: negotiates influencer deals by email."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMANDS:
        module = importlib.import_module(module_name)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        args = parser.parse_args(["run"])
    handler: _Handler = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:  # settings or a config file: one line per problem
        print(f"dealdesk: {exc}", file=sys.stderr)
        return 2
