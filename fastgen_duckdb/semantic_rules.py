"""Who picks a column's semantic type offline: a written rule list over its name, type, length, CHECK and
comment, in the context of its table; which columns form one entity; which locale; which tables are lookups.

Each rule is (pattern on the column's words, type); the first that matches wins. A column's words are its
name split at underscores and case changes, without the table's own short prefix (TPC-H's c_, o_), plus the
words of its comment. A bare `name`, `code` or `title` takes the table's entity (customer -> a person's full
name, supplier -> a company, country -> a country).
"""
from __future__ import annotations

import re

from .ddl import ColumnDef, TableDef
from .dtypes import type_family
from . import countries, fills, semantic

PERSON = r"customer|client|user|member|employee|staff|person|people|patient|contact|author|student|teacher|" \
         r"driver|passenger|guest|owner|holder|subscriber|applicant|candidate|lead|doctor|physician|nurse|agent|" \
         r"buyer|seller|travell?er|worker|manager|player|reader|rep|beneficiary|tenant|volunteer|instructor"
COMPANY = r"company|companies|supplier|vendor|manufacturer|carrier|partner|organi[sz]ation|org|firm|business|" \
          r"merchant|shipper|insurer|employer|brand|account|provider|payer|lender|broker"
PRODUCT = r"product|item|part|sku|article|goods|inventory|catalog|listing|offer"

