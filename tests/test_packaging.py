"""`pip install .` gives a working `vergoeding` that finds its rates in the installed wheel,
and nothing installed claims a top-level name such as `cli` or `rates`."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import HANG_GUARD, REPO, clean_env

from vergoeding import __version__

# the wheel and its venv know no test database: the same on both backends, so it runs once
pytestmark = [pytest.mark.slow, pytest.mark.no_database]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
                          capture_output=True, text=True, env=clean_env(), timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (whl,) = out.glob("vergoeding-*.whl")
    return whl


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("vergoeding/_cli.py", "vergoeding/_rates/limits/2026.toml", "vergoeding/_rates/ratecard.toml",
                     "vergoeding/_templates/base.html", "vergoeding/__main__.py", "vergoeding/core/money.py"):
        assert required in names
    for year in range(2022, 2027):
        assert f"vergoeding/_rates/limits/{year}.toml" in names
    top = {n.split("/")[0] for n in names}
    assert top == {"vergoeding", f"vergoeding-{__version__}.dist-info"}, top
    assert "cli.py" not in names and not any(n.startswith(("rates/", "templates/", "tests/", "bench/")) for n in names)


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=HANG_GUARD)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                         capture_output=True, text=True, env=clean_env(), timeout=HANG_GUARD)
    assert pip.returncode == 0, pip.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(VERGOEDING_DB=str(elsewhere / "v.db"))
    env.pop("PYTHONPATH", None)

    proc = subprocess.run([str(venv / "bin" / "vergoeding"), "limits", "show", "--year", "2026", "--format", "json"],
                          capture_output=True, text=True, cwd=elsewhere, env=env, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    figures = {f["key"]: f for f in json.loads(proc.stdout)["figures"]}
    assert figures["volunteer_hour_21_plus"]["amount"] == "5.75"
    assert figures["volunteer_year"]["amount"] == "2200"
    assert figures["volunteer_year"]["source"]

    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "vergoeding", "--version"],
                          capture_output=True, text=True, cwd=elsewhere, env=env, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"vergoeding, versie {__version__}"

    # The rates come from the installed package, not from this checkout.
    proc = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "from vergoeding.data.locate import shipped_rates_dir; print(shipped_rates_dir())"],
                          capture_output=True, text=True, cwd=elsewhere, env=env, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    rates_dir = Path(proc.stdout.strip())
    assert rates_dir.name == "_rates" and rates_dir.parent.name == "vergoeding"
    assert str(venv) in str(rates_dir)

    proc = subprocess.run([str(venv / "bin" / "vergoeding"), "rates", "show", "--on", "2026-03-01", "--role", "trainer",
                           "--format", "json"], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["example"] is True
