"""Keys and foreign keys found in a schema's data where it declares none (keys.py)."""
import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fastgen_duckdb as fg
from fastgen_duckdb import across, ddl, keys
from data import sales_and_returns


def test_names_point_at_their_key():
    # a key word after another table's initial names that table's key, not its sibling's
    hd = keys.score(["hdemo", "sk"], ["demo", "sk"], ["household", "demographics"], "hd")
    cd = keys.score(["hdemo", "sk"], ["demo", "sk"], ["customer", "demographics"], "cd")
    assert hd > cd > 0
    assert keys.score(["sold", "date", "sk"], ["date", "sk"], ["date", "dim"], "d") > 0
    assert keys.score(["current", "addr", "sk"], ["address", "sk"], ["customer", "address"], "ca") > 0
    assert keys.score(["customer", "id"], ["id"], ["customers"], "") > 0      # a bare id names its table
    # the key words must agree, and a column must name the key's own words
    assert keys.score(["customer", "id"], ["customer", "sk"], ["customer"], "") == 0
    assert keys.score(["quantity"], ["id"], ["customers"], "") == 0
    assert keys.score(["item", "sk"], ["date", "sk"], ["date", "dim"], "d") == 0
    assert keys.words("orderLineId") == ["order", "line", "id"] and keys.words("ship2_addr") == ["ship", "2", "addr"]


def test_a_table_prefix_is_the_first_word_most_columns_share():
    t = ddl.TableDef("store_sales", [ddl.ColumnDef(n, "INTEGER") for n in ("ss_item_sk", "ss_qty", "ss_price", "note")])
    assert keys.prefix(t) == "ss"
    assert keys.prefix(ddl.TableDef("t", [ddl.ColumnDef(n, "INTEGER") for n in ("order_id", "order_date", "qty")])) == ""


def shop(con, orphan: bool = False):
    """Three tables and no declared key: customers(id), orders(order_id, customer_id → customers, a quantity
    whose values all lie among the ids, a status → statuses), statuses, a lookup of five rows two of which are used."""
    con.execute("CREATE TABLE customers AS SELECT i AS id, 'name ' || i AS name, i % 7 AS segment FROM range(1, 401) t(i)")
    con.execute("CREATE TABLE statuses AS SELECT i AS status_id, ['new', 'paid', 'sent', 'lost', 'void'][i] AS label "
                "FROM range(1, 6) t(i)")
    con.execute(f"""CREATE TABLE orders AS SELECT i AS order_id,
                        {'CASE WHEN i = 5 THEN 9999 ELSE 1 + (i * 7919) % 400 END' if orphan else '1 + (i * 7919) % 400'}
                            AS customer_id,
                        1 + i % 20 AS quantity, CASE WHEN i % 10 = 0 THEN 1 ELSE 2 END AS status_id,
                        (i % 97) * 1.5 AS amount
                    FROM range(1, 3001) t(i)""")


def test_foreign_keys_are_found_in_data_and_regenerated_without_orphans(con):
    shop(con)
    fg.infer_all(con, "main.*")
    orders = {c["name"]: c for c in fg.spec(con, "orders")["columns"]}
    assert orders["customer_id"]["kind"] == "reference" and orders["customer_id"]["table"] == "customers"
    assert "found in the data" in orders["customer_id"]["note"]
    assert orders["status_id"]["kind"] == "reference" and orders["status_id"]["table"] == "statuses"
    assert orders["quantity"]["kind"] != "reference"     # its values lie among the ids, its name does not
    assert fg.spec(con, "customers")["columns"][0]["kind"] == "key"
    fg.generate(con, into="synth", scale=2)
    assert con.execute("SELECT count(*) FROM synth.orders o ANTI JOIN synth.customers c ON o.customer_id = c.id"
                       ).fetchall() == [(0,)]
    # the keys are the data's, not the source's DDL: the regenerated tables declare none, as the source did not
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'synth' "
                       "AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE')").fetchall() == [(0,)]


