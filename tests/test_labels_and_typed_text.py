"""Text columns that hold typed values come out valid, written as the source writes them; labels are kept
k-anonymously (values seen at least min_count times), the rest synthesized, never copied."""
import json
import math
import re
from collections import Counter

import numpy as np
import pytest

import fastgen_duckdb as fg
from conftest import ks_statistic, ks_tolerance
from data import TEMPLATED, WRITTEN, brands_on_items, check_written, codes_on_lines, make_templated, make_written

N = 50_000


@pytest.fixture
def typed(con):
    con.execute("""CREATE TABLE typed AS SELECT
        (DATE '2001-01-01' + (hash(i) % 3000)::INTEGER)::VARCHAR AS iso_day,
        strftime(TIMESTAMP '2020-01-01' + to_seconds((hash(i, 1) % 30000000)::BIGINT), '%Y-%m-%dT%H:%M:%S') AS stamp,
        strftime(DATE '2010-01-01' + (hash(i, 2) % 2000)::INTEGER, '%-m/%-d/%Y') AS us_day,
        strftime(DATE '2010-01-01' + (hash(i, 3) % 2000)::INTEGER, '%d.%m.%Y') AS eu_day,
        strftime(DATE '2010-01-01' + (hash(i, 9) % 2000)::INTEGER, '%-d %B %Y') AS long_day,
        strftime(TIMESTAMP '2020-01-01' + to_minutes((hash(i, 10) % 1440)::BIGINT), '%-I:%M %p') AS clock,
        ((hash(i, 4) % 100000) / 100)::DECIMAL(10, 2)::VARCHAR AS price,
        (hash(i, 5) % 700)::VARCHAR AS count_text,
        CASE WHEN hash(i, 6) % 10 = 0 THEN NULL ELSE ((hash(i, 7) % 100000) / 1024.0)::DOUBLE::VARCHAR END AS ratio,
        'v' || (hash(i, 8) % 300)::VARCHAR AS not_a_number
        FROM range(8000) t(i)""")
    fg.infer(con, "typed")
    return con


FORMATS = {"iso_day": "TRY_CAST({c} AS DATE)", "stamp": "try_strptime({c}, '%Y-%m-%dT%H:%M:%S')",
           "us_day": "try_strptime({c}, '%-m/%-d/%Y')", "eu_day": "try_strptime({c}, '%d.%m.%Y')",
           "long_day": "try_strptime({c}, '%-d %B %Y')", "clock": "try_strptime({c}, '%-I:%M %p')",
           "price": "TRY_CAST({c} AS DECIMAL(10, 2))", "count_text": "TRY_CAST({c} AS INTEGER)",
           "ratio": "TRY_CAST({c} AS DOUBLE)"}


def test_text_holding_dates_and_numbers_is_drawn_as_them_and_written_back_alike(typed):
    con = typed
    cols = {c["name"]: c for c in fg.spec(con, "typed")["columns"]}
    assert {n: (c.get("parsed"), c.get("format")) for n, c in cols.items() if n != "not_a_number"} == {
        "iso_day": ("DATE", None), "stamp": ("TIMESTAMP", "%Y-%m-%dT%H:%M:%S"), "us_day": ("DATE", "%-m/%-d/%Y"),
        "eu_day": ("DATE", "%d.%m.%Y"), "long_day": ("DATE", "%-d %B %Y"), "clock": ("TIMESTAMP", "%-I:%M %p"),
        "price": ("DECIMAL(18,2)", None), "count_text": ("BIGINT", None), "ratio": ("DOUBLE", None)}
    assert "parsed" not in cols["not_a_number"]
    assert all(c["type"] == "VARCHAR" for c in cols.values())
    synth = f"fastgen_sample('typed', {N}, seed := 3)"
    assert {r[1] for r in con.execute(f"DESCRIBE FROM {synth}").fetchall()} == {"VARCHAR"}
    for name, parse in FORMATS.items():
        parsed = parse.format(c=name)
        bad, nulls = con.execute(f"SELECT count(*) FILTER (WHERE {name} IS NOT NULL AND {parsed} IS NULL), "
                                 f"count(*) FILTER (WHERE {name} IS NULL) FROM {synth}").fetchall()[0]
        assert bad == 0, f"{name}: {bad} values do not parse as the source writes them"
        # written exactly as the source writes its values: parsing and formatting again changes nothing
        if name in ("price", "count_text", "iso_day"):
            assert con.execute(f"SELECT count(*) FILTER (WHERE {parsed}::VARCHAR <> {name}) FROM {synth}").fetchall()[0][0] == 0
        expected_nulls = 0.1 if name == "ratio" else 0.0
        assert abs(nulls / N - expected_nulls) < 4 * math.sqrt(0.1 * 0.9 / N) + 0.01
    # the distributions are the source's (KS on the parsed values)
    for name in ("iso_day", "us_day", "long_day", "clock", "price", "count_text"):
        number = f"epoch({FORMATS[name].format(c=name)})" if "day" in name or name == "clock" else f"({FORMATS[name].format(c=name)})::DOUBLE"
        real = np.array(con.execute(f"SELECT {number} FROM typed").fetchall(), float)[:, 0]
        fake = np.array(con.execute(f"SELECT {number} FROM {synth}").fetchall(), float)[:, 0]
        assert ks_statistic(real, fake) < ks_tolerance(len(real), len(fake)), name


