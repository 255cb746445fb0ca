"""A small version of bench/direct_vs_fastgen.py with the real local model, so the bench cannot rot.

Two tables, the same model for both methods: a DDL (tests/data.CUSTOMERS_DDL) and a table with data (animals,
whose measurements depend on the species). The model writes DIRECT_ROWS rows directly (two prompts per table)
and fastgen infers each table once; then what the bench claims is checked: fastgen's rows are valid (they insert
into the real DDL table and keep the real ranges), at least as diverse as the model's own rows, and 1M rows cost
≥ 1,000× less and take ≥ 100× less time. Slow, hence marked slow: ~5,500 model tokens in all, minutes on an idle
core at ~10 tokens/s (57 min measured on a machine at load 13-23, where the model got a tenth of a core);
FASTGEN_REQUIRE_LLM=1 (CI) makes a missing model an error instead of a skip.
"""
import os
import sys

import openai
import pytest

from data import CUSTOMERS_DDL, make_animals

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import direct_vs_fastgen as bench  # noqa: E402 (bench/ is on the path above)

pytestmark = pytest.mark.slow
DIRECT_ROWS, PER_PROMPT, LARGE = 12, 6, 20_000   # 2 prompts per table: two dozen direct rows in all


@pytest.fixture
def llm_client(llm_env):
    """The client the direct method asks, on the same server and terms as fastgen's (conftest.llm_env)."""
    return openai.OpenAI(base_url=llm_env, api_key="local", timeout=1800, max_retries=0)


def load_animals(con, name):
    make_animals(con, 3000)
    con.execute(f"ALTER TABLE animals RENAME TO {name}")


TABLES = [bench.Table("customers", ddl=CUSTOMERS_DDL, keys=["customer_id"]),
          bench.Table("animals", load=load_animals)]


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_direct_vs_fastgen(con, llm_client, table):
    r = bench.run_table(con, llm_client, table, DIRECT_ROWS, PER_PROMPT, LARGE, log=print)
    d, f = r["direct"], r["fastgen"]
    # the bench ran both methods for real
    assert d["calls"] == 2 and d["completion_tokens"] > 100 and d["rows_returned"] > 0
    assert f["calls"] == 1 and f["completion_tokens"] > 10 and f["columns_from_model"] > 0
    # fastgen's rows are valid, at the direct n and at large n: the real table takes every one
    for m in (f["at_n"], f["at_large"]):
        assert m["schema_valid"] == 1.0 and m["valid"] == 1.0, m["reasons"]
    assert f["at_large"]["rows"] == LARGE
    # diversity: no more repeated rows than the model's own, and as many distinct values per column
    assert f["at_n"]["duplicate_rows"] <= d["at_n"]["duplicate_rows"]
    assert f["at_n"]["distinct_ratio"] >= d["at_n"]["distinct_ratio"] - 0.05
    if table.load:   # against the real rows: fastgen's fidelity is high at large n
        assert f["at_large"]["fidelity"] > 0.8
    # the economics: one call for any number of rows against tokens for every row
    assert r["cost_ratio"] >= 1000 and r["time_ratio"] >= 100
    assert d["million_cost"] > 1 and f["million_cost"] < 0.01
