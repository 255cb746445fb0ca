"""Relations between columns, learned on the profile sample, in a form the pure-SQL sampler can draw.

FASTGEN draws each field on its own, which flattens relations such as TPC-H's order status by order date
(all 'F' before mid-1995, all 'O' after). Three layers, in this order:
  exact rules      c = a * b, a + b, and orderings (b = a + a gap) that hold on every sampled row; the model's
                   proposed relations are checked here too (rules.py)
  conditional      a categorical or numeric column drawn per bin of one parent (link, here), or per combination
  tables           of a pair of category lists (twoparents.py): weights or quantile knots per bin; a numeric
                   parent's equal-frequency bins are equal slices of its uniform
  a copula         a Gaussian copula on the ranks the sampler's uniforms stand for (copula.py)
This module screens the pairs of a table of any width (codes.py), chooses which to condition (their tables:
conditionals.py), and prunes dependence that later steps made impossible (prune).
"""
from __future__ import annotations

import math

from . import missing, twoparents
from .association import correlation_ratio, cramers_v, mutual_information, normal_quantile
from .spec import MAX_DEPTH, copula_member, given_names, readable_parent
from .codes import BINS, CODE_CHUNK, MIN_ROWS, Codes, screen
from .conditionals import NUMERIC_KNOTS, condition_codes

MIN_V = 0.3        # the bias-corrected V a relation needs on a small sample (min_strength)...
MIN_V_FLOOR = 0.1  # ... and on one large enough for its conditional table's cells
ALPHA = 1e-3       # the chance, over all the pairs tested, that independent columns pass for related
HELD_OUT_MARGIN = 0.01     # a weaker relation's table is kept where it draws held-out rows' pairs this much closer
                           # (total variation) than drawing the two apart (_predicts)
BUDGET_PAIRS = 512         # pairs measured in full on the whole sample, at least...
BUDGET_PER_COLUMN = 2      # ... or this many per candidate column; wider tables are screened first
MAX_FD_CELLS = 1 << 18     # a functional link's table: parent values × child values (a 512 × 512 one-to-one)
MAX_VALUES = 64    # categorical parents of at most this many values (one table per value)...
MAX_NUMERIC_PARENT_VALUES = 256  # ... or this many for a numeric child, with at least
MIN_ROWS_PER_VALUE = 30          # this many rows with both per value
MAX_CHILD_VALUES = 1024  # categorical children of at most this many values (bias-corrected V keeps out noise)
MAX_FD_VALUES = 1024       # a category determining another has at most this many values
DETERMINED = 0.9           # beside hidden clusters, a pair's table is kept where the parent explains this much
EXPLAINED = 0.5            # a long category explaining this much of a number's variance (adjusted) is its parent


