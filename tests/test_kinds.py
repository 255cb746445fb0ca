"""Each column kind is inferred from data and reproduced, checked against the source with tolerances from n."""
import re

import numpy as np
import pytest

import fastgen_duckdb as fg
from conftest import ks_statistic, ks_tolerance, shares, tvd, tvd_tolerance
from data import make_people, u

N_SOURCE, N_SYNTH = 20_000, 30_000


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    con = fg.connect(str(tmp_path_factory.mktemp("kinds") / "people.duckdb"))
    make_people(con, N_SOURCE)
    fg.infer(con, "people")
    con.execute(f"CREATE TABLE synth AS FROM fastgen_sample('people', {N_SYNTH}, seed := 3)")
    yield con
    con.close()


def column(con, table, expr, where="true"):
    """Values of a column (a plain name) or of an SQL expression over the table."""
    expr = f'"{expr}"' if expr.isidentifier() else expr
    return [r[0] for r in con.execute(f"SELECT {expr} FROM {table} WHERE {where}").fetchall()]


def kinds(con):
    return {c["name"]: c for c in fg.spec(con, "people")["columns"]}


def test_inferred_kinds(people):
    got = {name: (c["kind"], c.get("method")) for name, c in kinds(people).items()}
    assert got == {
        "person_id": ("key", None), "customer_code": ("key", None), "age": ("numeric", None),
        "income": ("numeric", None), "score": ("numeric", None), "plan": ("categorical", None),
        "city": ("categorical", None), "churned": ("boolean", None), "signup_date": ("datetime", None),
        "last_login": ("datetime", None), "ticket": ("text", "pattern"), "schema_version": ("constant", None),
        "never_set": ("constant", None), "review": ("text", "words")}


@pytest.mark.parametrize("col", ["age", "income", "score"])
def test_numeric_marginals(people, col):
    real, synth = column(people, "people", col, f"{col} IS NOT NULL"), column(people, "synth", col, f"{col} IS NOT NULL")
    assert ks_statistic(real, synth) < ks_tolerance(len(real), len(synth))
    assert min(real) <= min(synth) and max(synth) <= max(real)  # bounds respected


def test_numeric_types_keep_their_grain(people):
    ages, incomes = column(people, "synth", "age", "age IS NOT NULL"), column(people, "synth", "income")
    assert all(isinstance(a, int) for a in ages)
    assert all(round(float(x), 2) == float(x) for x in incomes)
    # heavy right tail survives: the 99th percentile is far above the median, as in the source
    real = np.array([float(x) for x in column(people, "people", "income")])
    synth = np.array([float(x) for x in incomes])
    assert abs(np.quantile(synth, 0.99) / np.quantile(real, 0.99) - 1) < 0.15


def test_null_fraction(people):
    n_null = people.execute("SELECT count(*) FILTER (age IS NULL) FROM synth").fetchall()[0][0]
    p = people.execute("SELECT avg((age IS NULL)::INT) FROM people").fetchall()[0][0]
    assert abs(n_null / N_SYNTH - p) < 4 * np.sqrt(p * (1 - p) / N_SYNTH) + 4 * np.sqrt(p * (1 - p) / N_SOURCE)


@pytest.mark.parametrize("col", ["plan", "city", "churned"])
def test_categorical_shares(people, col):
    real, synth = shares(people, f"SELECT {col} FROM people"), shares(people, f"SELECT {col} FROM synth")
    assert set(synth) <= set(real)
    assert tvd(real, synth) < tvd_tolerance(len(real), N_SOURCE, N_SYNTH)


def test_datetimes(people):
    for as_number in ("epoch_us(signup_date::TIMESTAMP) // 86400000000", "epoch(last_login)"):
        real, synth = column(people, "people", as_number), column(people, "synth", as_number)
        assert ks_statistic(real, synth) < ks_tolerance(len(real), len(synth))
        assert min(real) <= min(synth) and max(synth) <= max(real)
    assert kinds(people)["last_login"]["granularity"] == "second"
    assert people.execute("SELECT count(*) FROM synth WHERE epoch_us(last_login) % 1000000 <> 0").fetchall()[0][0] == 0


