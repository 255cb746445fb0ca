"""Semantic types: what a text column holds (person.email, address.city…) and the values that fill it.

Used once, at infer time, to fill value pools in the spec (fills.py) from Mimesis's curated, localized lists
(and pycountry's ISO tables); sampling never calls Python. A column of a known type becomes a categorical one
(values with their frequencies in 1,024 draws); columns of one entity (a person's names, e-mail and username;
an address's street, city, state, postcode, country and phone) share one spec-level pool, whose rows the
compiler draws whole, so that one row's fields agree.

    "pools": {"person": {"locale": "pt_PT", "columns": ["first_name", "email"],
                         "semantic": ["person.first_name", "person.email"], "rows": [["Ana", "ana.silva@…"], …],
                         "countries": ["PT", …]}}   (each row's country, ISO alpha-2)
    column: {"name": "email", "kind": "pool", "pool": "person", "field": 1, "semantic": "person.email", …}

Who picks a column's type: the model (its answer is checked against TYPES), or the rules in semantic_rules.py.
"""
from __future__ import annotations

import random
import re
import string
import unicodedata
import uuid
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

POOL_DRAWS = 1024                 # draws that fill one pool (values keep their counts as weights)
# locale -> (Mimesis locale, ISO country, currency, calling code)
LOCALES = {
    "en_US": ("en", "US", "USD", "1"), "en_GB": ("en-gb", "GB", "GBP", "44"), "en_CA": ("en-ca", "CA", "CAD", "1"),
    "en_AU": ("en-au", "AU", "AUD", "61"), "de_DE": ("de", "DE", "EUR", "49"), "de_AT": ("de-at", "AT", "EUR", "43"),
    "de_CH": ("de-ch", "CH", "CHF", "41"), "fr_FR": ("fr", "FR", "EUR", "33"), "es_ES": ("es", "ES", "EUR", "34"),
    "es_MX": ("es-mx", "MX", "MXN", "52"), "it_IT": ("it", "IT", "EUR", "39"), "pt_PT": ("pt", "PT", "EUR", "351"),
    "pt_BR": ("pt-br", "BR", "BRL", "55"), "nl_NL": ("nl", "NL", "EUR", "31"), "nl_BE": ("nl-be", "BE", "EUR", "32"),
    "pl_PL": ("pl", "PL", "PLN", "48"), "sv_SE": ("sv", "SE", "SEK", "46"), "da_DK": ("da", "DK", "DKK", "45"),
    "fi_FI": ("fi", "FI", "EUR", "358"), "no_NO": ("no", "NO", "NOK", "47"), "cs_CZ": ("cs", "CZ", "CZK", "420"),
    "sk_SK": ("sk", "SK", "EUR", "421"), "hu_HU": ("hu", "HU", "HUF", "36"), "el_GR": ("el", "GR", "EUR", "30"),
    "tr_TR": ("tr", "TR", "TRY", "90"), "ru_RU": ("ru", "RU", "RUB", "7"), "uk_UA": ("uk", "UA", "UAH", "380"),
    "ja_JP": ("ja", "JP", "JPY", "81"), "ko_KR": ("ko", "KR", "KRW", "82"), "zh_CN": ("zh", "CN", "CNY", "86"),
    "et_EE": ("et", "EE", "EUR", "372"), "hr_HR": ("hr", "HR", "EUR", "385"), "is_IS": ("is", "IS", "ISK", "354"),
}
DEFAULT_LOCALE = "en_US"
# an address with a country column and no locale hint: one of these countries per row
INTERNATIONAL = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_PT", "nl_NL", "pl_PL", "sv_SE"]
IBAN_LENGTHS = {"DE": 22, "GB": 22, "FR": 27, "ES": 24, "IT": 27, "PT": 25, "NL": 18, "BE": 16, "AT": 20,
                "CH": 21, "PL": 28, "SE": 24, "DK": 18, "FI": 18, "NO": 15, "CZ": 24, "SK": 24, "HU": 28, "GR": 27,
                "TR": 26, "EE": 20, "HR": 21, "IS": 26, "BR": 29, "UA": 29}
