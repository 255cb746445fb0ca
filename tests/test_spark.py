"""The Spark export: the sampler transpiled with sqlglot runs on local PySpark and draws the same distributions."""
import os
import re

import pytest

import fastgen_duckdb as fg
from conftest import ks_statistic, ks_tolerance, tvd, tvd_tolerance
from data import (TEMPLATED, WRITTEN, brands_on_items, check_written, codes_on_lines, dated_sales_and_returns, make_animals, make_emp, make_people,
                  make_templated, make_written, orders_in_lines, orders_with_totals,
                  sales, sales_and_returns, sales_on_days, waits)

pytestmark = pytest.mark.slow
N = 20_000


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        if os.environ.get("FASTGEN_REQUIRE_SPARK"):
            raise
        pytest.skip("pyspark not installed (pip install -e '.[spark]')")
    session = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
               .config("spark.driver.memory", "2g").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse"))).getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_draws_the_same_distributions(con, spark, tmp_path):
    make_people(con, 5000)
    fg.infer(con, "people")
    query = fg.export_sql(con, "people", dialect="spark", n=N, seed=3)
    duck = con.execute(f"FROM fastgen_sample('people', {N}, seed := 3)").fetchall()
    df = spark.sql(query)
    names = [c for c, _ in df.dtypes]
    assert names == [r[0] for r in con.execute("DESCRIBE people").fetchall()]
    types = dict(df.dtypes)
    assert (types["person_id"], types["age"], types["income"], types["churned"], types["signup_date"]) == (
        "bigint", "tinyint", "decimal(12,2)", "boolean", "date")
    sp = [tuple(r) for r in df.collect()]
    assert len(sp) == N
    col = {name: i for i, name in enumerate(names)}

    def values(rows, name):
        return [r[col[name]] for r in rows if r[col[name]] is not None]

    # keys are functions of the row number: the very same set
    assert sorted(values(sp, "person_id")) == sorted(values(duck, "person_id"))
    assert set(values(sp, "customer_code")) == set(values(duck, "customer_code"))
    for name in ("age", "income", "score"):
        a, b = [float(x) for x in values(sp, name)], [float(x) for x in values(duck, name)]
        assert ks_statistic(a, b) < ks_tolerance(len(a), len(b)), name
    for name in ("signup_date", "last_login"):
        a = sorted(values(sp, name))
        b = sorted(values(duck, name))
        assert a[0] >= min(b) - (b[-1] - b[0]) * 0.01 and a[-1] <= max(b) + (b[-1] - b[0]) * 0.01
        assert abs(len(a) - len(b)) < 0.05 * N and a[len(a) // 2] - b[len(b) // 2] < (b[-1] - b[0]) * 0.03
    def share(rows, name):
        vals = values(rows, name)
        return {v: vals.count(v) / len(vals) for v in set(vals)}

    for name in ("plan", "city", "churned"):
        assert tvd(share(sp, name), share(duck, name)) < tvd_tolerance(len(share(duck, name)), N, N), name
    nulls = sum(r[col["age"]] is None for r in sp) / N
    assert abs(nulls - sum(r[col["age"]] is None for r in duck) / N) < 0.015
    assert all(re.fullmatch(r"\d{3}-[A-Z][ABC]", t) for t in values(sp, "ticket"))
    assert all(r[col["schema_version"]] == "v2" for r in sp)


def test_spark_refuses_what_it_cannot_type(con):
    con.execute("CREATE TABLE t AS SELECT TIME '10:00:00' + to_seconds(i) AS at_time FROM range(100) t(i)")
    fg.infer(con, "t")
    with pytest.raises(fg.SpecError, match="Spark has no TIME type"):
        fg.export_sql(con, "t", dialect="spark")


def test_spark_keeps_dependence(con, spark):
    make_emp(con)
    fg.infer(con, "emp")
    rows = spark.sql(fg.export_sql(con, "emp", dialect="spark", n=N)).collect()
    real = con.execute("SELECT corr(age, salary), avg((level = 'senior')::INT) FROM emp").fetchall()[0]
    import numpy as np
    age, salary = np.array([r["age"] for r in rows], float), np.array([r["salary"] for r in rows], float)
    assert abs(np.corrcoef(age, salary)[0, 1] - real[0]) < 0.03
    assert abs(np.mean([r["level"] == "senior" for r in rows]) - real[1]) < 0.02


def test_spark_keeps_the_copula(con, spark):
    make_animals(con)
    fg.infer(con, "animals")
    assert fg.spec(con, "animals")["copula"]
    spark.createDataFrame(spark.sql(fg.export_sql(con, "animals", dialect="spark", n=N)).collect()) \
        .createOrReplaceTempView("synth")
    duck = con.execute(f"""SELECT corr(length, mass), avg(mass) FILTER (sex = 'm') - avg(mass) FILTER (sex = 'f')
                           FROM fastgen_sample('animals', {N})""").fetchall()[0]
    sp = spark.sql("""SELECT corr(length, mass), avg(CASE WHEN sex = 'm' THEN mass END)
                             - avg(CASE WHEN sex = 'f' THEN mass END) FROM synth""").collect()[0]
    sd = con.execute("SELECT stddev(mass) FROM animals").fetchall()[0][0]
    assert abs(sp[0] - duck[0]) < 8 * (1 - duck[0] ** 2) / N ** 0.5   # two runs of the same model, 4 sigma each
    assert abs(sp[1] - duck[1]) < 8 * sd * (4 / N) ** 0.5


def test_spark_keeps_gaps_after_timestamps(con, spark):
    con.execute("""CREATE TABLE visits AS SELECT TIMESTAMP '2024-01-01' + to_seconds(i * 3607) AS arrived,
                   TIMESTAMP '2024-01-01' + to_seconds(i * 3607 + hash(i) % 7200) AS left_at FROM range(3000) t(i)""")
    fg.infer(con, "visits")
    assert next(c for c in fg.spec(con, "visits")["columns"] if c["name"] == "left_at")["after"]["column"] == "arrived"
    rows = spark.sql(fg.export_sql(con, "visits", dialect="spark", n=N)).collect()
    gaps = [(r["left_at"] - r["arrived"]).total_seconds() for r in rows]
    real = [r[0] for r in con.execute("SELECT epoch(left_at) - epoch(arrived) FROM visits").fetchall()]
    assert min(gaps) >= 0 and ks_statistic(real, gaps) < ks_tolerance(len(real), len(gaps), 257)


def test_a_whole_schema_runs_on_spark_with_its_keys(con, spark):
    """export_schema: one CREATE TABLE … AS per table, parents first; on Spark every table has its rows at the
    scale, keys are unique and every foreign key finds its parent (anti-joins come back empty)."""
    import pathlib
    ddl = (pathlib.Path(__file__).resolve().parent.parent / "examples" / "shop_schema.sql").read_text()
    fg.infer_all(con, ddl)
    schema = fg.spec(con, "orders")["schema"]
    script = fg.export_schema(con, schema, "spark", scale=0.2)
    spark.sql("CREATE DATABASE IF NOT EXISTS fastgen_shop")
    spark.sql("USE fastgen_shop")
    for statement in [s for s in script.split(";\n") if s.strip()]:
        spark.sql("\n".join(line for line in statement.splitlines() if not line.startswith("--")))
    plan = dict(fg.generate(con, schema, scale=0.2))   # the same plan, into DuckDB
    for table, rows in plan.items():
        assert spark.sql(f"SELECT count(*) FROM {table}").collect()[0][0] == rows, table
    assert spark.sql("SELECT count(*) - count(DISTINCT order_id, line_no) FROM order_lines").collect()[0][0] == 0
    for child, column, parent, key in (("orders", "customer_id", "customers", "customer_id"),
                                       ("order_lines", "order_id", "orders", "order_id"),
                                       ("order_lines", "product_id", "products", "product_id")):
        orphans = spark.sql(f"SELECT count(*) FROM {child} c LEFT ANTI JOIN {parent} p ON c.{column} = p.{key}")
        assert orphans.collect()[0][0] == 0, (child, column)


def test_spark_draws_a_tickets_lines_with_one_customer(con, spark):
    """Rows in batches (batches.py) on Spark: every order's lines share its customer, in orders of the data's
    mean size, and pick distinct products, as in the data."""
    orders_in_lines(con, shared=True)
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "lines")["batches"]["distinct"] == ["product_id"]
    spark.sql(fg.export_sql(con, "lines", dialect="spark", n=N)).createOrReplaceTempView("drawn_lines")
    customers, mean, repeated = spark.sql(
        "SELECT max(k), avg(c), max(c - p) FROM (SELECT count(DISTINCT customer_id) k, count(*) c, "
        "count(DISTINCT product_id) p FROM drawn_lines GROUP BY order_no)").collect()[0]
    real = con.execute("SELECT avg(c) FROM (SELECT count(*) c FROM lines GROUP BY order_no)").fetchall()[0][0]
    assert customers == 1 and abs(mean / real - 1) < 0.05 and repeated == 0