def test_a_parsed_column_edits_and_imports_like_any_other(typed):
    con = typed
    spec = fg.spec(con, "typed")
    col = next(c for c in spec["columns"] if c["name"] == "us_day")
    col["format"] = "%Y/%m/%d"
    fg.import_spec(con, spec)
    assert con.execute("SELECT count(*) FILTER (WHERE try_strptime(us_day, '%Y/%m/%d') IS NULL) "
                       "FROM fastgen_sample('typed', 1000)").fetchall()[0][0] == 0
    col["parsed"] = "BLOB"
    with pytest.raises(fg.SpecError, match="'parsed'.*us_day|us_day.*'parsed'"):
        fg.import_spec(con, spec)


def test_numbers_and_timestamps_written_with_separators_signs_and_offsets_come_out_valid(con):
    make_written(con)
    fg.infer(con, "written")
    cols = {c["name"]: c for c in fg.spec(con, "written")["columns"]}
    assert {n: (c.get("parsed"), c.get("format")) for n, c in cols.items()} == {
        "grouped": ("BIGINT", "#,##0"), "eu": ("DECIMAL(18,2)", "#.##0,00"), "price": ("DECIMAL(18,2)", "#,##0.00"),
        "share": ("DECIMAL(18,1)", None), "stamp": ("TIMESTAMP", "%Y-%m-%dT%H:%M:%S"),
        "ms": ("TIMESTAMP", "%Y-%m-%dT%H:%M:%S.%g"), "ip": (None, None), "payload": (None, None),
        "long_day": ("DATE", "%-d %B %Y"), "clock": ("TIMESTAMP", "%-I:%M %p"),
        "mailed": ("TIMESTAMP", "%a, %d %b %Y %H:%M:%S"), "trimmed": ("DECIMAL(18,2)", "0.##"),
        "marked": ("DECIMAL(18,1)", None)}
    # markers of a missing value, each with its count, and NULL with its own
    assert dict(zip(cols["marked"]["markers"]["values"], cols["marked"]["markers"]["weights"])).keys() == {"NA", "-", None}
    assert (cols["ip"]["written"], cols["payload"]["method"]) == ("ipv6", "members")
    assert sorted(map(tuple, cols["price"]["affixes"]["values"])) == [("$", ""), ("USD ", ""), ("€", "")]
    assert cols["share"]["affixes"] == {"values": [["", " %"]], "weights": [6000]}
    synth = con.execute(f"FROM fastgen_sample('written', {N}, seed := 5)").fetchall()
    names = list(WRITTEN)
    check_written(synth, names)
    real = con.execute("FROM written").fetchall()
    for j, name in enumerate(names[:6]):   # drawn as the numbers and instants they are
        read = WRITTEN[name][1]
        a, b = np.array([read(r[j]) for r in real]), np.array([read(r[j]) for r in synth])
        assert ks_statistic(a, b) < ks_tolerance(len(a), len(b)), name
    # prefixes and offsets in the source's shares: '$' in half the prices, each offset in a quarter of the stamps
    n = len(synth)
    j = names.index("marked")   # and each marker in its share: 'NA', '-' and NULL a tenth each
    for marker, share in (("NA", 0.1), ("-", 0.1), (None, 0.1)):
        seen = sum(1 for r in synth if r[j] == marker) / n
        assert abs(seen - share) < 4 * math.sqrt(share * (1 - share) / n) + 0.01, (marker, seen)
    for j, start, share in ((2, "$", 0.5), (4, "Z", 0.25)):
        seen = sum(1 for r in synth if (r[j].startswith(start) if j == 2 else r[j].endswith(start))) / n
        assert abs(seen - share) < 4 * math.sqrt(share * (1 - share) / n) + 0.02, (names[j], seen)
    # addresses in their networks' shares, a network's run of 0 groups written '::' as the source does
    for prefix, share in (("2001:db8::", 0.2), ("fe80::", 0.8)):
        seen = sum(1 for r in synth if r[6].startswith(prefix)) / n
        assert abs(seen - share) < 4 * math.sqrt(share * (1 - share) / n) + 0.02, (prefix, seen)


