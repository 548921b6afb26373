"""End-to-end tests of the scanner core: every transport, every layer
compression, the merge (whiteouts, opaque dirs, replacement), symlink
resolution inside the image, layer attribution, and deterministic output."""

import gzip
import json
import os
import shutil
import stat
import threading

from util import MoatTest, all_packages, by_name, main, run, scan_json, work

from mkimage import (ALPINE_OS_RELEASE, DEBIAN_OS_RELEASE, Image, Layer, debian_base,
                     dpkg_status, oci_multiplatform)


def two_layer_image():
    base = debian_base()
    app = Layer().file("var/lib/dpkg/status", dpkg_status([
        {"Package": "base-files", "Version": "12.4+deb12u5"},
        {"Package": "libssl3", "Version": "3.0.15-1~deb12u1", "Source": "openssl"},
        {"Package": "bash", "Version": "5.2.15-2+b7", "Source": "bash (5.2.15-2)"},
        {"Package": "curl", "Version": "7.88.1-10+deb12u8"},
    ]))
    return Image([base, app], history=[{"created_by": "ADD rootfs.tar /"},
                                       {"created_by": "RUN apt-get install curl"}])


class Transports(MoatTest):
    """The same image through every transport gives the same packages."""

    def expect(self, report):
        names = sorted((p["name"], p["version"], p["layer"]["index"]) for p in all_packages(report))
        self.assertEqual(names, [("base-files", "12.4+deb12u5", 0), ("bash", "5.2.15-2+b7", 0),
                                 ("curl", "7.88.1-10+deb12u8", 1),
                                 ("libssl3", "3.0.15-1~deb12u1", 0)])
        self.assertEqual(report["distro"]["id"], "debian")
        self.assertEqual(report["distro"]["version_id"], "12")
        self.assertEqual(report["distro"]["path"], "/usr/lib/os-release")
        curl = by_name(report, "curl")[0]
        self.assertEqual(curl["layer"]["created_by"], "RUN apt-get install curl")
        self.assertEqual(curl["purl"], "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u8?arch=amd64&distro=debian-12")
        bash = by_name(report, "bash")[0]
        self.assertEqual(bash["source"], {"name": "bash", "version": "5.2.15-2"})
        self.assertEqual(report["errors"], [])
        self.assertEqual(report["verdict"]["decision"], "allow")

    def test_docker_archive_blobs(self):
        p = work("da.tar")
        two_layer_image().docker_archive(p, tags=["demo:1"])
        r = scan_json("docker-archive:" + p)
        self.expect(r)
        self.assertEqual(r["image"]["transport"], "docker-archive")
        self.assertEqual(r["image"]["name"], "demo:1")
        self.assertIsNone(r["image"]["digest"])  # docker save has no manifest digest
        self.assertTrue(r["image"]["config_digest"].startswith("sha256:"))

    def test_docker_archive_legacy_gzip(self):
        p = work("da-legacy.tar")
        two_layer_image().docker_archive(p, legacy=True, compression="gzip")
        r = scan_json(p)  # bare path: detected
        self.expect(r)
        self.assertEqual([l["compression"] for l in r["image"]["layers"]], ["gzip", "gzip"])

    def test_oci_layout_tag_and_digest(self):
        d = work("oci")
        md = two_layer_image().oci_layout(d, tag="v1", compression="gzip")
        for target in ("oci:%s:v1" % d, "oci:%s@%s" % (d, md), "oci:" + d, d):
            r = scan_json(target)
            self.expect(r)
            self.assertEqual(r["image"]["digest"], md)
        code, _, err = run("scan", "oci:%s:nope" % d)
        self.assertEqual(code, 2)
        self.assertIn("nope", err)

    def test_oci_archive_zstd(self):
        p = work("oci.tar")
        two_layer_image().oci_archive(p, compression="zstd")
        r = scan_json("oci-archive:" + p)
        self.expect(r)
        self.assertEqual([l["compression"] for l in r["image"]["layers"]], ["zstd", "zstd"])
        r2 = scan_json(p)
        self.assertEqual(r2["image"]["transport"], "oci-archive")

    def test_mixed_compression(self):
        d = work("mixed")
        two_layer_image().oci_layout(d, compression=["none", "zstd"])
        self.expect(scan_json("oci:" + d))

    def test_rootfs(self):
        root = work("rootfs")
        os.makedirs(os.path.join(root, "usr/lib"))
        os.makedirs(os.path.join(root, "etc"))
        os.makedirs(os.path.join(root, "var/lib/dpkg"))
        with open(os.path.join(root, "usr/lib/os-release"), "wb") as f:
            f.write(DEBIAN_OS_RELEASE)
        os.symlink("../usr/lib/os-release", os.path.join(root, "etc/os-release"))
        with open(os.path.join(root, "var/lib/dpkg/status"), "wb") as f:
            f.write(dpkg_status([{"Package": "zlib1g", "Version": "1:1.2.13.dfsg-1"}]))
        # a symlink pointing at the host's files must never be followed
        os.symlink("/etc", os.path.join(root, "hostetc"))
        r = scan_json("rootfs:" + root)
        self.assertEqual([(p["name"], p["version"]) for p in all_packages(r)],
                         [("zlib1g", "1:1.2.13.dfsg-1")])
        self.assertEqual(r["distro"]["id"], "debian")
        self.assertEqual(r["image"]["transport"], "rootfs")
        r2 = scan_json(root)
        self.assertEqual(r2["image"]["transport"], "rootfs")

    def test_multiplatform_index(self):
        d = work("multi")
        amd = Image([debian_base([{"Package": "amd-only", "Version": "1"}])], arch="amd64")
        arm = Image([debian_base([{"Package": "arm-only", "Version": "2"}])], arch="arm64",
                    variant="v8")
        oci_multiplatform(d, [amd, arm])
        r = scan_json("oci:" + d, "--platform", "linux/amd64")
        self.assertEqual([p["name"] for p in all_packages(r)], ["amd-only"])
        r = scan_json("oci:" + d, "--platform", "linux/arm64")
        self.assertEqual([p["name"] for p in all_packages(r)], ["arm-only"])
        self.assertEqual(r["image"]["architecture"], "arm64")
        code, _, err = run("scan", "--platform", "linux/s390x", "oci:" + d)
        self.assertEqual(code, 2)
        self.assertIn("linux/s390x", err)
        self.assertIn("linux/arm64/v8", err)


