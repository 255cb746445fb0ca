"""NULLs that come together (missing.py): learned from data, drawn so, each column keeping its own share."""
import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import fastgen_duckdb as fg
from conftest import refused_and_unchanged
from data import sales, u
from fastgen_duckdb import missing


def within(got: float, want: float, n: int) -> bool:
    return abs(got - want) <= 5 * math.sqrt(max(want * (1 - want), 1e-4) / n)


def shares(con, relation: str) -> dict[str, float]:
    row = con.execute(
        "SELECT avg((customer_id IS NULL)::INT), avg((store_id IS NULL)::INT), avg((amount IS NULL)::INT), "
        "avg((note IS NULL)::INT), avg((customer_id IS NULL AND store_id IS NULL AND amount IS NULL)::INT), "
        f"avg((customer_id IS NULL AND note IS NULL)::INT), count(*) FROM {relation}").fetchall()[0]
    return dict(zip(["customer", "store", "amount", "note", "all three", "customer and note", "n"], row))


def test_foreign_keys_missing_in_the_same_rows_stay_so_and_a_column_missing_alone_stays_apart(con):
    """A sale's customer, store and amount are NULL together in the data (15 %, where apart they would be so
    together in 0.3 % of rows); its note on its own. Regenerated, each keeps its share of NULLs, the three are
    NULL in the same rows as often as in the data, and the note's NULLs stay independent of them."""
    sales(con)
    fg.infer_all(con, "main.*")
    spec = fg.spec(con, "sales")
    assert [c["kind"] for c in spec["columns"][1:3]] == ["reference", "reference"]
    [block] = spec["missing"]
    assert sorted(block["columns"]) == ["amount", "customer_id", "store_id"]
    assert min(block["loadings"]) > 0.95
    n = 100_000
    con.execute(f"CREATE TABLE drawn AS FROM fastgen_sample('sales', {n}, seed := 5)")
    real, got = shares(con, "sales"), shares(con, "drawn")
    for what in ("customer", "store", "amount", "note"):
        assert within(got[what], real[what], n), (what, got[what], real[what])
    assert within(got["all three"], real["all three"], n), (got["all three"], real["all three"])
    assert within(got["customer and note"], got["customer"] * got["note"], n)
    assert con.execute("SELECT count(*) FROM drawn ANTI JOIN customers USING (customer_id) "
                       "WHERE customer_id IS NOT NULL").fetchall() == [(0,)]


def test_loadings_of_one_draw_nested_nulls_and_of_opposite_signs_disjoint_ones_exactly(con):
    """Edited: a and b with loadings 1 and 1 are NULL in nested rows (b's 10 % inside a's 30 %); c and d, 1 and
    −1, never together (40 % and 50 %); each keeps its share."""
    con.execute("CREATE TABLE t AS SELECT i, i % 7 AS a, i % 5 AS b, i % 3 AS c, i % 11 AS d FROM range(1000) r(i)")
    fg.infer(con, "t")
    spec = fg.spec(con, "t")
    for col, share in zip(spec["columns"][1:], (0.3, 0.1, 0.4, 0.5)):
        col["nulls"] = share
    spec["missing"] = [{"columns": ["a", "b"], "loadings": [1, 1]}, {"columns": ["c", "d"], "loadings": [1, -1]}]
    fg.import_spec(con, spec)
    n = 50_000
    row = con.execute("SELECT avg((a IS NULL)::INT), avg((b IS NULL)::INT), avg((c IS NULL)::INT), "
                      "avg((d IS NULL)::INT), count(*) FILTER (b IS NULL AND a IS NOT NULL), "
                      f"count(*) FILTER (c IS NULL AND d IS NULL) FROM fastgen_sample('t', {n})").fetchall()[0]
    for got, want in zip(row[:4], (0.3, 0.1, 0.4, 0.5)):
        assert within(got, want, n), (got, want)
    assert row[4:] == (0, 0)


