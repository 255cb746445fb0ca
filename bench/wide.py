"""Wide tables: offline infer time against the column count, and sampling a wide generator against DuckDB's copy.

    python bench/wide.py [--columns 100 500 1000] [--rows 100000] [--sample 500] [--stages 100]

Each table is made in DuckDB from hashes (the same on every run): a repeating group of ten columns of mixed
kinds (numbers, integers, short categories, dates, texts, booleans), four of them dependent on another column
of their group (a heavy-tailed number on a number, a category that is a function of another, a category per
bin of a number, a date after a date), and half of one column NULL, so that screening has something to find.
Every measurement runs in a fresh child process, so its peak RSS is its own; wall and CPU seconds both (the
machine is shared: CPU time is the steadier number).
  infer     fg.infer of the table (a 100,000-row profile)
  sample    CREATE TABLE AS FROM fastgen_sample(<the generator>, rows)
  copy      CREATE TABLE AS FROM <a materialized table of the same shape and rows>  (DuckDB's floor)
  compile   the generator's macro: seconds to compile, characters of SQL
--stages k  where infer's time goes on k columns (per stage and per profile query shape)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
GROUP = 10


def u(k: int) -> str:
    return f"((hash(i, {k}, 0) >> 11)::DOUBLE * 1.1102230246251565e-16)"


def column_sql(j: int) -> str:
    """Column j: its kind by j % 10; dependent ones read the group's earlier columns."""
    g, kind = j // GROUP, j % GROUP
    base = g * GROUP
    words = "['red', 'green', 'blue', 'grey', 'black', 'white', 'pink', 'teal']"
    nouns = "['box', 'car', 'lamp', 'desk', 'chair', 'pen', 'cup', 'door', 'book', 'bag']"
    if kind == 0:   # a normal number
        return f"round(100 + 15 * sqrt(-2 * ln({u(j)} + 1e-12)) * cos(6.283185307179586 * {u(j + 100000)}), 3) AS c{j}"
    if kind == 1:   # an integer
        return f"floor(1000 * {u(j)})::INTEGER AS c{j}"
    if kind == 2:   # a short category
        return f"['a', 'b', 'c', 'd', 'e', 'f'][1 + floor(6 * {u(j)} * {u(j)})::INT] AS c{j}"
    if kind == 3:   # a date
        return f"DATE '2020-01-01' + floor(1500 * {u(j)})::INT AS c{j}"
    if kind == 4:   # a free text
        return (f"{words}[1 + floor(8 * {u(j)})::INT] || ' ' || {nouns}[1 + floor(10 * {u(j + 100000)})::INT] || ' '"
                f" || (floor(100 * {u(j + 200000)})::INT)::VARCHAR AS c{j}")
    if kind == 5:   # heavy-tailed, dependent on column 0 of its group (exp of a linear function + noise)
        x0 = f"(sqrt(-2 * ln({u(base)} + 1e-12)) * cos(6.283185307179586 * {u(base + 100000)}))"
        return f"round(exp(0.8 * {x0} + 0.3 * (2 * {u(j)} - 1)), 4) AS c{j}"
    if kind == 6:   # a function of the group's category (a label of a code)
        c2 = f"floor(6 * {u(base + 2)} * {u(base + 2)})::INT"
        return f"['north', 'south', 'east', 'north', 'west', 'south'][1 + {c2}] AS c{j}"
    if kind == 7:   # a category per bin of the group's integer, with noise
        c1 = f"floor(1000 * {u(base + 1)})"
        return f"CASE WHEN {u(j)} < 0.8 THEN ['low', 'mid', 'high'][1 + ({c1} // 334)::INT] ELSE 'mid' END AS c{j}"
    if kind == 8:   # half missing
        return f"CASE WHEN {u(j)} < 0.5 THEN NULL ELSE round(50 * {u(j + 100000)}, 2) END AS c{j}"
    # kind 9: a date after the group's date
    return f"DATE '2020-01-01' + floor(1500 * {u(base + 3)})::INT + floor(30 * {u(j)})::INT AS c{j}"


def make_wide(con, name: str, columns: int, rows: int) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {', '.join(column_sql(j) for j in range(columns))} "
                f"FROM range({rows}) t(i)")


