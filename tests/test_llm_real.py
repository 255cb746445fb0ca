"""The LLM path with a real model: Qwen2.5-Coder-0.5B behind llama-cpp-python's OpenAI-compatible server.

Slow (a 0.5B model on one thread answers at ~10 tokens/s), so marked slow; CI installs the server and model
with .ci/install-llm.sh and runs it. The model is weak on purpose: whatever it says must become a valid spec.
"""

import pytest

import fastgen_duckdb as fg
from conftest import ks_statistic, ks_tolerance
from data import CUSTOMERS_DDL as DDL

pytestmark = pytest.mark.slow


def test_ddl_through_a_real_model(con, llm_env):
    assert fg.infer(con, DDL) == "customers"
    spec = fg.spec(con, "customers")
    assert spec["inferred_by"] == "llm (qwen2.5-coder-0.5b)"
    assert spec["llm"]["calls"] == 1 and spec["llm"]["prompt_tokens"] > 100 and spec["llm"]["completion_tokens"] > 10
    origins = {c["name"]: c["origin"] for c in spec["columns"]}
    assert set(origins.values()) <= {"llm", "schema"} and "llm" in origins.values()
    assert all("note" in c for c in spec["columns"] if c["origin"] == "schema")
    row = con.execute("""SELECT count(*), count(DISTINCT customer_id), count(*) FILTER (email IS NULL),
                                bool_and(country IN ('PT', 'ES', 'FR') OR country IS NULL), min(age), max(age)
                         FROM fastgen_sample('customers', 20000)""").fetchall()[0]
    assert row[0] == row[1] == 20000 and row[2] == 0 and row[3] and 18 <= row[4] and row[5] <= 90
    # the real tables accept the rows: the schema's guarantees hold whatever the model said
    con.execute(DDL.replace("customers", "real_customers"))
    con.execute("INSERT INTO real_customers SELECT * FROM fastgen_sample('customers', 20000)")
    # again: answered from the cache, no model call
    fg.infer(con, DDL, replace=True)
    assert fg.spec(con, "customers")["llm"]["cached_calls"] == 1 and fg.spec(con, "customers")["llm"]["calls"] == 0


def test_sample_table_through_a_real_model(con, llm_env):
    con.execute("""CREATE TABLE visits AS SELECT i AS visit_id, ['home', 'cart', 'checkout'][(1 + i % 3)::INT] AS page,
                   round(5 + 120 * ((hash(i) >> 11)::DOUBLE * 1.1102230246251565e-16), 1) AS seconds_on_page,
                   DATE '2024-01-01' + (i % 90)::INT AS visit_date FROM range(3000) t(i)""")
    fg.infer(con, "visits")
    spec = fg.spec(con, "visits")
    assert spec["inferred_by"] == "llm+data (qwen2.5-coder-0.5b)" and spec["llm"]["calls"] == 1
    cols = {c["name"]: c for c in spec["columns"]}
    assert all(c["origin"] == "llm+data" or "note" in c for c in cols.values())
    # fitted statistics are kept: the marginals still match the data
    real = [r[0] for r in con.execute("SELECT seconds_on_page FROM visits").fetchall()]
    synth = [r[0] for r in con.execute("SELECT seconds_on_page FROM fastgen_sample('visits', 20000)").fetchall()]
    if cols["seconds_on_page"]["kind"] == "numeric":
        assert ks_statistic(real, synth) < ks_tolerance(len(real), len(synth))
    assert con.execute("SELECT count(DISTINCT page) FROM fastgen_sample('visits', 5000)").fetchall()[0][0] == 3
