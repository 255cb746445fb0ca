"""Keys a schema does not declare, found in its data: a foreign key is a column every value of which is a value
of another table's unique column, and whose name says so.

Many real databases declare no keys (TPC-DS as the tpcds extension makes it, warehouse copies, CSV dumps). For
them `fastgen_infer('schema.*')` finds the relations itself, in two passes of SQL per table:

1. **Keys**: columns of integer or text type named as the table's key (a key word last: `id`, `sk`, `key`,
   `code`, `no`…; other words the table's own), with no NULL and no repeat in the data (one aggregate per
   table); or the keys the table declares.
2. **Foreign keys**: a column of another table whose name points at the key — it ends in the same key word, and
   names the key's own words (or its table's, for a bare `id`) — and none of whose values is missing from the
   key (one anti-join per candidate). Where two keys fit, the one its name points at best wins; a tie is not
   a key at all.

Names are compared in words, after the prefix a table puts on all its columns (`ss_` in store_sales):
`ss_sold_date_sk` names date_dim's `d_date_sk`, `c_current_addr_sk` customer_address's `ca_address_sk`, and
`ss_hdemo_sk` household_demographics' `hd_demo_sk` rather than customer_demographics' `cd_demo_sk`, by the
initial before its key word. Values alone are never enough: a quantity of 1…100 lies inside every id column.

3. **Composite foreign keys**: columns of a table that each name a column of another table (the same words after
   both prefixes, a key word last or the parent table's words first: `sr_item_sk` and `sr_ticket_number` in
   store_returns, `ss_item_sk` and `ss_ticket_number` in store_sales; all after one same role, `shipping_tag_zone`
   and `shipping_tag_no` name tag's `tag_zone` and `tag_no`; or a part of the parent's declared composite key,
   whatever its words: `tag_date` and `line_no`; a date may be a part) where no one of those parent columns is
   unique but the pair is (a sale is a ticket's line of one item) and every pair of the child is one of the parent's: a
   return is of a sale. The smallest such set of columns wins, if it is the only one of its size; its columns'
   own foreign keys (the item's) hold through the parent and are set aside (`covers`: back where the parent
   cannot compute its columns at a row, inference.py).

4. **Natural keys**: a column named exactly as another table's column (after both prefixes: `series`, `country`),
   unique there and repeating in its own table, every value of which is one of the other's: a country's rows
   point at the table of countries. The other column becomes a key. Two tables that would fit are a guess, not a
   key.

What is found is used to learn the schema (references, children per parent, lookups kept whole) and marked
`found`, so a regenerated database still has its source's DDL: the keys hold in its rows, undeclared.
"""
from __future__ import annotations

import functools
import itertools
import re

from .ddl import TableDef
from .dtypes import type_family
from .sqltext import ident

KEY_WORDS = {"id", "sk", "key", "code", "no", "nr", "num", "number", "ref", "fk", "pk", "uuid", "guid"}
PREFIX_SHARE = 0.6   # a first word on at least this share of a table's columns (and on 3 or more) is its prefix


def words(name: str) -> list[str]:
    """A name's words, lower case: snake_case, camelCase and digits split."""
    return list(_words(name))


@functools.lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return tuple(w.lower() for w in re.split(r"[^A-Za-z0-9]+|(?<=[A-Za-z])(?=[0-9])", spaced) if w)


def prefix(t: TableDef) -> str:
    """The first word most columns of a table share (`ss` of ss_item_sk, ss_ticket_number…), or ''."""
    firsts = [w[0] for w in map(words, (c.name for c in t.columns)) if len(w) > 1]
    best = max(set(firsts), key=firsts.count, default="")
    share = firsts.count(best) / max(1, len(t.columns))
    return best if best and firsts.count(best) >= 3 and share >= PREFIX_SHARE else ""


def _stem(name: str, lead: str) -> list[str]:
    w = words(name)
    return w[1:] if lead and len(w) > 1 and w[0] == lead else w


def _like(a: str, b: str) -> bool:
    """Two words for one thing: equal, or one begins or ends the other (addr / address, customers / customer,
    cdemo / demo), both of three letters or more."""
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a) or a.endswith(b)
                                                  or b.endswith(a)))


