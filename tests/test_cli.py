"""The plain DuckDB CLI samples from a saved file with no Python; the `fastgen` command mirrors the SQL API."""
import json
import os
import subprocess
import sys

import duckdb
import pytest

import fastgen_duckdb as fg
from data import make_people

FASTGEN = [sys.executable, "-m", "fastgen_duckdb.cli"]


@pytest.fixture
def saved(db_path):
    con = fg.connect(db_path)
    make_people(con, 2000)
    fg.infer(con, "people")
    expected = con.execute("SELECT count(*), sum(hash(t) >> 8) FROM fastgen_sample('people', 50000, seed := 7) t").fetchall()[0]
    con.close()
    return db_path, expected


def run(cmd, env=None, **kw):
    env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONPATH"}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)


def test_duckdb_cli_samples_without_python(saved, duckdb_cli, tmp_path):
    db_path, expected = saved
    sql = "SELECT count(*), sum(hash(t) >> 8) FROM fastgen_sample('people', 50000, seed := 7) t"
    out = run([duckdb_cli, "-csv", "-noheader", db_path, "-c", sql], check=True).stdout.strip()
    assert out == f"{expected[0]},{expected[1]}"
    # the shell can write tables and files from it, too
    parquet = str(tmp_path / "p.parquet")
    run([duckdb_cli, db_path, "-c", f"CREATE TABLE copy AS FROM fastgen_sample('people', 1000); "
                                    f"COPY (FROM fastgen_sample('people', 10, seed := 1)) TO '{parquet}'"], check=True)
    con = fg.connect(db_path)
    assert con.execute("SELECT count(*) FROM copy").fetchall()[0][0] == 1000
    assert con.execute(f"SELECT count(*) FROM '{parquet}'").fetchall()[0][0] == 10
    con.close()


def test_duckdb_cli_errors_are_clear(saved, duckdb_cli):
    db_path, _ = saved
    bad = run([duckdb_cli, db_path, "-c", "FROM fastgen_sample('people', -5)"])
    assert bad.returncode != 0 and "n must be a whole number >= 0" in bad.stderr + bad.stdout


def test_fastgen_command_mirrors_sql(saved, tmp_path):
    db_path, _ = saved
    listed = run(FASTGEN + ["list", db_path], check=True).stdout
    assert "people" in listed and "offline" in listed
    spec = json.loads(run(FASTGEN + ["show", db_path, "people"], check=True).stdout)
    assert spec["name"] == "people" and len(spec["columns"]) == 14
    report = run(FASTGEN + ["report", db_path, "people", "--rows", "5000"], check=True).stdout
    assert report.startswith("people: 2,000 real vs 5,000 synthetic rows") and "KSComplement" in report
    scores = json.loads(run(FASTGEN + ["report", db_path, "people", "--json"], check=True).stdout)
    assert 0.8 < scores["overall"] <= 1 and {c["column"] for c in scores["columns"]} >= {"age", "plan", "city"}

    out = str(tmp_path / "people.parquet")
    run(FASTGEN + ["sample", db_path, "people", "5000", "--seed", "3", "--to", out], check=True)
    csv = str(tmp_path / "people.csv")
    run(FASTGEN + ["sample", db_path, "people", "100", "--to", csv], check=True)
    run(FASTGEN + ["sample", db_path, "people", "700", "--to", "people_copy"], check=True)

    spec["name"] = "people_v2"
    spec_file = tmp_path / "edited.json"
    spec_file.write_text(json.dumps(spec))
    assert run(FASTGEN + ["import", db_path, str(spec_file)], check=True).stdout.strip() == "people_v2"
    inferred = run(FASTGEN + ["infer", db_path, out, "--name", "from_parquet"], check=True).stdout
    assert inferred.startswith("from_parquet\toffline")
    assert run(FASTGEN + ["drop", db_path, "people_v2"], check=True).stdout.strip() == "people_v2"

    con = fg.connect(db_path)
    assert con.execute(f"SELECT count(*) FROM '{out}'").fetchall()[0][0] == 5000
    assert con.execute(f"SELECT count(*) FROM read_csv('{csv}')").fetchall()[0][0] == 100
    assert con.execute("SELECT count(*) FROM people_copy").fetchall()[0][0] == 700
    assert [r[0] for r in fg.generators(con).fetchall()] == ["from_parquet", "people"]
    con.close()


