""".ci/pg-cluster.sh, the throwaway PostgreSQL server of `make test`, `make bench` and
.ci/with-pg.sh, on a shared machine.

- The server inherits no file descriptor of its caller but 0-2: a caller holding a lock file
  (``exec 9>lock; flock 9; make test``) must not pass the lock on to a server that may outlive
  it (it did once: an orphaned server kept the landing lock).
- Stopping removes the folder and the server.
- A runner killed with SIGKILL (no trap runs): its watchdog stops the cluster; and when the
  watchdog is gone too, the next run removes the orphan. Folders without the script's marker
  are never touched.

Each test starts real clusters (initdb, a few seconds) and leaves no server behind: every
postmaster it saw is stopped in ``finally``. Runs once (marked ``sqlite_only``: the script
does not depend on the database the suite uses)."""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "pg-cluster.sh"
OWNER = "vergoeding-pg-cluster.owner"

pytestmark = pytest.mark.sqlite_only


def _have_pg() -> bool:
    r = subprocess.run(["bash", "-c", f"source {SCRIPT}; find_pg_bin"], capture_output=True, text=True)
    return r.returncode == 0


needs_pg = pytest.mark.skipif(not _have_pg(), reason="PostgreSQL server programs (initdb, pg_ctl) missing")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def _wait_for(cond: object, what: str) -> None:
    """Poll ``cond()`` until true; the limit is a hang guard, not a speed requirement."""
    deadline = time.monotonic() + HANG_GUARD
    while not cond():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"still not: {what}")
        time.sleep(0.2)


