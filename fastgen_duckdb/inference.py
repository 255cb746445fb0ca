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
import math
from decimal import Decimal

from . import (across, batches, ddl, dependence, keys, layout, parents, priors, profile, relations, rollups,
               semantic_rules, texts)
from .llm import AnswerError, Answers, Client, Settings, ask_columns, column_from_answer
from .sources import Source, SourceError
from .errors import SpecError
from .spec import SPEC_VERSION, validate
from .sqltext import ident
from .dtypes import GRANULARITY, epoch, key_digits, type_family



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
        referenced = {(fk["table"].lower(), k.lower()) for t in tables for fk in t.foreign_keys for k in fk["references"]}
        by_table = {}
        for t in tables:
            if not con.execute(f"SELECT count(*) FROM (FROM {relation[t.name]} LIMIT 1)").fetchall()[0][0]:
                spec = {**from_table_def(con, t, settings, t.name), "source_rows": 0}   # empty: its columns, no rows
                spec.pop("fixed", None)   # (nor a known lookup's rows, which its name alone would give it)
            else:
                spec = from_data(con, Source("table", t.name, relation[t.name], t.name, stored=src.stored), t.name,
                                 rows, settings)
            spec["columns"] = [bounded(enforce(col, t.column(col["name"]), spec["source_rows"],
                                               (t.name.lower(), col["name"].lower()) in referenced), t.column(col["name"]))
                               for col in spec["columns"]]
            by_table[t.name] = spec
        profiled = copy.deepcopy(by_table)
        while True:   # a composite foreign key to columns the parent cannot compute at a row is no key after all
            specs = _relate(con, tables, by_table, relation, src.schema)
            by_lower = {s["name"].lower(): s for s in specs}

            def lookup(name: str) -> dict | None:   # a table's spec by its name in any case
                return by_lower.get(str(name).lower())
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
        if src.kind == "table" and src.database:
            _declared(con, src, specs[0])
    return specs


def _declared(con, src: Source, spec: dict) -> None:
    """A table learned alone keeps what its catalog declares of it, as in a schema (in place): keys and UNIQUE
    (numbered by row), NOT NULL, CHECK lists, ranges and comparisons, VARCHAR(n); not its foreign keys, whose
    parents are not learned with it."""
    t = next((t for t in ddl.catalog_tables(con, src.database, src.schema) if t.name == src.name), None)
    if t is None or not (t.primary_key or t.unique or t.checks or any(c.unique or c.not_null or c.checks or c.length
                                                                      for c in t.columns)):
        return
    t.foreign_keys = []
    spec["columns"] = [bounded(enforce(col, t.column(col["name"]), spec["source_rows"]), t.column(col["name"]))
                       for col in spec["columns"]]
    relations.table_rules(t, spec, {c["name"].lower(): c for c in spec["columns"]}, {t.name: spec}, [t])
    spec["constraints"] = ddl.constraints(t, [t])
    dependence.prune(spec)   # a copula member or a parent the constraints made a key draws no more


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
                counts[(t.name.lower(), tuple(c.lower() for c in fk["columns"]))] = parents.children_per_parent(
                    con, relation[t.name], fk["columns"], relation[parent.name], targets)
                into.setdefault((parent.name, tuple(c.lower() for c in targets)), (targets, []))[1].append(
                    (t.name, fk["columns"]))
    specs = [dependence.prune(by_table[t], alone.get(t, set()))
             for t in relations.link(tables, by_table, schema, set(by_table), counts)]
    parents.apart(con, into, by_table, relation)
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
    across.learn(con, tables, by_table, relation)   # references that copy their parent row's value
    across.order(con, tables, by_table, relation)   # times and numbers after their parent row's
    rollups.learn(con, tables, by_table, relation)  # a parent's number that adds up its children's
    for spec in specs:
        found = None if spec.get("fixed") else batches.learn(con, relation[spec["name"]], spec)
        if found:
            spec["batches"] = found
    parents.fixed(con, tables, by_table, relation)   # in the units the batches draw (before rates, which leave lookups)
    parents.rates(con, tables, by_table, relation)
    return specs


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
    """A text column of VARCHAR(n) / CHAR(n), or a CHECK on its length, keeps to n characters (`max_length`:
    longer values are cut); keys and references are left whole, their values are unique codes."""
    longest = [n for n in (coldef.length, priors.check_length(coldef)) if n] if coldef is not None else []
    if longest and col["kind"] not in ("key", "reference") and str(col["type"]).upper().startswith("VARCHAR"):
        col["max_length"] = int(min(longest))
    return col


