"""A table's joint model, learned on its profile sample: which relations between columns the sampler keeps.

In this order: exact rules (rules.py); then either the pair model (a conditional table per parent bin,
dependence.py) or hidden clusters (clusters.py) with a pair's table only where a category all but determines
another; a table per part that would shift its column's own distribution is dropped (fallback.py); a Gaussian
copula over what is left (copula.py). Where clusters apply, the pair model is learned too and a trial draw of
each decides (trial.py): clusters only where they draw rows closer to the sample, by trial.MARGIN. Where group
ids stored as numbers could be drawn as their values (groups.py), the table is learned both ways and a trial draw
decides again, the group ids kept only where they copy no more rows than the sample's own duplicates or the
draw without them (trial.copies_no_more: within the noise of a trial draw's share). Where
a number was drawn per value of a long category that determines it (a village's take-up rate, but also a
family's father's height: dependence._functional), the table is learned without such links too, and they are
kept only where a trial draw with them copies no more rows (trial.copies_no_more): a group's numbers drawn
exactly can rebuild its real rows. (A label drawn per its code adds nothing a row copy would need.)
"""
from __future__ import annotations

import copy as _copy

from . import clusters, copula, dependence, fallback, rules, trial
from .caller import progress

RELINKS = 3   # passes of the pair model over the columns a dropped table left free


def learn(con, sample: str, cols: list[dict], rows: int, spec: dict, screening: dict,
          regrouped: list[dict] | None = None) -> tuple[list[dict], dict | None, dict | None]:
    """(columns, the spec's `clusters`, its `copula`); `spec` holds the other fields of the spec (its name, for
    progress lines; all of them for the trial draws) and `screening` receives what was measured and chosen.
    `regrouped`: the columns with group ids drawn as their values (groups.regroup), tried against `cols`."""
    if regrouped is None:
        return _private(con, sample, cols, rows, spec, screening)
    regrouped = _copy.deepcopy(regrouped)   # learning writes into the columns: the two share the unchanged ones
    plain = _private(con, sample, cols, rows, spec, screening)
    found: dict = {}
    grouped = _private(con, sample, regrouped, rows, spec, found)
    progress(f"{spec['name']}: trial draws for group ids")
    # scored alike, on the group ids as categories: what they determine is what is tried
    a, b = (trial.measure(con, sample, {**spec, "columns": c, **fields(h, j)}, grouped[0]) for c, h, j in (plain, grouped))
    said = (f"trial draws score {_score(b and b['overall'])} with group ids as values, "
            f"{_score(a and a['overall'])} without")
    if b is not None and (a is None or b["overall"] >= a["overall"] + trial.MARGIN):
        if trial.copies_no_more(b, a):
            screening.clear()
            screening.update(found, groups_chosen=said)
            return grouped
        said += f", but {b['copies']:.2%} of their rows equal sampled ones, where {trial.held(b, a):.2%} would"
    screening.update(groups_refused=said)
    return plain


def _private(con, sample: str, cols: list[dict], rows: int, spec: dict, screening: dict):
    """_learn, kept only where its numbers drawn per value of a long category that determines them copy no more
    sampled rows than the same table learned without those links."""
    original = _copy.deepcopy(cols)   # learning writes into the columns
    learned = _learn(con, sample, cols, rows, spec, screening)
    if not screening.get("functional_numbers"):
        return learned
    progress(f"{spec['name']}: trial draws for numbers a long category determines")
    found: dict = {}
    apart = _learn(con, sample, original, rows, spec, found, long_numbers=False)
    with_links, without = (trial.measure(con, sample, {**spec, "columns": c, **fields(h, j)})
                           for c, h, j in (learned, apart))
    if trial.copies_no_more(with_links, without):
        return learned
    screening.clear()
    screening.update(found, functional_numbers_refused=f"{with_links['copies']:.2%} of trial rows equal sampled ones "
                     f"with them, {without['copies'] if without else 0:.2%} without, {with_links['duplicates']:.2%} "
                     "of sampled rows repeat" if with_links else "it could not be drawn")
    return apart