def test_spark_spreads_sales_over_a_lookups_days_by_their_rates(con, spark):
    """A fixed lookup's rows weighed by their rates, with a floor over the span (parents.parent_shares), on
    Spark: every sale in the span, almost no day of it empty at 10 times the sales, as in DuckDB."""
    sales_on_days(con)
    fg.infer_all(con, "main.*")
    assert "floor" in next(c for c in fg.spec(con, "sale")["columns"] if c["name"] == "day_id")["parents"]
    spark.sql(fg.export_sql(con, "sale", dialect="spark", n=7800)).createOrReplaceTempView("drawn_sales")
    outside, empty = spark.sql("SELECT count_if(day_id NOT BETWEEN 200 AND 799), 600 - count(DISTINCT day_id) "
                               "FROM drawn_sales").collect()[0]
    duck = [r[0] for r in con.execute("SELECT day_id FROM fastgen_sample('sale', 7800)").fetchall()]
    assert outside == 0 and empty < 12    # Poisson(13) leaves a day empty once in 450,000
    drawn = [r[0] for r in spark.sql("SELECT day_id FROM drawn_sales").collect()]
    assert ks_statistic(drawn, duck) < ks_tolerance(len(drawn), len(duck))


def test_spark_grows_a_list_of_codes_with_scale(con, spark):
    """A list of codes that grows with the world (`grows`) on Spark at scale 10: as many distinct codes as DuckDB
    draws, written alike, none a new code equal to one of the data's, and each key still with its one order code."""
    codes_on_lines(con)
    fg.infer(con, "lines")
    n = 10 * con.execute("SELECT count(*) FROM lines").fetchall()[0][0]
    spark.sql(fg.export_sql(con, "lines", dialect="spark", n=n, scale=10.0)).createOrReplaceTempView("drawn_codes")
    spark.createDataFrame(con.execute("SELECT DISTINCT item_id FROM lines").fetchall(), "item_id string") \
        .createOrReplaceTempView("real_ids")
    ids, pairs, shaped = spark.sql("SELECT count(DISTINCT item_id), count(DISTINCT item_id, order_code), "
                                   "count_if(item_id RLIKE '^[A-Z]{16}$') FROM drawn_codes").collect()[0]
    old_rows = spark.sql("SELECT count(*) FROM drawn_codes d JOIN real_ids r ON d.item_id = r.item_id").collect()[0][0]
    duck = con.execute(f"SELECT count(DISTINCT item_id) FROM fastgen_sample('lines', {n}, scale := 10)").fetchall()[0][0]
    assert abs(ids - duck) < 4 * duck ** 0.5 and pairs == ids and shaped == n
    assert abs(old_rows - n / 10) < 4 * (n / 10) ** 0.5   # the data's own codes: one copy of the list in ten