def link(con, sample: str, cols: list[dict], report: dict | None = None, only_functional: bool = False,
         long_numbers: bool = True, refused: frozenset = frozenset(), two_parents: bool = True) -> list[dict]:
    """Give categorical and numeric columns a `given` parent where the sample shows a strong relation:
    per parent bin, category weights or quantile knots (and, where the parent is often NULL, the child's
    distribution given a NULL parent).

    Every candidate column is coded once (Codes: a category's position, a number's equal-frequency bin).
    Small tables have every pair measured on the full sample; wider ones are screened first (codes.screen: all
    pairs' contingency tables at once, from one matrix product of coarse codes on a row sample), and only the
    strongest `budget` pairs are measured in full. A relation counts when it is significant among all the pairs
    tested and strong enough for the sample's size, or its table predicts held-out rows (_strength). `report`, if
    given, receives what was done.

    The strongest relations are taken first (ties of V, to two decimals, by mutual information). V is
    symmetric, so each is pointed away from the more central column (the larger sum of strong V's), which then
    serves as the parent of all its relations: a hub such as a species is drawn first and conditions the
    measurements, rather than being read off one of them. A category that determines another one (a code and
    its label) may have up to MAX_FD_VALUES values. With `only_functional` (a table drawn through hidden clusters,
    clusters.py, which hold its other relations), a pair is conditioned only where a categorical parent all but
    determines the child (it removes DETERMINED of its uncertainty: a code and its label). The parent is drawn per
    cluster too; a number's bins would be ranks within a cluster. How many numbers were conditioned on a long
    category that determines them is reported (`functional_numbers`), for joint.py to try the table without them
    (`long_numbers` False: no such links; a category's label keeps its code). `refused`: (child, parent) names
    never linked (tables a check dropped before). `two_parents`: whether a column may be drawn given a pair of
    category lists (twoparents.py), which is looked for before the single links."""
    import numpy as np

    def can_parent(c, functional=False, child=None, rows=0):
        if c["kind"] != "categorical":
            return c["kind"] in ("numeric", "datetime")
        values = len(c["values"])
        if functional or values <= MAX_VALUES:
            return values <= (MAX_FD_VALUES if functional else MAX_VALUES)
        # a number per value of a longer list (a series id and its counts, a country and its GDP): knots per
        # value, where the rows with both (`rows`) are enough for them
        return child is not None and child["kind"] == "numeric" and values <= MAX_NUMERIC_PARENT_VALUES \
            and rows >= MIN_ROWS_PER_VALUE * values

    def can_child(c):
        return c["kind"] == "numeric" or c["kind"] == "categorical" and 2 <= len(c["values"]) <= MAX_CHILD_VALUES
    free = [c for c in cols if not has_rule(c) and (can_parent(c, True) or can_child(c))]
    pairs = [(i, j) for i in range(len(free)) for j in range(i + 1, len(free))
             if _directions(free[i], free[j], can_child, can_parent, True)]
    budget = max(BUDGET_PAIRS, BUDGET_PER_COLUMN * len(free))
    info = {"pairs": len(pairs), "budget": budget, "pairs_screened": 0, "screen_rows": 0, "pairs_profiled": 0}
    if not pairs:
        _report(report, info)
        return cols
    codes = Codes(con, sample, free)
    if codes.n < MIN_ROWS:
        _report(report, info)
        return cols
    functional = {(p, c) for p, c in _functional(con, sample, codes, free, can_child)   # (parent, child)
                  if long_numbers or free[c]["kind"] != "numeric"}
    linked = {tuple(sorted(p)) for p in functional}
    if len(pairs) > budget:   # screen every pair on coarse codes, measure the strongest in full
        screened, rows = screen(codes)
        info.update(pairs_screened=len(pairs), screen_rows=rows)
        score = np.array([screened[i, j] for i, j in pairs])
        keep = set(np.argsort(-score, kind="stable")[:budget].tolist())
        pairs = [p for k, p in enumerate(pairs) if k in keep or p in linked]
    info["pairs_profiled"] = len(pairs)
    measured, nullables = [], []
    for i, j in pairs:
        table = codes.table(i, j)
        v, nulls = cramers_v(table), False
        for axis, number, category in ((0, i, j), (1, j, i)):   # a number by a category of many values that
            if free[number]["kind"] == "numeric" and free[category]["kind"] == "categorical" \
                    and len(free[category]["values"]) > MAX_VALUES \
                    and can_parent(free[category], (category, number) in functional, free[number],
                                   float(table.sum())):   # can be its parent
                v = max(v, correlation_ratio(table, axis))
        # NULL as a value of its own: where one column is NULL is often what the other says (a relapse's year
        # is NULL where there was none), a relation the rows with both values cannot show. Between two columns
        # with NULLs, NULLs that come together are missing.py's blocks
        nullable = None
        if (codes.null_rows[i] >= MIN_ROWS) != (codes.null_rows[j] >= MIN_ROWS):
            with_nulls = cramers_v(codes.table(i, j, nulls=True))
            if with_nulls > v:
                v, nulls = with_nulls, True
            nullable = i if codes.null_rows[i] >= MIN_ROWS else j
        measured.append((v, mutual_information(table), float(table.sum()), nulls, None))
        nullables.append(nullable if nullable is not None and can_child(free[nullable]) else None)
    found = {k: _strength(codes, i, j, measured[k][3], measured[k][0], info["pairs"])
             for k, (i, j) in enumerate(pairs) if measured[k][0] >= MIN_V_FLOOR}
    # and where a pair is no relation of values, whether the one column is NULL alone may be: a count reported from
    # some year on (V 0.15 over its values' bins by year, 0.82 over NULL or not), the NULL column then the child,
    # drawing its NULL share per bin
    for k, (i, j) in enumerate(pairs):
        if found.get(k) or nullables[k] is None:
            continue
        v = cramers_v(_table(codes, i, j, False, nullables[k]))
        if v >= MIN_V_FLOOR:
            found[k] = _strength(codes, i, j, False, v, info["pairs"], nullables[k])
            if found[k]:
                measured[k] = (v, *measured[k][1:3], False, nullables[k])
    strong = [k for k, how in found.items() if how]
    info["relations"] = len(strong)
    predictive = sum(how == "predictive" for how in found.values())
    if predictive:
        info["relations_held_out"] = predictive
    centrality = {c["name"]: 0.0 for c in free}
    # hubs by their strong relations only: a weak one (a cow's protein) must not turn a code's label (its diet)
    # into the code's parent
    for k in strong:
        if found[k] != "strong":
            continue
        i, j = pairs[k]
        centrality[free[i]["name"]] += measured[k][0]
        centrality[free[j]["name"]] += measured[k][0]
    tree = Tree(cols, 1 if only_functional else MAX_DEPTH)
    # a column that a pair of category lists says together (twoparents.py): drawn given both, before single links
    short = [j for j, c in enumerate(free) if c["kind"] == "categorical" and 2 <= len(c["values"]) <= MAX_VALUES]
    # (not beside hidden clusters: no trial draw weighs the pair against them there, and its child leaves them)
    two = twoparents.find(codes, free, short, [j for j, c in enumerate(free) if can_child(c)], refused=refused) \
        if two_parents and not only_functional else []
    for child, first, second, _ in two:
        free[child]["given"] = {}    # taken: drawn below
        tree.add(free[child], free[first], free[second])
    if two:
        info["two_parents"] = len(two)
    chosen = []
    # relations of values first: one of where a column is NULL only where it has no other parent (a count missing
    # in early years keeps its team's level, and the copula its other counts')
    for k in sorted(strong, key=lambda k: (measured[k][4] is not None, -round(measured[k][0], 2), -measured[k][1], k)):
        i, j = pairs[k]
        # a number a category determines is its child (drawn per the number's bins, the category would not
        # follow the number's values); a column NULL on many rows is better the parent: its NULL rows get the
        # child's own table there, while a child's NULLs are drawn on their own; a parent already stays one where
        # it can (a series that conditions its title conditions its counts, rather than follow their bins);
        # otherwise the less central column is the child
        for child, parent in sorted(((i, j), (j, i)), key=lambda cp: (not ((cp[1], cp[0]) in functional and
                                                                           free[cp[0]]["kind"] == "numeric"),
                                                                       tree.serves(free[cp[0]]["name"]),
                                                                       codes.null_rows[cp[0]] >= MIN_ROWS and
                                                                       codes.null_rows[cp[1]] < MIN_ROWS,
                                                                       centrality[free[cp[0]]["name"]])):
            a, b = free[child], free[parent]
            if (a["name"], b["name"]) in refused or measured[k][4] not in (None, child):
                continue
            if can_child(a) and can_parent(b, (parent, child) in functional, a, measured[k][2]) \
                    and tree.may(a, b) and not codes.monotone(child, parent) \
                    and (not only_functional or b["kind"] == "categorical" and ((parent, child) in functional
                                                                                 or codes.explains(parent, child) >= DETERMINED)):
                a["given"] = {}    # taken: drawn below
                chosen.append((child, parent, measured[k][0]))
                tree.add(a, b)
                break
    numbers = sum((parent, child) in functional and free[child]["kind"] == "numeric" for child, parent, _ in chosen)
    if numbers:
        info["functional_numbers"] = numbers
    codes.fetch_numbers(con, sample, [child for child, *_ in chosen + two if free[child]["kind"] == "numeric"])
    for child, parent, v in chosen:
        condition_codes(codes, child, parent, v)
    for _, first, second, _ in two:   # one of a pair with no parent is drawn given the other, where it may be: the
        # pair then comes out as the data pairs them (apart, its combinations would come at the product of its shares)
        for child, parent in ((second, first), (first, second)):
            if not free[child].get("given") and tree.may(free[child], free[parent]):
                tree.add(free[child], free[parent])
                condition_codes(codes, child, parent, cramers_v(codes.table(child, parent)))
                break
    twoparents.condition(codes, free, two)
    _report(report, info)
    return cols


