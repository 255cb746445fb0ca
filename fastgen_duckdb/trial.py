"""A trial draw: which of two models of a table draws rows closer to its profile sample.

Hidden clusters (clusters.py) keep what columns do together beyond pairs, but a table of strong numeric
structure (series that move together, a measurement and its square) can come out better with the pair model
and the copula alone. Both are learned on the sample; each draws TRIAL_ROWS rows through the real sampler (the
compiled SELECT, in a temporary macro) and is scored against TRIAL_ROWS sampled rows with fidelity.compare, the
scores the fidelity report gives. The simpler model (fewer parameters, a faster sampler) wins unless the richer
scores MARGIN higher: the spec records the choice. A trial also counts the drawn rows equal to a sampled row
(copies), to hold against the sample's own duplicates: the share of rows a new real row would repeat.
Within remembered() (one table's inference), a model measured again is not drawn again: the same spec, sample
and seed draw the same rows, and the choices of joint.py and missing.py measure the same model several times.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import json
import math
import uuid

import duckdb

from .compiler import compile_query
from .fidelity import compare
from .errors import SpecError
from .spec import validate
from .sqltext import ident

TRIAL_ROWS = 5000
SEED = 7
MARGIN = 0.002   # the richer model must score this much higher: below it, trial draws of 5,000 rows cannot tell
SAME_COPIES = 3.0   # a richer model may copy this many standard errors more rows and still copy no more
_measured: contextvars.ContextVar[dict | None] = contextvars.ContextVar("fastgen_trials", default=None)


@contextlib.contextmanager
def remembered():
    """Measures taken inside are kept until it ends, keyed by sample and model (the sample must not change)."""
    token = _measured.set({})
    try:
        yield
    finally:
        _measured.reset(token)


def score(con, sample: str, spec: dict) -> float | None:
    """The overall fidelity of TRIAL_ROWS rows drawn by `spec` (columns in the sample's types) against the sample;
    None where the model cannot be drawn (it then loses: the error is not the user's to see)."""
    got = measure(con, sample, spec)
    return got and got["overall"]


def measure(con, sample: str, spec: dict, scored_as: list[dict] | None = None) -> dict | None:
    """score()'s draw: {"overall": its score, "copies": the share of its rows equal to a sampled row,
    "duplicates": the share of sampled rows equal to another one, how often a new real row would repeat one of
    the sample's: the rate copies are held to, "shapes": {column: its shape score}}, or None. Rows are compared on every column but keys and
    references (they make every row new), NULL equal to NULL. `scored_as`: columns whose kinds pick the metrics,
    for two models that draw a column as different kinds to be scored alike (default: the spec's)."""
    memo = _measured.get()
    key = json.dumps([sample, spec, scored_as], sort_keys=True, default=str) if memo is not None else None
    if key in (memo or {}):
        return copy.deepcopy(memo[key])
    try:
        got = _measure(con, sample, spec, scored_as)
    except (SpecError, duckdb.Error):
        got = None
    if memo is not None:
        memo[key] = copy.deepcopy(got)
    return got


def copies_no_more(richer: dict | None, simpler: dict | None) -> bool:
    """Whether the richer model's trial draw (measure()) copies no more sampled rows than a new real row would
    repeat (the sample's own duplicates) or than the simpler model's draw does, within three standard errors
    of a share of TRIAL_ROWS rows. A model that cannot be drawn copies more."""
    if richer is None:
        return False
    share = held(richer, simpler)
    return richer["copies"] <= share + SAME_COPIES * math.sqrt(max(share * (1 - share), 1 / TRIAL_ROWS) / TRIAL_ROWS)


def held(richer: dict, simpler: dict | None) -> float:
    """The copy share a richer model's draw is held to: the sample's own duplicates, or the simpler model's copies."""
    return max(richer["duplicates"], simpler["copies"] if simpler else 0.0)


def _row(con, sample: str, cols: list[dict]) -> str:
    """One 64-bit hash of a row's columns but keys and references, in the sample's types."""
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {sample})").fetchall())
    kept = [c["name"] for c in cols if c["kind"] not in ("key", "reference")] or [c["name"] for c in cols[:1]]
    return f"hash({', '.join(f'CAST({ident(n)} AS {types[n]})' for n in kept)})"


def _measure(con, sample: str, spec: dict, scored_as: list[dict] | None = None) -> dict:
    spec = validate(copy.deepcopy(spec), con)
    tag = uuid.uuid4().hex
    macro, real, synth = f"fastgen_trial_{tag}", f"fastgen_trial_real_{tag}", f"fastgen_trial_synth_{tag}"
    body = compile_query(spec, compact=True).replace("fastgen_rows", "(SELECT range AS r FROM range(start, start + n))")
    try:
        con.execute(f"CREATE TEMP MACRO {macro}(n, seed, start, scale) AS TABLE {body}")
        con.execute(f"CREATE TEMP TABLE {real} AS SELECT * FROM {sample} USING SAMPLE {TRIAL_ROWS} ROWS (reservoir, {SEED})")
        con.execute(f"CREATE TEMP TABLE {synth} AS FROM {macro}({TRIAL_ROWS}, {SEED}, 0, 1.0)")
        scores = compare(con, real, synth, scored_as or spec["columns"])
        row = _row(con, sample, spec["columns"])
        copies = con.execute(f"SELECT avg(({row} IN (SELECT {row} FROM {sample}))::INT) FROM {synth}").fetchall()[0][0]
        duplicates = con.execute(f"SELECT coalesce(sum(n) FILTER (WHERE n > 1) / sum(n), 0) FROM "
                                 f"(SELECT count(*) AS n FROM {sample} GROUP BY {row})").fetchall()[0][0]
        return {"overall": scores["overall"], "copies": copies, "duplicates": duplicates,
                "shapes": {x["column"]: x["score"] for x in scores["columns"]}}
    finally:
        con.execute(f"DROP MACRO TABLE IF EXISTS temp.{macro}")
        con.execute(f"DROP TABLE IF EXISTS temp.{real}")
        con.execute(f"DROP TABLE IF EXISTS temp.{synth}")
