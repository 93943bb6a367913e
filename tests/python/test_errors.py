"""Errors: every LSM_ERR_* code maps to a class, real inputs raise them,
and the location fields come through."""

from __future__ import annotations

import pathlib
import pickle
from typing import Dict, Set

import pytest

import libsourcemap
from libsourcemap import (
    BadJson,
    BadVlqError,
    CacheVersionError,
    ClosedViewError,
    InvalidArgumentError,
    MalformedJsonError,
    OutOfRangeError,
    SourceMapError,
    SourceMapIOError,
    SourceMapMemoryError,
    TooLargeError,
    UnsupportedMemDbVersion,
    View,
    exceptions,
)
from libsourcemap._cdef import header_error_codes
from libsourcemap._native import capture_err, exception_from, ffi, lib
from lsm_testutil import index_map, make_map, read_tokens, spec_cases

CASES = spec_cases()


@pytest.fixture(scope="module")
def codes(header_text: str) -> Dict[str, int]:
    return header_error_codes(header_text)


def test_every_header_code_has_a_class(codes: Dict[str, int]) -> None:
    assert len(codes) >= 40
    assert set(codes) == set(exceptions.ERROR_CLASSES)
    for name, cls in exceptions.ERROR_CLASSES.items():
        assert issubclass(cls, SourceMapError)
        assert cls is not SourceMapError, name
        assert getattr(lib, name) == codes[name]
        # The library names each code the way the header does.
        assert ffi.string(lib.lsm_error_name(codes[name])).decode() == name


def test_unknown_code_is_the_base_class() -> None:
    assert exceptions.error_class("LSM_ERR_FROM_THE_FUTURE") is SourceMapError
    err = ffi.new("lsm_error_t *")
    err.code = 9999
    exc = exception_from(err)
    assert type(exc) is SourceMapError
    assert exc.error_name == "LSM_ERR_UNKNOWN"
    assert exc.message == "unknown error"  # the generic description


@pytest.mark.parametrize("name", sorted(exceptions.ERROR_CLASSES))
def test_error_struct_to_exception(name: str) -> None:
    """check() raises the mapped class with the struct's fields, for every
    code the header defines."""
    code = getattr(lib, name)
    with pytest.raises(SourceMapError) as info:
        with capture_err() as (err, check):
            err.code = code
            err.offset = 12
            err.line = -1
            err.segment = 3
            ffi.memmove(err.message, "bad thing at 12".encode(), 15)
            check(None)
    exc = info.value
    assert type(exc) is exceptions.ERROR_CLASSES[name]
    assert exc.code == code
    assert exc.error_name == name
    assert exc.message == str(exc) == "bad thing at 12"
    assert (exc.offset, exc.line, exc.segment) == (12, None, 3)


def test_check_passes_success_through() -> None:
    with capture_err() as (err, check):
        ptr = check(lib.lsm_view_from_json(b'{"version":3,"sources":[],"mappings":""}', 40, err))
        assert ptr != ffi.NULL
        lib.lsm_view_free(ptr)
    with capture_err() as (err, check):
        with pytest.raises(MalformedJsonError) as info:
            check(lib.lsm_view_from_json(b"{", 1, err))
    assert info.value.error_name == "LSM_ERR_JSON"


def test_hierarchy() -> None:
    assert issubclass(SourceMapIOError, OSError)
    assert issubclass(SourceMapMemoryError, MemoryError)
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(OutOfRangeError, IndexError)
    assert issubclass(TooLargeError, OverflowError)
    assert issubclass(BadVlqError, libsourcemap.BadMappingsError)
    assert issubclass(libsourcemap.MissingFieldError, libsourcemap.BadFieldError)
    assert issubclass(libsourcemap.CacheMagicError, libsourcemap.CacheError)
    assert issubclass(ClosedViewError, ValueError)
    assert not issubclass(ClosedViewError, SourceMapError)
    # libsourcemap 0.8's names
    assert BadJson is MalformedJsonError
    assert UnsupportedMemDbVersion is CacheVersionError
    assert issubclass(libsourcemap.IndexedSourceMap, SourceMapError)
    assert issubclass(libsourcemap.CannotFlatten, SourceMapError)