DEPARTMENTS = ["Sales", "Marketing", "Finance", "Human Resources", "Engineering", "Operations", "Legal",
               "Customer Support", "Purchasing", "Logistics", "Research and Development", "Information Technology",
               "Quality Assurance", "Facilities", "Administration"]


class Row:
    """One draw: a locale's Mimesis generator, and the fields of one entity that several types share."""

    def __init__(self, locale: str, rng: random.Random, gen):
        self.locale, self.rng, self.g = locale, rng, gen
        self.mimesis, self.country, self.currency, self.calling = LOCALES[locale]
        self.cache: dict[str, str] = {}

    def once(self, key: str, make: Callable[[], str]) -> str:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def first(self) -> str:
        return self.once("first", self.g.person.first_name)

    def last(self) -> str:
        return self.once("last", self.g.person.last_name)

    def handle(self) -> str:
        """first.last in plain ASCII, or the library's username where names have no Latin spelling."""
        def make():
            a, b = ascii_slug(self.first()), ascii_slug(self.last())
            return f"{a}.{b}" if a and b else self.g.person.username(mask="l_d")
        return self.once("handle", make)


def ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def _phone(row: Row) -> str:
    """The locale's phone number, with its country's calling code in front."""
    digits = re.sub(r"\D", "", row.g.person.telephone())
    if digits.startswith(row.calling) and len(digits) > len(row.calling) + 6:
        digits = digits[len(row.calling):]
    digits = digits.lstrip("0") or "1"
    return f"+{row.calling} {digits[:3]} {digits[3:6]} {digits[6:10]}".rstrip()


def _postcode(row: Row) -> str:
    return row.once("postcode", row.g.address.postal_code)


def _iban(row: Row) -> str:
    country = row.country if row.country in IBAN_LENGTHS else "DE"
    bban = "".join(row.rng.choice(string.digits) for _ in range(IBAN_LENGTHS[country] - 4))
    return country + iban_check(country, bban) + bban


def iban_check(country: str, bban: str) -> str:
    """ISO 13616's two check digits (mod 97) for a country and its basic bank account number."""
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    return f"{98 - number % 97:02d}"


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _card(row: Row) -> str:
    """A test-looking card number: a network's prefix, random digits, the Luhn check digit."""
    prefix = row.rng.choice(["4", "51", "52", "53", "54", "55", "37", "6011"])
    body = prefix + "".join(row.rng.choice(string.digits) for _ in range((15 if prefix == "37" else 16) - 1 - len(prefix)))
    return body + luhn_digit(body)


def _isbn(row: Row) -> str:
    body = "978" + "".join(row.rng.choice(string.digits) for _ in range(9))
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def _ean(row: Row) -> str:
    body = "".join(row.rng.choice(string.digits) for _ in range(12))
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def _file_name(row: Row) -> str:
    """The library's file name, kept to plain ones: a few come without their dot ('feard') or with a quote."""
    for _ in range(20):
        name = row.g.file.file_name()
        name = name if "." in name else f"{name}{row.g.file.extension()}"
        if re.fullmatch(r"[\w-]+\.\w+", name, re.ASCII):
            return name
    return "document.pdf"


PLATES = {"US": "AAA-9999", "GB": "AA99 AAA", "DE": "AA-AA 999", "FR": "AA-999-AA", "ES": "9999 AAA",
          "IT": "AA 999AA", "PT": "99-AA-99", "NL": "99-AAA-9", "PL": "AA 99999", "SE": "AAA 999", "BR": "AAA9A99"}


VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"      # ISO 3779: no I, O or Q
VIN_VALUE = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9]))
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def vin_check(vin: str) -> str:
    """The check character (position 9) of a 17-character vehicle identification number (49 CFR 565)."""
    total = sum((int(ch) if ch.isdigit() else VIN_VALUE[ch]) * w for ch, w in zip(vin, VIN_WEIGHTS))
    return "X" if total % 11 == 10 else str(total % 11)


