"""Rooms of a readable size (issue 25, docs/ARCHITECTURE.md): a module of the package stays
under about 400 lines, split along its seams; one that stays over says why in its first lines
("Over 400 lines ...: the reason"), so the next engineer knows it was a choice."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
REASON_WITHIN = 12  # lines from the top


def sizes() -> dict[str, int]:
    files = [*sorted((ROOT / "vergoeding").rglob("*.py")), ROOT / "cli.py"]
    return {f.relative_to(ROOT).as_posix(): len(f.read_text(encoding="utf-8").splitlines()) for f in files}


def oversized() -> dict[str, int]:
    return {name: n for name, n in sizes().items() if n > LIMIT}


def test_every_module_over_400_lines_says_why_at_its_top() -> None:
    silent = []
    for name, n in oversized().items():
        top = (ROOT / name).read_text(encoding="utf-8").splitlines()[:REASON_WITHIN]
        if not any("over 400 lines" in line.lower() for line in top):
            silent.append(f"{name} ({n} regels)")
    assert not silent, f"modules over {LIMIT} lines without their reason at the top: {', '.join(silent)}"


def test_the_rule_reads_the_whole_package() -> None:
    seen = sizes()
    assert len(seen) > 150 and "cli.py" in seen and "vergoeding/web/portal.py" in seen