def test_a_value_missing_from_the_parent_is_no_foreign_key(con):
    shop(con, orphan=True)
    fg.infer_all(con, "main.*")
    orders = {c["name"]: c for c in fg.spec(con, "orders")["columns"]}
    assert orders["customer_id"]["kind"] != "reference"
    assert orders["status_id"]["kind"] == "reference"


def test_a_fixed_parent_keeps_which_rows_are_referenced_and_how_often(con):
    shop(con)
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "statuses").get("fixed")
    n = 200_000
    shares = dict(con.execute(f"SELECT s.label, count(*) / {n} FROM fastgen_sample('orders', {n}) o "
                              "JOIN fastgen_sample('statuses', 5) s USING (status_id) GROUP BY ALL").fetchall())
    assert set(shares) == {"new", "paid"}          # 'sent', 'lost' and 'void' are never referenced in the data
    assert abs(shares["new"] - 0.1) < 5 * math.sqrt(0.1 * 0.9 / n)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parent=st.sampled_from(["account", "product", "vendor", "region", "warehouse"]),
       style=st.sampled_from(["{p}_id", "{p}Id", "{p}_key"]),
       rows=st.integers(1, 300), used=st.integers(1, 50), orphan=st.booleans(), other=st.integers(1, 1000))
def test_planted_foreign_keys_are_found_and_no_other(tmp_path_factory, parent, style, rows, used, orphan, other):
    """Any parent name and key style: a child column named for the key and inside it is found; one with a value
    outside is not; a number column whose values lie inside the keys but whose name does not point there never is."""
    con = fg.connect(str(tmp_path_factory.mktemp("keys") / "k.duckdb"))
    key = style.format(p=parent)
    con.execute(f'CREATE TABLE "{parent}s" AS SELECT i AS "{key}", i * 2 AS size FROM range(1, {rows + 1}) t(i)')
    bad = f"CASE WHEN i = 0 THEN {rows + other} ELSE 1 + i % {min(used, rows)} END" if orphan else f"1 + i % {min(used, rows)}"
    con.execute(f'CREATE TABLE lines AS SELECT i AS line_no, {bad} AS "{key}", 1 + i % {min(used, rows)} AS amount '
                f"FROM range(0, 500) t(i)")
    tables = ddl.catalog_tables(con, "k", "main")
    keys.discover(con, tables, {t.name: f'"{t.name}"' for t in tables})
    lines = next(t for t in tables if t.name == "lines")
    found = [(fk["columns"], fk["table"]) for fk in lines.foreign_keys]
    assert found == ([] if orphan else [([key], f"{parent}s")])
    con.close()


def test_a_column_named_as_another_tables_unique_column_points_at_it(con):
    """Natural keys: `country` repeats in the observations and is unique in countries, every value among them:
    a foreign key, and countries (small and narrow) a lookup kept whole. `city` is unique in two tables that
    both hold every observed city: a guess, not a key; `code` is unique in the observations too: no key either;
    `year` has a value no other table has: no key."""
    con.execute("""CREATE TABLE countries AS SELECT 'country ' || i AS country, ['Asia', 'Europe'][1 + i % 2] AS continent
                   FROM range(40) t(i);
        CREATE TABLE cities_a AS SELECT 'city ' || i AS city, i AS size FROM range(30) t(i);
        CREATE TABLE cities_b AS SELECT 'city ' || i AS city, i * 2 AS area FROM range(30) t(i);
        CREATE TABLE codes AS SELECT 'k' || i AS code, i AS years FROM range(900) t(i);
        CREATE TABLE seasons AS SELECT 2000 + i AS year FROM range(10) t(i);
        CREATE TABLE observations AS SELECT 'country ' || (hash(i) % 40) AS country, 'city ' || (i % 30) AS city,
                   'k' || i AS code, 2000 + i % 11 AS year, (hash(i, 1) % 1000) / 10 AS value FROM range(900) t(i)""")
    tables = ddl.catalog_tables(con, con.execute("SELECT current_database()").fetchall()[0][0], "main")
    keys.discover(con, tables, {t.name: f'"{t.name}"' for t in tables})
    by_name = {t.name: t for t in tables}
    found = [(fk["columns"], fk["table"], fk["references"]) for fk in by_name["observations"].foreign_keys]
    assert found == [(["country"], "countries", ["country"])]
    assert by_name["countries"].found_keys == ["country"]
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "countries").get("fixed")
    con.execute("ATTACH ':memory:' AS synth")
    fg.generate(con, into="synth", scale=3)
    assert con.execute("SELECT count(*) FILTER (WHERE c.country IS NULL), count(DISTINCT o.country) FROM synth.observations o "
                       "LEFT JOIN synth.countries c USING (country)").fetchall()[0] == (0, 40)


