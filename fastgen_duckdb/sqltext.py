"""Rendering Python values and names as DuckDB SQL text.

Everything the compiler writes into SQL passes through here, so a spec (hand-edited or proposed by an LLM)
can never smuggle SQL into a generator: names are always quoted, values always literals.
"""
from __future__ import annotations

import json
import math
import unicodedata


def ident(name: str) -> str:
    """A double-quoted identifier; any name DuckDB can store, including quotes and unicode."""
    return '"' + str(name).replace('"', '""') + '"'


def string(value: str) -> str:
    """A string literal. A NUL byte cannot stand in SQL text, so it is spliced in as chr(0)."""
    text = "'" + str(value).replace("'", "''") + "'"
    return text.replace("\x00", "' || chr(0) || '") if "\x00" in text else text


def comment(text: str) -> str:
    """Text safe inside an SQL `--` comment: control characters (a newline would end the comment and let the
    rest run as SQL) are written as escapes."""
    return "".join(ch.encode("unicode_escape").decode() if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch
                   for ch in str(text))


def number(value) -> str:
    """A numeric literal; bools and non-finite floats are refused rather than rendered into odd SQL."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        # always with an exponent: DuckDB reads 1.5e0 as a DOUBLE (exactly, in every version), but 0.0091 as a
        # DECIMAL, which DuckDB 1.5 converts to DOUBLE one bit off for ~4% of 17-digit values and 2.0 does not
        text = repr(value)
        return text if "e" in text else text + "e0"
    if value > 2 ** 127 - 1:   # only a UHUGEINT holds it, and DuckDB cannot unify its untyped literal with others
        return f"{int(value)}::UHUGEINT"
    return str(int(value))


def literal(value) -> str:
    """A scalar literal without a type: NULL, TRUE/FALSE, a number or a string."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return number(value)
    return string(value)


def list_literal(values, element_type: str) -> str:
    """A typed list literal, e.g. ['a', 'b']::VARCHAR[]. Every element is typed where DuckDB could not unify the
    literals: an integer past HUGEINT's maximum (a UHUGEINT near its own) among small ones, or numbers among
    texts ('nan', 'inf' and 1.5 as the categories of a DOUBLE)."""
    numbers = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in values]
    if any(n and v > 2 ** 127 - 1 for n, v in zip(numbers, values)) or \
            any(numbers) and any(isinstance(v, str) for v in values):
        return "[" + ", ".join(f"CAST({literal(v)} AS {element_type})" for v in values) + f"]::{element_type}[]"
    return "[" + ", ".join(literal(v) for v in values) + f"]::{element_type}[]"


NUMERIC_LISTS = ("DOUBLE", "FLOAT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT")


def list_text(values, element_type: str) -> str:
    """The list of list_literal as one string literal that DuckDB casts to the list in C++: far less SQL to parse
    and bind for long lists. Plain numbers as DuckDB's own list text; texts (and NULLs) as JSON, which escapes
    every character (quotes, NUL, newlines, non-ASCII) and casts back to exactly the strings, then to the type
    as list_literal's texts would be. Any other mix as list_literal."""
    if values and element_type.upper() in NUMERIC_LISTS and set(map(type, values)) <= {int, float} \
            and max(map(abs, values)) <= 2 ** 63 - 1 and all(map(math.isfinite, values)):   # each pass in C
        return f"'[{', '.join(map(repr, values))}]'::{element_type}[]"   # repr: the shortest text that reads back
    if all(v is None or isinstance(v, str) for v in values):
        cast = "" if element_type.upper() == "VARCHAR" else f"::{element_type}[]"
        return f"{string(json.dumps(list(values)))}::JSON::VARCHAR[]{cast}"
    return list_literal(values, element_type)
