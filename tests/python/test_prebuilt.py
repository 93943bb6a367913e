"""The pre-parsed cffi type table (``_lsm_ffi.py``, libsourcemap._prebuilt):
made by the build from the header, used only when it was made from exactly
the header the package reads, and equal in every declaration to what the
in-line ``cdef`` gives. And what ``import libsourcemap`` leaves out."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
from typing import Any, Dict, List

import cffi
import pytest

from libsourcemap import _native, _prebuilt
from libsourcemap._cdef import cdef_from_header, header_functions
from lsm_testutil import REPO

INSTALLED = os.environ.get("LIBSOURCEMAP_TEST_INSTALLED") == "1"
GENERATOR = REPO / "python" / "_backend" / "gen_lsm_ffi.py"


def generate(tmp_path: pathlib.Path, header: pathlib.Path) -> pathlib.Path:
    out = tmp_path / _prebuilt.FILE_NAME
    subprocess.run([sys.executable, str(GENERATOR), str(header), str(out)], check=True, timeout=120)
    return out


def run_python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if not INSTALLED:
        env["PYTHONPATH"] = str(REPO / "python")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_uses_a_generated_table() -> None:
    """The tests run with the build's table (meson makes one next to the
    library, the wheel carries one): a table that is missing or stale
    would silently send every import down the slow path, so it fails here.
    """
    assert _native.FFI_SOURCE != "inline"
    where = pathlib.Path(_native.FFI_SOURCE)
    assert where.name == "_lsm_ffi.py"
    text = where.read_text(encoding="utf-8")
    assert "HEADER_DIGEST = %r" % _prebuilt.header_digest(_native.HEADER_TEXT.encode("utf-8")) in text
    if INSTALLED:
        assert where.parent == _native.PACKAGE_DIR
    else:
        # Next to the library loaded, in a meson build directory.
        assert (where.parent / "build.ninja").is_file()


def _shape(ffi: Any, ctype: Any, outer: bool = True) -> str:
    """A C type written the same way whichever FFI made it (the two spell
    names differently: `struct lsm_view *` or `lsm_view_t *`): primitives
    by name, pointers and arrays by what they hold, functions by their
    arguments and result, structs by size and fields with offsets (the
    fields' own structs by size only), opaque structs as such."""
    kind = ctype.kind
    if kind in ("primitive", "void"):
        return ctype.cname
    if kind == "pointer":
        return _shape(ffi, ctype.item, outer) + "*"
    if kind == "array":
        return "%s[%s]" % (_shape(ffi, ctype.item, outer), ctype.length)
    if kind == "function":
        args = ",".join(_shape(ffi, a, outer) for a in ctype.args)
        return "fn(%s%s)->%s" % (args, ",..." if ctype.ellipsis else "", _shape(ffi, ctype.result, outer))
    if kind in ("struct", "union"):
        # sizeof first: it completes the layout (reading .fields of a
        # lazily completed struct before that trips an assertion in some
        # _cffi_backend builds), and it refuses an opaque one.
        try:
            size = ffi.sizeof(ctype)
        except Exception:  # ValueError in-line, ffi.error generated
            return kind + " opaque"
        if not outer:
            return "%s %d/%d" % (kind, size, ffi.alignof(ctype))
        return "%s %d/%d {%s}" % (
            kind,
            size,
            ffi.alignof(ctype),
            ";".join("%s:%s@%d" % (n, _shape(ffi, f.type, False), f.offset) for n, f in ctype.fields),
        )
    return "%s %d" % (kind, ffi.sizeof(ctype))  # enum


def _declarations(ffi: Any, lib: Any, header_text: str) -> Dict[str, str]:
    """Every function's C type, every integer constant's value and every
    declared type (struct layouts included), as text to compare."""
    out: Dict[str, str] = {}
    for name in header_functions(header_text):
        out[name] = _shape(ffi, ffi.typeof(getattr(lib, name)))
    for line in cdef_from_header(header_text).splitlines():
        if line.startswith("#define "):
            name = line.split()[1]
            out[name] = repr(getattr(lib, name))
    typedefs, structs, unions = ffi.list_types()
    for name in typedefs:
        out["typedef " + name] = _shape(ffi, ffi.typeof(name))
    for name in structs:
        out["struct " + name] = _shape(ffi, ffi.typeof("struct " + name))
    for name in unions:
        out["union " + name] = _shape(ffi, ffi.typeof("union " + name))
    return out


def test_same_declarations_as_the_inline_cdef() -> None:
    inline = cffi.FFI()
    inline.cdef(_native.CDEF)
    inline_lib = inline.dlopen(_native.library_path)
    header = _native.HEADER_TEXT
    generated = _declarations(_native.ffi, _native.lib, header)
    expected = _declarations(inline, inline_lib, header)
    assert generated == expected
    assert len(generated) > 150
    assert generated["typedef lsm_token_t"].startswith("struct ")
    assert generated["typedef lsm_view_t"] == "struct opaque"


def test_it_declares_what_the_generator_makes_now(tmp_path: pathlib.Path) -> None:
    """Stale relative to include/libsourcemap.h or to _cdef.py's rules?
    Rebuild (meson compile -C build). Compared by what the tables declare,
    not as text: the build may have run another cffi version."""
    header = REPO / "include" / "libsourcemap.h"
    generate(tmp_path, header)
    fresh, where, skipped = _prebuilt.load(_native.HEADER_TEXT.encode("utf-8"), [str(tmp_path)])
    assert where == str(tmp_path / "_lsm_ffi.py") and skipped == []
    fresh_lib = fresh.dlopen(_native.library_path)
    assert _declarations(_native.ffi, _native.lib, _native.HEADER_TEXT) == _declarations(
        fresh, fresh_lib, _native.HEADER_TEXT
    )


def test_a_table_from_another_header_is_passed_over(tmp_path: pathlib.Path) -> None:
    header = tmp_path / "libsourcemap.h"
    header.write_text(
        _native.HEADER_TEXT + "\n#define LSM_NOT_IN_THE_REAL_HEADER 7\n", encoding="utf-8"
    )
    stale_dir = tmp_path / "stale"
    stale_dir.mkdir()
    generate(stale_dir, header)
    real = _native.HEADER_TEXT.encode("utf-8")
    ffi, where, skipped = _prebuilt.load(real, [str(stale_dir)])
    assert (ffi, where) == (None, "")
    assert skipped == ["%s: made from another header" % (stale_dir / "_lsm_ffi.py")]
    # With a fresh one after it, the fresh one is taken.
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    generate(fresh_dir, REPO / "include" / "libsourcemap.h")
    ffi, where, skipped = _prebuilt.load(real, [str(tmp_path / "none"), str(stale_dir), str(fresh_dir)])
    assert where == str(fresh_dir / "_lsm_ffi.py") and skipped == []
    assert ffi.sizeof("lsm_token_t") == _native.ffi.sizeof("lsm_token_t")
    # The stale one does declare the extra constant: it really is another table.
    stale, _, _ = _prebuilt.load(header.read_text(encoding="utf-8").encode("utf-8"), [str(stale_dir)])
    assert stale.dlopen(_native.library_path).LSM_NOT_IN_THE_REAL_HEADER == 7


def test_a_broken_table_is_passed_over(tmp_path: pathlib.Path) -> None:
    (tmp_path / "_lsm_ffi.py").write_text("raise RuntimeError('half written')\n", encoding="utf-8")
    ffi, where, skipped = _prebuilt.load(b"x", [str(tmp_path)])
    assert ffi is None and where == ""
    assert skipped == ["%s: half written" % (tmp_path / "_lsm_ffi.py")]


def test_digest_names_one_header() -> None:
    assert _prebuilt.header_digest(b"") == "0-00000000-00000001"
    assert _prebuilt.header_digest(b"abc") == "3-352441c2-024d0127"
    assert _prebuilt.header_digest(b"abc") != _prebuilt.header_digest(b"abd")


def test_without_a_fresh_table_the_header_is_parsed(tmp_path: pathlib.Path) -> None:
    """The package copied as an installed one (library, header and VERSION
    inside it): with no table, or one made from another header, it still
    imports, through the in-line cdef, and works; with a fresh table it
    uses that."""
    pkg = tmp_path / "site" / "libsourcemap"
    shutil.copytree(
        pathlib.Path(_native.__file__).parent,
        pkg,
        ignore=shutil.ignore_patterns("libsourcemap.so*", "__pycache__", "_lsm_ffi.py"),
    )
    (pkg / "_include").mkdir(exist_ok=True)
    shutil.copy(_native.HEADER_PATH, pkg / "_include" / "libsourcemap.h")
    shutil.copy(_native.VERSION_PATH, pkg / "VERSION")
    shutil.copy(_native.library_path, pkg / "libsourcemap.so.0")
    code = """
        import sys
        from libsourcemap import _native, View
        view = View.from_json(b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA"}')
        print(_native.FFI_SOURCE, "pycparser" in sys.modules, view.lookup_token(0, 0).src)
        """
    env = {k: v for k, v in os.environ.items() if k != "LIBSOURCEMAP_LIBRARY"}
    env["PYTHONPATH"] = str(tmp_path / "site")

    def run() -> List[str]:
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=str(tmp_path),
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert run() == ["inline", "True", "a.js"]
    other = tmp_path / "other.h"
    other.write_text(_native.HEADER_TEXT + "\n#define LSM_NOT_IN_THE_REAL_HEADER 7\n", encoding="utf-8")
    generate(pkg, other)
    assert run() == ["inline", "True", "a.js"]
    generate(pkg, pkg / "_include" / "libsourcemap.h")
    assert run() == [str(pkg / "_lsm_ffi.py"), "False", "a.js"]


def test_import_leaves_the_heavy_parts_out() -> None:
    """`import libsourcemap` loads neither cffi's parser nor the modules
    only symbolication and scale-out need; each arrives on first use."""
    result = run_python(
        """
        import sys
        before = set(sys.modules)  # what the interpreter's site imported
        import libsourcemap
        heavy = ["pycparser", "cffi", "concurrent.futures", "multiprocessing", "dataclasses",
                 "inspect", "libsourcemap.symbolication", "libsourcemap.scaleout",
                 "libsourcemap.stacktrace", "libsourcemap.js", "libsourcemap.proguard",
                 "libsourcemap._stats"]
        print(" ".join(m for m in heavy if m in sys.modules and m not in before) or "-")
        import libsourcemap.compose, libsourcemap.telemetry  # submodules by their names
        from libsourcemap import Symbolicator, symbolicate_many, Frame, ProguardView, compose
        print(Symbolicator.__module__, symbolicate_many.__module__, Frame.__module__,
              ProguardView.__module__, compose.__module__, type(compose).__name__)
        print(libsourcemap.Artifacts is libsourcemap.symbolication.Artifacts)
        from libsourcemap.telemetry import ViewStats
        print(ViewStats is libsourcemap.ViewStats, ViewStats.__module__)
        print(sorted(set(libsourcemap.__all__) - set(dir(libsourcemap))))
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "-"
    assert lines[1].split() == [
        "libsourcemap.symbolication.symbolicator",
        "libsourcemap.scaleout",
        "libsourcemap.stacktrace",
        "libsourcemap.proguard",
        "libsourcemap.compose",
        "function",
    ]
    assert lines[2:] == ["True", "True libsourcemap.telemetry", "[]"]


def test_submodules_read_as_attributes_still_work() -> None:
    """`import libsourcemap` used to import these; code that reads them as
    attributes of the package gets them on first use."""
    result = run_python(
        """
        import sys
        import libsourcemap
        assert "libsourcemap.scaleout" not in sys.modules
        print(libsourcemap.scaleout.symbolicate_many is libsourcemap.symbolicate_many,
              libsourcemap.symbolication.Symbolicator is libsourcemap.Symbolicator,
              libsourcemap.stacktrace.__name__, libsourcemap.js.__name__, libsourcemap.proguard.__name__)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "libsourcemap.stacktrace",
        "libsourcemap.js",
        "libsourcemap.proguard",
    ]


def test_unknown_attribute_still_raises() -> None:
    import libsourcemap

    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        getattr(libsourcemap, "NoSuchThing")
    with pytest.raises(AttributeError):
        getattr(_native, "NO_SUCH_THING")


def test_every_public_name_resolves() -> None:
    import libsourcemap

    missing: List[str] = [n for n in libsourcemap.__all__ if not hasattr(libsourcemap, n)]
    assert missing == []