# (pattern over the column's words joined by '_', semantic type); first match wins
RULES: list[tuple[str, str]] = [
    (r"(^|_)e_?mail", "person.email"),
    (r"(^|_)(user_?name|login|handle|nick_?name|screen_?name)($|_)", "person.username"),
    (r"(^|_)(first|given|fore|middle)_?name|(^|_)fname$", "person.first_name"),
    (r"(^|_)(last|family|sur)_?name|(^|_)lname$|(^|_)surname", "person.last_name"),
    (r"(^|_)(full|contact|person|customer|patient|employee|display|client|holder|owner|user|member|guest|"
     r"doctor|physician|nurse|driver|passenger|recipient|account_holder|beneficiary|emergency_contact)_name$",
     "person.full_name"),
    (r"initials", "person.initials"),
    (r"(^|_)(ipv6|ip6)($|_)", "internet.ipv6"),
    (r"(^|_)(ip|ipv4|ip_address|ip_addr|client_ip|remote_addr)($|_)", "internet.ipv4"),
    (r"(^|_)(mac|mac_address)($|_)", "internet.mac_address"),
    (r"(^|_)(phone|tel|telephone|mobile|cell|fax|msisdn)($|_)", "person.phone"),
    (r"(^|_)(address_?2|address_line_?2|addr_?2|apt|apartment|suite|unit)($|_)", "address.secondary"),
    (r"(^|_)(street|address|addr|address_?1|address_line_?1|street_address|line_?1)($|_)", "address.street_address"),
    (r"(^|_)(building|house)_?(number|no|num)($|_)", "address.building_number"),
    (r"(^|_)(city|town|municipality|locality)($|_)", "address.city"),
    (r"(^|_)(state|province|county|prefecture)_?(code|abbr|iso)$", "address.state_code"),
    (r"(^|_)(state|province|county|prefecture)($|_)", "address.state"),
    (r"(^|_)(zip|zip_?code|postal|postcode|post_code|postal_code|plz)($|_)", "address.postcode"),
    (r"(^|_)(country|nation)_?(code|iso|iso2|alpha2|cc)$", "address.country_code"),
    (r"(^|_)(country|nation)_?(iso3|alpha3)$", "address.country_code3"),
    (r"(^|_)(country|nation|country_name|nationality_country)($|_)", "address.country"),
    (r"(^|_)(dial|calling|phone)_?(code|prefix)$", "address.calling_code"),
    (r"(^|_)(continent|world_region)($|_)", "address.continent"),
    (r"(^|_)(lat|latitude)$", "address.latitude"),
    (r"(^|_)(lon|lng|long|longitude)$", "address.longitude"),
    (r"(^|_)(airport|iata)($|_)", "address.airport_code"),
    (r"(^|_)(time_?zone|tz|tzid)($|_)", "datetime.timezone"),
    (r"(^|_)(gmt|utc)_?offset", "datetime.gmt_offset"),
    (r"(^|_)(weekday|day_of_week|dow)($|_)", "datetime.day_of_week"),
    (r"(^|_)month_?name$", "datetime.month"),
    (r"(^|_)iban($|_)", "finance.iban"),
    (r"(^|_)(swift|bic)($|_)", "finance.swift"),
    (r"(^|_)(card_?number|cc_?number|credit_?card|pan|card_no)($|_)", "finance.credit_card"),
    (r"(^|_)(card_?(type|brand|network|scheme))($|_)", "finance.card_network"),
    (r"(^|_)(cvv|cvc)($|_)", "finance.cvv"),
    (r"(^|_)(currency|ccy|currency_?code|iso_currency)($|_)(?!name)", "finance.currency_code"),
    (r"(^|_)currency_name$", "finance.currency_name"),
    (r"(^|_)(ticker|stock_?symbol)($|_)", "finance.stock_ticker"),
    (r"(^|_)(exchange|stock_exchange)$", "finance.stock_exchange"),
    (r"(^|_)(bank|bank_name)($|_)", "company.bank"),
    (r"(^|_)(company|employer|organi[sz]ation|org_name|business_name|supplier_name|vendor_name|carrier_name|"
     r"manufacturer|mfgr|insurer|insurance_provider|provider_name|merchant_name|firm)($|_)", "company.name"),
    (r"(^|_)(legal_form|company_type|entity_type)($|_)", "company.type"),
    (r"(^|_)(department|dept|division)($|_)", "company.department"),
    (r"(^|_)(project|codename|code_name)_?(name)?$", "company.project"),
    (r"(^|_)(job_?title|job|occupation|position|designation|profession|role_name)($|_)", "person.job_title"),
    (r"(^|_)(url|website|homepage|web_?site|link|profile_url|image_url|avatar_url)($|_)", "internet.url"),
    (r"(^|_)(domain|host|hostname|fqdn)($|_)", "internet.domain"),
    (r"(^|_)(user_?agent|ua|browser)($|_)", "internet.user_agent"),
    (r"(^|_)(http_?method|method|verb)$", "internet.http_method"),
    (r"(^|_)(http_?status|status_code|response_code)$", "internet.http_status"),
    (r"(^|_)slug($|_)", "internet.slug"),
    (r"(^|_)(path|endpoint|route)$", "internet.uri_path"),
    (r"(^|_)(uuid|guid)($|_)", "code.uuid"),
    (r"(^|_)isbn", "code.isbn"),
    (r"(^|_)(ean|barcode|upc|gtin)($|_)", "code.ean"),
    (r"(^|_)imei($|_)", "code.imei"),
    (r"(^|_)issn($|_)", "code.issn"),
    (r"(^|_)locale($|_)", "code.locale"),
    (r"(^|_)(pin|pin_code)$", "code.pin"),
    (r"(^|_)(token|api_?key|secret|session_id)($|_)", "crypto.token"),
    (r"(^|_)(password|passwd|pwd|password_hash|hash|checksum)($|_)", "person.password_hash"),
    (r"(^|_)(language|lang)_?(code|iso)$", "language.code"),
    (r"(^|_)(language|lang|spoken_language|mother_tongue)($|_)", "language.name"),
    (r"(^|_)(mime|mime_type|content_type|media_type)($|_)", "file.mime_type"),
    (r"(^|_)(file_?name|attachment|document_name)($|_)", "file.file_name"),
    (r"(^|_)(extension|file_ext|ext)$", "file.extension"),
    (r"(^|_)(os|operating_system|platform)($|_)", "software.os"),
    (r"(^|_)(programming_language)($|_)", "software.programming_language"),
    (r"(^|_)(version|app_version|release)$", "software.version"),
    (r"(^|_)(software_)?license$", "software.license"),
    (r"(^|_)(cpu|processor)($|_)", "hardware.cpu"),
    (r"(^|_)(gpu|graphics)($|_)", "hardware.graphics"),
    (r"(^|_)(resolution|screen_resolution)($|_)", "hardware.resolution"),
    (r"(^|_)(gender|sex)($|_)", "person.gender"),
    (r"(^|_)(salutation|honorific|name_prefix)($|_)", "person.title"),
    (r"(^|_)(nationality|citizenship)($|_)", "person.nationality"),
    (r"(^|_)(university|school|college|alma_mater)($|_)", "person.university"),
    (r"(^|_)(degree|qualification|academic_degree)($|_)", "person.academic_degree"),
    (r"(^|_)(blood_?type|blood_?group)($|_)", "person.blood_type"),
    (r"(^|_)(plate|license_plate|registration|reg_no|number_plate)($|_)", "transport.license_plate"),
    (r"(^|_)(aircraft|airplane|plane)($|_)", "transport.airplane"),
    (r"(^|_)(vin|chassis_number)($|_)", "transport.vin"),
    (r"(^|_)(car_?make|vehicle_?make|make)$", "transport.car_make"),
    (r"(^|_)(car|vehicle|car_model|vehicle_model)($|_)", "transport.car_model"),
    (r"(^|_)(dish|meal|menu_item)($|_)", "food.dish"),
    (r"(^|_)(drink|beverage|cocktail)($|_)", "food.drink"),
    (r"(^|_)fruit($|_)", "food.fruit"),
    (r"(^|_)vegetable($|_)", "food.vegetable"),
    (r"(^|_)(spice|seasoning)($|_)", "food.spice"),
    (r"(^|_)(hex_?colou?r|colou?r_?hex|colou?r_?code)($|_)", "text.hex_color"),
    (r"(^|_)colou?r($|_)", "text.color"),
    (r"(^|_)(brand|make|manufacturer_name)($|_)", "product.manufacturer"),
    (r"(^|_)(product|item|part|model|sku_name|article)_?name$", "product.name"),
    (r"(^|_)(tag|keyword|label_word)s?$", "text.word"),
    (r"(^|_)(quote|motto|slogan|tagline)($|_)", "text.quote"),
    (r"(^|_)(severity|priority|level|risk)($|_)", "text.level"),
    (r"(^|_)(title|headline|subject|caption)$", "text.title"),
    (r"(^|_)(comment|comments|description|desc|note|notes|remark|remarks|message|body|review|feedback|summary|"
     r"bio|details|instructions|reason|text|content|memo|narrative|observation|diagnosis_text)($|_)", "text.sentence"),
]
ENTITY_NAME = [(PERSON, "person.full_name"), (COMPANY, "company.name"), (PRODUCT, "product.name"),
               (r"country|countries|nation", "address.country"), (r"city|cities|town", "address.city"),
               (r"region|continent", "address.continent"), (r"currenc", "finance.currency_name"),
               (r"language", "language.name"), (r"department|dept|division", "company.department"),
               (r"bank", "company.bank"), (r"airport", "address.city"), (r"state|province", "address.state")]
