"""A table's joint model, learned on its profile sample: which relations between columns the sampler keeps.

In this order: exact rules (rules.py); then either the pair model (a conditional table per parent bin,
dependence.py) or hidden clusters (clusters.py) with a pair's table only where a category all but determines
another; a table per part that would shift its column's own distribution is dropped (fallback.py); a Gaussian
copula over what is left (copula.py). Where clusters apply, the pair model is learned too and a trial draw of
each decides (trial.py): clusters only where they draw rows closer to the sample, by trial.MARGIN.
"""
from __future__ import annotations

import copy as _copy

from . import clusters, copula, dependence, fallback, rules, trial
from .caller import progress


def learn(con, sample: str, cols: list[dict], rows: int, spec: dict, screening: dict) -> tuple[list[dict], dict | None, dict | None]:
    """(columns, the spec's `clusters`, its `copula`); `spec` holds the other fields of the spec (its name, for
    progress lines; all of them for the trial draws) and `screening` receives what was measured and chosen."""
    name = spec["name"]
    cols = rules.exact_relations(con, sample, cols)
    if clusters.applies(rows, cols):
        plain = _copy.deepcopy(cols)
        found: dict = {}
        mixed = dependence.link(con, sample, cols, found, only_functional=True)
        progress(f"{name}: clusters")
        hidden, assigned = clusters.fit(con, sample, mixed, found)
        if hidden is not None:
            mixed = fallback.check(mixed, hidden)
            pairs, measured = _pairs(con, sample, plain)
            progress(f"{name}: copula")
            mixed_joint, pairs_joint = copula.fit(con, sample, mixed, assigned), copula.fit(con, sample, pairs)
            progress(f"{name}: trial draws")
            scores = [trial.score(con, sample, {**spec, "columns": c, **_extra(h, j)})
                      for c, h, j in ((pairs, None, pairs_joint), (mixed, hidden, mixed_joint))]
            said = f"trial draws score {_score(scores[1])} with clusters, {_score(scores[0])} without"
            if scores[1] is not None and (scores[0] is None or scores[1] >= scores[0] + trial.MARGIN):
                screening.update(found, clusters_chosen=said)
                return mixed, hidden, mixed_joint
            screening.update(measured, clusters_refused=said)
            return pairs, None, pairs_joint
        screening.update(found)
        cols = plain
    cols, measured = _pairs(con, sample, cols)
    screening.update(measured)
    progress(f"{name}: copula")
    return cols, None, copula.fit(con, sample, cols)


def _pairs(con, sample: str, cols: list[dict]):
    """The pair model's conditional tables, checked, and what was measured for them."""
    measured: dict = {}
    return fallback.check(dependence.link(con, sample, cols, measured)), measured


def _score(x: float | None) -> str:
    return "none (it could not be drawn)" if x is None else f"{x:.4f}"


def _extra(hidden, joint) -> dict:
    return {**({"clusters": hidden} if hidden else {}), **({"copula": joint} if joint else {})}
