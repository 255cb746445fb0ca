"""From DDL alone, offline: are the values believable? (issue 15)

Six DDL scripts of common domains (shop, HR, CRM, logistics, banking, healthcare-like), written here. Each is
inferred with no data and no model, generated into a database with its constraints (so DuckDB checks keys,
foreign keys, NOT NULL and CHECKs), and then every column is checked:

- a text column against the validator of the semantic type a person would give it (EXPECT below, written by
  hand, not read from fastgen): format (e-mail, IBAN mod 97, Luhn, ISBN/EAN check digits, IPv4/6, UUID…),
  range (latitude), membership in the library's own reference lists (Mimesis's cities, names, occupations;
  pycountry's countries, currencies, languages; the tz database), and a distinct-values floor;
- within one row, the columns of one entity must agree: full name = first + last, the e-mail and username
  spell that person, and the phone prefix, postcode format, city, state and currency fit the row's country;
- other columns are valid when DuckDB accepted the rows (typed, keyed, referenced, CHECKed).

    python bench/ddl_realism.py          # writes bench/ddl_realism_results.md
    python bench/ddl_realism.py --model  # the same with a model (one call per table): the local
                                         # Qwen2.5-Coder-0.5B server CI builds (bash .ci/install-llm.sh), or any
                                         # OpenAI-compatible endpoint set by OPENAI_BASE_URL / OPENAI_API_KEY /
                                         # FASTGEN_MODEL; writes bench/ddl_realism_model_results.md
"""
from __future__ import annotations

import ipaddress
import re
import sys
import time
import zoneinfo
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import fastgen_duckdb as fg  # noqa: E402
from fastgen_duckdb import fills, semantic  # noqa: E402

ROWS = 2000   # rows per table checked (scale chosen so that the largest table has about this many)

