"""Semantic types from DDL alone (issue 15): the rules that pick them, the pools they fill, one entity's columns
agreeing within a row, locales, lookups, import of an edited spec, and the same spec giving the same rows."""
from __future__ import annotations

import json
import re

import pytest
from wonderwords import is_profanity

import fastgen_duckdb as fg
from fastgen_duckdb import ddl, semantic, semantic_rules
from fastgen_duckdb.inference import _semantic
from fastgen_duckdb.llm import ANSWER_SCHEMA, SYSTEM, Answers, Settings
from fastgen_duckdb.errors import SpecError

CUSTOMERS = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, first_name VARCHAR NOT NULL, last_name VARCHAR NOT NULL,
  full_name VARCHAR, email VARCHAR, username VARCHAR, phone VARCHAR, street VARCHAR, city VARCHAR,
  postcode VARCHAR, country VARCHAR, iban VARCHAR, card_number VARCHAR, ip_address VARCHAR, uuid VARCHAR,
  isbn VARCHAR(13), signup DATE)
"""

ACROSS = """
CREATE TABLE countries (country_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, iso2 VARCHAR(2));
CREATE TABLE warehouses (warehouse_id INTEGER PRIMARY KEY, street VARCHAR, city VARCHAR, postal_code VARCHAR,
  country_id INTEGER NOT NULL REFERENCES countries(country_id));
CREATE TABLE companies (company_id INTEGER PRIMARY KEY, company_name VARCHAR, billing_city VARCHAR,
  billing_country VARCHAR, phone VARCHAR);
CREATE TABLE contacts (contact_id INTEGER PRIMARY KEY, company_id INTEGER NOT NULL REFERENCES companies(company_id),
  first_name VARCHAR, last_name VARCHAR, email VARCHAR, mobile VARCHAR);
CREATE TABLE shops (shop_id INTEGER PRIMARY KEY, shop_city VARCHAR, shop_phone VARCHAR);
CREATE TABLE clients (client_id INTEGER PRIMARY KEY, shop_id INTEGER REFERENCES shops(shop_id), first_name VARCHAR,
  last_name VARCHAR, phone VARCHAR, city VARCHAR, country VARCHAR);
COMMENT ON TABLE clients IS 'Private clients in Portugal';
CREATE TABLE accounts (account_id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL REFERENCES clients(client_id),
  iban VARCHAR(34), currency VARCHAR(3));
