#!/usr/bin/env python3
"""Builds the sample image of examples/sample into an OCI layout.

Each directory under layers/ becomes one layer, in name order; symlinks are
kept as symlinks, files named .wh.* are OCI whiteouts. The result is
byte-for-byte reproducible (see tests/fixtures/mkimage.py).

    python3 examples/sample/build.py OUTDIR    # then: moat scan oci:OUTDIR:latest
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "fixtures"))
from mkimage import Image, Layer  # noqa: E402


def layer_from_dir(root):
    layer = Layer()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        if rel != ".":
            layer.dir(rel)
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            full = os.path.join(dirpath, name)
            path = os.path.normpath(os.path.join(rel, name))
            if os.path.islink(full):
                layer.symlink(path, os.readlink(full))
            else:
                with open(full, "rb") as f:
                    layer.file(path, f.read(), mode=os.stat(full).st_mode & 0o7777)
    return layer


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "sample-image"
    root = os.path.join(HERE, "layers")
    dirs = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    history = [{"created": "2024-06-01T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:debian-bookworm in / "},
               {"created": "2024-06-01T00:00:00Z", "created_by": "/bin/sh -c apt-get update && apt-get install -y curl ca-certificates"}]
    for d in dirs[2:]:
        history.append({"created": "2024-06-01T00:00:00Z", "created_by": "COPY %s /" % d})
    img = Image([layer_from_dir(os.path.join(root, d)) for d in dirs], history=history,
                config={"Cmd": ["/bin/bash"], "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"]},
                created="2024-06-01T00:00:00Z")
    digest = img.oci_layout(out, tag="latest", compression="gzip")
    print("built %s (manifest %s)" % (out, digest))


if __name__ == "__main__":
    main()
