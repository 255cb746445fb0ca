"""Big sources: `fastgen infer` on a parquet folder larger than memory would like, through the command line.

    python bench/big.py [--rows 100000000] [--files 10] [--dir /tmp/fastgen_big] [--out bench/big_results.md]

Makes DIR/big/part-*.parquet with DuckDB (once; the same on every run: values are hashes of the row number):
an id, a normal-ish DOUBLE, a skewed INTEGER, an 8-value category, a timestamp, a status that depends on the
category, and a short text. Then runs `fastgen infer DB 'DIR/big/*.parquet'` in a child process and reports
its wall time, CPU time and peak RSS (the child's own, from getrusage), with the progress lines the command
prints per stage. Issue 14's targets: 100 million rows in <= 60 s and <= 2 GB.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def make(folder: str, rows: int, files: int) -> float:
    import duckdb
    os.makedirs(folder, exist_ok=True)
    if len([f for f in os.listdir(folder) if f.endswith(".parquet")]) == files:
        return 0.0
    con = duckdb.connect()
    t0 = time.perf_counter()
    per = -(-rows // files)
    for k in range(files):
        lo, hi = k * per, min(rows, (k + 1) * per)
        con.execute(f"""COPY (SELECT i AS id,
                   (hash(i) % 10000) / 100.0 + (hash(i, 1) % 10000) / 100.0 AS amount,
                   (hash(i, 2) % 1000)::INTEGER * (hash(i, 2) % 1000)::INTEGER // 1000 AS quantity,
                   ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'][(hash(i, 3) % 8)::INTEGER + 1] AS category,
                   TIMESTAMP '2020-01-01' + INTERVAL (hash(i, 4) % 126230400) SECOND AS created_at,
                   CASE WHEN hash(i, 3) % 8 < 2 AND hash(i, 5) % 10 < 8 THEN 'open' ELSE 'closed' END AS status,
                   'note ' || (hash(i, 6) % 5000)::VARCHAR AS note
                   FROM range({lo}, {hi}) t(i)) TO '{folder}/part-{k:03d}.parquet' (FORMAT parquet)""")
    con.close()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "fastgen_big"))
    ap.add_argument("--out", default=os.path.join(HERE, "big_results.md"))
    args = ap.parse_args()
    folder = os.path.join(args.dir, f"big{args.rows}")
    made = make(folder, args.rows, args.files)
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    db = os.path.join(args.dir, "big.duckdb")
    for f in (db, db + ".wal"):
        if os.path.exists(f):
            os.remove(f)
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the command line's main, with its own peak RSS (VmHWM) printed at the end: getrusage's ru_maxrss would keep
    # this process's peak (it made the files) across fork and exec
    run_cli = ("import sys\nfrom fastgen_duckdb.cli import main\ntry:\n    code = main(sys.argv[1:])\nfinally:\n"
               "    print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')), file=sys.stderr)\n"
               "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", run_cli, "infer", db, f"{folder}/*.parquet", "--name", "big"],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(done.stderr)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("VmHWM:")) / 1024
    import duckdb
    lines = [f"# Big sources: `fastgen infer` on {args.rows:,} rows of parquet", "",
             f"duckdb {duckdb.__version__}, {os.cpu_count()} cores; {args.files} files, {size / 2**30:.2f} GiB "
             f"({'made in ' + format(made, '.0f') + ' s' if made else 'made before'}); `python bench/big.py`.", "",
             "| rows | wall s | CPU s | peak RSS MB |", "|---|---|---|---|",
             f"| {args.rows:,} | {wall:.1f} | {cpu:.1f} | {peak:.0f} |", "",
             "The command's progress lines (stderr):", "", "```",
             *[line for line in done.stderr.splitlines() if line.startswith("fastgen: ")], "```", ""]
    text = "\n".join(lines)
    print(text)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