ENTITY_CODE = [(r"country|countries|nation", "address.country_code"), (r"currenc", "finance.currency_code"),
               (r"language", "language.code"), (r"airport", "address.airport_code"),
               (r"state|province", "address.state_code")]


def words(name: str, table: str = "") -> str:
    """A column name as lower-case words joined by '_', without the table's short prefix (c_name -> name)."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    snake = re.sub(r"[^a-z0-9]+", "_", snake).strip("_")
    head = re.match(r"^([a-z]{1,3})_(.+)$", snake)
    if head and table and table.lower().startswith(head.group(1)[0]) and len(head.group(1)) <= 2:
        snake = head.group(2)
    return snake


def _length(col) -> int | None:
    """The declared length of a text column (VARCHAR(2)), which DuckDB's own type forgets."""
    if getattr(col, "length", None):
        return col.length
    found = re.match(r"(?:VARCHAR|CHAR)\s*\((\d+)\)", str(getattr(col, "type", col)).upper())
    return int(found.group(1)) if found else None


def _sized(col: dict, coldef: ColumnDef | None) -> dict:
    """The column as its pool sees it: values longer than the declared length are left out."""
    n = _length(coldef) if coldef is not None else None
    return {**col, "type": f"VARCHAR({n})"} if n else col


def pick(col: ColumnDef, table: TableDef) -> str | None:
    """The semantic type of a text column, or None where no rule says; keys and CHECK lists keep theirs."""
    if type_family(col.type) != "string" or col.primary_key or col.unique or col.serial or col.references:
        return None
    w = words(col.name, table.name)
    entity = words(table.name)
    length = _length(col)
    found = None
    if re.fullmatch(r"(name|label|title|display_name)", w) or (re.search(r"_name$", w) and entity.startswith(
            w[:-5]) and w[:-5]):
        found = next((t for pat, t in ENTITY_NAME if re.search(rf"(^|_)({pat})", entity)), None)
        if found is None and w != "title":
            found = "company.name"
    elif re.fullmatch(r"(code|iso|iso_code|iso2|alpha2|abbr|symbol)", w):
        found = next((t for pat, t in ENTITY_CODE if re.search(rf"(^|_)({pat})", entity)), None)
    if found is None:
        found = next((t for pat, t in RULES if re.search(pat, w)), None)
    if found is None and col.comment:
        found = next((t for pat, t in RULES if re.search(pat, words(col.comment))), None)
    if found == "address.country" and length in (2, 3):
        found = "address.country_code" if length == 2 else "address.country_code3"
    if found == "address.state" and length is not None and length <= 3:
        found = "address.state_code"
    if found == "language.name" and length is not None and length <= 3:
        found = "language.code"
    if found == "text.sentence" and (length is None or length >= 400) and re.search(r"description|body|bio|content", w):
        found = "text.paragraph"
    if found == "finance.currency_code" and length is not None and length < 3:
        found = None
    return found