def test_texts_in_one_template_of_numbers_come_out_in_it(con):
    make_templated(con)
    fg.infer(con, "templated")
    cols = {c["name"]: c for c in fg.spec(con, "templated")["columns"]}
    for name in TEMPLATED:   # a pool per number: its separator before it and its digits as seen
        assert cols[name]["method"] == "words" and "field by field" in cols[name]["note"], name
    # the signs a pool of their own; a network's first numbers one piece, as they take few values together
    assert [len(cols[n]["pieces"]) for n in TEMPLATED] == [3, 3, 2, 2, 3, 3]
    assert "field by field" not in cols["sentence"].get("note", "")   # words between the numbers: no template
    synth = con.execute(f"SELECT {', '.join(TEMPLATED)} FROM fastgen_sample('templated', {N}, seed := 3)").fetchall()
    real = con.execute(f"SELECT {', '.join(TEMPLATED)} FROM templated").fetchall()
    for j, (name, pattern) in enumerate(TEMPLATED.items()):
        bad = [r[j] for r in synth if not re.fullmatch(pattern, r[j])]
        assert not bad, (name, bad[:5])
    # a range's low end never above its high end, as in every source range
    assert cols["span"]["ordered"] == [0, 1] and "ordered" not in cols["version"]
    assert all(int(lo) <= int(hi) for lo, hi in (r[2].split("-") for r in synth))
    # each number in its place keeps its distribution: the major version, the sign
    n = len(synth)
    for j, read in ((0, lambda v: v[:2]), (1, lambda v: v[0])):
        seen, want = Counter(read(r[j]) for r in synth), Counter(read(r[j]) for r in real)
        for value, count in want.items():
            share = count / len(real)
            assert abs(seen[value] / n - share) < 4 * math.sqrt(share * (1 - share) / n) + 0.02, (j, value)


def test_lists_of_items_come_out_as_lists_of_items_seen_each_once(con):
    make_templated(con)
    fg.infer(con, "templated")
    cols = {c["name"]: c for c in fg.spec(con, "templated")["columns"]}
    assert (cols["genres"]["written"], cols["genres"]["separator"]) == ("items", "|")
    assert "written" not in cols["remark"]   # clauses between commas, each its own: no list
    real = [v.split("|") for (v,) in con.execute("SELECT genres FROM templated").fetchall()]
    synth = [v.split("|") for (v,) in con.execute(f"SELECT genres FROM fastgen_sample('templated', {N})").fetchall()]
    vocabulary = Counter(i for x in real for i in x)
    assert vocabulary["Zarzuela"] == 3   # seen fewer than k = 5 times: never drawn
    assert all(len(x) == len(set(x)) and all(vocabulary[i] >= 5 for i in x) for x in synth)
    drawn = Counter(i for x in synth for i in x)
    items, total = sum(drawn.values()), sum(vocabulary.values())
    for item, count in vocabulary.items():   # each item in its share of all items
        share = count / total
        assert abs(drawn[item] / items - share) < 4 * math.sqrt(share / items) + 0.01, item
    lengths = Counter(map(len, real))   # as long as the source's lists, in their shares
    for length, count in lengths.items():
        share, seen = count / len(real), sum(1 for x in synth if len(x) == length) / len(synth)
        assert abs(seen - share) < 4 * math.sqrt(share * (1 - share) / len(real)) + 0.01, (length, seen, share)
    # JSON arrays, empty ones too: each an array of numbers seen, each once
    assert cols["scores"]["around"] == ["[", "]"] and cols["scores"]["separator"] == ", "
    arrays = [json.loads(v) for (v,) in con.execute(f"SELECT scores FROM fastgen_sample('templated', {N})").fetchall()]
    assert all(len(set(a)) == len(a) and all(0 <= x < 40 for x in a) for a in arrays)
    assert abs(sum(1 for a in arrays if not a) / N - 1 / 6) < 0.02   # [] in a sixth of the rows, as in the source


def test_a_written_number_s_format_is_edited_or_refused_in_the_caller_s_terms(con):
    make_written(con, 1000)
    fg.infer(con, "written")
    spec = fg.spec(con, "written")
    col = next(c for c in spec["columns"] if c["name"] == "grouped")
    col["format"] = "# ##0"
    fg.import_spec(con, spec)
    values = [v for (v,) in con.execute("SELECT grouped FROM fastgen_sample('written', 2000)").fetchall()]
    assert all(re.fullmatch(r"-?\d{1,3}( \d{3})*", v) for v in values) and any(" " in v for v in values)
    col["format"] = "#,##0.00"
    with pytest.raises(fg.SpecError, match="grouped.*'format'.*decimals"):
        fg.import_spec(con, spec)
    col["format"], col["affixes"] = "#,##0", {"values": [["$"]], "weights": [1]}
    with pytest.raises(fg.SpecError, match="grouped.*'affixes'"):
        fg.import_spec(con, spec)
    del col["affixes"]
    marked = next(c for c in spec["columns"] if c["name"] == "marked")
    marked["markers"] = {"values": ["n/a", None], "weights": [1, 0]}
    with pytest.raises(fg.SpecError, match="marked.*'markers'"):
        fg.import_spec(con, spec)
    marked["markers"]["weights"] = [3, 1]   # edited: a missing value written 'n/a' three times in four
    fg.import_spec(con, spec)
    values = [v for (v,) in con.execute("SELECT marked FROM fastgen_sample('written', 4000)").fetchall()]
    assert {v for v in values if v is None or not v[0].isdigit()} == {"n/a", None}
    assert values.count("n/a") > 2 * values.count(None)
    del marked["parsed"]
    with pytest.raises(fg.SpecError, match="marked.*'markers'.*'parsed'"):
        fg.import_spec(con, spec)