def test_exceptions_pickle() -> None:
    with pytest.raises(BadVlqError) as info:
        View.from_json(make_map([]).replace(b'"mappings": ""', b'"mappings": "AA!A"'))
    exc = pickle.loads(pickle.dumps(info.value))
    assert type(exc) is BadVlqError
    assert (exc.message, exc.code, exc.error_name, exc.line, exc.segment) == (
        info.value.message, info.value.code, "LSM_ERR_VLQ_INVALID_DIGIT", 0, 0
    )
    io = SourceMapIOError("cannot open x", 13)
    assert pickle.loads(pickle.dumps(io)).code == 13


def _tokens(view: View) -> list:
    names = view.names
    return [
        (t.dst_line, t.dst_col, t.src_id, t.src_line, t.src_col,
         None if t.name is None else names.index(t.name))
        for t in view
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_spec_corpus(case: "object") -> None:
    """Every case of the conformance corpus, through Python: valid maps give
    the expected tokens, invalid ones the expected class and code."""
    data = case.path.read_bytes()  # type: ignore[attr-defined]
    expected = case.expected  # type: ignore[attr-defined]
    if expected == "ok":
        view = View.from_json(data, allow_index=True)
        want = read_tokens(case.path.with_name(case.path.name + ".tokens"))  # type: ignore[attr-defined]
        got = [(t.dst_line, t.dst_col, t.src_id, t.src_line, t.src_col) for t in view]
        assert got == [w[:5] for w in want]
        # name ids: the token's name is that entry of "names"
        names = view.names
        for t, w in zip(view, want):
            assert t.name == (None if w[5] is None else names[w[5]])
        return
    with pytest.raises(SourceMapError) as info:
        View.from_json(data, allow_index=True)
    exc = info.value
    assert type(exc) is exceptions.ERROR_CLASSES[expected]
    assert exc.error_name == expected
    assert exc.code == getattr(lib, expected)
    assert isinstance(exc.message, str) and exc.message
    assert "\n" not in exc.message
    if expected.startswith(("LSM_ERR_VLQ", "LSM_ERR_SEGMENT", "LSM_ERR_NEGATIVE")) or expected in (
        "LSM_ERR_SOURCE_OUT_OF_RANGE",
        "LSM_ERR_NAME_OUT_OF_RANGE",
    ):
        if "section" not in case.description.lower():  # type: ignore[attr-defined]
            assert exc.line is not None and exc.segment is not None


def _raise_code(action: "object") -> str:
    try:
        action()  # type: ignore[operator]
    except SourceMapError as exc:
        assert exc.error_name is not None
        assert type(exc) is exceptions.ERROR_CLASSES[exc.error_name]
        return exc.error_name
    raise AssertionError("no error raised")


def test_codes_reached_from_python(tmp_path: pathlib.Path, codes: Dict[str, int]) -> None:
    """Real inputs through the Python API reach every code of source maps
    and cache files but out of memory and 4 GiB inputs; those, and the
    codes of symbolication (80 and up), are covered by the mapping-table
    test above."""
    reached: Set[str] = set()
    for case in CASES:
        if case.expected != "ok":
            reached.add(case.expected)
    view = View.from_json(make_map([[[0, 0, 0, 0]]]))
    good_cache = view.dump_cache()
    bad_version = bytearray(good_cache)
    bad_version[8] = 99
    bad_flags = bytearray(good_cache)
    bad_flags[16] |= 0x80
    actions = [
        lambda: view.lookup_token(0, 0, rule=9),
        lambda: view[len(view)],
        lambda: View.from_path(tmp_path / "missing.map"),
        lambda: View.from_json(index_map([])),
        lambda: View.from_cache(b"definitely not a cache file"),
        lambda: View.from_cache(bytes(bad_version)),
        lambda: View.from_cache(good_cache[: len(good_cache) // 2]),
        lambda: View.from_cache(bytes(bad_flags)),
    ]
    for action in actions:
        reached.add(_raise_code(action))
    missing = {name for name, code in codes.items() if code < 80} - reached
    assert missing == {"LSM_ERR_NOMEM", "LSM_ERR_TOO_LARGE"}


def test_mappings_error_location() -> None:
    data = make_map([[[0, 0, 0, 0]], [[0, 0, 0, 0], [4, 0, 1, 1]]]).replace(
        b'"mappings": "', b'"mappings": "AAAA;AACA,IAAC,A!A;'
    )
    with pytest.raises(BadVlqError) as info:
        View.from_json(data)
    assert (info.value.line, info.value.segment) == (1, 2)
    assert info.value.offset is not None
