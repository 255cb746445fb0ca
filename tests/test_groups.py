"""Group ids stored as numbers: the columns a group id determines come out the same on every row of a group."""
import fastgen_duckdb as fg
from data import u


def _pupils(con, name="pupils"):
    """Pupils in 150 schools numbered in no order of their own: a school's mean intake (a number) and type (a
    category) are the school's, a pupil's score follows the mean; an age and its age group step along together."""
    con.execute(f"""CREATE TABLE {name} AS
        WITH schools AS (SELECT s, (s * 7919) % 1000 + 1 AS school, round(sqrt(-2 * ln({u(1)} + 1e-12)) * cos(6.283185 * {u(2)}), 3) AS mean_intake,
                                ['state', 'church', 'private'][1 + floor(3 * {u(3)})::INT] AS school_type
                         FROM range(150) t(s), LATERAL (SELECT s AS i))
        SELECT school, mean_intake, school_type,
               round(mean_intake + 0.5 * sqrt(-2 * ln({u(4)} + 1e-12)) * cos(6.283185 * {u(5)}), 3) AS score,
               age, CASE WHEN age < 30 THEN 'young' WHEN age < 50 THEN 'middle' ELSE 'old' END AS age_group
        FROM (SELECT i, 1 + floor(150 * {u(6)})::INT - 1 AS s, 18 + floor(60 * {u(7)})::INT AS age FROM range(9000) t(i))
        JOIN schools USING (s)""")


def test_a_number_naming_groups_keeps_what_each_group_has(con):
    _pupils(con)
    fg.infer(con, "pupils")
    by_name = {c["name"]: c for c in fg.spec(con, "pupils")["columns"]}
    assert by_name["school"]["kind"] == "categorical" and "group id" in by_name["school"]["note"]
    assert by_name["age"]["kind"] == "numeric"          # its age group steps along with it: it stays a number
    n = 40000
    got = con.execute(f"""SELECT max(means), max(types), count(DISTINCT school)
                          FROM (SELECT school, count(DISTINCT mean_intake) OVER (PARTITION BY school) AS means,
                                       count(DISTINCT school_type) OVER (PARTITION BY school) AS types
                                FROM fastgen_sample('pupils', {n}))""").fetchall()[0]
    assert got[0] == 1 and got[1] == 1                   # one mean and one type per school, as in the data
    assert got[2] == 150
    # a pupil's score follows the school's mean through the school (a number by a category of 150 values: its
    # correlation ratio, where V on bins is 0.26): the sampled score follows the sampled mean as the real one does
    real, synth = (con.execute(f"SELECT corr(score, mean_intake) FROM {r}").fetchall()[0][0]
                   for r in ("pupils", f"fastgen_sample('pupils', {n})"))
    assert real > 0.8 and abs(synth - real) < 0.1
    assert "groups_chosen" in fg.spec(con, "pupils")["dependence"]
    pairs = con.execute("""SELECT count(*) FROM (SELECT DISTINCT school, mean_intake FROM fastgen_sample('pupils', 20000))
                           ANTI JOIN (SELECT DISTINCT school, mean_intake FROM pupils) USING (school, mean_intake)""").fetchall()
    assert pairs == [(0,)]                               # each school's own mean, not another one's


def test_a_short_panel_keeps_what_each_unit_has(con):
    """Counties seen 3 times each (fewer repeats than a number drawn in steps has: the id is drawn by quantiles):
    a county's share of young men is the county's, nearly the same each year, and its region too. Drawn as a
    number, the id would lose both; drawn as its values, a county keeps its region and its share."""
    con.execute(f"""CREATE TABLE panel AS
        WITH counties AS (SELECT c, 2 * c + 1 AS county, ['west', 'central', 'other'][1 + floor(3 * {u(1)})::INT] AS region,
                                 0.05 + 0.1 * {u(2)} AS share FROM range(120) t(c), LATERAL (SELECT c AS i))
        SELECT county, region, 80 + y AS year, round(share + 0.002 * ({u(3)} - 0.5), 5) AS young_men,
               round(10 * {u(4)}, 2) AS crime
        FROM counties, (SELECT range AS y FROM range(3)) AS years, LATERAL (SELECT c * 3 + y AS i)""")
    fg.infer(con, "panel")
    spec = fg.spec(con, "panel")
    by_name = {c["name"]: c for c in spec["columns"]}
    assert by_name["county"]["kind"] == "categorical" and "group id" in by_name["county"]["note"], by_name["county"]
    n = 30000
    # within a county the share varies by at most 0.002 in the data: drawn, a county's shares stay that close
    spread, regions = con.execute(f"""SELECT quantile_cont(hi - lo, 0.9), max(regions) FROM (
        SELECT county, max(young_men) AS hi, min(young_men) AS lo, count(DISTINCT region) AS regions
        FROM fastgen_sample('panel', {n}) GROUP BY county)""").fetchall()[0]
    assert regions == 1 and spread < 0.01, (regions, spread)