def _report(report: dict | None, info: dict) -> None:
    if report is not None:
        report.update(info)


def _directions(a: dict, b: dict, can_child, can_parent, functional: bool) -> list[tuple[int, int]]:
    """The ways (child, parent) a pair may be conditioned: (0, 1) is a given b, (1, 0) is b given a."""
    out = []
    if can_child(a) and can_parent(b, functional):
        out.append((0, 1))
    if can_child(b) and can_parent(a, functional):
        out.append((1, 0))
    return out


def min_strength(n: int, cells: int = BINS * 8) -> float:
    """The bias-corrected V a relation needs on n rows: MIN_V on small samples, down to MIN_V_FLOOR where there
    are rows enough that a conditional table of `cells` cells is estimated well (about n / cells per cell)."""
    return max(MIN_V_FLOOR, min(MIN_V, math.sqrt(cells / max(n, 1))))


def _strength(codes: "Codes", i: int, j: int, nulls: bool, v: float, tested: int, missing: int | None = None) -> str | None:
    """Whether a relation is worth a conditional table: significant among all `tested` pairs (chi-square by the
    Wilson-Hilferty normal approximation, family-wise error ALPHA), and either "strong", at least
    min_strength(n, cells), or, for a pair with a category, "predictive": its table predicts unseen rows
    (_predicts). None where it is not. `missing`: the column of the two whose being NULL is the relation
    (Codes.missing_table)."""
    import numpy as np
    table = _table(codes, i, j, nulls, missing)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    n = float(table.sum())
    r, k = table.shape
    if n < MIN_ROWS or r < 2 or k < 2:
        return None
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    df = (r - 1) * (k - 1)
    z = ((chi2 / df) ** (1 / 3) - (1 - 2 / (9 * df))) / math.sqrt(2 / (9 * df))
    if z <= normal_quantile(1 - ALPHA / tested):
        return None
    if v >= min_strength(int(n), r * k):
        return "strong"
    if "categorical" in (codes.cols[i]["kind"], codes.cols[j]["kind"]) and _predicts(codes, i, j, nulls, missing):
        return "predictive"
    return None