def test_columns_named_as_a_declared_composite_key_with_a_date_point_at_it(con):
    """task(tag_date, line_no) names item's declared PRIMARY KEY (tag_date, line_no): neither `date` nor a DATE
    was a key's part, and 20 of 120 tasks pointed at no item."""
    con.execute("""CREATE TABLE item (tag_date DATE NOT NULL, line_no INTEGER NOT NULL, qty INTEGER,
                                      PRIMARY KEY (tag_date, line_no));
        INSERT INTO item SELECT DATE '2021-08-01' + (i % 100)::INT, 1 + i // 100, i % 7 FROM range(300) r(i);
        CREATE TABLE task (id INTEGER PRIMARY KEY, tag_date DATE, line_no INTEGER, hours DOUBLE);
        INSERT INTO task SELECT i, DATE '2021-08-01' + (i * 7 % 100)::INT, 1 + i % 3, i * 0.5 FROM range(120) r(i)""")
    fg.infer_all(con, "main.*")
    task = {c["name"]: c for c in fg.spec(con, "task")["columns"]}
    assert [(task[c]["kind"], task[c]["table"]) for c in ("tag_date", "line_no")] == [("reference", "item")] * 2
    for k, scale in enumerate((0.5, 3)):
        fg.generate(con, scale=scale, seed=7, into=f"s{k}")
        assert con.execute(f"""SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM s{k}.item i
            WHERE i.tag_date = t.tag_date AND i.line_no = t.line_no)) FROM s{k}.task t""").fetchall() == [(120 * scale, 0)]


def test_a_table_of_one_row_points_at_nothing_by_a_columns_name_alone(con):
    """account's one row has seq = 1, and tag's `seq` is unique and holds 1: that alone made a natural foreign key,
    account was nested under tag, and at scale 1 it had no row (its children's foreign keys then pointed at
    nothing: the generate was refused). A natural key needs its column to repeat."""
    con.execute("""CREATE TABLE tag (batch VARCHAR, seq INTEGER, w DOUBLE);
        INSERT INTO tag VALUES ('bravo', 1, 0.5), ('bravo', 2, 0.7);
        CREATE TABLE account (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, note VARCHAR);
        INSERT INTO account VALUES (1, 1, 'x');
        CREATE TABLE project (account_id INTEGER NOT NULL REFERENCES account (id), since DATE);
        INSERT INTO project VALUES (1, DATE '2023-03-30'), (1, DATE '2023-03-01')""")
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "account")["columns"][1]["kind"] != "reference"
    con.execute("ATTACH ':memory:' AS synth")
    assert dict(fg.generate(con, into="synth", scale=1))["account"] == 1   # project's foreign key checked by DuckDB