def test_spark_repeats_synthesized_texts_as_duckdb_does(con, spark):
    """Texts drawn from slots (`slots`: brands each on 1 or 2 items) on Spark at scale 5: as many distinct brands
    as DuckDB draws, each row's brand the one its slot makes, and the free comments still one per row."""
    brands_on_items(con)
    fg.infer(con, "items")
    n = 5 * con.execute("SELECT count(*) FROM items").fetchall()[0][0]
    brands, comments = spark.sql(f"SELECT count(DISTINCT brand), count(DISTINCT comment) FROM "
                                 f"({fg.export_sql(con, 'items', dialect='spark', n=n, scale=5.0)})").collect()[0]
    duck = con.execute(f"SELECT count(DISTINCT brand) FROM fastgen_sample('items', {n}, scale := 5)").fetchall()[0][0]
    assert abs(brands - duck) < 4 * duck ** 0.5 and brands < 0.8 * n and comments > 0.99 * n


@pytest.mark.parametrize("kind", ["DATE", "TIMESTAMP"])
def test_spark_draws_a_gap_per_bin_of_the_earlier_date(con, spark, kind):
    """A gap drawn per bin of the earlier value (rules.py, `after.by_bin`) on Spark, the bin read off the
    earlier date or time as a number of days or microseconds: the end never before the start, and the gap
    growing with the start as in the data."""
    waits(con, kind)
    fg.infer(con, "waits")
    assert next(c for c in fg.spec(con, "waits")["columns"] if c["name"] == "e")["after"].get("by_bin")
    spark.sql(fg.export_sql(con, "waits", dialect="spark", n=N)).createOrReplaceTempView("drawn_waits")
    number = "unix_seconds(CAST({} AS TIMESTAMP))"
    below, rho = spark.sql(f"SELECT count_if(e < s), corr({number.format('s')}, {number.format('e')} - "
                           f"{number.format('s')}) FROM drawn_waits").collect()[0]
    real = con.execute("SELECT corr(epoch(s), epoch(e) - epoch(s)) FROM waits").fetchall()[0][0]
    assert below == 0 and abs(rho - real) < 0.05


