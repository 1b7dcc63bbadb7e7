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
:func:`vergoeding.core.text.printable` (no control character reaches a document).

Limits (issue 20, items 7 and 9): an organisation's template cannot loop, allocate or
recurse without end. A template file is read only when it is a regular file of at most
:data:`MAX_TEMPLATE_BYTES` in UTF-8 (Latin-1 bytes are named with their line); ``range``
yields at most :data:`MAX_ITERATIONS` values in one document together (``range(10**9)`` and
nested loops stop at once); ``*``, ``**`` and ``%`` on text, lists and numbers, and the
filters ``center``, ``indent`` and ``format``, refuse a result longer than
:data:`MAX_TEXT`; ``lipsum`` is not there; a document stops at :data:`MAX_OUTPUT` characters
and after :data:`MAX_SECONDS` seconds (a timer, where the platform has one: the main thread
of a process); an include of itself or a macro that calls itself without end stops at
Python's recursion limit. Each is a Dutch message naming the template, exit 1."""

from __future__ import annotations

import contextvars
import operator
import os
import re
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from vergoeding.core.text import printable
from vergoeding.errors import ConfigError, mask_bsns
from vergoeding.render import formatting

MAX_TEMPLATE_BYTES = 1_000_000  # a template file; the shipped ones are under 20 KB
MAX_ITERATIONS = 1_000_000  # values of range() in one document together
MAX_TEXT = 1_000_000  # characters or items made by one operator or filter
MAX_OUTPUT = 100_000_000  # characters of HTML in one document (a payout overview of 50,000 lines is ~30 MB)
MAX_SECONDS = 120  # one document; the shipped templates take well under a second


class TemplateLimit(Exception):  # noqa: N818 - a message for people, raised inside a template
    """A template went over one of the limits above."""


class _TooSlow(BaseException):
    """The timer of :func:`_deadline` went off (a BaseException: no template code swallows it)."""


_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("template_budget")


def _range(*args: int) -> Iterator[int]:
    budget = _budget.get([MAX_ITERATIONS])
    r = range(*args)
    if len(r) > budget[0]:
        raise TemplateLimit(f"de lussen (range) gaan samen boven de grens van {MAX_ITERATIONS:,} herhalingen per "
                            "document".replace(",", "."))
    budget[0] -= len(r)
    return iter(r)


def _size(value: Any) -> int:
    if isinstance(value, (str, bytes, list, tuple)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value).bit_length() // 3
    return 0


_WIDTH = re.compile(r"(\d{5,})")


def _check_spec(text: Any) -> None:
    """A format string with a width or precision of 5 digits or more ("%99999999s", "{:>99999999}")."""
    if isinstance(text, str) and _WIDTH.search(text):
        raise TemplateLimit(f"een opmaak met een breedte van {_WIDTH.search(text).group(1)[:12]} tekens is te groot")  # type: ignore[union-attr]


def _too_long(n: int) -> TemplateLimit:
    return TemplateLimit(f"deze bewerking zou {n:,} tekens of elementen maken; hoogstens {MAX_TEXT:,} per "
                         "bewerking".replace(",", "."))


def _binop(op: str, left: Any, right: Any) -> Any:
    if op == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(n, int) and _size(seq) and isinstance(seq, (str, list, tuple)) and _size(seq) * n > MAX_TEXT:
                raise _too_long(_size(seq) * n)
        if isinstance(left, int) and isinstance(right, int) and _size(left) + _size(right) > MAX_TEXT:
            raise _too_long(_size(left) + _size(right))
        return operator.mul(left, right)
    if op == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 10_000:
            raise TemplateLimit(f"een macht met exponent {min(right, 10**12):,} is te groot".replace(",", "."))
        return operator.pow(left, right)
    _check_spec(left)
    return operator.mod(left, right)


