"""Offline inference: profile a source in SQL over a reproducible sample and write a spec. No model needed.

Each column is classified by what the data shows (constant, boolean, categorical, numeric, datetime, key,
text) and given the parameters that reproduce it: quantile knots for an inverse CDF, category weights,
null fractions, granularity, key sequences, character patterns or a phrase pool for text.
"""
from __future__ import annotations

import contextlib
import itertools
import math
import uuid

import duckdb

from . import groups, missing, rules, trial, vocabulary
from .copula import order_ladders
from .joint import fields, learn
from .layout import key_room
from .caller import progress
from .readings import parse_sql, typed_texts
from .structured import Structured
from .texts import MAX_CATEGORIES, Texts
from .sources import Source, SourceError
from .dtypes import (EXACT, GRANULARITY, decimal_scale, inside_type, iso, knot_values, monotone,
                     require_supported, type_bounds, type_family)
from .kinds import ORDERED_VALUES
from .spec import SPEC_VERSION
from .sqltext import ident

DEFAULT_ROWS = 100_000      # rows profiled; more only sharpen the tails
WIDE_CELLS = 20_000_000     # a sample of more cells than this is copied in one thread (_one_thread)
KNOTS = 1025                # quantile knots for numeric and datetime columns
FEW_DISTINCT = 32           # at most this many distinct values: categorical whatever the type
MAX_STEP_VALUES = 1024      # numbers and dates of at most this many distinct values, each seen STEP_REPEATS
STEP_REPEATS = 4            # times on average, are drawn as those values (a step inverse CDF)
KEY_NAME_HINTS = ("id", "key", "pk", "no", "nr", "num", "number", "code")
MIN_KEY_ROWS = 10   # unique integers on fewer sampled rows than this are a key only where their name says so


def infer(con: duckdb.DuckDBPyConnection, source: Source, name: str, rows: int = DEFAULT_ROWS, advise=None) -> dict:
    """The offline spec. `advise(profilers, columns) -> (columns, proposed relations)` may revise it while the
    sample still exists; each proposed relation becomes a rule only if the sample bears it out."""
    relation = con.sql(f"SELECT * FROM {source.relation} LIMIT 0")
    columns = [(c, str(t)) for c, t in zip(relation.columns, relation.types)]
    require_supported(columns)
    total = con.execute(f"SELECT count(*) FROM {source.relation}").fetchall()[0][0]
    if total == 0:
        raise SourceError(f"source {source.text!r} is empty: there is nothing to learn a distribution from")
    sample = Sample(con, source, total, int(rows), len(columns))
    progress(f"{name}: sampling {min(total, int(rows)):,} of {total:,} rows")
    try:
        parsed = typed_texts(con, sample.name, columns, FEW_DISTINCT)
        for column, reading in parsed.items():   # profiled, and related to others, as what they hold
            c = ident(column)
            con.execute(f"ALTER TABLE {sample.own()} ALTER {c} SET DATA TYPE {reading['parsed']} "
                        f"USING {parse_sql(c, reading)}")
        progress(f"{name}: profiling {len(columns)} columns")
        profilers = [Profiler(con, sample.name, col, parsed.get(col, {"parsed": type_text})["parsed"], total,
                              source.relation)
                     for col, type_text in columns]
        cols = [p.spec() for p in profilers]
        cols, proposed = advise(profilers, cols) if advise else (cols, [])
        vocabulary.things_of_codes(con, sample.name, cols)
        special = [ident(c["name"]) for c in cols if c.get("special")]
        if special:  # relations are learned on ordinary values: inf, NaN and infinity count as missing there
            con.execute(f"UPDATE {sample.own()} SET " + ", ".join(f"{c} = CASE WHEN isfinite({c}) THEN {c} END" for c in special))
            for p in profilers:
                p.sample = sample.name
        progress(f"{name}: rules and pairs")
        order_ladders(con, sample.name, cols)
        checked = rules.check_proposals(con, sample.name, cols, proposed)
        regrouped = groups.regroup(con, sample.name, profilers, cols)
        screening = {}   # what the joint model measured and chose: kept in the spec
        head = {"fastgen_spec": SPEC_VERSION, "name": name, "source": source.text, "source_rows": int(total)}
        with trial.remembered():   # the sample stays as it is from here: a model measured again is not drawn again
            cols, hidden, joint = learn(con, sample.name, cols, min(total, int(rows)), head, screening, regrouped)
            joint_models = fields(hidden, joint)   # the spec's `clusters` and `copula`
            together = missing.learn(con, sample.name, {**head, "columns": cols, **joint_models})
    finally:
        sample.drop()
    written = dict(columns)
    for col in cols:
        reading = parsed.get(col["name"])
        if reading == {"parsed": "BIGINT"} and col["kind"] == "key":   # integers as text: a text key of plain numbers
            col.update(type=written[col["name"]], format={"prefix": "", "width": 0, "suffix": ""})
        elif reading:   # drawn as the type, written back as the text the source holds
            col.update(reading, type=written[col["name"]])
    return {**head, "inferred_by": "offline", "columns": cols, **joint_models, **({"missing": together} if together else {}),
            **({"relations_proposed": checked} if checked else {}), **({"dependence": screening} if screening else {})}