def test_spark_draws_nulls_that_come_together(con, spark):
    """NULLs drawn together (missing.py) on Spark: a sale's customer, store and amount are NULL in the same rows as
    often as in DuckDB's draw, each as often as alone."""
    sales(con)
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "sales").get("missing")
    spark.sql(fg.export_sql(con, "sales", dialect="spark", n=N)).createOrReplaceTempView("drawn_sales")
    query = ("SELECT avg(CASE WHEN customer_id IS NULL AND store_id IS NULL AND amount IS NULL THEN 1 ELSE 0 END), "
             "avg(CASE WHEN customer_id IS NULL THEN 1 ELSE 0 END) FROM {}")
    together, alone = spark.sql(query.format("drawn_sales")).collect()[0]
    want, own = con.execute(query.format(f"fastgen_sample('sales', {N})")).fetchall()[0]
    assert abs(together - want) < 5 * (want * (1 - want) / N) ** 0.5 and abs(alone - own) < 5 * (own * (1 - own) / N) ** 0.5
    assert together > 0.8 * alone


def test_spark_draws_returns_of_sales_by_the_sales_customer(con, spark):
    """A composite foreign key found in the data (a return's item and ticket: a sale's) and a reference that copies
    its sale's customer (across.py) on Spark: every return is of a sale, by the sale's customer as often as in the
    data, as in DuckDB."""
    sales_and_returns(con)
    fg.infer_all(con, "main.*")
    share = {c["name"]: c for c in fg.spec(con, "returns")["columns"]}["r_customer_sk"]["inherit"]["share"]
    run_on_spark(con, spark, "fastgen_returns", scale=3)
    n, same, lost = spark.sql(
        "SELECT count(*), count_if(r.r_customer_sk = s.s_customer_sk), count_if(s.s_item_sk IS NULL) FROM returns r "
        "LEFT JOIN sales s ON r.r_item_sk = s.s_item_sk AND r.r_ticket_number = s.s_ticket_number").collect()[0]
    assert n > 0 and lost == 0 and spark.sql("SELECT count(*) FROM returns").collect()[0][0] == n   # one sale each
    assert abs(same / n - share) < 4 * (share * (1 - share) / n) ** 0.5 + 1 / 500


