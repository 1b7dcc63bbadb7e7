"""Click in Dutch: its own messages, help headings and metavars.

Click marks every text it shows with ``gettext`` (``from gettext import gettext as _`` in each
of its modules). A gettext catalogue would follow the user's ``LANG``; this program speaks Dutch
whatever the locale, so :func:`install` binds ``_`` and ``ngettext`` in click's modules to a
plain dictionary lookup instead. No catalogue file, no locale data, nothing to compile: it costs
a dictionary and works the same from a checkout and from the installed wheel.

:func:`install` must run before any command is defined (``click.Path`` names its metavar in
its constructor), so ``cli.py`` calls it right after ``import click``. A message click adds in
a later version and that is missing here falls back to the English text; the test
``tests/test_cli_dutch.py`` reads click's source and fails on every message not translated.
"""

from __future__ import annotations

import sys
from typing import Any

# msgid (click's English) -> Dutch. Plural forms are keyed by the singular msgid.
MESSAGES: dict[str, str] = {
    # help page
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon het versienummer en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "env var: {var}": "omgevingsvariabele: {var}",
    "default: {default}": "standaard: {default}",
    "required": "verplicht",
    "(dynamic)": "(wisselend)",
    "deprecated": "verouderd",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "Choice({choices})": "Keuze({choices})",
    # errors
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Aborted!": "Afgebroken.",
    "unknown error": "onbekende fout",
    "Missing command.": "Geef een opdracht.",
    "Missing argument": "Ontbrekend argument",
    "Missing option": "Ontbrekende optie",
    "Missing parameter": "Ontbrekende waarde",
    "Missing {param_type}": "Ontbrekend: {param_type}",
    "Missing parameter: {param_name}": "Ontbrekende waarde: {param_name}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "Did you mean {possibility}?": "Bedoelt u {possibility}?",
    "Got unexpected extra argument ({args})": "Onverwacht extra argument ({args})",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Option {name!r} requires an argument.": "Optie {name!r} heeft een waarde nodig.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} neemt {nargs} waarden.",
    "Invalid start character for option ({option})": "Ongeldig beginteken voor een optie ({option})",
    "Takes {nargs} values but 1 was given.": "Neemt {nargs} waarden, maar er is er 1 gegeven.",
    "Value must be an iterable.": "De waarde moet een reeks zijn.",
    "Could not open file {filename!r}: {message}": "Kan bestand {filename!r} niet openen: {message}",
    "{value!r} is not {choice}.": "{value!r} is geen geldige keuze; kies {choice}.",
    "{value!r} does not match the format {format}.": "{value!r} past niet bij het formaat {format}.",
    "{value} is not in the range {range}.": "{value} valt buiten het bereik {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} is geen geldige ja/nee-waarde. Toegestaan: {states}",
    "{len_type} values are required, but {len_value} was given.":
        "Er zijn {len_type} waarden nodig, maar er is er {len_value} gegeven.",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "{value!r} is not a valid UUID.": "{value!r} is geen geldige UUID.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} is niet uitvoerbaar.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    # prompts and terminal
    "Do you want to continue?": "Wilt u doorgaan?",
    "Confirm the action without prompting.": "Bevestig zonder te vragen.",
    "Press any key to continue...": "Druk op een toets om door te gaan...",
    "Repeat for confirmation": "Herhaal ter bevestiging",
    "Error: The two entered values do not match.": "Fout: de twee ingevoerde waarden verschillen.",
    "Error: invalid input": "Fout: ongeldige invoer",
    "Unknown color {colour!r}": "Onbekende kleur {colour!r}",
    "Unknown standard stream '{name}'": "Onbekende standaardstroom '{name}'",
    "{editor}: Editing failed": "{editor}: bewerken mislukt",
    "{editor}: Editing failed: {e}": "{editor}: bewerken mislukt: {e}",
    "Windows error: {error}": "Windows-fout: {error}",
    "Couldn't detect Bash version, shell completion is not supported.":
        "Kan de Bash-versie niet bepalen; aanvullen in de shell werkt niet.",
    "Shell completion is not supported for Bash versions older than 4.4.":
        "Aanvullen in de shell werkt pas vanaf Bash 4.4.",
    "d": "d",
    # programming errors (only a developer sees these)
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Let op: de opdracht {name!r} is verouderd.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Let op: {param_type} {name!r} is verouderd.{extra_message}",
    "Could not determine name for option with declarations {decls!r}":
        "Kan geen naam bepalen voor de optie met declaraties {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?":
        "Geen opties gedefinieerd maar wel een naam ({name}). Bedoelt u een argument, of '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "Een argument heeft precies één declaratie, niet {length}: {decls}.",
    "Name '{name}' defined twice": "Naam '{name}' twee keer gedefinieerd",
    "Boolean option {decl!r} cannot use the same flag for true/false.":
        "Ja/nee-optie {decl!r} kan niet dezelfde vlag voor ja en nee gebruiken.",
}