def enforce(col: dict, coldef: ddl.ColumnDef, rows: int = 0, referenced: bool = False) -> dict:
    """What the schema guarantees wins over what was inferred: keys, NOT NULL, CHECK lists and ranges. A unique
    date or time of `rows` rows of data is a key from its first value, in steps that span its range; a unique
    text stays in the data's format (_unique_text), as a key where a foreign key is `referenced` to it."""
    written = _unique_text(col, rows, referenced) if coldef.primary_key or coldef.unique else None
    if written:
        col = written
    elif coldef.primary_key or coldef.unique or coldef.serial:
        key = priors.column_spec(coldef)
        family = type_family(coldef.type)
        if key["kind"] == "key" and _ends(col) and family in ("date", "timestamp", "float", "decimal") and rows > 1:
            key.update(_decimals(col), **({"granularity": col["granularity"]} if col.get("granularity") else {}))
            key.update(_spaced(col, key, rows), note=f"unique: from {_ends(col)[0]}, a step apart (the data's mean)")
        fmt = texts.code_format(col["values"]) if key.get("format") and col["kind"] == "categorical" else None
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
    elif coldef.checks and col["kind"] == "key" and "start" in col and not col.get("within") \
            and type_family(col["type"]) in ("integer", "float", "decimal"):   # a key the data showed keeps within
        # the CHECK's range too (then repeats), counted as the key counts (whole units of a number's last digit)
        unit = 1 if type_family(col["type"]) == "integer" else 10 ** key_digits(col)
        ends = (col["start"], col.get("max", math.inf))
        lo, hi = priors.check_range(coldef, ends if unit == 1 else tuple(x / unit for x in ends))
        lo, hi = (x if unit == 1 or not math.isfinite(x) else round(x * unit, 6) for x in (lo, hi))
        col = {**col, **({"max": min(int(math.floor(hi)), int(col.get("max", hi)))} if math.isfinite(hi) else {}),
               **({"start": int(math.ceil(lo))} if math.isfinite(lo) and col["start"] < lo else {})}
    return col


def _unique_text(col: dict, rows: int, keyed: bool = False) -> dict | None:
    """A UNIQUE text column learned from `rows` rows of data, kept in the data's format rather than numbered as a
    code shaped by the column's name (priors): a key in the type its values parse as (dates, numbers, IPv4
    addresses: from the data's first value, its mean step apart, in days, the column's grain or units of its
    last digit), written back as the data writes them; codes of one shape numbered in their own characters; any
    other text drawn as learned, with its row's number written in (`unique`: textdraws.numbered), but where it must
    be a key (`keyed`: another table's rows point at its values). None where there is no data, the profile made
    it a key already, or its values are codes numbered in one format (enforce numbers on in it)."""
    if type_family(col["type"]) != "string" or rows < 1 \
            or col["kind"] not in ("categorical", "text", "numeric", "datetime", "constant"):
        return None
    if col.get("parsed"):
        kept = {k: v for k, v in col.items() if k not in (   # (a rule on its value would undo the key)
            "kind", "quantiles", "steps", "special", "given", "cluster", "values", "weights", "min_count", "grows",
            "ordered", "round", "after", "equals", "at_least", "at_most", "after_parent", "value")}
        if type_family(col["parsed"]) == "uuid":   # (a table of a row or a few: the profile's key needs more)
            return {**kept, "kind": "key", "nulls": 0.0, "note": "unique: a UUID a row, written as text"}
        if not _ends(col):
            return None
        grain = {} if col.get("granularity") or type_family(col["parsed"]) != "timestamp" else _grain(col)
        spaced = _spaced({**col, **grain}, {**col, "type": col["parsed"], **_decimals(col)}, rows)
        return {**kept, "kind": "key", "nulls": 0.0, **spaced, **_decimals(col), **grain,
                "note": "unique: from the data's first value, a step apart (the data's mean), written as the data "
                        "writes it"}
    if col["kind"] not in ("categorical", "text") or texts.code_format(col.get("values") or [None]):
        return None   # (a constant of one row is no text to number; codes numbered on in their format: enforce)
    shape = texts.pattern_alphabets(col["positions"]) if col.get("method") == "pattern" else \
        texts.values_alphabets(col.get("values") or [])
    if shape:
        kept = {k: v for k, v in col.items() if k not in ("method", "positions", "slots", "slot_growth", "frequent",
                                                            "values", "weights", "min_count", "grows", "given")}
        return {**kept, "kind": "key", "nulls": 0.0, "start": 0, "step": 1, "format": shape,
                "note": "unique: numbered in the characters its codes have at each position"}
    return None if keyed else {**col, "unique": True, "note": "unique: drawn as the data's, with its row's number written in"}


