#!/usr/bin/env python3
"""Writes a docker-archive whose layers are the OCI layout's gzip blobs.

skopeo's docker-archive stores layers uncompressed, so a scanner reading it
never inflates anything and the comparison with igzip says little. Docker's
tarball format allows compressed layer files (`docker load` and
go-containerregistry, hence Trivy, sniff the compression), so this archive
holds the very gzip blobs igzip is timed on: one tarball that moat and Trivy
can both read, with the same work to do. Deterministic: entries in a fixed
order, mtime 0, root-owned.

Usage: oci2docker.py LAYOUT TAG OUT.tar REPO:TAG"""

import io
import json
import os
import sys
import tarfile


def blob(layout, digest):
    algo, hexd = digest.split(":", 1)
    return os.path.join(layout, "blobs", algo, hexd)


def manifest_of(layout, tag):
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    for m in index["manifests"]:
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            with open(blob(layout, m["digest"])) as f:
                return json.load(f)
    sys.exit("oci2docker.py: tag %s not in %s" % (tag, layout))


def add_file(tar, name, path=None, data=None):
    info = tarfile.TarInfo(name)
    info.mtime = 0
    info.mode = 0o444
    if path is not None:
        info.size = os.path.getsize(path)
        with open(path, "rb") as f:
            tar.addfile(info, f)
    else:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[-1])
    layout, tag, out, ref = sys.argv[1:]
    m = manifest_of(layout, tag)
    cfg = m["config"]["digest"].split(":", 1)[1] + ".json"
    layers = []
    for layer in m["layers"]:
        if not layer["mediaType"].endswith("gzip"):
            sys.exit("oci2docker.py: layer %s is not gzip" % layer["digest"])
        layers.append((layer["digest"].split(":", 1)[1] + ".tar.gz", blob(layout, layer["digest"])))
    doc = [{"Config": cfg, "RepoTags": [ref], "Layers": [name for name, _ in layers]}]
    tmp = out + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
        add_file(tar, cfg, path=blob(layout, m["config"]["digest"]))
        for name, path in layers:
            add_file(tar, name, path=path)
        add_file(tar, "manifest.json", data=json.dumps(doc).encode())
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
