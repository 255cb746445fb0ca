"""Text columns profiled (a mixin of profile.Profiler): labels seen often enough kept as they are (k-anonymity),
unique codes as keys (a prefix and a number, or a number written in the code's own characters), codes of one
shape drawn position by position, structured texts as structured.py reads them, other texts cut at word
boundaries into pieces that rejoin in new ways."""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from . import vocabulary
from .draws import slot_table, swaps_second_piece
from .layout import alphabet_number

MAX_CATEGORIES = 4096       # values in a category list, labels kept as they are, texts a pool learns from
MIN_COUNT = 5               # a text seen at least this often is kept as a label (k-anonymity); rarer are synthesized
MIN_LABEL_SHARE = 0.3       # text is a label column when values seen MIN_COUNT times fill this share of it
MAX_RARE = 0.01             # a category list's values rarer than MIN_COUNT are left out while they weigh at most
                            # this (what leaving them out costs its shape); heavier, they are its vocabulary, kept
SHORT_CODE = 4              # texts without spaces up to this long are codes, drawn position by position
CHARACTER_CLASSES = ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789")
HEX_DIGITS = ("0123456789abcdef", "0123456789ABCDEF")
MIN_PATTERN_KEYS = 1 << 32  # a code's shape numbers this many keys, or it is drawn position by position
NAME_WORDS = 4              # texts of fewer words on average are names (a county, an airport), whose words may be cut
MAX_TEXT_COPIES = 0.01      # a column's values that may equal a source text its labels do not keep, as pieces of
                            # texts rejoin (words())
NUMBERED = r"(.*?)([0-9]+)([^0-9]*)"   # a code: a prefix, a number, a suffix
MIN_REPEATS = 0.05          # synthesized texts repeat (slots) where this share of the texts they stand for repeats


