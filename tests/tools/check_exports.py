#!/usr/bin/env python3
"""The shared library exports exactly the functions the header declares.

Usage: check_exports.py LIBSOURCEMAP_SO LIBSOURCEMAP_H

Compares the defined dynamic symbols of the library (`nm -D --defined-only`;
$NM overrides nm) with the names of the functions declared with LSM_API in
the header. Every exported symbol must be a function (nm type T) named in
the header, and every function in the header must be exported. Prints the
differences and exits 1 when there are any.
"""
import os
import re
import subprocess
import sys


def header_functions(text):
    """Names of the functions declared `LSM_API ... lsm_name(`."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    # Drop preprocessor lines (with their continuations): the LSM_API
    # definition itself is not a declaration.
    text = re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    names = re.findall(r"\bLSM_API\b[^;{}()]*?\b(lsm_\w+)\s*\(", text)
    return names


def exported_symbols(library):
    """{name: nm type} of the library's defined dynamic symbols."""
    nm = os.environ.get("NM", "nm")
    out = subprocess.run([nm, "-D", "--defined-only", library], check=True,
                         capture_output=True, text=True).stdout
    symbols = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        kind, name = fields[-2], fields[-1]
        if kind == "A":  # version definitions, not symbols
            continue
        symbols[name.split("@")[0]] = kind
    return symbols


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    library, header = argv[1], argv[2]
    with open(header, encoding="utf-8") as f:
        declared_list = header_functions(f.read())
    declared = set(declared_list)
    problems = []
    duplicates = sorted({n for n in declared_list if declared_list.count(n) > 1})
    for name in duplicates:
        problems.append(f"declared more than once in the header: {name}")
    if not declared:
        problems.append("no LSM_API function found in the header")
    symbols = exported_symbols(library)
    functions = {n for n, kind in symbols.items() if kind in ("T", "W", "i")}
    for name in sorted(declared - functions):
        problems.append(f"declared in the header but not exported: {name}")
    for name in sorted(functions - declared):
        problems.append(f"exported but not in the header: {name}")
    for name, kind in sorted(symbols.items()):
        if name not in functions:
            problems.append(f"exported symbol of type {kind} (not a function): {name}")
    for p in problems:
        print(p)
    if problems:
        print(f"FAIL: {len(problems)} differences between {library} and {header}")
        return 1
    print(f"ok: the {len(declared)} functions of the header are exactly the library's exports")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
