"""A real Debian root filesystem, packed into real images by real tools.

debootstrap (minbase bookworm) builds the root filesystem; umoci packs it
into an OCI layout; a second layer installs jq with dpkg itself (packages
fetched with apt-get download); skopeo converts the layout into a
docker-archive. dpkg-query is the oracle: every package it lists as present
must appear with the same version, architecture and source, attributed to
the layer that installed it, with its file list.

The built images are cached in $MOAT_CACHE (default ~/.cache/moat-test) and
rebuilt when missing; building takes ~30 s and needs the Debian mirror."""

import json
import os
import shutil
import subprocess
import unittest
from urllib.parse import quote

from util import MoatTest, all_packages, main, run, scan_json, work

CACHE = os.environ.get("MOAT_CACHE", os.path.expanduser("~/.cache/moat-test"))
DIR = os.path.join(CACHE, "debootstrap-bookworm-v1")
MIRROR = os.environ.get("MOAT_DEBIAN_MIRROR", "http://deb.debian.org/debian")
EXTRA = ["jq", "libjq1", "libonig5"]


def sh(*cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr[-2000:]))
    return p.stdout


def build():
    """Builds DIR/{rootfs,bundle/rootfs,layout,image.tar}; idempotent."""
    done = os.path.join(DIR, "done")
    if os.path.exists(done):
        return
    shutil.rmtree(DIR, ignore_errors=True)
    os.makedirs(DIR)
    rootfs = os.path.join(DIR, "rootfs")
    sh("debootstrap", "--variant=minbase", "bookworm", rootfs, MIRROR)
    layout = os.path.join(DIR, "layout")
    sh("umoci", "init", "--layout", layout)
    sh("umoci", "new", "--image", layout + ":base")
    sh("umoci", "insert", "--image", layout + ":base", rootfs, "/")
    # layer 2: dpkg installs real packages into a copy of the root filesystem
    bundle = os.path.join(DIR, "bundle")
    sh("umoci", "unpack", "--image", layout + ":base", bundle)
    debs = os.path.join(DIR, "debs")
    os.makedirs(debs)
    sh("apt-get", "download", *EXTRA, cwd=debs)
    sh("dpkg", "--root=" + os.path.join(bundle, "rootfs"), "-i",
       *sorted(os.path.join(debs, d) for d in os.listdir(debs)))
    sh("umoci", "repack", "--image", layout + ":two", bundle)
    sh("skopeo", "copy", "oci:%s:two" % layout,
       "docker-archive:%s:debian:two" % os.path.join(DIR, "image.tar"))
    open(done, "w").close()


def dpkg_oracle(root):
    """{name: (version, arch, source, source_version, nfiles)} per dpkg-query."""
    out = sh("dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W", "-f",
             "${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t"
             "${db:Status-Status}\n")
    pk = {}
    for line in out.splitlines():
        name, ver, arch, src, srcver, status = line.split("\t")
        if status in ("not-installed", "config-files"):
            continue
        lst = os.path.join(root, "var/lib/dpkg/info", name + ".list")
        if not os.path.exists(lst):
            lst = os.path.join(root, "var/lib/dpkg/info", "%s:%s.list" % (name, arch))
        with open(lst) as f:
            nfiles = sum(1 for l in f if l.strip() and l.strip() != "/.")
        pk[name] = (ver, arch, src, srcver, nfiles)
    return pk


class Debootstrap(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build()

    def check(self, report, oracle, layer_of=None):
        got = {p["name"]: p for p in all_packages(report) if p["type"] == "deb"}
        self.assertEqual(sorted(got), sorted(oracle))
        for name, (ver, arch, src, srcver, nfiles) in oracle.items():
            p = got[name]
            self.assertEqual((p["version"], p["arch"], p["source"]["name"], p["source"]["version"]),
                             (ver, arch, src, srcver), name)
            self.assertEqual(p["files"], nfiles, name)
            if layer_of:
                self.assertEqual(p["layer"]["index"], layer_of(name), name)
            self.assertTrue(p["purl"].startswith("pkg:deb/debian/%s@%s?" % (
                quote(name, safe=":"), quote(ver, safe=":"))), p["purl"])
            self.assertTrue(p["purl"].endswith("distro=debian-12"), p["purl"])
        self.assertEqual(report["distro"]["id"], "debian")
        self.assertEqual(report["distro"]["version_id"], "12")
        self.assertEqual([e for e in report["errors"] if e["severity"] != "warning"], [])

    def test_rootfs(self):
        root = os.path.join(DIR, "rootfs")
        oracle = dpkg_oracle(root)
        self.assertGreater(len(oracle), 50)
        self.check(scan_json("rootfs:" + root), oracle)

    def test_oci_two_layers(self):
        oracle = dpkg_oracle(os.path.join(DIR, "bundle", "rootfs"))
        self.assertTrue(set(EXTRA) <= set(oracle))
        r = scan_json("oci:%s:two" % os.path.join(DIR, "layout"))
        self.check(r, oracle, lambda n: 1 if n in EXTRA else 0)
        self.assertEqual([l["compression"] for l in r["image"]["layers"]], ["gzip", "gzip"])

    def test_docker_archive(self):
        oracle = dpkg_oracle(os.path.join(DIR, "bundle", "rootfs"))
        r = scan_json(os.path.join(DIR, "image.tar"))
        self.check(r, oracle, lambda n: 1 if n in EXTRA else 0)
        self.assertEqual(r["image"]["name"], "docker.io/library/debian:two")  # as skopeo wrote it

    def test_licenses_from_copyright(self):
        r = scan_json(os.path.join(DIR, "image.tar"))
        lic = {p["name"]: p["license"] for p in all_packages(r)}
        # spot checks against the machine-readable copyright files dpkg installed
        self.assertIn("GPL-3.0-or-later", lic["bash"] or "")
        with_license = sum(1 for v in lic.values() if v)
        self.assertGreater(with_license, len(lic) // 2, "few DEP-5 licenses found")


if __name__ == "__main__":
    main()
