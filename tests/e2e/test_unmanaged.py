"""Unmanaged software: binary classifiers, the unowned list and coverage.

Real binaries out of Debian 12 packages (apt-get download, dpkg -x; cached
in $MOAT_CACHE/unmanaged-v1) are copied into fixture images:

- copied: each binary at a path no package owns (/opt/app/bin/curl,
  /usr/local/bin/redis-server, a libssl.so.3 beside its libcrypto under
  /opt/lib, a JDK home with its release file...) must come out as exactly
  one generic package with the upstream version. The oracle is the Debian
  package's upstream version and, where the binary runs on this machine,
  `binary --version`. Two files no classifier knows (a real ELF program and a
  script) must be the unowned list, and the coverage figures must add up.
- owned: the same binaries at their Debian paths, with a dpkg status and
  .list files owning them (listed with /bin paths on a merged-/usr layout):
  no generic package at all, every executable attributed to dpkg.
- language: files of an npm package, of a pip install (its RECORD), a Go
  binary and a stray library inside site-packages: only the stray one is
  unowned.
- matching: hand-written OSV records of the Bitnami and Go ecosystems match
  the classifier packages (and an OS-owned copy matches none of them).
- the debootstrap image (tests/e2e/test_debootstrap.py) gives no generic
  package and attributes every executable except two files debootstrap
  writes itself.
- bounded inputs: an ELF file made of version-string prefixes and 20,000
  tiny executables (the list is cut at MOAT_LIMIT_UNOWNED_FILES and says
  so). The heaviest cases (2 GiB, a million files) are in bench/.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

from util import MoatTest, all_packages, main, run, scan_json, work

from mkimage import Image, Layer, debian_base, dpkg_status

CACHE = os.environ.get("MOAT_CACHE", os.path.expanduser("~/.cache/moat-test"))
DIR = os.path.join(CACHE, "unmanaged-v1")
LIMIT_UNOWNED = 10000  # MOAT_LIMIT_UNOWNED_FILES
STRAYS = 80  # more than the owned image's dpkg file lists hold

DEBS = ["openssl", "libssl3", "python3.11-minimal", "libpython3.11", "libnode108",
        "redis-tools", "nginx", "apache2-bin", "busybox", "curl", "libcurl4", "bash",
        "postgresql-15", "mariadb-server-core", "memcached", "haproxy", "golang-1.19-go",
        "php8.2-cli", "libruby3.1", "perl-base", "libsqlite3-0", "zstd", "libzstd1",
        "xz-utils", "liblzma5", "gzip", "jq", "libc6", "openjdk-17-jre-headless",
        "coreutils"]

# where the copied image puts each binary: (path in the image, package,
# path in the package, classifier name, --version command or None)
COPIES = [
    ("opt/app/bin/curl", "curl", "usr/bin/curl", "curl", ["--version"]),
    ("opt/lib/libcurl.so.4", "libcurl4", "usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0", "curl",
     None),
    ("opt/lib/libcrypto.so.3", "libssl3", "usr/lib/x86_64-linux-gnu/libcrypto.so.3", "openssl",
     None),
    ("usr/local/ssl/bin/openssl", "openssl", "usr/bin/openssl", "openssl", None),
    ("usr/local/bin/redis-server", "redis-tools", "usr/bin/redis-check-rdb", "redis",
     ["--version"]),
    ("usr/local/bin/python3.11", "python3.11-minimal", "usr/bin/python3.11", "python",
     ["--version"]),
    ("usr/local/lib/libpython3.11.so.1.0", "libpython3.11",
     "usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0", "python", None),
    ("opt/node/lib/libnode.so.108", "libnode108", "usr/lib/x86_64-linux-gnu/libnode.so.108",
     "node", None),
    ("usr/local/nginx/sbin/nginx", "nginx", "usr/sbin/nginx", "nginx", ["-v"]),
    ("usr/local/apache2/bin/httpd", "apache2-bin", "usr/sbin/apache2", "httpd", ["-v"]),
    ("opt/busybox/busybox", "busybox", "bin/busybox", "busybox", ["--help"]),
    ("usr/local/bin/bash", "bash", "bin/bash", "bash", ["--version"]),
    ("usr/local/pgsql/bin/postgres", "postgresql-15", "usr/lib/postgresql/15/bin/postgres",
     "postgresql", ["--version"]),
    ("usr/local/mysql/bin/mariadbd", "mariadb-server-core", "usr/sbin/mariadbd", "mariadb",
     ["--version"]),
    ("usr/local/bin/memcached", "memcached", "usr/bin/memcached", "memcached", ["--version"]),
    ("usr/local/sbin/haproxy", "haproxy", "usr/sbin/haproxy", "haproxy", ["-v"]),
    ("usr/local/go/bin/go", "golang-1.19-go", "usr/lib/go-1.19/bin/go", "go", ["version"]),
    ("usr/local/bin/php", "php8.2-cli", "usr/bin/php8.2", "php", ["--version"]),
    ("usr/local/lib/libruby-3.1.so.3.1", "libruby3.1",
     "usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2", "ruby", None),
    ("usr/local/bin/perl", "perl-base", "usr/bin/perl", "perl", ["-e", "print $^V"]),
    ("usr/local/lib/libsqlite3.so.0", "libsqlite3-0",
     "usr/lib/x86_64-linux-gnu/libsqlite3.so.0.8.6", "sqlite", None),
    ("usr/local/bin/zstd", "zstd", "usr/bin/zstd", "zstd", ["--version"]),
    ("usr/local/lib/libzstd.so.1", "libzstd1", "usr/lib/x86_64-linux-gnu/libzstd.so.1.5.4",
     "zstd", None),
    ("usr/local/bin/xz", "xz-utils", "usr/bin/xz", "xz", ["--version"]),
    ("usr/local/lib/liblzma.so.5", "liblzma5", "lib/x86_64-linux-gnu/liblzma.so.5.4.1", "xz",
     None),
    ("usr/local/bin/gzip", "gzip", "bin/gzip", "gzip", ["--version"]),
    ("usr/local/bin/jq", "jq", "usr/bin/jq", "jq", ["--version"]),
    ("opt/glibc/lib/libc.so.6", "libc6", "lib/x86_64-linux-gnu/libc.so.6", "glibc", None),
]
JDK = "usr/lib/jvm/java-17-openjdk-amd64"


def sh(*cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr[-2000:]))
    return p.stdout


def fetch():
    """Downloads and unpacks the packages once; returns {package: version}.
    Raises unittest.SkipTest when apt cannot download them."""
    done = os.path.join(DIR, "done")
    if not os.path.exists(done):
        shutil.rmtree(DIR, ignore_errors=True)
        os.makedirs(os.path.join(DIR, "debs"))
        os.makedirs(os.path.join(DIR, "x"))
        try:
            sh("apt-get", "download", *DEBS, cwd=os.path.join(DIR, "debs"))
        except (RuntimeError, OSError) as e:
            raise unittest.SkipTest("cannot download the Debian packages (needs apt and the "
                                    "Debian mirror): %s" % e)
        for d in sorted(os.listdir(os.path.join(DIR, "debs"))):
            name = d.split("_")[0]
            sh("dpkg-deb", "-x", os.path.join(DIR, "debs", d), os.path.join(DIR, "x", name))
        open(done, "w").close()
    versions = {}
    for d in os.listdir(os.path.join(DIR, "debs")):
        deb = os.path.join(DIR, "debs", d)
        versions[sh("dpkg-deb", "-f", deb, "Package").strip()] = \
            sh("dpkg-deb", "-f", deb, "Version").strip()
    return versions


def upstream(v):
    """Debian version -> the upstream release it packages:
    1:1.35.0-4+b1 -> 1.35.0, 1.5.4+dfsg2-5 -> 1.5.4, 3.1.7+really3.1.2-0 -> 3.1.2."""
    v = v.split(":", 1)[-1]
    if "-" in v:
        v = v[:v.rindex("-")]
    if "+really" in v:
        v = v.split("+really", 1)[1]
    return v.split("+", 1)[0].split("~", 1)[0]


def pkgfile(pkg, path):
    with open(os.path.join(DIR, "x", pkg, path), "rb") as f:
        return f.read()


def run_version(pkg, path, args):
    """Runs the unpacked binary (it links against this machine's bookworm
    libraries); returns its output, or None when it cannot run here."""
    try:
        p = subprocess.run([os.path.join(DIR, "x", pkg, path)] + args, capture_output=True,
                           text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = p.stdout + p.stderr
    if "error while loading shared libraries" in out:
        return None
    return out


def generic(report):
    return sorted((p["path"], p["name"], p["version"]) for p in all_packages(report)
                  if p["type"] == "generic")


class Unmanaged(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.versions = fetch()
        cls.jdk_version = upstream(cls.versions["openjdk-17-jre-headless"])
        cls.expected = {}
        for dest, pkg, _src, name, _cmd in COPIES:
            cls.expected["/" + dest] = (name, upstream(cls.versions[pkg]))
        cls.expected["/opt/java/openjdk/release"] = ("java", cls.jdk_version)

    # -- fixtures ------------------------------------------------------
    def copied_image(self):
        if getattr(type(self), "_copied", None):
            return type(self)._copied
        base = debian_base(pkgs=[{"Package": "base-files", "Version": "12.4+deb12u5"}])
        app = Layer()
        for dest, pkg, src, _name, _cmd in COPIES:
            app.file(dest, pkgfile(pkg, src), mode=0o755 if "/bin/" in dest or "sbin" in dest
                     or dest.endswith("busybox") else 0o644)
        # libssl carries no version: it belongs to the libcrypto beside it
        app.file("opt/lib/libssl.so.3",
                 pkgfile("libssl3", "usr/lib/x86_64-linux-gnu/libssl.so.3"))
        # a JDK home: the release file names it, its programs belong to it
        app.file("opt/java/openjdk/release", pkgfile("openjdk-17-jre-headless", JDK + "/release"))
        app.file("opt/java/openjdk/bin/java", pkgfile("openjdk-17-jre-headless", JDK + "/bin/java"),
                 mode=0o755)
        app.file("opt/java/openjdk/lib/libjava.so",
                 pkgfile("openjdk-17-jre-headless", JDK + "/lib/libjava.so"))
        # two executables nothing accounts for
        self.mystery = pkgfile("coreutils", "bin/true")
        self.script = b"#!/bin/sh\nexec /opt/app/bin/curl \"$@\"\n"
        app.file("opt/app/bin/mystery", self.mystery, mode=0o755)
        app.file("opt/app/bin/run.sh", self.script, mode=0o755)
        # a shared library that no one owns but that is only a linker script
        app.file("opt/lib/libfoo.so", b"/* GNU ld script */\nGROUP ( libfoo.so.1 )\n" * 4)
        path = work("copied")
        Image([base, app]).oci_layout(path, compression="none")
        type(self)._copied = "oci:%s:latest" % path
        type(self).mystery, type(self).script = self.mystery, self.script
        return type(self)._copied

    def owned_image(self):
        """The same binaries where their packages put them, owned by dpkg."""
        if getattr(type(self), "_owned", None):
            return type(self)._owned
        pkgs, lists = [], {}
        for _dest, pkg, src, _name, _cmd in COPIES:
            if pkg not in lists:
                pkgs.append({"Package": pkg, "Version": self.versions[pkg]})
                lists[pkg] = []
            lists[pkg].append(src)
        pkgs.append({"Package": "openjdk-17-jre-headless",
                     "Version": self.versions["openjdk-17-jre-headless"]})
        lists["openjdk-17-jre-headless"] = [JDK + "/release", JDK + "/bin/java"]
        pkgs.append({"Package": "base-files", "Version": "12.4+deb12u5"})
        base = debian_base(pkgs=pkgs)
        base.dir("var/lib/dpkg/info")
        for pkg, files in lists.items():
            # dpkg lists /bin and /lib paths; on merged /usr they live in usr/
            base.file("var/lib/dpkg/info/%s.list" % pkg,
                      "".join("/%s\n" % f for f in files))
        for _dest, pkg, src, _name, _cmd in COPIES:
            real = src
            if src.startswith(("bin/", "lib/")):
                real = "usr/" + src
            base.file(real, pkgfile(pkg, src), mode=0o755)
        base.file(JDK + "/release", pkgfile("openjdk-17-jre-headless", JDK + "/release"))
        base.file(JDK + "/bin/java", pkgfile("openjdk-17-jre-headless", JDK + "/bin/java"),
                  mode=0o755)
        path = work("owned")
        Image([base]).oci_layout(path, compression="none")
        type(self)._owned = "oci:%s:latest" % path
        # the same, plus more stray scripts than dpkg lists files: the
        # detector then asks the scan's file-owner index instead of indexing
        # the executables (unmanaged.c, find_os_owned); same attribution
        strays = Layer()
        for i in range(STRAYS):
            strays.file("opt/strays/s%03d" % i, "#!/bin/sh\nexit %d\n" % (i % 100), mode=0o755)
        path = work("owned-strays")
        Image([base, strays]).oci_layout(path, compression="none")
        type(self)._owned_strays = "oci:%s:latest" % path
        return type(self)._owned

    # -- tests ---------------------------------------------------------
    def test_oracle(self):
        """The oracle itself: where a binary runs here, its own --version
        agrees with the package version the other tests expect."""
        ran = 0
        for dest, pkg, src, _name, cmd in COPIES:
            if not cmd:
                continue
            out = run_version(pkg, src, cmd)
            if out is None:
                print("note: %s cannot run on this machine (libraries missing); the package "
                      "version is the oracle" % src, file=sys.stderr)
                continue
            self.assertIn(self.expected["/" + dest][1], out, "%s %s" % (src, cmd))
            ran += 1
        self.assertGreaterEqual(ran, 10)

    def test_copied_binaries(self):
        r = scan_json(self.copied_image(), "--scanners", "unmanaged")
        got = {p: (n, v) for p, n, v in generic(r)}
        self.assertEqual(got, self.expected)
        for p in all_packages(r):
            if p["type"] != "generic":
                continue
            self.assertEqual(p["found_by"], "unmanaged")
            self.assertEqual(p["layer"]["index"], 1)
            self.assertEqual(p["purl"], "pkg:generic/%s@%s" % (p["name"], p["version"]))
            self.assertIn(p["version"], p["properties"]["unmanaged:evidence"])
        um = r["unmanaged"]
        self.assertEqual([(f["path"], f["size"], f["kind"], f["layer"]["index"])
                          for f in um["files"]],
                         [("/opt/app/bin/mystery", len(self.mystery), "elf", 1),
                          ("/opt/app/bin/run.sh", len(self.script), "other", 1)])
        self.assertFalse(um["truncated"])
        # every copied binary, libssl, the JDK's java and libjava.so, the two strays;
        # not the linker script named like a library
        n = len(COPIES) + 3 + 2
        self.assertEqual(um["executables"], n)
        self.assertEqual(um["unowned"], 2)
        self.assertEqual(um["by_os"], 0)
        self.assertEqual(um["by_language"], 1)  # cmd/go: the gobinary analyzer's first
        self.assertEqual(um["by_classifier"], n - 3)
        self.assertEqual(um["attributed"], n - 2)
        self.assertEqual(um["bytes"] - um["attributed_bytes"], len(self.mystery) + len(self.script))
        self.assertAlmostEqual(um["coverage_files"], (n - 2) / n)
        self.assertEqual([f for f in r["findings"] if f["kind"] == "unmanaged"], [])
        self.assertEqual([e for e in r["errors"] if e["source"] == "unmanaged"], [])
        # the SBOM carries them too
        code, out, err = run("sbom", "--format", "cyclonedx", self.copied_image())
        self.assertEqual(code, 0, err)
        purls = {c["purl"] for c in json.loads(out)["components"] if "purl" in c}
        self.assertIn("pkg:generic/nginx@%s" % self.expected["/usr/local/nginx/sbin/nginx"][1],
                      purls)

    def test_owned_binaries(self):
        r = scan_json(self.owned_image(), "--scanners", "unmanaged")
        self.assertEqual(generic(r), [])
        um = r["unmanaged"]
        self.assertEqual(um["unowned"], 0)
        self.assertEqual(um["files"], [])
        self.assertEqual(um["by_os"], um["executables"])
        self.assertEqual(um["executables"], len(COPIES) + 1)
        self.assertEqual(um["coverage_files"], 1.0)
        r = scan_json(type(self)._owned_strays, "--scanners", "unmanaged")
        self.assertEqual(generic(r), [])
        um2 = r["unmanaged"]
        self.assertGreater(STRAYS, um["executables"])  # the other branch
        self.assertEqual(um2["by_os"], um["executables"])
        self.assertEqual(um2["unowned"], STRAYS)
        self.assertEqual([f["path"] for f in um2["files"]],
                         ["/opt/strays/s%03d" % i for i in range(STRAYS)])

    def test_off(self):
        r = scan_json(self.copied_image(), "--scanners", "secret")
        self.assertEqual(generic(r), [])
        self.assertIsNone(r["unmanaged"])

    def test_table(self):
        code, out, err = run("scan", "--no-vulns", "--scanners", "unmanaged",
                             self.copied_image())
        self.assertIn(code, (0, 1), err)
        self.assertIn("UNMANAGED SOFTWARE", out)
        self.assertRegex(out, r"coverage\s+\d+\.\d%% of %d executables" % (len(COPIES) + 5))
        self.assertRegex(out, r"\n\s+\d+\s+1\s+elf\s+/opt/app/bin/mystery\n")
        self.assertIn("generic packages (%d)" % len(self.expected), out)

    def test_language_files(self):
        base = debian_base(pkgs=[{"Package": "base-files", "Version": "12.4+deb12u5"}])
        so = pkgfile("libzstd1", "usr/lib/x86_64-linux-gnu/libzstd.so.1.5.4")
        go = pkgfile("golang-1.19-go", "usr/lib/go-1.19/bin/gofmt")
        site = "usr/local/lib/python3.11/site-packages/"
        app = (Layer()
               .file("app/node_modules/addon/package.json",
                     '{"name":"addon","version":"1.2.3"}')
               .file("app/node_modules/addon/build/Release/addon.node", so, mode=0o755)
               .file(site + "fast-2.0.dist-info/METADATA", "Name: fast\nVersion: 2.0\n")
               .file(site + "fast-2.0.dist-info/RECORD",
                     "fast/__init__.py,sha256=x,1\n"
                     "fast/_speed.cpython-311-x86_64-linux-gnu.so,sha256=y,2\n"
                     "../../../bin/fast,sha256=z,3\n")
               .file(site + "fast/_speed.cpython-311-x86_64-linux-gnu.so", so)
               .file("usr/local/bin/fast", "#!/usr/bin/python3\nimport fast\n", mode=0o755)
               .file(site + "stray/evil.cpython-311-x86_64-linux-gnu.so", so)
               .file("usr/local/bin/gofmt", go, mode=0o755))
        path = work("lang")
        Image([base, app]).oci_layout(path, compression="none")
        r = scan_json("oci:%s:latest" % path, "--scanners", "unmanaged")
        um = r["unmanaged"]
        self.assertEqual([f["path"] for f in um["files"]],
                         ["/" + site + "stray/evil.cpython-311-x86_64-linux-gnu.so"])
        self.assertEqual(um["by_language"], 4)  # addon, _speed, bin/fast, gofmt
        self.assertEqual(um["executables"], 5)
        self.assertEqual(generic(r), [])  # libzstd's version string only counts by its name

    def test_advisories(self):
        """Bitnami and Go toolchain records match classifier packages; the
        same binaries owned by dpkg match none of them."""
        recs = work("records")
        os.makedirs(recs, exist_ok=True)

        def rec(id_, eco, name, events):
            with open(os.path.join(recs, id_ + ".json"), "w") as f:
                json.dump({"schema_version": "1.6.0", "id": id_,
                           "modified": "2024-06-01T00:00:00Z",
                           "published": "2024-05-01T00:00:00Z", "aliases": [],
                           "summary": "summary of " + id_,
                           "affected": [{"package": {"ecosystem": eco, "name": name},
                                         "ranges": [{"type": "SEMVER", "events": events}]}]},
                          f)
        nginx = upstream(self.versions["nginx"])            # 1.22.1
        redis = upstream(self.versions["redis-tools"])      # 7.0.15
        pg = upstream(self.versions["postgresql-15"])       # 15.20 -> 15.20.0
        go = upstream(self.versions["golang-1.19-go"])      # 1.19.8
        rec("BIT-nginx-2099-0001", "Bitnami", "nginx",
            [{"introduced": "0"}, {"fixed": "1.22.2"}])
        rec("BIT-nginx-2099-0002", "Bitnami", "nginx",
            [{"introduced": "1.23.0"}, {"fixed": "1.23.4"}])       # not this branch
        rec("BIT-redis-2099-0001", "Bitnami", "redis",
            [{"introduced": "7.0.0"}, {"fixed": redis}])            # fixed in it
        rec("BIT-postgresql-2099-0001", "Bitnami", "postgresql",
            [{"introduced": "15.0.0"}, {"fixed": "15.21.0"}])
        rec("BIT-apache-2099-0001", "Bitnami", "apache",
            [{"introduced": "2.4.0"}, {"fixed": "2.4.72"}])
        rec("GO-2099-0001", "Go", "toolchain", [{"introduced": "0"}, {"fixed": "1.19.9"}])
        rec("GO-2099-0002", "Go", "stdlib", [{"introduced": "0"}, {"fixed": "1.19.9"}])
        # the owned copy is Debian's: its advisories are the distro's
        with open(os.path.join(recs, "DEBIAN-CVE-2099-0001.json"), "w") as f:
            json.dump({"schema_version": "1.6.0", "id": "DEBIAN-CVE-2099-0001",
                       "modified": "2024-06-01T00:00:00Z", "aliases": [],
                       "affected": [{"package": {"ecosystem": "Debian:12", "name": "nginx"},
                                     "ranges": [{"type": "ECOSYSTEM", "events": [
                                         {"introduced": "0"}, {"fixed": "1.22.1-9+deb12u99"}]}]}]},
                      f)
        db = work("osv.db")
        code, out, err = run("db", "import", "--db", db, recs)
        self.assertEqual(code, 0, err)

        def hits(target):
            code, out, err = run("scan", "--format", "json", "--db", db, "--scanners",
                                 "vuln,unmanaged", target)
            self.assertIn(code, (0, 1), err)
            rep = json.loads(out)
            pk = {p["purl"]: p for p in all_packages(rep)}
            return sorted((f["id"], pk[f["package"]]["name"], f["ecosystem"], f["installed"])
                          for f in rep["findings"] if f["kind"] == "vulnerability")
        self.assertEqual(hits(self.copied_image()), sorted([
            ("BIT-apache-2099-0001", "httpd", "Bitnami",
             upstream(self.versions["apache2-bin"])),
            ("BIT-nginx-2099-0001", "nginx", "Bitnami", nginx),
            ("BIT-postgresql-2099-0001", "postgresql", "Bitnami", pg + ".0"),
            ("GO-2099-0001", "go", "Go", "v" + go),
            # the standard library of cmd/go comes from the gobinary analyzer
            ("GO-2099-0002", "stdlib", "Go", "v" + go),
        ]))
        self.assertEqual(hits(self.owned_image()),
                         [("DEBIAN-CVE-2099-0001", "nginx", "Debian:12", self.versions["nginx"])])

    def test_debootstrap(self):
        sys.path.insert(0, os.path.dirname(__file__))
        import test_debootstrap
        try:
            test_debootstrap.build()
        except (RuntimeError, OSError) as e:
            self.skipTest("cannot build the debootstrap image: %s" % e)
        r = scan_json("oci:%s:two" % os.path.join(test_debootstrap.DIR, "layout"),
                      "--scanners", "unmanaged")
        self.assertEqual(generic(r), [])
        self.assertEqual([f for f in r["findings"] if f["kind"] == "unmanaged"], [])
        self.assertEqual([e for e in r["errors"] if e["source"] == "unmanaged"], [])
        um = r["unmanaged"]
        self.assertGreater(um["executables"], 500)
        # all that remains: two files debootstrap writes itself (copies of
        # this machine's /etc/hostname and /etc/resolv.conf, with x bits
        # here); everything else dpkg lists, or is dpkg's maintainer script
        self.assertLessEqual({f["path"] for f in um["files"]},
                             {"/etc/hostname", "/etc/resolv.conf"})
        self.assertEqual(um["unowned"], len(um["files"]))
        self.assertEqual(um["by_os"], um["executables"] - um["unowned"])
        print("debootstrap: %d executables, %d unowned, coverage %.4f of files, %.6f of bytes"
              % (um["executables"], um["unowned"], um["coverage_files"], um["coverage_bytes"]),
              file=sys.stderr)

    def test_bounded(self):
        """A 64 MiB ELF file made of version-string prefixes, and 20,000 tiny
        executables: no package, a capped list, a quick scan."""
        chunk = (b"\x00" + b"1.2.3\x00" + b"OpenSSL 3.0.1 1 Jan 2023\x00" + b"nginx/1.2."
                 + b"\x007.0.15" + b"Redis server v=%s sha=%s")
        blob = b"\x7fELF\x02\x01\x01" + b"\x00" * 57 + chunk * ((64 << 20) // len(chunk))
        base = debian_base(pkgs=[{"Package": "base-files", "Version": "12.4+deb12u5"}])
        app = Layer().file("opt/prefixes", blob, mode=0o755)
        for i in range(20000):
            app.file("opt/many/%05d" % i, b"#!/bin/sh\n", mode=0o755)
        path = work("bounded")
        Image([base, app]).oci_layout(path, compression="none")
        t0 = time.monotonic()
        r = scan_json("oci:%s:latest" % path, "--scanners", "unmanaged")
        took = time.monotonic() - t0
        self.assertEqual(generic(r), [])
        um = r["unmanaged"]
        self.assertEqual(um["unowned"], 20001)
        self.assertEqual(len(um["files"]), LIMIT_UNOWNED)
        self.assertTrue(um["truncated"])
        self.assertEqual(um["files"][0]["path"], "/opt/many/00000")
        self.assertEqual(um["files"][-1]["path"], "/opt/many/%05d" % (LIMIT_UNOWNED - 1))
        self.assertTrue(any(e["source"] == "unmanaged" and "only the first 10000" in e["message"]
                            for e in r["errors"]))
        print("bounded: 64 MiB of prefixes + 20,000 files scanned in %.1f s" % took,
              file=sys.stderr)
        self.assertLess(took, 120)


if __name__ == "__main__":
    main()
