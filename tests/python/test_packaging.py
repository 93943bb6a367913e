"""Packaging: the in-tree build backend makes a py3-none-<platform> wheel
with libsourcemap.so.0, the header and VERSION inside, that imports from
anywhere; and an sdist that holds what building needs.

The wheel is built for real (meson on the repository's meson.build, the
library target only: a few seconds). tests/python/check_wheel.sh goes
further: pip builds the wheel in isolation, installs it into a fresh virtual
environment and runs this whole suite against the installed package.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import pathlib
import struct
import subprocess
import sys
import sysconfig
import tarfile
import textwrap
import zipfile
from typing import Dict, Iterator, Tuple

import pytest

from libsourcemap._prebuilt import header_digest
from lsm_testutil import REPO

BACKEND_DIR = REPO / "python" / "_backend"
VERSION = (REPO / "VERSION").read_text().strip()
PLATFORM = sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _backend(call: str, out: pathlib.Path) -> str:
    """Runs one backend hook in a fresh interpreter in the source tree, as a
    PEP 517 frontend does."""
    code = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, %r)
        import libsourcemap_build as backend
        print(backend.%s(%r))
        """
        % (str(BACKEND_DIR), call, str(out))
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=str(REPO),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("wheel")
    name = _backend("build_wheel", out)
    return out / name


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("sdist")
    name = _backend("build_sdist", out)
    return out / name


def test_wheel_name_and_tag(wheel: pathlib.Path) -> None:
    assert wheel.name == "libsourcemap-%s-py3-none-%s.whl" % (VERSION, PLATFORM)
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("libsourcemap-%s.dist-info/WHEEL" % VERSION).decode()
    assert "Tag: py3-none-%s\n" % PLATFORM in text
    assert "Root-Is-Purelib: false\n" in text


