#!/usr/bin/env bash
# Regenerates the end-to-end artifacts under tests/e2e/apps/<app>/ and the
# bundled example of the Python package (python/libsourcemap/data/example/):
#
#   dist/esbuild/app.min.js(.map)        esbuild --bundle --minify (sourcesContent)
#   dist/esbuild-nosrc/app.min.js(.map)  the same without sourcesContent: the
#                                        original sources are read from src/
#   dist/terser/app.min.js(.map)         esbuild --bundle, then terser -c -m with
#                                        the bundle's map as input map (composed)
#   traces/original/<scenario>.txt       Node running src/main.mjs (for the TSX app:
#                                        an unminified bundle under --enable-source-maps)
#   traces/esbuild/<scenario>.txt        Node running dist/esbuild/app.min.js
#   traces/terser/<scenario>.txt         Node running dist/terser/app.min.js
#
# Each scenario (apps/<app>/scenarios.txt) throws an uncaught error several
# calls deep; the trace is Node's stderr. Paths are made machine-independent:
# the absolute path of tests/e2e becomes /e2e (so frames read
# file:///e2e/apps/shop/dist/esbuild/app.min.js:1:2345), and lines longer
# than 240 characters (Node's excerpt of a minified line) are cut.
#
# Runs `npm ci` first (LSM_SKIP_NPM_CI=1 reuses node_modules). Idempotent.
set -euo pipefail

E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E/../.." && pwd)"
cd "$E2E"

if [[ "${LSM_SKIP_NPM_CI:-0}" != 1 || ! -d node_modules ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
BIN="$E2E/node_modules/.bin"
NODE_VERSION="$(node --version)"
ESBUILD_VERSION="$("$BIN/esbuild" --version)"
TERSER_VERSION="$("$BIN/terser" --version)"
echo "node $NODE_VERSION, esbuild $ESBUILD_VERSION, $TERSER_VERSION"

# Makes a trace machine-independent.
clean_trace() {
  sed -e "s#$E2E#/e2e#g" | shorten
}

# Cuts Node's excerpt of a minified line; its caret line becomes a lone "^".
shorten() {
  awk '{ if ($0 ~ /^ *\^+ *$/ && length($0) > 240) print "    ^";
         else if (length($0) > 240) print substr($0, 1, 240) "...";
         else print }'
}

# capture [node options] <script> <scenario> <out>: runs the script, keeps
# stderr.
capture() {
  local args=("${@:1:$#-2}") scenario="${@: -2:1}" out="${@: -1}"
  mkdir -p "$(dirname "$out")"
  # The scenario must fail: its error escapes on purpose.
  if node --stack-trace-limit=50 "${args[@]}" "$scenario" >/dev/null 2>"$out.raw"; then
    echo "scenario $scenario of ${args[*]} did not fail" >&2
    exit 1
  fi
  clean_trace <"$out.raw" >"$out"
  rm -f "$out.raw"
}

# build_app <app> <entry> [with-nosrc|no-nosrc]: a .mjs entry runs as it
# is for the unminified run; a .tsx entry (TypeScript and JSX, with the
# app's own `h`) runs as an unminified esbuild bundle under
# `node --enable-source-maps`, Node mapping its frames back to the .ts/.tsx
# sources. no-nosrc: no build without sourcesContent (an app whose library
# sources live in node_modules, which the repository does not hold).
# LSM_E2E_APPS="parser shop" rebuilds only the apps named.
build_app() {
  local app="$1" entry="$2" nosrc="${3:-with-nosrc}"
  if [[ -n "${LSM_E2E_APPS:-}" && " $LSM_E2E_APPS " != *" $app "* ]]; then
    return 0
  fi
  local dir="$E2E/apps/$app"
  local flags=(--platform=node --log-level=warning)
  [[ "$entry" == *.tsx ]] && flags+=(--jsx-factory=h --jsx-fragment=Fragment)
  echo "== $app"
  rm -rf "$dir/dist" "$dir/traces"
  mkdir -p "$dir/dist/esbuild" "$dir/dist/terser"

  "$BIN/esbuild" "$dir/src/$entry" --bundle --minify --format=iife "${flags[@]}" \
    --sourcemap --sources-content=true --outfile="$dir/dist/esbuild/app.min.js"
  if [[ "$nosrc" == with-nosrc ]]; then
    mkdir -p "$dir/dist/esbuild-nosrc"
    "$BIN/esbuild" "$dir/src/$entry" --bundle --minify --format=iife "${flags[@]}" \
      --sourcemap --sources-content=false --outfile="$dir/dist/esbuild-nosrc/app.min.js"
  fi

  # terser: minify an unminified esbuild bundle, composing with its map.
  "$BIN/esbuild" "$dir/src/$entry" --bundle --format=esm "${flags[@]}" \
    --sourcemap --sources-content=true --outfile="$dir/dist/terser/bundle.js"
  (
    cd "$dir/dist/terser"
    "$BIN/terser" bundle.js --module -c -m \
      --source-map "content='bundle.js.map',url='app.min.js.map',includeSources" \
      -o app.min.js
    rm -f bundle.js bundle.js.map
  )

  local original=("$dir/src/$entry") plain=""
  if [[ "$entry" == *.tsx ]]; then
    plain="$(mktemp -d)"
    "$BIN/esbuild" "$dir/src/$entry" --bundle --format=iife "${flags[@]}" \
      --sourcemap --outfile="$plain/app.js"
    original=(--enable-source-maps "$plain/app.js")
  fi
  while read -r scenario; do
    [[ -z "$scenario" || "$scenario" == \#* ]] && continue
    capture "${original[@]}" "$scenario" "$dir/traces/original/$scenario.txt"
    capture "$dir/dist/esbuild/app.min.js" "$scenario" "$dir/traces/esbuild/$scenario.txt"
    capture "$dir/dist/terser/app.min.js" "$scenario" "$dir/traces/terser/$scenario.txt"
  done <"$dir/scenarios.txt"
  [[ -n "$plain" ]] && rm -rf "$plain"
  return 0
}

build_app shop main.mjs
build_app pipeline main.mjs
build_app widgets main.tsx
build_app parser main.mjs no-nosrc
if [[ -n "${LSM_E2E_APPS:-}" ]]; then
  echo "done (only $LSM_E2E_APPS)"
  exit 0
fi

# The Python package's bundled example: one esbuild build and one trace.
EX="$ROOT/python/libsourcemap/data/example"
echo "== example"
rm -rf "$EX/dist" "$EX/trace.txt"
mkdir -p "$EX/dist"
"$BIN/esbuild" "$EX/src/app.mjs" --bundle --minify --platform=node --format=iife \
  --sourcemap --sources-content=true --log-level=warning --outfile="$EX/dist/app.min.js"
if node --stack-trace-limit=50 "$EX/dist/app.min.js" >/dev/null 2>"$EX/trace.raw"; then
  echo "the example did not fail" >&2
  exit 1
fi
# Its trace reads as if served from http://localhost:8080/static/.
sed -e "s#file://$EX/dist/#http://localhost:8080/static/#g" -e "s#$EX/dist/#http://localhost:8080/static/#g" \
  "$EX/trace.raw" | shorten >"$EX/trace.txt"
rm -f "$EX/trace.raw"

cat >"$E2E/VERSIONS.txt" <<EOF
Generated by tests/e2e/regenerate.sh with:
node $NODE_VERSION
esbuild $ESBUILD_VERSION
$TERSER_VERSION
EOF
echo "done"
