"""libsourcemap 0.8's guess at a function's original name.

A stack frame names the minified function it was in (``e``) and where the
frame's generated position is. Starting from the token at that position
(the greatest token at or before it, the last of several at one spot) and
walking back token by token, at most 128 of them, through the generated
source, the first token that spells the minified name right after a token
that spells ``function`` is the function's name in its declaration; its
original name is that token's name in the map.

This is the Rust implementation's algorithm (sourcemap's
``SourceView::get_original_function_name``) done in Python on top of the
view's token access; it is slated to move into the C library.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, List, Optional, Union

if TYPE_CHECKING:  # pragma: no cover
    from .highlevel import Token, View

#: How many tokens the walk back looks at (as the Rust implementation).
MAX_TOKENS = 128

_IDENTIFIER = re.compile(r"[\w$]+")
_LEADING_IDENTIFIER = re.compile(r"\s*([\w$]+)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def is_identifier(name: str) -> bool:
    """Whether `name` is one JavaScript identifier (no dots, no spaces)."""
    return _IDENTIFIER.fullmatch(name) is not None


def utf16_to_index(line: str, col: int) -> int:
    """The index in `line` of UTF-16 column `col` (past the end: the
    length)."""
    if line.isascii():
        return min(col, len(line))
    units = 0
    for i, ch in enumerate(line):
        if units >= col:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


class _Lines:
    """The generated source's lines, split once and looked up by number."""

    def __init__(self, source: str) -> None:
        self._lines: List[str] = _LINE_BREAK.split(source)
        self._cache: Dict[int, str] = {}

    def identifier_at(self, line: int, col: int) -> Optional[str]:
        if line >= len(self._lines):
            return None
        text = self._lines[line]
        index = utf16_to_index(text, col)
        if index >= len(text):
            return None
        m = _LEADING_IDENTIFIER.match(text, index)
        return m.group(1) if m else None


def _greatest_lower_bound(view: "View", line: int, col: int) -> Optional[int]:
    """The index of the last token at or before (line, col), or None."""
    lo, hi = 0, len(view)
    target = (line, col)
    while lo < hi:
        mid = (lo + hi) // 2
        tok = view[mid]
        if target < (tok.dst_line, tok.dst_col):
            hi = mid
        else:
            lo = mid + 1
    return lo - 1 if lo > 0 else None


def original_function_name(
    view: "View",
    line: int,
    col: int,
    minified_name: str,
    minified_source: Union[str, bytes],
) -> Optional[str]:
    """See :meth:`View.get_original_function_name`."""
    if line < 0 or col < 0 or not is_identifier(minified_name):
        return None
    if isinstance(minified_source, (bytes, bytearray, memoryview)):
        minified_source = bytes(minified_source).decode("utf-8", "replace")
    start = _greatest_lower_bound(view, line, col)
    if start is None:
        return None
    lines = _Lines(minified_source)
    # (token, identifier at its generated position), walking back.
    walk: List["tuple[Token, Optional[str]]"] = []
    for index in range(start, max(start - MAX_TOKENS, -1), -1):
        tok = view[index]
        walk.append((tok, lines.identifier_at(tok.dst_line, tok.dst_col)))
    for (tok, ident), (_, before) in zip(walk, walk[1:]):
        if ident == minified_name and before == "function":
            return tok.name
    return None
