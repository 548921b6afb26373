#!/bin/sh
# Matching benchmark (issue 3): 5,000 packages matched against the three
# shared OSV corpora in at most 50 ms. The image: 4,000 Debian packages (no
# Debian corpus here: each is one lookup that finds nothing, as most
# packages of a real image) and 1,000 PyPI packages named after the PyPI
# corpus at old versions (many lookups that do find advisories). Times
# moat_match() alone (bench/match-bench.c), RUNS times, median kept.
#
# Usage: bench/match.sh [RUNS]     (default 21)
# Exit:  0 the goal passes, 1 it fails, 2 the benchmark could not run.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BUILD=${MOAT_BENCH_BUILD:-$REPO/build-bench-db}
RUNS=${1:-21}
OSV=$(cd "$REPO/../shared/data/osv" 2>/dev/null && pwd) || {
    echo "match: ../shared/data/osv not found" >&2; exit 2; }
cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOAT_TESTS=OFF \
    >/dev/null || exit 2
cmake --build "$BUILD" >/dev/null || exit 2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BUILD/moat" db import --db "$WORK/osv.db" "$OSV/PyPI/all.zip" "$OSV/Go/all.zip" \
    "$OSV/crates.io/all.zip" >/dev/null || exit 2
python3 "$HERE/match_image.py" "$WORK/img" "$OSV/PyPI/all.zip" || exit 2
cc -O2 -I"$REPO/include" "$HERE/match-bench.c" "$BUILD/libmoat.a" \
    $(pkg-config --libs libarchive libzstd jansson libcrypto libcurl sqlite3 yaml-0.1 zlib) \
    -lisal -lpthread -o "$WORK/match-bench" || exit 2
out=$("$WORK/match-bench" "oci:$WORK/img" "$WORK/osv.db" "$RUNS") || exit 2
echo "moat_match: $out"
median=$(echo "$out" | sed 's/.*median_ms \([0-9.]*\).*/\1/')
size=$(stat -c %s "$WORK/osv.db")
echo "database: $(( size / 1024 )) KiB"
if awk "BEGIN { exit !($median <= 50) }"; then
    echo "PASS: matching 5,000 packages took $median ms (goal <= 50 ms)"
else
    echo "FAIL: matching 5,000 packages took $median ms (goal <= 50 ms)"; exit 1
fi