def score(child: list[str], key: list[str], table: list[str], lead: str) -> int:
    """How well a column's words (`child`, without its table's prefix) name a key (`key`, without its table's
    prefix; `table`, its table's name in words; `lead`, that table's prefix): 0 when they do not.

    The last words agree where the column ends in a key word; each of the key's own words is named (two points
    each), or for a bare `id` its table's (one point each); one more where a word names a key word after the
    key table's initial (`hdemo` for household_demographics' `hd_demo_sk`)."""
    if not child or not key:
        return 0
    if (child[-1] in KEY_WORDS or key[-1] in KEY_WORDS) and child[-1] != key[-1]:
        return 0
    own, named = [w for w in key if w not in KEY_WORDS], [w for w in child if w not in KEY_WORDS]
    if own:
        if not all(any(_like(c, k) for c in named) for k in own):
            return 0
        points = 2 * len(own) + sum(any(_like(c, t) for c in named) for t in table)
    else:
        points = sum(any(_like(c, t) for c in named) for t in table)
        if not points:
            return 0
    initials = lead or "".join(t[0] for t in table)
    for c in named:
        for k in own:
            if len(c) > len(k) and c.endswith(k) and initials.startswith(c[: len(c) - len(k)]):
                points += 1
    return points


def _own_key(name: str, table: str, lead: str) -> bool:
    """A name for a table's own key: a key word last, and every other word one of the table's (`c_customer_sk` in
    customer, a bare `id`); `cc_open_date_sk`, unique in a two-row table, is a date's key, not the table's."""
    w = _stem(name, lead)
    return bool(w) and w[-1] in KEY_WORDS and all(any(_like(x, t) for t in words(table)) for x in w[:-1])


@functools.lru_cache(maxsize=4096)
def _family(type_text: str) -> str | None:
    family = type_family(type_text)
    return family if family in ("integer", "string", "uuid") else None


@functools.lru_cache(maxsize=4096)
def _part_family(type_text: str) -> str | None:
    """A key's family, or a date's or a timestamp's: the types a part of a composite key may have (a day's lines;
    not an instant with a zone, which Python reads only with pytz)."""
    family = type_family(type_text)
    zoned = "ZONE" in str(type_text).upper() or str(type_text).upper() == "TIMESTAMPTZ"
    return family if _family(type_text) or (family in ("date", "timestamp") and not zoned) else None


def discover(con, tables: list[TableDef], relation: dict[str, str]) -> None:
    """Add the keys and foreign keys the data shows to `tables` (in place), each marked `found`. `relation`
    names each table's relation in SQL."""
    leads = {t.name: prefix(t) for t in tables}
    keys: dict[str, list[str]] = {}          # table -> its unique columns (declared, or found)
    for t in tables:
        declared = [t.primary_key[0]] if len(t.primary_key) == 1 else []
        declared += [c.name for c in t.columns if c.unique and c.name not in declared]
        candidates = [c.name for c in t.columns if c.name not in declared and _family(c.type)
                      and _own_key(c.name, t.name, leads[t.name])]
        found = []
        if candidates:
            stats = ", ".join(f"count({ident(c)}), count(DISTINCT {ident(c)})" for c in candidates)
            row = con.execute(f"SELECT count(*), {stats} FROM {relation[t.name]}").fetchall()[0]
            found = [c for i, c in enumerate(candidates) if row[0] > 0 and row[1 + 2 * i] == row[2 + 2 * i] == row[0]]
        for c in found:
            t.column(c).unique = True
            t.found_keys.append(c)
        keys[t.name] = declared + found
    for t in tables:
        referencing = {c.lower() for fk in t.foreign_keys for c in fk["columns"]}
        own = {c.lower() for c in keys[t.name]}
        for c in t.columns:
            # (a column under a CHECK of its own keeps its values: drawn among a parent's keys it would break it)
            if c.name.lower() in referencing or c.name.lower() in own or not _family(c.type) or c.checks:
                continue
            child = _stem(c.name, leads[t.name])
            ranked = sorted(((score(child, _stem(k, leads[p.name]), words(p.name), leads[p.name]), p, k)
                             for p in tables for k in keys[p.name]
                             if _family(p.column(k).type) == _family(c.type)), key=lambda x: -x[0])
            ranked = [(s, p, k) for s, p, k in ranked if s > 0 and _contained(con, relation[t.name], c.name,
                                                                              relation[p.name], k)]
            if ranked and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]) and not _closes_cycle(tables, t, ranked[0][1]):
                _, p, k = ranked[0]
                t.foreign_keys.append({"columns": [c.name], "table": p.name, "references": [k], "found": True})
    _natural(con, tables, relation, leads, keys)
    ranges = {t.name: _ranges(con, t, relation[t.name]) for t in tables}
    for t in tables:
        for p in tables:
            if p is not t and not _closes_cycle(tables, t, p):
                _composite(con, t, p, relation, leads, keys, ranges)