@pytest.fixture
def pets(con):
    """Pet names: 10 common ones in 40% of rows, the rest unique-ish tags; and a city list with a few rare."""
    con.execute("""CREATE TABLE pets AS SELECT
        CASE WHEN hash(i, 1) % 10 < 4 THEN ['Rex', 'Bella', 'Max', 'Luna', 'Charlie', 'Daisy', 'Rocky', 'Molly',
             'Buddy', 'Lucy'][(1 + hash(i, 2) % 10)::INTEGER] ELSE 'Tag' || (hash(i, 3) % 1000000)::VARCHAR END AS pet,
        CASE WHEN i < 30 THEN 'Rare' || i::VARCHAR ELSE 'City' || (hash(i, 4) % 60)::VARCHAR END AS city
        FROM range(6000) t(i)""")
    fg.infer(con, "pets")
    return con


def test_labels_seen_k_times_are_kept_and_rarer_ones_never_copied(pets):
    con = pets
    cols = {c["name"]: c for c in fg.spec(con, "pets")["columns"]}
    pet = cols["pet"]
    assert pet["kind"] == "text" and pet["frequent"]["min_count"] == 5
    assert set(pet["frequent"]["values"]) == {"Rex", "Bella", "Max", "Luna", "Charlie", "Daisy", "Rocky", "Molly",
                                              "Buddy", "Lucy"}
    real = dict(con.execute("SELECT pet, count(*) / 6000 FROM pets GROUP BY 1").fetchall())
    fake = dict(con.execute(f"SELECT pet, count(*) / {N} FROM fastgen_sample('pets', {N}) GROUP BY 1").fetchall())
    for name in pet["frequent"]["values"]:   # each label keeps its share (binomial noise of both sides)
        p = real[name]
        assert abs(fake.get(name, 0) - p) < 4 * math.sqrt(p * (1 - p) * (1 / 6000 + 1 / N))
    rare = {v for v, share in real.items() if share * 6000 < 5}
    copied = sum(share for v, share in fake.items() if v in rare)
    assert copied <= 0.01                         # rare values (identifying) are synthesized, not copied
    synthesized = sum(share for v, share in fake.items() if v not in real)
    assert abs(synthesized - (1 - sum(real[v] for v in pet["frequent"]["values"]))) < 0.03
    assert con.execute(f"SELECT count(*) FILTER (WHERE pet NOT IN ({', '.join(repr(v) for v in pet['frequent']['values'])}) "
                       f"AND NOT regexp_matches(pet, '^Tag[0-9]+$')) FROM fastgen_sample('pets', {N})").fetchall()[0][0] == 0
    city = cols["city"]   # a category list: the 30 cities seen once are left out, never drawn
    assert city["kind"] == "categorical" and not any(v.startswith("Rare") for v in city["values"])
    assert con.execute(f"SELECT count(*) FILTER (WHERE city LIKE 'Rare%') FROM fastgen_sample('pets', {N})").fetchall()[0][0] == 0
    report = fg.report(con, "pets")
    text = next(t for t in report["text"] if t["column"] == "pet")
    assert text["copied"] <= 0.01
    assert any(c["column"] == "pet" and c["metric"] == "TVComplement" for c in report["columns"])


def test_discrete_numbers_and_dates_keep_their_values_and_frequencies(con):
    """Ages in whole years stored as DOUBLE, a score on a 0.5 grid, monthly dates: each value keeps its share,
    and no value between them is invented (interpolating would spread the mass points)."""
    con.execute("""CREATE TABLE visits AS SELECT
        (20 + hash(i) % 48)::DOUBLE AS age,
        (hash(i, 1) % 81) / 2.0 + 0.25 AS score,
        DATE '2015-01-01' + to_months((hash(i, 2) % 60)::INTEGER) AS month,
        (hash(i, 3) >> 11)::DOUBLE * 1.1102230246251565e-16 AS continuous
        FROM range(5000) t(i)""")
    fg.infer(con, "visits")
    cols = {c["name"]: c for c in fg.spec(con, "visits")["columns"]}
    assert cols["age"].get("steps") and cols["score"].get("steps") and cols["month"].get("steps")
    assert not cols["continuous"].get("steps")
    for name in ("age", "score", "month"):
        real = dict(con.execute(f"SELECT {name}, count(*) / 5000 FROM visits GROUP BY 1").fetchall())
        fake = dict(con.execute(f"SELECT {name}, count(*) / {N} FROM fastgen_sample('visits', {N}) "
                                f"GROUP BY 1").fetchall())
        assert set(fake) <= set(real), f"{name}: values the data never had"
        tvd = 0.5 * sum(abs(real.get(v, 0) - fake.get(v, 0)) for v in set(real) | set(fake))
        # two samples' noise over k values, plus the knots' 1/1025 resolution per value
        assert tvd < 0.5 * math.sqrt(len(real) * (1 / 5000 + 1 / N)) + len(real) / 1025, name