def test_a_composite_foreign_key_is_found_and_its_rows_exist_at_any_scale(con):
    sales_and_returns(con)
    fg.infer_all(con, "main.*")
    returns = {c["name"]: c for c in fg.spec(con, "returns")["columns"]}
    for child, parent in (("r_item_sk", "s_item_sk"), ("r_ticket_number", "s_ticket_number")):
        assert (returns[child]["kind"], returns[child]["table"], returns[child]["column"]) == ("reference", "sales", parent)
    assert returns["r_item_sk"]["link"] == returns["r_ticket_number"]["link"]
    assert returns["r_customer_sk"]["table"] == "customers"
    for scale in (1, 3, 0.25):
        fg.generate(con, into=f"s{int(scale * 100)}", scale=scale)
        db = f"s{int(scale * 100)}"
        n, lost = con.execute(f"SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM {db}.sales s WHERE "
                              f"s.s_item_sk = r.r_item_sk AND s.s_ticket_number = r.r_ticket_number)) "
                              f"FROM {db}.returns r").fetchall()[0]
        assert n > 0 and lost == 0
        # (item, ticket) is unique in the data, and drawn so (batches.distinct): a return finds one sale
        assert con.execute(f"SELECT count(*) = count(DISTINCT (s_item_sk, s_ticket_number)) FROM {db}.sales"
                           ).fetchall() == [(True,)]
        # the sale's item is an item: the item's own foreign key holds through the sale
        assert con.execute(f"SELECT count(*) FROM {db}.returns r ANTI JOIN {db}.items i ON r.r_item_sk = i.i_item_sk"
                           ).fetchall() == [(0,)]


def test_a_composite_foreign_key_under_a_role_is_found_with_a_part_named_for_its_table(con):
    """`shipping_tag_zone` and `shipping_tag_no` name tag's `tag_zone` and `tag_no` after one role; `zone` is no key
    word, but a part named for its table is. Neither was found: 160 of 500 products pointed at no tag."""
    con.execute("""CREATE TABLE tag (tag_zone VARCHAR, tag_no INTEGER, tag_label VARCHAR, tag_weight DOUBLE);
        INSERT INTO tag SELECT ['north', 'south', 'east', 'west'][i % 4 + 1], i // 4, 'L' || i, i * 0.5 FROM range(200) r(i);
        CREATE TABLE product (product_id INTEGER PRIMARY KEY, shipping_tag_zone VARCHAR, shipping_tag_no INTEGER,
                              price DOUBLE);
        INSERT INTO product SELECT i, ['north', 'south', 'east', 'west'][(i * 7) % 4 + 1], (i * 7) // 4 % 50, i * 1.5
                            FROM range(500) r(i)""")
    fg.infer_all(con, "main.*")
    product = {c["name"]: c for c in fg.spec(con, "product")["columns"]}
    assert [(product[c]["kind"], product[c]["column"]) for c in ("shipping_tag_zone", "shipping_tag_no")] == \
        [("reference", "tag_zone"), ("reference", "tag_no")]
    for scale in (1, 0.5):
        db = f"s{int(scale * 10)}"
        fg.generate(con, into=db, scale=scale)
        assert con.execute(f"""SELECT count(*) > 0, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM {db}.tag t
            WHERE t.tag_zone = p.shipping_tag_zone AND t.tag_no = p.shipping_tag_no)) FROM {db}.product p""").fetchall() \
            == [(True, 0)]


def test_a_composite_key_to_a_number_the_parent_draws_holds(con):
    """The sale's ticket number is no batch's (its lines have customers of their own): the sampler draws it from
    its own knots, and a return computes that draw at the sale row it picks, so every (item, ticket) is a sale's."""
    sales_and_returns(con, tickets=False)
    fg.infer_all(con, "main.*")
    sales = {c["name"]: c for c in fg.spec(con, "sales")["columns"]}
    assert not fg.spec(con, "sales").get("batches") and sales["s_ticket_number"]["kind"] == "numeric"
    returns = {c["name"]: c for c in fg.spec(con, "returns")["columns"]}
    assert returns["r_item_sk"]["table"] == returns["r_ticket_number"]["table"] == "sales"
    fg.generate(con, into="synth", scale=2)
    n, lost = con.execute("SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM synth.sales s WHERE "
                          "s.s_item_sk = r.r_item_sk AND s.s_ticket_number = r.r_ticket_number)) FROM synth.returns r"
                          ).fetchall()[0]
    assert n > 0 and lost == 0
    assert con.execute("SELECT count(*) FROM synth.returns r ANTI JOIN synth.items i ON r.r_item_sk = i.i_item_sk"
                       ).fetchall() == [(0,)]


