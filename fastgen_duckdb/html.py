"""The fidelity report as one self-contained HTML page: inline SVG plots, no script, no external file.

Per column, real and synthetic distributions side by side (histograms on the real column's bin edges for
numbers and dates, the most frequent values for categories); a heat map of every pair's score; free-text
diversity and copies; and the generator's rules, with their violations on both sides.
"""
from __future__ import annotations

import html

import numpy as np

from .fidelity import BINS, compare, relations
from .sqltext import ident
from .dtypes import as_number, type_family

REAL, SYNTH = "#4c72b0", "#dd8452"
W, H = 360, 150


def _esc(x) -> str:
    return html.escape(str(x))


def _bars(labels: list[str], real: list[float], synth: list[float], title: str) -> str:
    """Grouped bars: real and synthetic shares per label."""
    top = max(real + synth + [1e-9])
    slot = (W - 40) / max(1, len(labels))
    bars = []
    for i, (label, r, s) in enumerate(zip(labels, real, synth)):
        x = 30 + i * slot
        for k, (share, color) in enumerate(((r, REAL), (s, SYNTH))):
            h = (H - 40) * share / top
            bars.append(f'<rect x="{x + k * slot / 2:.1f}" y="{H - 25 - h:.1f}" width="{max(slot / 2 - 1, 0.5):.1f}" '
                        f'height="{h:.1f}" fill="{color}"><title>{_esc(label)}: {"real" if k == 0 else "synthetic"} '
                        f'{share:.3f}</title></rect>')
    first, last = (labels[0], labels[-1]) if labels else ("", "")
    return (f'<svg class="plot" width="{W}" height="{H}" role="img" aria-label="{_esc(title)}">'
            f'<text x="4" y="14" class="t">{_esc(title)}</text>{"".join(bars)}'
            f'<text x="30" y="{H - 8}" class="a">{_esc(str(first)[:19])}</text>'
            f'<text x="{W - 10}" y="{H - 8}" class="a" text-anchor="end">{_esc(str(last)[:19])}</text></svg>')


def _column_plot(con, real_rel: str, synth_rel: str, col: dict) -> str:
    family = type_family(col["type"])
    if col["kind"] in ("numeric", "datetime"):
        expr = as_number(ident(col["name"]), family)
        get = lambda rel: np.array([r[0] for r in con.execute(  # noqa: E731
            f"SELECT {expr} FROM {rel} WHERE {ident(col['name'])} IS NOT NULL").fetchall()], dtype=float)
        real, synth = get(real_rel), get(synth_rel)
        if not len(real) or not len(synth):
            return ""
        edges = np.histogram_bin_edges(real, bins=BINS * 3)
        r, _ = np.histogram(real, edges)
        s, _ = np.histogram(np.clip(synth, edges[0], edges[-1]), edges)
        labels = [f"{edges[i]:.4g}" for i in range(len(r))]
        if family in ("date", "timestamp", "time"):
            first, last = con.execute(f"SELECT min({ident(col['name'])})::VARCHAR, max({ident(col['name'])})::VARCHAR "
                                      f"FROM {real_rel}").fetchall()[0]
            labels[0], labels[-1] = first, last
        return _bars(labels, list(r / r.sum()), list(s / s.sum()), col["name"])
    rows = con.execute(f"""
        WITH r AS (SELECT {ident(col['name'])}::VARCHAR AS v, count(*) / sum(count(*)) OVER () AS f FROM {real_rel}
                   WHERE {ident(col['name'])} IS NOT NULL GROUP BY 1),
             s AS (SELECT {ident(col['name'])}::VARCHAR AS v, count(*) / sum(count(*)) OVER () AS f FROM {synth_rel}
                   WHERE {ident(col['name'])} IS NOT NULL GROUP BY 1)
        SELECT coalesce(r.v, s.v), coalesce(r.f, 0), coalesce(s.f, 0) FROM r FULL JOIN s USING (v)
        ORDER BY coalesce(r.f, 0) DESC, 1 LIMIT 20""").fetchall()
    return _bars([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], col["name"])


def _heat(pairs: list[dict], names: list[str]) -> str:
    score = {tuple(p["columns"]): p["score"] for p in pairs}
    cells = []
    for a in names:
        row = [f"<th>{_esc(a)}</th>"]
        for b in names:
            s = score.get((a, b), score.get((b, a)))
            if s is None:
                row.append("<td></td>")
            else:  # white at 1, red as the score falls to 0.5 and below
                g = int(255 * max(0.0, min(1.0, (s - 0.5) / 0.5)))
                row.append(f'<td style="background: rgb(255,{g},{g})" title="{_esc(a)} × {_esc(b)}">{s:.2f}</td>')
        cells.append("<tr>" + "".join(row) + "</tr>")
    head = "<tr><th></th>" + "".join(f"<th class='v'>{_esc(n)}</th>" for n in names) + "</tr>"
    return f'<table class="heat" id="pairs">{head}{"".join(cells)}</table>'