# Plural forms: singular msgid -> Dutch plural.
PLURALS: dict[str, str] = {
    "Did you mean {possibility}?": "(Bedoelt u een van: {possibilities}?)",
    "Got unexpected extra argument ({args})": "Onverwachte extra argumenten ({args})",
    "Option {name!r} requires an argument.": "Optie {name!r} heeft {nargs} waarden nodig.",
    "Takes {nargs} values but 1 was given.": "Neemt {nargs} waarden, maar er zijn er {len} gegeven.",
    "{value!r} is not {choice}.": "{value!r} is geen geldige keuze; kies uit {choices}.",
    "{value!r} does not match the format {format}.": "{value!r} past niet bij de formaten {formats}.",
    "{len_type} values are required, but {len_value} was given.":
        "Er zijn {len_type} waarden nodig, maar er zijn er {len_value} gegeven.",
}

# Parameter type names; click shows them upper-cased as metavars (TEXT -> TEKST).
TYPE_NAMES: dict[str, str] = {
    "StringParamType": "tekst",
    "UnprocessedParamType": "tekst",
    "IntParamType": "getal",
    "IntRange": "getal",
    "FloatParamType": "getal",
    "FloatRange": "getal",
    "BoolParamType": "ja/nee",
    "UUIDParameterType": "uuid",
    "DateTime": "datum-tijd",
    "File": "bestand",
}

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
                  "shell_completion", "_termui_impl")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if n == 1:
        return gettext(singular)
    return PLURALS.get(singular, plural)


# Words click writes into a usage line itself (not through gettext).
USAGE_WORDS: tuple[tuple[str, str], ...] = (
    ("[OPTIONS]", "[OPTIES]"),
    ("COMMAND [ARGS]...", "OPDRACHT [ARGUMENTEN]..."),
)


def dutch_usage(args: str) -> str:
    for english, dutch in USAGE_WORDS:
        args = args.replace(english, dutch)
    return args


def install() -> None:
    """Make click speak Dutch in this process (idempotent, a few attribute assignments)."""
    import click
    import click.types

    class DutchHelpFormatter(click.HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, dutch_usage(args), prefix)

    click.Context.formatter_class = DutchHelpFormatter

    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    for cls_name, dutch in TYPE_NAMES.items():
        cls = getattr(click.types, cls_name, None)
        if cls is not None:
            cls.name = dutch
    _safe_echo(click)


def _safe_echo(click: Any) -> None:
    """Everything the program prints goes through :func:`vergoeding.core.text.printable`:
    a typed path or code with an escape sequence (``-o $'\\e]0;x\\a.pdf'``) is never echoed
    raw to the terminal, by our messages nor by click's own (issue 20, item 10). Every click
    module that imported ``echo`` gets the same function."""
    import click.utils

    raw = click.utils.echo
    if getattr(raw, "_vergoeding_safe", False):
        return
    from vergoeding.core.text import printable

    def echo(message: Any = None, file: Any = None, nl: bool = True, err: bool = False, color: Any = None) -> None:
        if isinstance(message, str):
            message = printable(message, multiline=True)
        raw(message, file, nl, err, color)

    echo._vergoeding_safe = True  # type: ignore[attr-defined]
    click.echo = echo
    for name in ("utils", "core", "decorators", "exceptions", "termui", "_termui_impl", "shell_completion"):
        module = sys.modules.get(f"click.{name}")
        if module is not None and getattr(module, "echo", None) is raw:
            module.echo = echo  # type: ignore[attr-defined]