DDL = {
    "shop": """
CREATE TABLE currency (code VARCHAR(3) PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, first_name VARCHAR NOT NULL, last_name VARCHAR NOT NULL,
  email VARCHAR NOT NULL, username VARCHAR, phone VARCHAR, street_address VARCHAR, city VARCHAR, state VARCHAR,
  zip_code VARCHAR, country VARCHAR, signup_ip VARCHAR, user_agent VARCHAR, created_at TIMESTAMP,
  preferred_currency VARCHAR(3) REFERENCES currency(code));
CREATE TABLE products (product_id INTEGER PRIMARY KEY, product_name VARCHAR NOT NULL, brand VARCHAR, colour VARCHAR,
  ean VARCHAR(13), isbn VARCHAR(13), description VARCHAR, price DECIMAL(10,2) CHECK (price > 0),
  image_url VARCHAR, weight_kg DOUBLE);
CREATE TABLE orders (order_id BIGINT PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(customer_id),
  order_date DATE NOT NULL, status VARCHAR CHECK (status IN ('new', 'paid', 'shipped', 'delivered', 'returned')),
  shipping_street VARCHAR, shipping_city VARCHAR, shipping_postcode VARCHAR, shipping_country VARCHAR,
  card_number VARCHAR, card_network VARCHAR, total DECIMAL(12,2), comment VARCHAR);
""",
    "hr": """
CREATE TABLE departments (department_id INTEGER PRIMARY KEY, department_name VARCHAR NOT NULL, location_city VARCHAR);
CREATE TABLE employees (employee_id INTEGER PRIMARY KEY, first_name VARCHAR NOT NULL, middle_name VARCHAR,
  last_name VARCHAR NOT NULL, full_name VARCHAR, work_email VARCHAR, phone_number VARCHAR, gender VARCHAR,
  date_of_birth DATE, nationality VARCHAR, job_title VARCHAR, department_id INTEGER REFERENCES departments(department_id),
  salary DECIMAL(10,2), iban VARCHAR, hire_date DATE, university VARCHAR, degree VARCHAR, blood_type VARCHAR,
  home_address VARCHAR, home_city VARCHAR, home_postcode VARCHAR, country_code VARCHAR(2))
  ;
COMMENT ON TABLE employees IS 'Staff of our offices in Germany (de_DE)';
CREATE TABLE timesheets (timesheet_id BIGINT PRIMARY KEY, employee_id INTEGER REFERENCES employees(employee_id),
  work_date DATE, hours DECIMAL(4,2) CHECK (hours BETWEEN 0 AND 12), project_name VARCHAR, notes VARCHAR);
""",
    "crm": """
CREATE TABLE accounts (account_id INTEGER PRIMARY KEY, company_name VARCHAR NOT NULL, website VARCHAR,
  domain VARCHAR, industry VARCHAR, billing_street VARCHAR, billing_city VARCHAR, billing_state VARCHAR,
  billing_postal_code VARCHAR, billing_country VARCHAR, phone VARCHAR, stock_ticker VARCHAR, annual_revenue DECIMAL(14,2));
CREATE TABLE contacts (contact_id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES accounts(account_id),
  salutation VARCHAR, first_name VARCHAR, last_name VARCHAR, email VARCHAR, mobile VARCHAR, job_title VARCHAR,
  preferred_language VARCHAR, time_zone VARCHAR, linkedin_url VARCHAR, lead_source VARCHAR CHECK (lead_source IN ('web', 'referral', 'event', 'partner')),
  created_at TIMESTAMP);
CREATE TABLE activities (activity_id BIGINT PRIMARY KEY, contact_id INTEGER REFERENCES contacts(contact_id),
  subject VARCHAR, body VARCHAR, activity_type VARCHAR CHECK (activity_type IN ('call', 'email', 'meeting')),
  priority VARCHAR, due_date DATE);
""",
    "logistics": """
CREATE TABLE countries (country_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, iso2 VARCHAR(2), iso3 VARCHAR(3));
CREATE TABLE warehouses (warehouse_id INTEGER PRIMARY KEY, warehouse_name VARCHAR, street VARCHAR, city VARCHAR,
  postal_code VARCHAR, country_id INTEGER REFERENCES countries(country_id), latitude VARCHAR, longitude VARCHAR,
  manager_name VARCHAR, manager_email VARCHAR);
CREATE TABLE carriers (carrier_id INTEGER PRIMARY KEY, carrier_name VARCHAR, tracking_url VARCHAR, contact_phone VARCHAR);
CREATE TABLE vehicles (vehicle_id INTEGER PRIMARY KEY, carrier_id INTEGER REFERENCES carriers(carrier_id),
  license_plate VARCHAR, vehicle_make VARCHAR, vehicle_model VARCHAR, vin VARCHAR(17), capacity_kg INTEGER);
CREATE TABLE shipments (shipment_id BIGINT PRIMARY KEY, warehouse_id INTEGER REFERENCES warehouses(warehouse_id),
  vehicle_id INTEGER REFERENCES vehicles(vehicle_id), tracking_uuid VARCHAR, recipient_name VARCHAR,
  recipient_phone VARCHAR, destination_street VARCHAR, destination_city VARCHAR, destination_zip VARCHAR,
  destination_country VARCHAR, origin_airport VARCHAR, shipped_at TIMESTAMP, weight_kg DOUBLE, notes VARCHAR);
""",
    "banking": """
CREATE TABLE branches (branch_id INTEGER PRIMARY KEY, bank_name VARCHAR, swift_code VARCHAR, branch_city VARCHAR,
  branch_phone VARCHAR);
CREATE TABLE clients (client_id INTEGER PRIMARY KEY, first_name VARCHAR, last_name VARCHAR, email VARCHAR,
  phone VARCHAR, address VARCHAR, city VARCHAR, postcode VARCHAR, country VARCHAR, date_of_birth DATE,
  occupation VARCHAR, branch_id INTEGER REFERENCES branches(branch_id)) ;
COMMENT ON TABLE clients IS 'Private banking clients in Portugal';
CREATE TABLE bank_accounts (account_id INTEGER PRIMARY KEY, client_id INTEGER REFERENCES clients(client_id),
  iban VARCHAR(34), currency VARCHAR(3), balance DECIMAL(14,2), opened_on DATE,
  account_type VARCHAR CHECK (account_type IN ('checking', 'savings', 'deposit')));
CREATE TABLE cards (card_id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES bank_accounts(account_id),
  card_number VARCHAR(19), card_brand VARCHAR, cvv VARCHAR(3), holder_name VARCHAR, expires DATE);
CREATE TABLE transfers (transfer_id BIGINT PRIMARY KEY, account_id INTEGER REFERENCES bank_accounts(account_id),
  counterparty_iban VARCHAR, counterparty_name VARCHAR, amount DECIMAL(12,2), currency_code VARCHAR(3),
  reference VARCHAR, client_ip VARCHAR, device_user_agent VARCHAR, booked_at TIMESTAMP);
""",
    "healthcare": """
CREATE TABLE hospitals (hospital_id INTEGER PRIMARY KEY, hospital_name VARCHAR, street_address VARCHAR, city VARCHAR,
  state_code VARCHAR(2), zip VARCHAR, phone VARCHAR, website VARCHAR);
COMMENT ON TABLE hospitals IS 'US hospitals (en_US)';
CREATE TABLE patients (patient_id INTEGER PRIMARY KEY, first_name VARCHAR, last_name VARCHAR, gender VARCHAR,
  birth_date DATE, blood_group VARCHAR, email VARCHAR, phone VARCHAR, street VARCHAR, city VARCHAR, state VARCHAR,
  zip_code VARCHAR, emergency_contact_name VARCHAR, preferred_language VARCHAR, hospital_id INTEGER REFERENCES hospitals(hospital_id));
COMMENT ON TABLE patients IS 'patients (en_US)';
CREATE TABLE visits (visit_id BIGINT PRIMARY KEY, patient_id INTEGER REFERENCES patients(patient_id),
  visit_date DATE, physician_name VARCHAR, diagnosis_text VARCHAR, attachment_file_name VARCHAR,
  attachment_mime_type VARCHAR, severity VARCHAR, insurance_provider VARCHAR);
""",
}

