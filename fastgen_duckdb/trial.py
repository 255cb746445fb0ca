"""A trial draw: which of two models of a table draws rows closer to its profile sample.

Hidden clusters (clusters.py) keep what columns do together beyond pairs, but a table of strong numeric
structure (series that move together, a measurement and its square) can come out better with the pair model
and the copula alone. Both are learned on the sample; each draws TRIAL_ROWS rows through the real sampler (the
compiled SELECT, in a temporary macro) and is scored against TRIAL_ROWS sampled rows with fidelity.compare, the
scores the fidelity report gives. The simpler model (fewer parameters, a faster sampler) wins unless the richer
scores MARGIN higher: the spec records the choice.
"""
from __future__ import annotations

import copy
import uuid

import duckdb

from .compiler import compile_query
from .fidelity import compare
from .errors import SpecError
from .spec import validate

TRIAL_ROWS = 5000
SEED = 7
MARGIN = 0.002   # the richer model must score this much higher: below it, trial draws of 5,000 rows cannot tell


def score(con, sample: str, spec: dict) -> float | None:
    """The overall fidelity of TRIAL_ROWS rows drawn by `spec` (columns in the sample's types) against the sample;
    None where the model cannot be drawn (it then loses: the error is not the user's to see)."""
    try:
        return _score(con, sample, spec)
    except (SpecError, duckdb.Error):
        return None


def _score(con, sample: str, spec: dict) -> float | None:
    spec = validate(copy.deepcopy(spec), con)
    tag = uuid.uuid4().hex
    macro, real, synth = f"fastgen_trial_{tag}", f"fastgen_trial_real_{tag}", f"fastgen_trial_synth_{tag}"
    body = compile_query(spec).replace("fastgen_rows", "(SELECT range AS r FROM range(start, start + n))")
    try:
        con.execute(f"CREATE TEMP MACRO {macro}(n, seed, start, scale) AS TABLE {body}")
        con.execute(f"CREATE TEMP TABLE {real} AS SELECT * FROM {sample} USING SAMPLE {TRIAL_ROWS} ROWS (reservoir, {SEED})")
        con.execute(f"CREATE TEMP TABLE {synth} AS FROM {macro}({TRIAL_ROWS}, {SEED}, 0, 1.0)")
        return compare(con, real, synth, spec["columns"])["overall"]
    finally:
        con.execute(f"DROP MACRO TABLE IF EXISTS temp.{macro}")
        con.execute(f"DROP TABLE IF EXISTS temp.{real}")
        con.execute(f"DROP TABLE IF EXISTS temp.{synth}")