LOCALE_HINT = re.compile(r"\b([a-z]{2})[_-]([A-Z]{2})\b")


def locale_hint(table: TableDef, col: ColumnDef | None = None) -> str | list[str] | None:
    """A locale the DDL names: 'pt_PT' in a column or table comment, a country in one, or a CHECK list of
    countries on a country column (one locale per country, where known)."""
    for text in ([col.comment] if col else []) + [table.comment] + [c.comment for c in table.columns]:
        found = LOCALE_HINT.search(text or "")
        if found and f"{found.group(1)}_{found.group(2)}" in semantic.LOCALES:
            return f"{found.group(1)}_{found.group(2)}"
    for text in ([col.comment] if col else []) + [table.comment]:
        for loc, (_, country, _, _) in semantic.LOCALES.items():
            if text and re.search(rf"\b({re.escape(semantic._country_name(country))}|{country})\b", text):
                return loc
    from .priors import check_values
    for c in table.columns:
        w = words(c.name, table.name)
        values = check_values(c) if re.search(r"country|nation", w) else None
        if values:
            locs = [loc for v in values for loc in [_locale_of_country(str(v))] if loc]
            if locs:
                return list(dict.fromkeys(locs)) if len(set(locs)) > 1 else locs[0]
    return None


def _locale_of_country(value: str) -> str | None:
    import pycountry
    try:
        country = pycountry.countries.lookup(value)
    except LookupError:
        return None
    return next((loc for loc, (_, cc, _, _) in semantic.LOCALES.items() if cc == country.alpha_2), None)


def table_locale(table: TableDef, types: dict[str, str], asked=None):
    """The locale of a table's pools: asked for (locale :=), named by the DDL, or — for an address with a
    country column and no hint — one of several countries per row; else the default."""
    if asked:
        return semantic.locales_of(asked) if not isinstance(asked, str) else semantic.locales_of(asked)[0]
    hint = locale_hint(table)
    if hint:
        return hint
    if any(t in ("address.country", "address.country_code", "address.country_code3", "finance.currency_code")
           for t in types.values()) or any(_names_lookup(fk["table"] or "", "country") for fk in table.foreign_keys):
        return list(semantic.INTERNATIONAL)   # a country column, or a foreign key to a country (finish())
    return semantic.DEFAULT_LOCALE