def _learn(con, sample: str, cols: list[dict], rows: int, spec: dict, screening: dict, long_numbers: bool = True,
           refused: frozenset = frozenset(), raised: frozenset = frozenset()):
    """The joint model; a total drawn as the sum of its parts (rules._totals) whose trial draw comes out more than
    fallback.MAX_SHIFT from its own distribution (parts drawn with too little of their dependence) is refused,
    and the table learned again without it: the total is then drawn as a column of its own. A later column drawn
    as a gap per bin of its earlier one, where it would otherwise be raised to it (rules._order), stays so only
    where a trial draw scores at least as high as the table learned with it raised: raised, it stays in the
    dependence model with its other columns (a storm's diameter with its wind)."""
    original = _copy.deepcopy(cols)
    binned: set[str] = set()
    learned = _joint(con, sample, rules.exact_relations(con, sample, cols, refused, raised, binned), rows, spec,
                     screening, long_numbers)
    totals = [c["name"] for c in learned[0] if len((c.get("equals") or {}).get("sum", [])) > 2]
    if totals:
        progress(f"{spec['name']}: trial draw for totals")
        drawn = trial.measure(con, sample, {**spec, "columns": learned[0], **fields(learned[1], learned[2])})
        shifted = {t for t in totals if drawn is None or drawn["shapes"].get(t, 0.0) < 1 - fallback.MAX_SHIFT}
        if shifted:
            screening.clear()
            again = _learn(con, sample, original, rows, spec, screening, long_numbers, refused | shifted, raised)
            screening["totals_refused"] = "; ".join(
                f"{t} drawn as the sum of its parts scores {drawn['shapes'].get(t, 0.0):.3f} against its own "
                f"distribution" if drawn else f"{t}: the table could not be drawn with it" for t in sorted(shifted))
            return again
    if not binned:
        return learned
    progress(f"{spec['name']}: trial draws for gaps per bin")
    found: dict = {}
    other = _learn(con, sample, original, rows, spec, found, long_numbers, refused, raised | binned)
    a, b = (trial.measure(con, sample, {**spec, "columns": c, **fields(h, j)}) for c, h, j in (learned, other))
    said = (f"trial draws score {_score(a and a['overall'])} with {', '.join(sorted(binned))} drawn as a gap after "
            f"its earlier column, {_score(b and b['overall'])} raised to it")
    if a is not None and (b is None or _better(a, b, binned)):
        screening["gaps_by_bin_chosen"] = said
        return learned
    screening.clear()
    screening.update(found, gaps_by_bin_refused=said)
    return other


def _joint(con, sample: str, cols: list[dict], rows: int, spec: dict, screening: dict, long_numbers: bool):
    name = spec["name"]
    if clusters.applies(rows, cols):
        plain = _copy.deepcopy(cols)
        found: dict = {}
        mixed = dependence.link(con, sample, cols, found, only_functional=True, long_numbers=long_numbers)
        progress(f"{name}: clusters")
        hidden, assigned = clusters.fit(con, sample, mixed, found)
        if hidden is not None:
            mixed = fallback.check(mixed, hidden)
            pairs, measured = _pairs(con, sample, plain, long_numbers, spec)
            progress(f"{name}: copula")
            mixed_joint, pairs_joint = copula.fit(con, sample, mixed, assigned), copula.fit(con, sample, pairs)
            progress(f"{name}: trial draws")
            scores = [trial.score(con, sample, {**spec, "columns": c, **fields(h, j)})
                      for c, h, j in ((pairs, None, pairs_joint), (mixed, hidden, mixed_joint))]
            said = f"trial draws score {_score(scores[1])} with clusters, {_score(scores[0])} without"
            if scores[1] is not None and (scores[0] is None or scores[1] >= scores[0] + trial.MARGIN):
                screening.update(found, clusters_chosen=said)
                return mixed, hidden, mixed_joint
            screening.update(measured, clusters_refused=said)
            return pairs, None, pairs_joint
        screening.update(found)
        cols = plain
    cols, measured = _pairs(con, sample, cols, long_numbers, spec)
    screening.update(measured)
    progress(f"{name}: copula")
    return cols, None, copula.fit(con, sample, cols)


