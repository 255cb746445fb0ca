"""A parent's number that adds up its children's: an order's total and the prices of its lines.

Where, on every parent row with children, a number of the parent is a near-constant multiple of the sum of one of
its children's numbers (TPC-H's o_totalprice is 0.92 to 1.06 times the sum of its lines' l_extendedprice, with
their tax and discount: correlation 0.999; exactly once the sum where the data adds up exactly), the parent's
column gets

    "sum_of": {"table": "lineitem", "through": "l_orderkey", "key": "o_orderkey", "column": "l_extendedprice",
               "ratios": [0.92, …, 1.06]}

A generator drawn alone draws the column from its own distribution, as ever (no child rows exist there). A whole
schema generated (database.generate, and the Spark export) sets it, once the children are written, to the sum of
its row's children's column times a ratio drawn from `ratios` (quantile knots; [1.0] where the data is exact) by a
hash of the parent's key (`key`, which the child's foreign key `through` references) and the seed. A parent
with no children keeps its own draw.
"""
from __future__ import annotations

from .dtypes import resolution, type_family
from .errors import SpecError
from .sqltext import ident, number

MIN_ROWS = 30            # parent rows with children, at least, to measure a total on
MIN_CORRELATION = 0.99   # between the parent's number and its children's sum
MAX_SPREAD = 0.2         # the ratio's 5 % to 95 % range, as a share of its median, at most
RATIO_KNOTS = 17         # quantile knots of the ratio
NUMBERS = ("integer", "float", "decimal")
RATIO_STREAM = 3_800_000   # the hash stream of a total's ratio, above a generator's salt (draws.py's streams)


