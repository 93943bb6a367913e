#!/usr/bin/env bash
# Real-world source-map comparison (for CI; not part of the default tests).
#
# Downloads pinned npm packages that ship large production source maps into a
# cache directory, then, for every selected .map, compares the token dump of
#   reference: node tests/fixtures/gen/decode.mjs MAP    (@jridgewell/trace-mapping)
#   candidate: $LSM_DUMP MAP                             (our dump tool)
# Both print "dst_line dst_col src_id src_line src_col name_id" per token.
#
# Environment:
#   LSM_DUMP            required; command to run, split on whitespace, MAP is
#                       appended (e.g. "build/lsm_dump" or "node tests/fixtures/gen/decode.mjs")
#   LSM_REALWORLD_DIR   package cache (default: <repo>/build/realworld)
#   LSM_REALWORLD_FILTER  optional extended regex; only maps whose path matches
#   LSM_SKIP_NPM_CI=1   do not (re)install tests/fixtures/gen/node_modules
#
# Output: per map "OK <path> <ntokens>" or "DIFF <path>" followed by the first
# differing lines (or the tool's error). Exit status 0 when everything agrees,
# 1 on any difference, 2 on a setup error.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GEN="$ROOT/tests/fixtures/gen"
DECODE="$GEN/decode.mjs"

# Pinned packages: "name@version  directory-inside-package-to-search".
PACKAGES=(
  "jquery@4.0.0          ."
  "chart.js@4.6.1        dist"
  "pdfjs-dist@6.5.438    ."
  "maplibre-gl@6.17.0    dist"
  "monaco-editor@0.52.2  min-maps"   # last release that ships min-maps/
)

die() { echo "compare.sh: $*" >&2; exit 2; }

[[ -n "${LSM_DUMP:-}" ]] || die "set LSM_DUMP to the dump command (e.g. LSM_DUMP=build/lsm_dump)"
read -r -a DUMP <<< "$LSM_DUMP"
((${#DUMP[@]})) || die "LSM_DUMP is empty"
command -v node >/dev/null || die "node not found"
command -v npm >/dev/null || die "npm not found"

CACHE="${LSM_REALWORLD_DIR:-$ROOT/build/realworld}"
mkdir -p "$CACHE" || die "cannot create $CACHE"
CACHE="$(cd "$CACHE" && pwd)"

# Reference decoder dependencies.
if [[ "${LSM_SKIP_NPM_CI:-0}" != 1 || ! -d "$GEN/node_modules/@jridgewell/trace-mapping" ]]; then
  if [[ ! -d "$GEN/node_modules/@jridgewell/trace-mapping" ]]; then
    (cd "$GEN" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci in $GEN failed"
  fi
fi

# Fetch each package tarball once (npm pack: the exact pinned version, no
# dependency resolution, no install scripts) and unpack it into the cache.
fetch() {
  local spec="$1" dest="$CACHE/pkgs/$1"
  [[ -f "$dest/.complete" ]] && return 0
  rm -rf "$dest" && mkdir -p "$dest" "$CACHE/tarballs" || return 1
  local tgz
  tgz="$(cd "$CACHE/tarballs" && npm pack --silent --loglevel=error "$spec" 2>/dev/null | tail -n 1)" || return 1
  [[ -n "$tgz" && -f "$CACHE/tarballs/$tgz" ]] || return 1
  tar -xzf "$CACHE/tarballs/$tgz" -C "$dest" || return 1
  rm -f "$CACHE/tarballs/$tgz"
  touch "$dest/.complete"
}

MAPS=()
for entry in "${PACKAGES[@]}"; do
  read -r spec sub _ <<< "$entry"
  echo "== $spec" >&2
  fetch "$spec" || die "could not fetch $spec"
  base="$CACHE/pkgs/$spec/package"; [[ "$sub" == . ]] || base+="/$sub"
  [[ -d "$base" ]] || die "$spec has no $sub/"
  while IFS= read -r -d '' m; do
    MAPS+=("$m")
  done < <(find "$base" -type f -name '*.map' ! -name '*.d.ts.map' ! -path '*/node_modules/*' -print0 | sort -z)
done

if [[ -n "${LSM_REALWORLD_FILTER:-}" ]]; then
  kept=()
  for m in "${MAPS[@]}"; do [[ "$m" =~ $LSM_REALWORLD_FILTER ]] && kept+=("$m"); done
  MAPS=("${kept[@]}")
fi
((${#MAPS[@]})) || die "no maps selected"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lsm-compare.XXXXXX")" || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
REF="$WORK/ref" GOT="$WORK/got" REFERR="$WORK/ref.err" GOTERR="$WORK/got.err"

show_context() { # file line
  local from=$(( $2 > 2 ? $2 - 2 : 1 ))
  sed -n "${from},$(( $2 + 2 ))p" "$1" | sed 's/^/    /'
}

ok=0 bad=0
for m in "${MAPS[@]}"; do
  rel="${m#"$CACHE"/pkgs/}"; rel="${rel/\/package\//\/}"
  node --max-old-space-size=4096 "$DECODE" "$m" > "$REF" 2> "$REFERR"; rs=$?
  "${DUMP[@]}" "$m" > "$GOT" 2> "$GOTERR"; gs=$?

  if ((rs != 0 && gs != 0)); then
    echo "OK $rel 0 (both rejected: $(head -c 200 "$GOTERR" | tr '\n' ' '))"
    ok=$((ok + 1)); continue
  fi
  if ((rs != 0)); then
    echo "DIFF $rel"
    echo "  reference decoder failed (exit $rs), dump succeeded: $(head -c 300 "$REFERR")"
    bad=$((bad + 1)); continue
  fi
  if ((gs != 0)); then
    echo "DIFF $rel"
    echo "  dump failed (exit $gs): $(head -c 300 "$GOTERR")"
    bad=$((bad + 1)); continue
  fi
  if cmp -s "$REF" "$GOT"; then
    echo "OK $rel $(wc -l < "$REF" | tr -d ' ')"
    ok=$((ok + 1)); continue
  fi
  echo "DIFF $rel"
  nref=$(wc -l < "$REF" | tr -d ' '); ngot=$(wc -l < "$GOT" | tr -d ' ')
  echo "  tokens: reference $nref, dump $ngot"
  cmpout="$(cmp "$REF" "$GOT" 2>&1)"
  line="$(sed -n 's/.* line \([0-9][0-9]*\).*/\1/p' <<< "$cmpout")"
  if [[ -z "$line" ]]; then   # one file is a prefix of the other ("EOF on ...")
    line=$(( (nref < ngot ? nref : ngot) + 1 ))
  fi
  echo "  first difference at output line $line"
  echo "  reference:"; show_context "$REF" "$line"
  echo "  dump:";      show_context "$GOT" "$line"
  bad=$((bad + 1))
done

echo "$ok passed, $bad failed"
((bad == 0))
