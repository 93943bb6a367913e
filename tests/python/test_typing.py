"""The package and the build backend pass ``mypy --strict`` (with the
configuration in pyproject.toml), and the package ships py.typed."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import libsourcemap
from lsm_testutil import REPO


def test_py_typed_is_shipped() -> None:
    assert (pathlib.Path(libsourcemap.__file__).parent / "py.typed").is_file()


def test_mypy_strict() -> None:
    try:
        import mypy  # noqa: F401
    except ImportError:  # pragma: no cover
        raise AssertionError("mypy is needed for this test: pip install mypy") from None
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(REPO / "pyproject.toml"),
            str(REPO / "python" / "libsourcemap"),
            str(REPO / "python" / "_backend" / "libsourcemap_build.py"),
        ],
        cwd=str(REPO),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
