#!/bin/sh
# The main job on a sample the repo ships: build moat, build the sample image
# from examples/sample/ (an OCI layout, made from files in the repo), scan it.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --build-only
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
python3 examples/sample/build.py build/sample-image
# Vulnerabilities: the advisory database is built from the OSV corpora beside
# the repository when they are there (an air-gapped import); elsewhere
# 'moat db update' would download them.
DB=
if [ -d ../shared/data/osv ] && [ ! -f build/sample-osv.db ]; then
  build/moat db import --db build/sample-osv.db ../shared/data/osv/*/all.zip >/dev/null
fi
[ -f build/sample-osv.db ] && DB="--db build/sample-osv.db"
# shellcheck disable=SC2086
exec build/moat scan $DB oci:build/sample-image:latest "$@"