def _vin(row: Row) -> str:
    body = [row.rng.choice(VIN_CHARS) for _ in range(17)]
    body[8] = "0"
    body[8] = vin_check("".join(body))
    return "".join(body)


def _plate(row: Row) -> str:
    """A number plate in its country's usual shape (9 a digit, A a letter)."""
    shape = PLATES.get(row.country, "AAA-9999")
    return "".join(row.rng.choice(string.digits) if ch == "9" else row.rng.choice(string.ascii_uppercase)
                   if ch == "A" else ch for ch in shape)


def _country_name(code: str) -> str:
    import pycountry
    c = pycountry.countries.get(alpha_2=code)
    return getattr(c, "common_name", None) or c.name


def _alpha3(code: str) -> str:
    import pycountry
    return pycountry.countries.get(alpha_2=code).alpha_3


def _state(row: Row, abbr: bool = False) -> str:
    # one state per row, its name and code from the same entry of the library's list
    i = int(row.once("state_i", lambda: str(row.rng.randrange(len(row.g.address._dataset["state"]["name"])))))
    states = row.g.address._dataset["state"]
    codes = states.get("abbr") or states["name"]
    return codes[i % len(codes)] if abbr else states["name"][i]


def _language(row: Row, code: bool) -> str:
    langs = _languages()
    lang = langs[row.rng.randrange(len(langs))]
    return lang.alpha_2 if code else lang.name


@lru_cache(maxsize=1)
def _languages() -> list:
    import pycountry
    return [lang for lang in pycountry.languages if hasattr(lang, "alpha_2")]


def _swift(row: Row) -> str:
    letters = "".join(row.rng.choice(string.ascii_uppercase) for _ in range(4))
    return letters + row.country + "".join(row.rng.choice(string.ascii_uppercase + string.digits) for _ in range(2))


@dataclass(frozen=True)
class Semantic:
    name: str
    draw: Callable[[Row], str]
    group: str | None = None      # the entity whose columns share a pool row: person or address


def _t(name, draw, group=None):
    return Semantic(name, draw, group)


