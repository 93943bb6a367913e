"""View.generated_position_for's fast path (a per-thread
lsm_reverse_cursor_t, three arguments per call) answers exactly as the
seven-argument lsm_generated_position_for path of
libsourcemap.reverse.generated_position_for, which test_reverse.py
compares with trace-mapping; and every bad argument still raises what it
raised, on the first call of a thread and on later ones."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any, List, Tuple

import pytest

import libsourcemap
from libsourcemap import View
from libsourcemap.reverse import generated_position_for
from test_reverse import MAPS, REPO, SMALL

RULES = ("greatest_lower_bound", "least_upper_bound", libsourcemap.LookupRule.LEAST_UPPER_BOUND)


def queries(view: View, rng: random.Random, count: int) -> List[Tuple[int, int, int]]:
    tokens = [t for t in view if t.src_id is not None]
    out = []
    for _ in range(count):
        t = rng.choice(tokens)
        assert t.src_id is not None and t.src_line is not None and t.src_col is not None
        out.append((t.src_id, t.src_line + rng.choice((0, 0, 0, 1, -1)),
                    max(0, t.src_col + rng.randrange(-4, 5))))
    return out


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(REPO)))
def test_fast_path_answers_as_the_c_call(path: Path) -> None:
    view = View.from_json(path.read_bytes(), allow_index=True)
    rng = random.Random(str(path))
    qs = queries(view, rng, 400)
    for rule in RULES:
        want = [generated_position_for(view, s, max(line, 0), c, rule=rule) for s, line, c in qs]
        for _ in range(2):  # the first call of a rule makes the cursor
            got = [view.generated_position_for(s, max(line, 0), c, rule=rule) for s, line, c in qs]
            assert got == want
        assert sum(1 for w in want if w is not None) > len(qs) // 2
    # Sources by name take the slow path and agree too.
    s, line, c = qs[0]
    name = view.sources[s]
    if name is not None and view.sources.index(name) == s:
        assert view.generated_position_for(name, line, c) == generated_position_for(view, s, line, c)


def test_bad_arguments_with_a_cursor() -> None:
    view = View.from_json(SMALL)
    for rule in ("greatest_lower_bound", "least_upper_bound"):
        assert view.generated_position_for(0, 0, 5, rule=rule) is not None
        assert view.generated_position_for(0, 0, 5, rule=rule) is not None
        with pytest.raises(libsourcemap.OutOfRangeError):
            view.generated_position_for(2, 0, 0, rule=rule)
        with pytest.raises(libsourcemap.OutOfRangeError):
            view.generated_position_for(-1, 0, 0, rule=rule)
        with pytest.raises(libsourcemap.NoSourceError):
            view.generated_position_for("c.js", 0, 0, rule=rule)
        with pytest.raises(ValueError):
            view.generated_position_for(0, -1, 0, rule=rule)
        with pytest.raises(ValueError):
            view.generated_position_for(0, 0, -1, rule=rule)
        with pytest.raises(TypeError):
            view.generated_position_for(True, 0, 0, rule=rule)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            view.generated_position_for(0, 0.5, 0, rule=rule)  # type: ignore[arg-type]
        assert view.generated_position_for(0, 0, None, rule=rule) == \
            generated_position_for(view, 0, 0, None, rule=rule)  # type: ignore[arg-type]
        assert view.generated_position_for(0, 2**40, 2**40, rule=rule) is None
        assert view.generated_position_for(0, 2**32 - 1, 0, rule=rule) is None
        assert view.generated_position_for(0, 0, 2**32 - 1, rule=rule) == \
            generated_position_for(view, 0, 0, 2**32 - 1, rule=rule)
    for _ in range(2):
        with pytest.raises(libsourcemap.InvalidArgumentError):
            view.generated_position_for(0, 0, 0, rule="same_line")
        with pytest.raises(ValueError):
            view.generated_position_for(0, 0, 0, rule="sideways")
        with pytest.raises(TypeError):
            view.generated_position_for(0, 0, 0, rule=[])  # type: ignore[arg-type]
    view.close()
    with pytest.raises(libsourcemap.ClosedViewError):
        view.generated_position_for(0, 0, 5)


def test_one_cursor_per_thread() -> None:
    path = REPO / "tests" / "fixtures" / "bundlers" / "index-map" / "combined.js.map"
    view = View.from_json(path.read_bytes(), allow_index=True)
    qs = queries(view, random.Random(3), 2000)
    want = [generated_position_for(view, s, max(line, 0), c) for s, line, c in qs]
    results: List[Any] = []
    barrier = threading.Barrier(6)

    def work() -> None:
        barrier.wait()
        results.append([view.generated_position_for(s, max(line, 0), c) for s, line, c in qs])

    threads = [threading.Thread(target=work) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 6 and all(r == want for r in results)


def test_all_generated_positions_for_many_answers_and_errors() -> None:
    """all_generated_positions_for reuses a per-thread array of 16 tokens:
    lines with more answers than that grow it, and errors still raise."""
    mappings = ",".join(["AAAA"] + ["CAAA"] * 39)  # 40 tokens, all at original 0:0
    view = View.from_json(
        '{"version":3,"sources":["a.js"],"names":[],"mappings":"%s"}' % mappings)
    every = view.all_generated_positions_for(0, 0, 0)
    assert [(t.dst_line, t.dst_col) for t in every] == [(0, c) for c in range(40)]
    assert len(view.all_generated_positions_for(0, 0)) == 40
    assert view.all_generated_positions_for(0, 1) == []
    with pytest.raises(libsourcemap.OutOfRangeError):
        view.all_generated_positions_for(1, 0)
    with pytest.raises(libsourcemap.OutOfRangeError):
        view.all_generated_positions_for(-1, 0)
    with pytest.raises(TypeError):
        view.all_generated_positions_for(True, 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        view.all_generated_positions_for(0, 0, -1)
    with pytest.raises(libsourcemap.InvalidArgumentError):
        view.all_generated_positions_for(0, 0, 0, rule="same_line")
    assert view.all_generated_positions_for(0, 2**40, 2**40) == []
