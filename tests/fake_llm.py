"""A scripted OpenAI-compatible server on 127.0.0.1 for fault injection (the real model is in local_llm.py).

Each request takes the next behaviour from a script; "ok" answers sensibly for every column it was asked
about, the others misbehave the way real endpoints and weak models do.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD = {  # what a sensible model says, by column name
    "id": {"kind": "key", "label": "customer id"},
    "email": {"kind": "text", "label": "email", "examples": ["ana@example.com", "bo@example.org"]},
    "age": {"kind": "numeric", "label": "age", "min": 18, "max": 80, "distribution": "normal"},
    "plan": {"kind": "categorical", "label": "plan", "values": ["free", "pro", "team"], "weights": [6, 3, 1]},
    "signup": {"kind": "datetime", "label": "signup date", "min": "2022-01-01", "max": "2022-12-31"},
    "vip": {"kind": "boolean", "label": "vip flag", "p_true": 0.2},
    "code": {"kind": "text", "label": "voucher code", "pattern": "AA-9999"},
    "note": {"kind": "text", "label": "note", "examples": ["call me before noon", "leave at the door please",
                                                            "gift wrap it", "ring twice and wait"]},
    **{c: {"kind": "datetime"} for c in ("opened", "closed")},
    **{c: {"kind": "categorical", "values": ["?"]} for c in ("city", "country")},
    **{c: {"kind": "numeric"} for c in ("qty", "price", "total")},
}

RELATIONS = [  # proposed with "relations": two hold on the test table, the others do not or cannot
    {"column": "closed", "rule": "after", "of": ["opened"]},
    {"column": "country", "rule": "determined_by", "of": ["city"]},
    {"column": "qty", "rule": "sum", "of": ["price", "total"]},
    {"column": "total", "rule": "after", "of": ["qty"]},
    {"column": "refund", "rule": "product", "of": ["qty", "price"]},
]


def requested_columns(body: dict) -> list[str]:
    user = body["messages"][-1]["content"]
    doc = json.loads(user.split("\n", 1)[1].rsplit("\nAnswer for these", 1)[0])
    return [c["name"] for c in doc["columns"]]


def answer_for(columns: list[str]) -> dict:
    return {"columns": [{"name": c, **GOOD.get(c, {"kind": "text", "examples": ["x y", "y z"]})} for c in columns]}


class FakeLLM:
    def __init__(self, script: list[str]):
        self.script, self.requests = list(script), []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._send(200, {"data": [{"id": "fake", "object": "model"}], "object": "list"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                behaviour = fake.script.pop(0) if fake.script else "ok"
                cols = requested_columns(body)
                if behaviour == "429":
                    return self._send(429, {"error": {"message": "slow down", "type": "rate_limit"}}, {"retry-after": "0"})
                if behaviour == "500":
                    return self._send(500, {"error": {"message": "boom"}})
                if behaviour == "sleep":
                    time.sleep(3)
                    return self._send(500, {"error": {"message": "too late"}})
                if behaviour == "no_json_schema" and body["response_format"]["type"] == "json_schema":
                    fake.script.insert(0, "ok")  # as llama-cpp-python's server: a 500, then json_object works
                    return self._send(500, {"error": {"message": "Input should be 'text' or 'json_object'"}})
                content = {
                    "ok": lambda: json.dumps(answer_for(cols)),
                    "no_json_schema": lambda: json.dumps(answer_for(cols)),
                    "relations": lambda: json.dumps({**answer_for(cols), "relations": RELATIONS}),
                    "fenced": lambda: "Sure! Here it is:\n```json\n" + json.dumps(answer_for(cols)) + "\n```",
                    "truncated": lambda: json.dumps(answer_for(cols))[:-40],
                    "garbage": lambda: "I am sorry, I cannot help with tables.",
                    "hallucinate": lambda: json.dumps({"columns": answer_for(cols)["columns"][1:] + [
                        {"name": "secret_col", "kind": "numeric", "min": 1, "max": 2}]}),
                    "wrong_types": lambda: json.dumps({"columns": [
                        {"name": c, "kind": "numeric", "min": "lots", "max": [1]} if c == "age" else
                        {"name": c, "kind": "datetime", "min": "soon"} if c == "signup" else
                        {"name": c, "kind": "boolean", "p_true": 0.5} if c == "plan" else
                        {"name": c, **GOOD.get(c, {"kind": "constant", "value": 1})} for c in cols]}),
                    "out_of_range": lambda: json.dumps({"columns": [
                        {"name": c, "kind": "numeric", "min": -1e12, "max": 1e12} if c in ("age", "rank") else
                        {"name": c, "kind": "key", "min": 1e30} if c == "id" else
                        {"name": c, **GOOD.get(c, {"kind": "text", "examples": ["x y", "y z"]})} for c in cols]}),
                    "sql_injection": lambda: json.dumps({"columns": [
                        {"name": c, "kind": "categorical", "values": ["x'); DROP TABLE people; --", "ok"],
                         "weights": [1, 1]} if c == "plan" else {"name": c, **GOOD.get(c, {"kind": "text"})}
                        for c in cols]}),
                }[behaviour]()
                self._send(200, {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                                 "choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": content}}],
                                 "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}})

            def _send(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