class Texts:
    """Profiler's methods for VARCHAR columns; they use its sample (`self.c`, `self.texts`, counts, `one`, `base`),
    and its structured.Structured readers (members, addresses, fields, items)."""

    def string(self, unique: bool) -> dict:
        if unique:
            key = self.text_key()
            if key:
                return key
        frequent = self.frequent()
        rare = frequent["rare"] / self.nonnull if frequent else 1.0
        if self.distinct <= MAX_CATEGORIES and self.distinct * 2 <= self.nonnull:
            if rare <= MAX_RARE:   # repetitive labels: those seen MIN_COUNT times (the few rare ones left out)
                return self.base("categorical", values=frequent["values"], weights=frequent["weights"],
                                 min_count=MIN_COUNT, **({"note": f"{frequent['rare']} of {self.nonnull} sampled "
                                                                  f"values are rarer than {MIN_COUNT} and left out"}
                                                         if frequent["rare"] else {}))
            # a category list with rare values of weight (states, counties, teams over few rows): they are part of
            # its shape (left out, 31 rare bakers of 86 cost 0.15 of it), and pieces of its short values would
            # join back into real ones anyway (97% copies on TPC-DS ca_city), so it keeps them all
            listed = self.categorical()
            grows = self.grows(listed["values"]) if frequent is None else None
            return {**listed, "grows": grows} if grows else listed
        text = (self.members() or self.addresses() or self.pattern() or self.fields() or self.items()
                or self.words(frequent["rare"] / self.nonnull if frequent else 1.0))
        return {**text, **self.slots(), **({"frequent": frequent} if frequent else {})}

    def frequent(self) -> dict | None:
        """Labels (names, titles, codes) that occur at least MIN_COUNT times, kept as they are with their counts:
        k-anonymous, and the column's shape. The rarer ones are never copied: pattern() and words() then learn
        only from them, so that what is synthesized in their place looks like them."""
        labels = (f"SELECT {self.c}, count(*) AS n FROM {self.sample} WHERE {self.c} IS NOT NULL GROUP BY {self.c} "
                  f"HAVING count(*) >= {MIN_COUNT} ORDER BY count(*) DESC, {self.c} LIMIT {MAX_CATEGORIES}")
        rows = self.con.execute(labels).fetchall()
        kept = sum(n for _, n in rows)
        if kept < MIN_LABEL_SHARE * self.nonnull:   # free text whose short values happen to repeat: no labels
            return None
        if kept < self.nonnull:   # the pools below: the values not kept as labels only (rare, or past the list)
            # (not NULL inside: x NOT IN (…, NULL) is never true, and the pools would be empty)
            self.texts = f"{self.c} IS NOT NULL AND {self.c} NOT IN (SELECT {self.c} FROM ({labels}))"
        return {"values": [v for v, _ in rows], "weights": [int(n) for _, n in rows], "rare": int(self.nonnull - kept),
                "min_count": MIN_COUNT}

    def slots(self) -> dict:
        """How many texts the synthesized ones are drawn from in a world of the source's size, where the texts they
        stand for repeat (a brand on several items, a city on several addresses; not free text, each its own): then
        a row draws a slot, and its text is a function of the slot (textdraws), so that texts repeat as in the data.
        With D distinct texts on T rows (m = T / D of them a text), slots = D × x, where x(1 − e^(−m/x)) = 1: a
        world's rows hitting D × x slots at random leave D of them hit, about m times each. D is the table's own
        (estimated in one pass) where the profile read a sample, which holds fewer distinct texts than its table.
        `slot_growth`: how the slots grow with the scale, as the texts' vocabulary does (vocabulary.py). Nothing
        where fewer than MIN_REPEATS of the texts repeat one seen before."""
        # how many texts are seen once, twice, ...: a few rows, all the fit needs
        spectrum = dict(self.con.execute(f"SELECT n, count(*) FROM (SELECT count(*) AS n FROM {self.sample} WHERE "
                                         f"{self.texts} GROUP BY {self.c}) GROUP BY n").fetchall())
        rows, distinct = sum(n * k for n, k in spectrum.items()), sum(spectrum.values())
        if self.source_rows > self.n and self.relation:
            distinct = self.con.execute(f"SELECT approx_count_distinct({self.c}) FROM {self.relation} "
                                        f"WHERE {self.texts}").fetchall()[0][0]   # a few % off: a sketch, not a sort
            rows = rows * self.source_rows / self.n
        if not distinct or distinct > rows * (1 - MIN_REPEATS):
            return {}
        grows = vocabulary.growth(spectrum, rows, distinct)
        return {"slots": max(1, round(vocabulary.slots_for(distinct, rows))),
                **({"slot_growth": grows} if grows is not None else {})}

    def text_key(self) -> dict | None:
        """Unique codes like 'Customer#000000042': a printf format over a key sequence."""
        found = self.numbered()
        if found is None:
            return self.pattern_key()
        fmt, lo, hi = found
        return self.base("key", start=lo, step=max(1, round((hi - lo) / max(1, self.source_rows - 1))), format=fmt)

    def numbered(self) -> tuple[dict, int, int] | None:
        """Texts that are one prefix, a number and one suffix ('Customer#000000042'): the format that writes such
        numbers (layout.key_value), and the smallest and the largest number seen; else None (code_format, in SQL
        over every text)."""
        parts = (f"regexp_extract({self.c}, '^{NUMBERED}$', {i})" for i in (1, 2, 3))
        prefix, digits, suffix = parts
        row = self.one(f"count(DISTINCT {prefix}), min({prefix}), count(DISTINCT {suffix}), min({suffix}), "
                       f"count(DISTINCT length({digits})), min(length({digits})), "
                       f"min(try_cast({digits} AS HUGEINT)), max(try_cast({digits} AS HUGEINT)), "
                       f"bool_and(regexp_matches({self.c}, '^{NUMBERED}$'))", f"WHERE {self.texts}")
        n_pre, pre, n_suf, suf, n_width, width, lo, hi, all_match = row
        if not all_match or n_pre != 1 or n_suf != 1 or lo is None or (n_width != 1 and not str(lo).startswith("0")):
            return None
        fixed_width = width if n_width == 1 and width <= 30 else 0
        return {"prefix": pre, "width": fixed_width, "suffix": suf}, int(lo), int(hi)

    def shape(self) -> list[list[tuple[str, int]]] | None:
        """For codes of one shape (same length, same character class at each position, hex digits one class): per
        position, its characters and their counts, the most frequent first; else None. Read once per set of
        texts: a unique column asks pattern_key() first, then pattern()."""
        if self.texts not in self.shapes:
            self.shapes[self.texts] = self._shape()
        return self.shapes[self.texts]

    def _shape(self) -> list[list[tuple[str, int]]] | None:
        skeleton = (f"regexp_replace(regexp_replace(regexp_replace({self.c}, '[0-9]', '9', 'g'), "
                    f"'[a-z]', 'a', 'g'), '[A-Z]', 'A', 'g')")
        hexes = (f"count(DISTINCT regexp_replace({self.c}, '[0-9{x}]', 'x', 'g'))" for x in ("a-f", "A-F"))
        shapes, *hex_shapes, length = self.one(f"count(DISTINCT {skeleton}), {', '.join(hexes)}, "
                                               f"max(length({self.c}))", f"WHERE {self.texts}")
        if 1 not in (shapes, *hex_shapes) or not 1 <= length <= 64:   # (hex digits are one class: hashes)
            return None
        counts = self.con.execute(
            # the position's and the character's names are fastgen's own: the table may have a column `pos`
            f"SELECT fastgen_at.fastgen_i, substr({self.c}, fastgen_at.fastgen_i, 1) AS fastgen_ch, count(*) "
            f"FROM {self.sample}, range(1, {length + 1}) fastgen_at(fastgen_i) WHERE {self.texts} GROUP BY ALL "
            "ORDER BY fastgen_at.fastgen_i, count(*) DESC, fastgen_ch").fetchall()
        by_pos: dict[int, list] = {}
        for pos, ch, n in counts:
            by_pos.setdefault(pos, []).append((ch, n))
        return [by_pos[pos] for pos in range(1, length + 1)]

    def pattern(self) -> dict | None:
        """Codes of one shape: position by position, each from its characters by their counts."""
        shape = self.shape()
        if shape is None:
            return None
        positions = []
        for found in shape:
            chars, weights = zip(*found)
            positions.append("".join(chars[i] for i in slot_table(list(weights), size=min(64, max(len(chars), 16))))
                             if len(chars) > 1 else chars[0])
        return self.base("text", method="pattern", positions=positions)

    def pattern_key(self) -> dict | None:
        """Unique codes of one shape with no number in them to count on (TPC-DS's 'AAAAAAAABAAAAAAA'): the row's
        number written in the code's own characters (alphabets()). Only for codes that drawn position by position
        (pattern()) would repeat: where the characters seen at each position make fewer than MIN_PATTERN_KEYS codes
        (20,000 rows of TPC-DS customer ids drawn so held 1,000 distinct values; a phone number's digits make 10^10
        and stay drawn so, spread out)."""
        shape = self.shape()
        if shape is None or math.prod(len(found) for found in shape) >= MIN_PATTERN_KEYS:
            return None
        fmt = self.alphabets()
        return self.base("key", start=0, step=1, format=fmt) if fmt else None

    def alphabets(self) -> dict | None:
        """Codes of one shape as numbers written one digit per position (layout.key_value), if their character
        classes make at least MIN_PATTERN_KEYS codes. A position's digits are its character class (A-Z, a-z, 0-9;
        any other character stays as it is), its most frequent character first, so low numbers look like the data;
        the positions that vary most are the least significant."""
        shape = self.shape()
        return None if shape is None else in_alphabets(["".join(ch for ch, _ in found) for found in shape])

    def grows(self, values: list[str]) -> dict | None:
        """A category list of codes none of which is a label (a versioned dimension's business key, an order
        number on its lines: every value rarer than MIN_COUNT, frequent()) is a list of things, and a world
        `scale` times the source's holds scale times as many, each as often as the one it copies. The new codes
        are written in the values' own format (a prefix, a number and a suffix; or a number in per-position
        alphabets), numbered from past the largest seen, so never one of them. None for texts of no one format."""
        found = self.numbered()
        if found is not None:
            fmt, start = found[0], found[2] + 1
        else:
            fmt = self.alphabets()
            if fmt is None:
                return None
            start = 1 + max(alphabet_number(v, fmt) for v in values)
        copies = 1.0   # a sample of a larger table holds fewer codes than the table: copies make up the rest
        if self.source_rows > self.n and self.relation:
            whole = self.con.execute(f"SELECT count(DISTINCT {self.c}) FROM {self.relation}").fetchall()[0][0]
            copies = round(max(1.0, whole / self.distinct), 6)
        return {"copies": copies, "start": start, "format": fmt}

    def words(self, share: float = 1.0) -> dict:
        """Real texts cut into k ≥ 2 pieces; a value joins one random piece of each part.

        Beginnings stay beginnings and endings stay endings, the length distribution is kept. Cut at word
        boundaries, a value equals a source text about 1 in 4096^(k-1) times for long texts; but where the words
        that tell texts apart sit in one piece ('Maricopa' + ' County'), joining pieces rebuilds source texts (87%
        of TPC-DS counties). So where more than MAX_TEXT_COPIES of the column's values would equal a text seen
        fewer than MIN_COUNT times, the texts are cut the next way of cuts() that keeps under it ('Mari' + 'copa'
        + ' County'), and the spec's note says how. `share`: the column's values drawn so (the others are labels).
        """
        texts = [t for (t,) in self.con.execute(
            f"SELECT {self.c} FROM {self.sample} WHERE {self.texts} LIMIT {MAX_CATEGORIES}").fetchall()]
        longest = max(len(t) for t in texts)
        if longest <= SHORT_CODE and not any(re.search(r"\s", t) for t in texts):
            # short codes of several shapes (airport codes ABQ, S01, K01A): one pool per position
            return self.base("text", method="words", pieces=[[t[i:i + 1] for t in texts] for i in range(longest)])
        mean_words = sum(len(t.split()) for t in texts) / len(texts)
        k = max(2, min(4, round(mean_words / 4)))
        # what must not be copied: texts seen fewer than MIN_COUNT times (a text seen more is no one's own)
        rare = {t for (t,) in self.con.execute(f"SELECT {self.c} FROM {self.sample} WHERE {self.texts} "
                                               f"GROUP BY ALL HAVING count(*) < {MIN_COUNT}").fetchall()}
        tried = []
        for how, pieces in cuts(texts, k, names=mean_words < NAME_WORDS):
            tried.append((copy_rate(pieces, rare) * share, how, pieces))
            if tried[-1][0] <= MAX_TEXT_COPIES:
                break
        copied, how, pieces = tried[-1] if tried[-1][0] <= MAX_TEXT_COPIES else min(tried, key=lambda t: t[0])
        return self.base("text", method="words", pieces=pieces, **({"note": (
            f"{how}: {tried[0][1]}, {tried[0][0]:.1%} of its values would copy a source text ({copied:.1%} so)")}
            if len(tried) > 1 else {}))


