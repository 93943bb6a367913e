"""Records what Sentry's libsourcemap 0.8.2 answers for
``View.get_original_function_name`` at every column of the small bundler
fixtures, into tests/fixtures/function_names_08.json, which
tests/python/test_function_name_08.py compares our answers with.

Run it with an interpreter that has the real 0.8.2 installed (it refuses
any other version), for instance:

    python3 -m venv ../venv-08 && ../venv-08/bin/pip install libsourcemap==0.8.2
    ../venv-08/bin/python tests/tools/record_function_names_08.py

The minified name passed at each position is the one 0.8's users pass
from a stack frame, taken from the code there: the identifier that holds
the column, else the next identifier on the line; columns with no
identifier at or after them on their line are not asked.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "function_names_08.json"
# Generated files with their maps beside them (`<file>.map`).
GLOBS = ["tests/fixtures/bundlers/*/*.js", "tests/e2e/apps/*/dist/*/*.js"]
IDENT = re.compile(r"[A-Za-z0-9_$\u0080-\U0010ffff]+")


# Not small: the e2e app bundling the acorn parser (120 KB a build), whose
# every column asked of 0.8.2 would make the recording megabytes.
LARGE = ("tests/e2e/apps/parser/",)


def fixtures() -> List[Path]:
    out: List[Path] = []
    for pattern in GLOBS:
        out += [p for p in sorted(REPO.glob(pattern)) if p.with_name(p.name + ".map").is_file()
                and not p.relative_to(REPO).as_posix().startswith(LARGE)]
    return out


def positions(text: str) -> Iterator[Tuple[int, int, str]]:
    """(line, UTF-16 column, minified name) for every column that has an
    identifier at or after it on its line (0-based)."""
    for line_no, line in enumerate(text.split("\n")):
        idents = [(m.start(), m.end(), m.group(0)) for m in IDENT.finditer(line)]
        idents = [t for t in idents if not t[2][0].isdigit()]
        col16 = 0
        k = 0
        for i, ch in enumerate(line):
            while k < len(idents) and idents[k][1] <= i:
                k += 1
            if k < len(idents):
                yield line_no, col16, idents[k][2]
            col16 += 2 if ord(ch) >= 0x10000 else 1


def load_view(lsm: Any, data: bytes) -> Any:
    """A View as 0.8's users made one: from_json, flattening an index."""
    obj = lsm.from_json(data)
    if isinstance(obj, lsm.Index):
        obj = obj.into_view()
    return obj


def answers(lsm: Any, generated: Path) -> Dict[str, Any]:
    text = generated.read_text("utf-8")
    source = text.encode("utf-8")
    data = generated.with_name(generated.name + ".map").read_bytes()
    if "sections" in json.loads(data):
        # 0.8.2 crashes the interpreter (SIGSEGV) flattening this index map.
        return {"file": generated.relative_to(REPO).as_posix(), "skipped": "0.8.2 crashes"}
    view = load_view(lsm, data)
    found: List[List[Any]] = []
    asked = 0
    for line, col, name in positions(text):
        asked += 1
        got: Optional[str] = view.get_original_function_name(line, col, name, source)
        if got is not None:
            found.append([line, col, name, got])
    return {
        "file": generated.relative_to(REPO).as_posix(),
        "asked": asked,
        "found": found,
    }


def dump(result: Dict[str, Any]) -> str:
    """JSON with one answer per line, so that a change shows as a diff."""
    out = ['{"peer": %s,' % json.dumps(result["peer"]),
           ' "recorded_by": %s,' % json.dumps(result["recorded_by"]),
           ' "fixtures": [']
    for i, f in enumerate(result["fixtures"]):
        head = {k: v for k, v in f.items() if k != "found"}
        if "found" not in f:
            out.append("  %s%s" % (json.dumps(head), "," if i + 1 < len(result["fixtures"]) else ""))
            continue
        out.append("  %s, \"found\": [" % json.dumps(head)[:-1])
        rows = [json.dumps(row, ensure_ascii=False) for row in f["found"]]
        out.extend("   %s%s" % (r, "," if k + 1 < len(rows) else "") for k, r in enumerate(rows))
        out.append("  ]}%s" % ("," if i + 1 < len(result["fixtures"]) else ""))
    out.append(" ]}")
    return "\n".join(out) + "\n"


def main() -> int:
    version = importlib.metadata.version("libsourcemap")
    if version != "0.8.2":
        print("needs Sentry's libsourcemap 0.8.2, found %s" % version, file=sys.stderr)
        return 1
    import libsourcemap as lsm

    result = {
        "peer": "libsourcemap 0.8.2",
        "recorded_by": "tests/tools/record_function_names_08.py",
        "fixtures": [answers(lsm, g) for g in fixtures()],
    }
    OUT.write_text(dump(result), "utf-8")
    total = sum(f.get("asked", 0) for f in result["fixtures"])
    named = sum(len(f.get("found", [])) for f in result["fixtures"])
    print("%d files, %d positions asked, %d named by 0.8.2" % (len(result["fixtures"]), total, named))
    return 0


if __name__ == "__main__":
    sys.exit(main())