class Merge(MoatTest):
    def test_whiteouts_and_attribution(self):
        base = debian_base().dir("opt").file("opt/app/node_modules/old/package.json", b"{}")
        l1 = (Layer().whiteout("var/lib/dpkg/status")                      # dpkg db deleted
              .opaque("opt")                                               # hide lower /opt
              .file("etc/alpine-release", b"3.20.3\n"))
        l2 = Layer().file("var/lib/dpkg/status",                          # re-created
                          dpkg_status([{"Package": "bash", "Version": "5.2.15-2+b7"}]))
        d = work("merge")
        Image([base, l1, l2]).oci_layout(d)
        r = scan_json("oci:" + d)
        pk = all_packages(r)
        # bash@5.2.15-2+b7 was in layer 0's database too, but layer 1 deleted the
        # database: the chain is broken, so layer 2 introduced it
        self.assertEqual([(p["name"], p["layer"]["index"]) for p in pk], [("bash", 2)])

    def test_replaced_version_attributed_to_upgrade_layer(self):
        base = debian_base([{"Package": "openssl", "Version": "3.0.11-1~deb12u2"},
                            {"Package": "zlib1g", "Version": "1:1.2.13.dfsg-1"}])
        mid = Layer().file("etc/motd", b"hello\n")  # does not touch the database
        up = Layer().file("var/lib/dpkg/status", dpkg_status([
            {"Package": "openssl", "Version": "3.0.15-1~deb12u1"},
            {"Package": "zlib1g", "Version": "1:1.2.13.dfsg-1"}]))
        d = work("upgrade")
        Image([base, mid, up]).oci_layout(d)
        r = scan_json("oci:" + d)
        got = {p["name"]: (p["version"], p["layer"]["index"]) for p in all_packages(r)}
        self.assertEqual(got, {"openssl": ("3.0.15-1~deb12u1", 2),
                               "zlib1g": ("1:1.2.13.dfsg-1", 0)})

    def test_symlink_loop_is_reported(self):
        l = (Layer().dir("etc").symlink("etc/os-release", "os-release2")
             .symlink("etc/os-release2", "os-release")
             .file("var/lib/dpkg/status", dpkg_status([{"Package": "a", "Version": "1"}])))
        d = work("loop")
        Image([l]).oci_layout(d)
        r = scan_json("oci:" + d)
        self.assertIsNone(r["distro"])
        msgs = [e for e in r["errors"] if e["path"] == "/etc/os-release"]
        self.assertEqual(len(msgs), 1)
        self.assertIn("loop", msgs[0]["message"])
        self.assertEqual([p["name"] for p in all_packages(r)], ["a"])

    def test_os_release_fallbacks(self):
        d = work("alpine")
        Image([Layer().file("etc/alpine-release", b"3.19.1\n")]).oci_layout(d)
        r = scan_json("oci:" + d)
        self.assertEqual((r["distro"]["id"], r["distro"]["version_id"]), ("alpine", "3.19.1"))
        d = work("debver")
        Image([Layer().file("etc/debian_version", b"11.9\n")]).oci_layout(d)
        r = scan_json("oci:" + d)
        self.assertEqual((r["distro"]["id"], r["distro"]["version_id"]), ("debian", "11"))
        d = work("rhel")
        Image([Layer().file("etc/redhat-release",
                            b"Red Hat Enterprise Linux release 8.9 (Ootpa)\n")]).oci_layout(d)
        r = scan_json("oci:" + d)
        self.assertEqual((r["distro"]["id"], r["distro"]["version_id"]), ("rhel", "8.9"))
        d = work("distroless")
        l = (Layer().file("etc/os-release", b'PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"\n')
             .file("var/lib/dpkg/status.d/libc6", b"Package: libc6\nVersion: 2.36-9+deb12u7\n"
                   b"Architecture: amd64\nSource: glibc\n")
             .file("var/lib/dpkg/status.d/libc6.md5sums", b"abc  lib/x\n"))
        Image([l]).oci_layout(d)
        r = scan_json("oci:" + d)
        self.assertTrue(r["distro"]["distroless"])
        self.assertEqual([(p["name"], p["source"]["name"]) for p in all_packages(r)],
                         [("libc6", "glibc")])

    def test_deterministic_across_threads(self):
        layers = [debian_base()] + [
            Layer().file("var/lib/dpkg/status", dpkg_status(
                [{"Package": "p%d" % k, "Version": "1.%d" % i} for k in range(i + 1)]))
            for i in range(6)]
        d = work("det")
        Image(layers).oci_layout(d, compression="gzip")
        outs = set()
        for threads in ("1", "2", "7"):
            code, out, err = run("scan", "--format", "json", "--threads", threads, "oci:" + d)
            self.assertEqual(code, 0, err)
            outs.add(out)
        self.assertEqual(len(outs), 1)
        r = json.loads(outs.pop())
        self.assertEqual(len(all_packages(r)), 6)
        self.assertEqual(by_name(r, "p5")[0]["layer"]["index"], 6)

    def test_spill_directory(self):
        """Per-file records spill to an unlinked file in $TMPDIR; without a
        usable directory they stay on the heap, with a warning, and the
        report is otherwise the same. Nothing is left behind in either."""
        d = work("spill")
        two_layer_image().oci_layout(d)
        tmp = work("spill-tmp", "x")
        tmp = os.path.dirname(tmp)
        code, out, err = run("scan", "--no-vulns", "--format", "json", "oci:" + d,
                             env={"TMPDIR": tmp})
        self.assertEqual(code, 0, err)
        self.assertEqual(os.listdir(tmp), [])
        spilled = json.loads(out)
        self.assertEqual(spilled["errors"], [])
        code, out, err = run("scan", "--no-vulns", "--format", "json", "oci:" + d,
                             env={"TMPDIR": os.path.join(tmp, "missing")})
        self.assertEqual(code, 0, err)
        heap = json.loads(out)
        self.assertEqual([(e["severity"], e["source"]) for e in heap["errors"]],
                         [("warning", "scan")])
        self.assertIn(os.path.join(tmp, "missing"), heap["errors"][0]["message"])
        self.assertEqual(heap["summary"]["errors"], 1)
        heap["errors"] = []
        heap["summary"]["errors"] = 0
        self.assertEqual(spilled, heap)

    def test_output_is_never_replaced_unless_a_regular_file(self):
        """-o writes a regular file atomically (temporary file + rename), but
        a FIFO, a symlink or a device is written in place: renaming over
        /dev/null as root once turned it into a regular file."""
        d = work("outs")
        two_layer_image().oci_layout(d)
        target = "oci:" + d
        fifo = work("outs-x", "fifo")
        if os.path.exists(fifo):
            os.unlink(fifo)
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
        reader.start()
        code, out, err = run("sbom", target, "-o", fifo)
        reader.join(30)
        self.assertEqual(code, 0, err)
        self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))
        self.assertEqual(json.loads(got[0])["bomFormat"], "CycloneDX")
        real, link = work("outs-x", "real.json"), work("outs-x", "link.json")
        for p in (real, link):
            if os.path.lexists(p):
                os.unlink(p)
        open(real, "w").close()
        os.symlink(real, link)
        code, out, err = run("sbom", target, "-o", link)
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.islink(link))
        self.assertEqual(json.load(open(real))["bomFormat"], "CycloneDX")
        self.assertEqual(sorted(os.listdir(os.path.dirname(real))), ["fifo", "link.json", "real.json"])
        if os.access("/dev", os.W_OK):
            code, out, err = run("sbom", target, "-o", "/dev/null")
            self.assertEqual(code, 0, err)
            self.assertTrue(stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null was replaced")
        else:
            print("skipped -o /dev/null: /dev is not writable here, so it cannot be replaced")

    def test_table_and_output_file(self):
        d = work("tbl")
        two_layer_image().oci_layout(d)
        code, out, err = run("scan", "oci:" + d)
        self.assertEqual(code, 0, err)
        self.assertIn("verdict  allow", out)
        self.assertIn("curl", out)
        self.assertIn("Debian GNU/Linux 12", out)
        o = work("report.json")
        code, out, err = run("scan", "-f", "json", "-o", o, "oci:" + d)
        self.assertEqual((code, out), (0, ""))
        with open(o) as f:
            self.assertEqual(len(json.load(f)["packages"]), 4)
        self.assertEqual([n for n in os.listdir(os.path.dirname(o)) if ".tmp." in n], [])


if __name__ == "__main__":
    main()
