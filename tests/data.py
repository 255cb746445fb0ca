"""Source tables with known distributions, made in SQL from hashes so they are the same on every run, and the
TPC-H / TPC-DS generators shipped as extension wheels."""
import glob
import ipaddress
import json
import os
import re
from datetime import datetime

import duckdb

U = "((hash(i, {k}, 0) >> 11)::DOUBLE * 1.1102230246251565e-16)"


def u(k: int) -> str:
    return U.format(k=k)


def make_people(con, rows: int = 20_000, name: str = "people") -> None:
    """One column per kind, with nulls, skew, heavy tails, decimals, dates, codes and free text."""
    con.execute(f"""
    CREATE OR REPLACE TABLE "{name}" AS
    SELECT
        i + 1                                                     AS person_id,
        'CUST-' || lpad((1000 + i * 3)::VARCHAR, 7, '0')          AS customer_code,
        CASE WHEN {u(1)} < 0.1 THEN NULL ELSE least(18 + floor(-20 * ln(1 - {u(2)})), 120)::TINYINT END AS age,
        round(exp(3 + 1.2 * sqrt(-2 * ln({u(3)} + 1e-12)) * cos(2 * pi() * {u(4)})), 2)::DECIMAL(12, 2) AS income,
        (-50 + 100 * {u(5)})::DOUBLE                              AS score,
        CASE WHEN {u(6)} < 0.6 THEN 'basic' WHEN {u(6)} < 0.9 THEN 'plus' ELSE 'pro' END AS plan,
        ['Lisbon', 'Porto', 'Braga', 'Faro', 'Coimbra', 'Aveiro', 'Evora', 'Leiria'][1 + floor(8 * {u(7)} * {u(7)})::INT] AS city,
        {u(8)} < 0.25                                             AS churned,
        DATE '2020-01-01' + floor(1500 * sqrt({u(9)}))::INT        AS signup_date,
        TIMESTAMP '2024-01-01 00:00:00' + to_seconds(floor(86400 * 90 * {u(10)})::BIGINT) AS last_login,
        lpad(floor(1000 * {u(11)})::INT::VARCHAR, 3, '0') || '-' || chr(65 + floor(26 * {u(12)})::INT) || chr(65 + floor(3 * {u(13)})::INT) AS ticket,
        'v2'                                                      AS schema_version,
        NULL::VARCHAR                                             AS never_set,
        ['great', 'slow', 'delivery', 'was', 'fine', 'the', 'parcel', 'arrived', 'late', 'box', 'damaged', 'support', 'helpful', 'again', 'would', 'buy'][1 + floor(16 * {u(14)})::INT]
          || ' ' || ['the', 'product', 'works', 'well', 'after', 'a', 'week', 'of', 'use', 'and', 'it', 'is', 'not', 'bad', 'very', 'nice'][1 + floor(16 * {u(15)})::INT]
          || ' ' || ['quality', 'price', 'shipping', 'color', 'size', 'fit', 'sound', 'battery', 'screen', 'design', 'smell', 'taste', 'feel', 'weight', 'noise', 'grip'][1 + floor(16 * {u(16)})::INT]
          || ' ' || ['is', 'was', 'seems', 'feels'][1 + floor(4 * {u(17)})::INT]
          || ' ' || ['ok', 'good', 'poor', 'excellent', 'terrible', 'average', 'fine', 'awesome'][1 + floor(8 * {u(18)})::INT]
          || repeat(' indeed', floor(3 * {u(19)})::INT)       AS review
    FROM range({rows}) t(i)""")


# A small DDL for the model to read: a key, NOT NULL, a CHECK list and a CHECK range, a date, a flag.
CUSTOMERS_DDL = """CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    email VARCHAR NOT NULL,
    country VARCHAR CHECK (country IN ('PT', 'ES', 'FR')),
    age INTEGER CHECK (age BETWEEN 18 AND 90),
    signup_date DATE,
    is_active BOOLEAN NOT NULL
);"""


def make_emp(con, rows: int = 8000) -> None:
    """Salary depends on age and level; age and level are independent."""
    con.execute(f"""CREATE TABLE emp AS SELECT 20 + (hash(i) % 40)::INT AS age,
                    ['junior', 'mid', 'senior'][(1 + hash(i, 1) % 3)::INT] AS level FROM range({rows}) t(i)""")
    con.execute("""ALTER TABLE emp ADD COLUMN salary DOUBLE;
                   UPDATE emp SET salary = 1000 * age + CASE level WHEN 'junior' THEN 0 WHEN 'mid' THEN 20000
                                                                   ELSE 50000 END + hash(age, level) % 5000""")