class Sample:
    """The rows profiled, read by `name` (with a rowid: their order). A table DuckDB stores, with no more rows
    than are profiled, is read where it is: a copy of 1,000 columns of 100,000 rows holds 1.2 GB, and costs
    5 s. Any other source, or one with values to rewrite (`own`), is copied into a temporary table: every row
    of it, or a reproducible sample of `rows` (a streaming top-N on the rows' hashes)."""

    def __init__(self, con, source: Source, total: int, rows: int, width: int):
        self.con, self.source, self.total, self.rows, self.width = con, source, total, rows, width
        self.copy = None
        if not (source.stored and total <= rows):
            self.own()

    @property
    def name(self) -> str:
        return self.copy or self.source.relation

    def own(self) -> str:
        """A temporary copy to rewrite, made on first need."""
        if self.copy is None:
            table = "fastgen_profile_" + uuid.uuid4().hex
            order = f" ORDER BY hash(t) LIMIT {self.rows}" if self.total > self.rows else ""
            with _one_thread(self.con, min(self.total, self.rows) * self.width > WIDE_CELLS):
                self.con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {self.source.relation} AS t{order}")
            self.copy = "temp." + table
        return self.copy

    def drop(self) -> None:
        if self.copy is not None:
            self.con.execute(f"DROP TABLE IF EXISTS {self.copy}")


@contextlib.contextmanager
def _one_thread(con, wide: bool):
    """The copy of a wide sample made in one thread: each thread builds a row group of every column (1,000
    columns of 100,000 rows: 2.3 GB resident with two threads, 1.3 GB with one). The setting is put back."""
    if not wide:
        yield
        return
    before = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(before)}")


def _probs(k: int) -> str:
    return "[" + ", ".join(repr(i / (k - 1)) for i in range(k)) + "]"


