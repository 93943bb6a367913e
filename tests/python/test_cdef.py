"""The cffi declarations come from include/libsourcemap.h itself."""

from __future__ import annotations

import os
import re

import cffi
import pytest

from libsourcemap import _native
from libsourcemap._cdef import (
    cdef_from_header,
    header_error_codes,
    header_functions,
    header_version,
    strip_comments,
)
from lsm_testutil import REPO

INSTALLED = os.environ.get("LIBSOURCEMAP_TEST_INSTALLED") == "1"


def test_the_package_reads_the_repositorys_header(header_text: str) -> None:
    """From a checkout the loader reads include/libsourcemap.h; installed,
    its own copy, which must equal the repository's (the wheel test checks
    the copy inside a freshly built wheel too)."""
    assert _native.HEADER_TEXT == header_text
    assert _native.HEADER_PATH.read_bytes() == (REPO / "include" / "libsourcemap.h").read_bytes()
    assert _native.CDEF == cdef_from_header(header_text)


def test_cdef_is_plain_declarations(header_text: str) -> None:
    cdef = cdef_from_header(header_text)
    for line in cdef.splitlines():
        if line.startswith("#"):
            assert re.fullmatch(r"#define [A-Z0-9_]+ -?(0x[0-9a-fA-F]+|[0-9]+)[uUlL]*", line), line
    assert "LSM_API" not in cdef
    assert 'extern "C"' not in cdef
    assert "/*" not in cdef and "//" not in cdef
    assert "#include" not in cdef and "#if" not in cdef
    assert "LSM_VERSION_STRING" not in cdef  # a string: cffi's ABI mode cannot take it
    ffi = cffi.FFI()
    ffi.cdef(cdef)  # parses


def test_every_function_is_declared_and_exported(header_text: str) -> None:
    functions = header_functions(header_text)
    assert "lsm_view_from_json" in functions and "lsm_lookup_many" in functions
    assert len(functions) >= 30
    cdef = _native.CDEF
    for name in functions:
        assert re.search(r"\b%s\s*\(" % name, cdef), name
        assert callable(getattr(_native.lib, name)), name


def test_every_integer_constant(header_text: str) -> None:
    defines = re.findall(
        r"^#\s*define\s+(LSM_[A-Z0-9_]+)\s+(-?[0-9]+)u?\b", strip_comments(header_text), re.M
    )
    assert len(defines) >= 50
    for name, value in defines:
        assert getattr(_native.lib, name) == int(value), name
    assert header_error_codes(header_text)["LSM_ERR_JSON"] == _native.lib.LSM_ERR_JSON


def test_lookup_rule_enum_matches_header() -> None:
    from libsourcemap import LookupRule

    for rule in LookupRule:
        assert getattr(_native.lib, "LSM_RULE_" + rule.name) == rule.value


def test_strip_comments_keeps_literals() -> None:
    text = 'a /* x "y" */ b "c /* not */ d" // e\n/* 1\n2 */ f \'/\''
    assert strip_comments(text) == 'a   b "c /* not */ d" \n \n f \'/\''
    with pytest.raises(ValueError):
        strip_comments("/* open")
    with pytest.raises(ValueError):
        strip_comments('"open')


def test_preprocessor_handling() -> None:
    header = """
    #ifndef GUARD
    #define GUARD
    #include <stdint.h>
    #ifdef __cplusplus
    extern "C" {
    #endif
    #if defined(X) && defined(__GNUC__)
    #define API __attribute__((visibility("default")))
    #else
    #define API
    #endif
    #define HEX 0x1F
    #define NEG -3
    #define BIG 4294967295u
    #define STR "1.0"
    #define EXPR (1 << 3)
    #define LONG_ONE \\
        7
    LSM_API int lsm_f(int a, /* comment */ int b);
    #ifdef __cplusplus
    }
    #else
    typedef int c_only_t;
    #endif
    #endif
    """
    cdef = cdef_from_header(header)
    assert cdef.split("\n") == [
        "#define HEX 0x1F",
        "#define NEG -3",
        "#define BIG 4294967295u",
        "#define LONG_ONE 7",
        "    int lsm_f(int a,   int b);",
        "    typedef int c_only_t;",
        "",
    ]
    with pytest.raises(ValueError):
        cdef_from_header("#if X\nint a;\n")
    with pytest.raises(ValueError):
        cdef_from_header("int a;\n#endif\n")
    with pytest.raises(ValueError):
        cdef_from_header('extern "C" {\nint a;\n}\n')


def test_header_version(header_text: str) -> None:
    assert header_version(header_text) == (REPO / "VERSION").read_text().strip()
    with pytest.raises(ValueError):
        header_version("#define NOTHING 1")
