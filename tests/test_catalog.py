"""Generators persist in the file; listing, showing, editing and dropping; failures leave nothing behind."""
import json
import subprocess
import sys

import duckdb
import pytest

import fastgen_duckdb as fg
from fastgen_duckdb import catalog
from data import make_people


def fastgen_objects(con):
    """Every object a generator owns: catalog rows, macros, parameter tables."""
    return (con.execute("SELECT count(*) FROM fastgen.generators").fetchall()[0][0],
            con.execute("SELECT count(*) FROM duckdb_functions() WHERE schema_name = 'fastgen'").fetchall()[0][0],
            con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'fastgen' AND table_name LIKE 'params_%'").fetchall()[0][0])


def test_list_show_edit_drop(con):
    make_people(con, 2000)
    assert con.execute("SELECT fastgen_infer('people')").fetchall()[0][0] == "people"
    listed = con.execute("SELECT name, source, source_rows, columns, inferred_by FROM fastgen_generators()").fetchall()
    assert listed == [("people", "people", 2000, 14, "offline")]
    spec = json.loads(con.execute("SELECT fastgen_spec('people')").fetchall()[0][0])
    assert spec == fg.spec(con, "people") and spec["fastgen_spec"] == 1

    plan = next(c for c in spec["columns"] if c["name"] == "plan")
    plan["values"], plan["weights"] = ["gold"], [1]
    assert con.execute("SELECT fastgen_import(?)", [json.dumps(spec)]).fetchall()[0][0] == "people"
    assert con.execute("SELECT DISTINCT plan FROM fastgen_sample('people', 100)").fetchall() == [("gold",)]

    assert con.execute("SELECT fastgen_drop('people')").fetchall()[0][0] == "people"
    assert fastgen_objects(con) == (0, 0, 0)
    with pytest.raises(fg.GeneratorError, match="unknown generator 'people'"):
        fg.drop(con, "people")


def test_infer_refuses_to_overwrite_unless_asked(con):
    make_people(con, 500)
    fg.infer(con, "people")
    with pytest.raises(duckdb.Error, match="exists; pass replace := true"):
        con.execute("SELECT fastgen_infer('people')").fetchall()
    con.execute("SELECT fastgen_infer('people', replace := true, rows := 100)")
    con.execute("SELECT fastgen_infer('people', name := 'people_2')")
    assert catalog.names(con) == ["people", "people_2"]


@pytest.mark.parametrize("edit, message", [
    (lambda s: s["columns"][2].update(kind="banana"), "kind must be one of"),
    (lambda s: s["columns"][2].update(quantiles=[5, 1, 3]), "must be sorted ascending"),
    (lambda s: s["columns"][5].update(values=["a", None], weights=[1, 1]), "cannot be null"),
    (lambda s: s["columns"][3].update(type="INTEGER); DROP TABLE people; --"), "not a DuckDB type"),
    (lambda s: s["columns"][8].update(quantiles=["not a date", "2020-01-01"]), "quantiles must be ISO date"),
    (lambda s: s["columns"][0].update(step=0), "step must be >= 1"),
    (lambda s: s["columns"][6].update(values=["x"], weights=[-1]), "weights must be non-negative"),
    (lambda s: s["columns"][2].update(type="BLOB"), "cannot generate"),
    (lambda s: s.update(fastgen_spec=99), "unknown spec version"),
    (lambda s: s["columns"].append(dict(s["columns"][0])), "duplicate column name"),
])
def test_nonsense_edits_are_refused_and_the_old_generator_kept(con, edit, message):
    make_people(con, 500)
    fg.infer(con, "people")
    before = fg.spec(con, "people")
    spec = fg.spec(con, "people")
    edit(spec)
    with pytest.raises(fg.SpecError, match=message):
        fg.import_spec(con, spec)
    assert fg.spec(con, "people") == before
    assert con.execute("SELECT count(*) FROM people").fetchall()[0][0] == 500
    assert len(fg.sample(con, "people", 10).fetchall()) == 10


def test_failure_after_compiling_rolls_everything_back(con, monkeypatch):
    make_people(con, 500)

    def broken(cur, spec):
        raise fg.SpecError("simulated failure after the macro was created")
    monkeypatch.setattr(catalog, "_check_output", broken)
    with pytest.raises(fg.SpecError, match="simulated"):
        fg.infer(con, "people")
    assert fastgen_objects(con) == (0, 0, 0)


def test_generators_persist_for_a_new_process(db_path):
    con = fg.connect(db_path)
    make_people(con, 1000)
    fg.infer(con, "people")
    expected = sorted(con.execute("SELECT hash(t) FROM fastgen_sample('people', 300, seed := 4) t").fetchall())
    con.close()
    # a new process with plain duckdb (no fastgen import) samples the same rows
    code = ("import duckdb,sys; c=duckdb.connect(sys.argv[1], read_only=True); "
            "print(sorted(c.execute(\"SELECT hash(t) FROM fastgen_sample('people', 300, seed := 4) t\").fetchall()))")
    out = subprocess.run([sys.executable, "-c", code, db_path], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(expected)


def test_the_python_api_works_on_a_plain_duckdb_connection(tmp_path):
    """duckdb.connect() rather than fastgen_duckdb.connect(): the first call gives it fastgen's catalog and
    functions, so infer, sample and the SQL twins all work; an unknown name says how to learn one, in Python."""
    con = duckdb.connect(str(tmp_path / "plain.duckdb"))
    con.execute("CREATE TABLE t AS SELECT range AS id, range % 3 AS grp FROM range(300)")
    with pytest.raises(fg.GeneratorError, match=r"none yet: learn one with fg\.infer\(con, '<table>'\) first"):
        fg.spec(con, "t")
    assert fg.infer(con, "t") == "t"
    assert sorted(g for (g,) in con.execute("SELECT DISTINCT grp FROM fastgen_sample('t', 1000)").fetchall()) == [0, 1, 2]
    assert fg.sample(con, "t", 10).shape == (10, 2)
    assert con.execute("SELECT fastgen_drop('t')").fetchall() == [("t",)]