TYPES: dict[str, Semantic] = {t.name: t for t in [
    # one person
    _t("person.first_name", lambda r: r.first(), "person"),
    _t("person.last_name", lambda r: r.last(), "person"),
    _t("person.full_name", lambda r: f"{r.first()} {r.last()}", "person"),
    _t("person.email", lambda r: f"{r.handle()}@{r.once('domain', lambda: r.rng.choice(_email_domains()))}", "person"),
    _t("person.username", lambda r: f"{r.handle().replace('.', '_')}{r.rng.randrange(10, 100)}", "person"),
    _t("person.initials", lambda r: f"{r.first()[:1]}.{r.last()[:1]}.", "person"),
    _t("person.phone", _phone, "address"),
    _t("person.gender", lambda r: r.g.person.gender()),
    _t("person.title", lambda r: r.g.person.title()),
    _t("person.job_title", lambda r: r.g.person.occupation()),
    _t("person.nationality", lambda r: r.g.person.nationality()),
    _t("person.university", lambda r: r.g.person.university()),
    _t("person.academic_degree", lambda r: r.g.person.academic_degree()),
    _t("person.blood_type", lambda r: r.g.person.blood_type()),
    _t("person.password_hash", lambda r: r.g.cryptographic.hash()),
    # one address
    _t("address.street_address", lambda r: r.g.address.address(), "address"),
    _t("address.street_name", lambda r: r.g.address.street_name(), "address"),
    _t("address.building_number", lambda r: r.g.address.street_number(), "address"),
    _t("address.secondary", lambda r: r.g.address.secondary_address() if "secondary_address_fmt" in r.g.address._dataset
       else f"Apt. {r.rng.randrange(1, 300)}", "address"),
    _t("address.city", lambda r: r.g.address.city(), "address"),
    _t("address.state", lambda r: _state(r), "address"),
    _t("address.state_code", lambda r: _state(r, abbr=True), "address"),
    _t("address.postcode", _postcode, "address"),
    _t("address.country", lambda r: _country_name(r.country), "address"),
    _t("address.country_code", lambda r: r.country, "address"),
    _t("address.country_code3", lambda r: _alpha3(r.country), "address"),
    _t("address.calling_code", lambda r: f"+{r.calling}", "address"),
    _t("address.continent", lambda r: r.g.address.continent()),
    _t("address.latitude", lambda r: f"{r.g.address.latitude():.6f}"),
    _t("address.longitude", lambda r: f"{r.g.address.longitude():.6f}"),
    _t("address.airport_code", lambda r: r.g.address.iata_code()),
    _t("datetime.timezone", lambda r: r.g.datetime.timezone()),
    _t("datetime.gmt_offset", lambda r: r.g.datetime.gmt_offset()),
    _t("datetime.day_of_week", lambda r: r.g.datetime.day_of_week()),
    _t("datetime.month", lambda r: r.g.datetime.month()),
    # organisations and money
    _t("company.name", lambda r: r.g.finance.company()),
    _t("company.type", lambda r: r.g.finance.company_type(abbr=True)),
    _t("company.bank", lambda r: r.g.finance.bank()),
    _t("company.department", lambda r: r.rng.choice(DEPARTMENTS)),
    _t("company.project", lambda r: r.rng.choice(_projects())),
    _t("finance.currency_code", lambda r: r.currency, "address"),
    _t("finance.currency_name", lambda r: _currency_name(r.currency), "address"),
    _t("finance.currency_symbol", lambda r: r.g.finance.currency_symbol()),
    _t("finance.iban", _iban, "address"),
    _t("finance.swift", _swift, "address"),
    _t("finance.credit_card", _card),
    _t("finance.card_network", lambda r: r.g.payment.credit_card_network()),
    _t("finance.cvv", lambda r: f"{r.rng.randrange(1000):03d}"),
    _t("finance.stock_ticker", lambda r: r.g.finance.stock_ticker()),
    _t("finance.stock_name", lambda r: r.g.finance.stock_name()),
    _t("finance.stock_exchange", lambda r: r.g.finance.stock_exchange()),
    _t("finance.crypto_code", lambda r: r.g.finance.cryptocurrency_iso_code()),
    _t("finance.bitcoin_address", lambda r: r.g.payment.bitcoin_address()),
    # internet
    _t("internet.url", lambda r: r.g.internet.url()),
    _t("internet.domain", lambda r: r.g.internet.hostname()),
    _t("internet.tld", lambda r: r.g.internet.tld()),
    _t("internet.ipv4", lambda r: r.g.internet.ip_v4()),
    _t("internet.ipv6", lambda r: r.g.internet.ip_v6()),
    _t("internet.mac_address", lambda r: r.g.internet.mac_address()),
    _t("internet.user_agent", lambda r: r.g.internet.user_agent()),
    _t("internet.http_method", lambda r: r.g.internet.http_method()),
    _t("internet.http_status", lambda r: str(r.g.internet.http_status_code())),
    _t("internet.slug", lambda r: r.g.internet.slug()),
    _t("internet.uri_path", lambda r: "/" + r.g.internet.slug().replace("-", "/")),
    _t("internet.public_dns", lambda r: r.g.internet.public_dns()),
    # codes
    _t("code.uuid", lambda r: str(uuid.UUID(int=r.rng.getrandbits(128), version=4))),
    _t("code.isbn", _isbn),
    _t("code.ean", _ean),
    _t("code.imei", lambda r: r.g.code.imei()),
    _t("code.issn", lambda r: r.g.code.issn()),
    _t("code.locale", lambda r: r.g.code.locale_code()),
    _t("code.pin", lambda r: r.g.code.pin()),
    _t("crypto.token", lambda r: r.g.cryptographic.token_hex(16)),
    _t("language.name", lambda r: _language(r, False)),
    _t("language.code", lambda r: _language(r, True)),
    # files and software
    _t("file.file_name", _file_name),
    _t("file.extension", lambda r: r.g.file.extension()),
    _t("file.mime_type", lambda r: r.g.file.mime_type()),
    _t("software.os", lambda r: r.g.development.os()),
    _t("software.programming_language", lambda r: r.g.development.programming_language()),
    _t("software.version", lambda r: r.g.development.version()),
    _t("software.license", lambda r: r.g.development.software_license()),
    _t("hardware.cpu", lambda r: r.g.hardware.cpu()),
    _t("hardware.graphics", lambda r: r.g.hardware.graphics()),
    _t("hardware.resolution", lambda r: r.g.hardware.resolution()),
    # things
    _t("product.name", lambda r: r.g.hardware.phone_model()),
    _t("product.manufacturer", lambda r: r.g.hardware.manufacturer()),
    _t("transport.car_model", lambda r: r.g.transport.car()),
    _t("transport.car_make", lambda r: r.g.transport.manufacturer()),
    _t("transport.airplane", lambda r: r.g.transport.airplane()),
    _t("transport.license_plate", _plate),
    _t("transport.vin", _vin),
    _t("food.dish", lambda r: r.g.food.dish()),
    _t("food.drink", lambda r: r.g.food.drink()),
    _t("food.fruit", lambda r: r.g.food.fruit()),
    _t("food.vegetable", lambda r: r.g.food.vegetable()),
    _t("food.spice", lambda r: r.g.food.spices()),
    # text
    _t("text.color", lambda r: r.g.text.color()),
    _t("text.hex_color", lambda r: r.g.text.hex_color()),
    _t("text.word", lambda r: r.g.text.word()),
    _t("text.title", lambda r: r.g.text.title()),
    _t("text.sentence", lambda r: r.g.text.sentence()),
    _t("text.paragraph", lambda r: r.g.text.text(quantity=3)),
    _t("text.quote", lambda r: r.g.text.quote()),
    _t("text.level", lambda r: r.g.text.level()),
]}


