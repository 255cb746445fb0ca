"""From a source to specs: data is profiled offline, DDL is read; a configured LLM adds what each cannot know.

    data, no model   -> profile.py alone                     inferred_by "offline"
    data + model     -> profile, then the model's labels and kinds, each checked on the data
    DDL, no model    -> priors.py: guesses from names, types and constraints     inferred_by "schema"
    DDL + model      -> the model's distributions, constraints enforced, priors where an answer fails
"""
from __future__ import annotations

import copy
import hashlib
import itertools

from . import (across, batches, children, ddl, dependence, keys, layout, priors, profile, relations, rollups,
               semantic_rules)
from .llm import AnswerError, Answers, Client, Settings, ask_columns, column_from_answer
from .sources import Source, SourceError
from .errors import SpecError
from .spec import SPEC_VERSION, validate
from .sqltext import ident
from .texts import code_format
from .dtypes import GRANULARITY, epoch, type_family

BUSY_TOGETHER = 0.5   # rank correlation of two foreign keys' children per parent above which they share busy parents


def specs_for(con, src: Source, name: str | None, rows: int, settings: Settings, dialect: str | None = None) -> list[dict]:
    if src.kind == "ddl":
        tables = ddl.parse(src.text, dialect)
        if name and len(tables) > 1:
            raise SourceError(f"the DDL creates {len(tables)} tables; a name applies to one table only (each is named after its table)")
        by_table = {t.name: from_table_def(con, t, settings, name or t.name) for t in tables}
        sized = {t for t, spec in by_table.items() if spec.get("source_rows")}
        schema = "ddl_" + hashlib.sha1(src.text.encode()).hexdigest()[:8]
        specs = [by_table[t] for t in relations.link(tables, by_table, schema, sized)]
        semantic_rules.finish(specs)   # references inside fixed lookup rows
    elif src.kind == "schema":
        if name:
            raise SourceError("a name applies to one table (leave it out: a schema's generators are named after its tables)")
        tables = ddl.catalog_tables(con, src.database, src.schema)
        if not tables:
            raise SourceError(f"schema {src.text[:-2]!r} has no tables")
        relation = {t.name: f"{src.relation}.{ident(t.name)}" for t in tables}
        keys.discover(con, tables, relation)   # the keys and foreign keys its data shows, where it declares none
        by_table = {}
        for t in tables:
            if not con.execute(f"SELECT count(*) FROM (FROM {relation[t.name]} LIMIT 1)").fetchall()[0][0]:
                spec = {**from_table_def(con, t, settings, t.name), "source_rows": 0}   # empty: its columns, no rows
                spec.pop("fixed", None)   # (nor a known lookup's rows, which its name alone would give it)
            else:
                spec = from_data(con, Source("table", t.name, relation[t.name], t.name, stored=src.stored), t.name,
                                 rows, settings)
            spec["columns"] = [bounded(enforce(col, t.column(col["name"]), spec["source_rows"]), t.column(col["name"]))
                               for col in spec["columns"]]
            by_table[t.name] = spec
        profiled = copy.deepcopy(by_table)
        while True:   # a composite foreign key to columns the parent cannot compute at a row is no key after all
            specs = _relate(con, tables, by_table, relation, src.schema)
            lookup = {s["name"].lower(): s for s in specs}.get
            broken = [(t, fk) for t in tables for fk in t.foreign_keys if fk.get("found") and len(fk["columns"]) > 1
                      and not all(layout.computable(lookup, fk["table"], k) for k in fk["references"])]
            if not broken:
                break
            for t, fk in broken:
                t.foreign_keys.remove(fk)
                t.foreign_keys.extend(fk.get("covers", []))
            by_table = copy.deepcopy(profiled)
    else:
        specs = [from_data(con, src, name or src.name, rows, settings)]
    return specs


