"""A conditional table is kept only where the mixture it draws adds back up to the column's own distribution."""
import numpy as np

from fastgen_duckdb import fallback


def categorical(weights, given_weights, parent_nulls=0.0, null=None):
    parent = {"name": "p", "kind": "categorical", "values": ["a", "b"], "weights": [1, 1], "nulls": parent_nulls}
    child = {"name": "c", "kind": "categorical", "values": ["x", "y"], "weights": weights,
             "given": {"column": "p", "bins": 2, "weights": given_weights, **({"null": null} if null else {})}}
    return [parent, child]


def test_a_table_that_adds_up_is_kept():
    cols = fallback.check(categorical([50, 50], [[90, 10], [10, 90]]))
    assert "given" in cols[1] and "note" not in cols[1]


def test_a_parent_often_null_without_a_null_distribution_shifts_the_child_and_is_dropped():
    # 60% of parents NULL draw bin 0 (90% x): x comes out 0.6 * 0.9 + 0.4 * 0.5 = 0.74, not 0.5
    cols = categorical([50, 50], [[90, 10], [10, 90]], parent_nulls=0.6)
    assert abs(fallback.shift(cols[1], cols[0]) - 0.24) < 1e-9
    fallback.check(cols)
    assert "given" not in cols[1] and "0.240 away" in cols[1]["note"]
    # with the child's distribution given a NULL parent learned, it adds up again
    kept = fallback.check(categorical([50, 50], [[90, 10], [10, 90]], parent_nulls=0.6, null=[50, 50]))
    assert "given" in kept[1]


def test_numeric_knots_per_bin_are_compared_as_distributions():
    knots = list(np.linspace(0, 100, 65))
    low, high = list(np.linspace(0, 50, 65)), list(np.linspace(50, 100, 65))
    parent = {"name": "p", "kind": "numeric", "nulls": 0.0, "quantiles": [0, 1]}
    child = {"name": "c", "kind": "numeric", "quantiles": knots, "given": {"column": "p", "bins": 2,
                                                                          "quantiles": [low, high]}}
    assert fallback.shift(child, parent) < 1e-9                  # two halves make the whole
    child["given"]["quantiles"] = [low, low]                     # both bins low: nothing above 50
    assert abs(fallback.shift(child, parent) - 0.5) < 1e-6
    steps = {"name": "s", "kind": "numeric", "steps": True, "quantiles": [1, 1, 2, 2],
             "given": {"column": "p", "bins": 2, "quantiles": [[1, 1, 1, 1], [2, 2, 2, 2]]}}
    assert fallback.shift(steps, parent) < 1e-9
