"""A semantic type's values as spec fields, filled once at infer time (or for a hand-edited spec, refill): a
category list of POOL_DRAWS draws, a pool of whole rows for the columns of one entity, an English sentence of
random words in a grammar, a paragraph of the locale's sentences. The types and their draws: semantic.py."""
from __future__ import annotations

import math
import random
import re
from functools import lru_cache

from .semantic import DEFAULT_LOCALE, LOCALES, TYPES, draw_rows, row_locales, seed_of


def fits(value: str, type_text: str) -> bool:
    """A value within the declared length of VARCHAR(n)."""
    return len(value) <= _length(type_text)


def _length(type_text: str) -> float:
    found = re.match(r"VARCHAR\((\d+)\)", type_text.upper())
    return int(found.group(1)) if found else math.inf


def cut(value: str, type_text: str) -> str:
    """A value cut to the declared length, for a type none of whose values fit (a sentence in VARCHAR(12))."""
    n = _length(type_text)
    return value if n == math.inf else value[:int(n)].rstrip() or value[:int(n)]


PARAGRAPH_SENTENCES = 3   # sentences per paragraph, as Mimesis writes them (text.text(quantity=3))


SENTENCE_WORDS = 512      # words of each part of speech a sentence column's spec holds (sentence())


def filled(semantic: str, locale, type_text: str, seed: int) -> dict:
    """Spec fields of a column of one semantic type: a paragraph as sentences joined at random (paragraph()), an
    English sentence as words of its parts of speech (sentence()), the rest a category list."""
    if semantic == "text.sentence" and LOCALES[locale][0].startswith("en"):
        return sentence(seed)
    return (paragraph if semantic == "text.paragraph" else categorical)(semantic, locale, type_text, seed)


def sentence(seed: int) -> dict:
    """An English sentence of random words in a fixed grammar, 'The bold gazelle drains a molecule.' (as TPC-H's
    own comments are random words in a grammar): subject, verb and object each drawn from SENTENCE_WORDS of
    wonderwords' lists of nouns, verbs and adjectives (profanity filtered out), so sentences rarely repeat and
    read as grammar. Mimesis holds 28 whole English sentences: forty rows of a comment column repeated them."""
    rng = random.Random(seed)
    def words(category: str) -> list[str]:
        found = _english(category)
        return rng.sample(found, min(SENTENCE_WORDS, len(found)))
    def article(word: str, capital: bool = False) -> str:
        a = rng.choice(["the", "the", "a"])
        a = "an" if a == "a" and word[0] in "aeiou" else a
        return f"{a.capitalize() if capital else a} {word}"
    return {"kind": "text", "method": "words",
            "pieces": [[article(a, True) + " " for a in words("adjective")], [f"{n} " for n in words("noun")],
                       [f"{third_person(v)} " for v in words("verb")], [article(n) + "." for n in words("noun")]]}


@lru_cache(maxsize=None)
def _english(category: str) -> list[str]:
    """wonderwords' plain lower-case ASCII words of a part of speech, profanity left out, sorted (read once)."""
    from wonderwords import RandomWord, filter_profanity
    return sorted(w for w in filter_profanity(RandomWord().filter(include_categories=[category]))
                  if w.isascii() and w.isalpha() and w.islower())


