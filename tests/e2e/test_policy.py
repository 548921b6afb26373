"""`moat scan --policy` end to end: fixture images built with mkimage, an
advisory database built from hand-written OSV records, policies written
here, and the verdict, reasons and exit code checked.

  * malformed policies, unknown presets and unknown check ids: exit 2 with
    one line naming the file and line, before the target is even opened;
  * the baseline and strict presets on a Debian image with a critical
    fixable vulnerability, a private key removed by a later layer (its
    bytes still ship) and no USER;
  * suppressed findings (ignore file) do not count; exceptions waive
    findings until they expire, and an expired one is a warning;
  * a KEV catalog in CISA's JSON format;
  * golden base images by reference (OCI layouts and a docker-archive,
    relative to the policy file): which base, the newest approved version,
    the age limit, an image on an unapproved base;
  * the signature rule: an unsigned image is denied, one signed (openssl,
    cosign's .sig layout inside the OCI layout) with a policy key passes.
"""

import base64
import json
import os
import shutil
import subprocess
import unittest

from util import MoatTest, main, run, work

from mkimage import Image, Layer, debian_base, oci_multiplatform, sha256, write_layout

RSA_KEY = (b"-----BEGIN RSA PRIVATE KEY-----\n"
           b"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQABAoIBAC\n"
           b"-----END RSA PRIVATE KEY-----\n")
