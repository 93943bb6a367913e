"""Ownership of native memory: every view freed exactly once, close(), use
after close, and the library outliving every view."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from typing import Any, Callable, Dict

import pytest

import libsourcemap
from libsourcemap import ClosedViewError, Index, View, from_json
from libsourcemap._native import views_alive
from lsm_testutil import REPO, index_map, make_map

INDEX = index_map(
    [
        {
            "offset": {"line": 0, "column": 0},
            "map": {"version": 3, "sources": ["a"], "mappings": "AAAA"},
        }
    ]
)


def test_gc_frees_every_view(small_map: bytes) -> None:
    gc.collect()
    before = views_alive()
    views = [View.from_json(small_map) for _ in range(100)]
    views += [View.from_cache(v.dump_cache()) for v in views[:10]]
    assert views_alive() == before + 110
    del views
    gc.collect()
    assert views_alive() == before


def test_close_frees_now(small_map: bytes) -> None:
    view = View.from_json(small_map)
    before = views_alive()
    view.close()
    assert views_alive() == before - 1
    view.close()  # harmless twice
    assert views_alive() == before - 1
    assert view.closed
    del view
    gc.collect()
    assert views_alive() == before - 1  # and not freed again


def test_close_waits_for_a_running_iteration(small_map: bytes) -> None:
    view = View.from_json(small_map)
    before = views_alive()
    it = iter(view)
    next(it)
    view.close()
    # The suspended iteration does not keep using the view...
    with pytest.raises(ClosedViewError):
        next(it)
    del it
    gc.collect()
    assert views_alive() == before - 1


VIEW_USES: Dict[str, Callable[[View], Any]] = {
    "len": len,
    "getitem": lambda v: v[0],
    "slice": lambda v: v[0:1],
    "iter": list,
    "lookup_token": lambda v: v.lookup_token(0, 0),
    "lookup_tokens": lambda v: v.lookup_tokens([(0, 0)]),
    "get_original_function_name": lambda v: v.get_original_function_name(0, 0, "f", "f"),
    "get_source_count": lambda v: v.get_source_count(),
    "get_source_name": lambda v: v.get_source_name(0),
    "get_source_url": lambda v: v.get_source_url(0),
    "iter_sources": lambda v: list(v.iter_sources()),
    "sources": lambda v: v.sources,
    "get_source_contents": lambda v: v.get_source_contents(0),
    "has_source_contents": lambda v: v.has_source_contents(0),
    "is_ignored": lambda v: v.is_ignored(0),
    "names": lambda v: v.names,
    "file": lambda v: v.file,
    "source_root": lambda v: v.source_root,
    "debug_id": lambda v: v.debug_id,
    "ignore_list": lambda v: v.ignore_list,
    "is_index": lambda v: v.is_index,
    "line_count": lambda v: v.line_count,
    "dump_cache": lambda v: v.dump_cache(),
    "dump_memdb": lambda v: v.dump_memdb(),
    "write_cache": lambda v: v.write_cache(os.devnull),
    "enter": lambda v: v.__enter__(),
}


@pytest.mark.parametrize("use", sorted(VIEW_USES))
def test_use_after_close_raises(small_map: bytes, use: str) -> None:
    view = View.from_json(small_map)
    if use != "write_cache":
        VIEW_USES[use](view)  # works while open
    view.close()
    with pytest.raises(ClosedViewError, match="closed"):
        VIEW_USES[use](view)


def test_closed_view_error_is_not_a_source_map_error(small_map: bytes) -> None:
    view = View.from_json(small_map)
    view.close()
    try:
        len(view)
    except libsourcemap.SourceMapError:  # pragma: no cover
        pytest.fail("ClosedViewError must not be a SourceMapError")
    except ValueError:
        pass


def test_index_owns_its_view() -> None:
    gc.collect()
    before = views_alive()
    index = Index.from_json(INDEX)
    assert views_alive() == before + 1
    index.close()
    assert views_alive() == before
    index2 = from_json(INDEX, auto_flatten=False, raise_for_index=False)
    assert isinstance(index2, Index)
    view = index2.into_view()
    del index2
    gc.collect()
    assert views_alive() == before + 1  # handed over, not freed
    assert len(view) == 1
    del view
    gc.collect()
    assert views_alive() == before


def test_failed_loads_leak_nothing() -> None:
    gc.collect()
    before = views_alive()
    for data in [b"{", b"[]", make_map([[[0, 9, 0, 0]]]), INDEX]:
        for _ in range(20):
            with pytest.raises(libsourcemap.SourceMapError):
                View.from_json(data)
    gc.collect()
    assert views_alive() == before


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env)
    full_env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "python")] if os.environ.get("LIBSOURCEMAP_TEST_INSTALLED") != "1" else []
    )
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_views_outlive_the_module_at_shutdown() -> None:
    """Views still alive when the interpreter exits (after the module and
    its globals are torn down) are freed through their own reference to
    the library: no crash, no error printed."""
    result = _run(
        """
        import gc, sys
        import libsourcemap
        from libsourcemap import View
        data = b'{"version":3,"sources":["a"],"names":["n"],"mappings":"AAAAA"}'
        keep = [View.from_json(data) for _ in range(100)]
        keep.append(View.from_cache(keep[0].dump_cache()))
        holder = type("Holder", (), {})()
        holder.cycle = holder
        holder.views = keep
        # Drop every module-level reference to the library.
        for name in list(sys.modules):
            if name.startswith("libsourcemap"):
                del sys.modules[name]
        del libsourcemap, View
        gc.collect()
        print(keep[-1].lookup_token(0, 0))
        """,
        MALLOC_CHECK_="3",
    )
    assert result.returncode == 0, result.stderr
    assert "Token(dst_line=0" in result.stdout
    assert result.stderr == ""


def test_no_double_free_under_malloc_checks() -> None:
    """glibc aborts on a double free with MALLOC_CHECK_=3; open, close and
    collect views every way there is."""
    result = _run(
        """
        import gc, threading
        from libsourcemap import View, Index, from_json, ClosedViewError
        data = b'{"version":3,"sources":["a"],"names":["n"],"mappings":"AAAAA,CAAC"}'
        idx = b'{"version":3,"sections":[{"offset":{"line":0,"column":0},"map":%s}]}' % data
        for i in range(300):
            v = View.from_json(data)
            c = View.from_cache(v.dump_cache())
            if i % 2:
                v.close(); v.close()
            with c:
                list(c)
            index = from_json(idx, auto_flatten=False, raise_for_index=False)
            if i % 3 == 0:
                index.into_view().close()
            index.close()
            try:
                Index.from_json(idx).into_view()
            finally:
                gc.collect()
        def worker(v):
            try:
                for _ in range(200):
                    v.lookup_tokens([(0, 0), (0, 1)])
            except ClosedViewError:
                pass
        views = [View.from_json(data) for _ in range(4)]
        threads = [threading.Thread(target=worker, args=(v,)) for v in views]
        for t in threads: t.start()
        for v in views: v.close()
        for t in threads: t.join()
        print("ok")
        """,
        MALLOC_CHECK_="3",
        MALLOC_PERTURB_="165",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert result.stderr == ""


def test_own_keeps_what_the_object_borrows() -> None:
    """_native.own(): the generic ownership helper for native objects
    (views, and the symbolication objects that borrow them)."""
    import weakref

    from libsourcemap import _native

    class Borrowed:
        pass

    borrowed = Borrowed()
    ref = weakref.ref(borrowed)
    ptr = _native.lib.lsm_view_from_json(b'{"version":3,"sources":[],"mappings":""}', 40, _native.ffi.NULL)
    owned = _native.own(ptr, "lsm_view_free", what="view", keepalive=borrowed)
    del borrowed
    gc.collect()
    assert ref() is not None  # held by the destructor
    del owned
    gc.collect()
    assert ref() is None
    with pytest.raises(libsourcemap.SourceMapError):
        _native.own(_native.ffi.NULL, "lsm_view_free", what="view")


def test_own_parent_outlives_child_and_closing_it_makes_the_child_raise() -> None:
    """A handle that borrows another (a namer its view) holds the parent's
    memory until it goes; closing the parent makes the child's get() raise
    ClosedViewError instead of reading freed memory."""
    from libsourcemap import _native

    before = _native.views_alive()
    ptr = _native.lib.lsm_view_from_json(b'{"version":3,"sources":[],"mappings":""}', 40, _native.ffi.NULL)
    view = _native.own(ptr, "lsm_view_free", what="view")
    nptr = _native.lib.lsm_js_namer_new(view.get(), _native.ffi.NULL, 0, 0, _native.ffi.NULL)
    namer = _native.own(nptr, "lsm_js_namer_free", what="namer", parent=view)
    assert not namer.closed
    view.close()
    gc.collect()
    assert namer.closed
    with pytest.raises(libsourcemap.ClosedViewError) as info:
        namer.get()
    assert str(info.value) == "the view this namer reads is closed"
    del info  # its traceback holds the namer's cdata
    assert _native.views_alive() == before + 1  # the namer still holds it
    del namer
    gc.collect()
    assert _native.views_alive() == before


NAMER_AFTER_CLOSE = r"""
import sys
import libsourcemap
from libsourcemap.js import Namer, Scopes