def test_a_tuple_missing_from_the_parent_is_no_composite_foreign_key(con):
    sales_and_returns(con, orphan=True)
    fg.infer_all(con, "main.*")
    returns = {c["name"]: c for c in fg.spec(con, "returns")["columns"]}
    assert returns["r_ticket_number"]["kind"] != "reference" and returns["r_item_sk"].get("link") is None


@pytest.mark.parametrize("share", [0.8, 1.0, 0.2])
def test_a_return_is_by_the_sales_customer_as_often_as_in_the_data(con, share):
    """Dependence across tables (across.py): the return's customer is its sale's in `share` of the rows; below
    MIN_SHARE it is drawn on its own."""
    sales_and_returns(con, share)
    fg.infer_all(con, "main.*")
    inherit = {c["name"]: c for c in fg.spec(con, "returns")["columns"]}["r_customer_sk"].get("inherit")
    if share < across.MIN_SHARE:
        assert inherit is None
        return
    assert inherit["through"] in ("r_item_sk", "r_ticket_number") and inherit["column"] == "s_customer_sk"
    fg.generate(con, into="synth", scale=4)
    n, same, lost = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE r.r_customer_sk = s.s_customer_sk), "
        "count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM synth.customers c WHERE c.c_customer_sk = r.r_customer_sk)) "
        "FROM synth.returns r JOIN synth.sales s ON r.r_item_sk = s.s_item_sk AND r.r_ticket_number = s.s_ticket_number"
        ).fetchall()[0]
    real = inherit["share"]
    assert abs(real - share) < 4 * math.sqrt(share * (1 - share) / 300) + 0.01   # ~300 returns in the data
    # the copied share, plus the own draws that hit the sale's customer by chance (1 in 500)
    expected = real + (1 - real) / 500
    assert abs(same / n - expected) < 4 * math.sqrt(max(expected * (1 - expected), 1e-4) / n) and lost == 0


def test_a_bad_inherit_is_refused_naming_the_column(con):
    sales_and_returns(con)
    fg.infer_all(con, "main.*")
    spec = fg.spec(con, "returns")
    col = next(c for c in spec["columns"] if c["name"] == "r_customer_sk")
    col["inherit"] = {"through": "r_quantity", "column": "s_customer_sk", "share": 0.5}
    with pytest.raises(fg.SpecError, match=r"column 'r_customer_sk'.*inherit is"):
        fg.import_spec(con, spec)
    col["inherit"] = {"through": "r_item_sk", "column": "s_customer_sk", "share": 1.5}
    with pytest.raises(fg.SpecError, match=r"column 'r_customer_sk'.*inherit.share"):
        fg.import_spec(con, spec)


def test_a_key_the_data_suggests_never_closes_a_cycle_of_declared_ones(con):
    """Orders declare their customer; each customer's order_id (a last order, say) holds only order ids, and is
    named as orders' key: taken for a foreign key it would close a cycle no fill order can meet, so it stays a
    plain column, and the schema is learned and generated with its declared keys."""
    con.execute("CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL)")
    con.execute("CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers)")
    con.execute("INSERT INTO customers SELECT i, 1 + (i * 7) % 400 FROM range(1, 201) t(i)")
    con.execute("INSERT INTO orders SELECT i, 1 + (i * 13) % 200 FROM range(1, 401) t(i)")
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "orders")["columns"][1]["kind"] == "reference"
    assert fg.spec(con, "customers")["columns"][1]["kind"] != "reference"
    con.execute("ATTACH ':memory:' AS synth")
    made = dict(fg.generate(con, into="synth", scale=2))
    assert made["orders"] == 800 and made["customers"] >= 200


