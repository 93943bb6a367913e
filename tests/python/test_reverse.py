"""Reverse lookups (original -> generated) against trace-mapping 0.3.31.

Every map of the bundler fixtures and the end-to-end apps (the index map
fixture included) is asked thousands of random original positions: on a
token, beside one, before a line's first token, past its last, on lines and
in sources without tokens; each under both rules, singly and "all", plus
whole lines. The answers must equal those of @jridgewell/trace-mapping,
installed into tests/reverse/node_modules by ``npm ci`` (``.ci/run`` does
it in its ``peers`` stage); tests/reverse/peer.mjs asks it.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest

import libsourcemap
from libsourcemap import View
from libsourcemap.reverse import all_generated_positions_for, generated_position_for

REPO = Path(__file__).resolve().parents[2]
PEER_DIR = REPO / "tests" / "reverse"

MAPS = sorted(
    list((REPO / "tests" / "fixtures" / "bundlers").glob("*/*.map"))
    + list((REPO / "tests" / "e2e" / "apps").glob("*/dist/*/*.map"))
)

Query = Tuple[int, int, Optional[int], str, bool]


def run_peer(map_text: str, queries: List[Query]) -> List[Any]:
    node = shutil.which("node")
    if node is None or not (PEER_DIR / "node_modules" / "@jridgewell" / "trace-mapping").is_dir():
        pytest.fail(
            "the reverse-lookup peers are not installed: run `npm ci` in tests/reverse "
            "(.ci/run's peers stage does)"
        )
    request = json.dumps({"map": map_text, "queries": queries})
    proc = subprocess.run(
        [node, str(PEER_DIR / "peer.mjs")],
        input=request.encode("utf-8"),
        capture_output=True,
        cwd=PEER_DIR,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def make_queries(view: View, rng: random.Random, count: int) -> List[Query]:
    tokens = [t for t in view if t.src_id is not None]
    nsrc = len(view.sources)
    max_line = max((t.src_line or 0 for t in tokens), default=0)
    positions: List[Tuple[int, int, Optional[int]]] = []
    for _ in range(count):
        kind = rng.randrange(6)
        t = rng.choice(tokens)
        assert t.src_id is not None and t.src_line is not None and t.src_col is not None
        if kind == 0:  # on a token
            positions.append((t.src_id, t.src_line, t.src_col))
        elif kind == 1:  # beside one
            positions.append((t.src_id, t.src_line, max(0, t.src_col + rng.choice((-3, -2, -1, 1, 2, 3)))))
        elif kind == 2:  # the start of a line
            positions.append((t.src_id, t.src_line, 0))
        elif kind == 3:  # past a line's last token
            positions.append((t.src_id, t.src_line, t.src_col + rng.randrange(1, 100000)))
        elif kind == 4:  # anywhere, often a line without tokens
            positions.append((rng.randrange(nsrc), rng.randrange(max_line + 6), rng.randrange(120)))
        else:  # a whole line
            positions.append((t.src_id, t.src_line, None))
    queries: List[Query] = []
    for src, line, col in positions:
        if col is None:
            queries.append((src, line, None, "lub", True))
            continue
        for bias in ("glb", "lub"):
            for every in (False, True):
                queries.append((src, line, col, bias, every))
    return queries


def ours(view: View, q: Query) -> Any:
    src, line, col, bias, every = q
    rule = "greatest_lower_bound" if bias == "glb" else "least_upper_bound"
    if every:
        return [[t.dst_line, t.dst_col] for t in view.all_generated_positions_for(src, line, col, rule=rule)]
    t = view.generated_position_for(src, line, col if col is not None else 0, rule=rule)
    return None if t is None else [t.dst_line, t.dst_col]


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(REPO)))
def test_reverse_lookups_agree_with_trace_mapping(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    view = View.from_json(text, allow_index=True)
    rng = random.Random(str(path.relative_to(REPO)))
    queries = make_queries(view, rng, 800)
    want = run_peer(text, queries)
    got = [ours(view, q) for q in queries]
    bad = [(q, g, w) for q, g, w in zip(queries, got, want) if g != w]
    assert not bad[:5], "%d of %d answers differ, first: %r" % (len(bad), len(queries), bad[:5])
    # The comparison means something only if most answers found tokens.
    assert sum(1 for w in want if w) > len(queries) // 2


def test_index_map_is_among_the_maps() -> None:
    assert any(View.from_json(p.read_bytes(), allow_index=True).is_index for p in MAPS)


# ----------------------------------------------------- exact small cases

# One source, original line 0: columns 5 (generated 0:0), 5 (0:10), 9
# (1:0), 9 (1:4); original line 2: column 3 (1:8). Source b has nothing.
SMALL = json.dumps({
    "version": 3,
    "sourceRoot": "lib",
    "sources": ["a.js", "b.js"],
    "names": [],
    "mappings": "AAAK,UAAA;AAAI,IAAA,IAEN",
})


def test_small_map_answers() -> None:
    view = View.from_json(SMALL)
    pos = lambda t: None if t is None else (t.dst_line, t.dst_col)  # noqa: E731
    # On a column: GLB gives the first of its tokens, LUB the last.
    assert pos(view.generated_position_for(0, 0, 5)) == (0, 0)
    assert pos(view.generated_position_for(0, 0, 5, rule="least_upper_bound")) == (0, 10)
    # Between columns: GLB the last token before, LUB the first after.
    assert pos(view.generated_position_for(0, 0, 7)) == (0, 10)
    assert pos(view.generated_position_for(0, 0, 7, rule="least_upper_bound")) == (1, 0)
    # Never another line.
    assert view.generated_position_for(0, 0, 4) is None
    assert view.generated_position_for(0, 0, 10, rule="least_upper_bound") is None
    assert view.generated_position_for(0, 1, 0) is None
    assert pos(view.generated_position_for(0, 2, 3)) == (1, 8)
    # all_: LUB by default.
    assert [pos(t) for t in view.all_generated_positions_for(0, 0, 6)] == [(1, 0), (1, 4)]
    assert [pos(t) for t in view.all_generated_positions_for(0, 0, 6, rule="greatest_lower_bound")] == [(0, 0), (0, 10)]
    assert [pos(t) for t in view.all_generated_positions_for(0, 0)] == [(0, 0), (0, 10), (1, 0), (1, 4)]
    assert view.all_generated_positions_for(1, 0) == []
    # The token carries the original side too.
    t = view.generated_position_for("a.js", 2, 3)
    assert t == libsourcemap.Token(1, 8, "lib/a.js", 2, 3, 0, None)
    # Names as written and as resolved; module-level functions agree.
    assert generated_position_for(view, "lib/a.js", 2, 3) == t
    assert all_generated_positions_for(view, "a.js", 2, 3) == [t]


def test_bad_arguments() -> None:
    view = View.from_json(SMALL)
    with pytest.raises(libsourcemap.NoSourceError, match="c.js"):
        view.generated_position_for("c.js", 0, 0)
    with pytest.raises(libsourcemap.OutOfRangeError):
        view.generated_position_for(2, 0, 0)
    with pytest.raises(libsourcemap.OutOfRangeError):
        view.all_generated_positions_for(-1, 0)
    with pytest.raises(ValueError):
        view.generated_position_for(0, -1, 0)
    with pytest.raises(ValueError):
        view.all_generated_positions_for(0, 0, -1)
    with pytest.raises(libsourcemap.InvalidArgumentError):
        view.generated_position_for(0, 0, 0, rule="same_line")
    with pytest.raises(ValueError):
        view.generated_position_for(0, 0, 0, rule="sideways")
    with pytest.raises(TypeError):
        view.generated_position_for(True, 0, 0)  # type: ignore[arg-type]
    # Far positions are clamped, not errors.
    assert view.generated_position_for(0, 2**40, 2**40) is None
    assert view.generated_position_for(0, 0, 2**40) is not None


def test_first_use_from_many_threads() -> None:
    """The index is built lazily; threads racing to build it all get the
    same answers."""
    path = REPO / "tests" / "fixtures" / "bundlers" / "index-map" / "combined.js.map"
    for _ in range(5):
        view = View.from_json(path.read_bytes(), allow_index=True)
        expected = None
        results: List[Any] = []
        barrier = threading.Barrier(8)

        def work() -> None:
            barrier.wait()
            results.append([view.all_generated_positions_for(s, line) for s in range(len(view.sources)) for line in range(40)])

        threads = [threading.Thread(target=work) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        expected = results[0]
        assert all(r == expected for r in results)
        assert sum(len(x) for x in expected) > 0