def _natural(con, tables: list[TableDef], relation: dict[str, str], leads: dict[str, str],
             keys: dict[str, list[str]]) -> None:
    """Foreign keys named by a natural key (module docstring, 4.): a column of the same name as another table's
    column (after their prefixes) that is unique there and not in its own table, every value of which is one of
    the other's. The parent column is marked a key."""
    by_name = {t.name: t for t in tables}
    stems = {(t.name, c.name): tuple(_stem(c.name, leads[t.name])) for t in tables for c in t.columns if _family(c.type)}
    referencing = {(t.name, c.lower()) for t in tables for fk in t.foreign_keys for c in fk["columns"]}
    taken = referencing | {(t.name, k.lower()) for t in tables for k in keys[t.name]}
    pairs = [(t, c, p, k) for (t, c), stem in stems.items() for (p, k), other in stems.items()
             if p != t and stem and stem == other and (t, c.lower()) not in taken and (p, k.lower()) not in referencing
             and not by_name[t].column(c).checks   # (a column under a CHECK of its own keeps its values)
             and _family(by_name[t].column(c).type) == _family(by_name[p].column(k).type)]
    if not pairs:
        return
    unique, repeats = {}, {}   # (table, column) -> unique with no NULL, on two rows or more; a value repeats
    for name in {x for t, c, p, k in pairs for x in (t, p)}:
        cols = sorted({c for t, c, _, _ in pairs if t == name} | {k for _, _, p, k in pairs if p == name})
        row = con.execute("SELECT count(*), " + ", ".join(f"count({ident(c)}), count(DISTINCT {ident(c)})" for c in cols)
                          + f" FROM {relation[name]}").fetchall()[0]
        unique.update({(name, c): row[0] >= 2 and row[1 + 2 * i] == row[2 + 2 * i] == row[0] for i, c in enumerate(cols)})
        repeats.update({(name, c): row[1 + 2 * i] > row[2 + 2 * i] for i, c in enumerate(cols)})
    fits: dict = {}
    for t, c, p, k in pairs:   # (a value that repeats: a table of one row points at nothing by its name alone)
        if unique[(p, k)] and repeats[(t, c)] and not _closes_cycle(tables, by_name[t], by_name[p]) \
                and _contained(con, relation[t], c, relation[p], k):
            fits.setdefault((t, c), []).append((p, k))
    for (t, c), found in fits.items():
        if len(found) == 1:   # two tables that could be meant: a guess, not a key
            p, k = found[0]
            child, parent = by_name[t], by_name[p]
            if _closes_cycle(tables, child, parent):
                continue
            if k not in keys[p]:
                parent.column(k).unique = True
                parent.found_keys.append(k)
                keys[p].append(k)
            child.foreign_keys.append({"columns": [c], "table": p, "references": [k], "found": True})


def _closes_cycle(tables: list[TableDef], child: TableDef, parent: TableDef) -> bool:
    """Whether a foreign key from `child` to another table `parent` would close a cycle of foreign keys (the
    parent already reaches the child through its own): no order of the tables could then fill them, and
    a key the data merely suggests is no reason to refuse a schema its declared keys allow."""
    if parent is child:
        return False
    by_name = {t.name.lower(): t for t in tables}
    seen, todo = set(), [parent]
    while todo:
        t = todo.pop()
        if t is child:
            return True
        if t.name.lower() not in seen:
            seen.add(t.name.lower())
            todo += [by_name[fk["table"].lower()] for fk in t.foreign_keys if fk["table"].lower() in by_name]
    return False


def _ranges(con, t: TableDef, relation: str) -> dict[str, tuple]:
    """Each column's least and greatest value that may be part of a key (lower case name -> (min, max)): one
    query per table."""
    cols = [c.name for c in t.columns if _part_family(c.type)]
    if not cols:
        return {}
    row = con.execute(f"SELECT {', '.join(f'min({ident(c)}), max({ident(c)})' for c in cols)} FROM {relation}"
                      ).fetchall()[0]
    return {c.lower(): (row[2 * i], row[2 * i + 1]) for i, c in enumerate(cols)}


COMPOSITE_MAX = 3     # columns in a composite foreign key found in the data, at most
COMPOSITE_PAIRS = 12  # a child's columns named as a parent's, tried at most (220 sets of three)


