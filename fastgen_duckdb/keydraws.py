"""What a key, a reference and a growing list of codes contribute to the sampler's SELECT: the keys' and codes'
values by number (layout.key_value), a reference's parent row, the copy of a list a row's code is in. A part
of columns.Column (its mixin), apart because numbering rows is a job of its own."""
from __future__ import annotations

from .batches import BATCH
from .draws import GROW_DRAWS, LINKS, at, uniform
from .layout import key_room, key_value, parent_index, row_value
from .sqltext import number, string


class KeyDraws:
    """Column's keys, references and growing code lists (columns.Column has the attributes they read)."""

    def _key(self):
        col = self.col
        self.value = key_value(col, self.stream, "r", self.nest.number("r") if self.nest else "")
        last = key_room(col)
        if last is not None and not self._declared():   # unique in the data, unique by no declaration: past its
            # type's room (a UTINYINT's 256) its values come round again, as a column of repeats may
            self.value = key_value(col, self.stream, f"(r % {last + 1})", "")
        elif last is not None:  # a small type runs out of keys: say so rather than overflow
            why = (f"fastgen_sample: column {col['name']} ({col['type']}{', max ' + str(col['max']) if 'max' in col else ''})"
                   f" has keys for rows 0..{last} only; ask for fewer rows (n + start <= {last + 1}), or "
                   + ("add characters to its format.alphabets" if isinstance(col.get("format"), dict)
                      and col["format"].get("alphabets") else
                      "widen the column's type (or its max)") + " in the spec")
            self.value = f"CASE WHEN r > {last} THEN error({string(why)}) ELSE {self.value} END"

    def _declared(self) -> bool:
        """Whether the key's uniqueness is declared (a spec written or edited by hand, a primary key or UNIQUE of
        its schema's table, or a column of a generated schema, which others may reference), not only seen in the
        data of a table learned alone."""
        spec = self.lookup(self.table)
        if spec is None or spec.get("schema") or self.col.get("origin") not in ("offline", "llm+data"):
            return True
        named = [spec.get("constraints", {}).get("primary_key") or []] + list(spec.get("constraints", {}).get("unique") or [])
        return any(self.col["name"].lower() in {str(c).lower() for c in group} for group in named)

    def _reference(self):
        """A foreign key: the parent's key at a parent row index, drawn so that the parent row exists."""
        col, lookup = self.col, self.lookup
        if col.get("nested") or col.get("within"):
            index = self.nest.index(col, "r")
        elif col.get("by_pool"):   # the lookup row of the country of the row's pool row (countries.by_pool)
            pool = self.lookup(self.table)["pools"][col["by_pool"]["pool"]]
            at_row = col["by_pool"]["rows"]
            rows = self._param("prow", [int(at_row[c]) for c in pool["countries"]], "INTEGER")
            index = f"{at(rows, self._pool_row(col['by_pool']['pool']))}::BIGINT"
        else:
            if col.get("link") is not None:   # the columns of one composite foreign key share one draw
                w = f"w{col['link']}"
                self.uniforms[w] = uniform(self.stream - self.j + LINKS + col["link"])
            else:
                w = self._u()
            if col["table"].lower() == self.table.lower():
                # self-reference: row r in [2^k, 2^(k+1)) points below 2^k, so inserting the doubling chunks
                # [0,1), [1,2), [2,4)… in order always finds the parent in place; row 0 has none (NULL)
                g = "pow(2, floor(log2(greatest(r, 1))))::BIGINT"
                index = f"floor({w} * CASE WHEN {g} > r THEN {g} // 2 ELSE {g} END)::BIGINT"
                value = row_value(lookup, col["table"], col["column"], index, listed=self.listed)
                self.value = f"CASE WHEN r = 0 THEN NULL ELSE {value} END"
                return
            index = parent_index(col, lookup(col["table"]), w, self._param, self._alias_pick, self._interpolate,
                                 ordered=self.spread, lookup=lookup)
        self.parent_row = index   # a column inheriting through this one reads its parent row (across.py)
        self.value = row_value(lookup, col["table"], col["column"], index, listed=self.listed)

    def grow(self) -> None:
        """A list of codes in a world `scale` times the source's (`grows`): the row's code is in one of scale ×
        copies copies of the list (rounded: whole copies keep each code as frequent as the one it copies); copy 0
        is the list itself, and value i of copy c ≥ 1 the new code numbered start + (c - 1) × len(values) + i, in
        value i's place. Drawn given a list that grows too (an id given its code), it is in that list's copy."""
        grows, n, top = self.col["grows"], len(self.col["values"]), self
        while (up := top.given_parent(self.by_name)) and up.col.get("grows") and up is not self:
            top = up
        self.uniforms[f"g{top.j}"] = uniform(top.stream + GROW_DRAWS, BATCH if top.batched else "r")
        copy = f"gc{top.j}"
        self.helpers[copy] = f"floor(g{top.j} * greatest(1, round(scale * {number(float(top.col['grows']['copies']))})))::BIGINT"
        code = key_value({"type": self.col["type"], "start": int(grows["start"]), "step": 1, "format": grows["format"]},
                         self.stream, f"(({copy} - 1) * {n} + {self.index})")
        self.value = f"CASE WHEN {copy} < 1 THEN {self.value} ELSE {code} END"