def _center(value: Any, width: int = 80) -> str:
    if width > MAX_TEXT:
        raise _too_long(width)
    return str(value).center(width)


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_spec(value)
    from jinja2.filters import do_format

    return do_format(str(value), *args, **kwargs)


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "%"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return _binop(operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_spec(value.__self__)  # "{:>999999999}".format(1)
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - as Jinja's
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):  # "x".ljust(10**9), "ab".replace("a", long text)...
            name = getattr(__obj, "__name__", "")
            if any(isinstance(a, int) and not isinstance(a, bool) and a > MAX_TEXT for a in args) and name != "count":
                raise _too_long(max(a for a in args if isinstance(a, int)))
            if name == "replace" and len(args) >= 2 and isinstance(args[1], str) \
                    and len(owner) * max(len(args[1]), 1) > MAX_TEXT:
                raise _too_long(len(owner) * len(args[1]))
        return super().call(__context, __obj, *args, **kwargs)


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`_TooSlow` in this thread after ``seconds`` (a real timer; only possible
    in the main thread of a process, else no timer: the other limits still hold)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise _TooSlow()

    previous = signal.signal(signal.SIGALRM, ring)
    outer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer[0]:
            signal.setitimer(signal.ITIMER_REAL, outer[0], outer[1])


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
            try:
                st = real.stat()
            except OSError:
                break
            if not stat.S_ISREG(st.st_mode):
                raise ConfigError(f"sjabloon {candidate} is geen gewoon bestand (een map, pipe of apparaat)")
            if st.st_size > MAX_TEMPLATE_BYTES:
                raise ConfigError(f"sjabloon {candidate} is {st.st_size // 1000:,} kB; een sjabloon mag hoogstens "
                                  f"{MAX_TEMPLATE_BYTES // 1000:,} kB zijn".replace(",", "."))
            break
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            raise ConfigError(_not_utf8(template, self.searchpath, exc)) from None


def _not_utf8(template: str, folders: list[str], exc: UnicodeDecodeError) -> str:
    data = exc.object if isinstance(exc.object, bytes) else b""
    line = data[: exc.start].count(b"\n") + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    where = next((str(Path(f, template)) for f in folders if Path(f, template).exists()), template)
    return (f"sjabloon {where}, regel {line}, teken {column}: geen UTF-8-tekst (byte 0x{data[exc.start]:02X}, "
            "waarschijnlijk Latin-1 of Windows-1252); sla het sjabloon op als UTF-8")