def cuts(texts: list[str], k: int, names: bool):
    """Ways to cut texts into pools of pieces, the closest to whole words first: at spaces into k pieces, then
    k + 1. Then, for `names` only (short texts: a sentence's words stay words), the last word apart (a county's
    'County', an airport's 'Municipal') and the rest cut in its middle ('Mari' + 'copa'); then within words, at
    equal shares of characters, into 2, 3 and 4 pieces. Words that hold one same mark each (an e-mail's '@')
    are cut only before it and within the part before it (and before the last '.' after it), so that every
    value holds the mark once, after a part of its own."""
    def pools(split) -> list[list[str]]:
        return [list(p) for p in zip(*(split(t) for t in texts))]
    mark = _one_mark(texts)
    if mark:   # an e-mail's '@': no piece but the last holds it, so every value holds it once, in its place
        def around(split, parts: int, dot: bool = False):
            def cut(t: str) -> list[str]:
                at = t.index(mark)
                tail = [t[at:]] if not dot else [t[at:t.rindex(".")], t[t.rindex("."):]]   # '@example' + '.org'
                return split(t[:at], parts) + tail
            return cut
        yield f"before the one {mark!r} of every text, the rest cut at words", pools(around(split_words, k))
        for parts in (2, 3):
            yield f"before the one {mark!r} of every text, the rest within words into {parts} pieces", \
                pools(around(split_chars, parts))
        if all("." in t[t.index(mark):] for t in texts):
            yield f"before the one {mark!r} of every text and its last '.', the rest within words into 3 pieces", \
                pools(around(split_chars, 3, dot=True))
        return
    spaced = any(re.search(r"\S\s+\S", t) for t in texts)   # some text is words: a later piece begins with a space
    yield "cut at spaces", pools(lambda t: split_words(t, k, spaced))
    yield f"cut at spaces into {k + 1} pieces", pools(lambda t: split_words(t, k + 1, spaced))
    if not names:
        return
    if any(" " in t.strip() for t in texts):
        def last_apart(t: str) -> list[str]:
            at = t.rstrip().rfind(" ") if " " in t.strip() else len(t)
            return split_chars(t[:at], 2) + [t[at:]]
        yield "the last word apart, the rest cut in its middle", pools(last_apart)
    for parts in (2, 3, 4):
        yield f"cut within words into {parts} pieces", pools(lambda t: split_chars(t, parts))