@pytest.mark.parametrize("args, message", [
    (["sample", "{db}", "ghost", "5"], "unknown generator 'ghost'; known: people"),
    (["infer", "{db}", "ghost_table"], "unknown source 'ghost_table'"),
    (["sample", "{db}", "people", "-1"], "n must be a whole number >= 0"),
    (["infer", "{db}", "people"], "exists; pass --replace to overwrite it, or --name"),
    (["sample", "{db}", "people", "5", "--to", "people"], "table 'people' exists: pass --replace to overwrite it"),
    (["infer", "{db}", "CREATE TABLE a (x INT); CREATE TABLE b (y INT)", "--name", "c"],
     "the DDL creates 2 tables; a name applies to one table only"),
])
def test_fastgen_command_errors_say_what_to_do(saved, args, message):
    db_path, _ = saved
    result = run(FASTGEN + [a.format(db=db_path) for a in args])
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert ":= " not in result.stderr and "Error:" not in result.stderr   # CLI terms, no raw DuckDB errors


def test_fastgen_command_output_reads_well(saved, tmp_path):
    db_path, _ = saved
    listed = run(FASTGEN + ["list", db_path], env={**os.environ, "COLUMNS": "80"}, check=True).stdout.splitlines()
    assert listed[0].split() == ["name", "source", "rows", "cols", "inferred", "llm", "tokens", "cost", "$", "created"]
    assert all(len(line) <= 80 for line in listed) and listed[1].split()[:5] == ["people", "people", "2,000", "14", "offline"]
    html = str(tmp_path / "report.html")
    report = run(FASTGEN + ["report", db_path, "people", "--rows", "3000", "--html", html], check=True)
    assert f"wrote the HTML report to {html}" in report.stderr and os.path.getsize(html) > 10_000
    scores = report.stdout.splitlines()[1].split()   # overall 0.970   column shapes 0.981   column pair trends 0.959
    assert scores[0] == "overall" and all(len(scores[k].split(".")[1]) == 3 for k in (1, 4, 8))


def test_fastgen_generate_over_a_table_of_other_columns(tmp_path):
    db = str(tmp_path / "clash.duckdb")
    schema = os.path.join(os.path.dirname(__file__), "..", "examples", "shop_schema.sql")
    con = fg.connect(db)
    con.execute("CREATE TABLE customers (customer_id BIGINT, city VARCHAR)")   # empty, but not the schema's shape
    con.close()
    run(FASTGEN + ["infer", db, "@" + schema, "--provider", "offline"], check=True)
    clash = run(FASTGEN + ["generate", db])
    assert clash.returncode == 1 and "Binder Error" not in clash.stderr and "Traceback" not in clash.stderr
    assert 'a table of a generator\'s name exists with other columns (Table "customers"' in clash.stderr
    assert "--into synth" in clash.stderr and "--replace" in clash.stderr
    assert run(FASTGEN + ["generate", db, "--into", "synth"], check=True).stdout.startswith("customers\t1000")
    assert run(FASTGEN + ["generate", db, "--replace"], check=True).stdout.startswith("customers\t1000")


