"""Fidelity of fastgen against peers on several real tables, every method at the same synthetic n.

    python bench/peers.py [--rows 100000] [--tables tpch.orders penguins ...]

Writes bench/peers_results.md and prints it. Training tables (real rows, loaded into DuckDB first, the same
table for every method): TPC-H sf=0.01 orders, customer, part, partsupp, lineitem; TPC-DS sf=0.01
store_sales, web_sales, date_dim; palmerpenguins; vega_datasets' local cars, seattle_weather,
airports. Every method is scored by fastgen_duckdb.fidelity.compare (SDMetrics' formulas, all pairs averaged,
numbers binned on the real column's edges) against the columns of fastgen's spec (keys left out). Methods:
  fastgen     fastgen_infer offline, then fastgen_sample(n, seed := 1)
  sdv_gc      SDV GaussianCopulaSynthesizer, default settings and detected metadata; its pandas output cast
              back to the real column types in SQL (skipped when sdv is not importable)
  resample    each column resampled independently from the real rows (numpy): what independent columns get
  bootstrap   whole real rows resampled: the ceiling that the real data's own sampling noise allows
Fit seconds include type detection (fastgen_infer; SDV's metadata detection); sample seconds are for n rows
(fastgen into a DuckDB table, SDV into a DataFrame). For orders and penguins SDMetrics' own QualityReport
is added as a cross-check: it averages only strongly related pairs, so its numbers differ from ours.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
import traceback
import warnings

import duckdb
import numpy as np
import pyarrow as pa

import fastgen_duckdb as fg
from fastgen_duckdb.fidelity import compare
from fastgen_duckdb.sqltext import ident
from publish import publish

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from data import wheel_extension  # noqa: E402 (tests/ is on the path above)

TPCH = ["orders", "customer", "part", "partsupp", "lineitem"]
TPCDS = ["store_sales", "web_sales", "date_dim"]
FRAMES = {"penguins": lambda: importlib.import_module("palmerpenguins").load_penguins(),
          **{f"vega.{n}": (lambda n=n: getattr(importlib.import_module("vega_datasets").local_data, n)())
             for n in ("cars", "seattle_weather", "airports")}}
TABLES = [f"tpch.{t}" for t in TPCH] + [f"tpcds.{t}" for t in TPCDS] + list(FRAMES)
PACKAGES = {"tpch": "duckdb_extension_tpch", "tpcds": "duckdb_extension_tpcds", "penguins": "palmerpenguins",
            "vega": "vega_datasets"}  # a table whose package is missing is skipped
QUALITY_REPORT = ("tpch.orders", "penguins")
SDV_KINDS = ("numerical", "categorical", "datetime", "boolean")


def available(key: str) -> bool:
    source = key.partition(".")[0]
    if source in ("tpch", "tpcds"):
        return wheel_extension(source) is not None
    return importlib.util.find_spec(PACKAGES[source]) is not None and importlib.util.find_spec("pandas") is not None


def load(key: str) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A fresh fastgen connection holding the real table; its name."""
    con = fg.connect()
    source, _, table = key.partition(".")
    if source in ("tpch", "tpcds"):
        con.execute(f"LOAD '{wheel_extension(source)}'")
        con.execute(f"CALL {'dbgen' if source == 'tpch' else 'dsdgen'}(sf=0.01)")
        return con, table
    table = table or source
    con.register("frame", FRAMES[key]())
    con.execute(f"CREATE TABLE {ident(table)} AS FROM frame")
    con.unregister("frame")
    return con, table


def frame(con, relation: str):
    """Rows as a DataFrame, timestamps in nanoseconds (SDV and SDMetrics misread datetime64[us])."""
    df = con.sql(f"FROM {relation}").df()
    for c in df.columns:
        if df[c].dtype.kind == "M":
            df[c] = df[c].astype("datetime64[ns]")
    return df


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run_fastgen(con, table: str, n: int) -> dict:
    gen, fit = timed(lambda: fg.infer(con, table))
    _, sample = timed(lambda: con.execute(f"CREATE TABLE fastgen_t AS FROM fastgen_sample('{gen}', {n}, seed := 1)"))
    return {"fit": fit, "sample": sample, "columns": fg.spec(con, gen)["columns"]}


