"""Random numbers in SQL. Row r of a run with seed s depends only on (r, s): every random number is a hash of
(r, s, stream), so a run is identical on any thread count and any slice of rows equals the same slice of one big
run. Here: the stream numbers, uniforms and bits from hashes, the alias and slot tables that turn one uniform into
a weighted choice, the copula's correlated uniforms and the hidden cluster's ladder."""
from __future__ import annotations

import bisect
import math
from collections import Counter

from .sqltext import number

BLOCK = 1 << 20          # rows in fastgen.counter
SLOTS = 4096             # pool slots for text: 12 bits of a hash pick one
LINKS = 1_000_000        # hash stream numbers of composite foreign keys (one uniform per link)
COPULA = 2_000_000       # hash stream numbers of the copula's normals (one pair of uniforms per two columns)
POOLS = 3_000_000        # hash stream numbers of a spec's semantic pools (one uniform per pool: semantic.py)
NULL_DRAWS = 3_500_000   # hash stream numbers of NULL draws per parent bin (one uniform per such column)
INHERIT_DRAWS = 3_600_000  # hash stream numbers of whether a row copies its parent row's value (across.py)
MISSING = 3_700_000      # hash stream numbers of the normals of NULLs drawn together (missing.py)
GROW_DRAWS = 3_800_000   # hash stream numbers of which copy of a growing list a row's code is (keydraws.py)
CLUSTER = 3_900_000      # hash stream number of a row's hidden cluster (clusters.py)
TEXT_SLOTS = 4_000_000   # hash stream numbers of the slot a repeated text is drawn from (textdraws.py)
AFFIX_DRAWS = 4_100_000  # hash stream numbers of which [prefix, suffix] pair a typed text is written in (readings.py)
MARKER_DRAWS = 4_200_000  # hash stream numbers of which marker ('NA', '-') a typed text's missing value is written as
SHUFFLE_MULTIPLIER = 0x9E3779B1  # odd, so multiplying by it permutes any power-of-two block
UNIT = "1.1102230246251565e-16"  # 2^-53: (h >> 11) * UNIT is a uniform double in [0, 1)


def at(items: str, index: str) -> str:
    """The 1-based list element, spelled list_extract so that dialect.py can rename it for other engines."""
    return f"list_extract({items}, {index})"


def streams(spec: dict) -> int:
    """The first hash stream number of a generator: its salt above the 22 bits of stream numbers within one
    (columns, links, the copula's normals), so that no two generators share draws (customer 17 and supplier
    17 would otherwise get the same name, phone and balance)."""
    return int(spec.get("salt") or 0) << 22


def own_draw(col: dict) -> bool:
    """Whether a column is a reference drawn from its own uniform alone: not part of a composite foreign key (a
    link's uniform) or of a nest (its parent row's), the only kind another row or pool can steer."""
    return col["kind"] == "reference" and not any(col.get(k) is not None for k in ("link", "nested", "within"))


def uniform(j: int, row: str = "r", seed: str = "seed") -> str:
    """Row r's uniform in [0, 1) for stream j (a column, a link, a copula normal): the hash's top 53 bits.
    (`row`: what the draw is a function of, the row or its batch; `seed`: the run's, or a number.)"""
    return f"((hash({row}, {seed}, {j}, 0) >> 11)::DOUBLE * {UNIT})"


def bits(j: int, k: int, row: str = "r") -> str:
    """64 random bits of row r (or of what `row` says: a text's slot) for column j, part k, to cut into small
    fields. DuckDB's hash only XORs its last argument in and mixes its low bits poorly, so k goes before a final 0
    and the result is hashed again."""
    return f"hash(hash({row}, seed, {j}, {k}, 0))"


def alias_table(weights: list[float]) -> tuple[list[float], list[int]]:
    """Vose's alias method: draw category i with probability weights[i] from one uniform, in O(1)."""
    k = len(weights)
    total = float(sum(weights))
    scaled = [w * k / total for w in weights]
    prob, alias = [1.0] * k, list(range(1, k + 1))
    small = [i for i, s in enumerate(scaled) if s < 1.0]
    large = [i for i, s in enumerate(scaled) if s >= 1.0]
    while small and large:
        s, big = small.pop(), large.pop()
        prob[s], alias[s] = scaled[s], big + 1
        scaled[big] -= 1.0 - scaled[s]
        (small if scaled[big] < 1.0 else large).append(big)
    return prob, alias


GUIDE_STEPS = 4   # boundaries a guide cell may hold: the comparisons a monotone pick makes past its cell


def guide_table(weights: list[float]) -> tuple[list[int], list[float]] | None:
    """A monotone weighted choice (an inverse CDF: a larger uniform never picks an earlier category), from one
    uniform in O(1): cut [0, 1) into G cells; uniform v in cell floor(v G) picks one plus the categories whose
    cumulative weight lies in an earlier cell, plus those of its own cell at or below v (at most GUIDE_STEPS).
    Cells are found by the same product the SQL takes, so the choice is exact. (below, cumulative weights padded
    past 1), or None where G up to 64 x the categories still leaves a cell more than GUIDE_STEPS of them."""
    total, acc, cum = float(sum(weights)), 0.0, []
    for w in weights:
        acc += w
        cum.append(acc / total)
    cum[-1] = 1.0
    g = len(weights)
    while g <= 64 * len(weights):
        cells = [math.floor(c * g) for c in cum]
        if max(Counter(cells).values()) <= GUIDE_STEPS:
            return [bisect.bisect_left(cells, i) for i in range(g + 1)], cum + [2.0] * GUIDE_STEPS
        g *= 2
    return None


