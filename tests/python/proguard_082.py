"""Records what Sentry's libsourcemap 0.8.2 answers on the ProGuard fixtures
(tests/fixtures/proguard/), for test_proguard.py to compare with.

Run it with a Python that has the real 0.8.2 installed (it ships a
manylinux wheel)::

    python3 -m venv .venv-082 && .venv-082/bin/pip install libsourcemap==0.8.2
    .venv-082/bin/python tests/python/proguard_082.py

It rewrites tests/fixtures/proguard/answers-0.8.2.json. For every fixture it
asks 0.8.2 every class, every class:method with no line and with each line
around every obfuscated range, and a few names that are not there, twice:
on the file as it is ("raw") and on the file as 0.8.2 could fully read it
("normalized": no byte order mark, LF line ends, and R8's original-line
suffixes ``):C:D -> `` cut to ``) -> ``, which 0.8.2 skipped whole lines
for). The module's helpers import nothing from libsourcemap, so the tests
share them.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "proguard"
ANSWERS = FIXTURES / "answers-0.8.2.json"

Query = Tuple[str, Optional[int]]

_SUFFIX = re.compile(rb"^(    \S+ \S+?\(\S*?\))(?::\d+){1,2}( -> \S+)$", re.M)
_CLASS = re.compile(r"^(\S+) -> (\S+):$")
_MEMBER = re.compile(r"^    (?:(\d+):(\d+):)?\S+ \S+?\(\S*?\) -> (\S+)$")

# Ranges longer than this are asked at their ends only.
_MAX_SPAN = 64


def fixture_files() -> List[Path]:
    """Every fixture, in a stable order."""
    return sorted(FIXTURES.glob("mapping-*.txt")) + sorted((FIXTURES / "hostile").glob("*.txt"))


def normalize(data: bytes) -> bytes:
    """The file as 0.8.2 could read all of it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\r\n", b"\n")
    return _SUFFIX.sub(rb"\1\2", data)


def queries(data: bytes) -> List[Query]:
    """What to ask about one (normalized) file."""
    text = data.decode("utf-8", "replace")
    out: List[Query] = [("zz.Unknown", None), ("", None), (":x", None), ("zz.Unknown:a", 3)]
    seen = set()
    cls: Optional[str] = None
    members: Dict[str, List[Tuple[int, int]]] = {}

    def flush() -> None:
        if cls is None:
            return
        for name, ranges in members.items():
            lines = {0, 1, 99999}
            for start, end in ranges:
                lines.update({max(start - 1, 0), start, end, end + 1})
                if end - start <= _MAX_SPAN:
                    lines.update(range(start, end + 1))
            out.append(("%s:%s" % (cls, name), None))
            # 0.8.2 took the line as a C int.
            out.extend(("%s:%s" % (cls, name), ln) for ln in sorted(lines) if ln < 1 << 31)
        out.append(("%s:notamethod" % cls, 1))
        out.append(("%s:" % cls, None))
        out.append(("%s:a:b" % cls, 2))

    for line in text.split("\n"):
        m = _CLASS.match(line)
        if m:
            flush()
            cls = m.group(2)
            members = {}
            if cls not in seen:
                seen.add(cls)
                out.append((cls, None))
                out.append((cls, 5))
            continue
        m = _MEMBER.match(line)
        if m and cls is not None:
            ranges = members.setdefault(m.group(3), [])
            if m.group(1) is not None:
                ranges.append((int(m.group(1)), int(m.group(2))))
    flush()
    return out


def _answer(view: Any, query: Query) -> str:
    path, line = query
    return view.lookup(path, line)  # type: ignore[no-any-return]


def _dump(version: str, files: Dict[str, Any]) -> str:
    """JSON with one case a line, for readable diffs."""
    out = ['{"recorded_with": %s,' % json.dumps("libsourcemap " + version)]
    out.append(' "by": "tests/python/proguard_082.py",')
    out.append(' "files": {')
    names = list(files)
    for i, name in enumerate(names):
        f = files[name]
        out.append("  %s: {" % json.dumps(name))
        out.append('   "has_line_info": %s,' % json.dumps(f["has_line_info"]))
        out.append('   "cases": [')
        cases = [json.dumps(c, ensure_ascii=False) for c in f["cases"]]
        out.append(",\n".join("    " + c for c in cases))
        out.append("   ]")
        out.append("  }" + ("," if i + 1 < len(names) else ""))
    out.append(" }")
    out.append("}")
    return "\n".join(out) + "\n"


def main() -> int:
    from importlib.metadata import version as dist_version

    import libsourcemap  # the real 0.8.2

    version = dist_version("libsourcemap")
    files: Dict[str, Any] = {}
    for path in fixture_files():
        raw = path.read_bytes()
        norm = normalize(raw)
        qs = queries(norm)
        views = [libsourcemap.ProguardView.from_bytes(d) for d in (raw, norm)]
        files[str(path.relative_to(FIXTURES))] = {
            "has_line_info": [bool(v.has_line_info) for v in views],
            # path, line, 0.8.2's answer on the raw file, on the normalized one
            "cases": [[q[0], q[1]] + [_answer(v, q) for v in views] for q in qs],
        }
    ANSWERS.write_text(_dump(version, files), encoding="utf-8")
    print("%d files, %d queries" % (len(files), sum(len(f["cases"]) for f in files.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
