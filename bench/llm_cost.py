"""FASTGEN's central claim, measured: one model call per table versus the model writing every row.

    python bench/llm_cost.py        (needs: bash .ci/install-llm.sh; starts the local server itself)

With the local model (Qwen2.5-Coder-0.5B on llama-cpp-python, 1 thread) it measures, for a 6-column table:
  infer    latency and tokens of fastgen_infer from DDL (one call, no cache)
  direct   tokens per row when the same model writes 20 rows directly as JSON
then prices both at a public list price (gpt-4o-mini: $0.15 / $0.60 per million input / output tokens)
and extrapolates direct generation to 1,000,000 rows; fastgen's cost does not grow with rows.
"""
from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

PRICE_IN, PRICE_OUT = 0.15, 0.60   # USD per million tokens, gpt-4o-mini list price
ROWS_PER_CALL, TARGET_ROWS = 20, 1_000_000
from data import CUSTOMERS_DDL as DDL  # noqa: E402 (tests/ is on the path above)


def dollars(prompt: float, completion: float) -> float:
    return (prompt * PRICE_IN + completion * PRICE_OUT) / 1e6


def main() -> None:
    import openai

    import fastgen_duckdb as fg
    from local_llm import start_server, stop_server
    from publish import publish
    proc, url = start_server()
    try:
        os.environ.update(OPENAI_BASE_URL=url, FASTGEN_MODEL=f"qwen2.5-coder-0.5b-bench-{time.time()}",
                          FASTGEN_LLM_TIMEOUT="900")
        con = fg.connect()
        t0 = time.perf_counter()
        fg.infer(con, DDL)
        infer_s = time.perf_counter() - t0
        usage = fg.spec(con, "customers")["llm"]
        from_model = sum(c["origin"] == "llm" for c in fg.spec(con, "customers")["columns"])

        client = openai.OpenAI(base_url=url, api_key="local", timeout=900)
        t0 = time.perf_counter()
        reply = client.chat.completions.create(model="local", temperature=0, max_tokens=3000, messages=[
            {"role": "system", "content": "You write realistic rows of test data. Answer with JSON only."},
            {"role": "user", "content": f"Table:\n{DDL}\nWrite {ROWS_PER_CALL} realistic rows as "
                                        '{"rows": [{column: value, ...}, ...]}.'}],
            response_format={"type": "json_object"})
        direct_s = time.perf_counter() - t0
        text = reply.choices[0].message.content
        try:
            rows = len(json.loads(text)["rows"]) or ROWS_PER_CALL
        except (ValueError, KeyError, TypeError):
            rows = max(1, text.count("{") - 1)
        p, c = reply.usage.prompt_tokens, reply.usage.completion_tokens
        calls = TARGET_ROWS / rows
        direct_cost = dollars(p * calls, c * calls)
        fastgen_cost = dollars(usage["prompt_tokens"], usage["completion_tokens"])
        lines = [
            "| method | model calls for 1M rows | tokens for 1M rows | est. cost at gpt-4o-mini prices | measured here |",
            "|---|---|---|---|---|",
            f"| fastgen (infer once, sample in SQL) | 1 | {usage['prompt_tokens'] + usage['completion_tokens']:,} | "
            f"${fastgen_cost:.5f} | {infer_s:.1f} s, {usage['prompt_tokens']} + {usage['completion_tokens']} tokens, "
            f"{from_model}/6 columns from the model |",
            f"| model writes rows directly | {calls:,.0f} | {(p + c) * calls:,.0f} | ${direct_cost:,.2f} | "
            f"{direct_s:.1f} s for {rows} rows, {p} + {c} tokens ({c / rows:.1f} output tokens/row) |",
            "", f"Ratio: direct generation of 1M rows costs {direct_cost / fastgen_cost:,.0f}× fastgen's one call "
                f"(local model: {c / rows:.1f} output tokens per row; at its {c / direct_s:.1f} tokens/s, 1M rows "
                f"would take {c / rows * TARGET_ROWS / (c / direct_s) / 86400:,.0f} days on this machine)."]
        publish("\n".join(lines) + "\n", "llm_results.md")
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
