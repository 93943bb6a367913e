"""Composing maps: ``compose(outer, inner)`` gives the map from the final
code straight to the original sources, as @jridgewell/remapping does
(computed by the C library's ``lsm_compose``).

`outer` maps final -> intermediate. `inner` is

* a :class:`View` (intermediate -> original) for an outer map with one
  source (remapping's ``remapping([outer, inner])``; more sources raise
  :class:`ValueError`, as remapping throws);
* a mapping from an outer source's URL to its View (a source missing, or
  mapped to None, is original and kept);
* a callable taking that URL and returning a View or None (remapping's
  loader). It is also asked about the sources of the maps it returns, so
  that chains of any depth compose.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional, Union

from ._native import capture_err, ffi, lib
from .view import View

__all__ = ["compose", "Inner"]

Loader = Callable[[str], Optional[View]]
#: What :func:`compose` takes as `inner`.
Inner = Union[View, Mapping[str, Optional[View]], Loader]

_MAX_DEPTH = 64


def _compose_one(outer: View, inners: "list[Optional[View]]") -> View:
    ptrs = [ffi.NULL if v is None else v._get_ptr() for v in inners]
    arr = ffi.new("lsm_view_t *[]", ptrs) if ptrs else ffi.NULL
    with capture_err() as (err, check):
        ptr = check(lib.lsm_compose(outer._get_ptr(), arr, len(ptrs), err))
    return View._wrap(ptr)


def _resolve(view: View, loader: Loader, depth: int) -> View:
    """`view` with every source `loader` has a map for replaced by it,
    recursively."""
    if depth > _MAX_DEPTH:
        raise ValueError("source maps nested more than %d deep (a loop?)" % _MAX_DEPTH)
    inners = []
    for i in range(len(view.sources)):
        url = view.get_source_url(i)
        inner = loader(url if url is not None else "")
        if inner is not None and not isinstance(inner, View):
            raise TypeError("the loader must return a View or None, not %s"
                            % type(inner).__name__)
        inners.append(None if inner is None else _resolve(inner, loader, depth + 1))
    if all(v is None for v in inners):
        return view
    return _compose_one(view, inners)


def compose(outer: View, inner: Inner) -> View:
    """The composition of `outer` with `inner` (see the module's text)."""
    if isinstance(inner, View):
        n = len(outer.sources)
        if n > 1:
            raise ValueError(
                "the outer map has %d sources; composing with one inner map needs exactly "
                "one (pass a mapping or a loader for several)" % n
            )
        return _compose_one(outer, [inner] * n)
    if isinstance(inner, Mapping):
        table = inner

        def loader(url: str) -> Optional[View]:
            return table.get(url)

        return _resolve_first(outer, loader)
    if callable(inner):
        return _resolve_first(outer, inner)
    raise TypeError("inner must be a View, a mapping or a callable, not %s"
                    % type(inner).__name__)


def _resolve_first(outer: View, loader: Loader) -> View:
    inners = []
    for i in range(len(outer.sources)):
        url = outer.get_source_url(i)
        got = loader(url if url is not None else "")
        if got is not None and not isinstance(got, View):
            raise TypeError("the loader must return a View or None, not %s" % type(got).__name__)
        inners.append(None if got is None else _resolve(got, loader, 1))
    # Always composed, even with nothing to replace: remapping's output is
    # a fresh map (redundant tokens dropped).
    return _compose_one(outer, inners)