def make_animals(con, rows: int = 6000) -> None:
    """Species is a hub: every measurement depends on it. Within a species, length and mass move together and
    males are larger: relations between siblings that one parent per column cannot carry."""
    normal = "sqrt(-2 * ln(1 - {a})) * cos(2 * pi() * {b})"
    con.execute(f"""
    CREATE TABLE animals AS SELECT species, sex,
        round(40 + 10 * s + 4 * z1 + 3 * (sex = 'm')::INT, 1) AS length,
        round(3000 + 800 * s + 300 * (0.8 * z1 + 0.6 * z2) + 250 * (sex = 'm')::INT) AS mass
    FROM (SELECT ['adelie', 'gentoo', 'chinstrap'][s + 1] AS species, s,
                 CASE WHEN {u(3)} < 0.5 THEN 'f' ELSE 'm' END AS sex,
                 {normal.format(a=u(4), b=u(5))} AS z1, {normal.format(a=u(6), b=u(7))} AS z2
          FROM (SELECT i, floor(3 * {u(2)})::INT AS s FROM range({rows}) t(i)))""")


def orders_in_lines(con, shared: bool, missing: bool = False):
    """Order lines with their order number in the line table: 1-6 lines per order, one customer per order
    (`shared`) or each line its own customer; with `missing`, a line in ten has no customer. Every order has
    one date."""
    con.execute("CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR)")
    con.execute("INSERT INTO customers SELECT i, 'c' || i FROM range(1, 301) t(i)")
    con.execute("CREATE TABLE products (product_id INTEGER PRIMARY KEY, price DOUBLE)")
    con.execute("INSERT INTO products SELECT i, i * 1.5 FROM range(1, 101) t(i)")
    con.execute("CREATE TABLE lines (order_no INTEGER, customer_id INTEGER REFERENCES customers, "
                "product_id INTEGER REFERENCES products, qty INTEGER, ordered DATE)")
    customer = "1 + (o * 7919) % 300" if shared else "1 + (o * 7919 + k * 13) % 300"
    if missing:
        customer = f"CASE WHEN hash(o, k) % 10 <> 0 THEN {customer} END"
    con.execute(f"INSERT INTO lines SELECT o, {customer}, 1 + (o * 31 + k * 17) % 100, 1 + (o + k) % 5, "
                "DATE '2024-01-01' + (hash(o, 'day') % 366)::INTEGER "
                "FROM range(1, 2001) a(o), range(1 + (hash(o) % 6)::INTEGER) b(k)")


def orders_with_totals(con) -> None:
    """Orders whose total is the sum of their 1-7 lines' amounts: exactly (`total`) and times 0.95 to 1.05 (a discount or a tax)
    (`billed`), beside a number of their own (`weight`)."""
    con.execute("CREATE TABLE orders (order_id INTEGER PRIMARY KEY, placed DATE, weight DOUBLE, "
                "total DECIMAL(12, 2), billed DECIMAL(12, 2))")
    con.execute("CREATE TABLE order_lines (order_id INTEGER REFERENCES orders, line INTEGER, amount DECIMAL(10, 2), "
                "PRIMARY KEY (order_id, line))")
    con.execute("CREATE TEMP TABLE drawn AS SELECT o, k, round(5 + (hash(o, k, 'amount') % 20000) / 100, 2) AS amount "
                "FROM range(1, 1501) a(o), range(1 + (hash(o) % 7)::INTEGER) b(k)")
    con.execute("INSERT INTO orders SELECT o, DATE '2024-01-01' + (hash(o, 'day') % 366)::INTEGER, "
                "round((hash(o, 'w') % 1000) / 10, 1), sum(amount), round(sum(amount) * (0.95 + (hash(o, 't') % 11) / 100), 2) "
                "FROM drawn GROUP BY o")
    con.execute("INSERT INTO order_lines SELECT o, k, amount FROM drawn")


