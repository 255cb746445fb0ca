"""The HTML fidelity report: self-contained, and what headless Chromium shows is what the scores say."""
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

import fastgen_duckdb as fg
from data import make_people


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.cards, self.heat_cells, self.external, self._card = [], {}, 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.svgs.append(attrs.get("aria-label"))
        if tag == "div" and attrs.get("class") == "card":
            self._card = attrs["id"]
        if tag == "td" and "background" in (attrs.get("style") or ""):
            self.heat_cells += 1
        for key in ("src", "href"):
            if attrs.get(key):
                self.external.append(attrs[key])

    def handle_data(self, data):
        if self._card and re.fullmatch(r"\d\.\d{3}", data.strip()):
            self.cards[self._card] = float(data)
            self._card = None


@pytest.fixture
def report_page(con, tmp_path):
    make_people(con, 3000)
    fg.infer(con, "people")
    path = str(tmp_path / "people.html")
    scores = fg.report(con, "people", 5000, html=path)
    return scores, path


def test_page_is_self_contained_and_matches_the_scores(report_page):
    scores, path = report_page
    page = Page()
    page.feed(open(path, encoding="utf-8").read())
    assert page.external == []  # no scripts, stylesheets or images to fetch
    assert page.svgs == [c["column"] for c in scores["columns"]]
    assert page.cards == {"overall": round(scores["overall"], 3), "shapes": round(scores["column_shapes"], 3),
                          "trends": round(scores["column_pair_trends"], 3)}
    n = len(scores["columns"])
    assert page.heat_cells == n * (n - 1)  # every pair, both halves of the matrix
    rules = re.search(r'<table id="rules">(.*?)</table>', open(path, encoding="utf-8").read(), re.S).group(1)
    assert rules.count("<tr>") == len(scores["checks"]) + 1 and "person_id is unique" in rules
    assert all(c["synthetic"] == 0 for c in scores["checks"])


def test_headless_chromium_renders_it(report_page, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("FASTGEN_REQUIRE_CHROMIUM"):
            raise AssertionError("chromium is not installed")
        pytest.skip("chromium not installed (apt-get install chromium)")
    scores, path = report_page
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2400"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", f"file://{path}"], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "fastgen report: people" in dom and dom.count("<svg") == len(scores["columns"])
    assert f"{scores['overall']:.3f}" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", f"file://{path}"], capture_output=True, timeout=120,
                   check=True)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000  # a rendered page, not a blank one


def test_rule_checks_count_violations_on_both_sides(con):
    from fastgen_duckdb.fidelity import rule_checks
    con.execute("CREATE TABLE r AS SELECT i AS k, i % 3 + 1 AS a, i AS b FROM range(10) t(i)")  # b < a for i < 3
    columns = [{"name": "k", "type": "BIGINT", "kind": "key", "nulls": 0.0},
               {"name": "b", "type": "BIGINT", "kind": "numeric", "nulls": 0.0, "at_least": "a"}]
    synth = "(SELECT 1 AS k, 2 AS a, 1 AS b UNION ALL SELECT 1, 0, NULL)"
    assert rule_checks(con, "r", synth, columns) == [
        {"rule": "k is unique", "real": 0, "synthetic": 1}, {"rule": "k is never null", "real": 0, "synthetic": 0},
        {"rule": "b is never null", "real": 0, "synthetic": 1}, {"rule": "b ≥ a", "real": 3, "synthetic": 1}]