# (script, table, column) -> the semantic type a person would say the column holds (None: not a semantic one)
EXPECT = {
    "shop": {"currency": {"code": "finance.currency_code", "name": "finance.currency_name"},
             "customers": {"first_name": "person.first_name", "last_name": "person.last_name", "email": "person.email",
                           "username": "person.username", "phone": "person.phone", "street_address": "address.street_address",
                           "city": "address.city", "state": "address.state", "zip_code": "address.postcode",
                           "country": "address.country", "signup_ip": "internet.ipv4", "user_agent": "internet.user_agent",
                           "preferred_currency": "finance.currency_code"},
             "products": {"product_name": "product.name", "brand": "product.manufacturer", "colour": "text.color",
                          "ean": "code.ean", "isbn": "code.isbn", "description": "text.paragraph", "image_url": "internet.url"},
             "orders": {"status": "check", "shipping_street": "address.street_address", "shipping_city": "address.city",
                        "shipping_postcode": "address.postcode", "shipping_country": "address.country",
                        "card_number": "finance.credit_card", "card_network": "finance.card_network", "comment": "text.sentence"}},
    "hr": {"departments": {"department_name": "company.department", "location_city": "address.city"},
           "employees": {"first_name": "person.first_name", "middle_name": "person.first_name", "last_name": "person.last_name",
                         "full_name": "person.full_name", "work_email": "person.email", "phone_number": "person.phone",
                         "gender": "person.gender", "nationality": "person.nationality", "job_title": "person.job_title",
                         "iban": "finance.iban", "university": "person.university", "degree": "person.academic_degree",
                         "blood_type": "person.blood_type", "home_address": "address.street_address",
                         "home_city": "address.city", "home_postcode": "address.postcode", "country_code": "address.country_code"},
           "timesheets": {"project_name": "company.project", "notes": "text.sentence"}},
    "crm": {"accounts": {"company_name": "company.name", "website": "internet.url", "domain": "internet.domain",
                         "industry": "company.industry", "billing_street": "address.street_address", "billing_city": "address.city",
                         "billing_state": "address.state", "billing_postal_code": "address.postcode",
                         "billing_country": "address.country", "phone": "person.phone", "stock_ticker": "finance.stock_ticker"},
            "contacts": {"salutation": "person.title", "first_name": "person.first_name", "last_name": "person.last_name",
                         "email": "person.email", "mobile": "person.phone", "job_title": "person.job_title",
                         "preferred_language": "language.name", "time_zone": "datetime.timezone",
                         "linkedin_url": "internet.url", "lead_source": "check"},
            "activities": {"subject": "text.title", "body": "text.paragraph", "activity_type": "check", "priority": "text.level"}},
    "logistics": {"countries": {"name": "address.country", "iso2": "address.country_code", "iso3": "address.country_code3"},
                  "warehouses": {"warehouse_name": "company.name", "street": "address.street_address", "city": "address.city",
                                 "postal_code": "address.postcode", "latitude": "address.latitude",
                                 "longitude": "address.longitude", "manager_name": "person.full_name",
                                 "manager_email": "person.email"},
                  "carriers": {"carrier_name": "company.name", "tracking_url": "internet.url", "contact_phone": "person.phone"},
                  "vehicles": {"license_plate": "transport.license_plate", "vehicle_make": "transport.car_make",
                               "vehicle_model": "transport.car_model", "vin": "transport.vin"},
                  "shipments": {"tracking_uuid": "code.uuid", "recipient_name": "person.full_name",
                                "recipient_phone": "person.phone", "destination_street": "address.street_address",
                                "destination_city": "address.city", "destination_zip": "address.postcode",
                                "destination_country": "address.country", "origin_airport": "address.airport_code",
                                "notes": "text.sentence"}},
    "banking": {"branches": {"bank_name": "company.bank", "swift_code": "finance.swift", "branch_city": "address.city",
                             "branch_phone": "person.phone"},
                "clients": {"first_name": "person.first_name", "last_name": "person.last_name", "email": "person.email",
                            "phone": "person.phone", "address": "address.street_address", "city": "address.city",
                            "postcode": "address.postcode", "country": "address.country", "occupation": "person.job_title"},
                "bank_accounts": {"iban": "finance.iban", "currency": "finance.currency_code", "account_type": "check"},
                "cards": {"card_number": "finance.credit_card", "card_brand": "finance.card_network", "cvv": "finance.cvv",
                          "holder_name": "person.full_name"},
                "transfers": {"counterparty_iban": "finance.iban", "counterparty_name": "person.full_name",
                              "currency_code": "finance.currency_code", "reference": None, "client_ip": "internet.ipv4",
                              "device_user_agent": "internet.user_agent"}},
    "healthcare": {"hospitals": {"hospital_name": "company.name", "street_address": "address.street_address",
                                 "city": "address.city", "state_code": "address.state_code", "zip": "address.postcode",
                                 "phone": "person.phone", "website": "internet.url"},
                   "patients": {"first_name": "person.first_name", "last_name": "person.last_name", "gender": "person.gender",
                                "blood_group": "person.blood_type", "email": "person.email", "phone": "person.phone",
                                "street": "address.street_address", "city": "address.city", "state": "address.state",
                                "zip_code": "address.postcode", "emergency_contact_name": "person.full_name",
                                "preferred_language": "language.name"},
                   "visits": {"physician_name": "person.full_name", "diagnosis_text": "text.sentence",
                              "attachment_file_name": "file.file_name", "attachment_mime_type": "file.mime_type",
                              "severity": "text.level", "insurance_provider": "company.name"}},
}