def test_keys_are_unique_at_any_n_and_start(people):
    people.execute("CREATE TABLE big AS FROM fastgen_sample('people', 2500000, start := 123456789)")
    row = people.execute("SELECT count(*), count(DISTINCT person_id), count(DISTINCT customer_code) FROM big").fetchall()[0]
    assert row == (2_500_000, 2_500_000, 2_500_000)
    codes = column(people, "synth", "customer_code", "true LIMIT 100")
    assert all(re.fullmatch(r"CUST-\d{7,}", c) for c in codes)
    # sequential where the source is sequential: same start and step
    assert sorted(column(people, "synth", "person_id"))[:3] == [1, 2, 3]


def test_pattern_text_follows_the_shape(people):
    tickets = column(people, "synth", "ticket")
    assert all(re.fullmatch(r"\d{3}-[A-Z][ABC]", t) for t in tickets)
    assert len(set(tickets)) > 0.5 * len(set(column(people, "people", "ticket")))


def test_pattern_positions_are_independent(con):
    # positions 1-10 and 11-20 come from two hash streams; DuckDB's hash only XORs its last argument in, so
    # streams told apart by that argument alone would tie position 11 to position 1 (at most 64 pairs of 100)
    fg.import_spec(con, {"fastgen_spec": 1, "name": "codes", "columns": [
        {"name": "code", "type": "VARCHAR", "kind": "text", "method": "pattern", "positions": ["0123456789"] * 12}]})
    pairs = con.execute("""SELECT count(DISTINCT (code[1], code[11])), count(DISTINCT (code[2], code[12]))
                           FROM fastgen_sample('codes', 20000)""").fetchall()[0]
    assert pairs == (100, 100)


def test_short_codes_of_several_shapes_are_drawn_position_by_position(con):
    # airport-like codes: 3 letters, or a digit then 2 letters, a few of 4 characters; 2,000 of 26^3 + 10 * 26^2
    con.execute(f"""CREATE TABLE airports AS SELECT CASE WHEN {u(1)} < 0.2 THEN (floor(10 * {u(2)}))::INT::VARCHAR
                                                        ELSE chr(65 + floor(26 * {u(2)})::INT) END
                    || chr(65 + floor(26 * {u(3)})::INT) || chr(65 + floor(26 * {u(4)})::INT)
                    || CASE WHEN {u(5)} < 0.02 THEN 'X' ELSE '' END AS code FROM range(2000) t(i)""")
    fg.infer(con, "airports")
    real = set(column(con, "airports", "code"))
    synth = column(con, "fastgen_sample('airports', 20000)", "code")
    assert all(re.fullmatch(r"[A-Z0-9][A-Z]{2}X?", c) for c in synth)
    coverage = len(real) / (26 ** 3 + 10 * 26 ** 2)   # chance that a code drawn at random is a real one
    assert sum(c in real for c in synth) / len(synth) < coverage + 0.05


def test_constants(people):
    assert people.execute("SELECT DISTINCT schema_version FROM synth").fetchall() == [("v2",)]
    assert people.execute("SELECT count(never_set) FROM synth").fetchall()[0][0] == 0


def test_free_text_is_diverse_realistic_and_not_copied(people):
    real = set(column(people, "people", "review"))
    synth = column(people, "synth", "review")
    copied = sum(s in real for s in synth) / len(synth)
    vocabulary = {w for t in real for w in t.split()}
    assert all(set(s.split()) <= vocabulary for s in synth)
    real_len = [len(t) for t in column(people, "people", "review")]
    assert abs(np.mean([len(s) for s in synth]) - np.mean(real_len)) < 0.05 * np.mean(real_len)
    assert len(set(synth)) / len(synth) > 0.5 * len(real) / N_SOURCE
    # some copies happen because the source's own phrases repeat; far fewer than resampling (100%)
    assert copied < 0.5