def guide_pick(guide: tuple[list[int], list[float]], v: str, listed) -> str:
    """guide_table's choice (1-based) for uniform v, its lists written by `listed` (a parameter or a literal)."""
    below, cum = guide
    g = len(below) - 1
    lo = at(listed("guide", below, "INTEGER"), f"least(floor({v} * {g})::INTEGER, {g}) + 1")
    steps = " + ".join(f"({at(listed('cum', cum, 'DOUBLE'), f'{lo} + {t}')} <= {v})::INTEGER"
                       for t in range(1, GUIDE_STEPS + 1))
    return f"({lo} + {steps} + 1)"


def swaps_second_piece(pools: list[list[str]]) -> bool:
    """Whether a text's second piece is drawn apart from its own first (textdraws.TextDraws._words): where first pieces
    repeat (a quarter of them or more: car makes before models), a second piece whose text began with the first
    piece drawn is swapped for the next text's, so the two are rarely joined as in a source text."""
    return len(pools) > 1 and len(pools[1]) == len(pools[0]) and len(set(pools[0])) * 4 < len(pools[0]) * 3


def slot_table(weights: list[float], size: int = SLOTS) -> list[int]:
    """`size` slots shared out by weight (largest remainder, at least one slot each while they last)."""
    total = float(sum(weights))
    order = sorted(range(len(weights)), key=lambda i: -weights[i])[:size]
    quota = {i: weights[i] * size / total for i in order}
    count = {i: max(1, int(quota[i])) for i in order}
    spare = size - sum(count.values())
    for i in sorted(order, key=lambda i: quota[i] - int(quota[i]), reverse=True):
        if spare <= 0:
            break
        count[i] += 1
        spare -= 1
    while spare < 0:  # more phrases than slots got their minimum: take back from the largest
        i = max(count, key=count.get)
        count[i] -= 1
        spare += 1
    slots = [i for i in order for _ in range(count[i])]
    return (slots * (size // len(slots) + 1))[:size]



def cluster_ladder(weights: list[float]) -> str:
    """A row's hidden cluster (0-based) from its uniform `ucl`: a CASE ladder on the cumulative weights."""
    total, cumulative, arms = float(sum(weights)), 0.0, []
    for i, w in enumerate(weights[:-1]):
        cumulative += w
        arms.append(f"WHEN ucl < {number(cumulative / total)} THEN {i}")
    return f"CASE {' '.join(arms)} ELSE {len(weights) - 1} END"



def normals(count: int, stream: int, prefix: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """`count` independent standard normals {prefix}e0, {prefix}e1…, two from each pair of uniforms (Box-Muller),
    from streams stream, stream + 1…: the uniforms, then the two SELECT layers (polar form, normals)."""
    uniforms, polar, normal = {}, {}, {}
    for i in range(0, count, 2):
        a, b, r, t = (f"{prefix}g{i}{x}" for x in "abrt")
        uniforms[a], uniforms[b] = uniform(stream + i), uniform(stream + i + 1)
        polar[r], polar[t] = f"sqrt(-2 * ln(1 - {a}))", f"6.283185307179586e0 * {b}"
        normal[f"{prefix}e{i}"] = f"{r} * cos({t})"
        if i + 1 < count:
            normal[f"{prefix}e{i + 1}"] = f"{r} * sin({t})"
    return uniforms, polar, normal


class Copula:
    """Correlated uniforms for the copula's columns: independent normals from Box-Muller pairs, correlated by
    the Cholesky factor of the spec's correlation, and turned back into uniforms by the normal CDF
    (Abramowitz & Stegun 26.2.17, error < 1e-7). Each column then reads its value off its uniform as usual.
    Each step is its own SELECT layer: DuckDB substitutes an alias used in the same SELECT by its expression,
    which would repeat every normal in every correlated sum."""

    def __init__(self, spec: dict):
        import numpy as np
        self.uniforms: dict[str, str] = {}
        self.layers: list[dict[str, str]] = []
        self.of: dict[str, str] = {}         # column name (lower case) -> its uniform
        copula = spec.get("copula")
        if not copula:
            return
        names, base = copula["columns"], streams(spec)
        factor = np.linalg.cholesky(np.array(copula["correlation"], dtype=float))
        self.uniforms, polar, normal = normals(len(names), base + COPULA, "c")
        scores = {f"cz{m}": " + ".join(f"{number(float(factor[m, k]))} * ce{k}" for k in range(m + 1))
                  for m in range(len(names))}
        steps = {f"ct{m}": f"1 / (1 + 0.2316419e0 * abs(cz{m}))" for m in range(len(names))}
        uniforms = {}
        for m, name in enumerate(names):
            z, t = f"cz{m}", f"ct{m}"
            # constants in exponent form: DuckDB reads them as DOUBLE, exactly; 0.2316419 would be a DECIMAL,
            # which DuckDB 1.5 turns into a DOUBLE one bit off now and then and 2.0 does not (sqltext.number)
            tail = (f"0.3989422804014327e0 * exp(-{z} * {z} / 2) * {t} * (0.319381530e0 + {t} * (-0.356563782e0 + "
                    f"{t} * (1.781477937e0 + {t} * (-1.821255978e0 + {t} * 1.330274429e0))))")
            uniforms[f"cu{m}"] = f"CASE WHEN {z} >= 0 THEN 1 - {tail} ELSE {tail} END"
            self.of[name.lower()] = f"cu{m}"
        self.layers = [polar, normal, scores, steps, uniforms]

