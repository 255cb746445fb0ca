"""What synthesized text and pool members contribute to the sampler's SELECT: a pattern's characters, a text's
pieces from its pools, labels kept as they are, and a row of a spec-level pool (semantic.py) shared by its
members. A part of columns.Column (its mixin), apart because drawing text is a job of its own."""
from __future__ import annotations

from .draws import POOLS, SLOTS, TEXT_SLOTS, at, bits, streams, swaps_second_piece, uniform
from .readings import ipv6_compressed
from .sqltext import string

ITEM_TRIES = 3   # pieces drawn for a list's place, the first not already in the list kept
# a text as (what comes before its number, what comes after): the number stands for the text's last run of
# digits (groups 1, 2), or in a text of none before its first '@' (an e-mail's user), else before its closing
# punctuation ('}', ')'), else at its end (groups 3, 4)
NUMBER_SPOT = r"(?s)^(?:(.*[^0-9]|)[0-9]+([^0-9]*)|([^@]*?)(@.*|[^\p{L}\p{N}@]*))$"


def numbered(value: str, number: str, longest: int | None = None) -> str:
    """SQL: the text `value` with the whole number `number` (SQL, no leading zeros) written in at NUMBER_SPOT:
    'ann.lee7@mail.com' -> 'ann.lee12@mail.com', '{"id": 3, "ok": true}' -> '{"id": 12, "ok": true}'. Distinct
    numbers make distinct texts, whatever the texts: the number is the text's last run of digits (the text
    before it ends in none, the text after holds none). `longest`: a VARCHAR(n)'s n, which the text before the
    number is cut to fit."""
    head, tail = (f"(regexp_extract({value}, {string(NUMBER_SPOT)}, {a}) || "
                  f"regexp_extract({value}, {string(NUMBER_SPOT)}, {b}))" for a, b in ((1, 3), (2, 4)))
    text = f"({number})::VARCHAR"
    if longest:
        head = f"regexp_replace(left({head}, greatest(0, {int(longest)} - length({text}) - length({tail}))), '[0-9]+$', '')"
    return f"({head} || {text} || {tail})"