class Profiler(Texts, Structured):
    def __init__(self, con, sample: str, name: str, type_text: str, source_rows: int, relation: str = ""):
        self.con, self.sample, self.name, self.type, self.source_rows = con, sample, name, type_text, source_rows
        self.relation = relation
        self.family = type_family(type_text)
        self.c = ident(name)
        # what a value looks like in the spec: numbers as numbers, the rest as DuckDB's own text
        self.as_json = self.c if self.family in ("integer", "float", "boolean") else f"{self.c}::VARCHAR"
        self.n, self.nonnull, self.distinct = self.one(f"count(*), count({self.c}), count(DISTINCT {self.c})")
        self.texts = f"{self.c} IS NOT NULL"   # the texts that pattern() and words() learn from
        self.shapes: dict = {}                 # texts.shape() per set of texts

    def one(self, select: str, where: str = ""):
        return self.con.execute(f"SELECT {select} FROM {self.sample} {where}").fetchall()[0]

    def base(self, kind: str, **params) -> dict:
        nulls = round(1 - self.nonnull / self.n, 6)
        return {"name": self.name, "type": self.type, "kind": kind, "nulls": nulls, **params, "origin": "offline"}

    def spec(self) -> dict:
        col = self.offline()
        self.spec_kind = col["kind"]
        return col

    def offline(self) -> dict:
        if self.nonnull == 0:
            return {**self.base("constant", value=None), "nulls": 0.0}
        if self.distinct == 1:
            value = self.one(f"min({self.as_json})")[0]   # inf and NaN as the texts DuckDB casts back, as categories
            return self.base("constant", value=str(value) if isinstance(value, float) and not math.isfinite(value) else value)
        if self.family == "boolean":
            return self.base("boolean", p_true=round(self.one(f"avg({self.c}::INTEGER)")[0], 6))
        unique = self.distinct == self.nonnull == self.n
        if self.family == "uuid":
            return self.key() if unique else self.categorical()
        if self.family == "integer" and unique and self.looks_like_key():
            return self.key()
        if self.distinct <= FEW_DISTINCT or self.type.startswith("ENUM"):
            return self.categorical()
        if self.family in ("integer", "float", "decimal"):
            return self.numeric()
        if self.family in ("date", "time", "timestamp"):
            return self.datetime()
        return self.string(unique)

    def describe(self, with_values: bool) -> dict:
        """What a model is told about the column: its type and profile, and a few values unless told not to."""
        info = {"name": self.name, "type": self.type, "rows": self.n, "nulls": round(1 - self.nonnull / self.n, 4),
                "distinct": self.distinct, "profiled_as": self.spec_kind}
        if with_values and self.nonnull:
            info["examples"] = [v if not isinstance(v, str) else v[:80] for (v,) in self.con.execute(
                f"SELECT DISTINCT {self.as_json} FROM {self.sample} WHERE {self.c} IS NOT NULL LIMIT 5").fetchall()]
        return info

    def as_kind(self, kind: str) -> dict:
        """The column profiled as `kind`, if the data allows it (AnswerError says why not)."""
        from .llm import AnswerError
        unique = self.distinct == self.nonnull == self.n
        checks = {
            "constant": (self.distinct <= 1, "it has several distinct values"),
            "boolean": (self.family == "boolean", "its type is not BOOLEAN"),
            "categorical": (self.distinct <= MAX_CATEGORIES, f"it has more than {MAX_CATEGORIES} distinct values"),
            "numeric": (self.family in ("integer", "float", "decimal"), "its type is not numeric"),
            "datetime": (self.family in ("date", "time", "timestamp"), "its type is not a date or time"),
            "key": (unique and self.family in ("integer", "string", "uuid"), "its values are not unique"),
            "text": (self.family == "string", "its type is not text"),
        }
        ok, why = checks.get(kind, (False, "that is not a kind"))
        if not ok:
            raise AnswerError(why)
        if kind == "key":
            spec = self.key() if self.family != "string" else self.text_key()
            if spec is None:
                raise AnswerError("its values have no common prefix-and-number shape")
            return spec
        return {"constant": self.spec, "boolean": self.spec, "categorical": self.categorical,
                "numeric": self.numeric, "datetime": self.datetime,
                "text": lambda: self.pattern() or self.words()}[kind]()

    def key(self) -> dict:
        if self.family == "uuid":
            return self.base("key")
        lo, hi = self.one(f"min({self.c})::HUGEINT, max({self.c})::HUGEINT")
        key = self.base("key", start=int(lo), step=max(1, round((hi - lo) / max(1, self.source_rows - 1))))
        if self.relation and self.looks_shuffled():
            key["shuffle"] = 1 << max(1, (self.source_rows - 1).bit_length())
        # the source's rows within the type (a TINYINT key of 10 values spread over its range): without the
        # shuffle's whole block, then with the step its room allows
        def short() -> bool:
            room = key_room(key)
            return room is not None and room + 1 < self.source_rows
        if short():
            key.pop("shuffle", None)
        if short():
            key["step"] = max(1, (type_bounds(self.type)[1] - int(lo)) // max(1, self.source_rows - 1))
        return key

    def looks_shuffled(self) -> bool:
        """Keys in no order along the source (ids handed out at random), rather than ascending with the rows."""
        rho = self.con.execute(f"SELECT corr(rn, k) FROM (SELECT row_number() OVER () AS rn, {self.c}::DOUBLE AS k "
                               f"FROM {self.relation} LIMIT 100000)").fetchall()[0][0]
        return rho is not None and abs(rho) < 0.5

    def looks_like_key(self) -> bool:
        lo, hi = self.one(f"min({self.c})::DOUBLE, max({self.c})::DOUBLE")
        words = self.name.lower().replace("-", "_").replace(" ", "_").split("_")
        if hi >= 2.0 ** 127:   # keys are numbered in HUGEINT: a UHUGEINT past it is drawn as a number
            return False
        # unique over a few rows is no sign: two bounds of a 3-row table are no keys (their CHECK lo < hi would
        # compare two keys drawn apart), unless the name says key
        return hi - lo <= 10 * self.source_rows and self.n >= MIN_KEY_ROWS or words[-1] in KEY_NAME_HINTS \
            or self.name.lower().endswith("id")

    def categorical(self) -> dict:
        rows = self.con.execute(
            f"SELECT {self.as_json}, count(*) FROM {self.sample} WHERE {self.c} IS NOT NULL "
            f"GROUP BY {self.c} ORDER BY count(*) DESC, {self.c} LIMIT {MAX_CATEGORIES}").fetchall()
        # inf and NaN have no JSON number: they are kept as the texts DuckDB casts back ('inf', 'nan')
        values = [str(v) if isinstance(v, float) and not math.isfinite(v) else v for v, _ in rows]
        weights = [int(w) for _, w in rows]
        if self.family in ("integer", "float") and 2 <= len(values) <= ORDERED_VALUES \
                and all(isinstance(v, (int, float)) for v in values):
            # a few numbers (a score, a count, a wave) in ascending order: drawn by the CASE ladder, monotone in
            # the uniform, so the copula can join them to the other numbers by rank
            values, weights = map(list, zip(*sorted(zip(values, weights))))
            return self.base("categorical", values=values, weights=weights, ordered=True)
        return self.base("categorical", values=values, weights=weights)

    def finite(self) -> tuple[str, dict]:
        """The filter for finite values, and the shares of the special ones (±inf and NaN for floats, ±infinity
        for dates and timestamps): drawn as themselves, the rest from quantile knots of the finite values."""
        if self.family == "float":
            specials = {"inf": f"{self.c} = 'inf'", "-inf": f"{self.c} = '-inf'", "nan": f"isnan({self.c})"}
        elif self.family in ("date", "timestamp"):
            specials = {"infinity": f"{self.c} = 'infinity'", "-infinity": f"{self.c} = '-infinity'"}
        else:
            return "", {}
        counts = self.one(", ".join(f"count(*) FILTER (WHERE {test})" for test in specials.values()))
        found = {x: round(k / self.n, 6) for x, k in zip(specials, counts) if k}
        return (f"FILTER (WHERE isfinite({self.c}))" if found else ""), found

    def numeric(self) -> dict:
        where, special = self.finite()
        knots = self.knots(f"{self.c}::DOUBLE", where)
        if knots is None:   # nothing but special values
            return self.categorical()
        digits = None   # the decimals the source keeps: an integral DECIMAL or DOUBLE stays integral
        if self.family in ("float", "decimal"):
            for d in range(0, 7 if self.family == "float" else decimal_scale(self.type)):
                # try(): rounding a DECIMAL(38, 10) near its maximum up to a whole number overflows the type (a
                # NULL is no evidence either way: `false` for it left every column with NULLs unrounded)
                if self.one(f"bool_and(coalesce(try({self.c} = round({self.c}, {d})), {self.c} IS NULL)) {where}")[0]:
                    digits = d
                    break
        knots = monotone(inside_type(float(x), self.type) for x in knots)
        if self.family == "integer" and max(abs(knots[0]), abs(knots[-1])) > EXACT:   # the ends exactly (as times)
            first, last = self.one(f"min({self.c}), max({self.c})")
            knots = [int(first)] + [min(max(x, first), last) for x in knots[1:-1]] + [int(last)] if len(knots) > 1 else [int(first)]
        return self.base("numeric", quantiles=knots, round=digits, **self.steps(), **self.specials(special))

    def discrete(self) -> bool:
        """A few values, each repeated (ages in whole years, scores, monthly dates): drawn as the exact values
        with their frequencies, from a step inverse CDF; interpolating between them would spread their mass."""
        return self.distinct <= MAX_STEP_VALUES and self.nonnull >= STEP_REPEATS * self.distinct

    def knots(self, number: str, where: str) -> list[float] | None:
        """KNOTS quantiles of the column as a number (over the finite values where `where` filters), as
        spec.knot_values places them, in numpy: a 1025-probability quantile aggregate took seconds per column."""
        keep = where.replace("FILTER (WHERE", "AND (") if where else ""
        x = self.con.execute(f"SELECT ({number})::DOUBLE AS x FROM {self.sample} WHERE {self.c} IS NOT NULL {keep}"
                             ).fetchnumpy()["x"]
        if len(x) == 0:
            return None
        return knot_values(x, KNOTS, self.discrete())

    def steps(self) -> dict:
        return {"steps": True} if self.discrete() else {}

    def specials(self, special: dict) -> dict:
        return {"special": {"values": list(special), "shares": list(special.values())}} if special else {}

    def datetime(self) -> dict:
        where, special = self.finite()
        as_number = f"({self.c} - DATE '1970-01-01')" if self.family == "date" else f"epoch_us({self.c})"
        knots = self.knots(as_number, where)
        if knots is None:
            return self.categorical()
        # Python's dates end at 9999-12-31: later (or pre-year-1) dates are drawn at those ends, and said so
        lo, hi = (-719162, 2932896) if self.family == "date" else (-62135596800000000, 253402300799999999)
        clipped = [min(max(round(x), lo), hi) for x in knots]
        note = {"note": "dates beyond years 1..9999 are drawn at those ends"} if clipped != [round(x) for x in knots] else {}
        knots = monotone(clipped)
        # the ends exactly, as integers: as DOUBLEs, microseconds far from 1970 round (to 32 of them in year 9800)
        # past the data's
        # (a FILTER clause binds to one aggregate: each end gets its own, or -infinity would be the first)
        first, last = (min(max(int(x), lo), hi) for x in self.one(f"min({as_number}) {where}, max({as_number}) {where}"))
        knots = [first] + [min(max(round(x), first), last) for x in knots[1:-1]] + [last] if len(knots) > 1 else [first]
        granularity = "day"
        if self.family != "date":
            granularity = next(g for g, us in GRANULARITY.items()
                               if self.one(f"bool_and({as_number} % {us} = 0) {where}")[0])
        return self.base("datetime", quantiles=[self.iso(x) for x in knots], granularity=granularity,
                         **self.steps(), **self.specials(special), **note)

    def iso(self, x: int) -> str:
        return iso(x, self.family, self.type)


def rows(con, relation: str, columns: list[dict], order: list[str]) -> list[list]:
    """A table's rows as plain values (numbers and booleans as such, the rest as DuckDB's text; inf and NaN as
    text), in the order of `order` (a key) then of every column: what a fixed table reproduces."""
    exprs = [ident(c["name"]) if type_family(c["type"]) in ("integer", "float", "boolean") else f"{ident(c['name'])}::VARCHAR"
             for c in columns]
    by = ", ".join(ident(c) for c in order + [c["name"] for c in columns if c["name"] not in order])
    return [[str(v) if isinstance(v, float) and not math.isfinite(v) else v for v in row]
            for row in con.execute(f"SELECT {', '.join(exprs)} FROM {relation} ORDER BY {by}").fetchall()]


ENUMERATION_FACTORS = 12    # columns tried as the factors of a complete enumeration (2^12 subsets, products only)


def enumerates(con, relation: str, columns: list[dict]) -> bool:
    """A table that lists a whole domain once, which a larger scale could only repeat: a calendar (a DATE column
    holding every day from its first to its last once), or every combination of some of its columns' values
    once (the seconds of a day as hour × minute × second; demographic profiles as every band × level × count)."""
    names = [ident(c["name"]) for c in columns]
    dates = [ident(c["name"]) for c in columns if type_family(c["type"]) == "date"]
    days = [f"count(DISTINCT {d}) = count(*) AND max({d}) - min({d}) + 1 = count(*)" for d in dates]
    first = con.execute(f"SELECT count(*), {', '.join(days + [f'count(DISTINCT {c}), count({c})' for c in names])} "
                        f"FROM {relation}").fetchall()[0]
    n, found = first[0], first[1:1 + len(days)]
    if any(found):
        return True
    counts = first[1 + len(days):]
    factors = [(c, d) for c, d, present in zip(names, counts[::2], counts[1::2]) if present == n and 2 <= d <= n // 2]
    for size in range(2, min(len(factors), ENUMERATION_FACTORS) + 1):
        for subset in itertools.combinations(factors[:ENUMERATION_FACTORS], size):
            if math.prod(d for _, d in subset) == n and con.execute(
                    f"SELECT count(*) FROM (SELECT DISTINCT {', '.join(c for c, _ in subset)} FROM {relation})"
            ).fetchall()[0][0] == n:
                return True
    return False