def test_labels_with_many_nulls_still_learn_their_rare_values(con):
    """A NULL seen 5 times or more must not empty the rare values' pool (NOT IN with a NULL is never true)."""
    con.execute("""CREATE TABLE names AS SELECT CASE WHEN i % 8 < 2 THEN NULL WHEN i % 8 = 2 THEN 'Smith'
                   WHEN i % 8 = 3 THEN 'Jones' ELSE 'Name' || i::VARCHAR END AS surname FROM range(2000) t(i)""")
    fg.infer(con, "names")
    col = fg.spec(con, "names")["columns"][0]
    assert col["kind"] == "text" and set(col["frequent"]["values"]) == {"Smith", "Jones"}
    assert con.execute("SELECT count(*) FILTER (WHERE surname LIKE 'Name%'), count(*) FILTER (WHERE surname IS NULL) "
                       "FROM fastgen_sample('names', 4000)").fetchall()[0][0] > 500


def test_a_column_that_is_always_infinite_is_a_constant_infinity(con):
    """Found by the long property profile: a DOUBLE that is inf on every row was refused (JSON has no inf)."""
    con.execute("CREATE TABLE odd AS SELECT 'inf'::DOUBLE AS up, 'nan'::DOUBLE AS nothing, i AS k FROM range(50) t(i)")
    fg.infer(con, "odd")
    assert con.execute("SELECT bool_and(up = 'inf'::DOUBLE), bool_and(isnan(nothing)), count(*) "
                       "FROM fastgen_sample('odd', 100)").fetchall()[0] == (True, True, 100)


def test_more_frequent_labels_than_a_list_holds_leave_the_rest_to_the_text_pools(con):
    """5,000 labels each seen 20 times: the 4,096 most frequent are kept, the others fill the pools (the pools
    were cut to the values seen fewer than 5 times, none here, and the profile failed on an empty list)."""
    con.execute("CREATE TABLE notes AS SELECT 'note ' || (i % 5000)::VARCHAR AS note, i AS v FROM range(100000) t(i)")
    fg.infer(con, "notes")
    col = next(c for c in fg.spec(con, "notes")["columns"] if c["name"] == "note")
    assert len(col["frequent"]["values"]) == 4096 and col["frequent"]["rare"] == (5000 - 4096) * 20
    drawn = con.execute("SELECT count(*), count(DISTINCT note), bool_and(note LIKE 'note %') "
                        "FROM fastgen_sample('notes', 20000)").fetchall()[0]
    assert drawn[0] == 20000 and drawn[1] > 3000 and drawn[2]


def test_a_category_list_whose_rare_values_weigh_keeps_them_all(con):
    """45 states over 400 rows, 15 of them seen under 5 times (6 % of rows): left out, they would cost the
    column's shape those 6 % (a vocabulary's rare members, not identities), so every state is drawn, each with
    its share."""
    con.execute("""CREATE TABLE voters AS SELECT
        CASE WHEN i < 30 THEN 'Rare state ' || (i % 15)::VARCHAR ELSE 'State ' || (hash(i) % 30)::VARCHAR END AS state,
        (hash(i, 1) % 80)::INTEGER AS age FROM range(400) t(i)""")
    fg.infer(con, "voters")
    state = next(c for c in fg.spec(con, "voters")["columns"] if c["name"] == "state")
    real = dict(con.execute("SELECT state, count(*) / 400 FROM voters GROUP BY 1").fetchall())
    assert state["kind"] == "categorical" and set(state["values"]) == set(real) and "min_count" not in state
    fake = dict(con.execute(f"SELECT state, count(*) / {N} FROM fastgen_sample('voters', {N}) GROUP BY 1").fetchall())
    for value, p in real.items():   # the sampler's binomial noise only: the weights are the data's counts
        assert abs(fake.get(value, 0) - p) < 4 * math.sqrt(p * (1 - p) / N) + 1e-9, value


