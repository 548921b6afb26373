#!/bin/sh
# Builds moat and runs the whole test suite twice: a normal build, then an
# AddressSanitizer + UndefinedBehaviorSanitizer build (every unit, fuzz-replay
# and end-to-end test runs against the sanitized binary too).
#   MOAT_TEST_SKIP_ASAN=1  skip the sanitizer pass (local iteration only)
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j "$jobs"

if [ "${MOAT_TEST_SKIP_ASAN:-0}" = 1 ]; then
  echo "sanitizer pass skipped (MOAT_TEST_SKIP_ASAN=1)"
  exit 0
fi
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOAT_SANITIZE=ON >/dev/null
cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"