def test_shuffled_keys_stay_shuffled_and_unique(con):
    # ids handed out at random: the table's rows are in no key order
    con.execute("CREATE TABLE shuffled AS SELECT range + 1 AS ticket_id FROM range(3000) ORDER BY hash(range)")
    con.execute("CREATE TABLE ordered AS SELECT 10 + 3 * i AS ticket_no FROM range(3000) t(i)")
    fg.infer(con, "shuffled")
    fg.infer(con, "ordered")
    shuffled = fg.spec(con, "shuffled")["columns"][0]
    assert shuffled["kind"] == "key" and shuffled["shuffle"] == 4096
    assert "shuffle" not in fg.spec(con, "ordered")["columns"][0]
    ids = [r[0] for r in con.execute("SELECT ticket_id FROM fastgen_sample('shuffled', 200000, start := 7)").fetchall()]
    assert len(set(ids)) == len(ids) and ids != sorted(ids)
    first = [r[0] for r in con.execute("SELECT ticket_id FROM fastgen_sample('shuffled', 4096)").fetchall()]
    assert sorted(first) == list(range(1, 4097))  # a permutation of the source's key range


def test_unique_codes_without_a_number_become_keys_written_in_their_characters(con):
    """TPC-DS-like business ids ('AAAAAAAABAAAAAAA': a row number in letters A-P): drawn position by position
    they would repeat (3,000 codes, a few dozen characters in all); as a key they are unique at any n, in the
    data's shape. A unique phone number has room enough position by position, and stays drawn so."""
    con.execute("""CREATE TABLE accounts AS SELECT 'AAAAAAAA' || chr((65 + (i & 15))::INT) || chr((65 + ((i >> 4) & 15))::INT)
                          || chr((65 + ((i >> 8) & 15))::INT) || 'AAAAA' AS account_id,
                          printf('%02d-%03d-%03d-%04d', 10 + i % 25, hash(i, 1) % 1000, hash(i, 2) % 1000, i) AS phone,
                          i % 7 AS tier
                   FROM range(1, 3001) t(i)""")
    fg.infer(con, "accounts")
    cols = {c["name"]: c for c in fg.spec(con, "accounts")["columns"]}
    assert cols["account_id"]["kind"] == "key" and len(cols["account_id"]["format"]["alphabets"]) == 16
    assert cols["phone"]["kind"] == "text"
    n = 500_000
    got = con.execute(f"""SELECT count(DISTINCT account_id), bool_and(regexp_full_match(account_id, 'AAAAAAAA[A-Z]{{8}}'))
                          FROM fastgen_sample('accounts', {n})""").fetchall()[0]
    assert got == (n, True)
    whole = con.execute("SELECT account_id FROM fastgen_sample('accounts', 1000) OFFSET 600").fetchall()
    assert con.execute("SELECT account_id FROM fastgen_sample('accounts', 400, start := 600)").fetchall() == whole


def test_a_code_key_with_too_few_characters_says_so(con):
    spec = {"fastgen_spec": 1, "name": "tiny", "source_rows": 6,
            "columns": [{"name": "code", "type": "VARCHAR", "kind": "key", "start": 0, "step": 1,
                         "format": {"alphabets": ["X", "AB", "012"], "order": [2, 1]}}]}
    fg.import_spec(con, spec)
    assert sorted(r[0] for r in con.execute("SELECT code FROM fastgen_sample('tiny', 6)").fetchall()) == \
        ["XA0", "XA1", "XA2", "XB0", "XB1", "XB2"]
    with pytest.raises(Exception, match="keys for rows 0..5 only.*format.alphabets"):
        con.execute("SELECT code FROM fastgen_sample('tiny', 7)").fetchall()
    with pytest.raises(fg.SpecError, match="format.order"):
        fg.import_spec(con, {**spec, "columns": [{**spec["columns"][0], "format": {"alphabets": ["X", "AB"], "order": []}}]})


