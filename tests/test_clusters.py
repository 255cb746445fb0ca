"""Hidden clusters: what columns do together beyond pairs, drawn in pure SQL, with rows no likelier to copy real ones."""
import json
import math

import pytest

import fastgen_duckdb as fg
from data import u


@pytest.fixture
def xor(con):
    """c = a xor b with every pair independent (no pair model can keep it), a number shifted by c and a date by a,
    a flag, and a continuous number beside them (so no row can come out as a copy of a real one)."""
    con.execute(f"""CREATE TABLE xor AS SELECT a, b, (a + b::INT) % 2 AS c,
                        3 * ((a + b::INT) % 2) + sqrt(-2 * ln({u(3)} + 1e-12)) * cos(6.283185307179586 * {u(4)}) AS x,
                        TIMESTAMP '2020-01-01' + to_microseconds((a * 400 * 86400 + floor({u(5)} * 300 * 86400))::BIGINT
                                                                 * 1000000) AS at,
                        CASE WHEN {u(6)} < 0.1 THEN NULL ELSE {u(6)} < 0.5 + 0.3 * a END AS flag
                    FROM (SELECT i, (floor(2 * {u(1)}))::INT AS a, {u(2)} < 0.5 AS b FROM range(20000) t(i))""")
    fg.infer(con, "xor")
    return con


def test_a_three_way_relation_is_kept_where_every_pair_is_independent(xor):
    spec = fg.spec(xor, "xor")
    assert len(spec["clusters"]["weights"]) >= 4
    by_name = {c["name"]: c for c in spec["columns"]}
    assert {name for name, c in by_name.items() if "cluster" in c} == {"a", "b", "c", "x", "at", "flag"}
    n = 60000
    rows = xor.execute(f"""SELECT avg(((a + b::INT) % 2 = c)::INT), avg(c), avg(x) FILTER (WHERE c = 1) - avg(x) FILTER (WHERE c = 0),
                              avg((year("at") >= 2021)::INT) FILTER (WHERE a = 1), avg((year("at") = 2020)::INT) FILTER (WHERE a = 0),
                              avg(flag::INT) FILTER (WHERE a = 1) - avg(flag::INT) FILTER (WHERE a = 0), avg((flag IS NULL)::INT)
                       FROM fastgen_sample('xor', {n})""").fetchall()[0]
    real = xor.execute("""SELECT avg(flag::INT) FILTER (WHERE a = 1) - avg(flag::INT) FILTER (WHERE a = 0) FROM xor""").fetchall()[0][0]
    se = 4 * math.sqrt(0.25 / n)   # four standard errors of a share near one half
    assert rows[0] >= 0.98                    # an independent draw per pair would give 0.5
    assert abs(rows[1] - 0.5) < se
    assert abs(rows[2] - 3) < 0.1             # the number still follows c
    assert rows[3] >= 0.98 and rows[4] >= 0.98
    assert abs(rows[5] - real) < 4 * se
    assert abs(rows[6] - 0.1) < 4 * math.sqrt(0.09 / n)


def test_clusters_are_reproducible_and_chunk_invariant(xor):
    whole = xor.execute("SELECT sum(hash(t) >> 8) FROM fastgen_sample('xor', 3000, seed := 2) t").fetchall()
    parts = xor.execute("""SELECT sum(hash(t) >> 8) FROM (FROM fastgen_sample('xor', 1000, seed := 2)
                           UNION ALL FROM fastgen_sample('xor', 2000, seed := 2, start := 1000)) t""").fetchall()
    assert whole == parts
    other = xor.execute("SELECT sum(hash(t) >> 8) FROM fastgen_sample('xor', 3000, seed := 3) t").fetchall()
    assert other != whole