@settings(max_examples=25, deadline=None)
@given(rho=st.floats(-0.95, 0.95), p=st.floats(0.05, 0.6), q=st.floats(0.05, 0.6), seed=st.integers(0, 2**31))
def test_the_tetrachoric_correlation_of_thresholded_normals_is_recovered(rho, p, q, seed):
    """Any correlation of two normals, cut at any shares: the pair's co-NULL share gives it back, to within what
    40,000 rows can tell: the correlations of four Poisson deviations fewer and more rows NULL together (a
    few rows where both are rare and the correlation negative), and 0.05 more."""
    rng = np.random.default_rng(seed)
    n = 40_000
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=n)
    x, y = z[:, 0] < NormalDist().inv_cdf(p), z[:, 1] < NormalDist().inv_cdf(q)
    both = (x & y).sum()
    got = missing.tetrachoric(np.array([x.mean()]), np.array([y.mean()]), np.array([both / n]))[0]
    if not both or both == min(x.sum(), y.sum()):   # the rows say disjoint, or nested: exactly
        assert got == (1.0 if both else -1.0)
    else:
        spread = 4 * np.sqrt(both) + 1
        lo, hi = missing.tetrachoric(np.array([x.mean()] * 2), np.array([y.mean()] * 2),
                                     np.array([max(both - spread, 0), min(both + spread, min(x.sum(), y.sum()))]) / n)
        assert lo <= got <= hi and lo - 0.05 < rho < hi + 0.05, (got, rho, lo, hi)


@pytest.mark.parametrize("loadings", [[0.9, 0.8, 0.7], [0.9, -0.6, 0.5], [1.0, 1.0, 1.0]])
def test_one_factor_gives_back_the_loadings_of_its_correlations(loadings):
    a = np.array(loadings)
    r = np.outer(a, a)
    np.fill_diagonal(r, 1.0)
    got = missing.one_factor(r)
    assert np.allclose(got if got[0] > 0 else -got, a, atol=1e-3), got


@pytest.mark.parametrize("edit, says", [
    (lambda s: s.update(missing=[{"columns": ["customer_id"], "loadings": [0.9]}]), "two or more"),
    (lambda s: s["missing"][0].update(loadings=[0.9, 1.5, 0.9]), "each a number in -1..1 other than 0"),
    (lambda s: s["missing"][0].update(columns=["customer_id", "store_id", "nowhere"]), "'nowhere', which is no column"),
    (lambda s: s["missing"][0].update(columns=["customer_id", "store_id", "sale_id"]), "column 'sale_id', whose NULLs"),
    (lambda s: s["missing"].append({"columns": ["customer_id", "note"], "loadings": [0.5, 0.5]}), "in two blocks"),
    (lambda s: s.update(missing={"columns": ["customer_id", "note"]}), "missing must be a list of blocks")])
def test_an_edited_block_that_cannot_hold_is_refused_in_one_line_and_nothing_changes(con, edit, says):
    sales(con)
    fg.infer_all(con, "main.*")
    refused_and_unchanged(con, "sales", edit, says)


def test_a_not_null_schema_drops_its_column_from_the_block(con):
    """A column the schema declares NOT NULL leaves its block (a block of one is dropped): nothing fails."""
    spec = {"fastgen_spec": 1, "name": "t", "columns": [
        {"name": "a", "type": "INTEGER", "kind": "numeric", "nulls": 0.2, "quantiles": [0, 1]},
        {"name": "b", "type": "INTEGER", "kind": "numeric", "nulls": 0.0, "quantiles": [0, 1]}],
        "missing": [{"columns": ["a", "b"], "loadings": [0.9, 0.9]}]}
    missing.prune(spec)
    assert "missing" not in spec


def test_blocks_that_would_repeat_real_rows_are_not_kept(con):
    """A country-year table (each pair once) whose ten counts are all NULL in the same 40 % of its rows, learned
    without hidden clusters (which would hold these NULLs themselves): drawn in a block, a row of no counts is
    its country and year alone, and repeats a real row far more often than a new real row would (never: no pair
    twice). The trial draw measures so, and the block is left out; where rows do repeat in the data as often as
    drawn (the sales test above), it is kept."""
    con.execute("CREATE TABLE who AS SELECT 'country ' || c AS country, 1980 + y AS year, "
                + ", ".join(f"CASE WHEN hash(c, y, 'gone') % 10 >= 4 THEN (hash(c, y, {k}) % 500)::INTEGER END AS n{k}"
                            for k in range(10))
                + " FROM range(60) a(c), range(40) b(y)")
    fg.infer(con, "who")
    spec = fg.spec(con, "who")
    spec.pop("clusters", None)
    spec.pop("missing", None)   # with clusters, their NULL shares per cluster draw no-count rows anyway: kept there
    for col in spec["columns"]:
        col.pop("cluster", None)
    [block] = missing.fit(con, "who", spec["columns"])
    assert sorted(block["columns"]) == [f"n{k}" for k in range(10)] and min(block["loadings"]) > 0.95
    assert missing.learn(con, "who", spec) is None


