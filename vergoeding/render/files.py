"""Writing output files so that a crash never leaves a truncated file: write a temporary
file in the same folder, fsync, then rename over the target (atomic on POSIX).

The file gets the permissions a new file gets from the user's umask (``0644`` under the
usual umask 022, ``0640`` under 027), or keeps those of the file it replaces; the
temporary file (created ``0600``) is changed before the rename.

The temporary file is named ``.<name>.<pid>.<random>.tmp``. A process killed between write
and rename leaves such a hidden file behind, never a truncated ``<name>``; the next
successful write of the same name removes the leftovers of processes that no longer run."""

from __future__ import annotations

import errno
import os
import tempfile
from glob import escape
from pathlib import Path

from vergoeding import faults
from vergoeding.errors import ConfigError


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (see the module docstring), after
    :func:`vergoeding.render.outputs.check_output`: never over the database, a device, a
    folder, a link or a file vergoeding did not make, and only with the extension of the format."""
    from vergoeding.render.outputs import check_output

    target = check_output(path, data)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ConfigError(f"map bestaat niet: {parent}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise write_error(target, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _mode_for(target))
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        faults.point("write.before_rename")
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise write_error(target, exc) from None
        raise
    _remove_dead_leftovers(parent, target.name)
    return target


def write_error(target: Path, exc: OSError) -> ConfigError:
    """An operating-system error while writing ``target`` as a message for people."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        why = "de schijf is vol"
        what = "maak ruimte vrij (of kies met --out/-o een andere map) en probeer het opnieuw"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "geen schrijfrechten" if exc.errno != errno.EROFS else "de schijf is alleen-lezen"
        what = "kies een map waarin u mag schrijven"
    elif exc.errno == errno.EISDIR:
        why = "dat is een map"
        what = "geef een bestandsnaam"
    else:
        from vergoeding.failures import os_reason

        why = os_reason(exc)
        what = "controleer de map en probeer het opnieuw"
    return ConfigError(f"kan {target} niet schrijven: {why}; {what}. Er is geen half bestand achtergebleven.")


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (``/proc``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_dead_leftovers(parent: Path, name: str) -> None:
    prefix = f".{name}."
    for p in parent.glob(f"{escape(prefix)}*.tmp"):
        pid_text = p.name[len(prefix):].split(".", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(int(pid_text)):
            try:
                p.unlink()
            except OSError:
                pass