def _table(codes: "Codes", i: int, j: int, nulls: bool, missing: int | None, rows=None):
    """The pair's contingency table as its relation was measured: over values (`nulls`: NULL a level of its own),
    or over whether `missing` is NULL."""
    if missing is None:
        return codes.table(i, j, nulls, rows=rows)
    return codes.missing_table(missing, j if missing == i else i, rows=rows)


def _predicts(codes: "Codes", i: int, j: int, nulls: bool, missing: int | None = None) -> bool:
    """Whether the pair's table learned on a random half of the rows is closer to the other half's, by
    HELD_OUT_MARGIN of total variation (the measure of the pair scores), than the product of the first half's
    margins, which is what drawing the two apart makes: a relation too weak for min_strength on so many cells
    that still draws pairs like the unseen rows' (a league's 52 clubs by the 32 bins of its seasons, V 0.2: 0.18
    from the other half, where apart is 0.33). A pair of numbers is not tried: the copula keeps theirs."""
    import numpy as np
    learned, unseen = (_table(codes, i, j, nulls, missing, rows) for rows in (codes.half, ~codes.half))
    if learned.sum() < MIN_ROWS or unseen.sum() < MIN_ROWS:
        return False
    learned, unseen = learned / learned.sum(), unseen / unseen.sum()
    apart = np.outer(learned.sum(axis=1), learned.sum(axis=0))
    return 0.5 * float(np.abs(unseen - learned).sum()) + HELD_OUT_MARGIN <= 0.5 * float(np.abs(unseen - apart).sum())


