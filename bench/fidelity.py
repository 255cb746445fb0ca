"""Fidelity on TPC-H orders (sf=0.01 as the training table), every method at the same synthetic n.

    python bench/fidelity.py [--rows 100000]

Scores are SDMetrics' formulas as fastgen_duckdb.report computes them (all pairs averaged, numbers binned on
the real column's edges). Methods, all measured in this run:
  fastgen     fastgen_infer offline, then fastgen_sample
  resample    each column resampled independently from the real rows (numpy): what independent columns get
  bootstrap   whole real rows resampled: the ceiling that the real data's own sampling noise allows
The status x date pair is the share of status 'F' by order year, 1/1/1/0.2/0/0/0 in the data.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))


def main() -> None:
    import numpy as np
    import pyarrow as pa

    import fastgen_duckdb as fg
    from conftest import tpch_extension
    from fastgen_duckdb.fidelity import compare
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=100_000)
    n = p.parse_args().rows
    con = fg.connect()
    con.execute(f"LOAD '{tpch_extension()}'")
    con.execute("CALL dbgen(sf=0.01)")
    fg.infer(con, "orders")
    columns = fg.spec(con, "orders")["columns"]
    real = con.sql("FROM orders").fetch_arrow_table()
    rng = np.random.default_rng(0)
    resample = pa.table({c: real.column(c).take(pa.array(rng.integers(0, real.num_rows, n))) for c in real.column_names})
    bootstrap = real.take(pa.array(rng.integers(0, real.num_rows, n)))
    con.register("resample_t", resample)
    con.register("bootstrap_t", bootstrap)
    con.execute(f"CREATE TABLE fastgen_t AS FROM fastgen_sample('orders', {n}, seed := 1)")
    lines = [f"TPC-H orders sf=0.01 (15,000 rows) -> {n:,} synthetic rows per method.", "",
             "| method | overall | column shapes | pair trends | status × date pair | comment copies | comment unique |",
             "|---|---|---|---|---|---|---|"]
    for method in ("fastgen", "resample", "bootstrap"):
        r = compare(con, "orders", f"{method}_t", columns)
        pair = next(x["score"] for x in r["pairs"] if x["columns"] == ["o_orderstatus", "o_orderdate"])
        text = next(t for t in r["text"] if t["column"] == "o_comment")
        lines.append(f"| {method} | {r['overall']:.3f} | {r['column_shapes']:.3f} | {r['column_pair_trends']:.3f} | "
                     f"{pair:.3f} | {text['copied']:.2%} | {text['unique_synth']:.3f} |")
    lines += ["", "Published on these machines (shared/DESIGN.md, same formulas): SDV GaussianCopula overall 0.943, "
                  "status × date 0.687, comment copies 100%."]
    out = "\n".join(lines) + "\n"
    print(out)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fidelity_results.md"), "w") as f:
        f.write(out)


if __name__ == "__main__":
    main()