def assign(table: TableDef, columns: list[dict], asked_locale=None, proposed: dict[str, str] | None = None) -> dict:
    """Give a table's text columns their semantic types and fill them (in place); return the spec-level pools.

    `proposed` holds the model's semantic type per column (lower-case name), used where it names a type of
    the registry; elsewhere the rules decide. Keys, references and CHECK lists keep what they are."""
    from .priors import check_values
    proposed = proposed or {}
    types: dict[str, str] = {}
    for col in columns:
        coldef = table.column(col["name"])
        if coldef is None or col["kind"] in ("key", "reference", "constant") or check_values(coldef) \
                or type_family(coldef.type) != "string":
            continue
        t = proposed.get(col["name"].lower())
        t = t if t in semantic.TYPES else pick(coldef, table)
        if t:
            types[col["name"].lower()] = t
    if not types:
        return {}
    locale = table_locale(table, types, asked_locale)
    seen, members = set(), []
    for col in columns:
        t = types.get(col["name"].lower())
        if t and semantic.TYPES[t].group and t not in seen:   # a second phone or street is drawn on its own
            seen.add(t)
            members.append(col)
    pools = {}
    if len(members) >= 2:
        name = "person" if any(semantic.TYPES[types[m["name"].lower()]].group == "person" for m in members) else "address"
        for m in members:
            m["semantic"] = types[m["name"].lower()]
        pools[name] = fills.pool([_sized(m, table.column(m["name"])) for m in members], locale,
                                    semantic.seed_of(table.name, name))
        pools[name]["filled_locale"] = locale
        for k, m in enumerate(members):
            for stale in ("values", "weights", "method", "pieces", "positions", "frequent", "quantiles", "round"):
                m.pop(stale, None)
            m.update(kind="pool", pool=name, field=k, locale=locale)
    for col in columns:
        t = types.get(col["name"].lower())
        if not t or col["kind"] == "pool":
            continue
        for stale in ("method", "pieces", "positions", "frequent", "values", "weights"):
            col.pop(stale, None)
        one = locale if isinstance(locale, str) else locale[0]   # a column alone: the table's first locale
        col.update(fills.filled(t, one, _sized(col, table.column(col["name"]))["type"],
                                   semantic.seed_of(table.name, col["name"])),
                   semantic=t, locale=one)
        col["filled"] = fills.filled_for(col)
    return pools


# -- lookup tables from DDL: a realistic, fixed row count and their real-world labels ------------------
STATUSES = ["active", "pending", "on hold", "completed", "cancelled"]
LOOKUPS = [(r"^(countries|country|nations?|countr\w*)$", "country"), (r"^(currenc\w*)$", "currency"),
           (r"^(languages?)$", "language"), (r"^(regions?|continents?)$", "region"),
           (r"^(\w+_)?(status|statuses|state_codes?)$", "status")]
LOOKUP_COLUMNS = 6


def lookup_kind(table: TableDef) -> str | None:
    if len(table.columns) > LOOKUP_COLUMNS:
        return None
    return next((kind for pat, kind in LOOKUPS if _names_lookup(table.name, kind)), None)


def _names_lookup(table: str, kind: str) -> bool:
    """Whether a table's name is that of a lookup of this kind (countries, currencies…)."""
    return any(k == kind and re.search(pat, words(table)) for pat, k in LOOKUPS)


