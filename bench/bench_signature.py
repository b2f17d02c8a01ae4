"""Time to build each signature view's data at 1×, 10× and 100× the demo's size (target: < 100 ms at 100×).

Bigger databases replicate the demo's rows with new ids (participants, défis and their weights, round
items, ballots, solutions, actions, progress updates) in a temp folder; the support round then holds
100× the défis and ballots. Prints a table of median times over several runs, after a warm-up run.

    .venv/bin/python bench/bench_signature.py [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scaling import build_template, scaled_copy

from labo_dash import db, signature

TODAY = dt.date(2026, 11, 26)


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Return the median wall time and process CPU time of ``fn`` in ms (after one warm-up call).

    CPU time (all threads of the process) shows the work done even when other processes share the cores.
    """
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-signature-"))
    try:
        template = build_template(folder / "demo.duckdb")
        rows = []
        for factor in (1, 10, 100):
            con = db.open_database(scaled_copy(template, folder / f"x{factor}.duckdb", factor))
            round_id = signature.support_round(con).id
            dates = [signature.as_of(m, TODAY) for m in signature.months(con, TODAY)]
            (n_challenges, n_ballots, n_actions, n_updates) = con.execute(
                "SELECT (SELECT count(*) FROM challenges), (SELECT count(*) FROM ballots), "
                "(SELECT count(*) FROM actions), (SELECT count(*) FROM progress_points)"
            ).fetchall()[0]
            views = {
                "per défi (support_by_challenge)": partial(
                    signature.support_by_challenge, con, round_id, TODAY
                ),
                "per objective over months (support_over_time)": partial(
                    signature.support_over_time, con, round_id, dates
                ),
                "défi × objective weights (challenge_weights)": partial(
                    signature.challenge_weights, con, round_id
                ),
                "actions timeline (action_timeline)": partial(signature.action_timeline, con, TODAY),
                "cache key (db.versions)": partial(db.versions, con),
            }
            for name, fn in views.items():
                rows.append(
                    (factor, n_challenges, n_ballots, n_actions, n_updates, name, *median_ms(fn, args.runs))
                )
            con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    columns = ("size", "défis", "ballots", "actions", "updates")
    print(f"load average before the run: {load:.1f} on {os.cpu_count()} cores")
    header = " ".join(f"{c:>8}" for c in columns) + f"  {'view':<48} {'wall ms':>8} {'CPU ms':>7}"
    print(header)
    print("-" * len(header))
    for factor, ch, ba, ac, up, name, wall, cpu in rows:
        flag = "" if factor < 100 or wall < 100 else "  > 100 ms!"
        cells = " ".join(f"{v:>8}" for v in (f"{factor}×", ch, ba, ac, up))
        print(f"{cells}  {name:<48} {wall:>8.1f} {cpu:>7.1f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