def third_person(verb: str) -> str:
    """A verb's present tense, third person ('watch' -> 'watches', 'try' -> 'tries'), as wonderwords writes it."""
    if verb.endswith(("ss", "ch", "x", "sh", "zz")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in tuple("aeiou"):
        return verb[:-1] + "ies"
    return verb + "s"


def paragraph(semantic: str, locale, type_text: str, seed: int) -> dict:
    """Paragraphs of PARAGRAPH_SENTENCES of the locale's sentences, each drawn on its own (`words` pieces): the
    locale holds a few dozen sentences (Mimesis en: 28), so a list of paragraphs repeated them in a few rows, while
    sentences stay whole, so each reads as written (cutting sentences into pieces and rejoining them raised the
    n-gram diversity of comments but made a fifth of them ungrammatical: 'Its main within a program…'). A
    paragraph longer than the declared length stops after its last whole word that fits (max_length)."""
    sentences = sorted({value for (value,) in draw_rows(["text.sentence"], locale, seed)})
    return {"kind": "text", "method": "words",
            "pieces": [sentences] + [[f" {x}" for x in sentences]] * (PARAGRAPH_SENTENCES - 1)}


def categorical(semantic: str, locale, type_text: str, seed: int) -> dict:
    """Spec fields of a column of one semantic type: its pool's values and their counts in POOL_DRAWS draws
    (those that fit the declared length; if none does, all of them cut to it)."""
    counts: dict[str, int] = {}
    drawn = [value for (value,) in draw_rows([semantic], locale, seed)]
    for value in [v for v in drawn if fits(v, type_text)] or [cut(v, type_text) for v in drawn]:
        counts[value] = counts.get(value, 0) + 1
    values = sorted(counts, key=lambda v: (-counts[v], v))
    return {"kind": "categorical", "values": values, "weights": [counts[v] for v in values]}


def pool(columns: list[dict], locale, seed: int) -> dict:
    """A spec-level pool for columns of one entity: POOL_DRAWS rows, one field per column."""
    types = [c["semantic"] for c in columns]
    drawn = list(zip(draw_rows(types, locale, seed), row_locales(locale)))
    kept = [(r, loc) for r, loc in drawn if all(fits(v, c["type"]) for v, c in zip(r, columns))] \
        or [([cut(v, c["type"]) for v, c in zip(r, columns)], loc) for r, loc in drawn]
    return {"locale": locale, "columns": [c["name"] for c in columns], "semantic": types,
            "rows": [r for r, _ in kept], "countries": [LOCALES[loc][1] for _, loc in kept]}


def filled_for(col: dict) -> str:
    return f"{col['semantic']}@{col.get('locale')}"


def refill(spec: dict) -> dict:
    """Pools for a spec that names semantic types without them, or with another locale than they were filled
    for (a hand-edited spec): what fastgen_import does before validating. Columns whose kind is not a
    semantic one (key, reference…) are left as they are."""
    pools = spec.get("pools") or {}
    for name, p in list(pools.items()):
        if not isinstance(p, dict) or not isinstance(p.get("columns"), list):
            continue
        by_name = {c.get("name", "").lower(): c for c in spec.get("columns", []) if isinstance(c, dict)}
        members = [by_name.get(str(n).lower()) for n in p["columns"]]
        if not all(m and isinstance(m.get("semantic"), str) and m["semantic"] in TYPES for m in members):
            continue
        wanted = [m["semantic"] for m in members]
        if p.get("rows") and p.get("semantic") == wanted and p.get("filled_locale", p.get("locale")) == p.get("locale"):
            continue
        fresh = pool(members, p.get("locale") or DEFAULT_LOCALE, seed_of(spec.get("name", ""), name))
        p.update(fresh, filled_locale=fresh["locale"])
        for k, m in enumerate(members):
            m.update(kind="pool", pool=name, field=k, locale=fresh["locale"])
            for stale in ("values", "weights", "method", "pieces", "positions"):
                m.pop(stale, None)
    for col in spec.get("columns", []):
        if not isinstance(col, dict) or col.get("semantic") not in TYPES or col.get("kind") in ("key", "reference", "pool"):
            continue
        if col.get("kind") in ("categorical", "text") and (col.get("values") or col.get("pieces")) \
                and col.get("filled") == filled_for(col):
            continue
        for stale in ("method", "pieces", "positions", "frequent", "values", "weights"):
            col.pop(stale, None)
        col.update(filled(col["semantic"], col.get("locale") or DEFAULT_LOCALE, col.get("type", "VARCHAR"),
                          seed_of(spec.get("name", ""), col.get("name", ""))))
        col.setdefault("locale", DEFAULT_LOCALE)
        col["filled"] = filled_for(col)
    return spec