def _functional(con, sample: str, codes: "Codes", cols: list[dict], can_child) -> set[tuple[int, int]]:
    """Pairs (parent, child) where a category (of more than MAX_VALUES values, so no ordinary parent) determines
    the child on every sampled row: a code and its label, a zip and its city, a school and its mean intake (a
    number: its bin, then its knots per value, all one value where it is exact); or all but determines a number,
    explaining EXPLAINED of its variance (_explained: a county and its share of young men over the years of a
    panel, a school and its pupils' numbers, where a number needs many rows per value to be an ordinary child, and
    hidden clusters tell only a category's 32 most frequent values apart). Each such parent is sorted once
    and every child is checked against it at once. A number's bins break its ties at random (a value held by
    more rows than a bin spreads over several), so a number whose bins do not follow the parent is checked
    again on its values, read a chunk of columns at a time."""
    import numpy as np
    found, pending = set(), {}   # pending: a number -> the parents (with their row order) to check it against
    children = [j for j, c in enumerate(cols) if c["kind"] in ("categorical", "numeric") and can_child(c)]
    for p, c in enumerate(cols):
        if c["kind"] != "categorical" or not MAX_VALUES < len(c["values"]) <= MAX_FD_VALUES \
                or len(c["values"]) * 2 > codes.n:
            continue
        ok = [j for j in children if j != p and len(c["values"]) * (len(cols[j]["values"]) if "values" in cols[j]
                                                                     else NUMERIC_KNOTS) <= MAX_FD_CELLS]
        if not ok:
            continue
        x = codes.codes[:, p]
        order = np.argsort(x, kind="stable")
        order = order[x[order] >= 0]
        xs = x[order]
        same = xs[1:] == xs[:-1]
        if same.sum() < MIN_ROWS:
            continue
        ys = codes.codes[np.ix_(order, ok)]
        broken = ((ys[1:] != ys[:-1]) & same[:, None]).any(axis=0)
        found.update((p, ok[i]) for i in np.flatnonzero(~broken))
        for i in np.flatnonzero(broken):
            if cols[ok[i]]["kind"] == "numeric":
                pending.setdefault(ok[i], []).append((p, order, same))
    numbers = list(pending)
    for start in range(0, len(numbers), CODE_CHUNK):
        values = codes.read_numbers(con, sample, numbers[start:start + CODE_CHUNK])
        for j, v in values.items():
            for p, order, same in pending[j]:
                y = v[order]
                if not (((y[1:] != y[:-1]) & ~(np.isnan(y[1:]) & np.isnan(y[:-1]))) & same).any() \
                        or _explained(codes.codes[order, p], y) >= EXPLAINED:
                    found.add((p, j))
    return found


def _explained(groups, y) -> float:
    """The share of y's variance its groups explain, adjusted for their number as R² is (a parent of many values
    on few rows explains much by chance alone: 90 counties over 630 rows, 14 %); 0 where too few rows repeat."""
    import numpy as np
    present = ~np.isnan(y)
    groups, y = groups[present], y[present]
    _, group, counts = np.unique(groups, return_inverse=True, return_counts=True)
    n, k = len(y), len(counts)
    total = float(((y - y.mean()) ** 2).sum()) if n else 0.0
    if n - k < MIN_ROWS or total <= 0:
        return 0.0
    within = float(((y - (np.bincount(group, weights=y) / counts)[group]) ** 2).sum())
    return 1 - (within / (n - k)) / (total / (n - 1))


