"""Records what Sentry's libsourcemap 0.8.2 gives for sources under a
sourceRoot (Token.src, get_source_name, iter_sources) into
tests/fixtures/sources-08.json, which tests/python/test_source_root.py
compares ours with.

Run it with a Python that has 0.8.2 installed, not this package:

    python3 -m venv .venv-08 && .venv-08/bin/pip install libsourcemap==0.8.2
    .venv-08/bin/python tests/tools/record_08_sources.py
"""

from __future__ import annotations

import json
import sys
from itertools import product
from pathlib import Path

import libsourcemap

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "sources-08.json"

ROOTS = [
    None, "", " ", "/", "//", "///", "src", "src/", "src//", "a//", "/abs/root", "./rel/",
    "../up", "webpack:///", "webpack://", "webpack:", "https://cdn.example.com/assets",
    "https://cdn.example.com/assets/", "https://h/x//", "http://h:8080/", "file:///C:/proj/",
    "x\\", "\u00fc/", "r?q=1", "r#h",
]
SOURCES = [
    "a.js", "./a.js", "../a.js", "", "/abs.js", "//cdn/z.js", "http://x/y.js",
    "https://x/y.js", "http:x", "https:", "https", "HTTP://x/y.js", "Https://x/y.js",
    "file:///etc/x.js", "webpack:///./src/app.js", "data:text/plain,hi", "\\abs",
    "C:\\win\\a.js", "a b/\u00fc.js", " /lead.js", None,
]


def regular(root, sources):
    doc = {"version": 3, "sources": sources, "names": [],
           "mappings": ",".join(["AAAA"] + ["CCAA"] * (len(sources) - 1))}
    if root is not None:
        doc["sourceRoot"] = root
    view = libsourcemap.from_json(json.dumps(doc).encode("utf-8"))
    return {
        "sourceRoot": root,
        "sources": sources,
        "token_src": [t.src for t in view],
        "source_names": [view.get_source_name(i) for i in range(view.get_source_count())],
        "iter_sources": [list(p) for p in view.iter_sources()],
        "source_name_past_end": view.get_source_name(len(sources)),
    }


def section(line, root, sources):
    m = {"version": 3, "sources": sources, "names": [],
         "mappings": ",".join(["AAAA"] + ["CCAA"] * (len(sources) - 1))}
    if root is not None:
        m["sourceRoot"] = root
    return {"offset": {"line": line, "column": 0}, "map": m}


def index(doc):
    view = libsourcemap.from_json(json.dumps(doc).encode("utf-8"))
    return {"map": doc, "tokens": [[t.dst_line, t.dst_col, t.src] for t in view]}


def main() -> int:
    cases = [regular(r, SOURCES) for r in ROOTS]
    cases += [regular(r, [s]) for r, s in product(["webpack:///", "src"], SOURCES)]
    indexes = [
        index({"version": 3, "sections": [
            section(0, "webpack:///", ["./a.js", "/abs.js", None]),
            section(1, None, ["b.js", None]),
            section(2, "r//", ["c.js", "https://x/c.js"]),
            section(3, "", ["d.js"]),
        ]}),
        index({"version": 3, "sourceRoot": "outer", "sections": [
            section(0, None, ["a.js"]),
            section(1, "inner/", ["a.js", "/b.js"]),
        ]}),
    ]
    data = {
        "about": "libsourcemap 0.8.2's answers for sources under sourceRoot; written by "
                 "tests/tools/record_08_sources.py",
        "regular": cases,
        "index": indexes,
    }
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print("wrote %d regular and %d index cases to %s" % (len(cases), len(indexes), OUT.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