def test_fastgen_infer_ddl_file_offline(tmp_path):
    db = str(tmp_path / "schema.duckdb")
    schema = os.path.join(os.path.dirname(__file__), "..", "examples", "shop_schema.sql")
    out = run(FASTGEN + ["infer", db, "@" + schema, "--provider", "offline"], check=True).stdout.splitlines()
    assert [line.split("\t")[:2] for line in out] == [[t, "schema"] for t in
                                                      ("customers", "products", "orders", "order_lines")]
    con = fg.connect(db)
    row = con.execute("""SELECT count(DISTINCT customer_id), count(DISTINCT email), min(birth_year), max(birth_year),
                                bool_and(tier IN ('basic', 'silver', 'gold')), count(*) FILTER (full_name IS NULL)
                         FROM fastgen_sample('customers', 5000)""").fetchall()[0]
    assert row[:2] == (5000, 5000) and 1930 <= row[2] and row[3] <= 2008 and row[4] and row[5] == 0
    assert con.execute("SELECT min(price) > 0 FROM fastgen_sample('products', 5000)").fetchall()[0][0]
    con.close()


def test_a_file_the_shell_cannot_open_says_so_with_the_fix(tmp_path, duckdb_cli):
    """duckdb 2.x's default storage (v2) is refused by every duckdb shell (1.5.x): fastgen_duckdb.connect makes
    new files in SHELL_STORAGE; a v2 file made without it warns at connect, in one line, and the fix works."""
    if not duckdb.__version__.startswith("2."):
        pytest.skip(f"storage v2 files are made only by duckdb 2.x (this is {duckdb.__version__})")
    old = str(tmp_path / "old.duckdb")
    plain = duckdb.connect(old)   # not through fastgen: storage v2
    plain.execute("CREATE TABLE t AS SELECT 7 AS x")
    plain.close()
    refused = run([duckdb_cli, old, "-c", "FROM t"])
    assert refused.returncode != 0 and "version number" in refused.stderr
    with pytest.warns(fg.StorageWarning) as caught:
        fg.connect(old).close()
    message = str(caught[0].message)
    assert "\n" not in message and "cannot open" in message and "STORAGE_VERSION 'v1.5.0'" in message
    fix = message.split("run in Python: ", 1)[1]
    subprocess.run([sys.executable, "-c", "import duckdb; " + fix], check=True, cwd=tmp_path)
    copy = str(tmp_path / "old-v1.5.duckdb")
    out = run([duckdb_cli, "-csv", "-noheader", copy, "-c", "SELECT x FROM t; SELECT count(*) FROM fastgen.generators"],
              check=True).stdout.split()
    assert out == ["7", "0"]
    cli = run(FASTGEN + ["list", old])   # the command line says it too, once, on stderr
    assert cli.returncode == 0 and cli.stderr.count("fastgen: warning: ") == 1 and cli.stderr.count("\n") == 1


def test_exported_sql_recreates_the_generator_with_no_python(saved, duckdb_cli, tmp_path):
    db_path, expected = saved
    script = str(tmp_path / "people.sql")
    run(FASTGEN + ["export", db_path, "people", "-o", script], check=True)
    other = str(tmp_path / "other.duckdb")
    with open(script) as f:
        run([duckdb_cli, other], stdin=f, check=True)
    sql = "SELECT count(*), sum(hash(t) >> 8) FROM fastgen_sample('people', 50000, seed := 7) t"
    out = run([duckdb_cli, "-csv", "-noheader", other, "-c", sql], check=True).stdout.strip()
    assert out == f"{expected[0]},{expected[1]}"
    spec = json.loads(run(FASTGEN + ["export", db_path, "people", "--format", "json"], check=True).stdout)
    assert spec == json.loads(run(FASTGEN + ["show", db_path, "people"], check=True).stdout)


def test_chunked_processes_add_up_to_one_run(saved, tmp_path):
    db_path, expected = saved
    ranges = [(0, 20000), (20000, 5000), (25000, 25000)]
    procs = [subprocess.Popen(FASTGEN + ["sample", db_path, "people", str(n), "--seed", "7", "--start", str(s),
                                         "--to", str(tmp_path / f"part-{k}.parquet")], stderr=subprocess.PIPE)
             for k, (s, n) in enumerate(ranges)]
    for p in procs:  # DuckDB lets one process write a file at a time: the sampler only reads it
        assert p.wait() == 0, p.stderr.read()
    con = fg.connect(":memory:")
    got = con.execute(f"SELECT count(*), sum(hash(t) >> 8) FROM '{tmp_path}/part-*.parquet' t").fetchall()[0]
    assert got == expected