CVSS_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
COSIGN_TYPE = "cosign container image signature"
MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def record(id_, name, fixed, aliases=(), severity=None):
    r = {"schema_version": "1.6.0", "id": id_, "modified": "2024-06-01T00:00:00Z",
         "published": "2023-11-06T00:00:00Z", "aliases": list(aliases),
         "summary": "summary of " + id_,
         "affected": [{"package": {"ecosystem": "Debian:12", "name": name},
                       "ranges": [{"type": "ECOSYSTEM",
                                   "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]}
    if severity:
        r["severity"] = [{"type": "CVSS_V3", "score": severity}]
    return r


RECORDS = [
    record("DEBIAN-CVE-2023-5678", "openssl", "3.0.13-1~deb12u1", aliases=["CVE-2023-5678"],
           severity=CVSS_CRITICAL),
    # no severity: "unknown"; listed in the KEV catalog below
    record("DEBIAN-CVE-2024-0100", "bash", "5.2.15-3", aliases=["CVE-2024-0100"]),
]

KEV = {"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2024.06.01",
       "count": 2, "vulnerabilities": [
           {"cveID": "CVE-2021-44228", "vendorProject": "Apache", "product": "Log4j2"},
           {"cveID": "CVE-2024-0100", "vendorProject": "GNU", "product": "Bash"}]}


def base_layer(ssl="3.0.11-1~deb12u2"):
    return debian_base([
        {"Package": "libssl3", "Version": ssl, "Source": "openssl"},
        {"Package": "bash", "Version": "5.2.15-2+b2", "Source": "bash (5.2.15-2)"},
    ])


def reasons(report):
    return report["verdict"]["reasons"]


class Policy(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(work("records"))
        for r in RECORDS:
            with open(work("records", r["id"] + ".json"), "w") as f:
                json.dump(r, f)
        cls.db = work("osv.db")
        code, out, err = run("db", "import", "--db", cls.db, work("records"))
        assert code == 0, err
        with open(work("kev.json"), "w") as f:
            json.dump(KEV, f)
        # golden bases: two versions of one base, and an unrelated one
        cls.base_old = base_layer()
        cls.base_new = base_layer("3.0.15-1~deb12u1")
        cls.old_md = Image([cls.base_old], created="2024-01-10T00:00:00Z").oci_layout(
            work("golden", "debian-2024-01"), tag="12")
        cls.new_md = Image([cls.base_new], created="2024-06-10T00:00:00Z").oci_layout(
            work("golden", "debian-2024-06"), tag="12")
        Image([Layer().file("etc/os-release", b"ID=other\n")]).docker_archive(
            work("golden", "other.tar"), tags=("other:1",))
        app = Layer().file("app/run.sh", b"#!/bin/sh\nexec sleep 1\n", mode=0o755)
        key = Layer().dir("root").file("root/id_rsa", RSA_KEY, mode=0o600)
        rm = Layer().whiteout("root/id_rsa")
        cls.app_old = work("app-old")
        cls.app_old_md = Image([cls.base_old, app, key, rm], config={"User": "app"}).oci_layout(
            cls.app_old, tag="1.0")
        cls.app_new = work("app-new")
        Image([cls.base_new, app], config={"User": "app"}).oci_layout(cls.app_new, tag="1.0")
        cls.app_other = work("app-other")
        Image([Layer().file("etc/os-release", b"ID=other\n"), app],
              config={"User": "app"}).oci_layout(cls.app_other, tag="1.0")
        cls.app_root = work("app-root")
        Image([cls.base_new, app]).oci_layout(cls.app_root, tag="1.0")

    def policy(self, name, text):
        p = work("policies", name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def scan(self, target, *args, code=None):
        c, out, err = run("scan", "--format", "json", "--db", self.db, *args, target)
        if c not in (0, 1):
            self.fail("moat scan exited %d: %s" % (c, err))
        r = json.loads(out)
        decision = r["verdict"]["decision"]
        self.assertEqual(c, 1 if decision == "deny" else 0, "exit code and verdict disagree")
        if code is not None:
            self.assertEqual(c, code, reasons(r))
        return r

    # -- bad policies ----------------------------------------------------

    def assertPolicyError(self, policy, *needles):
        """Exit 2, one line, before the target is looked at (it does not exist)."""
        code, out, err = run("scan", "--policy", policy, "oci:" + work("no-such-image"))
        self.assertEqual(code, 2, err)
        self.assertEqual(out, "")
        lines = [l for l in err.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, err)
        for n in needles:
            self.assertIn(n, lines[0])
        self.assertNotIn("no-such-image", lines[0])
        return lines[0]

    def test_malformed_yaml(self):
        p = self.policy("syntax.yaml", "version: 1\nvulnerabilities:\n  crit: [action: deny\n")
        self.assertPolicyError(p, "moat: %s:4: YAML: " % p)

    def test_unknown_key_and_check(self):
        p = self.policy("key.yaml", "version: 1\nmalware:\n  any:\n    acton: deny\n")
        self.assertPolicyError(p, "%s:4: malware.any: unknown key 'acton'" % p)
        p = self.policy("check.yaml", "config:\n  c:\n    action: deny\n    checks: [MOAT-IMG-001,"
                        " MOAT-IMG-404]\n")
        self.assertPolicyError(p, "%s:4: config.c: unknown check id 'MOAT-IMG-404'" % p)

    def test_unknown_preset(self):
        self.assertPolicyError("strictest", "strictest: no such policy file, and not a preset "
                                            "(baseline, strict)")
        p = self.policy("ext.yaml", "extends: lenient\n")
        self.assertPolicyError(p, "%s:1: extends: unknown preset 'lenient'" % p)

    def test_sbom_has_no_policy(self):
        code, out, err = run("sbom", "--policy", "baseline", "oci:" + self.app_new)
        self.assertEqual(code, 2)
        self.assertIn("--policy is an option of moat scan", err)

    # -- presets ---------------------------------------------------------

    def test_baseline(self):
        r = self.scan("oci:" + self.app_old, "--policy", "baseline", code=1)
        rs = reasons(r)
        self.assertEqual(r["verdict"]["decision"], "deny")
        self.assertIn("deny: vulnerabilities.critical_fixable: CVE-2023-5678 in libssl3 "
                      "3.0.11-1~deb12u2 (fixed in 3.0.13-1~deb12u1)", rs)
        # removed by the last layer, but its bytes still ship in layer 2
        self.assertIn("deny: secrets.keys: private-key at /root/id_rsa (layer 2, removed by a "
                      "later layer but still shipped)", rs)
        self.assertEqual([x for x in rs if x.startswith("deny: ")], rs[:2])
        # table: the verdict first, with its reasons
        code, out, err = run("scan", "--db", self.db, "--policy", "baseline",
                             "oci:" + self.app_old)
        self.assertEqual(code, 1)
        self.assertIn("verdict  deny", out)
        self.assertIn("- deny: vulnerabilities.critical_fixable: CVE-2023-5678 in libssl3", out)

    def test_baseline_allows_clean_image(self):
        r = self.scan("oci:" + self.app_new, "--policy", "baseline", code=0)
        self.assertEqual(r["verdict"]["decision"], "allow", reasons(r))

    def test_baseline_root_warns(self):
        r = self.scan("oci:" + self.app_root, "--policy", "baseline", code=0)
        self.assertEqual(r["verdict"]["decision"], "warn")
        self.assertIn("warn: image.non_root: the image runs as root (no USER in the image "
                      "config)", reasons(r))

    def test_no_database_is_not_a_pass(self):
        r = self.scan("oci:" + self.app_new, "--policy", "baseline", "--no-vulns", code=1)
        self.assertIn("deny: vulnerabilities.critical_fixable: not evaluated: vulnerabilities "
                      "were not checked (no advisory database)", reasons(r))

    def test_strict_pinning(self):
        r = self.scan("oci:%s:1.0" % self.app_new, "--policy", "strict", code=1)
        self.assertTrue(any(x.startswith("deny: image.pinned: oci:%s:1.0 is not pinned by digest"
                                         % self.app_new) for x in reasons(r)), reasons(r))
        r = self.scan("oci:%s@%s" % (self.app_old, self.app_old_md), "--policy", "strict")
        self.assertFalse(any("image.pinned" in x for x in reasons(r)), reasons(r))
        # and strict denies any secret, as well as the fixable critical
        self.assertIn("deny: secrets.any: private-key at /root/id_rsa (layer 2, removed by a "
                      "later layer but still shipped)", reasons(r))

    # -- suppression, exceptions, KEV --------------------------------------

    def test_ignore_file_suppression_does_not_count(self):
        ign = work("ignore.yaml")
        with open(ign, "w") as f:
            f.write("vulnerabilities:\n  - id: CVE-2023-5678\n    reason: not reachable\n")
        p = self.policy("vulns.yaml", "vulnerabilities:\n"
                                      "  crit: {action: deny, severity: critical}\n")
        r = self.scan("oci:" + self.app_old, "--policy", p,
                      "--ignorefile", ign, code=0)
        self.assertEqual(r["verdict"]["decision"], "allow", reasons(r))

    def test_exceptions(self):
        text = ("extends: baseline\n"
                "exceptions:\n"
                "  - ids: [CVE-2023-5678]\n"
                "    purls: ['pkg:deb/debian/libssl3']\n"
                "    owner: alice@example.com\n"
                "    reason: fixed in the next release, SEC-101\n"
                "    expires: %s\n"
                "  - rules: [secrets.keys]\n"
                "    paths: ['/root/*']\n"
                "    owner: bob@example.com\n"
                "    reason: throw-away test key\n"
                "    expires: 2099-12-31\n")
        p = self.policy("exc.yaml", text % "2099-01-31")
        r = self.scan("oci:" + self.app_old, "--policy", p, code=0)
        rs = reasons(r)
        self.assertEqual(r["verdict"]["decision"], "warn", rs)
        # the secret is still a warning under secrets.other: the exception
        # only waives secrets.keys
        self.assertIn("warn: secrets.other: private-key at /root/id_rsa (layer 2, removed by a "
                      "later layer but still shipped)", rs)
        self.assertIn("info: exception at %s:3 (owner alice@example.com, until 2099-01-31: fixed "
                      "in the next release, SEC-101) waived CVE-2023-5678 in libssl3 "
                      "3.0.11-1~deb12u2 (fixed in 3.0.13-1~deb12u1) "
                      "[vulnerabilities.critical_fixable]" % p, rs)
        p = self.policy("exc-expired.yaml", text % "2020-01-31")
        r = self.scan("oci:" + self.app_old, "--policy", p, code=1)
        rs = reasons(r)
        self.assertIn("deny: vulnerabilities.critical_fixable: CVE-2023-5678 in libssl3 "
                      "3.0.11-1~deb12u2 (fixed in 3.0.13-1~deb12u1)", rs)
        self.assertIn("warn: exceptions: the exception at %s:3 (owner alice@example.com: fixed in "
                      "the next release, SEC-101) expired on 2020-01-31 and no longer applies"
                      % p, rs)

    def test_kev(self):
        p = self.policy("kev.yaml", "vulnerabilities:\n"
                                    "  exploited: {action: deny, kev: ../kev.json}\n")
        r = self.scan("oci:" + self.app_new, "--policy", p, code=1)
        self.assertEqual(reasons(r), ["deny: vulnerabilities.exploited: CVE-2024-0100 in bash "
                                      "5.2.15-2+b2 (fixed in 5.2.15-3)"])

    # -- golden base images ------------------------------------------------

    GOLDEN = ("image:\n"
              "  base:\n"
              "    action: deny\n"
              "    outdated: warn\n"
              "    too_old: %s\n"
              "    max_age_days: %d\n"
              "    approved:\n"
              "      - {ref: 'oci:../golden/debian-2024-01:12', name: 'debian:12-20240110',\n"
              "         repository: debian}\n"
              "      - {ref: 'oci:../golden/debian-2024-06:12', name: 'debian:12-20240610',\n"
              "         repository: debian}\n"
              "      - {ref: 'docker-archive:../golden/other.tar', name: 'other:1'}\n")

    def test_golden_newest(self):
        p = self.policy("golden.yaml", self.GOLDEN % ("warn", 36500))
        r = self.scan("oci:" + self.app_new, "--policy", p, "--no-vulns", code=0)
        self.assertEqual(r["verdict"]["decision"], "allow", reasons(r))
        self.assertEqual(reasons(r), ["info: image.base: built on approved base debian:12-20240610 "
                                      "(%s), layers 0-0 of 2" % self.new_md])

    def test_golden_outdated_and_too_old(self):
        p = self.policy("golden-old.yaml", self.GOLDEN % ("deny", 100))
        r = self.scan("oci:" + self.app_old, "--policy", p, "--no-vulns", code=1)
        rs = reasons(r)
        self.assertIn("warn: image.base.outdated: base debian:12-20240110 (created 2024-01-10) is "
                      "not the newest approved version of debian: rebuild on debian:12-20240610 "
                      "(created 2024-06-10)", rs)
        self.assertTrue(any(x.startswith("deny: image.base.too_old: base debian:12-20240110 was "
                                         "created on 2024-01-10, ") for x in rs), rs)
        self.assertIn("info: image.base: built on approved base debian:12-20240110 (%s), "
                      "layers 0-0 of 4" % self.old_md, rs)

    def test_golden_docker_archive_and_unapproved(self):
        p = self.policy("golden.yaml", self.GOLDEN % ("warn", 36500))
        r = self.scan("oci:" + self.app_other, "--policy", p, "--no-vulns", code=0)
        self.assertTrue(any(x.startswith("info: image.base: built on approved base other:1 ")
                            for x in reasons(r)), reasons(r))
        p = self.policy("golden-debian.yaml",
                        (self.GOLDEN % ("warn", 36500)).rsplit("      - {ref: 'docker-archive",
                                                               1)[0])
        r = self.scan("oci:" + self.app_other, "--policy", p, "--no-vulns", code=1)
        self.assertEqual(reasons(r), ["deny: image.base: no approved base image matches the "
                                      "bottom layers of this image (approved: debian:12-20240110, "
                                      "debian:12-20240610)"])

    def test_golden_unreadable_entry(self):
        p = self.policy("golden-missing.yaml",
                        "image:\n  base:\n    approved:\n"
                        "      - {ref: 'oci:../golden/gone:1', name: gone}\n"
                        "      - {ref: 'oci:../golden/debian-2024-06:12', name: 'debian:12'}\n")
        r = self.scan("oci:" + self.app_new, "--policy", p, "--no-vulns", code=0)
        rs = reasons(r)
        self.assertEqual(r["verdict"]["decision"], "warn", rs)
        self.assertTrue(any(x.startswith("warn: image.base: approved image gone (%s:4) could not "
                                          "be read, so it is not used: " % p) for x in rs), rs)
        self.assertIn("info: image.base: built on approved base debian:12 (%s), layers 0-0 of 2"
                      % self.new_md, rs)

    # -- signatures ----------------------------------------------------------

    def sign_layout(self, layout, md, priv):
        """Adds a cosign signature of digest md to the OCI layout, made with
        openssl in the layout cosign writes (sha256-<hex>.sig tag)."""
        openssl = shutil.which("openssl")
        signed = layout
        pl = json.dumps({"critical": {"identity": {"docker-reference": "example.com/app"},
                                      "image": {"docker-manifest-digest": md},
                                      "type": COSIGN_TYPE}, "optional": None},
                        separators=(",", ":")).encode()
        with open(work("keys", "payload"), "wb") as f:
            f.write(pl)
        sig = subprocess.run([openssl, "dgst", "-sha256", "-sign", priv, work("keys", "payload")],
                             check=True, capture_output=True).stdout
        cfg = json.dumps({"architecture": "", "os": "", "config": {},
                          "rootfs": {"type": "layers", "diff_ids": [sha256(pl)]}}).encode()
        man = json.dumps({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
                          "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                     "digest": sha256(cfg), "size": len(cfg)},
                          "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                                      "digest": sha256(pl), "size": len(pl),
                                      "annotations": {"dev.cosignproject.cosign/signature":
                                                      base64.b64encode(sig).decode()}}]}).encode()
        with open(os.path.join(signed, "index.json")) as f:
            index = json.load(f)
        index["manifests"].append({"mediaType": MT_OCI_MANIFEST, "digest": sha256(man),
                                   "size": len(man), "annotations": {
                                       "org.opencontainers.image.ref.name":
                                       "sha256-%s.sig" % md[7:]}})
        for blob in (pl, cfg, man):
            with open(os.path.join(signed, "blobs", "sha256", sha256(blob)[7:]), "wb") as f:
                f.write(blob)
        with open(os.path.join(signed, "index.json"), "w") as f:
            json.dump(index, f)

    def test_signature(self):
        openssl = shutil.which("openssl")
        if not openssl:
            print("SKIP: test_signature needs the openssl tool (Debian package openssl)")
            raise unittest.SkipTest("no openssl")
        priv, pub = work("keys", "cosign.key"), work("keys", "cosign.pub")
        subprocess.run([openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
                        priv], check=True, capture_output=True)
        subprocess.run([openssl, "ec", "-in", priv, "-pubout", "-out", pub], check=True,
                       capture_output=True)
        p = self.policy("sig.yaml", "image:\n  signature: {action: deny, keys: [../keys/cosign.pub]}\n")
        r = self.scan("oci:%s:1.0" % self.app_new, "--policy", p, "--no-vulns", code=1)
        self.assertTrue(any(x.startswith("deny: image.signature: no valid signature by a trusted "
                                         "key (1 key): ") for x in reasons(r)), reasons(r))
        # sign the image the way cosign does, with openssl, inside its layout
        signed = work("app-signed")
        md = Image([self.base_new, Layer().file("app/x", b"x")], config={"User": "app"}).oci_layout(
            signed, tag="1.0")
        self.sign_layout(signed, md, priv)
        r = self.scan("oci:%s:1.0" % signed, "--policy", p, "--no-vulns", code=0)
        self.assertEqual(r["verdict"]["decision"], "allow", reasons(r))
        self.assertTrue(any(x.startswith("info: image.signature: cosign signature verified with ")
                            and x.endswith("cosign.pub") for x in reasons(r)), reasons(r))
        # a multi-platform tag: cosign signs the index; the scan reads the
        # linux/amd64 manifest the index lists, which that signature covers
        multi = work("multi-signed")
        idx_d, mds = oci_multiplatform(multi, [
            Image([self.base_new, Layer().file("app/x", b"x")], config={"User": "app"},
                  arch="amd64"),
            Image([self.base_new, Layer().file("app/x", b"y")], config={"User": "app"},
                  arch="arm64")], tag="1.0")
        self.sign_layout(multi, idx_d, priv)
        r = self.scan("oci:%s:1.0" % multi, "--policy", p, "--no-vulns", "--platform",
                      "linux/amd64", code=0)
        self.assertEqual(r["image"]["digest"], mds[0])
        self.assertEqual(r["verdict"]["decision"], "allow", reasons(r))
        # a signature of one platform's manifest does not vouch for another
        other = work("multi-other")
        idx_d, mds = oci_multiplatform(other, [
            Image([self.base_new, Layer().file("app/x", b"x")], config={"User": "app"},
                  arch="amd64"),
            Image([self.base_new, Layer().file("app/x", b"y")], config={"User": "app"},
                  arch="arm64")], tag="1.0")
        self.sign_layout(other, mds[1], priv)
        r = self.scan("oci:%s:1.0" % other, "--policy", p, "--no-vulns", "--platform",
                      "linux/amd64", code=1)
        self.assertEqual(r["verdict"]["decision"], "deny", reasons(r))


if __name__ == "__main__":
    main()
