"""Views shared between threads: concurrent lookups, loads and closes."""

from __future__ import annotations

import pathlib
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, List, Optional, Tuple

import pytest

from libsourcemap import ClosedViewError, LookupRule, Token, View, from_json
from lsm_testutil import bundler_fixtures

FIXTURES = bundler_fixtures()
THREADS = 8


def _run_threads(target: Callable[[int], Any], count: int = THREADS) -> List[Any]:
    """Runs target(i) in `count` threads started together; re-raises the
    first failure."""
    barrier = threading.Barrier(count)
    results: List[Any] = [None] * count
    errors: List[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


@pytest.fixture(scope="module")
def big() -> Tuple[View, List[Tuple[int, int]]]:
    fx = next(f for f in FIXTURES if f.name == "esbuild/app.js.map")
    view = from_json(fx.read())
    positions = [(line, col) for line in range(view.line_count + 1) for col in range(0, 90, 3)]
    return view, positions


def test_concurrent_lookups_on_one_view(big: Tuple[View, List[Tuple[int, int]]]) -> None:
    view, positions = big
    expected = {rule: [view.lookup_token(l, c, rule=rule) for l, c in positions] for rule in LookupRule}
    assert any(t is not None for t in expected[LookupRule.GREATEST_LOWER_BOUND])

    def work(i: int) -> bool:
        rule = list(LookupRule)[i % 3]
        for _ in range(3):
            got = [view.lookup_token(l, c, rule=rule) for l, c in positions]
            assert got == expected[rule]
            assert view.lookup_tokens(positions, rule=rule) == expected[rule]
        return True

    assert all(_run_threads(work))


def test_concurrent_iteration_and_reads(big: Tuple[View, List[Tuple[int, int]]]) -> None:
    view, _ = big
    tokens = list(view)
    sources = list(view.iter_sources())
    contents = [view.get_source_contents(i) for i in range(view.get_source_count())]

    def work(i: int) -> bool:
        for _ in range(5):
            assert list(view) == tokens
            assert list(view.iter_sources()) == sources
            assert [view.get_source_contents(j) for j in range(len(contents))] == contents
            assert view.names == view.names
        return True

    assert all(_run_threads(work))


def test_concurrent_loads() -> None:
    inputs = [f.read() for f in FIXTURES]
    expected = [list(from_json(data)) for data in inputs]
    caches = [from_json(data).dump_cache() for data in inputs]

    def work(i: int) -> bool:
        for j in range(len(inputs)):
            k = (i + j) % len(inputs)
            assert list(from_json(inputs[k])) == expected[k]
            assert list(View.from_cache(caches[k])) == expected[k]
        return True

    assert all(_run_threads(work))


def test_thread_pool_lookups(big: Tuple[View, List[Tuple[int, int]]]) -> None:
    view, positions = big
    chunks = [positions[i::16] for i in range(16)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(view.lookup_tokens, chunks))
    for chunk, got in zip(chunks, results):
        assert got == [view.lookup_token(l, c) for l, c in chunk]


def test_close_while_other_threads_look_up() -> None:
    """Closing a view that other threads are using is safe: calls in
    progress finish with correct answers, later ones raise
    ClosedViewError."""
    fx = next(f for f in FIXTURES if f.name == "rollup/app.es.js.map")
    data = fx.read()
    for _ in range(5):
        view = from_json(data)
        positions = [(line, 4) for line in range(view.line_count)]
        expected = view.lookup_tokens(positions)

        def work(i: int) -> str:
            if i == 0:
                view.close()
                return "closed"
            try:
                while True:
                    got: List[Optional[Token]] = view.lookup_tokens(positions)
                    assert got == expected
            except ClosedViewError:
                return "stopped"

        assert sorted(_run_threads(work, 4)) == ["closed", "stopped", "stopped", "stopped"]


# ------------------------------------------------------------------ namers

SHOP_ESBUILD = (
    pathlib.Path(__file__).resolve().parents[2] / "tests" / "e2e" / "apps" / "shop" / "dist" / "esbuild"
)


def _namer_positions(view: View) -> List[Tuple[int, int]]:
    return [(t.dst_line, t.dst_col + d) for t in view for d in (0, 1)][:600]


def test_one_namer_shared_by_threads() -> None:
    """The C namer caches what it scans, so a Namer serializes calls with
    its own lock: threads sharing one get the answers of one thread."""
    from libsourcemap.js import Namer

    view = View.from_path(SHOP_ESBUILD / "app.min.js.map")
    text = (SHOP_ESBUILD / "app.min.js").read_bytes()
    positions = _namer_positions(view)
    ref = Namer(view, text)
    expected = [(ref.lookup(l, c), ref.name_at(l, c)) for l, c in positions]
    # what the namer decided for the 600 positions, so that the threads
    # compare answers of every kind: 592 found, 8 refused tokens; decided
    # by the original source 556 times (top-level code among them), an
    # anonymous original function 36 times, the generated code once
    assert sorted(Counter(e[0][0] for e in expected).items()) == [(1, 592), (2, 8)]
    assert sorted(Counter(e[1][1] for e in expected).items()) == [
        ("anonymous", 36), ("generated", 1), ("none", 7), ("original", 556)]
    shared = Namer(view, text)

    def work(i: int) -> bool:
        order = positions if i % 2 else positions[::-1]
        got = {(l, c): (shared.lookup(l, c), shared.name_at(l, c)) for l, c in order}
        assert [got[p] for p in positions] == expected
        return True

    assert all(_run_threads(work))


def test_namers_of_one_view_in_parallel_and_closing_the_view() -> None:
    """One namer per thread over a shared view; then the view is closed
    while the threads go on: each call answers as before or raises
    ClosedViewError, never anything else."""
    from libsourcemap.js import Namer

    view = View.from_path(SHOP_ESBUILD / "app.min.js.map")
    text = (SHOP_ESBUILD / "app.min.js").read_bytes()
    positions = _namer_positions(view)
    ref = Namer(view, text)
    expected = [ref.name_at(l, c) for l, c in positions]
    namers = [Namer(view, text) for _ in range(THREADS)]
    started = threading.Barrier(THREADS + 1)
    outcome: List[Any] = [None] * THREADS

    def work(i: int) -> None:
        started.wait()
        answered = closed = 0
        for _ in range(20):
            for p, want in zip(positions, expected):
                try:
                    got = namers[i].name_at(*p)
                except ClosedViewError:
                    closed += 1
                    continue
                assert got == want
                answered += 1
        outcome[i] = (answered, closed)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    started.wait()
    view.close()
    for t in threads:
        t.join()
    total = len(positions) * 20
    assert all(o is not None and o[0] + o[1] == total for o in outcome)
    with pytest.raises(ClosedViewError):
        namers[0].name_at(0, 0)
