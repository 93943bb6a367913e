"""The deferred namer (lsm_js_namer_new_deferred: the generated file is
scanned only when a call first needs its functions) answers every
lookup and name exactly as the namer that scans at once, whether it
scans itself, is prepared ahead, is given a scan made elsewhere, or is
shared by threads."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import List, Tuple

import pytest

from libsourcemap import View
from libsourcemap._native import ffi, lib
from libsourcemap.js import Namer
from lsm_testutil import REPO

BUNDLES = sorted(
    [p for p in (REPO / "tests" / "e2e" / "apps").glob("*/dist/*/app.min.js")]
    + [p for p in (REPO / "tests" / "fixtures" / "bundlers").glob("*/*.js")
       if p.with_name(p.name + ".map").exists()]
)

Answer = Tuple[int, object, object, str]


def positions(view: View) -> List[Tuple[int, int]]:
    """Tokens' positions and the column after each (a frame between
    tokens, where the refusal rule needs the generated scopes): every
    token of a small bundle, an even spread of about 4,000 of a large one
    (tools/lsm-names --deferred compares every token of large bundles)."""
    out = []
    for t in view:
        out.append((t.dst_line, t.dst_col))
        out.append((t.dst_line, t.dst_col + 1))
    return out[:: max(1, len(out) // 4000)]


def answers(namer: Namer, where: List[Tuple[int, int]]) -> List[Answer]:
    out: List[Answer] = []
    for line, col in where:
        rc, tok = namer.lookup(line, col)
        name, how = namer.name_at(line, col)
        out.append((rc, tok.dst_col if tok is not None else None, name, how))
    return out


def test_bundles_found() -> None:
    assert len(BUNDLES) >= 10


@pytest.mark.parametrize("js", BUNDLES, ids=lambda p: str(p.relative_to(REPO)))
def test_deferred_answers_equal_eager_ones(js: Path) -> None:
    view = View.from_path(js.with_name(js.name + ".map"), allow_index=True)
    text = js.read_bytes()
    where = positions(view)
    want = answers(Namer(view, text), where)
    assert any(a[3] == "generated" for a in want) or "nosrc" not in str(js)

    assert answers(Namer.deferred(view, text), where) == want

    prepared = Namer.deferred(view, text)
    prepared.prepare()
    prepared.prepare()  # once scanned, nothing to do
    assert answers(prepared, where) == want

    given = Namer.deferred(view, text)
    given.give_scopes(lib.lsm_js_scopes_build(text, len(text), ffi.NULL))
    assert answers(given, where) == want
    # given after its own scan: the second copy is freed, answers stay
    given.give_scopes(lib.lsm_js_scopes_build(text, len(text), ffi.NULL))
    assert answers(given, where) == want


def test_threads_share_one_deferred_namer() -> None:
    js = REPO / "tests" / "e2e" / "apps" / "shop" / "dist" / "terser" / "app.min.js"
    view = View.from_path(js.with_name(js.name + ".map"), allow_index=True)
    text = js.read_bytes()
    where = positions(view)
    want = answers(Namer(view, text), where)
    for _ in range(3):
        shared = Namer.deferred(view, text)
        got: List[List[Answer]] = []
        lock = threading.Lock()
        start = threading.Barrier(6)

        def run(order: int) -> None:
            start.wait()
            mine = answers(shared, where[order:] + where[:order])
            with lock:
                got.append(mine[len(where) - order:] + mine[:len(where) - order])

        threads = [threading.Thread(target=run, args=(k * 97,)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(got) == 6 and all(g == want for g in got)


def test_give_scopes_to_an_eager_namer_keeps_its_own() -> None:
    js = REPO / "tests" / "e2e" / "apps" / "shop" / "dist" / "esbuild" / "app.min.js"
    view = View.from_path(js.with_name(js.name + ".map"), allow_index=True)
    text = js.read_bytes()
    where = positions(view)
    eager = Namer(view, text)
    want = answers(eager, where)
    # scopes of other text: freed, never used
    eager.give_scopes(lib.lsm_js_scopes_build(b"function x(){}", 14, ffi.NULL))
    assert answers(eager, where) == want


def test_errors() -> None:
    err = ffi.new("lsm_error_t *")
    assert lib.lsm_js_namer_new_deferred(ffi.NULL, b"x", 1, 0, err) == ffi.NULL
    assert err.code == lib.LSM_ERR_INVALID_ARGUMENT
    js = REPO / "tests" / "e2e" / "apps" / "parser" / "dist" / "esbuild" / "app.min.js"
    view = View.from_path(js.with_name(js.name + ".map"), allow_index=True)
    err = ffi.new("lsm_error_t *")
    assert lib.lsm_js_namer_new_deferred(view._get_ptr(), b"x", 1, 0x80, err) == ffi.NULL
    assert err.code == lib.LSM_ERR_INVALID_ARGUMENT
    err = ffi.new("lsm_error_t *")
    assert lib.lsm_js_namer_new_deferred(view._get_ptr(), ffi.NULL, 5, 0, err) == ffi.NULL
    assert err.code == lib.LSM_ERR_INVALID_ARGUMENT
    err = ffi.new("lsm_error_t *")
    assert lib.lsm_js_namer_prepare(ffi.NULL, err) == -1
    assert err.code == lib.LSM_ERR_INVALID_ARGUMENT
    err = ffi.new("lsm_error_t *")
    assert lib.lsm_js_namer_give_scopes(ffi.NULL, ffi.NULL, err) == -1
    assert err.code == lib.LSM_ERR_INVALID_ARGUMENT


def test_scopes_coming_from_another_thread() -> None:
    """LSM_NAMES_SCOPES_COMING: callers that need the scopes wait for the
    scan running elsewhere; a failed scan (NULL given) lets them scan."""
    js = REPO / "tests" / "e2e" / "apps" / "pipeline" / "dist" / "esbuild" / "app.min.js"
    view = View.from_path(js.with_name(js.name + ".map"), allow_index=True)
    text = js.read_bytes()
    where = positions(view)
    want = answers(Namer(view, text), where)
    for failed in (False, True):
        coming = Namer.deferred(view, text, coming=True)
        got: List[List[Answer]] = []
        asker = threading.Thread(target=lambda: got.append(answers(coming, where)))
        asker.start()
        asker.join(0.2)  # it waits for the scopes (the frames between tokens need them)
        assert asker.is_alive()
        coming.give_scopes(ffi.NULL if failed else lib.lsm_js_scopes_build(text, len(text),
                                                                           ffi.NULL))
        asker.join()
        assert got == [want]
