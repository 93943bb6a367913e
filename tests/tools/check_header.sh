#!/usr/bin/env bash
# The public header compiles alone, twice over (include guard), as strict
# C99 and C11 and as C++11 and C++17, with every warning an error.
#
# Usage: check_header.sh PATH/TO/libsourcemap.h
# Environment: CC (default cc), CXX (default g++, then c++). Exits 77
# (meson's "skipped") only when no C++ compiler exists at all.
set -euo pipefail

header=${1:?usage: check_header.sh PATH/TO/libsourcemap.h}
cc=${CC:-cc}
cxx=${CXX:-}
if [[ -z $cxx ]]; then
  cxx=$(command -v g++ || command -v c++ || true)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Twice, to exercise the include guard; then something that uses it.
cat > "$tmp/use.c" <<EOC
#include "$header"
#include "$header"
int lsm_header_check(void);
int lsm_header_check(void) {
    lsm_error_t err;
    lsm_token_t tok;
    err.code = LSM_OK;
    tok.src_id = LSM_NO_ID;
    return err.code + (tok.src_id == LSM_NO_ID);
}
EOC

warnings=(-Wall -Wextra -pedantic -Werror -Wundef -Wshadow -Wcast-qual -Wconversion)
status=0
for std in c99 c11; do
  if $cc -std=$std "${warnings[@]}" -Wstrict-prototypes -Wmissing-prototypes \
      -fsyntax-only -x c "$tmp/use.c"; then
    echo "ok: $cc -std=$std"
  else
    echo "FAIL: $cc -std=$std"; status=1
  fi
done

if [[ -z $cxx ]]; then
  echo "no C++ compiler (g++ or c++): C++ check skipped"
  exit $(( status ? status : 77 ))
fi
for std in c++11 c++17; do
  if $cxx -std=$std "${warnings[@]}" -Wold-style-cast -fsyntax-only -x c++ "$tmp/use.c"; then
    echo "ok: $cxx -std=$std"
  else
    echo "FAIL: $cxx -std=$std"; status=1
  fi
done
exit $status