def test_spark_dates_a_return_after_its_sale_by_date_keys(con, spark):
    """Dates as keys of a fixed date dimension (after_parent on a reference) on Spark: every return's date key
    is one of the dimension's and on or after its sale's, as in DuckDB."""
    dated_sales_and_returns(con)
    fg.infer_all(con, "main.*")
    run_on_spark(con, spark, "fastgen_dated", scale=2)
    n, before, orphan = spark.sql(
        "SELECT count(*), count_if(r.r_date < s.s_date), count_if(r.r_date IS NOT NULL AND d.d_sk IS NULL) "
        "FROM returns r JOIN sales s ON r.r_sale = s.s_id LEFT JOIN dates d ON r.r_date = d.d_sk").collect()[0]
    assert n > 2000 and before == 0 and orphan == 0


def run_on_spark(con, spark, database: str, scale: float) -> None:
    """The schema main exported for Spark (fg.export_schema), run statement by statement in a database of its own."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {database}")
    spark.sql(f"USE {database}")
    for statement in [s for s in fg.export_schema(con, "main", "spark", scale=scale).split(";\n") if s.strip()]:
        spark.sql("\n".join(line for line in statement.splitlines() if not line.startswith("--")))


def test_spark_adds_up_an_orders_lines_into_its_total(con, spark):
    """A parent's number that is the sum of its children's (rollups.py) on Spark: the order table is drawn
    apart, then read with its lines' sums; every total is its lines' sum, as in DuckDB."""
    orders_with_totals(con)
    fg.infer_all(con, "main.*")
    run_on_spark(con, spark, "fastgen_totals", scale=2)
    n, wrong = spark.sql(
        "SELECT count(*), count_if(o.total <> l.s) FROM orders o "
        "JOIN (SELECT order_id, sum(amount) AS s FROM order_lines GROUP BY order_id) l ON o.order_id = l.order_id"
    ).collect()[0]
    assert n > 2500 and wrong == 0 and not spark.catalog.tableExists("orders__drawn"), (n, wrong)


def test_spark_writes_typed_texts_as_the_source_writes_them(con, spark):
    """Grouped numbers, currency signs, units, UTC offsets and milliseconds: Spark's FORMAT_NUMBER and
    DATE_FORMAT write what DuckDB's format and strftime do."""
    make_written(con)
    fg.infer(con, "written")
    rows = [tuple(r) for r in spark.sql(fg.export_sql(con, "written", dialect="spark", n=N, seed=3)).collect()]
    check_written(rows, list(WRITTEN))
    assert {r[2][0] for r in rows} == {"$", "€", "U"} and {r[4][19:] for r in rows} == {"+00:00", "+05:30", "-08:00", "Z"}


def test_spark_writes_templated_texts_in_their_template(con, spark):
    make_templated(con)
    fg.infer(con, "templated")
    rows = spark.sql(fg.export_sql(con, "templated", dialect="spark", n=N, seed=3)).collect()
    for name, pattern in TEMPLATED.items():
        bad = [r[name] for r in rows if not re.fullmatch(pattern, r[name])]
        assert not bad, (name, bad[:5])
    assert all(int(lo) <= int(hi) for lo, hi in (r["span"].split("-") for r in rows))   # ranges in order
    lists = [r["genres"].split("|") for r in rows]   # a list's items each once, as DuckDB draws them
    assert all(len(x) == len(set(x)) for x in lists) and any(len(x) > 2 for x in lists)
    assert all(r["scores"][0] == "[" and r["scores"][-1] == "]" for r in rows)
