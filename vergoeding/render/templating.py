"""One Jinja environment for every document: autoescape on, StrictUndefined, formatting only
in filters. The organisation's template folder (``--templates``) is searched first, the
shipped templates fill the gaps. A template that uses an unknown field fails with a clear
error naming the template and the field.

Templates are code that someone other than the programmer may write (an organisation's own
template folder), so they run in Jinja's **immutable sandbox**
(:class:`jinja2.sandbox.ImmutableSandboxedEnvironment`): no access to ``__class__``,
``__globals__`` and other internals (``{{ cycler.__init__.__globals__.os.popen('id') }}``
fails), no changing of lists or dicts. A template is only read from inside its folder: a
name or a symbolic link that resolves to a file outside the folder (``/etc/passwd``) is
refused. Both fail with a message that names the template. Every printed value passes
:func:`vergoeding.core.text.printable` (no control character reaches a document)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from vergoeding.core.text import printable
from vergoeding.errors import ConfigError, mask_bsns
from vergoeding.render import formatting


class _OutsideFolder(jinja2.TemplateNotFound):
    def __init__(self, name: str, path: str, folder: str) -> None:
        super().__init__(name)
        self.path, self.folder = path, folder


class _ContainedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses a template whose real path (links resolved) is not
    inside the folder it was found in."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        for folder in self.searchpath:
            base = Path(folder).resolve()
            candidate = Path(folder, *template.split("/"))
            if not os.path.lexists(candidate):
                continue
            real = candidate.resolve()
            if real != base and base not in real.parents:
                raise _OutsideFolder(template, str(candidate), str(base))
        return super().get_source(environment, template)


def _finalize(value: Any) -> Any:
    """Every printed value: no control characters, and a valid BSN in text masked (no
    template prints a full BSN: the BSN field goes through the ``mask_bsn`` filter)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return mask_bsns(printable(value, multiline=True))
    return value


def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=_ContainedLoader([str(d) for d in dirs]),
        finalize=_finalize,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        euro=formatting.euro,
        number=formatting.number,
        long_date=formatting.long_date,
        short_date=formatting.short_date,
        month_name=formatting.month_name,
        hours=formatting.hours,
        hours_decimal=formatting.hours_decimal,
        percent=formatting.percent,
        mask_bsn=formatting.mask_bsn,
        address_line=formatting.address_line,
        period_label=formatting.period,
        severity_label=formatting.severity_label,
    )
    return env


@lru_cache(maxsize=8)
def environment(user_dir: Path | None, shipped_dir: Path) -> jinja2.Environment:
    dirs = (user_dir, shipped_dir) if user_dir else (shipped_dir,)
    return _environment(tuple(d for d in dirs if d is not None))


def render_html(template: str, context: dict[str, Any], *, user_dir: Path | None, shipped_dir: Path) -> str:
    env = environment(user_dir, shipped_dir)
    try:
        return env.get_template(template).render(**context)
    except _OutsideFolder as exc:
        raise ConfigError(f"sjabloon {exc.path} verwijst naar een bestand buiten de sjablonenmap {exc.folder} "
                          "(een snelkoppeling of ../); zet het sjabloon zelf in de map") from None
    except jinja2.exceptions.SecurityError as exc:
        raise ConfigError(f"sjabloon {template}: niet toegestaan in een sjabloon ({exc}); een sjabloon mag "
                          "alleen velden tonen en filters gebruiken") from None
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"sjabloon {exc.name!r} niet gevonden (gezocht in {user_dir or ''} {shipped_dir})") from None
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"sjabloon {template}: onbekend veld: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"sjabloon {exc.filename or template}, regel {exc.lineno}: {exc.message}") from None