def test_nulls_drawn_together_keep_their_share_per_parent_bin(con, pairs_only):
    """A weight and a height missing in the same visits, 60 % of a clinic's and 10 % of a ward's: the two are
    a block (one latent normal, loadings 1) and each compares it with its site's threshold, so they are NULL
    in the same rows and as often per site as in the data. Before, NULL shares per bin kept a column out of
    blocks: each drew its NULLs on its own, and a visit had a weight without a height in a third of the rows."""
    null_if = "(i // 2) % 10 < CASE WHEN i % 2 = 0 THEN 6 ELSE 1 END"
    con.execute(f"""CREATE TABLE visits AS SELECT CASE WHEN i % 2 = 0 THEN 'clinic' ELSE 'ward' END AS site,
                    CASE WHEN i % 2 = 0 THEN 'c' ELSE 'w' END AS code,
                    CASE WHEN {null_if} THEN NULL ELSE round(50 + 30 * (i % 2) + 10 * {u(1)}, 1) END AS weight,
                    CASE WHEN {null_if} THEN NULL ELSE round(150 + 20 * (i % 2) + 10 * {u(2)}, 1) END AS height
                    FROM range(2000) t(i)""")
    fg.infer(con, "visits")
    spec = fg.spec(con, "visits")
    assert spec["missing"] == [{"columns": ["weight", "height"], "loadings": [1.0, 1.0]}]
    assert all(len(c["given"]["nulls"]) == 2 for c in spec["columns"] if c["name"] in ("weight", "height"))
    n = 40000
    for site, share in (("clinic", 0.6), ("ward", 0.1)):
        weight, height, together = con.execute(f"""SELECT avg((weight IS NULL)::INT), avg((height IS NULL)::INT),
            bool_and((weight IS NULL) = (height IS NULL)) FROM fastgen_sample('visits', {n}, seed := 1)
            WHERE site = '{site}'""").fetchone()
        assert together and weight == height
        assert abs(weight - share) < 4 * (share * (1 - share) / (n / 2)) ** 0.5 + 0.002, (site, weight)


def test_a_model_measured_again_in_one_inference_is_drawn_once(con, monkeypatch):
    """The choice of NULL blocks measures the table without them, which the joint model's own choice has just
    measured (a country-year table of counts NULL together): within one inference a model is drawn once, and
    measured again from what that draw gave. Same sample, spec and seed: the same rows."""
    from fastgen_duckdb import trial
    draws, measures, real_measure, real_draw = [], [], trial.measure, trial._measure
    monkeypatch.setattr(trial, "_measure", lambda con, sample, spec, scored_as=None: draws.append(spec) or real_draw(
        con, sample, spec, scored_as))
    monkeypatch.setattr(trial, "measure", lambda *a, **k: measures.append(a[2]) or real_measure(*a, **k))
    con.execute("CREATE TABLE who AS SELECT 'country ' || c AS country, 1980 + y AS year, "
                + ", ".join(f"CASE WHEN hash(c, y, 'gone') % 10 >= 4 THEN (hash(c, y, {k}) % 500)::INTEGER END AS n{k}"
                            for k in range(10))
                + " FROM range(60) a(c), range(40) b(y)")
    fg.infer(con, "who")
    assert len(measures) > len(draws) >= 2
    assert all(a != b for i, a in enumerate(draws) for b in draws[:i])
    with trial.remembered():   # and a measure taken again gives what the draw gave
        first = trial.measure(con, "who", fg.spec(con, "who"))
        assert trial.measure(con, "who", fg.spec(con, "who")) == first and first["overall"] > 0.5