def _pairs(con, sample: str, cols: list[dict], long_numbers: bool = True, spec: dict | None = None):
    """The pair model's conditional tables, checked, and what was measured for them. Where a column is drawn given
    a pair of category lists (twoparents.py) and `spec` is given, the tables are learned without such pairs too,
    and the pairs are kept only where a trial draw scores trial.MARGIN higher with them: a pair's child is the
    last of its paths, where it might have parented others (a household's size, the sum of its members' counts,
    given two of them: 0.0007 higher, and its oldest members' count drawn worse from the others)."""
    original = _copy.deepcopy(cols) if spec is not None else None   # learning writes into the columns
    cols, measured = _relink(con, sample, cols, long_numbers, True)
    if spec is None or not any((c.get("given") or {}).get("and") for c in cols):
        return cols, measured
    progress(f"{spec['name']}: trial draws for columns given two parents")
    apart, found = _relink(con, sample, original, long_numbers, False)
    a, b = (trial.score(con, sample, {**spec, "columns": c}) for c in (cols, apart))
    said = f"trial draws score {_score(a)} with columns given two parents, {_score(b)} without"
    if a is not None and (b is None or a >= b + trial.MARGIN):
        measured["two_parents_chosen"] = said
        return cols, measured
    found["two_parents_refused"] = said
    return apart, found


def _relink(con, sample: str, cols: list[dict], long_numbers: bool, two_parents: bool):
    """The conditional tables and the check (fallback.py). A column chosen as the parent of a table the check
    drops is no parent after all, so it may be another's child (an item's class, chosen to parent its brand's
    number, is then that number's child): the columns left free are linked again, without the dropped pairs,
    until no table is dropped (RELINKS passes at most; one for a table wider than clusters.MAX_COLUMNS, where a
    pass costs seconds)."""
    measured: dict = {}
    refused: set[tuple[str, str]] = set()
    for again in range(RELINKS if len(cols) <= clusters.MAX_COLUMNS else 1):
        if again:
            measured["relinked"] = again
        before = {c["name"] for c in cols if c.get("given")}
        linked = dependence.link(con, sample, cols, measured if not again else {}, long_numbers=long_numbers,
                                 refused=frozenset(refused), two_parents=two_parents)
        chosen = {c["name"]: c["given"]["column"] for c in linked if c.get("given") and c["name"] not in before}
        cols = fallback.check(linked)
        dropped = {(child, parent) for child, parent in chosen.items()
                   if not any(c["name"] == child and c.get("given") for c in cols)}
        if not dropped:
            break
        refused |= dropped
    return cols, measured


def _better(a: dict, b: dict, columns: set[str]) -> bool:
    """Whether trial draw a is at least as good as b: it scores trial.MARGIN higher, or within MARGIN of b (which
    5,000 rows cannot tell apart), draws `columns` at least as close to their own distributions (a survival time
    raised to its recurrence's came out KS 0.03 from its own, where a gap per bin kept it at 0.01, for 0.0006 of
    overall score)."""
    if abs(a["overall"] - b["overall"]) >= trial.MARGIN:
        return a["overall"] > b["overall"]
    shape = lambda m: min(m["shapes"].get(c, 0.0) for c in columns)   # noqa: E731
    return shape(a) >= shape(b)


def _score(x: float | None) -> str:
    return "none (it could not be drawn)" if x is None else f"{x:.4f}"


def fields(hidden, joint) -> dict:
    """The spec's fields for a learned joint model: `clusters` and `copula`, each where there is one."""
    return {**({"clusters": hidden} if hidden else {}), **({"copula": joint} if joint else {})}