def _apart(con, into: dict, by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """The foreign keys into one parent key whose busy parents are not its busiest key's (`apart`, in place): each
    key's counts per parent row set against those of the key with the most child rows, by rank (Spearman's
    rho). Where the same parents are busy in both (rho >= BUSY_TOGETHER: a customer's orders and its returns),
    the key draws its parents in the parent's one order of activity; where not (a customer's demographics and a
    sale's), in an order of its own (children.permuted's k-th multiplier), so that its busy parents are others."""
    def members(t: str, cols: list[str]) -> list[dict]:
        named = {c.lower() for c in cols}
        return [c for c in by_table[t]["columns"] if c["name"].lower() in named]
    for (parent, _), (targets, fks) in into.items():
        drawn = [(t, cols) for t, cols in fks if all(c.get("per_parent") for c in members(t, cols))]
        if len(drawn) < 2:
            continue
        lead = max(drawn, key=lambda fk: by_table[fk[0]].get("source_rows") or 0)
        k = 0
        for t, cols in drawn:
            if (t, cols) != lead and profile.busy_together(con, relation[parent], targets, (relation[lead[0]], lead[1]),
                                                           (relation[t], cols)) < BUSY_TOGETHER:
                k += 1
                for c in members(t, cols):
                    c["apart"] = 1 + (k - 1) % (len(children.PRIMES) - 1)


def _relate(con, tables: list[ddl.TableDef], by_table: dict[str, dict], relation: dict[str, str], schema: str
            ) -> list[dict]:
    """A schema's profiled tables related (in place): references with the data's children per parent, lookups kept
    whole, values copied across foreign keys, rows in batches; the specs in generation order."""
    counts, into = {}, {}
    alone: dict[str, set[str]] = {}   # columns a composite foreign key points at: computed at its parent rows
    for t in tables:
        for fk in t.foreign_keys:
            parent = next((p for p in tables if p.name.lower() == fk["table"].lower()), None)
            targets = fk["references"] or (parent.primary_key if parent else [])
            if parent is not None and len(fk["columns"]) > 1:
                alone.setdefault(parent.name, set()).update(c.lower() for c in targets)
            if parent is not None and parent is not t and len(targets) == len(fk["columns"]):
                counts[(t.name.lower(), tuple(c.lower() for c in fk["columns"]))] = profile.children_per_parent(
                    con, relation[t.name], fk["columns"], relation[parent.name], targets)
                into.setdefault((parent.name, tuple(c.lower() for c in targets)), (targets, []))[1].append(
                    (t.name, fk["columns"]))
    specs = [dependence.prune(by_table[t], alone.get(t, set()))
             for t in relations.link(tables, by_table, schema, set(by_table), counts)]
    _apart(con, into, by_table, relation)
    domains = {t.name for t in tables if profile.enumerates(con, relation[t.name], by_table[t.name]["columns"])}
    for name in relations.dimensions(tables, {t: s["source_rows"] for t, s in by_table.items()}, domains):
        spec = by_table[name]
        if not spec["source_rows"]:   # an empty table has no rows to keep
            continue
        spec["fixed"] = {"rows": profile.rows(con, relation[name], spec["columns"],
                                              next(t for t in tables if t.name == name).primary_key)}
        for model in ("clusters", "copula", "missing"):   # its rows hold how its columns go together
            spec.pop(model, None)
        for col, field in itertools.product(spec["columns"], ("cluster", "given")):
            col.pop(field, None)
    _fixed_parents(con, tables, by_table, relation)
    across.learn(con, tables, by_table, relation)   # references that copy their parent row's value
    across.order(con, tables, by_table, relation)   # times and numbers after their parent row's
    rollups.learn(con, tables, by_table, relation)  # a parent's number that adds up its children's
    for spec in specs:
        found = None if spec.get("fixed") else batches.learn(con, relation[spec["name"]], spec)
        if found:
            spec["batches"] = found
    _rates(con, tables, by_table, relation)
    _lookup_rates(con, tables, by_table, relation)
    return specs


def _rates(con, tables: list[ddl.TableDef], by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """Each foreign key drawn by weight gets its parents' rates (`per_parent_rate`, children.rates), counted in the
    units it is drawn in: rows, or batches where its table draws it once a batch (a ticket's customer). Not two
    keys that share their busy parents (no `apart`, no `inherit`) whose children fall on the same parent rows
    beyond what rates share (profile.drawn_together: returns whose persons are the sales' very own): those keep
    the parents' counts as weights, which both follow."""
    defs = {t.name.lower(): t for t in tables}
    drawn = []   # (table, foreign key, its reference columns, parent) drawn by weight
    for t in tables:
        cols = {c["name"].lower(): c for c in by_table[t.name]["columns"]}
        for fk in t.foreign_keys:
            parent, refs = defs.get(fk["table"].lower()), [cols.get(c.lower()) for c in fk["columns"]]
            if parent is not None and parent is not t and not by_table[t.name].get("fixed") and all(
                    r and r["kind"] == "reference" and r.get("per_parent") and not r.get("nested")
                    and not r.get("parents") for r in refs):
                drawn.append((t, fk, refs, parent))

    def counted(t, fk):   # (child, columns, batch): the units the key is drawn in
        return relation[t.name], fk["columns"], _batch(by_table[t.name], fk["columns"])
    orders: dict = {}     # a parent key's one order of activity -> the keys drawing in it
    for t, fk, refs, parent in drawn:
        if not refs[0].get("apart") and not any(r.get("inherit") for r in refs):
            orders.setdefault((parent.name, tuple(fk["references"] or parent.primary_key)), []).append((t, fk))
    together = set()
    for (parent, targets), sharing in orders.items():
        lead = max(sharing, key=lambda k: by_table[k[0].name].get("source_rows") or 0)
        for key in sharing:
            if key is not lead and profile.drawn_together(con, relation[parent], list(targets), counted(*lead),
                                                          counted(*key)):
                together.update({id(key[1]), id(lead[1])})
    for t, fk, refs, parent in drawn:
        knots = [] if id(fk) in together else profile.parent_rates(
            con, relation[t.name], fk["columns"], relation[parent.name], fk["references"] or parent.primary_key,
            _batch(by_table[t.name], fk["columns"]))
        for r in refs if knots else ():
            r["per_parent_rate"] = knots


def _lookup_rates(con, tables: list[ddl.TableDef], by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """Each foreign key into a fixed lookup weighs the lookup's rows by their rates (profile.parent_shares), of
    rows or of batches as it is drawn: every row keeps its own, the noise of its count shrunk away."""
    for t, col, values in _fixed_references(tables, by_table):
        if col.get("parents") and not by_table[t.name].get("fixed"):
            col["parents"] = profile.parent_shares(con, relation[t.name], col["name"], values, rates=True,
                                                   batch=_batch(by_table[t.name], [col["name"]])) or col["parents"]


def _batch(spec: dict, columns: list[str]) -> str | None:
    """The column numbering the table's batches where the columns are drawn once a batch, else None."""
    batch = spec.get("batches") or {}
    once = {x.lower() for x in batch.get("columns", [])}
    return batch["column"] if batch and all(c.lower() in once for c in columns) else None


def _fixed_parents(con, tables: list[ddl.TableDef], by_table: dict[str, dict], relation: dict[str, str]) -> None:
    """A foreign key to a fixed (lookup) table draws the parent rows the data's rows reference, as often: the
    parent's rows are the same at every scale, so sales stay on the days that have sales, not on any of a
    calendar's 73,049 days."""
    for t, col, values in _fixed_references(tables, by_table):
        shares = profile.parent_shares(con, relation[t.name], col["name"], values)
        if shares:
            col["parents"] = shares


def _fixed_references(tables: list[ddl.TableDef], by_table: dict[str, dict]):
    """(table, reference column, the fixed parent's key values row by row) of each one-column foreign key into a
    fixed table."""
    defs = {t.name.lower(): t for t in tables}
    for t in tables:
        for fk in t.foreign_keys:
            parent_def = defs.get(fk["table"].lower())
            parent = by_table[parent_def.name] if parent_def else None
            if not parent or not parent.get("fixed") or parent_def is t or len(fk["columns"]) != 1:
                continue
            target = fk["references"] or parent_def.primary_key
            j = next((i for i, c in enumerate(parent["columns"]) if c["name"].lower() == target[0].lower()), None)
            col = next(c for c in by_table[t.name]["columns"] if c["name"].lower() == fk["columns"][0].lower())
            if j is not None and col["kind"] == "reference":
                yield t, col, [row[j] for row in parent["fixed"]["rows"]]


def _credit(spec: dict, client: Client | None, settings: Settings, how: str) -> dict:
    """Say how the spec was inferred: by which model and at what cost, or why offline."""
    if client:
        spec["inferred_by"] = f"{how} ({settings.model})"
        spec["llm"] = client.usage.record(settings.model)
    elif settings.reason:
        spec["inferred_note"] = settings.reason
    return spec


def from_data(con, src: Source, name: str, rows: int, settings: Settings) -> dict:
    client = Client(con, settings) if settings.online else None  # one per table: its own tokens and cost
    advise = (lambda profilers, cols: refine(client, name, profilers, cols)) if client else None
    return _credit(profile.infer(con, src, name, rows, advise=advise), client, settings, "llm+data")


def from_table_def(con, table: ddl.TableDef, settings: Settings, name: str) -> dict:
    client = Client(con, settings) if settings.online else None
    answers = Answers()
    if client:
        answers = ask_columns(client, table.name, [c.describe() for c in table.columns], table.comment)
    columns = []
    for coldef in table.columns:
        answer = answers.columns.get(coldef.name.lower())
        if client and answer is None:
            col = priors.column_spec(coldef, "the model gave no usable answer for this column")
        elif answer is not None:
            try:
                col = enforce(column_from_answer(answer, coldef.name, coldef.type), coldef)
                col["origin"] = "llm"
                validate(_alone(col), con)
            except (AnswerError, SpecError) as exc:
                col = priors.column_spec(coldef, f"model answer unusable: {exc}")
        else:
            col = priors.column_spec(coldef)
        columns.append(bounded(col, coldef))
    spec = {"fastgen_spec": SPEC_VERSION, "name": name, "source": f"DDL: {table.name}",
            "source_rows": answers.rows or 0, "inferred_by": "schema", "columns": columns}
    _semantic(table, spec, settings, answers)
    return _credit(spec, client, settings, "llm")


def _semantic(table: ddl.TableDef, spec: dict, settings: Settings, answers: Answers) -> None:
    """Semantic types (the model's where it names one of the registry, else the rules) fill the text
    columns from the library; a lookup table (country, currency, region, status…) gets its real rows."""
    proposed = {k: a.get("semantic") for k, a in answers.columns.items() if isinstance(a.get("semantic"), str)}
    pools = semantic_rules.assign(table, spec["columns"], getattr(settings, "locale", None), proposed)
    if pools:
        spec["pools"] = pools
    rows = semantic_rules.lookup_rows(table, spec["columns"])
    if rows:
        spec["fixed"], spec["source_rows"] = {"rows": rows}, len(rows)


def _alone(col: dict) -> dict:
    return {"fastgen_spec": SPEC_VERSION, "name": "check", "columns": [dict(col)]}


def bounded(col: dict, coldef: ddl.ColumnDef) -> dict:
    """A text column of VARCHAR(n) / CHAR(n) keeps to n characters (`max_length`: longer values are cut); keys and
    references are left whole, their values are unique codes."""
    if coldef is not None and coldef.length and col["kind"] not in ("key", "reference") \
            and str(col["type"]).upper().startswith("VARCHAR"):
        col["max_length"] = int(coldef.length)
    return col


def enforce(col: dict, coldef: ddl.ColumnDef, rows: int = 0) -> dict:
    """What the schema guarantees wins over what was inferred: keys, NOT NULL, CHECK lists and ranges. A unique
    date or time of `rows` rows of data is a key from its first value, in steps that span its range."""
    if coldef.primary_key or coldef.unique or coldef.serial:
        key = priors.column_spec(coldef)
        family = type_family(coldef.type)
        if key["kind"] == "key" and col.get("quantiles") and family in ("date", "timestamp") and rows > 1:
            first, last = (epoch(q, family) for q in (col["quantiles"][0], col["quantiles"][-1]))
            unit = 1 if family == "date" else GRANULARITY[col.get("granularity", "microsecond")]
            key.update(start=first, step=max(1, round((last - first) / (rows - 1) / unit)) * unit,
                       note=f"unique: from {col['quantiles'][0]}, a step apart (the data's mean)")
        fmt = code_format(col["values"]) if key.get("format") and col["kind"] == "categorical" else None
        if fmt:   # a lookup's few codes ('ST00'…'ST06'), numbered on in their own format, not a name's
            key.update(format=fmt[0], start=fmt[1], note="unique: numbered in the format of its codes")
        if key["kind"] == "key" and col["kind"] != "key":
            col = {**key, "label": col.get("label"),
                   "note": f"inferred as {col['kind']} ({col.get('origin')}); the schema says unique"}
        elif "max" in key and "start" in col:   # a CHECK's upper bound holds, whoever numbered the key
            col = {**col, "max": key["max"], "start": col["start"] if col["start"] <= key["max"] else key["start"]}
    if coldef.not_null or coldef.primary_key:
        col["nulls"] = 0.0
    allowed = priors.check_values(coldef)
    if allowed and col["kind"] == "categorical":
        kept = [(v, w) for v, w in zip(col["values"], col["weights"]) if v in allowed]
        col["values"], col["weights"] = ([v for v, _ in kept], [w for _, w in kept]) if kept else (allowed, [1] * len(allowed))
    elif allowed:
        col = {**priors.column_spec(coldef), "label": col.get("label")}
    if coldef.checks and col["kind"] == "numeric":
        lo, hi = priors.check_range(coldef, (col["quantiles"][0], col["quantiles"][-1]))
        col["quantiles"] = [min(max(q, lo), hi) for q in col["quantiles"]]
    return col


def refine(client: Client, table: str, profilers: list, cols: list[dict]) -> tuple[list[dict], list[dict]]:
    """The model labels each profiled column and may re-kind it; a new kind is kept only if the data allows it.
    Also returns the relations it proposes, for profile.infer to check on the sample."""
    described = [p.describe(client.settings.send_values) for p in profilers]
    answers = ask_columns(client, table, described)
    out = []
    for p, col in zip(profilers, cols):
        answer = answers.columns.get(p.name.lower())
        if answer is None:
            out.append({**col, "note": "the model gave no answer for this column"})
            continue
        label = answer.get("label")[:60] if isinstance(answer.get("label"), str) else None
        kind = answer.get("kind")
        if kind and kind != col["kind"]:
            try:
                col = {**p.as_kind(kind), "origin": "llm+data"}
            except AnswerError as exc:
                col = {**col, "note": f"the model said {kind}, but {exc}; kept {col['kind']}"}
        else:
            col = {**col, "origin": "llm+data"}
        out.append({**col, **({"label": label} if label else {})})
    return out, answers.relations
