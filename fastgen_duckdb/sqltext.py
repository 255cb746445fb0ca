"""Rendering Python values and names as DuckDB SQL text.

Everything the compiler writes into SQL passes through here, so a spec (hand-edited or proposed by an LLM)
can never smuggle SQL into a generator: names are always quoted, values always literals.
"""
from __future__ import annotations

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
        return repr(value)
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
    """A typed list literal, e.g. ['a', 'b']::VARCHAR[]."""
    return "[" + ", ".join(literal(v) for v in values) + f"]::{element_type}[]"