def sales(con, together: float = 0.15, alone: float = 0.2) -> None:
    """Sales whose customer, store and amount are missing in the same rows (a share `together`), and whose note
    is missing on its own (a share `alone`)."""
    con.execute("CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR)")
    con.execute("INSERT INTO customers SELECT i, 'c' || i FROM range(1, 201) t(i)")
    con.execute("CREATE TABLE stores (store_id INTEGER PRIMARY KEY, city VARCHAR)")
    con.execute("INSERT INTO stores SELECT i, 'city ' || i FROM range(1, 21) t(i)")
    con.execute("CREATE TABLE sales (sale_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers, "
                "store_id INTEGER REFERENCES stores, amount DOUBLE, note VARCHAR)")
    gone = f"hash(i, 'row') % 1000 < {int(together * 1000)}"
    con.execute(f"INSERT INTO sales SELECT i, CASE WHEN NOT {gone} THEN 1 + hash(i, 'c') % 200 END, "
                f"CASE WHEN NOT {gone} THEN 1 + hash(i, 's') % 20 END, "
                f"CASE WHEN NOT {gone} THEN (hash(i, 'a') % 10000) / 100.0 END, "
                f"CASE WHEN hash(i, 'n') % 1000 >= {int(alone * 1000)} THEN 'n' || hash(i, 'n') % 7 END "
                "FROM range(1, 20001) t(i)")


def sales_and_returns(con, share: float = 0.8, orphan: bool = False, tickets: bool = True):
    """No declared key: items(item_sk), customers(customer_sk), sales(ticket_number, item_sk, customer_sk, qty) in
    tickets of one customer and 1-4 lines of distinct items, so (item_sk, ticket_number) is unique and neither
    column alone; returns of a tenth of the sales lines by (item_sk, ticket_number), by the sale's customer in
    `share` of them and by anyone otherwise (a return of no sale where `orphan`). Without `tickets`, a sale's
    lines have customers of their own: its ticket number is then no batch's, and a number the sampler draws."""
    con.execute("CREATE TABLE items AS SELECT i AS i_item_sk, 'item ' || i AS i_name, i % 13 AS i_class "
                "FROM range(1, 201) t(i)")
    con.execute("CREATE TABLE customers AS SELECT i AS c_customer_sk, i % 9 AS c_segment, i % 4 AS c_band "
                "FROM range(1, 501) t(i)")
    customer = "t * 7919" if tickets else "(t * 7919 + line * 101)"
    con.execute(f"""CREATE TABLE sales AS SELECT t AS s_ticket_number, 1 + (t * 37 + line * 53) % 200 AS s_item_sk,
                       1 + {customer} % 500 AS s_customer_sk, 1 + (t + line) % 9 AS s_quantity
                   FROM range(1, 3001) a(t), range(0, 4) b(line) WHERE line < 1 + t % 4""")
    con.execute(f"""CREATE TABLE returns AS SELECT s_item_sk AS r_item_sk, s_ticket_number AS r_ticket_number,
                        CASE WHEN hash(s_ticket_number, s_item_sk) % 1000 < {int(share * 1000)} THEN s_customer_sk
                             ELSE 1 + hash(s_item_sk, s_ticket_number, 1) % 500 END::BIGINT AS r_customer_sk,
                        1 + s_quantity // 2 AS r_quantity
                    FROM sales WHERE hash(s_ticket_number, s_item_sk, 2) % 10 = 0""")
    if orphan:
        con.execute("INSERT INTO returns VALUES (1, 999999, 1, 1)")


def dated_sales_and_returns(con) -> None:
    """dates(d_sk 2450000.. one per day of 400, d_date, d_day); sales(s_id, s_date -> dates over 350 days,
    s_paid); returns of a third of the sales (r_sale -> sales), each dated by its key 0-45 days after its
    sale's (r_date -> dates), with r_amount: TPC-DS's dates as keys of a date dimension."""
    con.execute("CREATE TABLE dates (d_sk INTEGER PRIMARY KEY, d_date DATE NOT NULL, d_day VARCHAR NOT NULL)")
    con.execute("INSERT INTO dates SELECT 2450000 + i, DATE '2020-01-01' + i::INTEGER, dayname(DATE '2020-01-01' + i::INTEGER) "
                "FROM range(400) t(i)")
    con.execute("CREATE TABLE sales (s_id INTEGER PRIMARY KEY, s_date INTEGER NOT NULL REFERENCES dates, s_paid DOUBLE)")
    con.execute("INSERT INTO sales SELECT i, 2450000 + (hash(i, 'd') % 350)::INTEGER, (hash(i, 'p') % 1000) / 10.0 "
                "FROM range(1, 4001) t(i)")
    con.execute("CREATE TABLE returns (r_id INTEGER PRIMARY KEY, r_sale INTEGER NOT NULL REFERENCES sales, "
                "r_date INTEGER REFERENCES dates, r_amount DOUBLE)")
    con.execute("INSERT INTO returns SELECT row_number() OVER (), s_id, s_date + (hash(s_id, 'g') % 46)::INTEGER, "
                "(hash(s_id, 'a') % 500) / 10.0 FROM sales WHERE hash(s_id, 'r') % 3 = 0")