# -- the library's own reference lists ----------------------------------------------------------------
@lru_cache(maxsize=None)
def dataset(loc: str, provider: str) -> dict:
    return getattr(semantic._generic(semantic.LOCALES[loc][0], 0), provider)._dataset


def union(key: str, provider: str, path: list[str]) -> set:
    out = set()
    for loc in semantic.LOCALES:
        node = dataset(loc, provider)
        for p in path:
            node = node.get(p, {}) if isinstance(node, dict) else {}
        out |= set(flat(node))
    return out


def flat(node) -> list:
    if isinstance(node, dict):
        return [x for v in node.values() for x in flat(v)]
    return [x for v in node for x in flat(v)] if isinstance(node, list) else [node]


@lru_cache(maxsize=None)
def ref(kind: str) -> set:
    import pycountry
    from mimesis import datasets as md
    if kind == "countries":
        return {n for c in pycountry.countries for n in (c.name, getattr(c, "common_name", c.name), getattr(c, "official_name", c.name))}
    return {
        "alpha2": lambda: {c.alpha_2 for c in pycountry.countries},
        "alpha3": lambda: {c.alpha_3 for c in pycountry.countries},
        "currencies": lambda: {c.alpha_3 for c in pycountry.currencies},
        "currency_names": lambda: {c.name for c in pycountry.currencies},
        "languages": lambda: {lang.name for lang in pycountry.languages},
        "first": lambda: union("first", "person", ["names"]),
        "last": lambda: union("last", "person", ["surnames"]) | union("last", "person", ["last_names"]),
        "city": lambda: union("city", "address", ["city"]),
        "state": lambda: union("state", "address", ["state", "name"]),
        "state_abbr": lambda: union("state", "address", ["state", "abbr"]),
        "occupation": lambda: union("o", "person", ["occupation"]),
        "company": lambda: union("c", "finance", ["company", "name"]),
        "bank": lambda: union("b", "finance", ["banks"]),
        "color": lambda: union("c", "text", ["color"]),
        "text": lambda: union("t", "text", ["text"]),
        "university": lambda: union("u", "person", ["university"]),
        "nationality": lambda: union("n", "person", ["nationality"]),
        "title": lambda: union("t", "person", ["title"]),
        "degree": lambda: union("d", "person", ["academic_degree"]),
        "gender": lambda: union("g", "person", ["gender"]),
        "level": lambda: union("l", "text", ["level"]),
        "continent": lambda: union("c", "address", ["continent"]),
        "mime": lambda: set(md.MIME_TYPES.get("application", [])) | {m for v in md.MIME_TYPES.values() for m in v},
        "agents": lambda: set(md.USER_AGENTS),
        "networks": lambda: set(md.CREDIT_CARD_NETWORKS),
        "tickers": lambda: set(md.STOCK_TICKERS),
        "iata": lambda: set(md.IATA_CODES),
        "makes": lambda: set(md.AUTO_MANUFACTURERS),
        "cars": lambda: set(md.CARS),
        "phones": lambda: set(md.PHONE_MODELS),
        "manufacturers": lambda: set(md.MANUFACTURERS),
        "projects": lambda: set(md.PROJECT_NAMES),
        "zones": lambda: set(zoneinfo.available_timezones()) | set(md.TIMEZONES),
        "english": english_words,
    }[kind]()