def test_a_small_key_spread_over_its_type_still_numbers_the_rows(con):
    """Ten TINYINT ids spread over -111…123 in no order: a shuffle's block of 16 rows at their step would pass
    127, so the key keeps its step unshuffled (and narrows the step where even that would not fit)."""
    con.execute("CREATE TABLE k AS SELECT (ARRAY[88, -53, 123, 36, -96, 120, 4, 65, -111, 108])[i + 1]::TINYINT AS id, "
                "i AS v FROM range(10) t(i)")
    fg.infer(con, "k")
    assert fg.spec(con, "k")["columns"][0]["kind"] == "key"
    assert con.execute("SELECT count(DISTINCT id), min(id) >= -128, max(id) <= 127 FROM fastgen_sample('k', 10)"
                       ).fetchall() == [(10, True, True)]


def test_a_composite_key_of_the_childs_whole_primary_key_is_not_found(con):
    """Two tables of lines under one parent, both keyed (order_no, line_no): one's tuples are all among the other's,
    but as a foreign key it would draw its rows among the other's and repeat its own primary key; it stays nested
    under its declared parent, and DuckDB's checks pass at a scale below 1 and above."""
    con.execute("CREATE TABLE orders (order_no INTEGER PRIMARY KEY, placed DATE)")
    for t in ("lines", "notes"):
        con.execute(f"CREATE TABLE {t} (order_no INTEGER NOT NULL REFERENCES orders, line_no INTEGER NOT NULL, "
                    "qty INTEGER, PRIMARY KEY (order_no, line_no))")
    con.execute("INSERT INTO orders SELECT i, DATE '2024-01-01' + (i % 300)::INTEGER FROM range(1, 301) t(i)")
    con.execute("INSERT INTO lines SELECT o, k, 1 + (o + k) % 7 FROM range(1, 301) a(o), range(1, 5) b(k) "
                "WHERE k <= 1 + o % 4")
    con.execute("INSERT INTO notes SELECT order_no, line_no, qty FROM lines WHERE (order_no + line_no) % 3 = 0")
    fg.infer_all(con, "main.*")
    notes = {c["name"]: c for c in fg.spec(con, "notes")["columns"]}
    assert notes["order_no"]["table"] == "orders" and notes["line_no"]["kind"] == "key"
    for scale in (0.3, 2.0):
        schema = f"s{int(scale * 10)}"
        con.execute(f"CREATE SCHEMA {schema}")
        made = dict(fg.generate(con, into=schema, scale=scale))
        assert made["notes"] > 0


def test_a_column_under_its_own_check_is_no_found_foreign_key(con):
    """Every grade_id is 1 or 2, values of grades' key, and named so; but its CHECK allows only those: drawn among
    the grades' keys it would break the CHECK, so it keeps its own values."""
    con.execute("CREATE TABLE grades (grade_id INTEGER PRIMARY KEY, label VARCHAR)")
    con.execute("CREATE TABLE pupils (pupil_id INTEGER PRIMARY KEY, grade_id INTEGER CHECK (grade_id BETWEEN 1 AND 2))")
    con.execute("INSERT INTO grades SELECT i, 'g' || i FROM range(1, 13) t(i)")
    con.execute("INSERT INTO pupils SELECT i, 1 + i % 2 FROM range(1, 301) t(i)")
    fg.infer_all(con, "main.*")
    assert fg.spec(con, "pupils")["columns"][1]["kind"] != "reference"
    con.execute("ATTACH ':memory:' AS synth")
    assert dict(fg.generate(con, into="synth", scale=2))["pupils"] == 600