def _composite(con, t: TableDef, p: TableDef, relation: dict[str, str], leads: dict[str, str],
               keys: dict[str, list[str]], ranges: dict[str, dict[str, tuple]]) -> None:
    """A composite foreign key from t to p, found as the module says (added to t.foreign_keys)."""
    unique, pk = {k.lower() for k in keys[p.name]}, {c.lower() for c in t.primary_key}
    own = {k.lower() for k in keys[t.name]} | {c.lower() for fk in t.foreign_keys if len(fk["columns"]) > 1
                                               for c in fk["columns"]}
    declared = {c.lower() for cols in (p.primary_key, *p.unique) if len(cols) > 1 for c in cols}
    roles = {(c.name, k.name): _role(_stem(c.name, leads[t.name]), _stem(k.name, leads[p.name]), k.name, p.name,
                                     k.name.lower() in declared)
             for c in t.columns for k in p.columns if c.name.lower() not in own and k.name.lower() not in unique
             and _part_family(c.type) and _part_family(c.type) == _part_family(k.type)}
    # each column's values among its parent column's first (inside its range, then one anti-join each): sets of
    # them would need hundreds of tuple counts
    pairs = [(c, k) for (c, k), role in roles.items() if role is not None
             and _inside(ranges[t.name][c.lower()], ranges[p.name][k.lower()])
             and _contained(con, relation[t.name], c, relation[p.name], k)][:COMPOSITE_PAIRS]
    for size in range(2, min(COMPOSITE_MAX, len(pairs)) + 1):
        sets = [s for s in itertools.combinations(pairs, size)
                if len({c for c, _ in s}) == len({k for _, k in s}) == size and len({roles[x] for x in s}) == 1]
        if not sets:
            continue
        tuples = [", ".join(ident(k) for _, k in s) for s in sets]
        counts = con.execute("SELECT count(*), " + ", ".join(
            f"count(DISTINCT ({x})) FILTER (WHERE {' AND '.join(f'{ident(k)} IS NOT NULL' for _, k in s)}), "
            f"count(*) FILTER (WHERE {' AND '.join(f'{ident(k)} IS NOT NULL' for _, k in s)})"
            for s, x in zip(sets, tuples)) + f" FROM {relation[p.name]}").fetchall()[0]
        # (never the child's whole primary key: rows drawn among the parent's would repeat it)
        fits = [s for i, s in enumerate(sets) if counts[0] > 0 and counts[1 + 2 * i] == counts[2 + 2 * i] == counts[0]
                and not (pk and pk <= {c.lower() for c, _ in s})
                and _contained(con, relation[t.name], [c for c, _ in s], relation[p.name], [k for _, k in s])]
        if len(fits) > 1:
            return   # two ways to read the same rows: a guess, not a key
        if fits:
            columns = {c.lower() for c, _ in fits[0]}
            covers = [fk for fk in t.foreign_keys if fk.get("found") and len(fk["columns"]) == 1
                      and fk["columns"][0].lower() in columns]
            t.foreign_keys[:] = [fk for fk in t.foreign_keys if fk not in covers]
            # `covers`: the columns' own foreign keys, back if the parent cannot compute its columns (inference.py)
            t.foreign_keys.append({"columns": [c for c, _ in fits[0]], "table": p.name,
                                   "references": [k for _, k in fits[0]], "found": True, "covers": covers})
            return


def _role(child: list[str], key: list[str], column: str, table: str, declared: bool = False) -> tuple[str, ...] | None:
    """The words a child column (`child`, without its table's prefix) puts before a parent column's (`key`,
    without its table's; `column`, its name; `table`, its table's): () for the same words, ('shipping',) for
    `shipping_tag_no` and `tag_no`; where the parent column is part of a key: `declared` in a composite one, or
    named so (a key word last, or its table's words first: `tag_zone` in tag). None where the child does not
    name it so."""
    if not key or len(child) < len(key) or child[len(child) - len(key):] != key:
        return None
    named = declared or _names_key(key) or words(column)[:len(words(table))] == words(table)
    return tuple(child[:len(child) - len(key)]) if named else None


def _inside(child: tuple, parent: tuple) -> bool:
    """A column's (min, max) within another's: it has values, and none of them can lie outside."""
    return None not in child and None not in parent and parent[0] <= child[0] and child[1] <= parent[1]


def _names_key(stem: list[str]) -> bool:
    """A name that says it holds a key: its last word a key word, or ending in one (`partkey`)."""
    return bool(stem) and (stem[-1] in KEY_WORDS or any(stem[-1].endswith(k) for k in ("id", "key", "sk")))


def _contained(con, child: str, column: str | list[str], parent: str, key: str | list[str]) -> bool:
    """Every value of child.column (a tuple of columns: with no NULL in it) is a value of parent.key (the tuple of
    the same length), and there is at least one."""
    cs, ks = ([column], [key]) if isinstance(column, str) else (column, key)
    values = ", ".join(f"{ident(c)} AS x{i}" for i, c in enumerate(cs))
    match = " AND ".join(f"p.{ident(k)} = v.x{i}" for i, k in enumerate(ks))
    present, missing = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {match})) "
        f"FROM (SELECT DISTINCT {values} FROM {child} WHERE {' AND '.join(f'{ident(c)} IS NOT NULL' for c in cs)}) "
        "AS v").fetchall()[0]
    return present > 0 and missing == 0
