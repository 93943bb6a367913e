"""The in-tree PEP 517 build backend of the libsourcemap Python package.

``pip install .`` / ``pip wheel .`` call it (pyproject.toml names it with
``backend-path``). To build a wheel it

1. reads the version from ``VERSION`` (the one source of truth) and checks
   that the header's ``LSM_VERSION_STRING`` equals it;
2. runs meson on the repository's ``meson.build`` in a temporary directory
   and builds the shared library target alone (no tests, no tools);
3. stages the pure-Python package ``python/libsourcemap`` with the built
   library as ``libsourcemap.so.0`` (its SONAME; the loader looks for that
   file name), a copy of ``include/libsourcemap.h`` as
   ``_include/libsourcemap.h`` (the loader checks the version against it,
   and parses it into cffi declarations if it must), cffi's pre-parsed type
   table for that header as ``_lsm_ffi.py`` (``gen_lsm_ffi.py``, beside
   this file: the import needs no pycparser) and a copy of ``VERSION``;
4. zips it as ``libsourcemap-<version>-py3-none-<platform>.whl``: no Python
   extension inside, so one wheel serves every CPython 3.

An sdist holds what building needs: the C sources, the header, the meson
files, ``VERSION``, the tests meson reads, and the Python package.

Settings (``--config-settings`` / ``-C``):

* ``builddir=<dir>``: use (and keep) this meson build directory;
* ``setup-args=<args>``: extra ``meson setup`` arguments, space-separated.

Only the standard library (plus tomli before Python 3.11) is needed to run
this; meson, ninja and cffi (for the type table) are build requirements in
pyproject.toml.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib
import importlib.util
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "prepare_metadata_for_build_wheel",
    "build_wheel",
    "build_sdist",
]

ConfigSettings = Optional[Mapping[str, Union[str, List[str]]]]

NAME = "libsourcemap"
LIBRARY_FILE = "libsourcemap.so.0"  # the SONAME; the loader looks for it
HEADER_IN_PACKAGE = "_include/libsourcemap.h"
FFI_TABLE = "_lsm_ffi.py"  # generated for each build, never taken from the tree

# What an sdist holds: these files and trees, less the excluded names.
SDIST_FILES = ["pyproject.toml", "VERSION", "meson.build", "meson_options.txt"]
SDIST_OPTIONAL_FILES = ["README.md", "README", "LICENSE", "LICENSE.txt", "COPYING"]
SDIST_TREES = ["include", "src", "tests", "tools", "python", "docs", "examples", "scripts"]
SDIST_EXCLUDED_DIRS = {
    ".git",
    "__pycache__",
    "node_modules",
    ".mypy_cache",
    ".pytest_cache",
    "_include",
}
SDIST_EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".so", ".o", ".a", ".dylib")


def _root() -> Path:
    # PEP 517 runs hooks in the source tree's root.
    return Path.cwd()


def _pyproject(root: Path) -> Dict[str, Any]:
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def _version(root: Path) -> str:
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)", version):
        raise RuntimeError("VERSION holds %r, not a version" % version)
    header = (root / "include" / "libsourcemap.h").read_text(encoding="utf-8")
    m = re.search(r'^#\s*define\s+LSM_VERSION_STRING\s+"([^"]*)"', header, re.MULTILINE)
    if not m or m.group(1) != version:
        raise RuntimeError(
            "include/libsourcemap.h LSM_VERSION_STRING (%s) does not match VERSION (%s)"
            % (m.group(1) if m else "missing", version)
        )
    return version


def _settings(config_settings: ConfigSettings) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for key, value in (config_settings or {}).items():
        out[key] = " ".join(value) if isinstance(value, list) else str(value)
    return out


# ----------------------------------------------------------------- metadata


def _metadata(root: Path, version: str) -> str:
    project = _pyproject(root)["project"]
    lines = [
        "Metadata-Version: 2.1",
        "Name: %s" % project["name"],
        "Version: %s" % version,
        "Summary: %s" % project.get("description", ""),
    ]
    if "requires-python" in project:
        lines.append("Requires-Python: %s" % project["requires-python"])
    license_ = project.get("license", {})
    if isinstance(license_, dict) and "text" in license_:
        lines.append("License: %s" % license_["text"])
    if project.get("keywords"):
        lines.append("Keywords: %s" % ",".join(project["keywords"]))
    for classifier in project.get("classifiers", []):
        lines.append("Classifier: %s" % classifier)
    for dep in project.get("dependencies", []):
        lines.append("Requires-Dist: %s" % dep)
    for extra, deps in sorted(project.get("optional-dependencies", {}).items()):
        lines.append("Provides-Extra: %s" % extra)
        for dep in deps:
            lines.append('Requires-Dist: %s; extra == "%s"' % (dep, extra))
    return "\n".join(lines) + "\n"


def _entry_points(root: Path) -> str:
    """entry_points.txt for [project.scripts], or "" when there are none."""
    scripts = _pyproject(root)["project"].get("scripts", {})
    if not scripts:
        return ""
    lines = ["[console_scripts]"] + ["%s = %s" % (k, v) for k, v in sorted(scripts.items())]
    return "\n".join(lines) + "\n"


def platform_tag() -> str:
    """This interpreter's platform as a wheel tag (``linux_x86_64``)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", sysconfig.get_platform())


