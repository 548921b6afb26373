"""Bad input gets a clear error and nothing else.

Fatal problems (the image cannot be trusted or read) must give exit 2, one
line on stderr naming the layer or file, and no report at all. Problems that
only stop one part from being analysed must be listed under "errors" while
the scan completes."""

import gzip
import io
import json
import os
import tarfile

from util import MoatTest, all_packages, main, run, scan_json, work

from mkimage import Image, Layer, debian_base, dpkg_status, sha256


def simple():
    return Image([debian_base(), Layer().file("app/readme", b"hello " * 1000)])


def truncate(i_target):
    def hook(i, b):
        return b[: len(b) // 2] if i == i_target else b
    return hook


def flip(i_target, at=None):
    def hook(i, b):
        if i != i_target:
            return b
        b = bytearray(b)
        k = at if at is not None else len(b) // 2
        b[k] ^= 0xFF
        return bytes(b)
    return hook


class FatalLayers(MoatTest):
    def layout(self, name, **kw):
        d = work(name)
        simple().oci_layout(d, **kw)
        return "oci:" + d

    def test_truncated_gzip(self):
        self.assertFatal(self.layout("tgz", compression="gzip", layer_hook=truncate(1)),
                         "layer 1", "sha256:", "gzip", "truncated")

    def test_corrupt_gzip(self):
        self.assertFatal(self.layout("cgz", compression="gzip", layer_hook=flip(1)),
                         "layer 1", "gzip")

    def test_truncated_zstd(self):
        self.assertFatal(self.layout("tzst", compression="zstd", layer_hook=truncate(0)),
                         "layer 0", "zstd")

    def test_corrupt_zstd(self):
        self.assertFatal(self.layout("czst", compression="zstd", layer_hook=flip(0)),
                         "layer 0", "zstd")

    def test_large_layers_fail_the_same_way(self):
        # compressed blobs of 1 MiB or more are inflated in a second thread:
        # its errors must surface exactly like the single-threaded ones
        big = Image([debian_base(), Layer().file("random.bin", os.urandom(3 << 20))])
        for comp in ("gzip", "zstd"):
            for name, hook, needle in (("trunc", truncate(1), "truncated"), ("flip", flip(1), comp)):
                d = work("large-%s-%s" % (comp, name))
                big.oci_layout(d, compression=comp, layer_hook=hook)
                self.assertFatal("oci:" + d, "layer 1", needle)
        d = work("large-ok")
        big.oci_layout(d, compression="gzip")
        r = scan_json("oci:" + d)
        self.assertEqual(r["image"]["layers"][1]["compression"], "gzip")
        self.assertEqual(r["errors"], [])

    def test_blob_digest_mismatch(self):
        # an uncompressed layer whose content changed after the manifest was written:
        # still a valid tar, caught only by the digest
        def hook(i, b):
            return b.replace(b"hello hello", b"HELLO hello", 1) if i == 1 else b
        line = self.assertFatal(self.layout("dig", compression="none", layer_hook=hook),
                                "layer 1", "digest mismatch")
        self.assertIn("expected sha256:", line)

    def test_diff_id_mismatch(self):
        def cfg(c):
            c["rootfs"]["diff_ids"][0] = "sha256:" + "0" * 64
            return c
        self.assertFatal(self.layout("diffid", config_hook=cfg), "layer 0", "diff_id mismatch")

    def test_missing_blob(self):
        d = work("missing")
        blobs, _, _, layer_ds, _ = simple().build()
        simple().oci_layout(d, drop=(layer_ds[1],))
        self.assertFatal("oci:" + d, "layer 1", layer_ds[1][7:])

    def test_missing_blob_docker_archive(self):
        p = work("missing.tar")
        simple().docker_archive(p, drop=("blobs/sha256/" + sha256(simple().layers[0].tar())[7:],))
        self.assertFatal(p, "layer 0", "missing")

    def test_not_a_tar(self):
        def hook(i, b):
            return os.urandom(4096) if i == 0 else b
        # undeclared garbage: the digest of the garbage is what the manifest says
        d = work("notar")
        img = simple()
        blobs, _, _, _, _ = img.build(compression="none")
        img.oci_layout(d, compression="none", layer_hook=hook)
        self.assertFatal("oci:" + d, "layer 0")

    def test_truncated_tar(self):
        def hook(i, b):
            return b[:1536] if i == 1 else b
        self.assertFatal(self.layout("ttar", compression="none", layer_hook=hook), "layer 1")


class FatalMetadata(MoatTest):
    def test_manifest_not_json(self):
        d = work("mnj")
        simple().oci_layout(d, manifest_hook=lambda m: b"{this is not json")
        self.assertFatal("oci:" + d, "manifest", "not valid JSON")

    def test_manifest_wrong_media_type(self):
        def hook(m):
            m["mediaType"] = "application/vnd.oci.artifact.manifest.v1+json"
            return m
        d = work("mmt")
        simple().oci_layout(d, manifest_hook=hook)
        self.assertFatal("oci:" + d, "application/vnd.oci.artifact.manifest.v1+json")

    def test_config_not_an_image(self):
        def hook(m):
            m["config"]["mediaType"] = "application/vnd.cncf.helm.config.v1+json"
            return m
        d = work("helm")
        simple().oci_layout(d, manifest_hook=hook)
        self.assertFatal("oci:" + d, "not a container image config")

    def test_unknown_layer_media_type(self):
        d = work("ulmt")
        simple().oci_layout(d, layer_media_types=["application/vnd.oci.image.layer.v1.tar",
                                                  "application/x-strange-layer"])
        self.assertFatal("oci:" + d, "layer 1", "unknown layer media type",
                         "application/x-strange-layer")

    def test_schema1(self):
        d = work("s1")
        simple().oci_layout(d, manifest_hook=lambda m: dict(m, schemaVersion=1))
        self.assertFatal("oci:" + d, "schemaVersion")

    def test_layer_count_mismatch(self):
        def cfg(c):
            c["rootfs"]["diff_ids"] = c["rootfs"]["diff_ids"][:1]
            return c
        d = work("count")
        simple().oci_layout(d, config_hook=cfg)
        self.assertFatal("oci:" + d, "1 diff_ids", "2 layers")

    def test_deep_json(self):
        d = work("deep")
        simple().oci_layout(d, manifest_hook=lambda m: b"[" * 100000 + b"]" * 100000)
        self.assertFatal("oci:" + d, "nested deeper")

    def test_docker_archive_bad_manifest_json(self):
        p = work("bad-manifest.tar")
        simple().docker_archive(p, manifest_json_hook=lambda m: b'{"not": "an array"}')
        self.assertFatal(p, "manifest.json", "not a JSON array")

    def test_not_an_image(self):
        p = work("random.tar")
        with tarfile.open(p, "w") as t:
            ti = tarfile.TarInfo("hello.txt")
            ti.size = 5
            t.addfile(ti, io.BytesIO(b"hello"))
        self.assertFatal(p, "not a docker-archive or OCI archive")
        self.assertFatal(work("does-not-exist"), "no such file")


class TarEntries(MoatTest):
    def one(self, name, layer, *needles, fatal=True, **kw):
        d = work(name)
        Image([debian_base(), layer]).oci_layout(d, compression="none", **kw)
        if fatal:
            return self.assertFatal("oci:" + d, "layer 1", *needles)
        return scan_json("oci:" + d)

    def test_dotdot_escape(self):
        self.one("dotdot", Layer().file("../../etc/cron.d/evil", b"x"), "climbs out",
                 "../../etc/cron.d/evil")

    def test_dotdot_inside_is_cleaned(self):
        r = self.one("dotdot-in", Layer().file("usr/../var/lib/dpkg/status",
                                               dpkg_status([{"Package": "z", "Version": "9"}])),
                     fatal=False)
        self.assertEqual([p["name"] for p in all_packages(r)], ["z"])
        self.assertTrue(any("'..'" in e["message"] for e in r["errors"]))

    def test_absolute_path(self):
        r = self.one("abs", Layer().file("/var/lib/dpkg/status",
                                         dpkg_status([{"Package": "abs", "Version": "1"}])),
                     fatal=False)
        self.assertEqual([p["name"] for p in all_packages(r)], ["abs"])
        warn = [e for e in r["errors"] if "absolute" in e["message"]]
        self.assertEqual(len(warn), 1)
        self.assertEqual((warn[0]["layer"], warn[0]["path"], warn[0]["severity"]),
                         (1, "/var/lib/dpkg/status", "warning"))

    def test_enormous_names(self):
        self.one("longcomp", Layer().file("a/" + "x" * 300, b"x"), "longer than")
        self.one("longpath", Layer().file("/".join(["d" * 200] * 30), b"x"), "longer than")

    def test_device_files(self):
        r = self.one("dev", Layer().device("dev/sda", "block", 8, 0).device("dev/null")
                     .fifo("run/fifo"), fatal=False)
        devs = sorted(e["path"] for e in r["errors"] if "device" in e["message"])
        self.assertEqual(devs, ["/dev/null", "/dev/sda"])
        self.assertEqual(len(all_packages(r)), 3)  # the base layer's packages, still read

    def test_hardlink_missing_target(self):
        self.one("hl", Layer().hardlink("usr/bin/evil", "usr/bin/not-there"), "hard link",
                 "usr/bin/not-there")

    def test_hardlink_ok(self):
        r = self.one("hlok", Layer().file("usr/bin/a", b"x").hardlink("usr/bin/b", "usr/bin/a"),
                     fatal=False)
        self.assertEqual(r["errors"], [])

    def test_hardlink_to_unread_name_is_reported(self):
        l = (Layer().file("opt/x.bin", dpkg_status([{"Package": "hidden", "Version": "1"}]))
             .hardlink("var/lib/dpkg/status", "opt/x.bin"))
        r = self.one("hlname", l, fatal=False)
        self.assertNotIn("hidden", [p["name"] for p in all_packages(r)])
        warn = [e for e in r["errors"] if e["path"] == "/var/lib/dpkg/status"]
        self.assertEqual(len(warn), 1)
        self.assertIn("hard link to /opt/x.bin", warn[0]["message"])

    def test_symlink_loop_in_directories(self):
        r = self.one("dirloop", Layer().symlink("x", "y").symlink("y", "x")
                     .symlink("usr/lib/os-release", "../../x/os-release"), fatal=False)
        # os-release is now a link into a loop: reported, scan completes
        self.assertTrue(any(e["path"] == "/etc/os-release" and "loop" in e["message"]
                            for e in r["errors"]), r["errors"])

    def test_gnu_and_ustar_dialects(self):
        for fmt, name in ((tarfile.GNU_FORMAT, "gnu"), (tarfile.USTAR_FORMAT, "ustar")):
            l = Layer(fmt=fmt).file("var/lib/dpkg/status",
                                    dpkg_status([{"Package": "dialect-" + name, "Version": "1"}]))
            l.file("opt/" + "n" * 120 + "/file", b"long name")  # GNU longname / ustar prefix
            r = self.one(name, l, fatal=False)
            self.assertEqual([p["name"] for p in all_packages(r)], ["dialect-" + name])
            self.assertEqual(r["errors"], [])


class Bombs(MoatTest):
    def test_gzip_total_bytes_limit(self):
        big = Layer().file("zeros", b"\0" * (48 << 20))
        d = work("gzbomb")
        Image([big]).oci_layout(d, compression="gzip")
        self.assertFatal("oci:" + d, "layer 0", "exceeds the limit", args=("--limit", "layer-bytes=16M"))
        self.assertEqual(run("scan", "oci:" + d)[0], 0)  # fine with the default limit

    def test_zstd_ratio(self):
        big = Layer().file("zeros", b"\0" * (96 << 20))
        d = work("zbomb")
        Image([big]).oci_layout(d, compression="zstd")
        self.assertFatal("oci:" + d, "layer 0", "decompression bomb")

    def test_image_total(self):
        d = work("imgbomb")
        Image([Layer().file("a", b"\0" * (8 << 20)), Layer().file("b", b"\0" * (8 << 20))]
              ).oci_layout(d, compression="gzip")
        code, out, err = run("scan", "--limit", "image-bytes=10M", "oci:" + d)
        self.assertEqual((code, out), (2, ""))
        self.assertIn("limit", err)


class ManyFiles(MoatTest):
    def test_100k_files(self):
        l = Layer()
        for i in range(100000):
            l.file("data/%03d/f%06d" % (i // 1000, i), b"")
        l.file("var/lib/dpkg/status", dpkg_status([{"Package": "many", "Version": "1"}]))
        d = work("many")
        Image([l]).oci_layout(d, compression="gzip")
        r = scan_json("oci:" + d)
        self.assertEqual(r["image"]["layers"][0]["entries"], 100001)
        self.assertEqual([p["name"] for p in all_packages(r)], ["many"])
        self.assertFatal("oci:" + d, "layer 0", "more than 50000 entries",
                         args=("--limit", "entries=50000"))
        # the per-file records spill to a file with a limit of its own: when
        # it is used up the layer fails and says so (not "out of memory")
        self.assertFatal("oci:" + d, "layer 0", "spill file's limit of 1048576 bytes is used up",
                         args=("--limit", "spill=1M"))


class DamagedDatabases(MoatTest):
    def test_garbage_dpkg_status(self):
        d = work("garbage")
        l = Layer().file("var/lib/dpkg/status", os.urandom(2048).replace(b"\0", b"x"))
        Image([debian_base(), l]).oci_layout(d)
        code, out, err = run("scan", "--format", "json", "oci:" + d)
        self.assertEqual(code, 0, err)
        r = json.loads(out)
        self.assertEqual(all_packages(r), [])
        bad = [e for e in r["errors"] if e["source"] == "dpkg"]
        self.assertTrue(bad and all(e["layer"] == 1 and e["severity"] == "failed" for e in bad), bad)

    def test_binary_dpkg_status(self):
        d = work("binstatus")
        Image([Layer().file("var/lib/dpkg/status", b"Package: a\nVersion: 1\n\0\0\0")]).oci_layout(d)
        r = scan_json("oci:" + d)
        self.assertEqual([e["message"] for e in r["errors"]],
                         ["binary data in a dpkg database; not read"])


if __name__ == "__main__":
    main()
