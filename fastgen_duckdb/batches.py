"""Rows that come in batches: a ticket's lines, an order's items, kept in one table with the batch's number.

In a schema's data, an integer column whose values' rows agree on most foreign keys (a ticket number whose
lines share the customer, the store and the day of the sale) numbers batches (learn() says when exactly).
Drawn row by row, each line would pick its own customer and day, so every ticket would have one line and
every customer would buy on every day. The spec's `batches` keeps the structure: rows are laid out in batches
of the data's sizes (the children's layout, children.py), the batch column numbers them (start + batch x
step), and the listed columns (the references, and other columns the batch determines whose value no other
column computes) are drawn once per batch, from the batch's number instead of the row's (whether a line's
value is NULL stays the line's own draw, as in the data). Everything else is drawn per row.

A reference that no batch repeats in the data (a ticket's items: (ticket, item) is unique there, a key of the
returns that point at it) is `distinct`: its lines' uniforms step from the batch's draw by the golden ratio
(a Kronecker sequence), so each line's uniform is still uniform alone (the parents keep their weights), and a
batch's k lines draw points at least ~0.38/k apart: distinct parents wherever none weighs that much.

    "batches": {"column": "ss_ticket_number", "per_batch": [rows per batch: quantile knots],
                "start": 1, "step": 1, "columns": ["ss_customer_sk", "ss_sold_date_sk", ...],
                "distinct": ["ss_item_sk"]}
"""
from __future__ import annotations

from . import children
from .draws import at, own_draw, uniform
from .dtypes import type_family
from .errors import SpecError
from .sqltext import ident, list_literal, number

MEAN_ROWS = 1.5   # rows per batch, on average, at least: below it the numbers are ids, not batches
BATCH = "bt"      # the sampler's name for row r's batch, beside r
POSITION = "bp"   # and for row r's number within its batch, where a reference is distinct within batches
GOLDEN = 0.6180339887498949   # the golden ratio's fractional part: the step between a batch's distinct draws
RULES = ("given", "cluster", "after", "after_parent", "equals", "at_least", "at_most", "inherit")   # fields that tie a column to others


def _computed(col: dict) -> bool:
    """Whether the column's value is computed from other columns (a conditional or cluster table, a rule)."""
    return any(col.get(f) is not None for f in RULES)


def _numbers_batches(col: dict) -> bool:
    """Whether a column can number batches: an integer column whose value no other column computes (a copula
    member too: its value is replaced by the batch's number, its normal left unused)."""
    return col["kind"] in ("numeric", "categorical") and type_family(col.get("parsed") or col["type"]) == "integer" \
        and not _computed(col)


def _free(spec: dict) -> set[str]:
    """Columns whose value is a function of their own uniform alone: not in the copula, and computed from no
    other column (no conditional table, cluster table or rule of their own). They can be drawn once per batch;
    columns that others are conditioned on or bounded by can too (those others read the batch's value)."""
    tied = {str(x).lower() for x in (spec.get("copula") or {}).get("columns", [])}
    tied.update(c["name"].lower() for c in spec["columns"] if _computed(c))
    return {c["name"].lower() for c in spec["columns"] if c["name"].lower() not in tied
            and (own_draw(c) or c["kind"] in ("numeric", "datetime", "categorical", "boolean"))}


def learn(con, relation: str, spec: dict) -> dict | None:
    """The table's `batches` from its whole data (a sample would cut batches apart), or None: the integer
    column of no NULLs whose values determine the most references (their values other than NULL). A batch
    number is an event's: batches are many and small (at least MEAN_ROWS rows each on average, and at least
    √rows batches: a quantity of 20 values is a measure, whatever it determines), and they determine at least
    half of the references that vary (a ticket holds the customer, store and day; a zip code that determines
    the city alone is an attribute). A reference to a one-row table is determined by anything, and not
    counted."""
    cols = spec["columns"]
    if any(c.get("nested") or c.get("within") for c in cols) or any(
            c["kind"] == "reference" and str(c.get("table")).lower() == spec["name"].lower() for c in cols):
        return None   # rows already laid out under a parent, or inserted in doubling chunks
    free = _free(spec)
    refs = [c["name"] for c in cols if own_draw(c) and c["name"].lower() in free]
    numbers = [c["name"] for c in cols if _numbers_batches(c) and not c.get("nulls")]
    if not refs or not numbers:
        return None
    others = [c["name"] for c in cols if c["name"].lower() in free and c["name"] not in refs]
    counts = con.execute(f"SELECT count(*), {', '.join(f'count(DISTINCT {ident(c)})' for c in numbers + refs)}, "
                         f"{', '.join(f'count({ident(c)})' for c in numbers)} FROM {relation}").fetchall()[0]
    n, distinct, present = counts[0], dict(zip(numbers + refs, counts[1:])), counts[1 + len(numbers + refs):]
    varying = [r for r in refs if distinct[r] >= 2]
    best = None
    for g, full in zip(numbers, present):
        d = distinct[g]
        if full != n or d * d < n or n < MEAN_ROWS * d or not varying:
            continue
        # NULLs aside (a line may lack the customer its ticket has): one value per batch
        rest = [c for c in refs + others if c != g]
        agree = con.execute("SELECT " + ", ".join(
            f"count(DISTINCT ({ident(g)}, {ident(r)})) FILTER ({ident(r)} IS NOT NULL) = "
            f"count(DISTINCT {ident(g)}) FILTER ({ident(r)} IS NOT NULL)" for r in rest) + f" FROM {relation}").fetchall()[0]
        shared = [r for r, same in zip(rest, agree) if same]
        if 2 * sum(r in varying for r in shared) >= len(varying) and (best is None or len(shared) > len(best[1])):
            best = (g, shared, d)
    if best is None:
        return None
    g, shared, d = best
    c = ident(g)
    steps = [i / (children.KNOTS - 1) for i in range(children.KNOTS)]
    knots, lo, hi = con.execute(f"SELECT quantile_cont(k, {steps}), min(v), max(v) FROM "
                                f"(SELECT {c} AS v, count(*) AS k FROM {relation} GROUP BY 1)").fetchall()[0]
    drawn = [r for r in refs if r not in shared and distinct[r] >= 2]
    once = con.execute("SELECT " + ", ".join(f"count(DISTINCT ({c}, {ident(r)})) FILTER ({ident(r)} IS NOT NULL) = count({ident(r)})" for r in drawn)
                       + f" FROM {relation}").fetchall()[0] if drawn else ()
    return {"column": g, "per_batch": children.from_counts(knots), "start": int(lo),
            "step": max(1, round((int(hi) - int(lo)) / max(1, d - 1))), "columns": shared,
            **({"distinct": [r for r, yes in zip(drawn, once) if yes]} if any(once) else {})}


