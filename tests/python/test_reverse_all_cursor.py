"""View.all_generated_positions_for's fast path (this thread's
lsm_reverse_cursor_t, five arguments per call, plain uint32 records in a
reused array) answers exactly as libsourcemap.reverse.
all_generated_positions_for (the eight-argument lsm_token_t call, which
test_reverse.py compares with trace-mapping); every bad argument still
raises what it raised, on the first call of a thread and on later ones."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any, List

import pytest

import libsourcemap
from libsourcemap import View
from libsourcemap.reverse import all_generated_positions_for
from test_reverse import MAPS, REPO, SMALL
from test_reverse_cursor import RULES, queries


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(REPO)))
def test_fast_path_answers_as_the_c_call(path: Path) -> None:
    view = View.from_json(path.read_bytes(), allow_index=True)
    qs = queries(view, random.Random(str(path)), 300)
    for rule in RULES:
        for col_given in (True, False):
            want = [all_generated_positions_for(view, s, max(line, 0), c if col_given else None,
                                                rule=rule) for s, line, c in qs]
            for _ in range(2):  # the first call of a rule makes the cursor
                got = [view.all_generated_positions_for(s, max(line, 0), c if col_given else None,
                                                        rule=rule) for s, line, c in qs]
                assert got == want
            assert sum(len(w) for w in want) >= len(qs) // 2
    # Sources by name take the slow path and agree too.
    s, line, c = qs[0]
    name = view.sources[s]
    if name is not None and view.sources.index(name) == s:
        assert view.all_generated_positions_for(name, max(line, 0), c) == \
            all_generated_positions_for(view, s, max(line, 0), c)


def test_names_and_many_tokens() -> None:
    # 300 tokens at original 0:0, every other one named: more than the
    # first array holds, so it grows; the names come from the view.
    segs = ["AAAAA"] + ["CAAAA" if i % 2 == 0 else "CAAA" for i in range(1, 300)]
    view = View.from_json(
        '{"version":3,"sources":["a.js"],"names":["n"],"mappings":"%s"}' % ",".join(segs))
    for _ in range(3):
        got = view.all_generated_positions_for(0, 0, 0)
        assert [(t.dst_line, t.dst_col, t.src, t.name) for t in got] == \
            [(0, i, "a.js", "n" if i % 2 == 0 else None) for i in range(300)]
        assert view.all_generated_positions_for(0, 0) == got
        assert view.all_generated_positions_for(0, 0, 1) == []


def test_bad_arguments_with_a_cursor() -> None:
    view = View.from_json(SMALL)
    for rule in ("greatest_lower_bound", "least_upper_bound"):
        for _ in range(2):
            assert view.all_generated_positions_for(0, 0, 5, rule=rule) == \
                all_generated_positions_for(view, 0, 0, 5, rule=rule)
            with pytest.raises(libsourcemap.OutOfRangeError):
                view.all_generated_positions_for(2, 0, 0, rule=rule)
            with pytest.raises(libsourcemap.OutOfRangeError):
                view.all_generated_positions_for(-1, 0, 0, rule=rule)
            with pytest.raises(libsourcemap.NoSourceError):
                view.all_generated_positions_for("c.js", 0, 0, rule=rule)
            with pytest.raises(ValueError):
                view.all_generated_positions_for(0, -1, 0, rule=rule)
            with pytest.raises(ValueError):
                view.all_generated_positions_for(0, 0, -1, rule=rule)
            with pytest.raises(ValueError):
                view.all_generated_positions_for(0, -1, None, rule=rule)
            with pytest.raises(TypeError):
                view.all_generated_positions_for(True, 0, 0, rule=rule)  # type: ignore[arg-type]
            with pytest.raises(TypeError):
                view.all_generated_positions_for(0, 0.5, 0, rule=rule)  # type: ignore[arg-type]
            assert view.all_generated_positions_for(0, 2**40, 2**40, rule=rule) == []
            assert view.all_generated_positions_for(0, 2**32 - 1, 0, rule=rule) == []
            assert view.all_generated_positions_for(0, 0, 2**32 - 1, rule=rule) == \
                all_generated_positions_for(view, 0, 0, 2**32 - 1, rule=rule)
    for _ in range(2):
        with pytest.raises(libsourcemap.InvalidArgumentError):
            view.all_generated_positions_for(0, 0, 0, rule="same_line")
        with pytest.raises(TypeError):
            view.all_generated_positions_for(0, 0, 0, rule=[])  # type: ignore[arg-type]
    view.close()
    with pytest.raises(libsourcemap.ClosedViewError):
        view.all_generated_positions_for(0, 0, 5)


def test_one_cursor_and_array_per_thread() -> None:
    path = REPO / "tests" / "fixtures" / "bundlers" / "index-map" / "combined.js.map"
    view = View.from_json(path.read_bytes(), allow_index=True)
    qs = queries(view, random.Random(5), 1500)
    want = [all_generated_positions_for(view, s, max(line, 0), c) for s, line, c in qs]
    results: List[Any] = []
    barrier = threading.Barrier(6)

    def work() -> None:
        barrier.wait()
        results.append([view.all_generated_positions_for(s, max(line, 0), c) for s, line, c in qs])

    threads = [threading.Thread(target=work) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 6 and all(r == want for r in results)