def _finalize(value: Any) -> Any:
    """Every printed value: no control characters, and a valid BSN in text masked (no
    template prints a full BSN: the BSN field goes through the ``mask_bsn`` filter)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return mask_bsns(printable(value, multiline=True))
    return value


def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = _Sandbox(
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
        hours_words=formatting.hours_words,
        unit_count=formatting.unit_count,
        work_text=formatting.work_text,
        percent=formatting.percent,
        mask_bsn=formatting.mask_bsn,
        address_line=formatting.address_line,
        period_label=formatting.period,
        severity_label=formatting.severity_label,
        rule_label=formatting.rule_label,
        center=_center,
        indent=_indent,
        format=_format,
        sentence=formatting.sentence,
    )
    env.globals["range"] = _range
    env.globals.pop("lipsum", None)
    return env


def _indent(value: Any, width: Any = 4, first: bool = False, blank: bool = False) -> str:
    from jinja2.filters import do_indent

    if isinstance(width, int) and width * max(str(value).count("\n") + 1, 1) > MAX_TEXT:
        raise _too_long(width)
    if isinstance(width, str) and len(width) * max(str(value).count("\n") + 1, 1) > MAX_TEXT:
        raise _too_long(len(width))
    return str(do_indent(str(value), width, first, blank))


@lru_cache(maxsize=8)
def environment(user_dir: Path | None, shipped_dir: Path) -> jinja2.Environment:
    dirs = (user_dir, shipped_dir) if user_dir else (shipped_dir,)
    return _environment(tuple(d for d in dirs if d is not None))


def _render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    token = _budget.set([MAX_ITERATIONS])
    try:
        with _deadline(MAX_SECONDS):
            parts: list[str] = []
            size = 0
            for part in env.get_template(template).generate(**context):
                size += len(part)
                if size > MAX_OUTPUT:
                    raise TemplateLimit(f"het document wordt groter dan {MAX_OUTPUT // 1_000_000} miljoen tekens")
                parts.append(part)
            return "".join(parts)
    finally:
        _budget.reset(token)


def render_html(template: str, context: dict[str, Any], *, user_dir: Path | None, shipped_dir: Path) -> str:
    env = environment(user_dir, shipped_dir)
    try:
        return _render(env, template, context)
    except TemplateLimit as exc:
        raise ConfigError(f"sjabloon {template}: {exc}; pas het sjabloon aan (een lus of bewerking zonder "
                          "grens). Er is niets geschreven.") from None
    except _TooSlow:
        raise ConfigError(f"sjabloon {template}: het maken van het document duurt langer dan {MAX_SECONDS} "
                          "seconden en is gestopt (waarschijnlijk een lus zonder einde in het sjabloon). Er is niets "
                          "geschreven.") from None
    except RecursionError:
        raise ConfigError(f"sjabloon {template} roept zichzelf steeds opnieuw aan (een include van zichzelf of een "
                          "macro die zichzelf aanroept zonder einde); pas het sjabloon aan. Er is niets "
                          "geschreven.") from None
    except MemoryError:
        raise ConfigError(f"sjabloon {template}: het document past niet in het geheugen; pas het sjabloon aan. Er "
                          "is niets geschreven.") from None
    except OverflowError as exc:
        raise ConfigError(f"sjabloon {template}: een getal of bereik is te groot ({type(exc).__name__}); pas het "
                          "sjabloon aan. Er is niets geschreven.") from None
    except _OutsideFolder as exc:
        raise ConfigError(f"sjabloon {exc.path} verwijst naar een bestand buiten de sjablonenmap {exc.folder} "
                          "(een snelkoppeling of ../); zet het sjabloon zelf in de map") from None
    except jinja2.exceptions.SecurityError:
        raise ConfigError(f"sjabloon {template}: niet toegestaan in een sjabloon (een intern onderdeel van Python "
                          "opvragen of een lijst of tabel wijzigen); een sjabloon mag alleen velden tonen en filters "
                          "gebruiken") from None
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"sjabloon {exc.name!r} niet gevonden (gezocht in {user_dir or ''} {shipped_dir})") from None
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"sjabloon {template}: onbekend veld: {_undefined(exc.message or '')}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"sjabloon {exc.filename or template}, regel {exc.lineno}: "
                          f"{_syntax(exc.message or '')}") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError) as exc:
        raise ConfigError(f"sjabloon {template}: een bewerking in het sjabloon kan niet met deze waarde "
                          f"({_PYTHON_ERRORS.get(type(exc).__name__, 'ongeldige waarde')}); pas het sjabloon "
                          "aan. Er is niets geschreven.") from None


_PYTHON_ERRORS = {"TypeError": "verkeerd soort waarde", "ValueError": "ongeldige waarde",
                  "AttributeError": "dit onderdeel bestaat niet", "KeyError": "deze sleutel bestaat niet",
                  "IndexError": "buiten de lijst", "ZeroDivisionError": "delen door nul"}


def _undefined(message: str) -> str:
    """Jinja's "'x' is undefined" / "'dict object' has no attribute 'y'" in Dutch."""
    if m := re.fullmatch(r"'(.+)' is undefined", message):
        return f"'{m.group(1)}' bestaat niet"
    if m := re.fullmatch(r"'(.+)' has no attribute '(.+)'", message):
        return f"'{m.group(2)}' bestaat niet (in {m.group(1).replace(' object', '')})"
    return "een veld dat niet bestaat"


_SYNTAX = (
    (r"unexpected end of template.*", "het sjabloon houdt op terwijl een blok nog open is (een {{% end... %}} ontbreekt)"),
    (r"Encountered unknown tag '(.+?)'.*", "onbekende opdracht '{0}' (of een {{% end... %}} zonder begin)"),
    (r"unexpected '(.+?)'", "onverwacht teken '{0}'"),
    (r"unexpected char '(.+?)'.*", "onverwacht teken '{0}'"),
    (r"expected token '(.+?)', got '(.+?)'", "verwacht '{0}', maar er staat '{1}'"),
    (r"No filter named '(.+?)'.*", "filter '{0}' bestaat niet"),
    (r"No test named '(.+?)'.*", "test '{0}' bestaat niet"),
    (r"unexpected end of string.*|unterminated string.*", "een tekst tussen aanhalingstekens wordt niet gesloten"),
)


def _syntax(message: str) -> str:
    """Jinja's syntax messages in Dutch (the usual ones; others as a general sentence)."""
    for pattern, dutch in _SYNTAX:
        if m := re.fullmatch(pattern, message, flags=re.DOTALL | re.IGNORECASE):
            return dutch.format(*m.groups())
    return "fout in de schrijfwijze van het sjabloon"