def test_a_list_of_codes_none_of_them_a_label_grows_with_scale(con):
    """300 business keys ('AAAAAAAA' + two letters + 'AAAAAA', as TPC-DS writes them) and their 300 order codes
    ('ORD-00042'), one to four rows each, beside a 6-colour label list. A world 10 times bigger holds 10 times as
    many keys, each as often as a key of the data, written alike and never one of the data's; the colours stay
    six; a key and its order code stay a pair; and any slice of the run is the same rows."""
    codes_on_lines(con)
    rows, ids = con.execute("SELECT count(*), count(DISTINCT item_id) FROM lines").fetchall()[0]
    fg.infer(con, "lines")
    cols = {c["name"]: c for c in fg.spec(con, "lines")["columns"]}
    assert cols["item_id"]["kind"] == cols["order_code"]["kind"] == "categorical"
    assert "alphabets" in cols["item_id"]["grows"]["format"] and cols["order_code"]["grows"]["format"]["prefix"] == "ORD-"
    assert "grows" not in cols["colour"]
    weights = np.array(cols["item_id"]["weights"], float)
    for scale in (1, 10):
        n = rows * scale
        got = con.execute(f"""SELECT count(DISTINCT item_id), count(DISTINCT (item_id, order_code)),
            count(DISTINCT colour), bool_and(regexp_matches(item_id, '^[A-Z]{{16}}$')),
            bool_and(regexp_matches(order_code, '^ORD-[0-9]{{5,}}$')),
            count(*) FILTER (item_id IN (SELECT item_id FROM lines)), count(DISTINCT item_id) FILTER (item_id IN
            (SELECT item_id FROM lines)) FROM fastgen_sample('lines', {n}, scale := {scale})""").fetchall()[0]
        distinct, pairs, colours, ids_ok, codes_ok, old_rows, old_ids = got
        # each of `scale` copies of the list holds each key with its weight: the distinct keys n draws expect
        p = weights / weights.sum() / scale
        expected = scale * float(np.sum(1 - (1 - p) ** n))
        assert abs(distinct - expected) < 4 * math.sqrt(expected), (scale, distinct, expected)
        assert pairs == distinct and colours == 6 and ids_ok and codes_ok
        # the data's own keys: one copy of the list in `scale`, so about n / scale rows, and never a new key
        # written as one of them
        assert abs(old_rows - n / scale) < 4 * math.sqrt(n / scale), (scale, old_rows)
        assert old_ids <= ids
    whole = con.execute("SELECT item_id, order_code FROM fastgen_sample('lines', 6000, scale := 10) "
                        "LIMIT 1000 OFFSET 3000").fetchall()
    part = con.execute("SELECT item_id, order_code FROM fastgen_sample('lines', 1000, start := 3000, scale := 10)").fetchall()
    assert whole == part
    spec = fg.spec(con, "lines")
    code = next(c for c in spec["columns"] if c["name"] == "order_code")
    for broken, says in (({**code["grows"], "copies": 0}, "'grows'"), ({**code["grows"], "format": {"width": 99}}, "text code.s .grows.format.")):
        code["grows"] = broken
        with pytest.raises(fg.SpecError, match=f"column 'order_code'.*{says}"):
            fg.import_spec(con, spec)
    assert con.execute("SELECT count(DISTINCT order_code) FROM fastgen_sample('lines', 3000, scale := 10)").fetchall()[0][0] > 1000


def test_a_sample_of_a_larger_table_grows_its_codes_to_the_tables_count(con):
    """60,000 lines of 3,000 order codes (20 each), profiled from 6,000 of them: the sample holds about 2,600 of
    the codes, so the list counts 3,000 / 2,600 copies at scale 1, and a world 10 times the table holds about
    30,000 codes (12 copies of the list, rounded), not 10 copies of the sample's."""
    con.execute("CREATE TABLE big_lines AS SELECT 'ORD-' || lpad((hash(i, 7) % 3000)::VARCHAR, 6, '0') AS order_code, "
                "(hash(i) % 5)::INTEGER AS qty, i AS line FROM range(60000) t(i)")
    fg.infer(con, "big_lines", rows=6000)
    code = next(c for c in fg.spec(con, "big_lines")["columns"] if c["name"] == "order_code")
    sampled = len(code["values"])
    assert code["grows"]["copies"] == round(3000 / sampled, 6) and sampled < 2800
    drawn = con.execute("SELECT count(DISTINCT order_code) FROM fastgen_sample('big_lines', 600000, scale := 10)").fetchall()[0][0]
    assert abs(drawn - 30000) < 0.1 * 30000, (drawn, sampled)


def test_names_that_end_alike_are_not_rebuilt_from_their_pieces(con):
    """400 county names seen once or twice each, all but a few ending in ' County': cut at the space, a drawn
    name would be a real one whenever its first piece is drawn (86.9% of TPC-DS's counties were). The last word
    is kept apart and the rest cut in its middle: under 1% of drawn names are real ones, and they still end as
    the data's do, in the data's shares."""
    con.execute("""CREATE TABLE counties AS
        WITH stems AS (SELECT upper(stem[1]) || stem[2:] AS stem FROM (SELECT translate(md5(i::VARCHAR)[:5 + i % 5],
            '0123456789', 'aeiourstln') AS stem FROM range(400) t(i)))
        SELECT stem || CASE WHEN hash(stem) % 20 = 0 THEN ' Parish' ELSE ' County' END AS county,
               (hash(stem, k) % 1000)::INTEGER AS population
        FROM stems, range(2) r(k) WHERE k <= (hash(stem, 9) % 2)::INTEGER""")
    fg.infer(con, "counties")
    col = next(c for c in fg.spec(con, "counties")["columns"] if c["name"] == "county")
    assert col["kind"] == "text" and col["note"].startswith("the last word apart"), col.get("note")
    real = {x for (x,) in con.execute("SELECT county FROM counties").fetchall()}
    drawn = [x for (x,) in con.execute(f"SELECT county FROM fastgen_sample('counties', {N})").fetchall()]
    assert sum(x in real for x in drawn) / N < 0.01
    parish = con.execute("SELECT avg((county LIKE '% Parish')::INT) FROM counties").fetchall()[0][0]
    drawn_parish = sum(x.endswith(" Parish") for x in drawn) / N
    assert all(x.endswith((" County", " Parish")) for x in drawn)
    assert abs(drawn_parish - parish) < 4 * math.sqrt(parish * (1 - parish) / N)


