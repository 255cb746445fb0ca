"""Texts whose structure is kept whole (a mixin of profile.Profiler, beside texts.Texts): JSON objects member by
member, IPv6 addresses group by group, templated numbers field by field, and lists item by item. Each is drawn by
the words sampler (a pool per part) or the members sampler, so that every value has the structure of the source's,
where word pieces would cut through it."""
from __future__ import annotations

import ipaddress
import json
import re
from collections import Counter

from .texts import MAX_CATEGORIES, MIN_COUNT

MAX_MEMBERS = 64            # keys of the JSON objects a column holds, each drawn apart, or the texts are cut as words
FIELDS = r"(\D*)(\d+)"      # a templated text's fields: the characters before a number, and the number
MAX_FIELDS = 6              # numbers in a templated text ('v1.2.3', '-$5.44', '10-20', '1920x1080'), at most
MAX_SEPARATOR = 3           # characters between two of its numbers, at most
MAX_ENDS = 16               # its endings that hold a number (past the k-th), at most this many distinct; its first
                            # numbers are one piece while they take at most this many values together (or √texts)
SEPARATORS = (", ", "; ", " | ", " / ", ",", ";", "|", "/")   # between a list's items, the longest form first
MAX_ITEMS = 8               # items in a list, at most (a pool each)
MIN_LISTS = 0.1             # texts of two items or more that make a column lists, at least this share
MIN_VOCABULARY = 0.95       # ... whose items seen MIN_COUNT times or more are at least this share of all items


