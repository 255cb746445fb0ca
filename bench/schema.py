"""A whole database learned and regenerated: TPC-H, side by side with DuckDB's own dbgen, in one run.

    python bench/schema.py [--scale 10] [--repeat 3]

TPC-H sf=0.01 is loaded into tables with their primary and foreign keys declared (examples/tpch_schema.sql)
and learned with fastgen_infer('main.*'). Then, in the same process and run:
  dbgen        CALL dbgen(sf = 0.01 × scale) into a fresh database: the real data at the larger size
  plain        fastgen_generate(scale, into := a fresh database, constraints := false): the same row counts
  constrained  the same with every key, foreign key, CHECK and NOT NULL declared, so DuckDB checks each row
Measured: seconds (and the ratio to dbgen), row counts per table against the real ones at that scale,
foreign-key orphans, and TPC-H's 22 queries on the real and the regenerated database: rows returned by each,
how many are non-empty and how many within 2× of the real count. Writes bench/schema_results.md.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

import duckdb

import fastgen_duckdb as fg
from publish import publish

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from data import tpch_extension  # noqa: E402 (tests/ is on the path above)

TABLES = ["region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem"]
DDL = (pathlib.Path(__file__).resolve().parent.parent / "examples" / "tpch_schema.sql").read_text()


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def run_queries(con, queries, databases, home: str, limit_s: float = 120.0) -> list[tuple]:
    """(query number, rows returned in each database…): an error's first line instead of a count, and a query
    interrupted after `limit_s` seconds as 'timeout'."""
    import threading
    results = []
    for nr, sql in queries:
        got = []
        for db in databases:
            con.execute(f"USE {db}")
            timer = threading.Timer(limit_s, con.interrupt)
            timer.start()
            try:
                got.append(len(con.execute(sql).fetchall()))
            except duckdb.InterruptException:
                got.append("timeout")
            except duckdb.Error as exc:
                got.append(f"error: {str(exc).splitlines()[0]}")
            finally:
                timer.cancel()
        con.execute(f"USE {home}")
        results.append((nr, *got))
    return results


def agreement(results: list[tuple], real: int = 1, synth: int = 2) -> tuple[int, int]:
    """How many queries return rows on the synthetic database where they do on the real one, and how many
    return within 2× of the real row count (both empty counts as within)."""
    ok = [(r[real], r[synth]) for r in results if isinstance(r[real], int) and isinstance(r[synth], int)]
    nonempty = sum(1 for a, b in ok if b > 0 or a == 0)
    within = sum(1 for a, b in ok if (a == 0 and b == 0) or (a > 0 and 0.5 <= b / a <= 2))
    return nonempty, within


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=3, help="runs of dbgen and of each generate; medians reported")
    args = ap.parse_args()
    ext = tpch_extension()
    if ext is None:
        sys.exit(f"no duckdb-extension-tpch wheel for duckdb {duckdb.__version__}: pip install -e '.[test]'")
    tmp = tempfile.mkdtemp()
    con = fg.connect(os.path.join(tmp, "learned.duckdb"))
    con.execute(f"LOAD '{ext}'")
    con.execute("ATTACH ':memory:' AS raw; USE raw; CALL dbgen(sf=0.01); USE learned")
    con.execute(DDL)
    for t in TABLES:
        con.execute(f"INSERT INTO {t} SELECT * FROM raw.main.{t}")
    con.execute("DETACH raw")
    _, infer_s = timed(lambda: fg.infer_all(con, "main.*"))

    sf = round(0.01 * args.scale, 6)
    dbgen_times, runs = [], {}
    for k in range(args.repeat):   # each into a fresh database file, interleaved so a busy spell hits all alike
        real = "real" if k == 0 else f"real{k}"
        con.execute(f"ATTACH '{os.path.join(tmp, real + '.duckdb')}' AS {real}")
        dbgen_times.append(timed(lambda: con.execute(f"USE {real}; CALL dbgen(sf={sf}); USE learned"))[1])
        for name, constraints in (("plain", False), ("constrained", True)):
            db = name if k == 0 else f"{name}{k}"
            con.execute(f"ATTACH '{os.path.join(tmp, db + '.duckdb')}' AS {db}")
            made, seconds = timed(lambda: fg.generate(con, into=db, scale=args.scale, constraints=constraints))
            runs.setdefault(name, (dict(made), []))[1].append(seconds)
    dbgen_s = statistics.median(dbgen_times)
    runs = {name: (made, statistics.median(times)) for name, (made, times) in runs.items()}

    counts = {t: (con.execute(f"SELECT count(*) FROM real.main.{t}").fetchall()[0][0], runs["plain"][0][t])
              for t in TABLES}
    orphans = {}
    for t in TABLES:
        for fk in (fg.spec(con, t).get("constraints") or {}).get("foreign_keys", []):
            on = " AND ".join(f"c.{a} = p.{b}" for a, b in zip(fk["columns"], fk["references"]))
            orphans[f"{t}({', '.join(fk['columns'])})"] = con.execute(
                f"SELECT count(*) FROM plain.main.{t} c ANTI JOIN plain.main.{fk['table']} p ON {on}").fetchall()[0][0]

    later = []   # numbers and times drawn after their parent row's (across.py): at or after it in every row?
    for t in TABLES:
        cols = {c["name"]: c for c in fg.spec(con, t)["columns"]}
        for name, col in cols.items():
            rule = col.get("after_parent")
            if rule:
                ref = cols[rule["through"]]
                shares = [con.execute(f"SELECT avg((c.{name} >= p.{rule['column']})::INT) FROM {db}.main.{t} c JOIN "
                                      f"{db}.main.{ref['table']} p ON c.{ref['name']} = p.{ref['column']}").fetchall()[0][0]
                          for db in ("real", "plain")]
                later.append(f"{t}.{name} after {ref['table']}.{rule['column']}: {shares[1]:.1%} of rows (real {shares[0]:.1%})")

    totals = []   # numbers that add up their children's (rollups.py): ratio to the sum and correlation with it
    for t in TABLES:
        for col in fg.spec(con, t)["columns"]:
            rule = col.get("sum_of")
            if rule:
                got = [con.execute(f"SELECT quantile_cont(p.{col['name']} / c.s, [0.05, 0.95]), corr(p.{col['name']}, c.s) "
                                   f"FROM {db}.main.{t} p JOIN (SELECT {rule['through']} AS k, sum({rule['column']}) AS s "
                                   f"FROM {db}.main.{rule['table']} GROUP BY 1) c ON p.{rule['key']} = c.k").fetchall()[0]
                       for db in ("real", "plain")]
                totals.append(f"{t}.{col['name']} = {rule['table']}.{rule['column']} summed per {rule['through']}, times "
                              f"{got[1][0][0]:.3f} to {got[1][0][1]:.3f} (5 % to 95 %; real {got[0][0][0]:.3f} to "
                              f"{got[0][0][1]:.3f}), correlation {got[1][1]:.4f} (real {got[0][1]:.4f})")

    queries = con.execute("SELECT query_nr, query FROM tpch_queries()").fetchall()
    results = run_queries(con, queries, ("real", "plain"), home="learned")
    nonempty, within = agreement(results)

    lines = [f"duckdb {duckdb.__version__}, 2 cores; TPC-H sf=0.01 with its keys declared, learned by "
             f"fastgen_infer('main.*') in {infer_s:.1f} s, regenerated at scale {args.scale:g} "
             f"(= sf {sf:g}) into fresh databases; real sf {sf:g} from dbgen in the same run (medians of "
             f"{args.repeat} runs each, interleaved).", "",
             "| method | seconds | × dbgen |", "|---|---|---|",
             f"| DuckDB `CALL dbgen(sf={sf:g})` | {dbgen_s:.2f} | 1.00 |"]
    for name, (_, seconds) in runs.items():
        lines.append(f"| fastgen_generate, {name} tables | {seconds:.2f} | {seconds / dbgen_s:.2f} |")
    lines += ["", "| table | real rows | synthetic rows | ratio |", "|---|---|---|---|"]
    lines += [f"| {t} | {r:,} | {s:,} | {s / r:.3f} |" for t, (r, s) in counts.items()]
    lines += ["", f"Foreign-key orphans: {sum(orphans.values())} over {len(orphans)} foreign keys "
                  f"({', '.join(f'{k} {v}' for k, v in orphans.items())}).", "",
              "Numbers and times drawn after their foreign key's parent row's value (across.py): "
              + ("; ".join(later) or "none") + ".", "",
              "Numbers that add up their children's, set once the children are written (rollups.py): "
              + ("; ".join(totals) or "none") + ".", "",
              f"TPC-H's 22 queries: {nonempty}/{len(results)} non-empty where the real result is, "
              f"{within}/{len(results)} within 2× of the real row count.", "",
              "| query | real rows | synthetic rows |", "|---|---|---|"]
    lines += [f"| Q{nr} | {real} | {synth} |" for nr, real, synth in results]
    publish("\n".join(lines) + "\n", "schema_results.md")


if __name__ == "__main__":
    main()