def _ends(col: dict) -> tuple | None:
    """The smallest and largest value a profiled number or date column holds: its quantiles' ends, or its
    category list's (a column of a few rows)."""
    if col.get("quantiles"):
        return col["quantiles"][0], col["quantiles"][-1]
    values = [v for v in col.get("values") or [col.get("value")] if v is not None and not isinstance(v, bool)]
    family = type_family(col.get("parsed") or col["type"])
    if not values or family not in ("integer", "float", "decimal", "date", "timestamp"):
        return None
    if family in ("date", "timestamp"):
        return min(values, key=lambda v: epoch(v, family)), max(values, key=lambda v: epoch(v, family))
    return min(map(float, values)), max(map(float, values))


def _grain(col: dict) -> dict:
    """A timestamp category list's `granularity`: the coarsest unit all its values are whole numbers of (a list
    of a few rows has none from the profile, and a key of it stepping microseconds writes them)."""
    stamps = [epoch(v, "timestamp") for v in col.get("values") or [col.get("value")] if isinstance(v, str)]
    return next(({"granularity": g} for g, unit in GRANULARITY.items() if stamps and all(x % unit == 0 for x in stamps)),
                {})


def _decimals(col: dict) -> dict:
    """A number key's `round`: the decimals the data's values have (an integral DECIMAL counts in whole numbers),
    where the profile read them; {} for other keys."""
    if type_family(col.get("parsed") or col["type"]) not in ("float", "decimal"):
        return {}
    if col.get("round") is not None:
        return {"round": int(col["round"])}
    values = [Decimal(str(v)).normalize() for v in col.get("values") or [col.get("value")]
              if v is not None and not isinstance(v, bool)]
    if not values or not all(v.is_finite() for v in values):
        return {}
    return {"round": min(12, max(max(0, -v.as_tuple().exponent) for v in values))}


def _spaced(col: dict, key: dict, rows: int) -> dict:
    """{start, step} of a key (`key`: its type, and its `round`) numbering `rows` rows across the range of `col`
    (_ends): from its first value, the data's mean step apart, in days, the column's grain (its `granularity`),
    whole numbers or units of the key's last digit (dtypes.key_digits)."""
    family = type_family(key["type"])
    ends = _ends(col)
    if family in ("date", "timestamp"):
        first, last = (epoch(q, family) for q in ends)
        unit = 1 if family == "date" else GRANULARITY[col.get("granularity", "microsecond")]
    else:
        scale = 1 if family == "integer" else 10 ** key_digits(key)
        first, last = (round(q * scale) for q in ends)
        unit = 1
    return {"start": int(first), "step": max(1, round((last - first) / max(1, rows - 1) / unit)) * unit}


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