def test_synthesized_texts_repeat_as_the_data_s_do_at_any_scale(con):
    """Items whose 960 brands are each on 1 or 2 items (1.5 on average, all synthesized), and a free comment of
    its own on each (data.brands_on_items). Drawn texts repeat as the brands do: a run the table's size holds about
    960 brands; a world 5 times the table more, but fewer than 5 times as many (the brands' vocabulary grows
    slower than the items: test_a_vocabulary_grows_with_the_world_as_the_data_s_does); the comments stay one per
    row. The same rows come in chunks; without `slots`, every brand drawn is new; profiled from a sample, the
    brands are the table's."""
    brands_on_items(con)
    rows, distinct = con.execute("SELECT count(*), count(DISTINCT brand) FROM items").fetchall()[0]
    fg.infer(con, "items")
    cols = {c["name"]: c for c in fg.spec(con, "items")["columns"]}
    assert cols["brand"]["kind"] == "text" and "frequent" not in cols["brand"] and cols["brand"]["slots"] > distinct
    assert cols["comment"]["kind"] == "text" and "slots" not in cols["comment"]
    for scale in (1, 5):
        drawn, comments = con.execute(f"SELECT count(DISTINCT brand), count(DISTINCT comment) "
                                      f"FROM fastgen_sample('items', {rows * scale}, scale := {scale})").fetchall()[0]
        if scale == 1:   # occupied slots: their count varies less than a Poisson count of the same mean
            assert abs(drawn - distinct) < 4 * math.sqrt(distinct), drawn
        else:
            assert 1.2 * distinct < drawn < scale * distinct, (drawn, distinct)
        assert comments > 0.99 * rows * scale
    whole = con.execute("SELECT brand FROM fastgen_sample('items', 3000, seed := 3, scale := 5)").fetchall()
    chunk = con.execute("SELECT brand FROM fastgen_sample('items', 1000, seed := 3, start := 2000, scale := 5)").fetchall()
    assert chunk == whole[2000:]
    spec = fg.spec(con, "items")
    brand = next(c for c in spec["columns"] if c["name"] == "brand")
    brand["slots"] = 0
    with pytest.raises(fg.SpecError, match="column 'brand'.*'slots'.*remove it"):
        fg.import_spec(con, spec)
    del brand["slots"], brand["slot_growth"]
    fg.import_spec(con, spec)
    assert con.execute(f"SELECT count(DISTINCT brand) FROM fastgen_sample('items', {rows})").fetchall()[0][0] > 0.9 * rows
    fg.infer(con, "items", rows=500, replace=True)   # profiled from a third of the rows: the table's brands are counted
    drawn = con.execute(f"SELECT count(DISTINCT brand) FROM fastgen_sample('items', {rows})").fetchall()[0][0]
    assert abs(drawn - distinct) < 4 * math.sqrt(distinct), drawn


def _surnames(rows: int, seed: int) -> str:
    """A surname vocabulary: 30,000 made-up names, a row's of rank floor(30000^v) (P(rank r) ~ 1/r, as names go)."""
    return f"""SELECT upper(s[1]) || s[2:] AS surname, (hash(i, {seed}) % 90)::INTEGER AS age FROM (
        SELECT i, translate(md5(floor(exp(ln(30000) * (hash(i, {seed} + 1) % 1000003) / 1000003.0))::VARCHAR)[:7],
                            '0123456789', 'aeiourstln') AS s FROM range({rows}) t(i))"""


def test_a_vocabulary_grows_with_the_world_as_the_data_s_does(con):
    """2,000 people's surnames from a vocabulary (about 1,050 distinct, most seen once): 10 times as many people of
    the same vocabulary hold about 6,100, not 10 times as many. Drawn at scale 10, the synthesized surnames number
    about what those people hold (in proportion to the scale, as before `slot_growth`, they numbered 10,168);
    at scale 1 as many as the table's; an edited `slot_growth` out of 0..1 is refused by name."""
    con.execute(f"CREATE TABLE people AS {_surnames(2000, 1)}")
    world = con.execute(f"SELECT count(DISTINCT surname) FROM ({_surnames(20000, 7)})").fetchall()[0][0]
    distinct = con.execute("SELECT count(DISTINCT surname) FROM people").fetchall()[0][0]
    fg.infer(con, "people")
    spec = fg.spec(con, "people")
    col = next(c for c in spec["columns"] if c["name"] == "surname")
    assert col["kind"] == "text" and 0 < col["slot_growth"] < 1, col
    drawn = con.execute("SELECT count(DISTINCT surname) FROM fastgen_sample('people', 20000, scale := 10)").fetchall()[0][0]
    assert abs(drawn - world) < 0.25 * world, (drawn, world)
    drawn = con.execute("SELECT count(DISTINCT surname) FROM fastgen_sample('people', 2000)").fetchall()[0][0]
    assert abs(drawn - distinct) < 0.05 * distinct, (drawn, distinct)
    col["slot_growth"] = 1.5
    with pytest.raises(fg.SpecError, match="column 'surname'.*'slot_growth'.*0..1"):
        fg.import_spec(con, spec)


