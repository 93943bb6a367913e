"""The Python package's layers (docs/architecture.md): every import inside
the package, at module level or inside a function, goes to a lower layer,
and the import graph has no cycle. Read from the source with ``ast``, so
that an import hidden in a function or an ``if TYPE_CHECKING:`` block
counts too."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO / "python" / "libsourcemap"
ARCHITECTURE_DOC = REPO / "docs" / "architecture.md"

#: The layers, lowest first. A module may import modules of lower layers
#: only (never of its own or a higher one). docs/architecture.md draws the
#: same order.
LAYERS: List[List[str]] = [
    ["errors", "_cdef", "_prebuilt", "_stats", "_text"],
    ["_native", "progress"],
    ["telemetry"],
    ["_convert"],
    ["_view_base"],
    ["batch", "encode", "extras", "reverse", "scopes"],
    ["_view_readers"],
    ["view", "proguard"],
    ["builder", "compose", "range_mappings", "hermes"],
    ["js", "stacktrace"],
    ["symbolication.results"],
    ["symbolication.frames", "symbolication.prescan", "symbolication.hotpath"],
    ["symbolication.artifacts"],
    ["symbolication.symbolicator"],
    ["symbolication"],
    ["_scaleout_base"],
    ["scaleout", "visualize"],
    ["_cli_base"],
    ["cli_write", "cli_decode", "cli_visualize"],
    ["cli_explain"],
    ["cli"],
    # the public face: the package itself, and the compatibility modules
    # that only re-export (nothing inside the package may import them)
    ["__init__", "exceptions", "highlevel", "symbolicate"],
    ["__main__"],
]

Graph = Dict[str, Set[str]]


def module_files(root: Path) -> Dict[str, Path]:
    """Module name (relative to the package, ``__init__`` for the package
    itself, ``symbolication`` for a subpackage) -> its file."""
    found: Dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()
        found[".".join(parts)] = path
    return found


def _package_of(name: str, modules: Dict[str, Path]) -> List[str]:
    """The package parts a relative import in module `name` starts from."""
    if name == "__init__":
        return []
    parts = name.split(".")
    if modules[name].name == "__init__.py":
        return parts  # a subpackage's __init__: relative to itself
    return parts[:-1]


def imports_of(name: str, modules: Dict[str, Path], top: str = "libsourcemap") -> Set[str]:
    """The package's modules that module `name` imports, anywhere in it."""
    tree = ast.parse(modules[name].read_text(encoding="utf-8"), str(modules[name]))
    targets: Set[str] = set()

    def add(dotted: str) -> None:
        # An object of a module counts as that module; "" is the package.
        while dotted and dotted not in modules:
            dotted = dotted.rsplit(".", 1)[0] if "." in dotted else ""
        targets.add(dotted or "__init__")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == top or alias.name.startswith(top + "."):
                    add(alias.name[len(top) + 1 :])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name, modules)
                if node.level > 1:
                    base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == top or node.module.startswith(top + ".")):
                prefix = node.module[len(top) + 1 :]
            else:
                continue
            for alias in node.names:
                sub = (prefix + "." if prefix else "") + alias.name
                if alias.name != "*" and sub in modules:
                    targets.add(sub)
                else:
                    add(prefix)
    targets.discard(name)
    return targets


def import_graph(root: Path) -> Graph:
    modules = module_files(root)
    return {name: imports_of(name, modules) for name in modules}


def find_cycle(graph: Graph) -> Optional[List[str]]:
    """One import cycle as a list of modules (first == last), or None."""
    state: Dict[str, int] = {}  # 1 on the stack, 2 done
    stack: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
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


def layer_violations(graph: Graph, layers: List[List[str]]) -> List[str]:
    """Every import that does not go to a lower layer, and every module
    no layer names, as messages naming the offending pair."""
    rank = {m: i for i, names in enumerate(layers) for m in names}
    problems: List[str] = []
    for module in sorted(graph):
        if module not in rank:
            problems.append("%s is in no layer (add it to LAYERS and docs/architecture.md)" % module)
            continue
        for target in sorted(graph[module]):
            if target in rank and rank[target] >= rank[module]:
                problems.append(
                    "%s (layer %d) imports %s (layer %d): imports must go to a lower layer"
                    % (module, rank[module], target, rank[target])
                )
    return problems


# ------------------------------------------------------------------ tests


def test_the_walk_sees_the_imports_we_know() -> None:
    graph = import_graph(PACKAGE_DIR)
    assert graph["errors"] == set()
    assert graph["_native"] == {"_cdef", "_prebuilt", "errors"}
    assert graph["symbolication.symbolicator"] == {
        "_convert",
        "_text",
        "errors",
        "js",
        "scopes",
        "stacktrace",
        "symbolication.artifacts",
        "symbolication.frames",
        "symbolication.hotpath",
        "symbolication.prescan",
        "symbolication.results",
        "telemetry",
        "view",
    }
    assert graph["__main__"] == {"cli"}


def test_no_import_cycle() -> None:
    assert find_cycle(import_graph(PACKAGE_DIR)) is None


def test_imports_go_down_the_layers() -> None:
    assert layer_violations(import_graph(PACKAGE_DIR), LAYERS) == []


def test_every_layer_module_exists_and_is_in_the_doc() -> None:
    modules = set(module_files(PACKAGE_DIR))
    declared = [m for names in LAYERS for m in names]
    assert sorted(declared) == sorted(modules)
    doc = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    for m in declared:
        shown = m.replace(".", "/") + ("/" if m == "symbolication" else ".py")
        if m == "__init__":
            shown = "__init__.py"
        assert shown in doc, "%s is not in docs/architecture.md" % shown


def _package(tmp_path: Path, files: Dict[str, str]) -> Path:
    root = tmp_path / "libsourcemap"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checks_catch_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    """The checker itself, on a made-up package: a function-level import
    that closes a cycle, and an upward import from a subpackage."""
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "low.py": "def f():\n    from .high import g\n    return g\n",
            "high.py": "from . import low\n",
            "sub/__init__.py": "",
            "sub/leaf.py": "from ..high import g\nimport libsourcemap.low\n",
        },
    )
    graph = import_graph(root)
    assert graph["low"] == {"high"}
    assert graph["sub.leaf"] == {"high", "low"}
    assert find_cycle(graph) == ["high", "low", "high"]
    layers = [["low"], ["high"], ["sub.leaf", "sub"], ["__init__"]]
    assert layer_violations(graph, layers) == [
        "low (layer 0) imports high (layer 1): imports must go to a lower layer",
    ]
    layers = [["sub.leaf"], ["low"], ["high"], ["sub", "__init__"]]
    assert layer_violations(graph, layers) == [
        "low (layer 1) imports high (layer 2): imports must go to a lower layer",
        "sub.leaf (layer 0) imports high (layer 2): imports must go to a lower layer",
        "sub.leaf (layer 0) imports low (layer 1): imports must go to a lower layer",
    ]
    assert layer_violations({"new": set()}, layers) == [
        "new is in no layer (add it to LAYERS and docs/architecture.md)"
    ]


@pytest.mark.parametrize("module", sorted(module_files(PACKAGE_DIR)))
def test_no_module_over_about_600_lines(module: str) -> None:
    lines = module_files(PACKAGE_DIR)[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 650, "%s has %d lines" % (module, lines)