@lru_cache(maxsize=1)
def _projects() -> list[str]:
    from mimesis.datasets import PROJECT_NAMES
    return list(PROJECT_NAMES)


@lru_cache(maxsize=1)
def _email_domains() -> list[str]:
    from mimesis.datasets import EMAIL_DOMAINS
    return [d.lstrip("@") for d in EMAIL_DOMAINS]


def _currency_name(code: str) -> str:
    import pycountry
    return pycountry.currencies.get(alpha_3=code).name


@lru_cache(maxsize=64)
def _generic(mimesis_locale: str, seed: int):
    from mimesis import Generic
    from mimesis.locales import Locale
    return Generic(locale=Locale(mimesis_locale), seed=seed)


def locales_of(locale) -> list[str]:
    """A spec's locale (one name or a list) as known locale names; an unknown one is refused by name."""
    names = [locale] if isinstance(locale, str) else list(locale or [DEFAULT_LOCALE])
    for name in names:
        if name not in LOCALES:
            raise ValueError(f"unknown locale {name!r}; known: {', '.join(LOCALES)}")
    return names


def draw_rows(types: list[str], locale, seed: int, n: int = POOL_DRAWS) -> list[list[str]]:
    """n rows of one entity: each row one locale's draw, its fields agreeing (same name, same country…)."""
    locales = locales_of(locale)
    rng = random.Random(seed)
    gens = {loc: _generic(LOCALES[loc][0], seed ^ seed_of(loc)) for loc in locales}
    for loc, g in gens.items():
        g.reseed(seed ^ seed_of(loc))     # the cached generator starts over: same spec, same pools
    rows = []
    for loc in row_locales(locales, n):
        row = Row(loc, rng, gens[loc])    # one entity: its fields share the row's cached names and country
        rows.append([TYPES[t].draw(row) for t in types])
    return rows


def row_locales(locale, n: int = POOL_DRAWS) -> list[str]:
    """The locale of each of the n rows draw_rows makes: the locales in turn."""
    locales = locales_of(locale)
    return [locales[i % len(locales)] for i in range(n)]


def seed_of(*parts: str) -> int:
    return zlib.crc32("\x1f".join(parts).lower().encode()) & 0x7FFFFFFF
