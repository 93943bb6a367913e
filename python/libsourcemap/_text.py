"""Text helpers shared by every layer: the one line splitter."""

from __future__ import annotations

import re
from typing import List

__all__ = ["LINE_TERMINATORS", "split_lines"]

#: ECMAScript's line terminators (ECMA-262 12.3), which source maps count
#: lines by: CR LF, CR, LF, U+2028, U+2029.
LINE_TERMINATORS = re.compile("\r\n|\r|\n|\u2028|\u2029")


def split_lines(text: str) -> List[str]:
    """`text` split at ECMAScript line terminators (a terminator at the end
    gives a last, empty line, as a source map counts it)."""
    return LINE_TERMINATORS.split(text)
