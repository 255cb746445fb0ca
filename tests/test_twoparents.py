"""A column drawn given a pair of category lists (twoparents.py): what two columns say together and neither alone."""
import pytest

import fastgen_duckdb as fg
from data import u


def _given(spec: dict) -> dict:
    return {c["name"]: {k: (c.get("given") or {}).get(k) for k in ("column", "and")} for c in spec["columns"]}


def _high_sums(con) -> None:
    con.execute(f"""CREATE TABLE t AS
        SELECT CASE WHEN {u(1)} < 0.1 THEN NULL ELSE floor(5 * {u(2)})::INT END AS a, floor(5 * {u(3)})::INT AS b,
               floor(100 * {u(4)})::INT AS noise
        FROM range(6000) t(i)""")
    con.execute("ALTER TABLE t ADD COLUMN c VARCHAR; UPDATE t SET c = CASE WHEN a IS NULL THEN 'none' "
                "WHEN a + b > 4 THEN 'hi' ELSE 'lo' END")


def test_a_category_two_others_determine_together_is_drawn_given_both(con):
    """c says whether a + b passes 4 (a, b in 0..4, independent): either tells something of c, neither enough, so a
    table per single parent draws c at random on most rows of a value (a = 2: 'hi' on three b's of five). Given
    the pair, c is exact in every drawn row, and where a is NULL (one row in ten) c is 'none', as in the data."""
    _high_sums(con)
    assert con.execute("SELECT count(DISTINCT c) FROM t WHERE a = 2").fetchall()[0][0] == 2   # a alone: no
    fg.infer(con, "t")
    spec = fg.spec(con, "t")
    pairs = {name: g for name, g in _given(spec).items() if g["and"]}
    assert list(pairs) == ["c"] and {pairs["c"]["column"], pairs["c"]["and"]} == {"a", "b"}, _given(spec)
    assert "two_parents_chosen" in spec["dependence"], spec["dependence"]
    con.execute("CREATE TABLE drawn AS FROM fastgen_sample('t', 20000, seed := 3)")
    wrong, nulls, none_wrong = con.execute("""SELECT
        count(*) FILTER (a IS NOT NULL AND c <> CASE WHEN a + b > 4 THEN 'hi' ELSE 'lo' END),
        avg((a IS NULL)::INT), count(*) FILTER (a IS NULL AND c <> 'none') FROM drawn""").fetchall()[0]
    assert wrong == 0 and none_wrong == 0
    assert abs(nulls - 0.1) < 4 * (0.09 / 20000) ** 0.5 + 0.01


def test_a_pair_whose_combinations_the_data_holds_only_some_of_keeps_them_and_the_shape(con):
    """Seasons of 8 to 13 episodes, several rows an episode: whether an episode is a season's finale is the pair's
    (episode 10 is the finale of some seasons, not of others). Drawn per combination, a row of a combination the
    data holds is the finale exactly where the data's is, and the finale's share stays the data's."""
    con.execute(f"""CREATE TABLE shows AS
        WITH s AS (SELECT range AS season, 8 + (range * 7) % 6 AS episodes FROM range(1, 15))
        SELECT 'S' || season AS season, episode::VARCHAR AS episode,
               CASE WHEN episode = episodes THEN 'finale' ELSE 'regular' END AS kind, floor(5 * {u(1)})::INT AS judge
        FROM (SELECT season, episodes, e.range AS episode, row_number() OVER () AS i
              FROM s, range(1, 14) e, range(12) k WHERE e.range <= episodes)""")
    fg.infer(con, "shows")
    spec = fg.spec(con, "shows")
    assert {_given(spec)["kind"]["column"], _given(spec)["kind"]["and"]} == {"season", "episode"}, _given(spec)
    con.execute("CREATE TABLE drawn AS FROM fastgen_sample('shows', 20000, seed := 9)")
    wrong, held, share = con.execute("""SELECT count(*) FILTER (d.kind <> s.kind), count(s.kind),
        avg((d.kind = 'finale')::INT) FROM drawn d
        LEFT JOIN (SELECT DISTINCT season, episode, kind FROM shows) s USING (season, episode)""").fetchall()[0]
    real = con.execute("SELECT avg((kind = 'finale')::INT) FROM shows").fetchall()[0][0]
    assert wrong == 0 and held > 0.8 * 20000
    assert abs(share - real) < 4 * (real * (1 - real) / 20000) ** 0.5 + 0.005, (share, real)


@pytest.mark.parametrize("edit, says", [
    ({"and": "c"}, "'and' must name a second categorical column"),
    ({"and": "noise"}, "'and' must name a second categorical column"),
    ({"bins": 3}, "'bins' must be the number of combinations of its two parents' values"),
])
def test_an_edited_pair_that_cannot_be_drawn_is_refused_in_one_line(con, edit, says):
    _high_sums(con)
    fg.infer(con, "t")
    spec = fg.spec(con, "t")
    c = next(col for col in spec["columns"] if col["name"] == "c")
    assert c["given"]["and"]
    c["given"].update(edit)
    with pytest.raises(fg.SpecError, match=says) as e:
        fg.import_spec(con, spec)
    assert "\n" not in str(e.value) and "column 'c'" in str(e.value)
