#!/bin/sh
# Builds the Python package the way users get it and tests what was built,
# not the source tree:
#
#   1. `pip wheel .` (isolated build: meson and ninja come from PyPI) and an
#      sdist from the in-tree backend, then a second wheel built from that
#      sdist, so the sdist is known to be complete;
#   2. a fresh virtual environment with the first wheel installed;
#   3. the whole tests/python suite run by that environment's Python from
#      outside the source tree with LIBSOURCEMAP_TEST_INSTALLED=1, so that
#      `import libsourcemap` is the installed package (its own
#      libsourcemap.so.0 and header), never the checkout.
#
# Needs: python3 with venv and pip, a C compiler, pkg-config, libyajl-dev,
# and PyPI (pip installs meson, ninja, cffi, pytest and mypy).
# Usage: tests/python/check_wheel.sh [work-dir]   (a temporary one otherwise)
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python3}
if [ $# -gt 0 ]; then
    work=$1
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/lsm-wheel.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
unset LIBSOURCEMAP_LIBRARY LIBSOURCEMAP_TEST_INSTALLED PYTHONPATH || true

echo "== building a wheel with pip (isolated build)"
"$python" -m pip wheel --no-deps --disable-pip-version-check -w "$work/dist" "$repo"
wheel=$(ls "$work"/dist/libsourcemap-*.whl)
echo "   $wheel"
case "$wheel" in
    *-py3-none-*.whl) ;;
    *) echo "unexpected wheel tag: $wheel" >&2; exit 1 ;;
esac

echo "== building an sdist, and a wheel from it"
(cd "$repo" && "$python" -c "
import sys
sys.path.insert(0, 'python/_backend')
import libsourcemap_build
print(libsourcemap_build.build_sdist(sys.argv[1]))
" "$work/sdist")
sdist=$(ls "$work"/sdist/libsourcemap-*.tar.gz)
"$python" -m pip wheel --no-deps --disable-pip-version-check -w "$work/from-sdist" "$sdist"
ls "$work"/from-sdist/libsourcemap-*-py3-none-*.whl

echo "== installing the wheel into a fresh virtual environment"
"$python" -m venv "$work/venv"
venv_python=$work/venv/bin/python
# With the optional extras (and the OpenTelemetry SDK for the telemetry
# tests), installed the way a user asks for them.
"$venv_python" -m pip install --disable-pip-version-check -q "$wheel[dask,otel,progress]" \
  opentelemetry-sdk pytest mypy meson ninja

echo "== testing the installed package from outside the source tree"
cd "$work"
LIBSOURCEMAP_TEST_INSTALLED=1 "$venv_python" -c "
import libsourcemap, sys
print('   imported', libsourcemap.__file__)
print('   library ', libsourcemap.library_path)
assert libsourcemap.__file__.startswith(sys.prefix), 'not the installed package'
"
LIBSOURCEMAP_TEST_INSTALLED=1 "$venv_python" -m pytest "$repo/tests/python" -q -p no:cacheprovider
