"""Turn include/libsourcemap.h into declarations for ``cffi.FFI.cdef``.

The header is the single description of the C API: the Python package never
keeps a second, hand-written copy of it. cffi's parser understands plain C
declarations and ``#define NAME <integer>`` but no other preprocessor input,
so this module removes what it cannot read:

* comments (``/* ... */`` and ``// ...``), leaving string literals alone;
* preprocessor lines, except ``#define`` of an integer literal;
* blocks under ``#ifdef __cplusplus`` (the ``extern "C" {`` and its ``}``);
* the ``LSM_API`` export macro.

Other conditional blocks (the include guard, the ``LSM_API`` definitions)
only hold preprocessor lines, which are dropped anyway, so their contents
are kept as if the condition were true.

Nothing here imports cffi: the build backend and the tests use it alone.
"""

from __future__ import annotations

import re
from typing import Dict, List

__all__ = ["cdef_from_header", "header_version", "header_error_codes", "header_functions"]

_INT_LITERAL = re.compile(r"^-?(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*$")
_DEFINE = re.compile(r"^#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\s+(.*?)\s*$")
_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\b\s*(.*?)\s*$")
_EXPORT_MACRO = re.compile(r"\bLSM_API\b\s*")


def strip_comments(text: str) -> str:
    """Removes C comments, keeping string and character literals and the
    newlines inside block comments (so that line structure survives)."""
    out: List[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ValueError("unterminated comment in header")
            out.append(" " + "\n" * text.count("\n", i, end))
            i = end + 2
        elif c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\":
                    j += 1
                if j >= n or text[j] == "\n":
                    raise ValueError("unterminated literal in header")
                j += 1
            if j >= n:
                raise ValueError("unterminated literal in header")
            out.append(text[i : j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _logical_lines(text: str) -> List[str]:
    """Lines with backslash continuations joined."""
    return text.replace("\\\r\n", "").replace("\\\n", "").splitlines()


def cdef_from_header(text: str) -> str:
    """The declarations of the header `text`, in a form cffi's ``cdef``
    accepts."""
    lines = _logical_lines(strip_comments(text))
    out: List[str] = []
    # One entry per open conditional: True while its lines are skipped.
    skipping: List[bool] = []
    for raw in lines:
        line = raw.strip()
        if line.startswith("#"):
            m = _DIRECTIVE.match(line)
            if not m:
                continue
            directive, rest = m.group(1), m.group(2)
            if directive in ("if", "ifdef", "ifndef"):
                skip = directive == "ifdef" and rest == "__cplusplus"
                skipping.append(skip)
            elif directive in ("elif", "else"):
                if skipping:
                    # Only the __cplusplus blocks are evaluated; their
                    # alternatives are the C side and are kept.
                    skipping[-1] = False
            elif directive == "endif":
                if not skipping:
                    raise ValueError("#endif without #if in header")
                skipping.pop()
            elif directive == "define" and not any(skipping):
                d = _DEFINE.match(line)
                if d and _INT_LITERAL.match(d.group(2)):
                    out.append("#define %s %s" % (d.group(1), d.group(2)))
            continue
        if any(skipping) or not line:
            continue
        out.append(_EXPORT_MACRO.sub("", raw.rstrip()))
    if skipping:
        raise ValueError("unterminated #if in header")
    cdef = "\n".join(out) + "\n"
    if 'extern "C"' in cdef:
        raise ValueError('an extern "C" block outside #ifdef __cplusplus in header')
    return cdef


def header_version(text: str) -> str:
    """The header's LSM_VERSION_STRING."""
    m = re.search(r'^#\s*define\s+LSM_VERSION_STRING\s+"([^"]*)"', text, re.MULTILINE)
    if not m:
        raise ValueError("LSM_VERSION_STRING not found in header")
    return m.group(1)


def header_error_codes(text: str) -> Dict[str, int]:
    """Every ``LSM_ERR_*`` code the header defines, by name."""
    codes: Dict[str, int] = {}
    for m in re.finditer(
        r"^#\s*define\s+(LSM_ERR_[A-Z0-9_]+)\s+([0-9]+)\b", strip_comments(text), re.MULTILINE
    ):
        codes[m.group(1)] = int(m.group(2))
    return codes


def header_functions(text: str) -> List[str]:
    """The names of the functions the header exports with LSM_API."""
    return re.findall(r"\bLSM_API\b[^;(]*?\b(lsm_[a-z0-9_]+)\s*\(", strip_comments(text))
