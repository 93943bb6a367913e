#!/usr/bin/env python3
"""The C objects call only downward, and the architecture notes agree.

Usage: check_layers.py LSM_INTERNAL_ARCHIVE ARCHITECTURE_MD

Reads every object of the static library that holds all of the library's
code (`nm -A -P`; $NM overrides nm), and maps each to its source file by
meson's object naming (src/js/lexer.c -> src_js_lexer.c.o). An object
"references" another when it uses a global symbol the other defines.
Fails, naming the pair, when

- an object is built from a file the layer table below does not list, or
  the table lists a file no object is built from,
- an object references a symbol defined by an object of a higher layer,
- the reference graph among objects has a cycle (within a layer too),
- the `## C layers` table of docs/architecture.md gives a file another
  layer than LAYERS, or misses one, or lists one LAYERS does not.

A new source file is classified here and in docs/architecture.md.
"""
import os
import re
import subprocess
import sys

# Bottom-up. A file may call its own layer and the ones below it.
LAYERS = [
    # 0: the base: memory, the growable buffer, errors, UTF-8, files
    ["src/alloc.c", "src/buf.c", "src/error.c", "src/utf8.c", "src/file.c"],
    # 1: the record format of a view
    ["src/records.c", "src/frames.c"],
    # 2: reading source map JSON and its "mappings"
    ["src/yajl_heap.c", "src/mappings.c", "src/jsontext.c", "src/json_values.c", "src/json_extra.c",
     "src/json.c", "src/probe.c", "src/json_check.c", "src/contents.c", "src/range_mappings.c", "src/hermes.c"],
    # 3: turning a parse into a view
    ["src/build.c", "src/scopes_decode.c", "src/scopes_cache.c"],
    # 4: the public view API: loading, getters, lookups both ways, cache files, writing maps
    ["src/load.c", "src/view.c", "src/url.c", "src/lookup.c", "src/cache.c", "src/proguard.c",
     "src/stats.c", "src/segments.c", "src/cursor.c", "src/reverse.c", "src/encode.c", "src/builder.c",
     "src/compose.c", "src/scopes.c", "src/context.c", "src/view_extra.c", "src/reverse_cursor.c",
     "src/sections.c"],
    # 5: JavaScript scanning and symbolication
    [
        "src/js/chars.c",
        "src/js/lexer.c",
        "src/js/lex_context.c",
        "src/js/lex_tokens.c",
        "src/js/lex_jsx.c",
        "src/js/comments.c",
        "src/js/scope_types.c",
        "src/js/scope_names.c",
        "src/js/scope_build.c",
        "src/js/scopes.c",
        "src/js/names08.c",
        "src/js/names.c",
        "src/js/resolve.c",
        "src/js/cache_frames.c",
        "src/js/frame_answer.c",
    ],
]


def layer_of():
    return {path: n for n, files in enumerate(LAYERS) for path in files}


def object_name(path):
    return path.replace("/", "_") + ".o"


def read_symbols(archive):
    """{object member: (defined globals, referenced undefined)}."""
    nm = os.environ.get("NM", "nm")
    out = subprocess.run([nm, "-A", "-P", archive], check=True, capture_output=True,
                         text=True).stdout
    objects = {}
    for line in out.splitlines():
        m = re.match(r"^[^\[]*\[([^\]]+)\]:\s+(\S+)\s+(\S)", line)
        if not m:
            continue
        member, sym, kind = m.groups()
        defined, used = objects.setdefault(os.path.basename(member), (set(), set()))
        if kind in "Uwv":
            used.add(sym)
        elif kind.isupper():
            defined.add(sym)
    return objects


def find_cycle(graph):
    """One cycle of `graph` ({node: set of nodes}) as a list, or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def doc_layers(text):
    """{file: layer} from the `## C layers` section's table rows
    `| N | `src/...` | ... |`."""
    m = re.search(r"^## C layers\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if not m:
        return None
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*`(src/[^`]+)`\s*\|", m.group(1), flags=re.M)
    return {path: int(n) for n, path in rows}


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    archive, doc = argv[1], argv[2]
    layers = layer_of()
    by_object = {object_name(p): p for p in layers}
    objects = read_symbols(archive)
    problems = []

    files = {}
    for member in sorted(objects):
        path = by_object.get(member)
        if path is None:
            problems.append(f"{member}: no layer; add its source file to LAYERS in "
                            f"tests/tools/check_layers.py and to docs/architecture.md")
        else:
            files[member] = path
    for path in sorted(set(layers) - set(files.values())):
        problems.append(f"{path} is in LAYERS but {archive} has no object built from it")

    owner = {}
    for member, path in files.items():
        for sym in objects[member][0]:
            owner[sym] = path

    graph = {}
    for member, path in sorted(files.items()):
        for sym in sorted(objects[member][1]):
            target = owner.get(sym)
            if target is None or target == path:
                continue
            graph.setdefault(path, set()).add(target)
            if layers[target] > layers[path]:
                problems.append(f"{path} (layer {layers[path]}) calls up into {target} "
                                f"(layer {layers[target]}) through {sym}")

    cycle = find_cycle(graph)
    if cycle:
        problems.append("cycle among objects: " + " -> ".join(cycle))

    with open(doc, encoding="utf-8") as f:
        documented = doc_layers(f.read())
    if documented is None:
        problems.append(f"{doc}: no '## C layers' section")
    else:
        for path, n in sorted(layers.items()):
            if path not in documented:
                problems.append(f"{doc}: {path} is missing from the C layers table")
            elif documented[path] != n:
                problems.append(f"{doc}: {path} is in layer {documented[path]} there, "
                                f"{n} in LAYERS")
        for path in sorted(set(documented) - set(layers)):
            problems.append(f"{doc}: {path} is in the C layers table but not in LAYERS")

    for p in problems:
        print(p)
    edges = sum(len(v) for v in graph.values())
    print(f"{len(files)} objects, {edges} object-to-object references, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