class Tree:
    """Which column is drawn given which. A path down from a column drawn on its own is at most `depth` links
    long, and on a longer path than one link, every column but the last is a category list (a category, its
    class, the class's brand). The middle one's children read its bin off its drawn position, where a number's
    bins are slices of its uniform, which a conditioned number's draw is not (spec.readable_parent); and a number
    at the top would relate to the last one only through the middle's bins, where the copula would hold them
    together directly (an age and the experience that sets its floor, through marital status, lost 0.06 of its
    shape). A column drawn given a pair (twoparents.py) conditions no other one: the last of its paths."""

    def __init__(self, cols: list[dict], depth: int):
        self.parent = {c["name"]: c["given"]["column"] for c in cols if c.get("given")}
        self.second = {c["name"]: c["given"]["and"] for c in cols if (c.get("given") or {}).get("and")}
        self.kind = {c["name"]: c["kind"] for c in cols}
        self.depth = depth

    def ancestors(self, name: str) -> list[str]:
        """The columns `name` is drawn given: its parent (or pair), that parent's own, and so on up."""
        out, todo = [], [name]
        while todo:
            below = todo.pop(0)
            for up in (self.parent.get(below), self.second.get(below)):
                if up is not None and up != name and up not in out:
                    out.append(up)
                    todo.append(up)
        return out

    def _down(self, name: str) -> int:
        return max((1 + self._down(k) for links in (self.parent, self.second) for k, p in links.items() if p == name),
                   default=0)

    def may(self, child: dict, parent: dict) -> bool:
        """Whether `child` may be drawn given `parent`: it has no parent yet, and no path grows too long."""
        if child["name"] in self.parent or parent["name"] in self.second:
            return False
        above = [parent["name"]] + self.ancestors(parent["name"])   # the path down to the child, but the child
        down = self._down(child["name"])
        if len(above) + down > self.depth:
            return False
        # every column of the path but its last: those above, and the child where it has children
        return len(above) + down == 1 or all(self.kind.get(n) == "categorical"
                                             for n in above + ([child["name"]] if down else []))

    def serves(self, name: str) -> bool:
        return name in self.parent.values() or name in self.second.values()

    def add(self, child: dict, parent: dict, second: dict | None = None) -> None:
        self.parent[child["name"]] = parent["name"]
        if second is not None:
            self.second[child["name"]] = second["name"]


def has_rule(c: dict) -> bool:
    """A column already drawn by a rule: it can neither be conditioned nor condition another column."""
    return any(k in c for k in ("given", "after", "equals"))


def read_within(cols: list[dict]) -> set[str]:
    """The columns of a table (lower case) that its other columns' rules read: a parent bin, an earlier date, an
    operand, a bound."""
    read = set()
    for c in cols:
        read.update(given_names(c))
        if c.get("after"):
            read.add(str(c["after"]["column"]).lower())
        read.update(str(x).lower() for x in next(iter((c.get("equals") or {"": []}).values())))
        read.update(str(c[k]).lower() for k in ("at_least", "at_most") if c.get(k))
    return read


def prune(spec: dict, alone: set[str] = frozenset()) -> dict:
    """Drop the dependence a later step made impossible: a copula member or a conditioning parent that became a
    key, a reference or a category list of another length (schema constraints are applied after profiling),
    and any of the columns `alone` (lower-case names: those a composite foreign key of another table points
    at, which that table computes at any row from the column's own draw, layout.row_value).
    A child that loses its parent keeps its own marginal; a copula keeps its other members (a principal
    submatrix of a positive definite matrix is positive definite)."""
    from . import clusters   # clusters.py builds on this module
    by_name = {c["name"].lower(): c for c in spec["columns"]}
    for col in spec["columns"]:
        if col["name"].lower() in alone:
            col.pop("given", None)
            col.pop("cluster", None)
    for col in spec["columns"]:
        if not col.get("given"):
            continue
        parents = [by_name.get(name) for name in given_names(col)]
        readable = all(p is not None and readable_parent(p, by_name) for p in parents) and parents
        if not readable or col["kind"] not in ("categorical", "numeric") \
                or any(p["kind"] not in ("numeric", "datetime", "categorical") for p in parents) \
                or len(parents) > 1 and any(p["kind"] != "categorical" for p in parents) \
                or parents[0]["kind"] == "categorical" and math.prod(len(p["values"]) for p in parents) != col["given"].get("bins"):
            del col["given"]
    for col in spec["columns"]:   # a table per hidden cluster, for a column whose kind or values changed
        if col.get("cluster") is not None and (not spec.get("clusters") or clusters.stale(col)):
            del col["cluster"]
    if spec.get("clusters") and not any("cluster" in c for c in spec["columns"]):
        del spec["clusters"]
    copula = spec.get("copula")
    if copula:
        keep = [i for i, name in enumerate(copula["columns"])
                if name.lower() in by_name and copula_member(by_name[name.lower()]) and name.lower() not in alone]
        if len(keep) < 2:
            del spec["copula"]
        elif len(keep) < len(copula["columns"]):
            spec["copula"] = {"columns": [copula["columns"][i] for i in keep],
                              "correlation": [[copula["correlation"][i][j] for j in keep] for i in keep]}
    missing.prune(spec)
    return spec