@pytest.mark.parametrize("nulls", [0, 30])
@pytest.mark.parametrize("type_, digits", [("DOUBLE", 0), ("DOUBLE", 1), ("DECIMAL(12,3)", 2)])
def test_numbers_keep_their_decimals_beside_nulls(con, type_, digits, nulls):
    """A DOUBLE of whole numbers or of one decimal, a DECIMAL(12,3) holding two: the spec says so and every drawn
    value has no more decimals, NULLs in the column or not (NULLs once made every such column unrounded)."""
    con.execute(f"CREATE TABLE t AS SELECT CASE WHEN hash(i, 'n') % 100 >= {nulls} THEN "
                f"(round((hash(i) % 10 ^ 9) / 1000.0, {digits}))::{type_} END AS x FROM range(3000) t(i)")
    fg.infer(con, "t")
    assert fg.spec(con, "t")["columns"][0]["round"] == digits
    off = con.execute(f"SELECT count(*) FILTER (WHERE abs(x * 10 ^ {digits} - round(x * 10 ^ {digits})) > 1e-6), "
                      "count(x) FROM fastgen_sample('t', 5000)").fetchall()[0]
    assert off[0] == 0 and off[1] > 3000


@pytest.mark.parametrize("type_, origin", [("TIMESTAMP", "0070-01-01 00:00:00.000003"),
                                           ("TIMESTAMP", "9800-01-01 00:00:00.000001"),
                                           ("TIMESTAMPTZ", "9800-01-01 00:00:00.000001+00"),
                                           ("TIMESTAMPTZ", "2021-06-01 20:01:51.000007+00")])
def test_times_far_from_1970_stay_within_the_data(con, type_, origin):
    """Microseconds far from 1970 do not fit a DOUBLE (32 of them round together in year 9800): the drawn times
    still lie within the data's first and last, to the microsecond, and a TIMESTAMPTZ is not rounded through
    DOUBLE seconds."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE TABLE t AS SELECT {type_} '{origin}' + to_microseconds((hash(i) % 5000)::BIGINT) AS x "
                "FROM range(800) t(i)")
    fg.infer(con, "t")
    lo, hi = con.execute("SELECT min(x), max(x) FROM t").fetchall()[0] if type_ == "TIMESTAMP" else \
        con.execute("SELECT min(epoch_us(x)), max(epoch_us(x)) FROM t").fetchall()[0]
    got = con.execute("SELECT min(x), max(x), count(DISTINCT x) FROM fastgen_sample('t', 20000)").fetchall()[0] \
        if type_ == "TIMESTAMP" else con.execute("SELECT min(epoch_us(x)), max(epoch_us(x)), count(DISTINCT x) "
                                                 "FROM fastgen_sample('t', 20000)").fetchall()[0]
    assert lo <= got[0] and got[1] <= hi and got[2] > 100


def test_integers_past_2_to_the_53_stay_within_the_data(con):
    """UHUGEINTs near 2^128 (a DOUBLE holds none of them exactly, and 300 of them are one DOUBLE) and BIGINTs near
    both ends of their type: learned without error, and every drawn value within the data's own first and last."""
    con.execute("CREATE TABLE u AS SELECT CAST('340282366920938463463374607431768211000' AS UHUGEINT) + "
                "(hash(i) % 300)::UHUGEINT AS huge, (9223372036854775000 + hash(i) % 500)::BIGINT AS high, "
                "(-9223372036854775000 + (hash(i, 2) % 500) * 2)::BIGINT AS low FROM range(300) t(i)")
    fg.infer(con, "u")
    inside = " AND ".join(f"min({c}) >= (SELECT min({c}) FROM u) AND max({c}) <= (SELECT max({c}) FROM u)"
                          for c in ("huge", "high", "low"))
    assert con.execute(f"SELECT {inside} FROM fastgen_sample('u', 5000)").fetchall() == [(True,)]
