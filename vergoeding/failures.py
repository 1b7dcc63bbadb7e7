"""Failures of the machine, not of the input, as messages for people: a file that is not a
database, a folder given as ``--db``, a read-only database, a full disk, a folder that
cannot be written. The CLI wrapper passes every exception it did not expect through
:func:`explain`; what is recognised becomes a Dutch message naming the database or the
file and what to do (exit 1), never a traceback.

Nothing is half-written in any of these cases: every change of the administration is one
transaction (rolled back by the database when the write fails) and every output file is
written to a temporary file and renamed (:mod:`vergoeding.render.files`).
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from vergoeding.errors import ConfigError, VergoedingError

_NOT_A_DB = ("file is not a database", "file is encrypted", "malformed", "not a database")


def _shown(db: str) -> str:
    """The database as the user knows it: a path, or a URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", db)


def explain_database(exc: BaseException, db: str) -> VergoedingError | None:
    """A database error (SQLAlchemy's ``DBAPIError`` around the driver's error) as a message."""
    if not type(exc).__module__.startswith("sqlalchemy"):
        return None  # (and SQLAlchemy is not imported for nothing)
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    if "://" in db and not db.startswith("sqlite"):  # a server (PostgreSQL): unreachable, password...
        from vergoeding.store.db import connection_error

        return connection_error(db, exc)
    orig = exc.orig if exc.orig is not None else exc
    text = str(orig).lower()
    where = _shown(db)
    path = Path(db) if "://" not in db else None
    if any(t in text for t in _NOT_A_DB):
        return ConfigError(f"{where} is geen (gave) database van vergoeding; het bestand is beschadigd of iets "
                           "anders. Kies met --db het goede bestand, of zet een reservekopie terug. Er is niets "
                           "gewijzigd.")
    if "unable to open database file" in text:
        if path is not None and path.is_dir():
            return ConfigError(f"{where} is een map, geen databasebestand; geef met --db een bestand, "
                               f"bijvoorbeeld {path / 'vergoeding.db'}")
        if path is not None and path.is_file() and not (os.access(path, os.W_OK)
                                                         and os.access(path.parent, os.W_OK)):
            return ConfigError(f"de database {where} is alleen-lezen (het bestand of de map waarin het staat); er "
                               "is niets gewijzigd. Vraag schrijfrechten op het bestand en de map, of werk op een "
                               "kopie.")
        return ConfigError(f"kan de database {where} niet openen: geen rechten op het bestand of de map, of de "
                           "map bestaat niet. Controleer --db en de rechten.")
    if "readonly" in text or "read-only" in text:
        return ConfigError(f"de database {where} is alleen-lezen; er is niets gewijzigd. Vraag schrijfrechten op "
                           "het bestand en de map, of werk op een kopie.")
    if "disk is full" in text or "database or disk is full" in text or "no space left" in text:
        return ConfigError(f"de schijf van de database {where} is vol; de wijziging is teruggedraaid, er is niets "
                           "opgeslagen. Maak ruimte vrij en probeer het opnieuw.")
    if "disk i/o error" in text:
        return ConfigError(f"schrijffout op de schijf van de database {where}; de wijziging is teruggedraaid. "
                           "Controleer de schijf (vol, verwijderd, netwerkmap weg) en probeer het opnieuw.")
    if "database is locked" in text:
        return ConfigError(f"de database {where} is bezet door een ander proces; probeer het over een minuut "
                           "opnieuw. Er is niets gewijzigd.")
    first = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    return ConfigError(f"databasefout bij {where}: {first}. Er is niets gewijzigd.")


def explain_os(exc: BaseException) -> VergoedingError | None:
    """An operating-system error (disk full, no permission, a file where a folder should be)."""
    if not isinstance(exc, OSError) or exc.errno is None:
        return None
    name = exc.filename or ""
    target = f" {name}" if name else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ConfigError(f"de schijf is vol{' bij' + target if name else ''}; maak ruimte vrij of kies een "
                           "andere map, en probeer het opnieuw. Er is geen half bestand achtergebleven.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ConfigError(f"geen rechten op{target or ' een bestand of map'}; kies een map waarin u mag schrijven.")
    if exc.errno == errno.EROFS:
        return ConfigError(f"{name or 'de map'} staat op een alleen-lezen schijf; kies een andere map.")
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return ConfigError(f"{name or 'het pad'}: daar staat een bestand waar een map moet komen (of "
                           "andersom); kies een andere naam.")
    if exc.errno == errno.EISDIR:
        return ConfigError(f"{name or 'het pad'} is een map; geef een bestandsnaam.")
    if exc.errno == errno.ENOENT:
        return ConfigError(f"{name or 'een bestand of map'} bestaat niet.")
    return ConfigError(f"{name or 'een bestand of map'}: {os_reason(exc)}; controleer de map en probeer het "
                       "opnieuw.")


# The operating system's reasons in Dutch (``os.strerror`` speaks English: "File name too long").
_REASONS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quotum) is op",
    errno.EACCES: "geen rechten",
    errno.EPERM: "niet toegestaan",
    errno.EROFS: "de schijf is alleen-lezen",
    errno.EISDIR: "dat is een map",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.ENOENT: "bestaat niet",
    errno.EEXIST: "bestaat al",
    errno.ENAMETOOLONG: "de naam is te lang (een bestandsnaam mag hoogstens 255 tekens hebben)",
    errno.ELOOP: "te veel snelkoppelingen (symbolische links) achter elkaar",
    errno.EIO: "lees- of schrijffout op de schijf",
    errno.EBUSY: "het bestand is in gebruik",
    errno.ETXTBSY: "het bestand is in gebruik",
    errno.EMFILE: "te veel open bestanden",
    errno.ENFILE: "te veel open bestanden",
    errno.ENXIO: "het apparaat bestaat niet",
    errno.ENODEV: "het apparaat bestaat niet",
    errno.EXDEV: "een ander bestandssysteem",
    errno.EFBIG: "het bestand wordt te groot",
    errno.EINVAL: "ongeldige bestandsnaam of bewerking",
    errno.ENOTEMPTY: "de map is niet leeg",
}


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in Dutch (never the English ``strerror``)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    code = errno.errorcode.get(exc.errno or 0, str(exc.errno))
    return f"fout van het besturingssysteem ({code})"


def explain(exc: BaseException, db: str | None) -> VergoedingError | None:
    """A recognised failure as a message, or ``None`` (then it is a bug: let it show)."""
    return explain_database(exc, db or "de database") or explain_os(exc)
