"""Every command of the CLI, walked from the root group: the paths that test_cli_frame and
test_cli_dutch run ``--help`` (and more) over."""

from __future__ import annotations

from collections.abc import Iterator

import click

from vergoeding.__main__ import load_cli


def commands(cmd: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """``path`` and, for a group, every command below it (depth first, in listing order)."""
    yield path
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None:
                yield from commands(sub, (*path, name))


def all_commands() -> list[tuple[str, ...]]:
    """Every command path of ``vergoeding``, the root itself first as ``()``."""
    return list(commands(load_cli().cli))