def _entries(kind: str) -> list[dict]:
    """The real-world rows of a lookup: fields name, code (alpha-2 or ISO), code3, number."""
    import pycountry
    if kind == "country":
        return [{"name": getattr(c, "common_name", None) or c.name, "code": c.alpha_2, "code3": c.alpha_3,
                 "number": int(c.numeric)} for c in pycountry.countries]
    if kind == "currency":
        return [{"name": c.name, "code": c.alpha_3, "code3": c.alpha_3, "number": int(c.numeric)}
                for c in pycountry.currencies]
    if kind == "language":
        return [{"name": lang.name, "code": lang.alpha_2, "code3": lang.alpha_3, "number": i + 1}
                for i, lang in enumerate(semantic._languages())]
    if kind == "region":
        from mimesis.datasets import CONTINENT_CODES
        names = semantic._generic("en", 0).address._dataset["continent"]
        return [{"name": n, "code": c, "code3": c, "number": i + 1} for i, (n, c) in enumerate(zip(names, CONTINENT_CODES))]
    return [{"name": s, "code": s[:3].upper(), "code3": s[:3].upper(), "number": i + 1} for i, s in enumerate(STATUSES)]


def lookup_rows(table: TableDef, columns: list[dict]) -> list[list] | None:
    """The fixed rows of a lookup table, or None when it is not one; references are filled by finish()."""
    kind = lookup_kind(table)
    if kind is None:
        return None
    entries = _entries(kind)
    rows = [[None] * len(columns) for _ in entries]
    for j, col in enumerate(columns):
        w = words(col["name"], table.name)
        family = type_family(col["type"])
        length = _length(table.column(col["name"]) or col["type"])
        for i, e in enumerate(entries):
            if col["kind"] == "reference":
                value = None
            elif col["kind"] == "key" and family == "integer":
                value = int(col.get("start", 1)) + i * int(col.get("step", 1))
            elif family == "integer" or family in ("float", "decimal"):
                value = e["number"] if re.search(r"code|num|iso", w) else i + 1
            elif family != "string":
                value = _spread(col, i, len(entries))
            elif re.search(r"(^|_)(code|iso|abbr|alpha|symbol|iso2|iso3|alpha2|alpha3|cc)", w) or length in (2, 3):
                value = e["code3"] if length == 3 or re.search(r"3", w) else e["code"]
            elif re.search(r"(^|_)(name|label|title|description|desc)$", w) or w in ("name", "label"):
                value = e["name"]
            else:
                value = _spread(col, i, len(entries))
            rows[i][j] = value
    return rows


def _spread(col: dict, i: int, n: int):
    """Row i of n of a column that is no label: its spec's own values, spread over the rows."""
    if col["kind"] == "categorical":
        return col["values"][i % len(col["values"])]
    if col["kind"] in ("numeric", "datetime"):
        q = col["quantiles"]
        return q[min(len(q) - 1, (i * len(q)) // n)]
    if col["kind"] == "boolean":
        return i % 2 == 0
    if col["kind"] == "text" and col.get("method") == "words":
        return "".join(pool[(i * 7 + k) % len(pool)] for k, pool in enumerate(col["pieces"]))
    if col["kind"] == "constant":
        return col.get("value")
    return str(i + 1)


def finish(specs: list[dict]) -> None:
    """References inside fixed lookup rows take their fixed parent's keys (row i -> parent row i mod n);
    a lookup whose parent is drawn, not fixed, is drawn too. A foreign key to a fixed list of countries points,
    in each row, at the country of the row's pool; a pool of a table whose parent has a country follows it
    (countries.py)."""
    by_name = {s["name"].lower(): s for s in specs}
    for spec in specs:   # parents first: a pool follows only a pool that follows none
        if not spec.get("fixed"):
            countries.follows(spec, by_name)
            countries.by_pool(spec, by_name)
    for spec in specs:
        if not spec.get("fixed"):
            continue
        for j, col in enumerate(spec["columns"]):
            if col["kind"] != "reference":
                continue
            parent = by_name.get(col["table"].lower())
            k = next((k for k, c in enumerate(parent["columns"]) if c["name"].lower() == col["column"].lower()),
                     None) if parent else None
            if parent is None or not parent.get("fixed") or k is None:
                spec.pop("fixed")
                break
            keys = [r[k] for r in parent["fixed"]["rows"]]
            for i, row in enumerate(spec["fixed"]["rows"]):
                row[j] = keys[i % len(keys)]

