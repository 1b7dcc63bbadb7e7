"""One Jinja environment for every document: autoescape on, StrictUndefined, formatting only
in filters. The organisation's template folder (``--templates``) is searched first, the
shipped templates fill the gaps. A template that uses an unknown field fails with a clear
error naming the template and the field."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from vergoeding.errors import ConfigError
from vergoeding.render import formatting


def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
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
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"sjabloon {exc.name!r} niet gevonden (gezocht in {user_dir or ''} {shipped_dir})") from None
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"sjabloon {template}: onbekend veld: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"sjabloon {exc.filename or template}, regel {exc.lineno}: {exc.message}") from None