def run_sdv(con, table: str, n: int) -> dict:
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer
    df = frame(con, table)
    start = time.perf_counter()
    metadata = Metadata.detect_from_dataframes({"t": df})
    synth = GaussianCopulaSynthesizer(metadata)
    synth.fit({"t": df})
    fit = time.perf_counter() - start
    out, sample = timed(lambda: synth.sample(n)["t"])
    con.register("sdv_raw", out)
    types = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {ident(table)})").fetchall()
    con.execute("CREATE TABLE sdv_gc_t AS SELECT " + ", ".join(f"CAST({ident(c)} AS {t}) AS {ident(c)}" for c, t in types)
                + " FROM sdv_raw")
    con.unregister("sdv_raw")
    meta = metadata.to_dict()["tables"]["t"]
    odd = [f"{c} {m['sdtype']}{' (primary key)' if c == meta.get('primary_key') else ''}"
           for c, m in meta["columns"].items() if m["sdtype"] not in SDV_KINDS]
    return {"fit": fit, "sample": sample, "sdv_types": odd, "metadata": meta}


def run_numpy(con, table: str, n: int) -> tuple[dict, dict]:
    real = con.sql(f"FROM {ident(table)}").to_arrow_table()
    rng = np.random.default_rng(0)
    resample, t_resample = timed(lambda: pa.table(
        {c: real.column(c).take(pa.array(rng.integers(0, real.num_rows, n))) for c in real.column_names}))
    bootstrap, t_bootstrap = timed(lambda: real.take(pa.array(rng.integers(0, real.num_rows, n))))
    con.execute("CREATE TABLE resample_t AS FROM resample")
    con.execute("CREATE TABLE bootstrap_t AS FROM bootstrap")
    return {"fit": None, "sample": t_resample}, {"fit": None, "sample": t_bootstrap}


def quality_report(con, table: str, method: str, metadata: dict, drop: list[str]) -> float:
    """SDMetrics' own QualityReport overall score (its defaults) for a method's synthetic table, without `drop`."""
    from sdmetrics.reports import QualityReport
    meta = {**metadata, "columns": {c: m for c, m in metadata["columns"].items() if c not in drop}}
    real, synth = (frame(con, rel).drop(columns=drop) for rel in (table, f"{method}_t"))
    report = QualityReport()
    report.generate({"t": real}, {"t": synth}, {"tables": {"t": meta}}, verbose=False)
    return report.get_score()


def losses(fast: dict, sdv: dict, k: int = 3) -> str:
    """The columns and pairs where fastgen's score trails SDV's most."""
    def scores(r):
        return {**{s["column"]: s["score"] for s in r["columns"]}, **{" × ".join(p["columns"]): p["score"] for p in r["pairs"]}}
    f, s = scores(fast), scores(sdv)
    gaps = sorted(((s[x] - f[x], x) for x in f if x in s and s[x] > f[x]), reverse=True)[:k]
    return ", ".join(f"{x} {f[x]:.3f} vs {s[x]:.3f}" for _, x in gaps) or "none"


def fmt(x, spec: str = ".3f") -> str:
    return "—" if x is None else format(x, spec)