def test_a_repeated_number_that_determines_nothing_stays_a_number(con):
    con.execute(f"""CREATE TABLE visits AS SELECT 1 + floor(200 * {u(1)})::INT AS customer, {u(2)} * 100 AS amount,
                    ['a', 'b'][1 + floor(2 * {u(3)})::INT] AS channel FROM range(6000) t(i)""")
    fg.infer(con, "visits")
    assert {c["name"]: c["kind"] for c in fg.spec(con, "visits")["columns"]}["customer"] == "numeric"


def test_group_ids_that_would_copy_rows_stay_numbers(con):
    """A design table: each subject answers items 1-4 once, so no real row repeats; drawn with the subject's own
    sex, region and cohort, half of all rows would be real ones (subject, item and a yes/no answer). The trial
    draw's copy check keeps the subject a number."""
    con.execute(f"""CREATE TABLE answers AS
        WITH subjects AS (SELECT s AS subject, ['f', 'm'][1 + floor(2 * {u(1)})::INT] AS sex,
                                 1 + floor(5 * {u(2)})::INT AS region, 1990 + floor(4 * {u(3)})::INT AS cohort
                          FROM range(300) t(s), LATERAL (SELECT s AS i))
        SELECT subject, sex, region, cohort, item, {u(4)} < 0.5 AS yes
        FROM subjects, (SELECT range AS item FROM range(1, 5)) AS items, LATERAL (SELECT subject * 4 + item AS i)""")
    fg.infer(con, "answers")
    spec = fg.spec(con, "answers")
    assert {c["name"]: c["kind"] for c in spec["columns"]}["subject"] == "numeric"
    assert "copy" not in spec["dependence"].get("groups_chosen", "") and "groups_refused" in spec["dependence"]
    n = 20000
    copies = con.execute(f"""SELECT avg(((subject, sex, region, cohort, item, yes) IN
                                 (SELECT (subject, sex, region, cohort, item, yes) FROM answers))::INT)
                             FROM fastgen_sample('answers', {n})""").fetchall()[0][0]
    assert copies < 0.1, copies


def test_a_number_keeps_its_coarse_parent_where_a_fine_one_has_too_few_rows_per_value(con):
    """Countries seen 12 years each, in 5 continents: life expectancy follows the continent (and the country
    through it). Per country there are too few rows for a table of its own, so the country's correlation ratio
    must not make it the hub that takes the continent as its child: the number stays conditioned on the continent."""
    con.execute(f"""CREATE TABLE nations AS
        WITH countries AS (SELECT c AS country_no, 'country ' || c AS country, ['Africa', 'Americas', 'Asia', 'Europe',
                                  'Oceania'][1 + c % 5] AS continent, c % 5 AS k FROM range(120) t(c))
        SELECT country, continent, 1950 + y * 5 AS year,
               round(45 + 8 * k + 2 * sqrt(-2 * ln({u(1)} + 1e-12)) * cos(6.283185 * {u(2)}), 2) AS life
        FROM countries, range(12) s(y), LATERAL (SELECT country_no * 12 + y AS i)""")
    fg.infer(con, "nations")
    by_name = {c["name"]: c for c in fg.spec(con, "nations")["columns"]}
    assert by_name["life"].get("given", {}).get("column") == "continent", by_name["life"].get("given")
    real, synth = (con.execute(f"SELECT max(m) - min(m) FROM (SELECT avg(life) AS m FROM {r} GROUP BY continent)")
                   .fetchall()[0][0] for r in ("nations", "fastgen_sample('nations', 20000)"))
    assert abs(synth - real) < 0.1 * real             # the continents' means spread as in the data (32 years)


def test_wide_tables_keep_group_ids_as_numbers(con):
    """Past groups.MAX_COLUMNS columns to draw, a table is learned once: its group ids stay numbers."""
    from fastgen_duckdb.groups import MAX_COLUMNS
    _pupils(con)
    extra = ", ".join(f"{u(10 + k)} AS x{k}" for k in range(MAX_COLUMNS))
    con.execute(f"CREATE TABLE wide_pupils AS SELECT *, {extra} FROM (SELECT *, row_number() OVER () AS i FROM pupils)")
    con.execute("ALTER TABLE wide_pupils DROP COLUMN i")
    fg.infer(con, "wide_pupils")
    spec = fg.spec(con, "wide_pupils")
    assert {c["name"]: c["kind"] for c in spec["columns"]}["school"] == "numeric"
    assert not {"groups_chosen", "groups_refused"} & set(spec["dependence"])