def learn(con, tables, by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """Give `sum_of` (in place) to each parent number that adds up one of its children's numbers, as the module
    says: per parent number the child column whose ratio spreads least. A number another rule reads is left as
    it is drawn (it is set after those rules are computed)."""
    from .across import read_by_rules   # across and dependence import spec, which imports this module
    from .dependence import read_within
    best: dict[tuple[str, str], tuple[float, dict]] = {}
    for t in tables:
        child = by_table[t.name]
        for fk in t.foreign_keys:
            parent_def = next((p for p in tables if p.name.lower() == fk["table"].lower()), None)
            targets = (fk["references"] or (parent_def.primary_key if parent_def else []))
            if parent_def is None or parent_def is t or len(fk["columns"]) != 1 or len(targets) != 1 \
                    or child.get("fixed") or by_table[parent_def.name].get("fixed"):
                continue
            parent = by_table[parent_def.name]
            if not any(c["name"].lower() == targets[0].lower() and c["kind"] == "key" for c in parent["columns"]):
                continue   # the ratio is drawn per parent key
            read = read_by_rules(parent, by_table) | read_within(parent["columns"])
            ys = [y for y in parent["columns"] if _may_total(y) and y["name"].lower() not in read]
            xs = [x for x in child["columns"] if x["kind"] in ("numeric", "categorical")
                  and type_family(x["type"]) in NUMBERS and x["name"].lower() != fk["columns"][0].lower()]
            if not ys or not xs:
                continue
            # NaN and ±inf are no amounts (corr() overflows on them): left out of the sums and the totals
            sums = ", ".join(f"sum({finite(x['name'])}) AS fastgen_sum{i}" for i, x in enumerate(xs))
            joined = (f"(SELECT * FROM {relation[parent_def.name]} AS p JOIN (SELECT {ident(fk['columns'][0])} AS "
                      f"fastgen_key, {sums} FROM {relation[t.name]} GROUP BY 1) AS c ON p.{ident(targets[0])} = "
                      "c.fastgen_key)")
            pairs = [(y, i, x) for y in ys for i, x in enumerate(xs)]
            got = con.execute("SELECT " + ", ".join(
                f"corr({finite(y['name'])}, fastgen_sum{i}), count(*) FILTER (WHERE {finite(y['name'])} IS NOT NULL "
                f"AND fastgen_sum{i} > 0), quantile_cont({finite(y['name'])} / fastgen_sum{i}, [0.05, 0.5, 0.95]) "
                f"FILTER (WHERE fastgen_sum{i} > 0), max(abs({finite(y['name'])} - fastgen_sum{i}))"
                for y, i, _ in pairs) + f" FROM {joined}").fetchall()[0]
            for k, (y, i, x) in enumerate(pairs):
                rho, rows, (low, mid, high), gap = got[4 * k], got[4 * k + 1], got[4 * k + 2] or (0, 0, 0), got[4 * k + 3]
                if rho is None or rho < MIN_CORRELATION or rows < MIN_ROWS or not low or low <= 0:
                    continue
                spread = 0.0 if gap is not None and gap <= resolution(y) else (high - low) / mid
                if spread > MAX_SPREAD or spread >= best.get((parent["name"], y["name"]), (MAX_SPREAD + 1,))[0]:
                    continue
                ratios = [1.0] if spread == 0 else [float(r) for r in con.execute(
                    f"SELECT quantile_cont({finite(y['name'])} / fastgen_sum{i}, "
                    f"{[k / (RATIO_KNOTS - 1) for k in range(RATIO_KNOTS)]}) FROM {joined} WHERE fastgen_sum{i} > 0"
                ).fetchall()[0][0]]
                best[(parent["name"], y["name"])] = (spread, {"table": child["name"], "through": fk["columns"][0],
                                                              "key": targets[0], "column": x["name"],
                                                              "ratios": ratios})
    for (parent, y), (_, rule) in best.items():
        next(c for c in by_table[parent]["columns"] if c["name"] == y)["sum_of"] = rule


def _may_total(col: dict) -> bool:
    """A number drawn without a rule on other columns may be set to its children's sum afterwards."""
    return col["kind"] == "numeric" and type_family(col["type"]) in NUMBERS and not any(
        col.get(k) for k in ("equals", "after", "after_parent", "at_least", "at_most", "parsed", "special", "inherit"))


def require_children(table: str, col: dict, generated: dict[str, dict]) -> None:
    """Refuse, by name, a total whose child table or columns a schema's run does not generate (`generated`: the
    run's specs by lower-case name)."""
    from .catalog import GeneratorError   # catalog imports spec, which imports this module
    rule = col["sum_of"]
    child = generated.get(rule["table"].lower())
    if child is None or not {rule["through"].lower(), rule["column"].lower()} <= {c["name"].lower() for c in child["columns"]}:
        raise GeneratorError(f"table {table}, column {col['name']}: sum_of adds up {rule['table']}.{rule['column']} "
                             f"per {rule['through']}, which this schema does not generate; edit the spec to remove "
                             "'sum_of' or to name a child table and its columns")


def update(spec: dict, col: dict, parent: str, children: str, seed: int) -> str:
    """The UPDATE that sets `col` of table `parent` (qualified) to its children's sum in table `children`."""
    return (f"UPDATE {parent} AS p SET {ident(col['name'])} = {value(spec, col, 'p', 'c', seed)} "
            f"FROM {_sums(col, children)} AS c WHERE p.{ident(_key(col))} = c.k")


def select(spec: dict, drawn: str, tables: dict[str, str], seed: int) -> str:
    """The table's rows read from `drawn` with every `sum_of` column set to its children's sum (`tables`: a
    child table's name, lower case -> its name in the query), for an engine that updates no rows in place."""
    joins, outputs = [], []
    for col in spec["columns"]:
        name = ident(col["name"])
        if not col.get("sum_of"):
            outputs.append(f"p.{name}")
            continue
        c = f"c{len(joins)}"
        joins.append(f"LEFT JOIN {_sums(col, tables[col['sum_of']['table'].lower()])} AS {c} "
                     f"ON p.{ident(_key(col))} = {c}.k")
        outputs.append(f"coalesce({value(spec, col, 'p', c, seed)}, p.{name}) AS {name}")
    return f"SELECT {', '.join(outputs)} FROM {drawn} AS p {' '.join(joins)}"


def _key(col: dict) -> str:
    return col["sum_of"]["key"]


def _sums(col: dict, children: str) -> str:
    rule = col["sum_of"]
    return f"(SELECT {ident(rule['through'])} AS k, sum({ident(rule['column'])}) AS s FROM {children} GROUP BY 1)"


def value(spec: dict, col: dict, row: str, sums: str, seed: int) -> str:
    """The column's new value: the children's sum ({sums}.s) times its ratio, drawn by a hash of the row's key."""
    from .draws import streams, uniform
    from .layout import drawing, inline_list
    ratios = col["sum_of"]["ratios"]
    if len(ratios) == 1:
        scaled = f"{sums}.s * {number(float(ratios[0]))}"
    else:
        u = uniform(streams(spec) + RATIO_STREAM, f"{row}.{ident(_key(col))}", seed=str(int(seed)))
        scaled = f"{sums}.s * {drawing(inline_list)[2](ratios, 'ratio', u)}"
    if type_family(col["type"]) == "integer":
        scaled = f"round({scaled})"
    return f"CAST({scaled} AS {col['type']})"


def validate(spec: dict, col: dict, where: str) -> None:
    """A column's `sum_of`, as the module says (its table and columns are checked where a schema is generated)."""
    rule = col["sum_of"]
    ratios = rule.get("ratios") if isinstance(rule, dict) else None
    if not isinstance(rule, dict) or not all(isinstance(rule.get(k), str) for k in ("table", "through", "key", "column")) \
            or not isinstance(ratios, list) or not ratios \
            or not all(isinstance(r, (int, float)) and not isinstance(r, bool) and r > 0 for r in ratios) \
            or any(a > b for a, b in zip(ratios, ratios[1:])):
        raise SpecError(f"{where}: sum_of is {{\"table\": a child table, \"through\": its foreign key to this table, "
                        "\"key\": the column of this table it references, \"column\": the child's number, \"ratios\": "
                        "[positive, ascending]}; remove 'sum_of' to draw the column on its own")
    key = next((c for c in spec["columns"] if c["name"].lower() == rule["key"].lower()), None)
    if not _may_total(col) or key is None or key["kind"] != "key":
        raise SpecError(f"{where}: sum_of needs a number drawn with no rule on other columns, and 'key' a key column "
                        "of the table; remove 'sum_of'")


def finite(name: str) -> str:
    """SQL: the column as a DOUBLE where it is a finite number, else NULL."""
    return f"CASE WHEN isfinite({ident(name)}::DOUBLE) THEN {ident(name)}::DOUBLE END"