def main() -> None:
    warnings.filterwarnings("ignore", message="We strongly recommend saving the metadata")
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--tables", nargs="+", default=TABLES, choices=TABLES)
    args = p.parse_args()
    n = args.rows
    missing = [k for k in args.tables if not available(k)]
    has_sdv = importlib.util.find_spec("sdv") is not None
    methods = ["fastgen"] + ["sdv_gc"] * has_sdv + ["resample", "bootstrap"]
    rows = [f"| table | rows×cols | method | overall | column shapes | pair trends | fit s | sample s ({n:,} rows) | text copied |",
            "|---|---|---|---|---|---|---|---|---|"]
    notes, crashes, checks, overall = [], [], [], {m: {} for m in methods}
    for key in [k for k in args.tables if k not in missing]:
        con, table = load(key)
        shape = con.execute(f"SELECT count(*), (SELECT count(*) FROM (DESCRIBE {ident(table)})) FROM {ident(table)}").fetchone()
        print(f"{key}: {shape[0]:,} rows × {shape[1]} columns", flush=True)
        runs, results = {}, {}
        for method, run in (("fastgen", run_fastgen), ("sdv_gc", run_sdv)):
            if method in methods:
                try:
                    runs[method] = run(con, table, n)
                except Exception:
                    crashes.append(f"{key} {method}:\n```\n{traceback.format_exc()}```")
        runs["resample"], runs["bootstrap"] = run_numpy(con, table, n)
        for method in methods:
            if method not in runs or "fastgen" not in runs:
                status = "crashed" if method not in runs else "not scored (no fastgen spec)"
                rows.append(f"| {key} | {shape[0]:,}×{shape[1]} | {method} | {status} | | | | | |")
                continue
            r = results[method] = compare(con, ident(table), f"{method}_t", runs["fastgen"]["columns"])
            overall[method][key] = r["overall"]
            copied = ", ".join(f"{t['column']} {t['copied']:.1%}" for t in r["text"]) or "—"
            rows.append(f"| {key} | {shape[0]:,}×{shape[1]} | {method} | {fmt(r['overall'])} | {fmt(r['column_shapes'])} | "
                        f"{fmt(r['column_pair_trends'])} | {fmt(runs[method]['fit'], '.2f')} | "
                        f"{fmt(runs[method]['sample'], '.2f')} | {copied} |")
        if "sdv_gc" in runs:
            notes.append(f"- {key}: SDV treated {', '.join(runs['sdv_gc']['sdv_types']) or 'every column as data'}")
        if "fastgen" in results and "sdv_gc" in results:
            notes.append(f"  - fastgen trails SDV GC most on: {losses(results['fastgen'], results['sdv_gc'])}")
        if key in QUALITY_REPORT and "fastgen" in results and "sdv_gc" in results:
            meta, text = runs["sdv_gc"]["metadata"], [t["column"] for t in results["fastgen"]["text"]]
            checks.append(f"| {key} | " + " | ".join(fmt(quality_report(con, table, m, meta, drop))
                                                     for drop in ([], text) for m in ("fastgen", "sdv_gc")) + " |")
        con.close()
    lines = [f"Synthetic rows per method and table: {n:,}. Tables are sf=0.01 for TPC-H and TPC-DS.", ""] + rows + [""]
    for method in methods:
        scores = overall[method]
        line = f"- {method}: mean overall {fmt(np.mean(list(scores.values())) if scores else None)} over {len(scores)} tables"
        if method == "fastgen" and has_sdv:
            both = [k for k in scores if k in overall["sdv_gc"]]
            line += f"; ≥ SDV GC on {sum(scores[k] >= overall['sdv_gc'][k] for k in both)} of {len(both)}"
        lines.append(line)
    if not has_sdv:
        lines += ["", "sdv is not importable here: the sdv_gc rows are skipped."]
    if missing:
        lines += ["", f"Skipped, their package is not installed here: {', '.join(missing)}."]
    lines += ["", "Every method is scored on the kinds of fastgen's spec: a column fastgen calls categorical is scored "
                  "with TVComplement even where SDV models it as a number or datetime (e.g. cars' Year), and its keys, "
                  "constants and free text are left out of the scores."]
    if notes:
        lines += ["", "SDV's metadata detection (columns not numerical/categorical/datetime/boolean; SDV makes up "
                      "values for id and PII types), and fastgen's largest per-column / per-pair gaps to SDV GC "
                      "(fastgen vs SDV):"] + notes
    if checks:
        lines += ["", "Cross-check with SDMetrics 0.32's own QualityReport with SDV's detected metadata. It averages only "
                      "strongly related pairs and bins each table on its own range; it scores free text as a category "
                      "(new text scores 0 and every text pair counts as strongly related), so it is shown with and "
                      "without fastgen's text columns:", "",
                  "| table | fastgen | sdv_gc | fastgen, no text | sdv_gc, no text |", "|---|---|---|---|---|"] + checks
    if crashes:
        lines += ["", "Crashes:", ""] + crashes
    publish("\n".join(lines) + "\n", "peers_results.md")


if __name__ == "__main__":
    main()