def english_words() -> set:
    """Every word of wonderwords' lists of nouns, adjectives and verbs (and the verbs' third person), articles."""
    from wonderwords import RandomWord
    words = set(RandomWord().filter(include_categories=["noun", "adjective"]))
    verbs = RandomWord().filter(include_categories=["verb"])
    return {w.lower() for w in words} | set(verbs) | {fills.third_person(v) for v in verbs} | {"the", "a", "an"}


def sentence_ok(v: str) -> bool:
    """A whole sentence: one of the locale's written ones, or English words (fills.sentence's grammar) that
    begin with a capital and end at a full stop."""
    if v in ref("text"):
        return True
    words = v.rstrip(".!?").split(" ")
    return v[:1].isupper() and v[-1:] in ".!?" and len(words) >= 3 and all(w.lower() in ref("english") for w in words)


def check_digit_ok(digits: str) -> bool:
    return len(digits) == 13 and digits.isdigit() and \
        (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10 == int(digits[12])


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in re.sub(r"\D", "", number)]
    if not 13 <= len(digits) <= 19:
        return False
    total = sum(d if i % 2 == 0 else (2 * d - 9 if 2 * d > 9 else 2 * d) for i, d in enumerate(reversed(digits)))
    return total % 10 == 0


def iban_ok(value: str) -> bool:
    v = value.replace(" ", "")
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", v):
        return False
    return int("".join(str(int(ch, 36)) for ch in v[4:] + v[:4])) % 97 == 1


@lru_cache(maxsize=None)
def made_of(text: str) -> bool:
    """Text that is one or more of the library's texts, joined by spaces."""
    if text in ref("text"):
        return True
    cuts = [i for i, ch in enumerate(text) if ch == " " and text[i - 1] in ".!?\""]
    return any(text[:i] in ref("text") and made_of(text[i + 1:]) for i in cuts)


def ip4_ok(v: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(v), ipaddress.IPv4Address)
    except ValueError:
        return False


