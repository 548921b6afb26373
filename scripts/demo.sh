#!/bin/sh
# The main job on a sample the repo ships: build moat, build the sample image
# from examples/sample/ (an OCI layout, made from files in the repo), scan it.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --build-only
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
python3 examples/sample/build.py build/sample-image
exec build/moat scan oci:build/sample-image:latest "$@"