def test_wheel_contents(wheel: pathlib.Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        pkg = {n for n in names if n.startswith("libsourcemap/")}
        expected_py = {
            "libsourcemap/" + p.relative_to(REPO / "python" / "libsourcemap").as_posix()
            for p in (REPO / "python" / "libsourcemap").rglob("*.py")
        }
        assert expected_py <= pkg
        for required in (
            "libsourcemap/py.typed",
            "libsourcemap/libsourcemap.so.0",
            "libsourcemap/_include/libsourcemap.h",
            "libsourcemap/_lsm_ffi.py",
            "libsourcemap/VERSION",
        ):
            assert required in names
        # cffi's type table, made from the header the wheel carries.
        table = zf.read("libsourcemap/_lsm_ffi.py").decode()
        digest = header_digest((REPO / "include" / "libsourcemap.h").read_text(encoding="utf-8").encode())
        assert table.endswith("HEADER_DIGEST = %r\n" % digest)
        assert "_cffi_backend.FFI('libsourcemap._lsm_ffi'" in table
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        assert not [n for n in names if n.startswith("_backend")]
        # The header inside is the repository's, byte for byte.
        assert zf.read("libsourcemap/_include/libsourcemap.h") == (
            REPO / "include" / "libsourcemap.h"
        ).read_bytes()
        assert zf.read("libsourcemap/VERSION").decode().strip() == VERSION
        mode = zf.getinfo("libsourcemap/libsourcemap.so.0").external_attr >> 16
        assert mode & 0o111
        metadata = zf.read("libsourcemap-%s.dist-info/METADATA" % VERSION).decode()
    assert "Name: libsourcemap\n" in metadata
    assert "Version: %s\n" % VERSION in metadata
    assert "Requires-Dist: cffi" in metadata
    assert "Requires-Python: >=3.8\n" in metadata
    # The core needs cffi alone; Dask, OpenTelemetry and tqdm are extras.
    requires = [l for l in metadata.splitlines() if l.startswith("Requires-Dist:")]
    assert [l for l in requires if "extra ==" not in l] == ["Requires-Dist: cffi>=1.15"]
    extras = [l for l in metadata.splitlines() if l.startswith("Provides-Extra:")]
    assert extras == ["Provides-Extra: dask", "Provides-Extra: otel", "Provides-Extra: progress"]
    assert [l for l in requires if "extra ==" in l] == [
        'Requires-Dist: dask[distributed]>=2023.1; extra == "dask"',
        'Requires-Dist: opentelemetry-api>=1.20; extra == "otel"',
        'Requires-Dist: tqdm>=4.60; extra == "progress"',
    ]
    assert "Classifier: License :: OSI Approved :: MIT License\n" in metadata
    assert "Keywords: sourcemap,source map,javascript,symbolication\n" in metadata


def test_wheel_record(wheel: pathlib.Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        record_name = "libsourcemap-%s.dist-info/RECORD" % VERSION
        rows = list(csv.reader(io.StringIO(zf.read(record_name).decode())))
        listed = {row[0] for row in rows}
        assert listed == set(zf.namelist())
        for name, digest, size in rows:
            if name == record_name:
                assert digest == "" and size == ""
                continue
            data = zf.read(name)
            algo, _, value = digest.partition("=")
            assert algo == "sha256"
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert value == expected.decode()
            assert int(size) == len(data)


def _elf_dynamic_strings(data: bytes) -> Dict[str, object]:
    """SONAME and NEEDED of a 64-bit little-endian ELF shared object."""
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1
    e_phoff = struct.unpack_from("<Q", data, 0x20)[0]
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 0x36)
    segments = [struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * e_phentsize) for i in range(e_phnum)]
    loads = [(s[3], s[2], s[5]) for s in segments if s[0] == 1]  # vaddr, offset, filesz

    def to_offset(addr: int) -> int:
        for vaddr, off, size in loads:
            if vaddr <= addr < vaddr + size:
                return addr - vaddr + off
        raise AssertionError("address outside the file")

    dynamic = next(s for s in segments if s[0] == 2)
    entries: Iterator[Tuple[int, int]] = (
        struct.unpack_from("<qQ", data, dynamic[2] + i * 16) for i in range(dynamic[5] // 16)
    )
    tags = list(entries)
    strtab = to_offset(next(v for t, v in tags if t == 5))

    def string(off: int) -> str:
        end = data.index(b"\0", strtab + off)
        return data[strtab + off : end].decode()

    return {
        "SONAME": [string(v) for t, v in tags if t == 14],
        "NEEDED": [string(v) for t, v in tags if t == 1],
    }


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF only")
def test_wheel_library_soname(wheel: pathlib.Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        data = zf.read("libsourcemap/libsourcemap.so.0")
    dyn = _elf_dynamic_strings(data)
    assert dyn["SONAME"] == ["libsourcemap.so.0"]


def test_wheel_installs_and_imports_anywhere(wheel: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Unpacked where nothing of the checkout is around, the package loads
    its own library and header, and works."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    (site / "libsourcemap" / "libsourcemap.so.0").chmod(0o755)
    fixture = REPO / "tests" / "fixtures" / "bundlers" / "esbuild" / "app.min.js.map"
    code = textwrap.dedent(
        """
        import json, sys
        import libsourcemap
        from libsourcemap import _native, from_json
        view = from_json(open(sys.argv[1], "rb").read())
        print(json.dumps({
            "module": libsourcemap.__file__,
            "library": libsourcemap.library_path,
            "header": str(_native.HEADER_PATH),
            "checkout": str(_native.CHECKOUT_ROOT),
            "ffi": _native.FFI_SOURCE,
            "pycparser": "pycparser" in sys.modules,
            "version": libsourcemap.__version__,
            "native": libsourcemap.library_version(),
            "tokens": len(view),
            "token": list(view.lookup_token(0, 100)),
        }))
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LIBSOURCEMAP_LIBRARY", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, "-c", code, str(fixture)],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["module"].startswith(str(site))
    assert info["library"] == str(site / "libsourcemap" / "libsourcemap.so.0")
    assert info["header"] == str(site / "libsourcemap" / "_include" / "libsourcemap.h")
    assert info["checkout"] == "None"
    assert info["ffi"] == str(site / "libsourcemap" / "_lsm_ffi.py")
    assert info["pycparser"] is False
    assert info["version"] == info["native"] == VERSION
    assert info["tokens"] == 1003
    assert info["token"][:2] == [0, 97]


def test_metadata_hook_matches_the_wheel(wheel: pathlib.Path, tmp_path: pathlib.Path) -> None:
    name = _backend("prepare_metadata_for_build_wheel", tmp_path)
    assert name == "libsourcemap-%s.dist-info" % VERSION
    with zipfile.ZipFile(wheel) as zf:
        for part in ("METADATA", "WHEEL"):
            assert (tmp_path / name / part).read_bytes() == zf.read("%s/%s" % (name, part))


def test_sdist_contents(sdist: pathlib.Path) -> None:
    assert sdist.name == "libsourcemap-%s.tar.gz" % VERSION
    base = "libsourcemap-%s/" % VERSION
    with tarfile.open(sdist) as tar:
        names = set(tar.getnames())
        pkg_info = tar.extractfile(base + "PKG-INFO").read().decode()  # type: ignore[union-attr]
    assert all(n.startswith(base) for n in names)
    rel = {n[len(base) :] for n in names}
    for required in (
        "pyproject.toml",
        "VERSION",
        "meson.build",
        "meson_options.txt",
        "include/libsourcemap.h",
        "src/meson.build",
        "src/libsourcemap.map",
        "python/_backend/libsourcemap_build.py",
        "python/_backend/gen_lsm_ffi.py",
        "python/libsourcemap/__init__.py",
        "python/libsourcemap/py.typed",
        "tests/meson.build",
        "PKG-INFO",
    ):
        assert required in rel, required
    c_sources = {p.relative_to(REPO).as_posix() for p in (REPO / "src").rglob("*.c")}
    assert c_sources and c_sources <= rel
    meson_files = {
        p.relative_to(REPO).as_posix()
        for tree in ("src", "tests")
        for p in (REPO / tree).rglob("meson.build")
        if "node_modules" not in p.parts
    }
    assert meson_files and meson_files <= rel
    assert not [n for n in rel if "node_modules" in n or "__pycache__" in n]
    assert not [n for n in rel if n.startswith(("build/", ".git/"))]
    assert not [n for n in rel if ".so" in n.rsplit("/", 1)[-1]]
    assert not [n for n in rel if n.endswith("/_lsm_ffi.py")]  # made by each build
    assert "Version: %s\n" % VERSION in pkg_info


def test_pyproject_declares_the_backend() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        tomllib = pytest.importorskip("tomli")
    with open(REPO / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)
    system = project["build-system"]
    assert system["build-backend"] == "libsourcemap_build"
    assert system["backend-path"] == ["python/_backend"]
    assert any(r.startswith("meson") for r in system["requires"])
    assert any(r.startswith("cffi") for r in system["requires"])  # the wheel's type table
    assert any(r.startswith("ninja") for r in system["requires"])
    assert project["project"]["dynamic"] == ["version"]
    assert "version" not in project["project"]