def test_an_edited_distribution_wins_over_its_tables_per_cluster(xor):
    spec = fg.spec(xor, "xor")
    c = next(c for c in spec["columns"] if c["name"] == "c")
    c["weights"] = [0.9, 0.1]            # the user's edit: its clusters' tables no longer add up to it
    fg.import_spec(xor, spec)
    edited = next(c for c in fg.spec(xor, "xor")["columns"] if c["name"] == "c")
    assert "cluster" not in edited and "edited" in edited["note"]
    share = xor.execute("SELECT avg((c = 0)::INT) FROM fastgen_sample('xor', 40000)").fetchall()[0][0]
    assert abs(share - 0.9) < 4 * math.sqrt(0.09 / 40000)


@pytest.mark.parametrize("edit, message", [
    (lambda s: s["clusters"].update(weights=[1]), "clusters.*at least two"),
    (lambda s: s["columns"][3]["cluster"].update(quantiles=[[0, 1]]), "column 'x'.*one entry per cluster"),
    (lambda s: s["columns"][3]["cluster"].update(quantiles=[[1, 0]] * len(s["clusters"]["weights"])), "column 'x'.*ascending"),
    (lambda s: s["columns"][5]["cluster"].update(p_true=[2] * len(s["clusters"]["weights"])), "column 'flag'.*probability"),
    (lambda s: s.pop("clusters"), "column 'a'.*needs the spec's 'clusters'"),
])
def test_edited_clusters_are_validated(xor, edit, message):
    spec = fg.spec(xor, "xor")
    assert [c["name"] for c in spec["columns"]] == ["a", "b", "c", "x", "at", "flag"]
    edit(spec)
    with pytest.raises(fg.SpecError, match=message):
        fg.import_spec(xor, json.dumps(spec))
    assert fg.spec(xor, "xor")["clusters"]      # the stored generator is untouched


def test_a_table_of_discrete_values_keeps_no_more_copies_than_held_out_rows(con):
    """Every column discrete, each combination rare: rows drawn per cluster would equal real rows more often than
    new real rows do, so the table keeps the pair model and says why."""
    con.execute(f"""CREATE TABLE grid AS SELECT floor(50 * {u(1)})::INT AS g, floor(40 * {u(2)})::INT AS h,
                        CASE WHEN {u(3)} < 0.5 THEN 'p' ELSE 'q' END AS k FROM range(6000) t(i)""")
    con.execute("UPDATE grid SET h = (g + h) % 40 WHERE k = 'p'")
    fg.infer(con, "grid")
    spec = fg.spec(con, "grid")
    assert "clusters" not in spec and "clusters_refused" in spec["dependence"]
    real = con.execute("SELECT count(*) FROM (SELECT DISTINCT g, h, k FROM grid)").fetchall()[0][0]
    copies = con.execute("""SELECT avg((EXISTS (SELECT 1 FROM grid r WHERE r.g = s.g AND r.h = s.h AND r.k = s.k))::INT)
                            FROM fastgen_sample('grid', 6000) s""").fetchall()[0][0]
    assert copies <= real / (50 * 40 * 2) + 0.05   # about the share of combinations the real rows cover


def test_a_table_in_a_schema_keeps_its_clusters_for_every_kind_of_member(xor):
    """A whole schema's constraints are applied after profiling; the members they leave alone, a date among them,
    keep their tables per cluster."""
    xor.execute("CREATE SCHEMA s; CREATE TABLE s.triple (id INTEGER PRIMARY KEY, a INTEGER, b BOOLEAN, c INTEGER, "
                "x DOUBLE, \"at\" TIMESTAMP, flag BOOLEAN); INSERT INTO s.triple SELECT row_number() OVER (), * FROM xor")
    fg.infer(xor, "s.*")
    spec = fg.spec(xor, "triple")
    assert {c["name"] for c in spec["columns"] if "cluster" in c} == {"a", "b", "c", "x", "at", "flag"}
    assert xor.execute("""SELECT avg(((a + b::INT) % 2 = c)::INT) >= 0.98, avg((year("at") >= 2021)::INT) FILTER (WHERE a = 1)
                          >= 0.98 FROM fastgen_sample('triple', 20000)""").fetchall() == [(True, True)]