def test_infer_prints_a_progress_line_per_stage_on_the_command_line_only(saved, tmp_path, capfd):
    db_path, _ = saved
    parquet = str(tmp_path / "people.parquet")
    con = fg.connect(db_path)
    con.execute(f"COPY people TO '{parquet}'")
    con.close()
    out = run(FASTGEN + ["infer", db_path, parquet, "--name", "from_file", "--rows", "1500"], check=True)
    stages = [line.split("s  ", 1)[1] for line in out.stderr.splitlines() if line.startswith("fastgen: ")]
    assert stages == ["from_file: sampling 1,500 of 2,000 rows", "from_file: profiling 14 columns",
                      "from_file: rules and pairs", "from_file: clusters", "from_file: copula",
                      "from_file: trial draws", "compiling 1 generator", "from_file: test sample"], out.stderr
    assert out.stdout.strip().startswith("from_file")
    seconds = [float(line.split()[1]) for line in out.stderr.splitlines() if line.startswith("fastgen: ")]
    assert seconds == sorted(seconds)
    con = fg.connect(db_path)   # the same call from SQL and Python prints nothing
    capfd.readouterr()
    fg.infer(con, parquet, name="quiet", rows=1500)
    con.sql(f"SELECT fastgen_infer('{parquet}', name := 'quiet_sql', \"rows\" := 1500)").fetchall()
    con.close()
    assert capfd.readouterr().err == ""


def test_infer_takes_a_locale_for_ddl(tmp_path):
    db = str(tmp_path / "pt.duckdb")
    ddl = "CREATE TABLE clients (id INTEGER PRIMARY KEY, first_name VARCHAR, city VARCHAR, phone VARCHAR)"
    run(FASTGEN + ["infer", db, ddl, "--locale", "pt_PT"], check=True)
    con = fg.connect(db)
    cols = {c["name"]: c for c in fg.spec(con, "clients")["columns"]}
    assert {cols[c].get("locale") for c in ("first_name", "city")} == {"pt_PT"}
    present, foreign = con.execute("SELECT count(phone), count(*) FILTER (WHERE phone NOT LIKE '+351%') "
                                   "FROM fastgen_sample('clients', 200)").fetchall()[0]
    assert present >= 150 and foreign == 0
    con.close()
    bad = run(FASTGEN + ["infer", db, ddl, "--locale", "xx_YY", "--replace"])
    assert bad.returncode == 1 and "locale" in bad.stderr and "xx_YY" in bad.stderr


def test_export_writes_a_whole_schema_parents_first(tmp_path):
    db, out = str(tmp_path / "s.duckdb"), str(tmp_path / "schema_spark.sql")
    run(FASTGEN + ["infer", db, "@" + os.path.join(os.path.dirname(__file__), "..", "examples", "shop_schema.sql")],
        check=True)
    run(FASTGEN + ["export", db, "--schema", "--dialect", "spark", "--scale", "0.01", "-o", out], check=True)
    text = open(out).read()
    created = [line.split()[2] for line in text.splitlines() if line.startswith("CREATE TABLE")]
    assert sorted(created) == ["customers", "order_lines", "orders", "products"]
    assert created.index("customers") < created.index("orders") < created.index("order_lines")
    assert created.index("products") < created.index("order_lines")
    con = fg.connect(db)
    assert text == fg.export_schema(con, None, "spark", 0.01)   # the CLI is the Python call
    con.close()
    for args, said in ((["--schema", "--format", "json"], "--schema writes SQL"),
                       ([], "name a generator, or pass --schema"), (["--schema", "nope"], "unknown schema 'nope'")):
        bad = run(FASTGEN + ["export", db, *args])
        assert bad.returncode == 1 and said in bad.stderr