def wheel_tag() -> str:
    return "py3-none-%s" % platform_tag()


def _wheel_file(tag: str) -> str:
    return "\n".join(
        [
            "Wheel-Version: 1.0",
            "Generator: libsourcemap_build",
            "Root-Is-Purelib: false",
            "Tag: %s" % tag,
        ]
    ) + "\n"


def _dist_info(version: str) -> str:
    return "%s-%s.dist-info" % (NAME, version)


def get_requires_for_build_wheel(config_settings: ConfigSettings = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: ConfigSettings = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: ConfigSettings = None
) -> str:
    root = _root()
    version = _version(root)
    dist_info = Path(metadata_directory) / _dist_info(version)
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(_metadata(root, version), encoding="utf-8")
    (dist_info / "WHEEL").write_text(_wheel_file(wheel_tag()), encoding="utf-8")
    entry_points = _entry_points(root)
    if entry_points:
        (dist_info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    return dist_info.name


# -------------------------------------------------------------------- meson


def _meson_command() -> List[str]:
    # Prefer the meson this interpreter can import (the build requirement
    # pip installed), then one on PATH.
    if importlib.util.find_spec("mesonbuild") is not None:
        return [sys.executable, "-m", "mesonbuild.mesonmain"]
    found = shutil.which("meson")
    if not found:
        raise RuntimeError("meson is needed to build libsourcemap.so: pip install meson ninja")
    return [found]


def _build_env() -> Dict[str, str]:
    env = dict(os.environ)
    try:
        ninja = importlib.import_module("ninja")
        bin_dir = str(getattr(ninja, "BIN_DIR"))
    except (ImportError, AttributeError):
        return env
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    exe = os.path.join(bin_dir, "ninja.exe" if os.name == "nt" else "ninja")
    if os.path.exists(exe):
        env["NINJA"] = exe
    return env


def _run(cmd: List[str], env: Dict[str, str]) -> None:
    print("+ " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, env=env, stdout=sys.stderr)


def build_library(root: Path, builddir: Path, setup_args: List[str], target: str) -> Path:
    """Configures meson in `builddir` (unless already configured) and
    builds the shared library target alone. Returns the library's real
    file."""
    meson = _meson_command()
    env = _build_env()
    if not (builddir / "meson-private" / "coredata.dat").exists():
        _run(
            meson
            + ["setup", str(builddir), str(root), "--buildtype=release"]
            + setup_args,
            env,
        )
    _run(meson + ["compile", "-C", str(builddir), target], env)
    for name in (LIBRARY_FILE, "libsourcemap.so"):
        candidate = builddir / name
        if candidate.exists():
            return candidate.resolve()
    raise RuntimeError("meson built no %s in %s" % (LIBRARY_FILE, builddir))


# ------------------------------------------------------------------- wheel


def _package_files(package_dir: Path) -> Iterator[Tuple[Path, str]]:
    """The package's own files (Python, py.typed) as (path, name in the
    package), leaving out build leftovers and generated copies."""
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir)
        if path.is_dir() or any(part in SDIST_EXCLUDED_DIRS for part in rel.parts):
            continue
        if path.suffix in (".pyc", ".pyo") or path.name.startswith("libsourcemap.so"):
            continue
        if path.name in ("VERSION", FFI_TABLE):
            continue
        yield path, rel.as_posix()


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _zip_time() -> Tuple[int, int, int, int, int, int]:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    t = time.gmtime(max(epoch, 315532800))
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


