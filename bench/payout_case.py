"""Case 11: a payout of 50,000 lines (issue 20, item 7) vs the month's bare query.

Its own administration: 500 volunteers with 100 approved lines each in October (50,000 lines,
every one paid). Ours: ``api.payout.payout`` of 2026-10 in a fresh process, every file written
(overview workbook and PDF, 500 statements, the SEPA batch) and the payout recorded; its time
and peak memory. Baseline: the bare SQL query of the month's lines (every column, fetched) in a
fresh process. The ratio is time; the peak memory is the bound that matters (target under
1,500 MB: the overview PDF lists at most 1,000 lines, the workbook every line). The peak is
the payout process's own; the two PDF workers (``render.pool``) are processes of their own.
Measured on a loaded 2-core machine with BENCH_PAYOUT_EXPERTS=20 (2,000 lines): 173 s, peak
96 MB, ratio 2,972x (before the bound, the overview PDF of those 2,000 lines alone took
575 MB). With the statements streamed (render/payout.iter_pdfs, render/staged.py), under load:
1,000 lines 146 s / 90 MB, 5,000 lines 190 s / 124 MB (docs/PERFORMANCE.md, case 12).
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from typing import Any

from bench.harness import Result, slower_ratio

# 100 experts (10,000 lines) in a full run: 50,000 lines took more than half an hour of a
# loaded 2-core machine (docs/PERFORMANCE.md); BENCH_PAYOUT_EXPERTS=500 for the 50,000 lines
EXPERTS = int(os.environ.get("BENCH_PAYOUT_EXPERTS", "100"))  # --quick: a tenth
PER_EXPERT = 100
PEAK_MB_MAX = 1500


def build(path: Path, n_experts: int = EXPERTS) -> None:
    from vergoeding.store import schema as s
    from vergoeding.store.db import make_engine, migrate, now_utc

    path.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.begin() as c:
        now = now_utc()
        c.execute(s.organisations.insert().values(
            code="EIGEN", kind="own", name="Stichting", street="Plein 1", postcode="3511 AA", city="Utrecht",
            kvk="12345678", iban="NL91ABNA0417164300", bic="ABNANL2A", is_anbi=True, may_pay_volunteers=True,
            has_payroll_tax_number=True, created_at=now))
        c.execute(s.organisations.insert().values(code="GEM", kind="client", name="Gemeente", street="Plein 2",
                                                  postcode="3511 AA", city="Utrecht", kvk="41234567", created_at=now))
        c.execute(s.experts.insert(), [dict(code=f"E{k}", name=f"Deskundige {k}", street="Kerkstraat 5",
                                            postcode="3511 BB", city="Utrecht", date_of_birth=date(1980, 5, 17),
                                            iban="NL44RABO0123456789", created_at=now) for k in range(n_experts)])
        experts = dict(c.execute(s.experts.select().with_only_columns(s.experts.c.code, s.experts.c.id)).all())
        c.execute(s.engagements.insert(), [dict(
            code=f"G{k}", expert_id=experts[f"E{k}"], client_id=2, role="adviseur", regime="vrijwilliger",
            start_date=date(2026, 1, 1), expert_rate_cents=200, client_rate_cents=5000, created_at=now)
            for k in range(n_experts)])
        engs = dict(c.execute(s.engagements.select().with_only_columns(s.engagements.c.code, s.engagements.c.id)).all())
        rows = [dict(engagement_id=engs[f"G{k}"], work_date=date(2026, 10, 1 + i % 28), minutes=60,
                     activity=f"werk {i}", status="approved", created_at=now, created_by="bench",
                     dedupe_key=hashlib.sha256(f"{k}-{i}".encode()).hexdigest())
                for k in range(n_experts) for i in range(PER_EXPERT)]
        for i in range(0, len(rows), 5000):
            c.execute(s.entries.insert(), rows[i:i + 5000])
    engine.dispose()


def _ours(db: str, out: str) -> None:
    from vergoeding.api.payout import payout
    from vergoeding.api.workspace import open_workspace

    payout(open_workspace(db=db), "2026-10", out, date(2026, 11, 5))


def _bare(db: str) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("SELECT * FROM entries WHERE work_date >= '2026-10-01' AND work_date < '2026-11-01'").fetchall()
    con.close()


def payout_50k(ctx: Any) -> Result:
    from bench.cases import _in_child

    experts = EXPERTS // ctx.scale if "BENCH_PAYOUT_EXPERTS" not in os.environ else EXPERTS
    db = ctx.work / "payout-50k.db"
    build(db, experts)
    ours_t, ours_mb = _in_child(_ours, str(db), str(ctx.work / "payout-50k"))
    build(db, experts)  # the same data again for the baseline (the payout settled every line)
    base_t, base_mb = _in_child(_bare, str(db))
    return slower_ratio(f"payout of {experts * PER_EXPERT} lines vs the month's bare query", ours_t, base_t,
                        10_000.0, notes=[f"{experts} experts x {PER_EXPERT} lines; peak memory ours {ours_mb:.0f} MB "
                                         f"(target < {PEAK_MB_MAX} MB, {'met' if ours_mb < PEAK_MB_MAX else 'MISSED'}), "
                                         f"bare {base_mb:.0f} MB"],
                        extra={"peak_mb": ours_mb})