def in_alphabets(seen: list[str], fewest: int = MIN_PATTERN_KEYS) -> dict | None:
    """A code format writing numbers one digit per position (layout.key_value), for codes of one shape whose
    positions hold `seen` (each position's characters, the most frequent first), if it numbers at least `fewest`
    codes. A position's digits are its characters then the rest of their class (A-Z, a-z, 0-9, or hex digits where
    every varying position holds hex digits only, some a letter: a hash stays hex; any other character stays as
    it is); the positions that vary most are the least significant."""
    varying = "".join(chars for chars in seen if len(chars) > 1)
    classes = CHARACTER_CLASSES
    for hexes in HEX_DIGITS:
        if varying and set(varying) <= set(hexes) and not varying.isdigit():
            classes = (hexes,) + CHARACTER_CLASSES
    alphabets = []
    for chars in seen:
        within = next((c for c in classes if chars[0] in c and (c not in HEX_DIGITS or set(chars) <= set(c))), chars)
        alphabets.append(chars + "".join(ch for ch in within if ch not in chars))
    if math.prod(map(len, alphabets)) < fewest:
        return None
    return {"alphabets": alphabets, "order": sorted((p for p, a in enumerate(alphabets) if len(a) > 1),
                                                   key=lambda p: (-len(seen[p]), -p))}