def test_texts_of_things_grow_as_the_things_do(con):
    """500 items in 1 to 4 versions (TPC-DS's item ids: a list of codes that grows with the world), each item's
    description on its versions only (a new one from its third version), and brands from a vocabulary. Ten times
    the world holds ten times the items and so ten times the descriptions, while the brands grow as their
    vocabulary does."""
    con.execute(f"""CREATE TABLE versions AS
        SELECT 'AAAAAAAA' || chr(65 + (i % 26)::INT) || chr(65 + (i // 26)::INT) || 'AAAAAA' AS item_id,
               md5((i * 10 + k // 2)::VARCHAR)[:5] || ' ' || md5((i * 10 + k // 2 + 1)::VARCHAR)[:6] AS description,
               b.surname AS brand
        FROM range(500) t(i), range(4) v(k), LATERAL ({_surnames(1, 0).replace('range(1)', 'range(i * 4 + k, i * 4 + k + 1)')}) AS b
        WHERE k <= (hash(i) % 4)::INTEGER""")
    fg.infer(con, "versions")
    cols = {c["name"]: c for c in fg.spec(con, "versions")["columns"]}
    assert cols["item_id"].get("grows") and cols["description"].get("slots") and "slot_growth" not in cols["description"]
    assert 0 < cols["brand"]["slot_growth"] < 1, cols["brand"]
    rows = con.execute("SELECT count(*) FROM versions").fetchall()[0][0]
    (one, brands_one), (ten, brands_ten) = (con.execute(
        f"SELECT count(DISTINCT description), count(DISTINCT brand) FROM fastgen_sample('versions', {rows * s}, "
        f"scale := {s})").fetchall()[0] for s in (1, 10))
    assert abs(ten - 10 * one) < 0.1 * 10 * one, (one, ten)
    assert brands_ten < 6 * brands_one, (brands_one, brands_ten)


def test_json_objects_come_out_valid_with_their_keys_shares_and_values_and_are_not_copied(con):
    """Event payloads: keys present in their shares, values (nested ones too) seen at their key, every value a
    JSON object; cut into pieces anywhere, most were not."""
    con.execute("""CREATE TABLE events AS SELECT CASE WHEN i % 3 = 0
        THEN '{"id":' || (hash(i, 1) % 100000)::VARCHAR || ',"kind":"' || ['a', 'b, \\"c\\"', 'd'][(1 + hash(i, 2) % 3)::INTEGER]
             || '","tags":[' || (hash(i, 3) % 5)::VARCHAR || ',{"x":"}"}]}'
        ELSE '{"id":' || (hash(i, 4) % 100000)::VARCHAR || ',"score":' || ((hash(i, 5) % 1000) / 1000)::VARCHAR || '}'
        END AS payload FROM range(6000) t(i)""")
    fg.infer(con, "events")
    col = fg.spec(con, "events")["columns"][0]
    assert (col["method"], col["separator"], [m["key"] for m in col["members"]]) == ("members", ",", ["id", "kind", "score", "tags"])
    real = {v for (v,) in con.execute("SELECT payload FROM events").fetchall()}
    synth = [v for (v,) in con.execute(f"SELECT payload FROM fastgen_sample('events', {N})").fetchall()]
    objects = [json.loads(v) for v in synth]
    assert all(isinstance(o, dict) and list(o) == [k for k in ("id", "kind", "score", "tags") if k in o] for o in objects)
    for key, share in (("id", 1.0), ("kind", 1 / 3), ("score", 2 / 3)):
        seen = sum(key in o for o in objects) / N
        assert abs(seen - share) < 4 * math.sqrt(share * (1 - share) / N) + 0.01, key
    assert {o["kind"] for o in objects if "kind" in o} == {"a", 'b, "c"', "d"}
    assert {json.dumps(o["tags"][1]) for o in objects if "tags" in o} == {'{"x": "}"}'}
    assert sum(v in real for v in synth) / N <= 0.01


def test_a_weekday_after_a_date_is_not_drawn_apart_from_it(con):
    """'2021-05-11 (Tue)': a date between affixes would draw the weekday apart from the date and name another
    day; only a zone ('Z', '+05:30', ' UTC') may vary after a date or time."""
    con.execute("""CREATE TABLE visits AS SELECT strftime(d, '%Y-%m-%d') || ' (' || strftime(d, '%a') || ')' AS day
        FROM (SELECT DATE '2020-01-01' + (hash(i) % 1500)::INTEGER AS d FROM range(5000) t(i))""")
    fg.infer(con, "visits")
    assert "affixes" not in fg.spec(con, "visits")["columns"][0]
    bad = con.execute("SELECT count(*) FILTER (WHERE day <> strftime(strptime(left(day, 10), '%Y-%m-%d'), '%Y-%m-%d (%a)')) "
                      "FROM fastgen_sample('visits', 5000)").fetchall()[0][0]
    assert bad == 0
