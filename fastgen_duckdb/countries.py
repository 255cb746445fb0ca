"""A row's country across foreign keys, for tables inferred from DDL (issue 15): an address in the country its
foreign key references.

Semantic pools (semantic.py) hold rows of one entity, each of one locale's country (`countries`, ISO alpha-2,
one per pool row). Two links tie them across tables, found after the tables are related (semantic_rules.finish):

- `by_pool` on a reference to a fixed list of countries: the foreign key takes, in each row, the lookup row of
  its pool row's country (a warehouse's street, city and postcode are of the country it references):
      "country_id": {"kind": "reference", ..., "by_pool": {"pool": "address", "rows": {"DE": 59, "PT": 182}}}
- `follows` on a pool: its row is drawn among its rows of the country of the pool row its foreign key's parent
  row drew (an order's shipping address in its customer's country, a contact's phone with its company's prefix,
  an account's currency its client's), where it has rows of that country:
      "pools": {"person": {..., "follows": {"through": "company_id", "pool": "address"}}}
The sampler computes the parent row's pool row at that row (textdraws.TextDraws._pool_row); no Python at sample time.
"""
from __future__ import annotations

from . import fills, semantic
from .draws import own_draw
from .errors import SpecError


def by_pool(spec: dict, by_name: dict[str, dict]) -> None:
    """A warehouse's street, city and postcode are one pool row's, of one country; its foreign key to a fixed
    list of countries takes that country's row (`by_pool`: the pool, and the lookup row of each country), so
    that the address lies in the country the row references. Where the lookup lacks a pool country, nothing."""
    pools = spec.get("pools") or {}
    named = [(n, p) for n, p in sorted(pools.items()) if p.get("countries")]
    for col in spec["columns"]:
        parent = by_name.get(str(col.get("table")).lower()) if own_draw(col) else None
        if not named or parent is None or not parent.get("fixed") or parent is spec:
            continue
        name, pool = named[0]
        spellings = {code: (code, semantic._alpha3(code), semantic._country_name(code))
                     for code in sorted(set(pool["countries"]))}
        for j in range(len(parent["columns"])):
            at = {}
            for i, row in enumerate(parent["fixed"]["rows"]):
                for code, spelt in spellings.items():
                    if str(row[j]) in spelt:
                        at.setdefault(code, i)
            if len(at) == len(spellings):
                col["by_pool"] = {"pool": name, "rows": at}
                break


def follows(spec: dict, by_name: dict[str, dict]) -> None:
    """An order's shipping address, a contact's phone, an account's currency lie in the country of the customer,
    the company, the client its foreign key references: the table's pool `follows` that parent's pool, drawing
    its row among its rows of the parent row's country (textdraws.TextDraws._pool_row). A pool of the default locale
    (no country column, no hint: a contact table) is refilled in the parent's locales first; a pool whose countries
    do not hold the parent's (a locale the DDL names for this table) draws on its own."""
    mine = [(n, p) for n, p in sorted((spec.get("pools") or {}).items()) if p.get("countries")]
    if not mine or mine[0][1].get("follows"):
        return
    name, pool = mine[0]
    for col in spec["columns"]:
        parent = by_name.get(str(col.get("table")).lower()) if own_draw(col) else None
        if parent is None or parent is spec or parent.get("fixed") or col.get("by_pool"):
            continue
        theirs = [(n, p) for n, p in sorted((parent.get("pools") or {}).items())
                  if p.get("countries") and not p.get("follows")]
        if not theirs:
            continue
        pname, ppool = theirs[0]
        if not set(ppool["countries"]) <= set(pool["countries"]) and pool.get("locale") == semantic.DEFAULT_LOCALE:
            members = [next(c for c in spec["columns"] if c["name"] == m) for m in pool["columns"]]
            sized = [{**m, "type": f"VARCHAR({m['max_length']})"} if m.get("max_length") else m for m in members]
            pool.update(fills.pool(sized, ppool["locale"], semantic.seed_of(spec["name"], name)),
                        filled_locale=ppool["locale"])
            for m in members:
                m["locale"] = ppool["locale"]
        if set(ppool["countries"]) <= set(pool["countries"]):   # a locale the DDL names stays (clients in Portugal)
            pool["follows"] = {"through": col["name"], "pool": pname}
            return


def validate(spec: dict, by_name: dict, where: str) -> None:
    """A pool's `countries` and `follows`, and a reference's `by_pool`, as the module says (pools themselves:
    spec.py)."""
    pools = spec.get("pools") or {}
    for pname, p in pools.items():
        countries, follows = p.get("countries"), p.get("follows")
        if countries is not None and (not isinstance(countries, list) or len(countries) != len(p["rows"])
                                      or not all(isinstance(c, str) for c in countries)):
            raise SpecError(f"{where}, pool {pname!r}: 'countries' holds each row's country (ISO alpha-2), one per "
                            "row; remove it, or fastgen_import the spec without it to refill the pool")
        through = by_name.get(str(follows.get("through", "")).lower()) if isinstance(follows, dict) else None
        if follows is not None and (through is None or through.get("kind") != "reference" or not countries
                                    or not isinstance(follows.get("pool"), str)):
            raise SpecError(f"{where}, pool {pname!r}: 'follows' is {{through: a foreign key column of this table, "
                            "pool: a pool of the table it references}}, and the pool needs 'countries'; remove "
                            "'follows' to draw the pool's rows on their own")
    for col in spec["columns"]:
        link = col.get("by_pool")
        if link is None:
            continue
        pool = pools.get(link.get("pool")) if isinstance(link, dict) else None
        rows = link.get("rows") if isinstance(link, dict) else None
        if col.get("kind") != "reference" or not isinstance(pool, dict) or not isinstance(rows, dict) \
                or not all(isinstance(r, int) and not isinstance(r, bool) and r >= 0 for r in rows.values()) \
                or not all(c in rows for c in pool.get("countries") or [None]):
            raise SpecError(f"{where}, column {col['name']!r}: by_pool (a foreign key to the country of the row's pool "
                            "row) is {pool: a pool with 'countries', rows: {each of its countries: the lookup's row "
                            "number}}; remove 'by_pool' to draw the reference on its own")