IN = lambda kind: (lambda v: v in ref(kind))  # noqa: E731
VALID = {
    "person.first_name": IN("first"), "person.last_name": IN("last"),
    "person.full_name": lambda v: len(v.split(" ")) >= 2,
    "person.email": lambda v: re.fullmatch(r"[a-z0-9._]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", v) is not None,
    "person.username": lambda v: re.fullmatch(r"[a-z0-9_]{3,40}", v) is not None,
    "person.phone": lambda v: re.fullmatch(r"\+\d{1,3}( \d{1,4}){2,4}", v) is not None,
    "person.gender": IN("gender"), "person.title": IN("title"), "person.job_title": IN("occupation"),
    "person.nationality": IN("nationality"), "person.university": IN("university"),
    "person.academic_degree": IN("degree"), "person.blood_type": lambda v: v in {"O+", "A+", "B+", "AB+", "O−", "A−", "B−", "AB−", "O-", "A-", "B-", "AB-"},
    "address.street_address": lambda v: re.search(r"\d", v) is not None and re.search(r"[^\W\d]{3}", v) is not None,
    "address.city": IN("city"), "address.state": IN("state"), "address.state_code": IN("state_abbr"),
    "address.postcode": lambda v: re.fullmatch(r"[A-Z0-9][A-Z0-9 -]{2,9}", v) is not None,
    "address.country": IN("countries"), "address.country_code": IN("alpha2"), "address.country_code3": IN("alpha3"),
    "address.continent": IN("continent"), "address.airport_code": IN("iata"),
    "address.latitude": lambda v: -90 <= float(v) <= 90, "address.longitude": lambda v: -180 <= float(v) <= 180,
    "datetime.timezone": IN("zones"),
    "company.name": IN("company"), "company.bank": IN("bank"), "company.department": lambda v: v in semantic.DEPARTMENTS,
    "finance.currency_code": IN("currencies"), "finance.currency_name": IN("currency_names"),
    "finance.iban": iban_ok, "finance.credit_card": luhn_ok, "finance.card_network": IN("networks"),
    "finance.swift": lambda v: re.fullmatch(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?", v) is not None,
    "finance.cvv": lambda v: re.fullmatch(r"\d{3}", v) is not None, "finance.stock_ticker": IN("tickers"),
    "internet.url": lambda v: re.fullmatch(r"https?://[\w.-]+\.[a-z]{2,}(/\S*)?", v) is not None,
    "internet.domain": lambda v: re.fullmatch(r"([a-z0-9-]+\.)+[a-z]{2,}", v) is not None,
    "internet.ipv4": ip4_ok, "internet.user_agent": IN("agents"),
    "code.uuid": lambda v: re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", v) is not None,
    "code.ean": check_digit_ok, "code.isbn": lambda v: check_digit_ok(v) and v.startswith(("978", "979")),
    "language.name": IN("languages"),
    "file.file_name": lambda v: re.fullmatch(r"[\w.-]+\.[a-z0-9]{1,5}", v) is not None, "file.mime_type": IN("mime"),
    "transport.license_plate": lambda v: re.fullmatch(r"[A-Z0-9][A-Z0-9 -]{2,11}", v) is not None,
    "transport.car_make": IN("makes"),
    "transport.vin": lambda v: re.fullmatch(r"[0-9A-HJ-NPR-Z]{17}", v) is not None and semantic.vin_check(v) == v[8], "transport.car_model": IN("cars"),
    "product.name": IN("phones"), "product.manufacturer": IN("manufacturers"),
    "text.color": IN("color"), "text.level": IN("level"),
    "text.sentence": sentence_ok,
    "text.paragraph": made_of,
    "company.project": IN("projects"), "text.title": lambda v: len(v) > 3,
}


def consistent(row: dict, cols: dict[str, str]) -> list[str]:
    """What disagrees within one row of an entity (column -> its semantic type)."""
    by = {t: row[c] for c, t in cols.items() if row.get(c) is not None}
    bad = []
    first, last = by.get("person.first_name"), by.get("person.last_name")
    if first and last:
        if "person.full_name" in by and by["person.full_name"] != f"{first} {last}":
            bad.append("full name")
        a, b = semantic.ascii_slug(first), semantic.ascii_slug(last)
        if a and b and "person.email" in by and not by["person.email"].startswith(f"{a}.{b}@"):
            bad.append("e-mail")
        if a and b and "person.username" in by and not by["person.username"].startswith(f"{a}_{b}"):
            bad.append("username")
    country = by.get("address.country") or by.get("address.country_code")
    if country:
        import pycountry
        try:
            cc = pycountry.countries.lookup(country).alpha_2
        except LookupError:
            return bad + ["country"]
        loc = next((loc for loc, v in semantic.LOCALES.items() if v[1] == cc), None)
        if loc is None:
            return bad + ["country has no locale"]
        _, _, currency, calling = semantic.LOCALES[loc]
        if "person.phone" in by and not by["person.phone"].startswith(f"+{calling} "):
            bad.append("phone prefix")
        if "finance.currency_code" in by and by["finance.currency_code"] != currency:
            bad.append("currency")
        if "address.city" in by and by["address.city"] not in dataset(loc, "address")["city"]:
            bad.append("city")
        if "address.state" in by and by["address.state"] not in dataset(loc, "address")["state"]["name"]:
            bad.append("state")
        fmt = dataset(loc, "address").get("postal_code_fmt")
        if "address.postcode" in by and fmt:
            pattern = "".join(r"\d" if ch == "#" else "[A-Z]" if ch == "@" else re.escape(ch) for ch in fmt)
            if not re.fullmatch(pattern, by["address.postcode"]):
                bad.append("postcode format")
    return bad


def run(model: str | None = None) -> str:
    how = f"inferred with a model ({model}: one call per table, no data)" if model else "inferred offline (no data, no model)"
    lines = ["# From DDL alone: believable values (issue 15)", "",
             f"Six DDL scripts (bench/ddl_realism.py), {how}, generated into a database "
             "with their constraints, then checked column by column against the validator of the semantic type a "
             "person would give each column (format, range, membership in Mimesis's and pycountry's reference "
             "lists), a distinct-values floor, and, within each row, the agreement of one entity's columns (with the "
             "country its foreign key references, where it references one).", "",
             "| domain | tables | columns | text columns | of which typed | text valid | distinct floor met | rows checked in groups | groups consistent | lookups | seconds |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    totals = dict(cols=0, text=0, typed=0, valid=0, floor=0, grows=0, gok=0)
    failures, fallbacks = [], 0
    for domain, ddl in DDL.items():
        t0 = time.perf_counter()
        con = fg.connect()
        names = fg.infer_all(con, ddl, **({"model": model} if model else {}))
        con.execute(f"ATTACH ':memory:' AS out_{domain}")
        fg.generate(con, fg.spec(con, names[0])["schema"], scale=1.0, seed=7, into=f"out_{domain}")
        expect = EXPECT[domain]
        n_cols = n_text = n_typed = n_valid = n_floor = g_rows = g_ok = 0
        lookups = []
        for table in names:
            spec = fg.spec(con, table)
            n_cols += len(spec["columns"])
            fallbacks += sum(c.get("origin") != "llm" for c in spec["columns"])
            if spec.get("fixed"):
                lookups.append(f"{table} {len(spec['fixed']['rows'])}")
            # a row's country may be its foreign key's: the referenced country's name or code joins the row
            via = [(c, p, want) for c in spec["columns"] if c["kind"] == "reference" and c["table"] != table
                   for p, want in expect.get(c["table"], {}).items() if want in ("address.country", "address.country_code")]
            joins = "".join(f" LEFT JOIN out_{domain}.main.{c['table']} AS p{i} ON p{i}.{c['column']} = t.{c['name']}"
                            for i, (c, _, _) in enumerate(via))
            extra = "".join(f", p{i}.{p} AS via_{i}" for i, (_, p, _) in enumerate(via))
            rows = con.execute(f"SELECT t.*{extra} FROM (SELECT * FROM out_{domain}.main.{table} USING SAMPLE "
                               f"{ROWS} ROWS (reservoir, 1)) AS t{joins}").fetchall()
            names_ = [d[0] for d in con.description]
            for col in spec["columns"]:
                want = expect.get(table, {}).get(col["name"], "other")
                if want == "other":
                    continue      # typed, keyed, referenced, CHECKed: DuckDB accepted the rows
                n_text += 1
                values = [r[names_.index(col["name"])] for r in rows if r[names_.index(col["name"])] is not None]
                if want in (None, "check"):   # no semantic type a person would name, or a CHECK list: DuckDB checked it
                    n_valid += 1
                    n_floor += 1
                    continue
                # a type a person would name that the library has no list for (industry) counts as invalid
                valid = VALID.get(want, lambda v: False)
                ok = bool(values) and all(valid(v) for v in values)
                n_typed += 1
                if not ok:
                    bad = next((v for v in values if not valid(v)), None)
                    failures.append(f"{domain}.{table}.{col['name']} (want {want}, got {col.get('semantic')}): {bad!r}")
                n_valid += ok
                universe = len({v for (v,) in semantic.draw_rows([want], semantic.DEFAULT_LOCALE, 1, 500)}) \
                    if want in semantic.TYPES else 20
                floor = min(20, universe, len(rows))
                n_floor += len(set(values)) >= floor
            # a lookup's rows are the real-world ones (pycountry's), not a pool's
            groups = {c["name"]: c["semantic"] for c in spec["columns"] if c["kind"] == "pool" and not spec.get("fixed")}
            if groups:
                groups.update({f"via_{i}": want for i, (_, _, want) in enumerate(via)})
                for r in rows:
                    bad = consistent(dict(zip(names_, r)), groups)
                    g_rows += 1
                    g_ok += not bad
                    if bad and f"{domain}.{table} rows disagree on {bad}" not in failures:
                        failures.append(f"{domain}.{table} rows disagree on {bad}")
        secs = time.perf_counter() - t0
        lines.append(f"| {domain} | {len(names)} | {n_cols} | {n_text} | {n_typed} | {n_valid} ({100 * n_valid / n_text:.0f}%) | "
                     f"{n_floor} | {g_rows:,} | {100 * g_ok / max(1, g_rows):.1f}% | {', '.join(lookups) or '-'} | {secs:.1f} |")
        for k, v in zip(totals, (n_cols, n_text, n_typed, n_valid, n_floor, g_rows, g_ok)):
            totals[k] += v
    lines.append(f"| **all** | | **{totals['cols']}** | **{totals['text']}** | **{totals['typed']}** | **{totals['valid']} "
                 f"({100 * totals['valid'] / totals['text']:.1f}%)** | **{totals['floor']}** | **{totals['grows']:,}** | "
                 f"**{100 * totals['gok'] / max(1, totals['grows']):.1f}%** | | |")
    invalid = totals["text"] - totals["valid"]
    lines += ["", f"**All columns: {totals['cols'] - invalid} of {totals['cols']} valid "
              f"({100 * (totals['cols'] - invalid) / totals['cols']:.1f}%)**; every entity's rows consistent in "
              f"{100 * totals['gok'] / max(1, totals['grows']):.1f}% of {totals['grows']:,} rows."]
    lines += ["", "Columns that are not text (keys, references, numbers, dates) are valid by construction: the rows "
              "were inserted into tables with the DDL's own keys, foreign keys, NOT NULL and CHECKs. Text columns "
              "with a CHECK list, or holding no type a person would name (a payment reference), count as valid "
              "when DuckDB accepted them; 'typed' columns are checked by their type's validator, and a type the "
              "library has no list for (an industry) counts as invalid.", "",
              "Caveat: the rule list (semantic_rules.py) was written alongside these six scripts, so this is an "
              "in-sample score; tests/test_semantic.py holds further cases. Consistency is checked where the "
              "library allows: a row's phone prefix, currency, city list, state list and postcode format all "
              "belong to its country, but Mimesis has no city-to-state or state-to-postcode table, so a US row's "
              "city, state and ZIP are each real yet not checked against one another.", "",
              "Failures:" if failures else "No failures.", *[f"- {f}" for f in failures[:40]]]
    if model:
        lines += ["", f"Where the model's answer for a column was unusable, that column fell back to the offline rules "
                  f"(each spec's `note` says so); {fallbacks} of {totals['cols']} columns did."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import argparse
    import os
    from publish import publish
    p = argparse.ArgumentParser()
    p.add_argument("--model", action="store_true", help="infer with a model (default: the local server CI builds)")
    args = p.parse_args()
    if not args.model:
        publish(run(), "ddl_realism_results.md")
        raise SystemExit
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    proc = None
    if not os.environ.get("OPENAI_BASE_URL") and not os.environ.get("OPENAI_API_KEY"):
        from local_llm import start_server
        proc, url = start_server()
        os.environ.update(OPENAI_BASE_URL=url, FASTGEN_MODEL="qwen2.5-coder-0.5b")
    os.environ.setdefault("FASTGEN_LLM_TIMEOUT", "3600")   # a slow local model must not time out
    try:
        publish(run(os.environ.get("FASTGEN_MODEL", "gpt-4o-mini")), "ddl_realism_model_results.md")
    finally:
        if proc is not None:
            from local_llm import stop_server
            stop_server(proc)