def proposed_profile() -> None:
    """The change to profile.py proposed in wide_results.md, applied for a measurement (FASTGEN_WIDE_PROPOSED=1):
    quantile knots from one sorted list (list_sort, then quantile_cont's interpolation or quantile_disc's pick)
    rather than quantile_cont / quantile_disc with 1025 probabilities, which DuckDB 1.5 answers 40-70× slower
    on DOUBLE columns (3-7 s per column on 100,000 rows)."""
    from fastgen_duckdb import profile
    original = profile.Profiler.one

    def one(self, select, where=""):
        kind = select[:select.index("(")] if "(" in select else ""
        if kind not in ("quantile_cont", "quantile_disc") or where or ", [" not in select:
            return original(self, select, where)
        cut = select.rindex(", [")
        expr, rest = select[len(kind) + 1:cut], select[cut + 2:]
        probs, tail = rest[:rest.index("]") + 1], rest[rest.index("]") + 2:].strip()
        keep = f"({expr}) IS NOT NULL"
        if tail.startswith("FILTER (WHERE "):
            keep += f" AND {tail[len('FILTER (WHERE '):-1]}"
        h = "(len(v) - 1) * p"
        knots = (f"[v[1 + floor({h})::BIGINT] + ({h} - floor({h})) * (v[least(len(v), 2 + floor({h})::BIGINT)] "
                 f"- v[1 + floor({h})::BIGINT]) FOR p IN {probs}]")
        if kind == "quantile_disc":   # the value at rank ceil(n p), as quantile_disc picks it
            knots = f"[v[greatest(1, ceil(len(v) * p))::BIGINT] FOR p IN {probs}]"
        return self.con.execute(f"SELECT CASE WHEN len(v) > 0 THEN {knots} END FROM (SELECT list_sort(list({expr}) "
                                f"FILTER (WHERE {keep})) AS v FROM {self.sample})").fetchall()[0]
    profile.Profiler.one = one


def peak_mb() -> float:
    """This process's own peak RSS (VmHWM): getrusage's ru_maxrss keeps the parent's peak across fork and exec,
    and the parent made the tables."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024


def child(kind: str, db: str, columns: int, rows: int) -> dict:
    import fastgen_duckdb as fg
    if os.environ.get("FASTGEN_WIDE_PROPOSED"):
        proposed_profile()
    con = fg.connect(db)
    con.execute("SET threads = 2")
    table = f"wide{columns}"
    out = {}
    t0, c0 = time.perf_counter(), time.process_time()
    if kind == "infer":
        fg.infer(con, table, replace=True)
        spec = fg.spec(con, table)
        out["dependence"] = spec.get("dependence")
        out["given"] = sum("given" in c for c in spec["columns"])
        out["rules"] = sum("after" in c or "equals" in c for c in spec["columns"])
        out["copula"] = len((spec.get("copula") or {}).get("columns", []))
    elif kind == "sample":
        con.execute(f"CREATE OR REPLACE TABLE out AS FROM fastgen_sample('{table}', {rows})")
    elif kind == "copy":
        con.execute(f"CREATE OR REPLACE TABLE out AS FROM {table}")
    elif kind == "compile":
        from fastgen_duckdb.compiler import compile_spec
        spec = fg.spec(con, table)
        t0, c0 = time.perf_counter(), time.process_time()
        params, macro = compile_spec(spec)
        out["sql_chars"] = len(params) + len(macro)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    con.execute("DROP TABLE IF EXISTS out")
    con.close()
    return {"wall": wall, "cpu": cpu, "rss_mb": peak_mb(), **out}


def run(kind: str, db: str, columns: int, rows: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, db, str(columns), str(rows)],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{kind} at {columns} columns failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def stages(db: str, columns: int) -> list[str]:
    """Where infer's time goes: each dependence step, and the profile queries by shape (first SQL words)."""
    import re

    import fastgen_duckdb as fg
    from fastgen_duckdb import copula, dependence, profile, rules
    con = fg.connect(db)
    con.execute("SET threads = 2")
    spent: dict[str, list[float]] = {}

    def timed(name, f):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                spent.setdefault(name, []).append(time.perf_counter() - t0)
        return wrapper
    for module, n in ((rules, "check_proposals"), (rules, "exact_relations"), (dependence, "link"), (copula, "fit")):
        setattr(module, n, timed(f"{module.__name__.rsplit('.', 1)[1]}.{n}", getattr(module, n)))
    queries: dict[str, list[float]] = {}
    original_one = profile.Profiler.one

    def one(self, select, where=""):
        t0 = time.perf_counter()
        try:
            return original_one(self, select, where)
        finally:
            shape = re.sub(r'"[^"]*"|\d+(\.\d+)?|\[[^\]]*\]', "", select)[:60]
            queries.setdefault(shape, []).append(time.perf_counter() - t0)
    profile.Profiler.one = one
    spec_saved = profile.Profiler.spec
    profile.Profiler.spec = timed("profile.Profiler (per column)", spec_saved)
    init_saved = profile.Profiler.__init__
    profile.Profiler.__init__ = timed("profile.Profiler.__init__ (counts)", init_saved)
    t0 = time.perf_counter()
    fg.infer(con, f"wide{columns}", replace=True)
    total = time.perf_counter() - t0
    lines = [f"infer of {columns} columns: {total:.2f} s wall", "", "| stage | calls | seconds |", "|---|---|---|"]
    for name, ts in sorted(spent.items(), key=lambda e: -sum(e[1])):
        lines.append(f"| {name} | {len(ts)} | {sum(ts):.2f} |")
    lines += ["", "Profiler.one() by query shape (identifiers and numbers removed):", "",
              "| query | calls | seconds |", "|---|---|---|"]
    for shape, ts in sorted(queries.items(), key=lambda e: -sum(e[1]))[:12]:
        lines.append(f"| `{shape.strip()}` | {len(ts)} | {sum(ts):.2f} |")
    con.close()
    return lines