def sales_on_days(con) -> None:
    """A 1,000-day calendar (a fixed lookup) and 780 sales on days 200..799: 1.3 a day, 27% of those days none."""
    con.execute("""CREATE TABLE day (id INTEGER PRIMARY KEY, d DATE NOT NULL);
        INSERT INTO day SELECT i, DATE '2000-01-01' + i::INTEGER FROM range(1000) t(i);
        CREATE TABLE sale (id INTEGER PRIMARY KEY, day_id INTEGER NOT NULL REFERENCES day (id), amount DOUBLE);
        INSERT INTO sale SELECT i, 200 + (hash(i) % 600)::INTEGER, (hash(i, 1) % 1000) / 10 FROM range(780) t(i)""")


def wheel_extension(name: str) -> str | None:
    """The DuckDB extension shipped in the duckdb-extension-<name> wheel, for this duckdb version."""
    import importlib.util
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    for base in spec.submodule_search_locations if spec else []:
        found = glob.glob(os.path.join(base, "extensions", f"v{duckdb.__version__}", f"{name}.duckdb_extension"))
        if found:
            return found[0]
    return None


def tpch_extension() -> str | None:
    return wheel_extension("tpch")


def waits(con, kind: str = "DOUBLE") -> None:
    """waits(s, e): a start and an end whose gap grows with the start (its scale 1 + s / 10), 20,000 rows, both
    NULL in a tenth of them."""
    start = f"100 * {u(1)}"
    gap = f"-(1 + {start} / 10) * ln(1 - {u(2)})"
    if kind == "TIMESTAMP":
        cols = (f"TIMESTAMP '2020-01-01' + to_seconds(({start}) * 86400)::INTERVAL AS s, "
                f"TIMESTAMP '2020-01-01' + to_seconds(({start} + {gap}) * 86400)::INTERVAL AS e")
    elif kind == "DATE":
        cols = (f"DATE '2020-01-01' + ({start})::INTEGER AS s, "
                f"DATE '2020-01-01' + ({start})::INTEGER + ({gap})::INTEGER AS e")
    else:
        cols = f"({start})::{kind} AS s, ({start})::{kind} + ({gap})::{kind} AS e"
    con.execute(f"CREATE TABLE waits AS SELECT {cols} FROM range(20000) t(i)")
    con.execute("UPDATE waits SET s = NULL, e = NULL WHERE hash(rowid, 'gone') % 10 = 0")


def brands_on_items(con) -> None:
    """items: 960 made-up brands ('aoeiru #5'), each on 1 or 2 items (1.5 on average: too many brands for a
    category list, all rarer than k, so all synthesized), a free comment of its own on each item, and a price."""
    con.execute("""CREATE TABLE items AS
        WITH brands AS (SELECT b, translate(md5(b::VARCHAR)[:6], '0123456789', 'aeiourstln') || ' #' || (b % 17)::VARCHAR
                               AS brand, 1 + (hash(b, 1) % 2)::INTEGER AS items FROM range(960) t(b))
        SELECT brand, md5(brand || k::VARCHAR)[:4] || ' ' || md5(k::VARCHAR || brand)[:5] || ' ' || md5(brand)[:3] AS comment,
               (hash(brand, k) % 100)::INTEGER AS price
        FROM brands, range(2) r(k) WHERE k < items""")


def codes_on_lines(con) -> None:
    """lines: 300 business keys ('AAAAAAAA' + two letters + 'AAAAAA', as TPC-DS writes item ids) and their 300
    order codes ('ORD-01007'), one to four rows each, beside a six-colour label list."""
    con.execute("""CREATE TABLE lines AS SELECT
        'AAAAAAAA' || chr(65 + (i % 26)::INT) || chr(65 + (i // 26)::INT) || 'AAAAAA' AS item_id,
        'ORD-' || lpad((1000 + i * 7)::VARCHAR, 5, '0') AS order_code,
        ['red', 'green', 'blue', 'black', 'white', 'grey'][1 + (hash(i, k) % 6)::INTEGER] AS colour
        FROM range(300) t(i), range(4) u(k) WHERE k <= (hash(i) % 4)::INTEGER""")


