import os
import shutil
import subprocess
import sys

import duckdb
import numpy as np
import pytest

import fastgen_duckdb as fg
from data import tpch_extension


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


@pytest.fixture
def duckdb_cli():
    """The real DuckDB CLI from the duckdb-cli wheel, only when it matches the Python package's version."""
    exe = shutil.which("duckdb", path=os.path.dirname(sys.executable)) or shutil.which("duckdb")
    if exe is None:
        pytest.skip("duckdb CLI not installed")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    if f"v{duckdb.__version__} " not in version + " ":
        pytest.skip(f"duckdb CLI {version.strip()} does not match duckdb {duckdb.__version__}")
    return exe


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