"""


@pytest.fixture
def con():
    c = fg.connect()
    yield c
    c.close()


def rows(con, gen: str, n: int = 500, seed: int = 42) -> list[dict]:
    rel = con.sql(f"FROM fastgen_sample('{gen}', {n}, seed := {seed})")
    names = rel.columns
    return [dict(zip(names, r)) for r in rel.fetchall()]


@pytest.mark.parametrize("table, column, type_text, expected", [
    ("customers", "email", "VARCHAR", "person.email"),
    ("customers", "EmailAddress", "VARCHAR", "person.email"),
    ("customers", "first_name", "VARCHAR", "person.first_name"),
    ("customers", "surname", "VARCHAR", "person.last_name"),
    ("customers", "name", "VARCHAR", "person.full_name"),
    ("customer", "c_name", "VARCHAR", "person.full_name"),          # TPC-H's table prefix is dropped
    ("supplier", "s_name", "VARCHAR", "company.name"),
    ("region", "r_name", "VARCHAR", "address.continent"),
    ("nation", "n_name", "VARCHAR", "address.country"),
    ("part", "p_mfgr", "VARCHAR", "company.name"),
    ("orders", "ship_country", "VARCHAR(2)", "address.country_code"),  # the length decides
    ("orders", "ship_country", "VARCHAR(3)", "address.country_code3"),
    ("orders", "ship_country", "VARCHAR", "address.country"),
    ("addresses", "state", "CHAR(2)", "address.state_code"),
    ("logs", "ip_address", "VARCHAR", "internet.ipv4"),              # not a street address
    ("logs", "user_agent", "VARCHAR", "internet.user_agent"),
    ("vehicles", "license_plate", "VARCHAR", "transport.license_plate"),   # not a software licence
    ("files", "attachment_mime_type", "VARCHAR", "file.mime_type"),
    ("departments", "department_name", "VARCHAR", "company.department"),   # 'part' inside 'departments' is no product
    ("payments", "iban", "VARCHAR", "finance.iban"),
    ("payments", "currency", "VARCHAR(3)", "finance.currency_code"),
    ("posts", "body", "VARCHAR", "text.paragraph"),
    ("posts", "comment", "VARCHAR(200)", "text.sentence"),
    ("vehicles", "vin", "VARCHAR(17)", "transport.vin"),
    ("things", "xq7", "VARCHAR", None),                              # nothing to go on
])
def test_rules_pick_a_type_from_name_table_and_length(table, column, type_text, expected):
    t = ddl.parse(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {column} {type_text})")[0]
    assert semantic_rules.pick(t.column(column), t) == expected


def test_a_vin_carries_its_check_character():
    for (vin,) in semantic.draw_rows(["transport.vin"], "en_US", 9, n=200):
        assert re.fullmatch(r"[0-9A-HJ-NPR-Z]{17}", vin) and semantic.vin_check(vin) == vin[8]
    assert semantic.vin_check("1M8GDM9AXKP042788") == "X"          # the worked example of 49 CFR 565


def test_rules_read_the_comment_and_leave_keys_numbers_and_references_alone():
    t = ddl.parse("CREATE TABLE t (id VARCHAR PRIMARY KEY, x1 VARCHAR, n INTEGER, email INTEGER);"
                  "COMMENT ON COLUMN t.x1 IS 'the e-mail of the buyer'")[0]
    assert semantic_rules.pick(t.column("x1"), t) == "person.email"
    assert semantic_rules.pick(t.column("id"), t) is None
    assert semantic_rules.pick(t.column("email"), t) is None


def test_every_registry_type_draws_in_every_locale():
    assert len(semantic.TYPES) >= 100
    for loc in semantic.LOCALES:
        values = semantic.draw_rows(list(semantic.TYPES), loc, 3, n=4)
        assert all(isinstance(v, str) and v for row in values for v in row), loc


def luhn(number: str) -> bool:
    digits = [int(d) for d in number][::-1]
    return sum(d if i % 2 == 0 else (2 * d - 9 if d > 4 else 2 * d) for i, d in enumerate(digits)) % 10 == 0


def test_formats_from_ddl_alone(con):
    fg.infer(con, CUSTOMERS)
    drawn = rows(con, "customers")
    for r in drawn:
        assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}", r["email"] or "x@y.zz"), r["email"]
        iban = r["iban"]
        if iban:
            assert int("".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])) % 97 == 1, iban
        if r["card_number"]:
            assert luhn(r["card_number"]), r["card_number"]
        if r["uuid"]:
            assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", r["uuid"])
        if r["ip_address"]:
            assert all(0 <= int(x) <= 255 for x in r["ip_address"].split(".")) and r["ip_address"].count(".") == 3
        if r["isbn"]:
            body = r["isbn"]
            assert len(body) == 13 and (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body[:12])) % 10) % 10 == int(body[12])
    assert len({r["email"] for r in drawn}) > 200          # a distinct-values floor: not a handful repeated


def test_one_persons_and_one_addresss_columns_agree_in_every_row(con):
    fg.infer(con, CUSTOMERS)
    spec = fg.spec(con, "customers")
    assert set(spec["pools"]) == {"person"}
    members = spec["pools"]["person"]["columns"]
    assert {"first_name", "last_name", "full_name", "email", "username", "phone", "city", "country"} <= set(members)
    calling = {semantic.LOCALES[loc][1]: semantic.LOCALES[loc][3] for loc in semantic.LOCALES}
    import pycountry
    countries = set()
    for r in rows(con, "customers", 1000):
        if r["full_name"] is not None:      # a nullable column is NULL in 5% of rows, on its own
            assert r["full_name"] == f"{r['first_name']} {r['last_name']}"
        a, b = semantic.ascii_slug(r["first_name"]), semantic.ascii_slug(r["last_name"])
        if r["email"]:
            assert r["email"].startswith(f"{a}.{b}@"), r
        if r["username"]:
            assert r["username"].startswith(f"{a}_{b}"), r
        if r["country"] and r["phone"]:
            cc = pycountry.countries.lookup(r["country"]).alpha_2
            countries.add(cc)
            assert r["phone"].startswith(f"+{calling[cc]} "), r
    assert len(countries) >= 5          # no locale hint and a country column: several countries, each consistent


def test_locale_from_a_comment_a_check_list_and_the_option(con):
    fg.infer(con, CUSTOMERS + "; COMMENT ON TABLE customers IS 'clientes em Portugal (pt_PT)'")
    assert {r["country"] for r in rows(con, "customers", 300)} - {None} == {"Portugal"}
    assert fg.spec(con, "customers")["pools"]["person"]["locale"] == "pt_PT"
    t = ddl.parse("CREATE TABLE c (id INT PRIMARY KEY, city VARCHAR, country VARCHAR CHECK (country IN ('DE', 'FR')))")[0]
    assert semantic_rules.locale_hint(t) == ["de_DE", "fr_FR"]
    con.sql("SELECT fastgen_infer('CREATE TABLE people (id INT PRIMARY KEY, first_name VARCHAR, last_name VARCHAR, "
            "email VARCHAR)', locale := 'de_DE')").fetchall()
    spec = fg.spec(con, "people")
    assert spec["pools"]["person"]["locale"] == "de_DE"
    german = set(semantic._generic("de", 0).person._dataset["surnames"]) if isinstance(
        semantic._generic("de", 0).person._dataset["surnames"], list) else \
        {x for v in semantic._generic("de", 0).person._dataset["surnames"].values() for x in v}
    assert all(r["last_name"] in german for r in rows(con, "people", 200) if r["last_name"] is not None)
    with pytest.raises(Exception, match="unknown locale"):
        fg.infer(con, "CREATE TABLE q (id INT PRIMARY KEY, email VARCHAR)", locale="xx_XX")


def test_same_ddl_same_spec_and_same_spec_same_rows():
    a, b = fg.connect(), fg.connect()
    fg.infer(a, CUSTOMERS)
    fg.infer(b, CUSTOMERS)
    assert json.dumps(fg.spec(a, "customers"), sort_keys=True) == json.dumps(fg.spec(b, "customers"), sort_keys=True)
    assert rows(a, "customers", 300, seed=5) == rows(b, "customers", 300, seed=5)
    assert rows(a, "customers", 300, seed=5) != rows(a, "customers", 300, seed=6)


def test_an_edited_spec_is_refilled_on_import(con):
    fg.infer(con, CUSTOMERS)
    spec = fg.spec(con, "customers")
    spec["pools"]["person"]["locale"] = "ja_JP"               # the user changes the locale by hand
    city = next(c for c in spec["columns"] if c["name"] == "ip_address")
    city.update(semantic="internet.ipv6", kind="categorical")  # and the type of a column alone, values stale
    fg.import_spec(con, json.dumps(spec))
    stored = fg.spec(con, "customers")
    assert stored["pools"]["person"]["filled_locale"] == "ja_JP"
    drawn = rows(con, "customers", 200)
    assert {r["country"] for r in drawn} - {None} == {"Japan"}
    assert all(":" in r["ip_address"] for r in drawn if r["ip_address"])
    del spec["pools"]["person"]["rows"]                        # pools named without rows are filled
    spec["pools"]["person"]["locale"] = "fr_FR"
    fg.import_spec(con, spec)
    assert {r["country"] for r in rows(con, "customers", 200)} - {None} == {"France"}


def _drop_a_country(spec: dict) -> None:
    rows = next(c for c in spec["columns"] if c["name"] == "country_id")["by_pool"]["rows"]
    rows.pop(sorted(rows)[0])


@pytest.mark.parametrize("ddl, table, edit, message", [
    (CUSTOMERS, "customers", lambda s: next(c for c in s["columns"] if c["name"] == "email").update(
        semantic="person.shoe_size"), "unknown semantic type"),
    (CUSTOMERS, "customers", lambda s: s["pools"]["person"].update(locale="xx_XX", rows=[]), "unknown locale"),
    (CUSTOMERS, "customers", lambda s: next(c for c in s["columns"] if c["name"] == "email").update(field=0), "field"),
    (CUSTOMERS, "customers", lambda s: s["pools"]["person"]["rows"].append(["too", "short"]), "rows"),
    (ACROSS, "contacts", lambda s: s["pools"]["person"].update(follows={"through": "first_name", "pool": "person"}),
     "follows"),
    (ACROSS, "contacts", lambda s: s["pools"]["person"].update(countries=["PT"]), "countries"),
    (ACROSS, "warehouses", _drop_a_country, "column 'country_id': by_pool"),
])
def test_bad_semantic_fields_are_refused_by_name(con, ddl, table, edit, message):
    fg.infer_all(con, ddl)
    spec = fg.spec(con, table)
    edit(spec)
    with pytest.raises(SpecError, match=message):
        fg.import_spec(con, spec)


def test_lookup_tables_get_their_real_rows_and_do_not_size_their_children(con):
    names = fg.infer_all(con, """
        CREATE TABLE country (country_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, iso_code VARCHAR(2));
        CREATE TABLE currencies (code VARCHAR(3) PRIMARY KEY, name VARCHAR);
        CREATE TABLE region (r_regionkey INTEGER PRIMARY KEY, r_name VARCHAR);
        CREATE TABLE order_status (status_id INTEGER PRIMARY KEY, label VARCHAR);
        CREATE TABLE customer (id INTEGER PRIMARY KEY, name VARCHAR,
                               country_id INTEGER REFERENCES country(country_id),
                               currency VARCHAR(3) REFERENCES currencies(code));""")
    import pycountry
    assert len(names) == 5
    country = con.sql("FROM fastgen_sample('country', 1000, scale := 10)").fetchall()
    assert len({r[0] for r in country}) == len(pycountry.countries)          # every ISO country, at any scale
    assert {r[2] for r in country} == {c.alpha_2 for c in pycountry.countries}
    assert all(pycountry.countries.get(alpha_2=code) for _, _, code in country)
    currencies = fg.spec(con, "currencies")
    assert len(currencies["fixed"]["rows"]) == len(pycountry.currencies)
    assert {r[0] for r in con.sql("FROM fastgen_sample('region', 7)").fetchall()} == set(range(1, 8))
    assert len(fg.spec(con, "order_status")["fixed"]["rows"]) == len(semantic_rules.STATUSES)
    assert fg.spec(con, "customer")["source_rows"] == 1000    # an entity, not 4 per country
    codes = {r[0] for r in con.sql("SELECT currency FROM fastgen_sample('customer', 500)").fetchall()}
    assert codes - {None} <= {c.alpha_3 for c in pycountry.currencies} and len(codes) > 50


def test_the_model_picks_types_from_the_registry_and_falls_back_per_column():
    assert "person.email" in ANSWER_SCHEMA["properties"]["columns"]["items"]["properties"]["semantic"]["enum"]
    assert "pool" not in ANSWER_SCHEMA["properties"]["columns"]["items"]["properties"]["kind"]["enum"]
    assert "finance.iban" in SYSTEM
    t = ddl.parse("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR, b VARCHAR, email VARCHAR)")[0]
    spec = {"columns": [{"name": c.name, "type": c.type, "kind": "text", "method": "words", "pieces": [["x"]],
                         "nulls": 0.0} for c in t.columns[1:]]}
    answers = Answers(columns={"a": {"name": "a", "semantic": "address.city"},
                               "b": {"name": "b", "semantic": "made.up"},          # not in the registry: rules
                               "email": {"name": "email", "semantic": "none"}})
    _semantic(t, spec, Settings(), answers)
    by = {c["name"]: c for c in spec["columns"]}
    assert by["a"]["semantic"] == "address.city" and by["email"]["semantic"] == "person.email"
    assert by["a"]["kind"] == by["email"]["kind"] == "pool"       # a person with an address: one pool
    assert "semantic" not in by["b"] and by["b"]["kind"] == "text"
    assert spec["pools"]["person"]["columns"] == ["a", "email"]


def test_pools_are_the_same_in_another_process_whatever_was_drawn_before():
    """The library's generators are cached per process: a pool must not depend on what was drawn before it,
    nor on the process's string hashing."""
    import os
    import subprocess
    import sys
    code = ("import json, hashlib, fastgen_duckdb as fg; from fastgen_duckdb import semantic as s; "
            "{warm}con = fg.connect(); fg.infer(con, {ddl!r}); "
            "print(hashlib.sha256(json.dumps(fg.spec(con, 'customers'), sort_keys=True).encode()).hexdigest())")
    out = set()
    for seed, warm in (("1", ""), ("2", "s.draw_rows(['text.sentence', 'person.email', 'address.city'], 'de_DE', 9, 300); ")):
        run = subprocess.run([sys.executable, "-c", code.format(warm=warm, ddl=CUSTOMERS)], capture_output=True,
                             text=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        out.add(run.stdout.strip())
    assert len(out) == 1


def test_paragraphs_from_ddl_join_whole_sentences_at_random_and_cut_at_whole_words(con):
    """A description from DDL alone is the locale's sentences joined at random, each whole (so it reads as
    written), not one of a few dozen paragraphs; a comment stays one whole sentence; past VARCHAR(n) a paragraph
    stops at its last whole word."""
    fg.infer(con, "CREATE TABLE notes (id INTEGER PRIMARY KEY, comment VARCHAR NOT NULL, description VARCHAR(400) NOT NULL,"
                  " body TEXT NOT NULL)")
    cols = {c["name"]: c for c in fg.spec(con, "notes")["columns"]}
    assert cols["description"]["semantic"] == "text.paragraph" and cols["description"]["method"] == "words"
    assert cols["comment"]["semantic"] == "text.sentence" and cols["comment"]["method"] == "words"
    sentences = {s for (s,) in semantic.draw_rows(["text.sentence"], "en_US", 1)}
    words = {w for s in sentences for w in s.split()}
    drawn = con.execute("SELECT comment, description, body FROM fastgen_sample('notes', 2000)").fetchall()
    # an English comment: adjective, noun, verb and object in a grammar, rarely twice in 2,000 rows
    assert all(re.fullmatch(r"(The|An?) [a-z]+ [a-z]+ [a-z]+ (the|an?) [a-z]+\.", r[0]) for r in drawn)
    assert len({r[0] for r in drawn}) > 1990
    assert not any(is_profanity(w) for r in drawn for w in r[0].rstrip(".").split())
    assert len({r[2] for r in drawn}) > 10 * len(sentences)     # more paragraphs than the locale has sentences
    assert all(any(r[2].startswith(s) for s in sentences) and r[2].endswith((".", "!", "?", '"')) for r in drawn)
    spec = fg.spec(con, "notes")   # a shorter declared length: cut after the last whole word that fits
    next(c for c in spec["columns"] if c["name"] == "description")["max_length"] = 150
    fg.import_spec(con, spec, replace=True)
    cut = [r[0] for r in con.execute("SELECT description FROM fastgen_sample('notes', 2000)").fetchall()]
    assert max(len(v) for v in cut) <= 150 < max(len(r[1]) for r in drawn)
    assert all(w in words for v in cut for w in v.split()), "a word was cut"


def _locale(country: str) -> str:
    import pycountry
    code = pycountry.countries.lookup(country).alpha_2
    return next(loc for loc, v in semantic.LOCALES.items() if v[1] == code)


def _cities(loc: str) -> set:
    return set(semantic._generic(semantic.LOCALES[loc][0], 0).address._dataset["city"])


def test_columns_of_one_entity_agree_with_the_country_their_foreign_key_references(con):
    """Across a foreign key (issue 15): a warehouse's city lies in the country its country_id references (a fixed
    list of countries), a contact's mobile has the prefix of its company's country (a contact table with no country
    of its own takes its company's locales), an account's currency is its client's country's; a table whose DDL
    names its locale (clients in Portugal) keeps it rather than follow a US shop."""
    fg.infer_all(con, ACROSS)
    con.execute("ATTACH ':memory:' AS out")
    fg.generate(con, fg.spec(con, "warehouses")["schema"], scale=2.0, into="out")
    found = con.execute("SELECT w.city, c.name FROM out.warehouses w JOIN out.countries c USING (country_id) "
                        "WHERE w.city IS NOT NULL").fetchall()
    assert len(found) > 1500 and all(city in _cities(_locale(country)) for city, country in found)
    assert len({country for _, country in found}) >= 5           # warehouses in several countries, not one
    pairs = con.execute("SELECT k.mobile, c.billing_country FROM out.contacts k JOIN out.companies c USING (company_id) "
                        "WHERE k.mobile IS NOT NULL AND c.billing_country IS NOT NULL").fetchall()
    assert len(pairs) > 1000 and len({country for _, country in pairs}) >= 5
    assert all(mobile.startswith(f"+{semantic.LOCALES[_locale(country)][3]} ") for mobile, country in pairs)
    accounts = con.execute("SELECT a.currency, c.country FROM out.accounts a JOIN out.clients c USING (client_id) "
                           "WHERE a.currency IS NOT NULL AND c.country IS NOT NULL").fetchall()
    assert accounts and {country for _, country in accounts} == {"Portugal"} and {x for x, _ in accounts} == {"EUR"}
    assert not fg.spec(con, "clients")["pools"]["person"].get("follows")
    warehouses = fg.spec(con, "warehouses")
    by_pool = next(c for c in warehouses["columns"] if c["name"] == "country_id")["by_pool"]
    assert set(by_pool["rows"]) == set(warehouses["pools"][by_pool["pool"]]["countries"])