def render(con, gen: str, n: int | None = None, seed: int = 42) -> str:
    spec, real_rel, synth_rel = relations(con, gen, n, seed)
    scores = compare(con, real_rel, synth_rel, spec["columns"])
    real_s = f"(SELECT * FROM {real_rel} USING SAMPLE 100000 ROWS (reservoir, 42))"
    synth_s = f"(SELECT * FROM {synth_rel} USING SAMPLE 100000 ROWS (reservoir, 42))"
    by_name = {c["name"]: c for c in spec["columns"]}
    shapes = "".join(
        f'<div class="col"><div>{_column_plot(con, real_s, synth_s, by_name[c["column"]])}</div>'
        f'<div class="score">{_esc(c["metric"])} <b>{c["score"]:.3f}</b> · nulls {c["null_real"]:.3f} → '
        f'{c["null_synth"]:.3f}{_drawn(by_name[c["column"]])}</div></div>'
        for c in scores["columns"])
    texts = "".join(f"<tr><td>{_esc(t['column'])}</td><td>{t['unique_real']:.3f}</td><td>{t['unique_synth']:.3f}</td>"
                    f"<td>{t['copied']:.2%}</td></tr>" for t in scores["text"])
    text_table = ('<table id="text"><tr><th>column</th><th>unique (real)</th><th>unique (synthetic)</th>'
                  f'<th>copied from real</th></tr>{texts}</table>' if texts else "<p>No free-text columns.</p>")
    checks = "".join(f"<tr><td>{_esc(c['rule'])}</td><td>{c['real']:,}</td><td>{c['synthetic']:,}</td></tr>"
                     for c in scores["checks"])
    check_table = ('<table id="rules"><tr><th>rule</th><th>violations (real)</th><th>violations (synthetic)</th></tr>'
                   f'{checks}</table>' if checks else "<p>No rules to check.</p>")
    fmt = lambda x: "n/a" if x is None else f"{x:.3f}"  # noqa: E731
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fastgen report: {_esc(gen)}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }}
.cards {{ display: flex; gap: 16px; margin: 12px 0 20px; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 10px 16px; }}
.card b {{ display: block; font-size: 24px; }}
.grid {{ display: flex; flex-wrap: wrap; gap: 14px; }}
.col {{ border: 1px solid #eee; border-radius: 6px; padding: 6px; }}
.score {{ font-size: 12px; color: #555; }}
.t {{ font-size: 12px; font-weight: 600; }} .a {{ font-size: 10px; fill: #666; }}
.legend span {{ display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ddd; padding: 3px 6px; font-size: 12px; }}
.heat td {{ text-align: center; min-width: 34px; }} th.v {{ writing-mode: vertical-rl; }}
</style></head><body>
<h1>fastgen report: {_esc(gen)}</h1>
<p>{scores['real_rows']:,} real rows ({_esc(spec.get('source'))}) against {scores['synthetic_rows']:,} synthetic rows
(seed {int(seed)}), scored with SDMetrics' formulas over every column and every pair.
<span class="legend"><span style="background:{REAL}"></span>real<span style="background:{SYNTH}"></span>synthetic</span></p>
<div class="cards">
<div class="card" id="overall">overall<b>{fmt(scores['overall'])}</b></div>
<div class="card" id="shapes">column shapes<b>{fmt(scores['column_shapes'])}</b></div>
<div class="card" id="trends">column pair trends<b>{fmt(scores['column_pair_trends'])}</b></div>
</div>
<h2>Columns</h2><div class="grid" id="columns">{shapes}</div>
<h2>Pairs</h2><p>CorrelationSimilarity for two numeric columns, ContingencySimilarity otherwise (1 = same).</p>
{_heat(scores['pairs'], [c['column'] for c in scores['columns']])}
<h2>Free text</h2>{text_table}
<h2>Rules</h2><p>What the generator keeps by construction, counted on both sides.</p>{check_table}
</body></html>
"""


def _drawn(col: dict) -> str:
    """What a column is drawn given, if anything: a parent column, or the row's hidden cluster."""
    if "given" in col:
        return " · given " + " and ".join(_esc(col["given"][k]) for k in ("column", "and") if col["given"].get(k))
    return " · per cluster" if "cluster" in col else ""