class Structured:
    """Profiler's readers of structured texts; they use its sample (`self.c`, `self.texts`, `self.con`, `base`)."""

    def fields(self) -> dict | None:
        """Templated texts: each a few prefixes' one, then k numbers (2 to MAX_FIELDS: the fewest any text holds)
        with a short separator between each two that holds no letter (or is one and the same everywhere:
        '2014Q1'), then one of its endings ('v1.2.3', '-$5.44', '10-20', '1.2.3-rc1', 'SW12 6GR'). A pool per
        number, each piece the separator before it and its digits as seen, the first numbers in one while they
        take few values together (an IPv4 network's '192.168'); a pool for the prefixes and one for the endings
        where they vary (else they stay on the first number and the last). Drawn as words are, every
        value is written in the template (cut as words, 1,802 of 3,000 versions were not: 'v.16.16'). Two numbers
        in order in every text (a range's '10-20') are `ordered`: where drawn the other way round, swapped."""
        texts = [t for (t,) in self.con.execute(
            f"SELECT {self.c} FROM {self.sample} WHERE {self.texts} LIMIT {MAX_CATEGORIES}").fetchall()]
        split = [re.findall(FIELDS, t) for t in texts]
        k = min((len(s) for s in split), default=0)
        if not 2 <= k <= MAX_FIELDS:
            return None
        ends = [t[sum(len(a) + len(b) for a, b in s[:k]):] for t, s in zip(texts, split)]
        if len({e for e in ends if re.search(r"\d", e)}) > MAX_ENDS:   # more numbers after the k-th: a few endings
            return None
        for i in range(1, k):
            seps = {s[i][0] for s in split}
            if any(len(p) > MAX_SEPARATOR for p in seps) or \
                    (len(seps) > 1 and any(re.search(r"[^\W\d_]", p) for p in seps)):
                return None
        heads = [s[0][0] for s in split]
        pieces = [[s[i][1] if i == 0 and len(set(heads)) > 1 else s[i][0] + s[i][1] for s in split] for i in range(k)]
        few = max(MAX_ENDS, int(len(texts) ** 0.5))
        while len(pieces) > 2 and len(set(zip(pieces[0], pieces[1]))) <= few:   # a network's first numbers: whole
            pieces[:2] = [[a + b for a, b in zip(pieces[0], pieces[1])]]
        if len(set(ends)) > 1:
            pieces.append(ends)
        else:
            pieces[-1] = [p + e for p, e in zip(pieces[-1], ends)]
        first = int(len(set(heads)) > 1)   # the pool of the first number (after the prefixes' own)
        merged = k - len(pieces) + (len(set(ends)) > 1)   # numbers in the first number's piece, less one
        low = next((i for i in range(merged, k - 1) if all(int(s[i][1]) <= int(s[i + 1][1]) for s in split)
                    and sum(int(s[i][1]) < int(s[i + 1][1]) for s in split) >= MIN_LISTS * len(split)), None)
        return self.base("text", method="words", pieces=[heads] * first + pieces,
                         **({"ordered": [first + low - merged, first + low - merged + 1]} if low is not None else {}),
                         note="drawn field by field: each number of its template from those seen in its place")

    def items(self) -> dict | None:
        """Lists of items from one vocabulary, joined by one separator, perhaps in brackets ('Action|Adventure|Sci-Fi',
        'red; navy blue', '[3, 14, 15]', "['a', 'b']"): a pool per place in the list, each piece its item with the
        separator before it (none in its first place, '' where a list is shorter), drawn as a list (`written:
        items`, with `around`: its brackets): every value is a list of items seen, each once (cut as words, 1,711 of
        3,000 genre lists held made-up words: 'Horrma'; 1,248 of 3,000 JSON arrays were no arrays). Items seen
        fewer than MIN_COUNT times are no one's vocabulary: the lists holding them are left out of the pools."""
        texts = [t for (t,) in self.con.execute(
            f"SELECT {self.c} FROM {self.sample} WHERE {self.texts} LIMIT {MAX_CATEGORIES}").fetchall()]
        opener = texts[0][:1] if texts else ""
        closer = {"[": "]", "{": "}", "(": ")"}.get(opener)
        around = [opener, closer] if closer and all(len(t) > 1 and t[0] == opener and t[-1] == closer
                                                     for t in texts) else None
        inner = [t[1:-1] for t in texts] if around else texts
        for sep in SEPARATORS:
            lists = [t.split(sep) if t else [] for t in inner]
            if sum(len(x) > 1 for x in lists) < MIN_LISTS * len(texts) or max(map(len, lists)) > MAX_ITEMS or \
                    any(not i or i != i.strip() for x in lists for i in x):
                continue
            seen = Counter(i for x in lists for i in x)
            known = {i for i, n in seen.items() if n >= MIN_COUNT}
            if sum(seen[i] for i in known) < MIN_VOCABULARY * sum(seen.values()):
                continue
            lists = [x for x in lists if all(i in known for i in x)]
            width = max(map(len, lists))
            pieces = [[(sep if p else "") + x[p] if p < len(x) else "" for x in lists] for p in range(width)]
            return self.base("text", method="words", pieces=pieces, written="items", separator=sep,
                             **({"around": around} if around else {}),
                             note=f"lists of the items seen at least {MIN_COUNT} times, joined by {sep!r}")
        return None

    def members(self) -> dict | None:
        """JSON objects written one way ('{"id": 7, "kind": "a"}'): each key's member present in its share of the
        texts, with a value one of those seen at that key, joined in the keys' order: every value is a JSON object
        (cut into pieces anywhere, 813 of 1,000 were not), its members real, their combination new."""
        texts = [t for (t,) in self.con.execute(
            f"SELECT {self.c} FROM {self.sample} WHERE {self.texts} LIMIT {MAX_CATEGORIES}").fetchall()]
        split = [json_members(t) for t in texts]
        if not texts or any(m is None for m in split):
            return None
        separators = {sep for sep, _ in split if sep is not None}
        if len(separators) > 1:
            return None
        keys: dict[str, list] = {}
        for _, members in split:
            for place, (key, text) in enumerate(members):
                keys.setdefault(key, []).append((place, text))
        if not keys or len(keys) > MAX_MEMBERS:
            return None
        ordered = sorted(keys, key=lambda k: (sum(p for p, _ in keys[k]) / len(keys[k]), k))
        return self.base("text", method="members", separator=separators.pop() if separators else ", ", members=[
            {"key": k, "share": round(len(keys[k]) / len(texts), 6), "values": [t for _, t in keys[k]][:MAX_CATEGORIES]}
            for k in ordered])

    def addresses(self) -> dict | None:
        """IPv6 addresses written as RFC 5952 does ('2001:db8::1'): a network (the first 4 groups) as seen, and each
        group of the interface after it drawn from those seen in its place, then written so again (`written:
        ipv6`): every value is an address in a real network (cut as words, 349 of 1,000 were not addresses)."""
        texts = [t for (t,) in self.con.execute(
            f"SELECT {self.c} FROM {self.sample} WHERE {self.texts} LIMIT {MAX_CATEGORIES}").fetchall()]
        try:
            if not texts or not all(":" in t and "." not in t and ipaddress.IPv6Address(t).compressed == t
                                    for t in texts):
                return None
        except ValueError:
            return None
        groups = [[format(int(g, 16), "x") for g in ipaddress.IPv6Address(t).exploded.split(":")] for t in texts]
        pools = [[":".join(g[:4]) for g in groups]] + [[":" + g[i] for g in groups] for i in range(4, 8)]
        return self.base("text", method="words", pieces=pools, written="ipv6")


def json_members(text: str) -> tuple[str | None, list[tuple[str, str]]] | None:
    """A JSON object's members as written ('"id": 7'), with their keys and the separator between them; None for
    a text that is no JSON object, or whose members are not all set apart by one same separator."""
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        if not isinstance(json.loads(text), dict):
            return None
    except ValueError:
        return None
    cuts, depth, quoted, escaped = [], 0, False, False
    for i, ch in enumerate(text):
        if quoted:
            quoted, escaped = (not (ch == '"' and not escaped)), (ch == "\\" and not escaped)
        elif ch == '"':
            quoted = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == "," and depth == 1:
            cuts.append(i)
    inner = text[1:-1]
    if not inner.strip():
        return None, []
    pieces = [text[a + 1:b] for a, b in zip([0] + cuts, cuts + [len(text) - 1])]
    separator = None
    if len(pieces) > 1:
        gaps = {p[:len(p) - len(p.lstrip())] for p in pieces[1:]}
        if len(gaps) > 1 or pieces[0] != pieces[0].lstrip() or any(p != p.rstrip() for p in pieces):
            return None
        separator = "," + gaps.pop()
        pieces = [p.lstrip() for p in pieces]
    elif inner != inner.strip():
        return None
    members = []
    for piece in pieces:
        try:
            key = json.loads("{" + piece + "}")
        except ValueError:
            return None
        members.append((next(iter(key)), piece))
    return separator, members
