import os
import shutil
import subprocess
import sys

import duckdb
import numpy as np
import pytest

import fastgen_duckdb as fg
from data import tpch_extension
from local_llm import start_server, stop_server


@pytest.fixture
def pairs_only(monkeypatch):
    """The pair model alone (conditional tables per parent bin and a copula, no hidden clusters): for the tests of
    that layer, which a table with clusters draws only where a parent all but determines its child."""
    from fastgen_duckdb import clusters
    monkeypatch.setattr(clusters, "applies", lambda rows, cols: False)


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "shop.duckdb")


@pytest.fixture
def con(db_path):
    c = fg.connect(db_path)
    yield c
    c.close()


@pytest.fixture
def tpch(con):
    ext = tpch_extension()
    if ext is None:
        pytest.skip(f"no duckdb-extension-tpch wheel for duckdb {duckdb.__version__}")
    con.execute(f"LOAD '{ext}'")
    con.execute("CALL dbgen(sf=0.01)")
    return con


@pytest.fixture(scope="session")
def duckdb_cli(tmp_path_factory):
    """The real DuckDB shell from the duckdb-cli wheel (next to this Python, else on PATH), once it has opened a
    database that fastgen_duckdb.connect made with this Python's duckdb. Versions need not match: duckdb-cli
    exists only as 1.5.x, and connect makes files that 1.5 reads. A shell that cannot read them fails here."""
    exe = shutil.which("duckdb", path=os.path.dirname(sys.executable)) or shutil.which("duckdb")
    if exe is None:
        pytest.skip("duckdb CLI not installed (pip install duckdb-cli)")
    probe = str(tmp_path_factory.mktemp("cli") / "probe.duckdb")
    fg.connect(probe).close()
    opened = subprocess.run([exe, "-csv", "-noheader", probe, "-c", "SELECT count(*) FROM fastgen.generators"],
                            capture_output=True, text=True)
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    assert opened.returncode == 0 and opened.stdout.strip() == "0", (
        f"the duckdb shell {version} cannot open a file made by duckdb {duckdb.__version__}: {opened.stderr}")
    return exe


# Skips that CI accepts (.ci/run sets FASTGEN_STRICT_SKIPS=1; any other skip then fails the run). Each is a
# reason prefix, with why it is legitimate.
ALLOWED_SKIPS = [
    # TPC-H data comes from the duckdb-extension-tpch wheels, which exist only for duckdb 1.5.x: on the newest
    # duckdb the TPC-H tests cannot run (they do run on 1.5.5).
    "no duckdb-extension-tpch wheel for duckdb 2.",
    # The same for TPC-DS data (duckdb-extension-tpcds): its item table is a test of relinking in the default suite.
    "no duckdb-extension-tpcds wheel for duckdb 2.",
    # A storage v2 file (the one the duckdb shell refuses) can only be made by duckdb 2.x: on 1.5.5 there is
    # nothing to warn about (the test runs on the newest duckdb).
    "storage v2 files are made only by duckdb 2.x",
]
_skipped: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped.append((report.nodeid, reason.removeprefix("Skipped: ")))


def _unexpected_skips():
    return [(node, why) for node, why in _skipped if not any(why.startswith(ok) for ok in ALLOWED_SKIPS)]


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("FASTGEN_STRICT_SKIPS") and _unexpected_skips() and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if os.environ.get("FASTGEN_STRICT_SKIPS") and _unexpected_skips():
        terminalreporter.section("skips not in ALLOWED_SKIPS (tests/conftest.py): failing the run", red=True)
        for node, why in _unexpected_skips():
            terminalreporter.line(f"{node}: {why}")


def refused_and_unchanged(con, gen: str, edit, says: str) -> None:
    """An edit of generator `gen`'s spec is refused in one line that matches `says`, and the stored spec stays."""
    before = fg.spec(con, gen)
    spec = fg.spec(con, gen)
    edit(spec)
    with pytest.raises(fg.SpecError, match=says) as caught:
        fg.import_spec(con, spec)
    assert "\n" not in str(caught.value)
    assert fg.spec(con, gen) == before


def ks_statistic(a, b) -> float:
    """Two-sample Kolmogorov–Smirnov distance."""
    a, b = np.sort(np.asarray(a, dtype=float)), np.sort(np.asarray(b, dtype=float))
    grid = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, grid, "right") / len(a) - np.searchsorted(b, grid, "right") / len(b))))


def ks_tolerance(n: int, m: int, knots: int = 1024) -> float:
    """KS critical value at alpha = 0.001, plus the error of interpolating between quantile knots."""
    return 1.95 * np.sqrt((n + m) / (n * m)) + 1.0 / knots


def tvd(p: dict, q: dict) -> float:
    keys = set(p) | set(q)
    return 0.5 * sum(abs(p.get(k, 0) - q.get(k, 0)) for k in keys)


def tvd_tolerance(k: int, n: int, m: int) -> float:
    """A generous bound on the sampling noise of the total variation distance between two samples."""
    return 2.0 * np.sqrt(k) * np.sqrt(1 / n + 1 / m)


def shares(con, sql: str) -> dict:
    rows = con.execute(f"SELECT v, count(*) FROM ({sql}) t(v) WHERE v IS NOT NULL GROUP BY v").fetchall()
    total = sum(c for _, c in rows)
    return {v: c / total for v, c in rows}


@pytest.fixture(scope="session")
def local_model():
    """The real local model behind its OpenAI-compatible server, started once for every slow LLM test."""
    try:
        proc, base_url = start_server()
    except RuntimeError as exc:
        if os.environ.get("FASTGEN_REQUIRE_LLM"):
            raise
        pytest.skip(str(exc))
    yield base_url
    stop_server(proc)


@pytest.fixture
def llm_env(local_model, monkeypatch):
    """fastgen pointed at the local model by the usual environment variables; its base URL. Generous timeouts
    and no retries: a timed-out call is repeated whole only after the one-threaded server has finished it."""
    monkeypatch.setenv("OPENAI_BASE_URL", local_model)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("FASTGEN_MODEL", "qwen2.5-coder-0.5b")
    monkeypatch.setenv("FASTGEN_LLM_TIMEOUT", "1800")
    monkeypatch.setenv("FASTGEN_LLM_RETRIES", "0")
    return local_model
