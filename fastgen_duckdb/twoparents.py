"""A column drawn given a pair of category lists at once: what two columns say together that neither says alone.

A conditional table (dependence.py) joins a column to one parent. Some columns follow a combination of two: the
penultimate episode of a season is a (season, episode) pair, an electrode is an (x, y) position, a price is a
(week, store) pair; given either parent alone such a column is all but free. Here every such triple is looked for
on the profile sample's codes: the pair's combinations are one parent of up to MAX_CELLS bins, and it is kept
where it removes EXPLAINS of the child's uncertainty and GAIN more than the best single parent the child could
have, and its table learned on half the rows predicts the other half's better than that parent's does. The
child is then drawn per combination (`given: {column, and, bins}`, bins = the first's values × the second's,
the bin = first's position × the second's values + the second's position); it conditions no other column, so
joint._pairs keeps the pairs only where a trial draw scores higher with them than without, and none are tried
beside hidden clusters (dependence.link).
"""
from __future__ import annotations

from .association import cramers_v
from .codes import HALF_SEED
from .conditionals import condition_codes
from .fallback import MAX_SHIFT

MAX_CELLS = 1024      # combinations of the two parents' values, at most...
MIN_CELL_ROWS = 5     # ... with this many sampled rows per combination seen, on average
EXPLAINS = 0.5        # the pair removes this share of the child's uncertainty (codes.Codes.explains)...
GAIN = 0.2            # ... this much more than the best single parent
DETERMINED = 0.9      # a column that removes this share of another's uncertainty is no pair's child
MAX_COLUMNS = 32      # candidate columns of a table searched (pairs × children grows as the cube of them)
SCREEN_ROWS = 8192    # rows the search runs on; a pair found is measured again on all
SMOOTH = 1.0          # rows of the child's own shares mixed into each combination's table for the held-out check


def find(codes, cols: list[dict], parents: list[int], children: list[int], refused: frozenset = frozenset()) -> list[tuple]:
    """(child, first, second, share explained) for every pair of `parents` (category lists) that explains a child
    (of `children`) as the module says, the strongest first; each child once, no child also a parent. `refused`:
    (child, first parent) names whose table a check dropped before (fallback.py)."""
    import numpy as np
    if len(cols) > MAX_COLUMNS or len(parents) < 2:
        return []
    rng = np.random.default_rng(HALF_SEED)
    rows = np.sort(rng.choice(codes.n, SCREEN_ROWS, replace=False)) if codes.n > SCREEN_ROWS else np.arange(codes.n)
    best = {c: max((codes.explained_by(codes.codes[:, p], c, rows) for p in range(len(cols)) if p != c),
                   default=0.0) for c in children}
    # a child that a single parent all but determines needs no pair; one that determines another column (a code
    # and its labels) is better that column's parent
    open_children = [c for c in children if best[c] <= 1 - GAIN and not any(
        codes.explained_by(codes.codes[:, c], x, rows) >= DETERMINED for x in range(len(cols)) if x != c)]
    found = []
    for i, a in enumerate(parents):
        for b in parents[i + 1:]:
            cells = codes.levels[a] * codes.levels[b]
            if cells > MAX_CELLS:
                continue
            pair = codes.pair(a, b)
            seen = len(np.unique(pair[pair >= 0]))
            if seen * MIN_CELL_ROWS > codes.n:
                continue
            for c in open_children:
                if c in (a, b) or (cols[c]["name"], cols[a]["name"]) in refused:
                    continue
                u = codes.explained_by(pair, c, rows)
                if u >= EXPLAINS and u >= best[c] + GAIN:
                    found.append((c, a, b, u))
    chosen = []
    for c, a, b, _ in sorted(found, key=lambda t: -t[3]):
        children_taken, parents_taken = {x[0] for x in chosen}, {p for x in chosen for p in x[1:3]}
        if c in children_taken | parents_taken or {a, b} & children_taken:
            continue
        pair = codes.pair(a, b)
        u = codes.explained_by(pair, c)
        single = max(range(len(cols)), key=lambda p: -1.0 if p == c else codes.explains(p, c))
        if u >= EXPLAINS and _apart(codes, pair, c, a, b) <= MAX_SHIFT \
                and _held_out(codes, pair, c) > _held_out(codes, codes.codes[:, single], c):
            chosen.append((c, a, b, u))
    return chosen


def _apart(codes, pair, child: int, a: int, b: int) -> float:
    """How far (total variation) the child's values would move if its two parents were drawn apart, each by its
    own shares, and a combination the sample never saw drew the child's own: a pair whose every combination the
    data holds (a season's episodes) moves it little; one the data holds few of (a season's ranks, 12 of 15
    each) draws mostly unseen ones. The sampler draws the parents apart unless one is drawn given the other, and
    the check after learning (fallback.py) drops a table that moves its child more than MAX_SHIFT."""
    import numpy as np
    child_codes = codes.codes[:, child]
    keep = (pair >= 0) & (child_codes >= 0)
    levels, cells = codes.levels[child], codes.levels[a] * codes.levels[b]
    if not keep.any():
        return 1.0
    table = np.bincount(pair[keep] * levels + child_codes[keep], minlength=cells * levels).reshape(cells, levels)
    own = table.sum(axis=0) / table.sum()
    shares = [np.bincount(codes.codes[:, x][codes.codes[:, x] >= 0], minlength=codes.levels[x]) for x in (a, b)]
    drawn = np.outer(*(s / max(s.sum(), 1) for s in shares)).reshape(-1)
    sums = table.sum(axis=1, keepdims=True)
    rows = np.where(sums > 0, table / np.maximum(sums, 1), own)
    return 0.5 * float(np.abs(drawn @ rows - own).sum())


def _held_out(codes, parent, child: int) -> float:
    """The mean log-likelihood, on the rows outside codes.half, of the child's codes (NULL one of its own) under
    its table per parent code learned on codes.half, each shrunk toward the child's own shares by SMOOTH rows."""
    import numpy as np
    a = codes.codes[:, child].astype(np.int64) + 2
    levels = codes.levels[child] + 2
    _, p = np.unique(np.asarray(parent, np.int64), return_inverse=True)
    learn, test = codes.half, ~codes.half
    if not learn.any() or not test.any():
        return float("-inf")
    k = int(p.max()) + 1
    counts = np.bincount(p[learn] * levels + a[learn], minlength=k * levels).reshape(k, levels).astype(float)
    own = np.bincount(a[learn], minlength=levels) + 0.5
    own = own / own.sum()
    probs = (counts + SMOOTH * own) / (counts.sum(axis=1, keepdims=True) + SMOOTH)
    return float(np.log(probs[p[test], a[test]]).mean())


def condition(codes, cols: list[dict], chosen: list[tuple]) -> None:
    """Each chosen child's table per combination of its pair (conditionals.condition_codes, over the pair's codes
    added for the while as a column of their own), `given.and` naming the second parent."""
    import numpy as np
    saved = codes.codes, codes.levels, codes.cols
    try:
        for c, a, b, _ in chosen:
            cells = saved[1][a] * saved[1][b]
            codes.codes = np.column_stack([saved[0], codes.pair(a, b).astype(np.int16)])
            codes.levels = saved[1] + [cells]
            codes.cols = saved[2] + [{"name": cols[a]["name"], "kind": "categorical", "values": [None] * cells}]
            condition_codes(codes, c, len(saved[2]), cramers_v(codes.table(c, len(saved[2]))))
            cols[c]["given"]["and"] = cols[b]["name"]
    finally:
        codes.codes, codes.levels, codes.cols = saved