def _readline(proc: subprocess.Popen[str], what: str) -> str:
    """The next line of ``proc``'s stdout, waiting at most HANG_GUARD: a script that never
    prints it (a start that hangs) fails this test with its name, instead of blocking the
    suite until pytest-timeout ends the whole run. Byte by byte from the pipe itself, past
    Python's buffer, so that select() sees all that is unread (communicate() reads the rest)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + HANG_GUARD
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            proc.kill()
            raise AssertionError(f"no line within the hang guard: {what} (so far {line!r})")
        c = os.read(fd, 1)
        if not c:
            break
        line += c
    return line.decode()


def _postmaster(folder: Path) -> int:
    return int((folder / "data" / "postmaster.pid").read_text().splitlines()[0])


class Runner:
    """A shell that sources the script, starts a cluster (TMPDIR = ``tmp``) and waits for a
    line on stdin before it exits (its EXIT trap stops the cluster)."""

    def __init__(self, tmp: Path, pass_fds: tuple[int, ...] = ()) -> None:
        env = {**os.environ, "TMPDIR": str(tmp)}
        env.pop("VERGOEDING_TEST_PG", None)
        self.proc = subprocess.Popen(
            ["bash", "-c", f'set -euo pipefail; source "{SCRIPT}"; trap stop_pg EXIT; start_pg >&2; '
                           'echo "$PGTMP"; read -r _'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            pass_fds=pass_fds)
        line = _readline(self.proc, "the cluster's folder").strip()
        if not line:
            raise AssertionError(f"cluster did not start: {self.proc.communicate(timeout=HANG_GUARD)}")
        self.folder = Path(line)
        self.pid = _postmaster(self.folder)

    def finish(self) -> str:
        _, err = self.proc.communicate("\n", timeout=HANG_GUARD)
        return err


@pytest.fixture
def tmp() -> Iterator[Path]:
    """A folder for the clusters that the user ``postgres`` may enter (pytest's own temporary
    folders are private to root); afterwards no server of ours runs and the folder is gone."""
    d = Path(tempfile.mkdtemp(prefix="pgops-cluster-test-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        for pidfile in d.glob("vergoeding-pg.*/data/postmaster.pid"):
            try:
                pid = int(pidfile.read_text().splitlines()[0])
                if Path(f"/proc/{pid}/cwd").resolve() == pidfile.parent.resolve():
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass
        for wd in d.glob("vergoeding-pg.*/watchdog.pid"):
            try:
                os.kill(int(wd.read_text().strip()), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        shutil.rmtree(d, ignore_errors=True)


def _holders(path: Path) -> set[int]:
    """Pids of the processes that have ``path`` open."""
    out = set()
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if os.readlink(fd) == str(path):
                out.add(int(fd.parts[2]))
        except OSError:
            continue
    return out


@needs_pg
def test_server_inherits_no_descriptor_and_stop_removes_everything(tmp: Path) -> None:
    lock = tmp / "land.lock"
    fd = os.open(lock, os.O_WRONLY | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)  # what the landing does: exec 9>lock; flock 9; make test
    try:
        r = Runner(tmp, pass_fds=(fd,))
        pid = r.pid
        assert _alive(pid) and (r.folder / OWNER).exists()
        fds = {int(n.name): os.readlink(n) for n in Path(f"/proc/{pid}/fd").iterdir()}
        assert fd not in fds or fds[fd] != str(lock)
        assert str(lock) not in fds.values()
        assert fds[0] == "/dev/null" and fds[1] == fds[2] == str(r.folder / "server.log")
        # nothing of the cluster (server processes, watchdog) holds the lock: only this test
        # and the runner shell
        watchdog = int((r.folder / "watchdog.pid").read_text())
        assert _alive(watchdog)
        assert _holders(lock) == {os.getpid(), r.proc.pid}
        err = r.finish()
        assert r.proc.returncode == 0, err
        assert not r.folder.exists()
        _wait_for(lambda: not _alive(pid), "the server stopped")
        _wait_for(lambda: not _alive(watchdog), "the watchdog ended")
    finally:
        os.close(fd)


@needs_pg
def test_watchdog_stops_the_cluster_of_a_killed_runner(tmp: Path) -> None:
    r = Runner(tmp)
    os.kill(r.proc.pid, signal.SIGKILL)  # no trap runs
    r.proc.wait(timeout=HANG_GUARD)
    _wait_for(lambda: not _alive(r.pid), "the watchdog stopped the server")
    _wait_for(lambda: not r.folder.exists(), "the watchdog removed the folder")


@needs_pg
def test_next_run_cleans_up_an_orphaned_cluster(tmp: Path) -> None:
    stranger = tmp / "vergoeding-pg.notours"  # no marker: someone else's, never touched
    (stranger / "data").mkdir(parents=True)
    orphan = Runner(tmp)
    watchdog = int((orphan.folder / "watchdog.pid").read_text())
    os.kill(watchdog, signal.SIGKILL)
    os.kill(orphan.proc.pid, signal.SIGKILL)
    orphan.proc.wait(timeout=HANG_GUARD)
    _wait_for(lambda: not _alive(watchdog), "the watchdog is gone")
    assert _alive(orphan.pid) and orphan.folder.exists()  # an orphan, as after a machine-wide kill
    nxt = Runner(tmp)
    try:
        assert not orphan.folder.exists()
        assert not _alive(orphan.pid)
        assert _alive(nxt.pid) and stranger.exists()
    finally:
        err = nxt.finish()
    assert "verweesde PostgreSQL-cluster" in err and str(orphan.folder) in err
    assert not nxt.folder.exists() and stranger.exists()


@needs_pg
def test_a_running_cluster_of_another_runner_is_left_alone(tmp: Path) -> None:
    first = Runner(tmp)
    try:
        second = Runner(tmp)
        try:
            assert _alive(first.pid) and first.folder.exists()
        finally:
            second.finish()
        assert not second.folder.exists() and _alive(first.pid)
    finally:
        first.finish()
    assert not first.folder.exists()


def _with_pg(tmp: Path) -> tuple[subprocess.Popen[str], Path, int, int]:
    """.ci/with-pg.sh running a command that prints its pid and waits; (process, cluster
    folder, postmaster pid, the command's pid)."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("VERGOEDING_TEST_PG", None)
    # as from a terminal: INT not ignored (a suite run in the background by test-both.sh
    # inherits an ignored INT, and a shell cannot trap a signal that was ignored on entry).
    # `env --default-signal` resets it, not a preexec_fn: this process has threads (the
    # timeout's timer at least), and Python code between fork and exec may deadlock there.
    proc = subprocess.Popen(["env", "--default-signal=INT", str(ROOT / ".ci" / "with-pg.sh"), "bash", "-c",
                             'echo $$; exec sleep 3600'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = _readline(proc, "with-pg.sh's first line")  # its own ("test-both: PostgreSQL ... op ...")
    while line and not line.strip().isdigit():
        line = _readline(proc, "the command's pid")
    child = int(line)
    folders = [d for d in tmp.glob("vergoeding-pg.*") if (d / OWNER).exists()]
    assert len(folders) == 1
    return proc, folders[0], _postmaster(folders[0]), child


def _end(proc: subprocess.Popen[str], child: int) -> None:
    """Whatever happened: the command and the script end (the fixture stops the server)."""
    for pid in (child, proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.communicate(timeout=HANG_GUARD)


@needs_pg
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_with_pg_stops_the_cluster_when_signalled(tmp: Path, sig: signal.Signals) -> None:
    """A TERM or INT sent to the script alone (not its process group) ends the command and
    stops the cluster right away, not once the command would have finished."""
    proc, folder, pid, child = _with_pg(tmp)
    try:
        # right after the command printed its pid: the script may not have noted the
        # command's pid yet (a race that left the command running, see with-pg.sh)
        proc.send_signal(sig)
        proc.wait(timeout=HANG_GUARD)
        # checked before reading the output to its end: a command that outlived the script
        # holds the pipes, and communicate() would wait for it
        assert not _alive(child), "the command outlived with-pg.sh"
        _, err = proc.communicate(timeout=HANG_GUARD)
    finally:
        _end(proc, child)
    assert proc.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[sig], err
    assert not folder.exists() and not _alive(pid)


@needs_pg
def test_with_pg_stops_the_cluster_when_the_command_is_killed(tmp: Path) -> None:
    proc, folder, pid, child = _with_pg(tmp)
    try:
        os.kill(child, signal.SIGKILL)
        _, err = proc.communicate(timeout=HANG_GUARD)
    finally:
        _end(proc, child)
    assert proc.returncode == 128 + signal.SIGKILL, err
    assert not folder.exists() and not _alive(pid)