def plot(points: list[tuple[int, float, float]], path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.6))
    xs = [p[0] for p in points]
    ax.plot(xs, [p[1] for p in points], "o-", label="infer, wall s")
    ax.plot(xs, [p[2] for p in points], "s--", label="infer, CPU s")
    targets = {100: 10, 500: 45, 1000: 120}
    ax.plot(list(targets), list(targets.values()), "x:", color="grey", label="target")
    ax.set_xlabel("columns (100,000-row profile)")
    ax.set_ylabel("seconds")
    ax.set_title("fastgen infer on wide tables (2 cores)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--columns", type=int, nargs="+", default=[100, 250, 500, 1000])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--sample", type=int, default=500, help="columns of the sampling measurement (0: none)")
    p.add_argument("--stages", type=int, default=100, help="columns of the per-stage timing (0: none)")
    p.add_argument("--db", default="", help="keep the tables' databases (wide<k>.duckdb) in this folder (default: a temporary one)")
    p.add_argument("--out", default=os.path.join(HERE, "wide_results.md"))
    args = p.parse_args()
    import duckdb

    import fastgen_duckdb as fg
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.db or tmp
        os.makedirs(folder, exist_ok=True)

        def db_of(k: int) -> str:   # one database per width: reading a generator scans the stored specs
            return os.path.join(folder, f"wide{k}.duckdb")
        for k in sorted(set(args.columns + ([args.sample] if args.sample else []) + ([args.stages] if args.stages else []))):
            con = fg.connect(db_of(k))
            if not con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = 'wide{k}'").fetchall()[0][0]:
                make_wide(con, f"wide{k}", k, args.rows)
                con.execute("CHECKPOINT")
            con.close()
        lines = [f"duckdb {duckdb.__version__}, {os.cpu_count()} cores (shared), threads=2; tables of {args.rows:,} rows "
                 "made by bench/wide.py (ten-column groups: numbers, integers, categories, dates, texts, a NULL-heavy "
                 "column, four dependent columns); each measurement in a fresh process.", "",
                 "| columns | infer wall s | infer CPU s | peak RSS MB | pairs | screened | profiled | conditioned | rules | copula |",
                 "|---|---|---|---|---|---|---|---|---|---|"]
        points = []
        for k in args.columns:
            r = run("infer", db_of(k), k, args.rows)
            d = r.get("dependence") or {}
            points.append((k, r["wall"], r["cpu"]))
            lines.append(f"| {k} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss_mb']:.0f} | {d.get('pairs', '—')} | "
                         f"{d.get('pairs_screened', '—')} | {d.get('pairs_profiled', '—')} | {r['given']} | {r['rules']} | "
                         f"{r['copula']} |")
            print(lines[-1], flush=True)
        os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
        plot(points, os.path.join(HERE, "results", "wide_infer.png"))
        lines += ["", "![infer time against columns](results/wide_infer.png)"]
        if args.sample:
            k = args.sample
            if k not in args.columns:
                run("infer", db_of(k), k, args.rows)
            sample = [run("sample", db_of(k), k, args.rows) for _ in range(3)]
            copy = [run("copy", db_of(k), k, args.rows) for _ in range(3)]
            s = sorted(sample, key=lambda r: r["wall"])[1]
            c = sorted(copy, key=lambda r: r["wall"])[1]
            lines += ["", f"Sampling {args.rows:,} rows of the {k}-column generator (median of 3, each in a fresh process):", "",
                      "| what | wall s | CPU s | peak RSS MB |", "|---|---|---|---|",
                      f"| fastgen_sample → CREATE TABLE | {s['wall']:.2f} | {s['cpu']:.2f} | {s['rss_mb']:.0f} |",
                      f"| CTAS copy of the same shape | {c['wall']:.2f} | {c['cpu']:.2f} | {c['rss_mb']:.0f} |",
                      "", f"Ratio: {s['wall'] / c['wall']:.2f}× the copy's wall time ({s['cpu'] / c['cpu']:.2f}× its CPU time)."]
            compiled = [(k2, run("compile", db_of(k2), k2, args.rows)) for k2 in args.columns]
            lines += ["", "| columns | compile s | macro SQL characters | characters per column |", "|---|---|---|---|"]
            for k2, r in compiled:
                lines.append(f"| {k2} | {r['wall']:.3f} | {r['sql_chars']:,} | {r['sql_chars'] / k2:,.0f} |")
        if args.stages:
            lines += ["", *stages(db_of(args.stages), args.stages)]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))))
    else:
        main()
