"""Every code block of README.md and docs/*.md runs here, as written (row counts of a million and more divided by
1,000, where they would only cost time).

How a block runs is said by an HTML comment on the line before it (MkDocs does not show it):
- no comment: the page's blocks run in order, as a reader would, in one directory where the quickstart has run
  (`shop.duckdb` with the shop's customers and orders and their generators; `examples/` linked in): ```python
  with this Python, ```sql in fastgen_duckdb.connect("shop.duckdb"), ```bash with `bash -e` (the venv's
  `fastgen` and the real `duckdb` shell on PATH), ```json parsed;
- `<!-- test: NAME -->`: test_NAME below runs it, with assertions about what it did.
A new page needs nothing here unless a block needs a named test; test_every_block_is_run fails for a block
that no test runs (README's first block, the two set-up commands, is checked by test_setup_commands and run
as written by .ci/run).
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import duckdb
import pytest

import fastgen_duckdb as fg

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
# Commands a bash block may show that cannot run here, each with where it is tested instead.
NOT_HERE = {
    "spark-sql": "needs Spark: tests/test_spark.py (slow suite) runs the exported query on local PySpark",
}
BLOCK = re.compile(r"(?:<!-- test: (?P<name>[\w]+) -->\n)?```(?P<lang>\w+)\n(?P<code>.*?)```", re.S)


def blocks(page: pathlib.Path) -> list[dict]:
    return [{"page": page.relative_to(ROOT).as_posix(), "index": k, **m.groupdict()}
            for k, m in enumerate(BLOCK.finditer(page.read_text()))]


def named(name: str) -> list[dict]:
    found = [b for page in PAGES for b in blocks(page) if b["name"] == name]
    assert found, f"no block is marked <!-- test: {name} -->"
    return found


def scaled(code: str) -> str:
    """Counts of a million and more (1000000, 1_000_000) divided by 1,000."""
    def cut(m):
        value = int(m.group(0).replace("_", ""))
        return str(value // 1000) if value >= 1_000_000 else m.group(0)
    return re.sub(r"(?<![\w.])\d{1,3}(?:_\d{3})+(?![\w.])|(?<![\w.])\d{7,}(?![\w.])", cut, code)


@pytest.fixture(scope="module")
def quickstarted(tmp_path_factory):
    """A directory as `python examples/quickstart.py` leaves it (orders_test at 100,000 rows, not 1,000,000)."""
    where = tmp_path_factory.mktemp("quickstarted")
    con = fg.connect(str(where / "shop.duckdb"))
    con.execute((EXAMPLES / "shop.sql").read_text())
    for table in ("customers", "orders"):
        fg.infer(con, table)
    con.execute("CREATE TABLE orders_test AS FROM fastgen_sample('orders', 100000, seed := 7)")
    con.close()
    return where


def fresh_copy(quickstarted, tmp_path) -> pathlib.Path:
    where = tmp_path / "work"
    shutil.copytree(quickstarted, where)
    (where / "examples").symlink_to(EXAMPLES)
    return where


def run_block(block: dict, where: pathlib.Path, shell_dir: str) -> None:
    code, lang = scaled(block["code"]), block["lang"]
    label = f"{block['page']} block {block['index']} ({lang})"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), shell_dir, env.get("PATH", "")])
    if lang == "python":
        done = subprocess.run([sys.executable, "-c", code], cwd=where, env=env, capture_output=True, text=True)
    elif lang == "bash":
        lines = [line for line in code.splitlines() if line.split()[:1] not in ([c] for c in NOT_HERE)]
        done = subprocess.run(["bash", "-e", "-c", "\n".join(lines)], cwd=where, env=env, capture_output=True, text=True)
    elif lang == "sql":
        con = fg.connect(str(where / "shop.duckdb"))
        try:
            con.execute(code)
        finally:
            con.close()
        return
    elif lang == "json":
        json.loads(code)
        return
    else:
        raise AssertionError(f"{label}: no way to run a ```{lang} block")
    assert done.returncode == 0, f"{label} failed:\n{code}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


def unnamed(page: pathlib.Path) -> list[dict]:
    """The blocks a page runs in order (README's first, the set-up commands, is test_setup_commands')."""
    return [b for b in blocks(page)[1 if page.name == "README.md" else 0:] if b["name"] is None]


@pytest.mark.parametrize("page", [p.relative_to(ROOT).as_posix() for p in PAGES if unnamed(p)])
def test_page_blocks_run_in_order(page, quickstarted, tmp_path, duckdb_cli):
    where = fresh_copy(quickstarted, tmp_path)
    for block in unnamed(ROOT / page):
        run_block(block, where, os.path.dirname(duckdb_cli))
    if page == "README.md":   # the tour did what it says
        con = duckdb.connect(str(where / "shop.duckdb"))
        assert con.execute("SELECT count(*) FROM my_orders_test").fetchall()[0][0] == 10_000
        assert con.execute("SELECT count(*) FROM read_parquet(?)", [str(where / "orders_test.parquet")]).fetchall()[0][0] == 1_000
        con.close()
        assert (where / "report.html").stat().st_size > 10_000 and (where / "schema.duckdb").exists()


def test_every_block_is_run():
    tests = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    for page in PAGES:
        for b in blocks(page):
            if b["name"] is not None:
                assert b["name"] in tests, f"{b['page']} block {b['index']}: no test_{b['name']} in {__file__}"
            assert b["lang"] in ("python", "sql", "bash", "json"), f"{b['page']} block {b['index']}: ```{b['lang']}"
    assert blocks(ROOT / "README.md")[0]["name"] is None   # the README starts with its two set-up commands


def test_setup_commands():
    """README's first lines are exactly two set-up commands; the docs' home repeats command 1 word for word;
    what they install exists (.ci/run runs both as written, command 1 on a fresh clone)."""
    readme = (ROOT / "README.md").read_text().splitlines()
    assert readme[0] == "# fastgen-duckdb" and readme[2] == "```bash" and readme[7] == "```"
    comments, commands = readme[3:7:2], readme[4:7:2]
    assert [c[:5] for c in comments] == ["# 1. ", "# 2. "]
    assert commands[0] == ("python3 -m venv .venv && . .venv/bin/activate && pip install -e . duckdb-cli && "
                           "python examples/quickstart.py")
    assert commands[1] == ("python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && "
                           "python -m pytest")
    assert [b["code"].strip() for b in named("setup_commands")] == [commands[0]]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^test = \[.*"duckdb-cli==', pyproject, re.M) and (EXAMPLES / "quickstart.py").exists()


def test_whole_schema_block():
    (block,) = named("whole_schema_block")
    con = fg.connect()
    con.execute(block["code"])  # every statement, in order
    sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("customers", "orders", "order_lines")}
    assert sizes == {"customers": 100_000, "orders": 400_000, "order_lines": 1_600_000}
    assert con.execute("SELECT count(*) FROM orders WHERE shipped < placed").fetchall()[0][0] == 0
    assert fg.spec(con, "orders")["schema"] == "main"


def test_storage_copy(tmp_path, duckdb_cli):
    """The copy that docs/shell.md gives for a storage v2 file (any file: on duckdb 1.5 there is no v2 to make)
    gives one the shell opens, generators and all."""
    (block,) = named("storage_copy")
    con = duckdb.connect(str(tmp_path / "old.duckdb"))   # not through fastgen: storage v2 on duckdb 2.x
    con.execute((EXAMPLES / "shop.sql").read_text())
    fg.register(con)
    fg.infer(con, "orders")
    con.close()
    subprocess.run([sys.executable, "-c", block["code"]], cwd=tmp_path, check=True)
    out = subprocess.run([duckdb_cli, "-csv", "-noheader", str(tmp_path / "old-v1.5.duckdb"), "-c",
                          "SELECT count(*) FROM fastgen_sample('orders', 1000, seed := 7)"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "1000"