def pattern_alphabets(positions: list[str], fewest: int = 2) -> dict | None:
    """in_alphabets for the codes a `pattern` text draws (its positions: each a string of its characters, as often
    as they are drawn), numbering at least `fewest` codes."""
    return in_alphabets(["".join(ch for ch, _ in Counter(chars).most_common()) for chars in positions], fewest)


def values_alphabets(values: list) -> dict | None:
    """in_alphabets for a few codes in hand (a category list's) of one shape (as Texts.shape reads one: the same
    length, the same character class at each position, hex digits one class), numbering at least 2."""
    texts = [v for v in values if isinstance(v, str)]
    if not texts or len(texts) < len(values) or len({len(t) for t in texts}) != 1 or not 1 <= len(texts[0]) <= 64:
        return None
    skeletons = ({re.sub("[A-Z]", "A", re.sub("[a-z]", "a", re.sub("[0-9]", "9", t))) for t in texts},
                 {re.sub("[0-9a-f]", "x", t) for t in texts}, {re.sub("[0-9A-F]", "x", t) for t in texts})
    if not any(len(s) == 1 for s in skeletons):
        return None
    return in_alphabets(["".join(ch for ch, _ in Counter(t[i] for t in texts).most_common())
                         for i in range(len(texts[0]))], 2)


