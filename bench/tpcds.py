"""TPC-DS learned from its data (no declared keys) and regenerated, measured by TPC-DS's own 99 queries.

    python bench/tpcds.py [--scale 10] [--limit 120] [--seeds 42 1 2]

The tpcds extension makes TPC-DS sf=0.01 with no primary or foreign keys; fastgen_infer('main.*') finds them in
the data (keys.py) and learns the 24 tables. Then, in the same run:
  scale 1     fastgen_generate(scale := 1) beside the real sf=0.01 it was learned from
  scale N     fastgen_generate(scale := N) beside the real sf=0.01 × N made by dsdgen
Measured: seconds, table row counts against the real ones at each size, foreign-key orphans (over the keys
found), the distribution of children per parent row of every foreign key (its distance to the real one's), the
rows of the join of every two foreign keys into one parent (real sf=0.01 × N against scale N), and
every one of the 99 queries on each pair: rows returned, how many are non-empty where the real
result is, and how many within 2× of the real row count. A query is stopped after --limit seconds. Queries
that return a few rows move with every draw, so scale N is also generated at the other --seeds and counted.
Writes bench/tpcds_results.md.
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile

import duckdb

import fastgen_duckdb as fg
from fastgen_duckdb.sqltext import ident
from publish import publish
from schema import agreement, run_queries, timed

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from data import wheel_extension  # noqa: E402 (tests/ is on the path above)


def ordered(con, db: str, tables: list[str]) -> dict[str, float]:
    """Per column drawn after its parent row's (after_parent): the share of rows at or after the parent row's
    value, joined through its foreign key (all the columns of a composite one)."""
    out = {}
    for t in tables:
        cols = fg.spec(con, t)["columns"]
        for c in cols:
            rule = c.get("after_parent")
            if not rule:
                continue
            through = next(x for x in cols if x["name"] == rule["through"])
            key = [x for x in cols if x is through or through.get("link") is not None and x.get("link") == through["link"]
                   and x["kind"] == "reference"]
            on = " AND ".join(f"c.{x['name']} = p.{x['column']}" for x in key)
            out[f"{t}.{c['name']} after {through['table']}.{rule['column']}"] = con.execute(
                f"SELECT avg((c.{c['name']} >= p.{rule['column']})::INT) FROM {db}.main.{t} c "
                f"JOIN {db}.main.{through['table']} p ON {on}").fetchall()[0][0]
    return out


def co_references(con, dbs: tuple[str, str], tables: list[str]) -> list[float]:
    """For every two foreign keys into one parent that draw by the parent's children (`per_parent`; a composite
    one's columns left out), the rows of their join on the parent key in dbs[1] over those in dbs[0] (each + 1):
    whether a world joins a customer's demographics to a return's as often as the real one."""
    into: dict = {}
    for t in tables:
        for c in fg.spec(con, t)["columns"]:
            if c["kind"] == "reference" and c.get("per_parent") and c.get("link") is None:
                into.setdefault(c["table"], []).append((t, c["name"]))
    join = ("SELECT coalesce(sum(a.n * b.n), 0) FROM (SELECT {c1} AS k, count(*) AS n FROM {db}.main.{t1} GROUP BY 1) "
            "a JOIN (SELECT {c2} AS k, count(*) AS n FROM {db}.main.{t2} GROUP BY 1) b USING (k)")
    ratios = []
    for fks in into.values():
        for (t1, c1), (t2, c2) in itertools.combinations(fks, 2):
            real, synth = (con.execute(join.format(db=db, t1=t1, c1=ident(c1), t2=t2, c2=ident(c2))).fetchall()[0][0]
                           for db in dbs)
            ratios.append((synth + 1) / (real + 1))
    return ratios


def children_spread(con, dbs: tuple[str, str], tables: list[str]) -> list[float]:
    """For every one-column foreign key, the Kolmogorov-Smirnov distance between the distributions of its children
    per parent row (zeros included) in dbs[0] and in dbs[1]: whether customers get as many tickets, days as many
    sales, as in the real world."""
    import numpy as np
    out = []
    for t in tables:
        for c in fg.spec(con, t)["columns"]:
            if c["kind"] != "reference" or c.get("link") is not None:
                continue
            a, b = (np.sort(np.array([r[0] for r in con.execute(
                f"SELECT count(c.{ident(c['name'])}) FROM {db}.main.{c['table']} AS p LEFT JOIN {db}.main.{t} AS c "
                f"ON c.{ident(c['name'])} = p.{ident(c['column'])} GROUP BY p.{ident(c['column'])}").fetchall()], float))
                for db in dbs)
            if len(a) and len(b) and a.sum() > 0:
                grid = np.union1d(a, b)
                out.append(float(np.abs(np.searchsorted(a, grid, "right") / len(a)
                                        - np.searchsorted(b, grid, "right") / len(b)).max()))
    return sorted(out)


def orphans(con, db: str, tables: list[str]) -> dict[str, int]:
    """Rows whose foreign key finds no parent row, per foreign key (a column, or the columns of a composite one:
    a return's (item, ticket) among the sales'), found or declared."""
    out = {}
    for t in tables:
        links: dict = {}
        for c in fg.spec(con, t)["columns"]:
            if c["kind"] == "reference":
                links.setdefault(c["name"] if c.get("link") is None else f"link {c['link']}", []).append(c)
        for cols in links.values():
            present = " AND ".join(f"c.{c['name']} IS NOT NULL" for c in cols)
            match = " AND ".join(f"p.{c['column']} = c.{c['name']}" for c in cols)
            out[f"{t}({', '.join(c['name'] for c in cols)})"] = con.execute(
                f"SELECT count(*) FROM {db}.main.{t} AS c WHERE {present} AND NOT EXISTS "
                f"(SELECT 1 FROM {db}.main.{cols[0]['table']} AS p WHERE {match})").fetchall()[0][0]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--limit", type=float, default=120.0, help="seconds a query may run")
    ap.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2],
                    help="seeds of the scale-N database: the first is reported query by query, each is counted")
    args = ap.parse_args()
    ext = wheel_extension("tpcds")
    if ext is None:
        sys.exit(f"no duckdb-extension-tpcds wheel for duckdb {duckdb.__version__}: pip install -e '.[test]'")
    tmp = tempfile.mkdtemp()
    con = fg.connect(os.path.join(tmp, "learned.duckdb"))
    con.execute(f"LOAD '{ext}'")
    _, dsdgen_small = timed(lambda: con.execute("CALL dsdgen(sf=0.01)"))
    tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                        "AND database_name = 'learned' ORDER BY 1").fetchall()]
    _, infer_s = timed(lambda: fg.infer_all(con, "main.*"))
    found = sum(c["kind"] == "reference" and c.get("link") is None for t in tables for c in fg.spec(con, t)["columns"])
    composite = sorted({(t, c["table"], c.get("link")) for t in tables for c in fg.spec(con, t)["columns"]
                        if c["kind"] == "reference" and c.get("link") is not None})
    inherited = sum(bool(c.get("inherit")) for t in tables for c in fg.spec(con, t)["columns"])
    later = sum(bool(c.get("after_parent")) for t in tables for c in fg.spec(con, t)["columns"])
    fixed = [t for t in tables if fg.spec(con, t).get("fixed")]
    batched = {t: fg.spec(con, t)["batches"] for t in tables if fg.spec(con, t).get("batches")}
    in_batches = "; ".join(f"{t} by {b['column']}, {len(b['columns'])} foreign keys each" for t, b in batched.items())

    sf = round(0.01 * args.scale, 6)
    con.execute(f"ATTACH '{os.path.join(tmp, 'real.duckdb')}' AS real")
    _, dsdgen_s = timed(lambda: con.execute(f"USE real; CALL dsdgen(sf={sf}); USE learned"))
    runs = {}
    for name, scale in (("synth1", 1.0), ("synthn", args.scale)):
        con.execute(f"ATTACH '{os.path.join(tmp, name + '.duckdb')}' AS {name}")
        made, seconds = timed(lambda: fg.generate(con, into=name, scale=scale, seed=args.seeds[0]))
        runs[name] = (dict(made), seconds)

    def count(db, t):
        return con.execute(f"SELECT count(*) FROM {db}.main.{t}").fetchall()[0][0]
    counts = {t: (count("learned", t), runs["synth1"][0][t], count("real", t), runs["synthn"][0][t]) for t in tables}
    lost = {db: orphans(con, db, tables) for db in ("synth1", "synthn")}
    # a batch's references that no batch repeats in the data (a ticket's items: batches.distinct), repeated
    repeats = {db: sum(con.execute(f"SELECT count({ident(r)}) - count(DISTINCT ({ident(b['column'])}, {ident(r)})) "
                                   f"FILTER ({ident(r)} IS NOT NULL) FROM {db}.main.{t}").fetchall()[0][0] for t, b in batched.items()
                       for r in b.get("distinct", [])) for db in ("synth1", "synthn")}
    distinct = [f"{t}({b['column']}, {r})" for t, b in batched.items() for r in b.get("distinct", [])]

    later_shares = {db: ordered(con, db, tables) for db in ("real", "synthn")}
    ratios = sorted(co_references(con, ("real", "synthn"), tables))
    spread = {db: children_spread(con, (real, db), tables) for real, db in (("learned", "synth1"), ("real", "synthn"))}
    joined = sum(0.5 <= r <= 2 for r in ratios)

    def distinct_values(db, t, c):
        return con.execute(f"SELECT count(DISTINCT {ident(c)}) FROM {db}.main.{t}").fetchall()[0][0]
    def growing(field):   # distinct values learned → drawn at the scale (real), of the columns with `field`
        return "; ".join(f"{t}.{c['name']} {distinct_values('learned', t, c['name']):,} → "
                         f"{distinct_values('synthn', t, c['name']):,} (real: {distinct_values('real', t, c['name']):,})"
                         for t in tables for c in fg.spec(con, t)["columns"] if c.get(field)) or "none"
    grown, repeated = growing("grows"), growing("slots")

    queries = con.execute("SELECT query_nr, query FROM tpcds_queries()").fetchall()
    results = run_queries(con, queries, ("learned", "synth1", "real", "synthn"), home="learned", limit_s=args.limit)
    small, large = agreement(results, 1, 2), agreement(results, 3, 4)
    # small counts move with every draw: the same schema at other seeds, counted the same way
    counted = [large]
    for seed in args.seeds[1:]:
        con.execute(f"ATTACH '{os.path.join(tmp, f'seed{seed}.duckdb')}' AS seed{seed}")
        fg.generate(con, into=f"seed{seed}", scale=args.scale, seed=seed)
        counted.append(agreement(run_queries(con, queries, ("real", f"seed{seed}"), home="learned",
                                             limit_s=args.limit), 1, 2))
        con.execute(f"DETACH seed{seed}")

    def over_seeds(k: int) -> str:
        got = [c[k] for c in counted]
        return (f" (seeds {', '.join(map(str, args.seeds))}: {', '.join(map(str, got))}; median "
                f"{sorted(got)[len(got) // 2]})" if len(got) > 1 else "")
    n = len(results)
    sized = [t for t, (a, b, c, d) in counts.items() if abs(d - c) <= 0.05 * c]
    asked = {k: [t for t, (a, b, c, d) in counts.items()
                 if abs((b, d)[k] - a * (1 if t in fixed else (1, args.scale)[k])) <= 0.05 * a * (1 if t in fixed else (1, args.scale)[k])]
             for k in (0, 1)}
    unlike = [f"{t} {c:,} (scale {args.scale:g}: {d:,})" for t, (a, b, c, d) in counts.items() if t not in sized]

    lines = [f"duckdb {duckdb.__version__}, 2 cores. TPC-DS sf=0.01 from the tpcds extension (no declared keys; "
             f"{dsdgen_small:.1f} s), learned by fastgen_infer('main.*') in {infer_s:.1f} s: {found} foreign keys "
             f"found in the data, and {len(composite)} composite ones "
             f"({', '.join(f'{t} → {p}' for t, p, _ in composite)}); {inherited} columns that copy the row a foreign "
             f"key points at in the share of rows the data does, {later} numbers, times or date keys after their "
             f"parent row's (across.py: at scale {args.scale:g}, "
             + ("; ".join(f"{k}: {v:.1%} of rows (real {later_shares['real'][k]:.1%})"
                          for k, v in later_shares["synthn"].items()) or "none") + f"); "
             f"{len(fixed)} tables kept as fixed lookups ({', '.join(fixed)}), {len(batched)} in "
             f"batches ({in_batches}). Lists of codes that grow with the world (spec `grows`), distinct codes "
             f"learned → at scale {args.scale:g}: {grown}. Synthesized texts that repeat (spec `slots`, growing as "
             f"their vocabulary with `slot_growth`), distinct texts learned → at scale {args.scale:g}: {repeated}. Regenerated at "
             f"scale 1 and {args.scale:g}, beside the real sf=0.01 and sf={sf:g} (dsdgen, {dsdgen_s:.1f} s), in one run.",
             "",
             "| | real rows, sf=0.01 → scale 1 | real rows, sf=" + f"{sf:g} → scale {args.scale:g} |", "|---|---|---|",
             f"| fastgen_generate seconds | {runs['synth1'][1]:.2f} | {runs['synthn'][1]:.2f} (dsdgen {dsdgen_s:.2f}) |",
             f"| queries non-empty where real is | {small[0]}/{n} | {large[0]}/{n}{over_seeds(0)} |",
             f"| queries within 2× of the real rows | {small[1]}/{n} | {large[1]}/{n}{over_seeds(1)} |",
             f"| foreign-key orphans | {sum(lost['synth1'].values())} over {len(lost['synth1'])} | "
             f"{sum(lost['synthn'].values())} over {len(lost['synthn'])} |",
             f"| batches that repeat a reference no batch repeats in the data ({', '.join(distinct) or 'none'}) | "
             f"{repeats['synth1']} | {repeats['synthn']} |",
             f"| tables within 5% of the real row count | — | {len(sized)}/{len(tables)} |",
             f"| joins of two foreign keys into one parent (a customer's demographics and a return's) within 2× of the "
             f"real rows | — | {joined}/{len(ratios)} (median ratio {ratios[len(ratios) // 2]:.2f}) |",
             "| children per parent row of a foreign key: Kolmogorov-Smirnov distance of their counts' distribution to "
             "the real one's, median (foreign keys within 0.05) | " + " | ".join(
                 f"{d[len(d) // 2]:.3f} ({sum(x <= 0.05 for x in d)}/{len(d)})" for d in spread.values()) + " |",
             f"| tables within 5% of the rows asked (scale × learned rows; a fixed lookup's own) | "
             f"{len(asked[0])}/{len(tables)} | {len(asked[1])}/{len(tables)} |", "",
             "dsdgen grows some dimensions by steps of its own, which sf=0.01 alone does not show: "
             + ", ".join(unlike) + " at sf=" + f"{sf:g}.", "",
             "| table | real sf=0.01 | scale 1 | real sf=" + f"{sf:g} | scale {args.scale:g} |", "|---|---|---|---|---|"]
    lines += [f"| {t} | {a:,} | {b:,} | {c:,} | {d:,} |" for t, (a, b, c, d) in counts.items()]
    lines += ["", "| query | real sf=0.01 | scale 1 | real sf=" + f"{sf:g} | scale {args.scale:g} |",
              "|---|---|---|---|---|"]
    lines += [f"| Q{nr} | {a} | {b} | {c} | {d} |" for nr, a, b, c, d in results]
    publish("\n".join(lines) + "\n", "tpcds_results.md")


if __name__ == "__main__":
    main()
