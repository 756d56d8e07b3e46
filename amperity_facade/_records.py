"""What a record holds: checked before it is sent, and its values noted to keep off errors.

A record comes from anywhere (a generator over a database, a parsed file, an object graph
someone built), so the walk is iterative and bounded: no RecursionError on a deep one, no
endless walk on one that refers to itself, no exponential walk over shared branches (every
value costs at least a byte of the body, so more values than the byte limit is over it).
Paths to a problem are built only when there is one: a path string per value would make a
deep record cost the square of its depth.

Values (text of 3 characters or more, numbers of 4 digits or more) are what a server may
quote back in an error; `errors.scrub` cuts them, and the forms a server might quote them
in, from what an error carries. Shorter ones say too little to be worth making every
message unreadable ("yes", "US", 12).
"""

from __future__ import annotations

import contextlib
import html
import math
import re
from typing import Any

MIN_SHOWN = 3
# json's encoder recurses, and gives up near the interpreter's recursion limit (1,000).
MAX_DEPTH = 500

Chain = tuple[Any, str | int] | None  # (parent chain, key or index): a path, unbuilt


def _path(chain: Chain) -> str:
    """`items[2].price`; the middle of a very long one left out. Empty for the record."""
    parts: list[str | int] = []
    while chain is not None:
        chain, key = chain
        parts.append(key)
    text = ""
    for key in reversed(parts):
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text if len(text) <= 120 else f"{text[:80]}...{text[-37:]}"


def problem_in(what: str, path: str, problem: str) -> str:
    """`record field items[2].price is a Decimal`, or `the record has a key of type int`."""
    return f"{what} field {path} {problem}" if path else f"the {what} {problem}"


Problem = tuple[str, str] | None  # (where, what is wrong there)


def inspect(record: dict[str, Any], limit: int) -> tuple[Problem, list[str]]:
    """(where and what is wrong with `record`, or None; the values in it to keep off
    errors)."""
    values: list[str] = []
    open_: set[int] = set()  # containers on the path to the value being looked at
    pending: list[Any] = [(record, None, 0)]
    seen = 0
    while pending:
        entry = pending.pop()
        if isinstance(entry, int):  # every value inside that container has been seen
            open_.discard(entry)
            continue
        node, chain, depth = entry
        seen += 1
        if seen > limit:
            return ("", f"holds over {limit:,} values, so its body is over the limit"), []
        if isinstance(node, dict | list | tuple):
            if id(node) in open_:
                return (_path(chain), "contains itself (a circular reference)"), []
            if depth >= MAX_DEPTH:
                return (_path(chain), f"is nested over {MAX_DEPTH} levels deep"), []
            open_.add(id(node))
            pending.append(id(node))
            if isinstance(node, dict):
                for key, item in node.items():
                    bad = _bad_key(key, chain)
                    if bad is not None:
                        return bad, []
                    pending.append((item, (chain, key), depth + 1))
            else:
                pending.extend((item, (chain, i), depth + 1) for i, item in enumerate(node))
            continue
        wrong = _leaf(node, values)
        if wrong is not None:
            return (_path(chain), wrong), []
    return None, values


def _bad_key(key: object, chain: Chain) -> Problem:
    if not isinstance(key, str):
        return _path(chain), f"has a key of type {type(key).__name__} (keys must be text)"
    if not _encodable(key):
        return _path(chain), "has a key with a lone surrogate, which UTF-8 cannot carry"
    return None


def _leaf(node: object, values: list[str]) -> str | None:
    """What is wrong with one value JSON would write, or None (noting it in `values`)."""
    if node is None or isinstance(node, bool):
        return None
    if isinstance(node, str):
        if not _encodable(node):
            return "holds a lone surrogate, which UTF-8 cannot carry"
        if len(node) >= MIN_SHOWN:
            values.append(node)
        return None
    # As json writes it, whatever a subclass's repr says (the spellings other servers
    # echo, 1.2345E7 or 0.000015, are the cutter's business: only an error needs them).
    if isinstance(node, int):
        try:
            text = int.__repr__(node)
        except ValueError:  # over sys.get_int_max_str_digits()
            return "is an integer too long to write as text"
    elif isinstance(node, float):
        if not math.isfinite(node):
            return f"is {node!r}, which JSON cannot carry"
        text = float.__repr__(node)
    else:
        return f"is a {type(node).__name__}, which JSON cannot carry"
    if len(text) > MIN_SHOWN:
        values.append(text)
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_XML_VALUES = re.compile(r"<!\[CDATA\[(.*?)\]\]>|>([^<]+)<|=\s*\"([^\"]*)\"|=\s*'([^']*)'", re.S)


_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})""")


def xml_values(data: bytes) -> list[str]:
    """The text and attribute values of an XML document, as written and as read: in UTF-8
    and in the encoding it declares (as a server honouring it reads them)."""
    texts = {data.decode("utf-8", "replace")}
    declared = _XML_ENCODING.match(data)
    if declared:
        with contextlib.suppress(LookupError, UnicodeError, ValueError):  # unknown, unusable
            texts.add(data.decode(declared.group(1).decode(), "replace"))
    values: list[str] = []
    for match in (match for text in texts for match in _XML_VALUES.finditer(text)):
        text = next(group for group in match.groups() if group is not None).strip()
        for form in {text, html.unescape(text)}:
            if len(form) >= MIN_SHOWN:
                values.append(form)
    return values


__all__ = ["MAX_DEPTH", "MIN_SHOWN", "inspect", "problem_in", "xml_values"]