gen = b"function f(a){return a}\n" * 4
# Enough tokens that malloc maps the view's arrays by themselves and
# returns them to the system when the view is freed.
mappings = ";".join(["AAAA," + ",".join(["CAAC"] * 50000)] + ["AACA"] * 3)
view = libsourcemap.View.from_json(
    '{"version":3,"sources":["a.js"],"names":[],"mappings":"%s"}' % mappings
)
namer = Namer(view, gen)
view.close()
import gc; gc.collect()
for call in (lambda: namer.name_at(0, 10), lambda: namer.lookup(0, 10),
             lambda: namer.give_source(0, b"x")):
    try:
        call()
    except libsourcemap.ClosedViewError as exc:
        print("ClosedViewError:", exc)
    else:
        print("no error")
scopes = Scopes(gen)
scopes.close()
try:
    len(scopes)
except libsourcemap.ClosedViewError as exc:
    print("ClosedViewError:", exc)
"""


def test_namer_after_its_view_is_closed_raises_not_crashes() -> None:
    """The crash of issue 11: a namer used after view.close() read freed
    memory (exit 139). Run in a subprocess so that a regression cannot
    take pytest down with it."""
    import pathlib

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(pathlib.Path(libsourcemap.__file__).resolve().parent.parent)]
        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    proc = subprocess.run(
        [sys.executable, "-c", NAMER_AFTER_CLOSE], env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stderr)
    assert proc.stdout.splitlines() == [
        "ClosedViewError: the view this namer reads is closed",
        "ClosedViewError: the view this namer reads is closed",
        "ClosedViewError: the view this namer reads is closed",
        "ClosedViewError: the scopes object is closed",
    ]