def make_written(con, rows: int = 6000):
    """Numbers and timestamps written with thousands separators, currency signs, units and UTC offsets."""
    con.execute(f"""CREATE TABLE written AS SELECT
        format('{{:,}}', (exp(5 + 4 * (hash(i, 1) % 1000) / 1000.0) * CASE WHEN i % 7 = 0 THEN -1 ELSE 1 END)::BIGINT)
            AS grouped,
        translate(format('{{:,.2f}}', (exp(3 + 6 * (hash(i, 2) % 1000) / 1000.0))::DECIMAL(18, 2)), ',.', '.,') AS eu,
        ['$', '$', '€', 'USD '][(1 + hash(i, 3) % 4)::INTEGER] || format('{{:,.2f}}', ((hash(i, 4) % 500000) / 100)::DECIMAL(18, 2))
            AS price,
        ((hash(i, 5) % 1000) / 10)::DECIMAL(4, 1)::VARCHAR || ' %' AS share,
        strftime(TIMESTAMP '2020-01-01' + to_seconds((hash(i, 6) % 60000000)::BIGINT), '%Y-%m-%dT%H:%M:%S')
            || ['+00:00', '+05:30', '-08:00', 'Z'][(1 + hash(i, 7) % 4)::INTEGER] AS stamp,
        strftime(TIMESTAMP '2020-01-01' + to_microseconds((hash(i, 8) % 6e13)::BIGINT // 1000 * 1000),
                 '%Y-%m-%dT%H:%M:%S.%gZ') AS ms,
        CASE WHEN i % 5 = 0 THEN '2001:db8::' || format('{{:x}}', hash(i, 9) % 65536)
             ELSE 'fe80::' || list_reduce([format('{{:x}}', hash(i, k) % 65536) for k in range(10, 14)],
                                          lambda a, b: a || ':' || b) END AS ip,
        '{{"user": ' || (hash(i, 14) % 100000)::VARCHAR || CASE WHEN i % 2 = 0 THEN ', "tags": ["a", "b,c"]' ELSE '' END
            || ', "ok": ' || (i % 3 = 0)::VARCHAR || '}}' AS payload,
        strftime(DATE '2010-01-01' + (hash(i, 15) % 2000)::INTEGER, '%-d %B %Y') AS long_day,
        strftime(TIMESTAMP '2020-01-01' + to_minutes((hash(i, 16) % 1440)::BIGINT), '%-I:%M %p') AS clock,
        strftime(TIMESTAMP '2020-01-01' + to_seconds((hash(i, 17) % 60000000)::BIGINT), '%a, %d %b %Y %H:%M:%S')
            || ' +0000' AS mailed,
        regexp_replace(((hash(i, 18) % 100000) / 100)::DECIMAL(10, 2)::VARCHAR, '\\.?0+$', '') AS trimmed,
        CASE hash(i, 19) % 10 WHEN 0 THEN 'NA' WHEN 1 THEN '-' WHEN 2 THEN NULL
             ELSE ((hash(i, 20) % 10000) / 10)::DECIMAL(10, 1)::VARCHAR END AS marked
        FROM range({rows}) t(i)""")