def code_format(values: list[str]) -> tuple[dict, int] | None:
    """Codes that are one prefix, a number and one suffix ('ST00', 'ST01'): the format that writes such numbers
    (a text key's), and the smallest number seen; else None (Texts.numbered, for a few values in hand)."""
    found = [re.fullmatch(NUMBERED, v) for v in values if isinstance(v, str)]
    if not found or len(found) < len(values) or not all(found):
        return None
    prefixes, suffixes = {m.group(1) for m in found}, {m.group(3) for m in found}
    widths = {len(m.group(2)) for m in found}
    lowest = min(found, key=lambda m: int(m.group(2))).group(2)
    if len(prefixes) != 1 or len(suffixes) != 1 or (len(widths) != 1 and not lowest.startswith("0")):
        return None
    width = widths.pop() if len(widths) == 1 and max(map(len, values)) <= 30 else 0
    return {"prefix": prefixes.pop(), "width": width, "suffix": suffixes.pop()}, int(lowest)


def _one_mark(texts: list[str]) -> str | None:
    """A punctuation character that every text holds exactly once, past its first character, in one word ('@'
    in e-mails, ':' in host:port): the texts are two parts around it."""
    first = texts[0] if texts else ""
    for ch in dict.fromkeys(c for c in first if not c.isalnum() and not c.isspace()):
        if all(t.count(ch) == 1 and t.index(ch) > 0 and not any(x.isspace() for x in t) for t in texts):
            return ch
    return None


def copy_rate(pieces: list[list[str]], real: set[str], draws: int = 10_000) -> float:
    """The share of values drawn from `pieces` as textdraws.TextDraws._words draws them (one piece of each pool; a
    second piece never from a text that began as the first does, where first pieces repeat) that are in `real`:
    estimated from `draws` draws of a fixed seed."""
    if not real:
        return 0.0
    rng, size = np.random.default_rng(0), len(pieces[0])
    picks = [rng.integers(0, len(pool), draws) for pool in pieces]
    if swaps_second_piece(pieces):
        first = np.array(pieces[0], dtype=object)
        picks[1] = np.where(first[picks[1]] == first[picks[0]], (picks[1] + 1) % size, picks[1])
    drawn = np.array(pieces[0], dtype=object)[picks[0]]
    for pool, pick in zip(pieces[1:], picks[1:]):
        drawn = drawn + np.array(pool, dtype=object)[pick]
    return sum(value in real for value in drawn) / draws


def split_chars(text: str, k: int) -> list[str]:
    """k consecutive pieces of text that join back to it, cut at equal shares of its characters."""
    return [text[len(text) * i // k:len(text) * (i + 1) // k] for i in range(k)]


def split_words(text: str, k: int, spaced: bool = True) -> list[str]:
    """k consecutive pieces of text that join back to it, cut before whitespace near equal shares of its words.
    A single word is cut before punctuation ('ana' + '@example.com'), else in its middle ('Joh' + 'nson'). A
    text of fewer words than pieces leaves its last pieces empty, not its first: a value begins with a first
    piece, and any other begins with the whitespace it was cut before. Among texts of one word each (`spaced`
    False), a word too short to cut leaves its first piece empty instead: '' + 'Amy' is joined with no other
    text that begins with '' (TextDraws._words), where 'Amy' + '' would join any short name's '' and copy it."""
    cuts = [m.start() for m in re.finditer(r"\s+\S", text)] or \
        [m.start() for m in re.finditer(r"(?<=\w)[@._+/-]", text)] or ([len(text) // 2] if len(text) >= 4 else [])
    at = [int(len(cuts) * i / k + 0.5) for i in range(1, k)]
    chosen = [cuts[a - 1] if a > 0 else len(text) if spaced else 0 for a in at]
    bounds = [0] + sorted(chosen) + [len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]
