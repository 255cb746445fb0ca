"""Group ids stored as numbers. In grouped data (pupils in schools, years of a county's panel, orders of a
customer) an integer column of repeated values names the group, and other columns are the group's own: the same
on every row of it (a school's mean SES, a county's region). Drawn as a number, the id keeps its shape but not
what it determines; drawn as a category list (profile.Profiler.categorical), the pair model (dependence.py) can
condition each such column on it exactly, one table per group. That is the richer model and the likelier to copy
rows (an id and its group's values are most of a row in a design table), so joint.learn keeps it only where a
trial draw scores higher and copies no more rows than the sample's own duplicates."""
from __future__ import annotations

from .codes import MIN_ROWS
from .dependence import MAX_FD_VALUES, has_rule
from .sqltext import ident

MIN_GROUP_ROWS = 2        # a group id repeats on average at least this often (a panel of a few years is one)
STRAY = 0.05             # a column steps along with an id if its extra runs are at most this share of its repeats
MAX_COLUMNS = 64          # wider tables keep their ids as numbers: a second model and trial would double their infer


def regroup(con, sample: str, profilers: list, cols: list[dict]) -> list[dict] | None:
    """A copy of the columns with each integer column of repeated values (MIN_GROUP_ROWS rows a value on average,
    as few as a short panel has: fewer than a number drawn in steps), of more values than a category list would
    hold by default and fewer than MAX_FD_VALUES, that determines some other column on every sampled row made a
    category list (a note says why); None where there is none, or the table has more than MAX_COLUMNS columns to
    draw. What such an id determines is left for the pair model to find."""
    cols, changed = list(cols), False
    by_name = {p.name: p for p in profilers}
    free = [c for c in cols if not has_rule(c) and c["kind"] in ("numeric", "categorical", "datetime", "boolean")]
    if len(free) > MAX_COLUMNS:
        return None
    # a column the model classified keeps the model's kind: only the profile's own numbers are candidates
    ids = [c for c in free if c["kind"] == "numeric" and c.get("origin", "offline") == "offline"
           and by_name[c["name"]].family == "integer"
           and by_name[c["name"]].distinct <= MAX_FD_VALUES
           and by_name[c["name"]].nonnull >= MIN_GROUP_ROWS * by_name[c["name"]].distinct]
    for col in ids:
        others = [c for c in free if c is not col and by_name[c["name"]].distinct >= 2]
        if not others:
            break
        g = ident(col["name"])
        same = ", ".join(f"min({ident(c['name'])}) IS NOT DISTINCT FROM max({ident(c['name'])}) AS s{k}"
                         for k, c in enumerate(others))
        # on every group of two rows or more, MIN_ROWS rows in all (a group of one row determines anything)
        found = con.execute(f"SELECT sum(n), {', '.join(f'bool_and(s{k})' for k in range(len(others)))} FROM "
                            f"(SELECT count(*) AS n, {same} FROM {sample} WHERE {g} IS NOT NULL GROUP BY {g} "
                            f"HAVING count(*) >= 2)").fetchall()[0]
        determined = [c for c, ok in zip(others, found[1:]) if ok]
        if (found[0] or 0) < MIN_ROWS or not determined:
            continue
        # a column that steps along with the id (an age group by age, a rate by year) is better drawn from the
        # id's bins, the id kept a number (its rank joins it to the other numbers): each of its values one run of
        # ids and shared by several, or a number monotone in the id. Only what no order of the id explains counts.
        steps = ", ".join(f"min({ident(c['name'])}) AS v{k}" for k, c in enumerate(determined))
        lagged = ", ".join(f"lag(v{k}) OVER (ORDER BY {g}) AS w{k}" for k in range(len(determined)))
        tests = []
        for k, c in enumerate(determined):
            # runs beyond one per value, against the repeats there are room for: a stray group (an outlier) is allowed
            runs = (f"(count(*) FILTER (WHERE v{k} IS DISTINCT FROM w{k}) - count(DISTINCT v{k}) <= {STRAY} * "
                    f"(count(*) - count(DISTINCT v{k})) AND count(DISTINCT v{k}) < count(*))")
            monotone = f" OR coalesce(bool_and(v{k} >= w{k}), true) OR coalesce(bool_and(v{k} <= w{k}), true)"
            tests.append(runs + (monotone if c["kind"] in ("numeric", "datetime") else ""))
        ordered = con.execute(f"SELECT {', '.join(tests)} FROM (SELECT *, {lagged} FROM (SELECT {g}, {steps} FROM "
                              f"{sample} WHERE {g} IS NOT NULL GROUP BY {g}))").fetchall()[0]
        determined = [c["name"] for c, along in zip(determined, ordered) if not along]
        if determined:
            changed = True
            cols[cols.index(col)] = {**by_name[col["name"]].categorical(), "origin": "offline",
                        "note": f"a group id: drawn as its values, as it determines {', '.join(determined[:3])}"
                                + (f" and {len(determined) - 3} more" if len(determined) > 3 else "")}
    return cols if changed else None
