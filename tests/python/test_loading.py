"""Finding and loading libsourcemap.so, and the version check."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
from typing import Dict, Optional

import pytest

import libsourcemap
from libsourcemap import _native
from libsourcemap._native import Candidate, check_version, library_candidates, load_library
from lsm_testutil import REPO

INSTALLED = os.environ.get("LIBSOURCEMAP_TEST_INSTALLED") == "1"


def run_python(code: str, env_extra: Optional[Dict[str, str]] = None, cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LIBSOURCEMAP_LIBRARY"}
    if not INSTALLED:
        env["PYTHONPATH"] = str(REPO / "python")
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_where_things_come_from() -> None:
    pkg = pathlib.Path(libsourcemap.__file__).resolve().parent
    if INSTALLED:
        # The installed package: its own library, header and VERSION.
        assert _native.CHECKOUT_ROOT is None
        assert not str(pkg).startswith(str(REPO / "python"))
        assert pathlib.Path(libsourcemap.library_path).parent == pkg
        assert _native.HEADER_PATH == pkg / "_include" / "libsourcemap.h"
        assert _native.VERSION_PATH == pkg / "VERSION"
    else:
        assert _native.CHECKOUT_ROOT == REPO
        assert pkg == REPO / "python" / "libsourcemap"
        assert _native.HEADER_PATH == REPO / "include" / "libsourcemap.h"
        assert _native.VERSION_PATH == REPO / "VERSION"
        if not os.environ.get("LIBSOURCEMAP_LIBRARY"):
            assert libsourcemap.library_path in (
                str(REPO / "build" / "libsourcemap.so"),
                str(pkg / "libsourcemap.so.0"),
            )


def test_candidates_in_order() -> None:
    cands = library_candidates({"LIBSOURCEMAP_LIBRARY": "/opt/x/libsourcemap.so"})
    descriptions = [c.description for c in cands]
    assert descriptions[0] == "$LIBSOURCEMAP_LIBRARY"
    assert cands[0].target == "/opt/x/libsourcemap.so"
    assert descriptions[1] == "the copy inside the package"
    assert pathlib.Path(cands[1].target).parent == _native.PACKAGE_DIR
    if _native.CHECKOUT_ROOT is not None:
        assert descriptions[2] == "the meson build directory of the checkout"
        assert cands[2].target == str(REPO / "build" / "libsourcemap.so")
    else:
        assert len(cands) == 3
    assert cands[-1] == Candidate("the system library", "libsourcemap.so.0", False)
    # Without the variable (or with it empty) the override is not tried.
    assert library_candidates({})[0].description == "the copy inside the package"
    assert library_candidates({"LIBSOURCEMAP_LIBRARY": ""})[0].description != "$LIBSOURCEMAP_LIBRARY"


def test_one_error_lists_every_failure(tmp_path: pathlib.Path) -> None:
    not_a_library = tmp_path / "libsourcemap.so"
    not_a_library.write_text("not an ELF file")
    cands = [
        Candidate("$LIBSOURCEMAP_LIBRARY", str(tmp_path / "missing.so"), True),
        Candidate("the copy inside the package", str(not_a_library), True),
        Candidate("the system library", "libsourcemap-does-not-exist.so.7", False),
    ]
    with pytest.raises(OSError) as info:
        load_library(_native.ffi, cands)
    message = str(info.value)
    assert message.count("\n  - ") == 3
    assert "$LIBSOURCEMAP_LIBRARY (%s): no such file" % (tmp_path / "missing.so") in message
    assert "the copy inside the package (%s): " % not_a_library in message
    assert "the system library (libsourcemap-does-not-exist.so.7): " in message
    assert "LIBSOURCEMAP_LIBRARY" in message.splitlines()[-1]


def test_first_that_loads_wins(tmp_path: pathlib.Path) -> None:
    cands = [
        Candidate("$LIBSOURCEMAP_LIBRARY", str(tmp_path / "missing.so"), True),
        Candidate("real", libsourcemap.library_path, os.path.sep in libsourcemap.library_path),
    ]
    lib, where = load_library(_native.ffi, cands)
    assert where == libsourcemap.library_path
    assert _native.ffi.string(lib.lsm_version()).decode() == libsourcemap.__version__


def test_check_version() -> None:
    check_version("1.2.3", "1.2.3", "/x/libsourcemap.so")
    with pytest.raises(ImportError) as info:
        check_version("0.0.9", "1.2.3", "/x/libsourcemap.so")
    message = str(info.value)
    assert "/x/libsourcemap.so" in message
    assert "0.0.9" in message and "1.2.3" in message
    assert "LIBSOURCEMAP_LIBRARY" in message


def test_versions_agree(header_text: str) -> None:
    from libsourcemap._cdef import header_version

    version = (REPO / "VERSION").read_text().strip()
    assert libsourcemap.__version__ == version
    assert libsourcemap.library_version() == version
    assert header_version(header_text) == version
    assert header_version(_native.HEADER_TEXT) == version
    major, minor, patch = (int(p) for p in version.split(".")[:3])
    assert _native.lib.lsm_version_number() == major * 10000 + minor * 100 + patch


def test_environment_override(tmp_path: pathlib.Path) -> None:
    copy = tmp_path / "custom" / "libsourcemap.so"
    copy.parent.mkdir()
    shutil.copy(os.path.realpath(libsourcemap.library_path) if os.path.sep in libsourcemap.library_path else libsourcemap.library_path, copy)
    result = run_python(
        "import libsourcemap; print(libsourcemap.library_path)",
        {"LIBSOURCEMAP_LIBRARY": str(copy)},
        cwd=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(copy)


def test_missing_override_falls_through(tmp_path: pathlib.Path) -> None:
    result = run_python(
        "import libsourcemap; print(libsourcemap.library_path)",
        {"LIBSOURCEMAP_LIBRARY": str(tmp_path / "nope.so")},
        cwd=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() != str(tmp_path / "nope.so")


def _compile_stub(tmp_path: pathlib.Path, version: str) -> pathlib.Path:
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc") or shutil.which("clang")
    assert cc, "a C compiler is needed (it builds libsourcemap.so too)"
    src = tmp_path / "stub.c"
    src.write_text('const char *lsm_version(void) { return "%s"; }\n' % version)
    out = tmp_path / "libstub.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(out), str(src)], check=True)
    return out


def test_version_mismatch_is_refused(tmp_path: pathlib.Path) -> None:
    stub = _compile_stub(tmp_path, "9.9.9")
    result = run_python("import libsourcemap", {"LIBSOURCEMAP_LIBRARY": str(stub)}, cwd=str(tmp_path))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: libsourcemap: the native library %s is version 9.9.9" % stub)
    assert "package is version %s" % libsourcemap.__version__ in last


def test_not_libsourcemap_is_refused(tmp_path: pathlib.Path) -> None:
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc
    src = tmp_path / "other.c"
    src.write_text("int something_else(void) { return 1; }\n")
    out = tmp_path / "libother.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(out), str(src)], check=True)
    result = run_python("import libsourcemap", {"LIBSOURCEMAP_LIBRARY": str(out)}, cwd=str(tmp_path))
    assert result.returncode != 0
    assert "is not libsourcemap" in result.stderr


def test_nothing_loads(tmp_path: pathlib.Path) -> None:
    """With every place failing, importing raises one OSError that lists
    them all. The package is copied somewhere with no library beside it and
    no checkout around it, and the system has none by that soname."""
    pkg = tmp_path / "site" / "libsourcemap"
    shutil.copytree(
        pathlib.Path(libsourcemap.__file__).parent,
        pkg,
        ignore=shutil.ignore_patterns("libsourcemap.so*", "__pycache__"),
    )
    (pkg / "_include").mkdir(exist_ok=True)
    shutil.copy(_native.HEADER_PATH, pkg / "_include" / "libsourcemap.h")
    shutil.copy(_native.VERSION_PATH, pkg / "VERSION")
    code = """
        import ctypes.util, sys
        try:
            import libsourcemap
        except OSError as exc:
            print(exc)
        else:
            print("LOADED", libsourcemap.library_path)
        """
    env = {
        "PYTHONPATH": str(tmp_path / "site"),
        "LIBSOURCEMAP_LIBRARY": str(tmp_path / "missing.so"),
        "LD_LIBRARY_PATH": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**{k: v for k, v in os.environ.items() if k not in env}, **env},
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    if out.startswith("LOADED"):  # pragma: no cover - an installed system copy
        assert "libsourcemap.so.0" in out
        return
    assert out.startswith("libsourcemap: cannot load the native library libsourcemap.so.0")
    assert "$LIBSOURCEMAP_LIBRARY (%s): no such file" % (tmp_path / "missing.so") in out
    assert "the copy inside the package (%s): no such file" % (pkg / "libsourcemap.so.0") in out
    assert "the system library (libsourcemap.so.0): " in out
    assert "meson build directory" not in out  # not a checkout


def test_missing_header_is_a_clear_import_error(tmp_path: pathlib.Path) -> None:
    pkg = tmp_path / "site" / "libsourcemap"
    shutil.copytree(
        pathlib.Path(libsourcemap.__file__).parent,
        pkg,
        ignore=shutil.ignore_patterns("libsourcemap.so*", "__pycache__", "_include"),
    )
    result = subprocess.run(
        [sys.executable, "-c", "import libsourcemap"],
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImportError: libsourcemap: cannot read the C header" in result.stderr