class TextDraws:
    """Column's text and pool members (columns.Column has the attributes they read)."""

    def _text(self):
        # the row's bits; texts that repeat (slots): its slot's, one of round(scale^slot_growth × slots) per row
        self.text_row, self.text_bits = "r", self.uniforms
        if self.col.get("slots"):
            self.text_row, self.text_bits = f"ts{self.j}", self.helpers
            grows = self.col.get("slot_growth", 1)
            scaled = "scale" if grows == 1 else f"pow(scale, {float(grows)!r})"
            self.uniforms[self.text_row] = (f"floor({uniform(self.stream + TEXT_SLOTS)} * greatest(1, "
                                            f"round({scaled} * {int(self.col['slots'])})))::BIGINT")
        if self.col["method"] == "pattern":
            self._pattern()
        elif self.col["method"] == "members":
            self._members()
        elif self.col.get("written") == "items":
            self._items()
        else:
            self._words()
        frequent = self.col.get("frequent")
        if frequent:  # labels seen often enough are drawn as they are; the rest are synthesized as above
            values = frequent["values"]
            vals = self._param("vals", values, "VARCHAR")
            pick = self._alias_pick([float(w) for w in frequent["weights"]] + [float(frequent.get("rare", 0))],
                                    self._u())
            self.value = f"CASE WHEN {pick} > {len(values)} THEN {self.value} ELSE {at(vals, pick)} END"

    def _pattern(self):
        parts, literal_run, slot = [], "", 0
        for chars in self.col["positions"]:
            if len(set(chars)) == 1:
                literal_run += chars[0]
                continue
            if literal_run:
                parts.append(string(literal_run))
                literal_run = ""
            h = f"h{self.j}_{slot // 10 + 1}"
            self.text_bits[h] = bits(self.stream, slot // 10 + 1, self.text_row)
            pick = f"(({h} >> {6 * (slot % 10)}) & 63) % {len(chars)} + 1"
            parts.append(f"substr({string(chars)}, ({pick})::INTEGER, 1)")
            slot += 1
        if literal_run:
            parts.append(string(literal_run))
        self.value = " || ".join(parts)

    def _words(self):
        """One piece from each pool, concatenated: few lookups, and millions of combinations.

        Pools are aligned (piece i of every pool comes from text i). Where first pieces repeat, a second piece whose
        own text began with the first piece drawn is swapped for the next text's (draws.swaps_second_piece), so
        that the two are rarely joined as in a source text: values rarely copy one."""
        pools, picks = self.col["pieces"], []
        for i, pool in enumerate(pools):
            h = f"h{self.j}_{i // 5 + 1}"
            self.text_bits[h] = bits(self.stream, i // 5 + 1, self.text_row)
            slots = self._param(f"pool{i}", pool, "VARCHAR")
            index = f"((({h} >> {12 * (i % 5)}) & {SLOTS - 1}) % {len(pool)} + 1)::INTEGER"
            if i == 1 and swaps_second_piece(pools):
                first, drawn = picks[0]
                index = (f"CASE WHEN {at(first, index)} = {at(first, drawn)} THEN {index} % {len(pool)} + 1 "
                         f"ELSE {index} END")
            picks.append((slots, index))
        parts = [at(slots, index) for slots, index in picks]
        if self.col.get("ordered"):
            self._ordered(parts, *self.col["ordered"])
        self.value = " || ".join(parts)
        if self.col.get("written") == "ipv6":   # its groups joined, then a run of 0 groups written '::'
            self.early[f"t{self.j}"] = self.value
            self.value = ipv6_compressed(f"t{self.j}")

    def _ordered(self, parts: list[str], a: int, b: int):
        """Pieces a and b (in place) with their numbers (a's last, b's first) swapped where a's is the larger: a
        template's two numbers in the order every source text has them."""
        pa, pb = f"oa{self.j}", f"ob{self.j}"
        self.early[pa], self.early[pb] = parts[a], parts[b]
        da, db = f"regexp_extract({pa}, '[0-9]+$', 0)", f"regexp_extract({pb}, '[0-9]+', 0)"
        before = f"regexp_extract({pb}, '^[^0-9]*', 0)"
        swap = f"TRY_CAST({da} AS DOUBLE) > TRY_CAST({db} AS DOUBLE)"
        parts[a] = f"CASE WHEN {swap} THEN left({pa}, length({pa}) - length({da})) || {db} ELSE {pa} END"
        parts[b] = (f"CASE WHEN {swap} THEN {before} || {da} || substr({pb}, length({before}) + length({db}) + 1) "
                    f"ELSE {pb} END")

    def _items(self):
        """A list as long as a source list drawn at random (its `donor`); its place i holds an item drawn among those
        seen in place i, or if an earlier place holds that item, the first of ITEM_TRIES - 1 more that none does
        (else none), each later place a step reading the places before it; in its brackets, if any."""
        pools, j = self.col["pieces"], self.j
        h = f"h{j}_donor"
        self.text_bits[h] = bits(self.stream, 39, self.text_row)
        donor = f"((({h}) & {SLOTS - 1}) % {len(pools[0])} + 1)::INTEGER"
        lengths = [sum(pool[d] != "" for pool in pools) for d in range(len(pools[0]))]   # each donor's items
        length = at(self._param("lengths", lengths, "INTEGER"), donor)
        self.early[f"il{j}"] = length
        sep, chosen = string(self.col["separator"]), []
        for i, pool in enumerate(pools):
            items = [p for p in pool if p] or [""]
            listed = self._param(f"items{i}", items, "VARCHAR")
            self.text_bits[f"h{j}_i{i}"] = bits(self.stream, 40 + i, self.text_row)
            draw = [at(listed, f"(((h{j}_i{i} >> {12 * t}) & {SLOTS - 1}) % {len(items)} + 1)::INTEGER")
                    for t in range(ITEM_TRIES if i else 1)]
            chosen.append(f"it{j}_{i}")
            if not i:   # the first place reads no other: drawn with the list's length
                self.early[chosen[0]] = f"CASE WHEN {length} = 0 THEN '' ELSE {draw[0]} END"
                continue
            tries = [f"it{j}_{i}_{t}" for t in range(ITEM_TRIES)]
            self.early.update(zip(tries, draw))
            held = ", ".join([f"{sep} || {chosen[0]}"] + chosen[1:-1])
            pick = " ".join(f"WHEN {t} NOT IN ({held}) THEN {t}" for t in tries)
            while len(self.steps) < i:
                self.steps.append({})
            self.steps[i - 1][chosen[-1]] = f"CASE WHEN il{j} <= {i} THEN '' {pick} ELSE '' END"
        opener, closer = self.col.get("around") or ["", ""]
        self.value = " || ".join(([string(opener)] if opener else []) + chosen + ([string(closer)] if closer else []))

    def _members(self):
        """A JSON object: each member present with its share (the hash's high 32 bits), its text one of its pool
        (the low 12), joined by the source's separator; concat_ws leaves out the absent."""
        members = []
        for i, member in enumerate(self.col["members"]):
            h = f"h{self.j}_m{i}"
            self.text_bits[h] = bits(self.stream, 100 + i, self.text_row)
            pool = member["values"]
            text = at(self._param(f"m{i}", pool, "VARCHAR"), f"(({h} & {SLOTS - 1}) % {len(pool)} + 1)::INTEGER")
            if member["share"] < 1:
                text = f"CASE WHEN ({h} >> 32) < {int(member['share'] * 2 ** 32)} THEN {text} END"
            members.append(text)
        self.value = f"'{{' || concat_ws({string(self.col['separator'])}, {', '.join(members)}) || '}}'"

    # -- semantic pools (semantic.py) -------------------------------------------------------------------
    def _pool(self):
        """A member of a spec-level pool (one entity: a person's names and e-mail, an address): one uniform
        per pool and row picks a pool row, under the same alias for every member so they share it, and the
        column takes its own field of that row."""
        rows = self.lookup(self.table)["pools"][self.col["pool"]]["rows"]
        values = self._param("pool", [row[int(self.col["field"])] for row in rows], self.col["type"])
        self.value = at(values, self._pool_row(self.col["pool"]))

    def _pool_row(self, name: str) -> str:
        """The row's row of pool `name` (1-based), one uniform per pool and row under one alias for every
        column that reads it. A pool that `follows` a foreign key's parent (countries.follows) draws among
        its rows of the country of the parent row's own pool row (its draw there, at that row), where it has
        any; resolve() writes that once every column, and so the foreign key's parent row, is built."""
        spec = self.lookup(self.table)
        pool, k = spec["pools"][name], sorted(spec["pools"]).index(name)
        self.uniforms[f"pu{k}"] = uniform(streams(spec) + POOLS + k)
        plain = f"(floor(pu{k} * {len(pool['rows'])})::INTEGER + 1)"
        follows = pool.get("follows")
        if not follows or not self.by_name:
            return plain
        through = self.by_name[follows["through"].lower()]
        parent = self.lookup(through.col["table"])
        theirs = parent["pools"][follows["pool"]]
        drawn = uniform(streams(parent) + POOLS + sorted(parent["pools"]).index(follows["pool"]), f"({through.parent_row})")
        row = f"(floor({drawn} * {len(theirs['rows'])})::INTEGER + 1)"
        order = sorted(range(len(pool["rows"])), key=lambda i: (pool["countries"][i], i))   # my rows by country
        first = {}
        for at_, i in enumerate(order):
            first.setdefault(pool["countries"][i], at_)
        count = {c: pool["countries"].count(c) for c in first}
        start = at(self.listed("pool_start", [first.get(c, 0) for c in theirs["countries"]], "INTEGER"), row)
        many = at(self.listed("pool_count", [count.get(c, 0) for c in theirs["countries"]], "INTEGER"), row)
        mine = at(self.listed("pool_order", [i + 1 for i in order], "INTEGER"), f"{start} + floor(pu{k} * {many})::INTEGER + 1")
        return f"(CASE WHEN {many} > 0 THEN {mine} ELSE {plain} END)"