class _WheelWriter:
    def __init__(self, path: Path) -> None:
        self.zf = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.records: List[Tuple[str, str, int]] = []
        self.when = _zip_time()

    def add(self, name: str, data: bytes, mode: int = 0o644) -> None:
        info = zipfile.ZipInfo(name, date_time=self.when)
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zf.writestr(info, data)
        self.records.append((name, _record_hash(data), len(data)))

    def close(self, record_name: str) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for name, digest, size in self.records:
            writer.writerow([name, digest, size])
        writer.writerow([record_name, "", ""])
        info = zipfile.ZipInfo(record_name, date_time=self.when)
        info.external_attr = (0o100000 | 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zf.writestr(info, buf.getvalue().encode("utf-8"))
        self.zf.close()


def _ffi_table(header: Path, tmp: Path) -> bytes:
    """cffi's pre-parsed type table for `header` (gen_lsm_ffi.py, which
    sits beside this backend on its backend-path)."""
    try:
        import gen_lsm_ffi
    except ImportError:  # pragma: no cover - run other than as the backend
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import gen_lsm_ffi
    out = tmp / FFI_TABLE
    try:
        gen_lsm_ffi.generate(str(header), str(out))
    except ImportError as exc:
        raise RuntimeError(
            "cffi is needed to build the wheel (its type table): pip install cffi (%s)" % exc
        ) from exc
    return out.read_bytes()


def build_wheel(
    wheel_directory: str,
    config_settings: ConfigSettings = None,
    metadata_directory: Optional[str] = None,
) -> str:
    root = _root()
    version = _version(root)
    settings = _settings(config_settings)
    options = _pyproject(root).get("tool", {}).get("libsourcemap-build", {})
    package_dir = root / options.get("package-dir", "python/libsourcemap")
    target = options.get("meson-target", "sourcemap")
    header = root / options.get("header", "include/libsourcemap.h")

    with tempfile.TemporaryDirectory(prefix="libsourcemap-build-") as tmp:
        builddir = Path(settings["builddir"]) if settings.get("builddir") else Path(tmp) / "build"
        library = build_library(
            root, builddir.resolve(), shlex.split(settings.get("setup-args", "")), target
        )

        tag = wheel_tag()
        wheel_name = "%s-%s-%s.whl" % (NAME, version, tag)
        out = Path(wheel_directory) / wheel_name
        out.parent.mkdir(parents=True, exist_ok=True)
        writer = _WheelWriter(out)
        try:
            for path, rel in _package_files(package_dir):
                writer.add("%s/%s" % (NAME, rel), path.read_bytes())
            writer.add("%s/%s" % (NAME, HEADER_IN_PACKAGE), header.read_bytes())
            writer.add("%s/%s" % (NAME, FFI_TABLE), _ffi_table(header, Path(tmp)))
            writer.add("%s/VERSION" % NAME, (version + "\n").encode("ascii"))
            writer.add("%s/%s" % (NAME, LIBRARY_FILE), library.read_bytes(), 0o755)
            dist_info = _dist_info(version)
            writer.add(
                "%s/METADATA" % dist_info, _metadata(root, version).encode("utf-8")
            )
            writer.add("%s/WHEEL" % dist_info, _wheel_file(tag).encode("utf-8"))
            entry_points = _entry_points(root)
            if entry_points:
                writer.add("%s/entry_points.txt" % dist_info, entry_points.encode("utf-8"))
            writer.close("%s/RECORD" % dist_info)
        except BaseException:
            writer.zf.close()
            out.unlink()
            raise
    return wheel_name


# -------------------------------------------------------------------- sdist


def _sdist_members(root: Path) -> Iterator[Path]:
    for name in SDIST_FILES:
        path = root / name
        if not path.is_file():
            raise RuntimeError("%s is missing; cannot make an sdist" % name)
        yield path
    for name in SDIST_OPTIONAL_FILES:
        if (root / name).is_file():
            yield root / name
    for tree in SDIST_TREES:
        base = root / tree
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in SDIST_EXCLUDED_DIRS)
            for filename in sorted(filenames):
                path = Path(dirpath) / filename
                if filename.endswith(SDIST_EXCLUDED_SUFFIXES) or ".so." in filename:
                    continue
                if filename == FFI_TABLE:  # generated by each build
                    continue
                yield path


def build_sdist(sdist_directory: str, config_settings: ConfigSettings = None) -> str:
    root = _root()
    version = _version(root)
    base = "%s-%s" % (NAME, version)
    out = Path(sdist_directory) / ("%s.tar.gz" % base)
    out.parent.mkdir(parents=True, exist_ok=True)
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))

    def normalize(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = mtime
        return info

    with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for path in _sdist_members(root):
            tar.add(
                str(path),
                arcname="%s/%s" % (base, path.relative_to(root).as_posix()),
                recursive=False,
                filter=normalize,
            )
        pkg_info = _metadata(root, version).encode("utf-8")
        info = normalize(tarfile.TarInfo("%s/PKG-INFO" % base))
        info.size = len(pkg_info)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(pkg_info))
    return out.name
