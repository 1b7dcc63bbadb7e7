"""Every command that a message, a template or the docs suggest exists (issue 21, item 5).

The test collects each ``vergoeding …`` command line from the source (messages, advice, help
texts), the templates and the docs (not the generated docs/CLI.md), and resolves it with the
real click commands: each subcommand must exist, each ``--option`` must belong to the command
it follows (a group's own options only before its subcommand: ``vergoeding --db X db init``,
never ``db init --db X``), and a literal value of a choice option must be one of its choices.
A renamed option or command fails this test, naming the file and line of the suggestion."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from vergoeding.__main__ import load_cli

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "vergoeding", ROOT / "templates", ROOT / "docs", ROOT / "README.md", ROOT / "cli.py"]
_CALL = re.compile(r"(?<![\w.-])vergoeding ([a-z][\w-]*)([^'\"`\n;)|]*)")
_PLACEHOLDER = re.compile(r"[{<…]|\.\.\.|^[A-Z_]+$")


def _cli() -> click.Group:
    group = load_cli().cli
    assert isinstance(group, click.Group)
    return group


def suggestions() -> list[tuple[str, str]]:
    """(where, command line after 'vergoeding') for every suggestion in the sources."""
    root = _cli()
    top = set(root.list_commands(click.Context(root, **root.context_settings)))
    out: list[tuple[str, str]] = []
    for root in SOURCES:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in (".py", ".html", ".md"))
        for f in files:
            if f.name == "CLI.md":
                continue
            for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
                if re.match(r"\s*(from|import) vergoeding", line):
                    continue
                for m in _CALL.finditer(line):
                    if m.group(1) in top:
                        out.append((f"{f.relative_to(ROOT)}:{i}",
                                    (m.group(1) + m.group(2)).split(" #")[0].strip().rstrip("\\.,:")))
    return out


def _option(cmd: click.Command, token: str) -> click.Option | None:
    name = token.split("=", 1)[0]
    for p in cmd.params:
        if isinstance(p, click.Option) and (name in p.opts or name in p.secondary_opts):
            return p
    return None


def resolve(line: str) -> str | None:
    """None when ``vergoeding <line>`` resolves with the real parser, else what is wrong."""
    cmd: click.Command = _cli()
    # contexts as click makes them (the root's settings, e.g. -h): click keeps a command's help
    # option once made, so a bare Context here would change the generated docs/CLI.md
    ctx = click.Context(cmd, info_name="vergoeding", **cmd.context_settings)
    tokens = line.split()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("-") and len(tok) > 1 and not tok[1:2].isdigit():
            if tok in ("-h", "--help"):
                return None
            opt = _option(cmd, tok)
            if opt is None:
                return f"'{tok}' is geen optie van '{ctx.command_path}'"
            if not opt.is_flag and "=" not in tok and i + 1 < len(tokens):
                value = tokens[i + 1].strip("'\"")
                if isinstance(opt.type, click.Choice) and not _PLACEHOLDER.search(value) \
                        and value not in opt.type.choices:
                    return f"'{tok} {value}': kies uit {', '.join(map(str, opt.type.choices))}"
                i += 1
            i += 1
            continue
        if isinstance(cmd, click.Group):
            end = tok.endswith(":")  # "vergoeding web: ..." is a log line's prefix: the command ends here
            tok = tok.rstrip(":")
            if "/" in tok and cmd.get_command(ctx, tok) is None:  # "user invite/revoke/list": each must exist
                missing = [t for t in tok.split("/") if cmd.get_command(ctx, t) is None]
                return f"'{ctx.command_path} {missing[0]}' bestaat niet" if missing else None
            sub = cmd.get_command(ctx, tok)
            if sub is None:
                if _PLACEHOLDER.search(tok):
                    return None
                return f"'{ctx.command_path} {tok}' bestaat niet"
            cmd, ctx = sub, click.Context(sub, info_name=tok, parent=ctx, **sub.context_settings)
            if end:
                return None
        i += 1
    return None


ALL = suggestions()


def test_the_sources_suggest_commands() -> None:
    assert len(ALL) > 100  # the collector works: messages, templates and docs name many commands


@pytest.mark.parametrize(("where", "line"), ALL, ids=[w for w, _ in ALL])
def test_a_suggested_command_resolves(where: str, line: str) -> None:
    problem = resolve(line)
    assert problem is None, f"{where}: 'vergoeding {line}': {problem}"


def test_the_resolver_catches_what_it_should() -> None:
    assert resolve("db init --db x.db") == "'--db' is geen optie van 'vergoeding db init'"
    assert resolve("--db x.db db init") is None
    assert resolve("payout --period 2026-11 --out MAP --reprint") is None
    assert resolve("payout --periode 2026-11") == "'--periode' is geen optie van 'vergoeding payout'"
    assert resolve("invoice maak") == "'vergoeding invoice maak' bestaat niet"