WRITTEN = {   # each column's values: a pattern, and how Python reads the value back
    "grouped": (r"-?\d{1,3}(,\d{3})*", lambda v: int(v.replace(",", ""))),
    "eu": (r"\d{1,3}(\.\d{3})*,\d\d", lambda v: float(v.replace(".", "").replace(",", "."))),
    "price": (r"(\$|€|USD )\d{1,3}(,\d{3})*\.\d\d", lambda v: float(re.sub(r"[^0-9.]", "", v))),
    "share": (r"\d{1,2}\.\d %", lambda v: float(v[:-2])),
    "stamp": (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)",
              lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")).replace(tzinfo=None).timestamp()),
    "ms": (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", lambda v: datetime.strptime(v, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()),
    "ip": (r"[0-9a-f:]+", lambda v: ipaddress.IPv6Address(v).compressed == v or v / 0),
    "payload": (r"\{.*\}", lambda v: list(json.loads(v)) == [k for k in ("user", "tags", "ok") if k in json.loads(v)] or v / 0),
    "long_day": (r"\d{1,2} [A-Z][a-z]+ \d{4}", lambda v: datetime.strptime(v, "%d %B %Y").timestamp()),
    "clock": (r"\d{1,2}:\d\d [AP]M", lambda v: datetime.strptime(v, "%I:%M %p").timestamp()),
    "mailed": (r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000",   # its weekday its day's
               lambda v: datetime.strptime(v, "%a, %d %b %Y %H:%M:%S %z").strftime("%a, %d %b %Y %H:%M:%S %z") == v or v / 0),
    "trimmed": (r"\d+(\.\d?[1-9])?", float),   # at most 2 decimals, no trailing zero
    "marked": (r"NA|-|\d+\.\d", lambda v: v in ("NA", "-") or float(v)),   # a missing value written 'NA' or '-'
}


def make_templated(con, rows: int = 3000):
    """Texts written in one template of several numbers, of several widths: versions, signed amounts, ranges,
    screen sizes, phone numbers; and sentences holding two numbers, which are no template."""
    con.execute(f"""CREATE TABLE templated AS SELECT
        'v' || (hash(i, 1) % 4)::VARCHAR || '.' || (hash(i, 2) % 21)::VARCHAR || '.' || (hash(i, 3) % 41)::VARCHAR
            AS version,
        CASE WHEN i % 4 = 0 THEN '-$' ELSE '$' END || (hash(i, 4) % 900)::VARCHAR || '.'
            || lpad((hash(i, 5) % 100)::VARCHAR, 2, '0') AS amount,
        (hash(i, 6) % 500)::VARCHAR || '-' || ((hash(i, 6) % 500) + 1 + hash(i, 7) % 300)::VARCHAR AS span,
        (320 + hash(i, 8) % 3000)::VARCHAR || 'x' || (200 + hash(i, 9) % 2000)::VARCHAR AS screen,
        '(' || (200 + hash(i, 10) % 800)::VARCHAR || ') ' || (hash(i, 11) % 1000)::VARCHAR || '-'
            || lpad((hash(i, 12) % 10000)::VARCHAR, 4, '0') AS phone,
        ['10.0', '192.168', '172.16'][(1 + hash(i, 33) % 3)::INTEGER] || '.' || (hash(i, 34) % 21)::VARCHAR || '.'
            || (1 + hash(i, 35) % 254)::VARCHAR AS host,
        ['The', 'A', 'One'][(1 + hash(i, 13) % 3)::INTEGER] || ' ' || ['red', 'old', 'big', 'wet'][(1 + hash(i, 14) % 4)::INTEGER]
            || ' dog ate ' || (hash(i, 15) % 20)::VARCHAR || ' bones in ' || (hash(i, 16) % 30)::VARCHAR || ' '
            || ['days', 'weeks', 'hours'][(1 + hash(i, 17) % 3)::INTEGER] AS sentence,
        array_to_string(list_distinct([GENRES[(1 + hash(i * 8 + k) % len(GENRES))::INTEGER]
                                       for k in range((1 + hash(i, 19) % 5)::INTEGER)]), '|')
            || CASE WHEN i % 1000 = 7 THEN '|Zarzuela' ELSE '' END AS genres,
        '[' || array_to_string(list_distinct([(hash(i * 8 + k, 5) % 40)::VARCHAR
                                              for k in range((hash(i, 36) % 6)::INTEGER)]), ', ') || ']' AS scores,
        ['Late', 'On time', 'Early'][(1 + hash(i, 30) % 3)::INTEGER] || ', ' || (hash(i, 31) % 10000)::VARCHAR
            || ' said ' || ['Ann', 'Bo', 'Cy', 'Di'][(1 + hash(i, 32) % 4)::INTEGER] || ', again' AS remark
        FROM range({rows}) t(i), (SELECT ['Action', 'Adventure', 'Sci-Fi', 'Comedy', 'Drama', 'Horror', 'Romance',
                                          'Thriller', 'Animation', 'Family', 'Crime', 'War'] AS GENRES)""")


TEMPLATED = {   # each templated column's values: the pattern each must match
    "version": r"v\d\.\d{1,2}\.\d{1,2}", "amount": r"-?\$\d{1,3}\.\d\d", "span": r"\d{1,3}-\d{1,3}",
    "screen": r"\d{3,4}x\d{3,4}", "phone": r"\(\d{3}\) \d{1,3}-\d{4}",
    "host": r"(10\.0|192\.168|172\.16)\.\d{1,2}\.\d{1,3}",   # in its network
}


def check_written(rows: list[tuple], names: list[str]) -> None:
    """Every value matches its column's pattern and reads back (raises on the first that does not)."""
    for values, name in zip(zip(*rows), names):
        pattern, read = WRITTEN[name]
        for v in values:
            assert v is None or re.fullmatch(pattern, v), f"{name}: {v!r} is not written as the source writes it"
            if v is not None:
                read(v)
