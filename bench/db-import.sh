#!/bin/sh
# Advisory database benchmark (issue 3): times `moat db import` of the three
# shared OSV corpora (../shared/data/osv/{PyPI,Go,crates.io}/all.zip) into a
# new database, a re-import over it, `moat db info --verify`, and 5,000
# lookups through the read API (bench/db-lookup.c, the matcher's access
# path). Prints the medians, the database size and PASS/FAIL against the
# goal: import of the three corpora in at most 5 s.
#
# Not part of the test suite: a benchmark wants a quiet machine.
#
# Usage: bench/db-import.sh [RUNS]    RUNS per case, default 5 (median kept)
# Env:   MOAT_BENCH_BUILD  moat build directory (default <repo>/build-bench-db)
# Exit:  0 the goal passes, 1 it fails, 2 the benchmark could not run.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BUILD=${MOAT_BENCH_BUILD:-$REPO/build-bench-db}
RUNS=${1:-5}
OSV=$(cd "$REPO/../shared/data/osv" 2>/dev/null && pwd) || {
    echo "db-import: ../shared/data/osv not found" >&2; exit 2; }
ZIPS="$OSV/PyPI/all.zip $OSV/Go/all.zip $OSV/crates.io/all.zip"
for z in $ZIPS; do [ -f "$z" ] || { echo "db-import: missing $z" >&2; exit 2; }; done

cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOAT_TESTS=OFF \
    >/dev/null || exit 2
cmake --build "$BUILD" >/dev/null || exit 2
MOAT=$BUILD/moat
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# seconds of wall time of a command, as a decimal
timed() {
    python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
d = time.monotonic() - t
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode())
    sys.exit(2)
print("%.3f" % d)
PY
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

fresh="" again="" verify=""
for i in $(seq "$RUNS"); do
    rm -f "$WORK/osv.db"
    # shellcheck disable=SC2086
    fresh="$fresh $(timed "$MOAT" db import --db "$WORK/osv.db" $ZIPS)"
    # shellcheck disable=SC2086
    again="$again $(timed "$MOAT" db import --db "$WORK/osv.db" $ZIPS)"
    verify="$verify $(timed "$MOAT" db info --db "$WORK/osv.db" --verify)"
done
fresh_m=$(echo "$fresh" | tr ' ' '\n' | grep . | median)
again_m=$(echo "$again" | tr ' ' '\n' | grep . | median)
verify_m=$(echo "$verify" | tr ' ' '\n' | grep . | median)
size=$(stat -c %s "$WORK/osv.db")
records=$("$MOAT" db info --db "$WORK/osv.db" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')

# 5,000 lookups: every distinct (ecosystem, name) in the database, topped up
# with names that are in no advisory (most packages of an image are not)
python3 - "$WORK/osv.db" > "$WORK/names" <<'PY'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
rows = c.execute("SELECT DISTINCT ecosystem, name FROM affected ORDER BY ecosystem, name").fetchall()
out = ["%s %s" % r for r in rows][:5000]
i = 0
while len(out) < 5000:
    out.append("%s no-such-package-%d" % (("PyPI", "Go", "crates.io")[i % 3], i))
    i += 1
print("\n".join(out))
PY
hits=$(python3 -c 'import sys; print(sum(1 for l in open(sys.argv[1]) if "no-such-package" not in l))' "$WORK/names")
# shellcheck disable=SC2046
cc -O2 -I"$REPO/include" -I"$REPO/lib" "$HERE/db-lookup.c" "$BUILD/libmoat.a" \
    $(pkg-config --libs libarchive libzstd jansson libcrypto libcurl sqlite3 yaml-0.1 zlib) \
    -lisal -lpthread -o "$WORK/db-lookup" || exit 2
lookup=$("$WORK/db-lookup" "$WORK/osv.db" "$RUNS" < "$WORK/names") || exit 2

echo "advisory database benchmark ($(nproc) CPUs, $RUNS runs, medians)"
printf '  %-44s %8s s\n' "import PyPI+Go+crates.io ($records records), new db" "$fresh_m"
printf '  %-44s %8s s\n' "re-import over the same data" "$again_m"
printf '  %-44s %8s s\n' "db info --verify (every page + quick_check)" "$verify_m"
printf '  %-44s %8s MiB\n' "database size" "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')"
echo "  5,000 lookups ($hits with advisories): $lookup"
if awk -v t="$fresh_m" 'BEGIN { exit !(t <= 5.0) }'; then
    echo "PASS import <= 5 s"
    exit 0
fi
echo "FAIL import > 5 s"
exit 1
