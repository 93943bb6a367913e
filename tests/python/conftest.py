"""Test setup for the Python package.

From a source checkout, ``python/`` goes first on sys.path so that ``import
libsourcemap`` is the checkout's package (which loads ``build/libsourcemap.so``
and reads ``include/libsourcemap.h``). With ``LIBSOURCEMAP_TEST_INSTALLED=1``
nothing is added: the tests run against the installed package (as
``tests/python/check_wheel.sh`` does with a freshly installed wheel).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALLED = os.environ.get("LIBSOURCEMAP_TEST_INSTALLED") == "1"

if not INSTALLED:
    sys.path.insert(0, str(REPO / "python"))

from lsm_testutil import SMALL_MAP  # noqa: E402

HEADER = REPO / "include" / "libsourcemap.h"


@pytest.fixture(scope="session")
def header_text() -> str:
    return HEADER.read_text(encoding="utf-8")


@pytest.fixture
def small_map() -> bytes:
    """A hand-written map with every property set (see lsm_testutil)."""
    return SMALL_MAP