def validate(spec: dict, by_name: dict, where: str) -> None:
    b = spec["batches"]
    names = b.get("columns") if isinstance(b, dict) else None
    col = by_name.get(str(b.get("column", "")).lower()) if isinstance(b, dict) else None
    if col is None or not _numbers_batches(col):
        raise SpecError(f"{where}: batches.column must name an integer numeric or categorical column computed "
                        "from no other (the batch's number); remove 'batches' to draw every row on its own")
    free = _free(spec)
    if not isinstance(names, list) or not names or not all(
            isinstance(x, str) and x.lower() in free and x.lower() != col["name"].lower() for x in names):
        raise SpecError(f"{where}: batches.columns must list other columns of the table, drawn once per batch: "
                        "references (no composite, nested or self references) or numbers, dates, categories and "
                        "booleans tied to no other column (no copula, conditional table or rule)")
    knots = b.get("per_batch")
    if not isinstance(knots, list) or len(knots) < 2 or not all(
            isinstance(k, (int, float)) and not isinstance(k, bool) and k >= 1 for k in knots) or knots != sorted(knots):
        raise SpecError(f"{where}: batches.per_batch must be ascending quantiles of rows per batch, each >= 1")
    for field in ("start", "step"):
        v = b.get(field)
        if isinstance(v, bool) or not isinstance(v, int) or (field == "step" and v < 1):
            raise SpecError(f"{where}: batches.{field} must be an integer{' >= 1' if field == 'step' else ''}")
    apart = b.get("distinct", [])
    if not isinstance(apart, list) or not all(
            isinstance(x, str) and x.lower() in free and x.lower() != col["name"].lower() and own_draw(by_name[x.lower()])
            and x.lower() not in {n.lower() for n in names} for x in apart):
        raise SpecError(f"{where}: batches.distinct must list references drawn per row (not in batches.columns) "
                        "that no batch repeats; remove it to draw them as any other")
    if spec.get("fixed") is not None:
        raise SpecError(f"{where}: a fixed table (its rows as they are) has no batches; remove 'batches'")


class Batches:
    """Row r's batch in SQL: the layout's slot of r names the batch within its block (children.layout)."""

    def __init__(self, spec: dict, param=None):
        b = spec["batches"]
        self.column, self.columns = b["column"].lower(), {c.lower() for c in b["columns"]}
        self.distinct = {c.lower() for c in b.get("distinct", [])}
        self.block, slots, positions = children.layout(b["per_batch"], int(spec.get("salt") or 0))
        self.size = len(slots)
        listed = param or (lambda what, values, element_type: list_literal(values, element_type))
        self.slots = listed("batch_slot", slots, "INTEGER")
        self.positions = listed("batch_position", positions, "INTEGER") if self.distinct else None
        self.start, self.step = int(b["start"]), int(b["step"])

    def number(self, row: str = "r") -> str:
        """Row r's batch: whole layouts of `size` rows each hold `block` batches."""
        return f"(({row}) // {self.size} * {self.block} + {at(self.slots, f'({row}) % {self.size} + 1')})"

    def position(self, row: str = "r") -> str:
        """Row r's number within its batch (0 for its first row)."""
        return at(self.positions, f"({row}) % {self.size} + 1")

    def spread(self, stream: int, batch: str = BATCH, position: str = POSITION) -> str:
        """The uniform of a distinct reference at a row: the batch's draw, stepped by the golden ratio per row."""
        x = f"({uniform(stream, batch)} + {position} * {GOLDEN!r})"
        return f"({x} - floor({x}))"

    def value(self, batch: str = BATCH) -> str:
        """The batch column: the batch's own number (BATCH, carried from the rows), as the data numbers them."""
        return f"({number(self.start)} + {batch} * {number(self.step)})"
