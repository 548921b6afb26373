"""End-to-end tests of `moat verify`: cosign signatures produced by the
openssl tool (never by moat) in the exact layouts cosign documents, pushed
with skopeo to Debian's docker-registry on 127.0.0.1, and the same in OCI
layouts on disk.

  * The .sig signature manifest (sigstore/cosign specs/SIGNATURE_SPEC.md):
    an OCI image manifest under the tag sha256-<hex>.sig whose layers are
    simplesigning payloads (application/vnd.dev.cosign.simplesigning.v1+json)
    with the base64 signature in the dev.cosignproject.cosign/signature
    annotation; the payload names the image's manifest digest. Signed with
    `openssl dgst -sha256 -sign` (ECDSA P-256/P-384 from `openssl ecparam
    -genkey`, RSA PKCS#1 v1.5 and PSS) and `openssl pkeyutl -sign -rawin`
    (Ed25519).
  * Sigstore bundles as OCI 1.1 referrers (specs/BUNDLE_SPEC.md): a manifest
    with artifactType application/vnd.dev.sigstore.bundle.v0.3+json, the
    bundle as its layer, the image as subject, listed in the sha256-<hex>
    fallback tag index (docker-registry 2.8 has no referrers API) or served
    by a referrers API (a proxy in front of the registry answers it). The
    DSSE envelope is signed over its pre-authentication encoding, cosign 3's
    shape (an in-toto statement, predicate https://sigstore.dev/cosign/sign/v1);
    a message signature is over the image manifest.

Each rejection is checked for its reason: tampered payload, wrong key,
payload naming another digest, wrong payload type, missing signature, a
payload blob tampered in transit. Exit codes: 0 verified, 1 not verified,
2 could not check.
"""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import unittest

from util import MoatTest, main, run, work, WORK

from mkimage import Image, Layer, debian_base, oci_multiplatform, sha256, tar_dir, write_layout

import registry_helpers as rh

MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
MT_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json"
MT_EMPTY = "application/vnd.oci.empty.v1+json"
ANN_SIG = "dev.cosignproject.cosign/signature"
REF_NAME = "org.opencontainers.image.ref.name"
COSIGN_TYPE = "cosign container image signature"
SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1"
USER, PASSWORD = "signer", "s1gn3r-Pa55"


def openssl(*args, data=None):
    p = subprocess.run([rh.OPENSSL] + list(args), input=data, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (" ".join(args), p.stderr.decode()))
    return p.stdout


class Key:
    """A key pair made by the openssl tool; sign() runs openssl too."""

    def __init__(self, name, kind):
        self.kind = kind
        self.priv = work("keys", name + ".pem")
        self.pub = work("keys", name + ".pub")
        if kind in ("p256", "p384"):
            openssl("ecparam", "-name", "prime256v1" if kind == "p256" else "secp384r1",
                    "-genkey", "-noout", "-out", self.priv)
            openssl("ec", "-in", self.priv, "-pubout", "-out", self.pub)
        elif kind == "ed25519":
            openssl("genpkey", "-algorithm", "ed25519", "-out", self.priv)
            openssl("pkey", "-in", self.priv, "-pubout", "-out", self.pub)
        else:
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", self.priv)
            openssl("pkey", "-in", self.priv, "-pubout", "-out", self.pub)

    def sign(self, data, pss=False):
        msg = work("keys", "msg.bin")
        with open(msg, "wb") as f:
            f.write(data)
        if self.kind == "ed25519":
            return openssl("pkeyutl", "-sign", "-rawin", "-inkey", self.priv, "-in", msg)
        opts = []
        if pss:
            opts = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]
        return openssl("dgst", "-sha256", "-sign", self.priv, *opts, msg)


def b64(b):
    return base64.b64encode(b).decode()


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def payload(digest, ref="127.0.0.1/moat/app", type_=COSIGN_TYPE):
    """A simplesigning payload as cosign writes it (Go's json: compact, struct order)."""
    return compact({"critical": {"identity": {"docker-reference": ref},
                                 "image": {"docker-manifest-digest": digest},
                                 "type": type_},
                    "optional": None})


def sig_manifest(layers):
    """layers: [(payload bytes, base64 signature)]. Returns (manifest bytes, blobs)
    in cosign's layout: an OCI manifest whose config lists the payloads."""
    blobs = {}
    descs = []
    for p, s in layers:
        blobs[sha256(p)] = p
        descs.append({"mediaType": MT_SIMPLESIGNING, "size": len(p), "digest": sha256(p),
                      "annotations": {ANN_SIG: s}})
    cfg = compact({"architecture": "", "created": "0001-01-01T00:00:00Z",
                   "history": [{"created": "0001-01-01T00:00:00Z"}], "os": "",
                   "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descs]},
                   "config": {}})
    blobs[sha256(cfg)] = cfg
    man = compact({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
                   "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                              "size": len(cfg), "digest": sha256(cfg)},
                   "layers": descs})
    blobs[sha256(man)] = man
    return man, blobs


def pae(ptype, body):
    t = ptype.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def dsse_bundle(key, digest, predicate=SIGN_PREDICATE):
    """cosign 3's image signature: a DSSE envelope around an in-toto statement."""
    st = compact({"_type": "https://in-toto.io/Statement/v1",
                  "subject": [{"name": "127.0.0.1/moat/app",
                               "digest": {"sha256": digest[len("sha256:"):]}}],
                  "predicateType": predicate, "predicate": {}})
    ptype = "application/vnd.in-toto+json"
    sig = key.sign(pae(ptype, st))
    return compact({"mediaType": MT_BUNDLE,
                    "verificationMaterial": {"publicKey": {"hint": "moat-e2e"}},
                    "dsseEnvelope": {"payload": b64(st), "payloadType": ptype,
                                     "signatures": [{"sig": b64(sig), "keyid": ""}]}})


def message_bundle(key, manifest_bytes):
    """A message signature over the image manifest."""
    return compact({"mediaType": MT_BUNDLE,
                    "verificationMaterial": {"publicKey": {"hint": "moat-e2e"}},
                    "messageSignature": {
                        "messageDigest": {"algorithm": "SHA2_256",
                                          "digest": b64(hashlib.sha256(manifest_bytes).digest())},
                        "signature": b64(key.sign(manifest_bytes))}})


def referrer(bundle, subject_digest, subject_size):
    """The referrer manifest of BUNDLE_SPEC.md. Returns (manifest bytes, blobs)."""
    empty = b"{}"
    man = compact({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST, "artifactType": MT_BUNDLE,
                   "config": {"mediaType": MT_EMPTY, "digest": sha256(empty), "size": 2},
                   "layers": [{"mediaType": MT_BUNDLE, "digest": sha256(bundle),
                               "size": len(bundle),
                               "annotations": {"org.opencontainers.image.title":
                                               "sha256-%s.sigstore.json" % sha256(bundle)[7:]}}],
                   "subject": {"mediaType": MT_OCI_MANIFEST, "digest": subject_digest,
                               "size": subject_size},
                   "annotations": {"dev.sigstore.bundle.content": "dsse-envelope",
                                   "dev.sigstore.bundle.predicateType": SIGN_PREDICATE}})
    return man, {sha256(empty): empty, sha256(bundle): bundle, sha256(man): man}


def referrers_index(mans):
    return compact({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                    "manifests": [{"mediaType": MT_OCI_MANIFEST, "digest": sha256(m),
                                   "size": len(m), "artifactType": MT_BUNDLE} for m in mans]})


def skopeo(src, dest, preserve=True, all_images=False, creds=None):
    args = [rh.SKOPEO, "--insecure-policy", "copy", "--src-tls-verify=false",
            "--dest-tls-verify=false", "--quiet"]
    if preserve:
        args.append("--preserve-digests")
    if all_images:
        args.append("--all")
    if creds:
        args += ["--dest-creds", creds]
    p = subprocess.run(args + [src, dest], capture_output=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("skopeo copy %s %s: %s" % (src, dest, p.stderr.decode()))


def tagged_layout(path, entries, blobs):
    """An OCI layout; entries: [(ref.name or None, mediaType, manifest bytes, annotations)]."""
    descs = []
    for name, mt, man, extra in entries:
        ann = dict(extra or {})
        if name:
            ann[REF_NAME] = name
        d = {"mediaType": mt, "digest": sha256(man), "size": len(man)}
        if ann:
            d["annotations"] = ann
        descs.append(d)
        blobs[sha256(man)] = man
    write_layout(path, blobs, {"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": descs})


def read_blob(layout, digest):
    with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "rb") as f:
        return f.read()


class Verify(MoatTest):
    servers = []

    @classmethod
    def setUpClass(cls):
        missing = [p for p in rh.missing_tools() if p != "apache2-utils"]
        if not rh.HTPASSWD:
            missing.append("apache2-utils")
        if missing:
            print("SKIP: verify tests need Debian packages: %s" % ", ".join(missing),
                  file=sys.stderr)
            raise unittest.SkipTest("missing " + ", ".join(missing))
        super().setUpClass()
        cls.servers = []
        try:
            cls._setup()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for s in reversed(cls.servers):
            try:
                s.stop()
            except Exception as e:  # keep stopping the others
                print("stopping %r: %s" % (s, e), file=sys.stderr)
        cls.servers = []

    @classmethod
    def _start(cls, server):
        cls.servers.append(server)
        return server.start()

    @classmethod
    def push_image(cls, repo, image, tag="1.0"):
        d = work("images", repo.replace("/", "_"))
        md = image.oci_layout(d, tag=tag)
        skopeo("oci:%s:%s" % (d, tag), "docker://%s/%s:%s" % (cls.reg.host, repo, tag))
        return md, read_blob(d, md)

    @classmethod
    def push_sig(cls, repo, digest, layers):
        """Pushes a .sig signature manifest for digest; returns its bytes."""
        tag = "sha256-%s.sig" % digest[7:]
        man, blobs = sig_manifest(layers)
        d = work("sigs", repo.replace("/", "_") + "-" + digest[7:19])
        tagged_layout(d, [(tag, MT_OCI_MANIFEST, man, None)], blobs)
        skopeo("oci:%s:%s" % (d, tag), "docker://%s/%s:%s" % (cls.reg.host, repo, tag))
        return man

    @classmethod
    def push_referrers(cls, repo, digest, refs, fallback=True):
        """Pushes referrer manifests (list of (manifest, blobs)) and, with
        fallback, the sha256-<hex> index listing them."""
        for i, (man, blobs) in enumerate(refs):
            d = work("refs", "%s-%s-%d" % (repo.replace("/", "_"), digest[7:19], i))
            tagged_layout(d, [("r", MT_OCI_MANIFEST, man, None)], dict(blobs))
            skopeo("oci:%s:r" % d, "docker://%s/%s:referrer-%s-%d" % (cls.reg.host, repo,
                                                                      digest[7:19], i))
        if not fallback:
            return
        idx = referrers_index([m for m, _ in refs])
        tag = "sha256-%s" % digest[7:]
        blobs = {}
        for _, b in refs:
            blobs.update(b)
        d = work("refs", "%s-%s-index" % (repo.replace("/", "_"), digest[7:19]))
        tagged_layout(d, [(tag, MT_OCI_INDEX, idx, None)], blobs)
        # skopeo rewrites an index it copies (it drops artifactType from the
        # entries), so digests are not preserved here; the referrer
        # manifests themselves are copied unchanged
        skopeo("oci:%s:%s" % (d, tag), "docker://%s/%s:%s" % (cls.reg.host, repo, tag),
               preserve=False, all_images=True)

    @classmethod
    def _setup(cls):
        cls.keys = {k: Key(k, k) for k in ("p256", "p384", "ed25519", "rsa")}
        cls.other = Key("other-p256", "p256")
        storage = work("storage", "x")[:-2]
        cls.reg = cls._start(rh.Registry(WORK, storage, name="anon"))
        cls.htpasswd = rh.htpasswd_file(work("htpasswd"), USER, PASSWORD)
        cls.basic = cls._start(rh.Registry(WORK, storage, auth=("htpasswd", cls.htpasswd),
                                           name="basic"))
        cls.proxy = cls._start(rh.Proxy(cls.reg.port))
        cls.img = {}

        def image(repo, marker):
            layer = Layer().file("srv/%s.txt" % marker, ("image %s\n" % marker).encode())
            md, man = cls.push_image(repo, Image([debian_base(), layer]))
            cls.img[repo] = (md, man)
            return md

        # one repository per case, each with its own image digest
        for kind, key in cls.keys.items():
            md = image("sig/" + kind, kind)
            cls.push_sig("sig/" + kind, md, [(payload(md), b64(key.sign(payload(md))))])
        md = image("sig/rsa-pss", "rsa-pss")
        cls.push_sig("sig/rsa-pss", md,
                     [(payload(md), b64(cls.keys["rsa"].sign(payload(md), pss=True)))])
        md = image("sig/tampered", "tampered")
        good = payload(md)
        bad = good.replace(b'"optional":null', b'"optional":{"tampered":"yes"}')
        cls.push_sig("sig/tampered", md, [(bad, b64(cls.keys["p256"].sign(good)))])
        md = image("sig/wrongkey", "wrongkey")
        cls.push_sig("sig/wrongkey", md, [(payload(md), b64(cls.other.sign(payload(md))))])
        md = image("sig/otherdigest", "otherdigest")
        cls.elsewhere = "sha256:" + hashlib.sha256(b"another image").hexdigest()
        p = payload(cls.elsewhere)
        cls.push_sig("sig/otherdigest", md, [(p, b64(cls.keys["p256"].sign(p)))])
        md = image("sig/wrongtype", "wrongtype")
        p = payload(md, type_="atomic container signature")
        cls.push_sig("sig/wrongtype", md, [(p, b64(cls.keys["p256"].sign(p)))])
        md = image("sig/two", "two")
        cls.push_sig("sig/two", md, [(payload(md), b64(cls.other.sign(payload(md)))),
                                     (payload(md), b64(cls.keys["ed25519"].sign(payload(md))))])
        image("sig/unsigned", "unsigned")

        # Sigstore bundles
        md = image("bundle/dsse", "dsse")
        cls.push_referrers("bundle/dsse", md, [referrer(dsse_bundle(cls.keys["p256"], md), md,
                                                        len(cls.img["bundle/dsse"][1]))])
        md = image("bundle/message", "message")
        man = cls.img["bundle/message"][1]
        cls.push_referrers("bundle/message", md,
                           [referrer(message_bundle(cls.keys["ed25519"], man), md, len(man))])
        md = image("bundle/attestation", "attestation")
        cls.push_referrers("bundle/attestation", md,
                           [referrer(dsse_bundle(cls.keys["p256"], md,
                                                 predicate="https://slsa.dev/provenance/v1"),
                                     md, 100)])
        md = image("bundle/wrongkey", "bundle-wrongkey")
        cls.push_referrers("bundle/wrongkey", md,
                           [referrer(dsse_bundle(cls.other, md), md, 100)])
        # a referrers API (served by the proxy): no fallback tag at all
        md = image("bundle/api", "api")
        cls.api_ref = referrer(dsse_bundle(cls.keys["rsa"], md), md, 100)
        cls.push_referrers("bundle/api", md, [cls.api_ref], fallback=False)

        # a multi-platform image: cosign signs the index digest the tag names
        d = work("images", "multi")
        idx_d, cls.multi_mds = oci_multiplatform(d, [Image([debian_base()], arch="amd64"),
                                                     Image([debian_base()], arch="arm64")])
        skopeo("oci:%s:latest" % d, "docker://%s/sig/multi:latest" % cls.reg.host,
               all_images=True)
        cls.img["sig/multi"] = (idx_d, read_blob(d, idx_d))
        cls.push_sig("sig/multi", idx_d,
                     [(payload(idx_d), b64(cls.keys["p384"].sign(payload(idx_d))))])

        cls.empty_home = work("home-empty", "x")[:-2]
        os.makedirs(cls.empty_home, exist_ok=True)

    # -- helpers ------------------------------------------------------------
    def env(self):
        return {"HOME": self.empty_home, "DOCKER_CONFIG": os.path.join(self.empty_home, "none")}

    def verify(self, target, *keys, args=("--insecure",), expect=0, stdin=None):
        cmd = ["verify", "--format", "json", *args]
        for k in keys:
            cmd += ["--key", k]
        code, out, err = run(*cmd, target, env=self.env(), stdin=stdin, timeout=300)
        self.assertEqual(code, expect, "moat verify %s exited %d (want %d)\nstdout: %s\n"
                         "stderr: %s" % (target, code, expect, out, err))
        if code == 2:
            self.assertEqual(out, "", "no report when the check could not run")
            lines = [l for l in err.splitlines() if l.strip()]
            self.assertEqual(len(lines), 1, "one error line: %r" % err)
            return lines[0]
        return json.loads(out)

    def target(self, repo, tag="1.0"):
        return "docker://%s/%s:%s" % (self.reg.host, repo, tag)

    def only_sig(self, r):
        self.assertEqual(len(r["signatures"]), 1, r)
        return r["signatures"][0]

    # -- cosign .sig signatures, one per key type ------------------------------
    def test_valid_each_key_type(self):
        for kind, key in self.keys.items():
            with self.subTest(kind=kind):
                r = self.verify(self.target("sig/" + kind), key.pub)
                self.assertTrue(r["verified"])
                self.assertEqual(r["image_digest"], self.img["sig/" + kind][0])
                s = self.only_sig(r)
                self.assertEqual(s["kind"], "cosign")
                self.assertTrue(s["verified"])
                self.assertEqual(s["key"], key.pub)
                self.assertEqual(s["source"], "sha256-%s.sig layer 1" %
                                 self.img["sig/" + kind][0][7:])
                self.assertIsNone(r["reason"])

    def test_rsa_pss(self):
        r = self.verify(self.target("sig/rsa-pss"), self.keys["rsa"].pub)
        self.assertTrue(self.only_sig(r)["verified"])

    def test_by_digest(self):
        md = self.img["sig/p256"][0]
        r = self.verify("docker://%s/sig/p256@%s" % (self.reg.host, md), self.keys["p256"].pub)
        self.assertTrue(r["verified"])
        self.assertEqual(r["image_digest"], md)

    def test_text_output(self):
        code, out, err = run("verify", "--insecure", "--key", self.keys["p256"].pub,
                             self.target("sig/p256"), env=self.env())
        self.assertEqual(code, 0, err)
        self.assertIn("image digest: %s" % self.img["sig/p256"][0], out)
        self.assertIn("verified  cosign sha256-", out)
        self.assertIn("VERIFIED: 1 of 1 signature verified", out)
        code, out, err = run("verify", "--insecure", "-q", "--key", self.keys["p256"].pub,
                             self.target("sig/unsigned"), env=self.env())
        self.assertEqual((code, out), (1, ""))

    def test_any_of_several_keys(self):
        r = self.verify(self.target("sig/ed25519"), self.keys["p256"].pub,
                        self.keys["ed25519"].pub)
        self.assertEqual(self.only_sig(r)["key"], self.keys["ed25519"].pub)

    def test_one_of_two_signatures(self):
        r = self.verify(self.target("sig/two"), self.keys["ed25519"].pub)
        self.assertTrue(r["verified"])
        self.assertEqual([s["verified"] for s in r["signatures"]], [False, True])
        self.assertIn("does not verify", r["signatures"][0]["reason"])

    def test_multi_platform_index(self):
        r = self.verify(self.target("sig/multi", "latest"), self.keys["p384"].pub)
        self.assertTrue(r["verified"])
        self.assertEqual(r["image_digest"], self.img["sig/multi"][0])
        # the signed index names the platform manifests a scan reads
        self.assertEqual(r["index_manifests"], self.multi_mds)
        r = self.verify(self.target("sig/p256"), self.keys["p256"].pub)
        self.assertNotIn("index_manifests", r)

    # -- rejections -------------------------------------------------------------
    def test_tampered_payload(self):
        r = self.verify(self.target("sig/tampered"), self.keys["p256"].pub, expect=1)
        s = self.only_sig(r)
        self.assertFalse(s["verified"])
        self.assertIsNone(s["key"])
        self.assertIn("signature does not verify with any key given", s["reason"])
        self.assertIn("none of the 1 signature found verifies", r["reason"])

    def test_wrong_key(self):
        r = self.verify(self.target("sig/wrongkey"), self.keys["p256"].pub,
                        self.keys["ed25519"].pub, expect=1)
        reason = self.only_sig(r)["reason"]
        self.assertIn("does not verify", reason)
        self.assertIn("%s (ECDSA P-256)" % self.keys["p256"].pub, reason)
        self.assertIn("%s (Ed25519)" % self.keys["ed25519"].pub, reason)

    def test_payload_names_another_digest(self):
        r = self.verify(self.target("sig/otherdigest"), self.keys["p256"].pub, expect=1)
        reason = self.only_sig(r)["reason"]
        self.assertIn("payload digest mismatch", reason)
        self.assertIn(self.elsewhere, reason)
        self.assertIn(self.img["sig/otherdigest"][0], reason)
        self.assertIn("signed by %s" % self.keys["p256"].pub, reason)

    def test_wrong_payload_type(self):
        r = self.verify(self.target("sig/wrongtype"), self.keys["p256"].pub, expect=1)
        self.assertIn("wrong payload type \"atomic container signature\"",
                      self.only_sig(r)["reason"])

    def test_missing_signature(self):
        r = self.verify(self.target("sig/unsigned"), self.keys["p256"].pub, expect=1)
        self.assertEqual(r["signatures"], [])
        md = self.img["sig/unsigned"][0]
        self.assertIn("no signature found", r["reason"])
        self.assertIn("sha256-%s.sig" % md[7:], r["reason"])
        self.assertIn("no fallback tag sha256-%s" % md[7:], r["reason"])
        self.assertIn("no referrers API", r["reason"])

    def test_signature_of_another_image_is_not_found(self):
        # a signature made for one image does not vouch for another
        r = self.verify(self.target("sig/ed25519"), self.keys["p256"].pub, expect=1)
        self.assertIn("does not verify", self.only_sig(r)["reason"])

    def test_payload_tampered_in_transit(self):
        md = self.img["sig/p256"][0]
        p = payload(md)
        self.proxy.tamper = {sha256(p): None}
        try:
            r = self.verify("docker://%s/sig/p256:1.0" % self.proxy.host, self.keys["p256"].pub,
                            expect=1)
        finally:
            self.proxy.reset()
        reason = self.only_sig(r)["reason"]
        self.assertIn("payload unreadable", reason)
        self.assertIn("digest mismatch", reason)

    # -- could not check ---------------------------------------------------------
    def test_unreadable_key(self):
        line = self.verify(self.target("sig/p256"), work("keys", "missing.pub"), expect=2)
        self.assertIn("missing.pub", line)
        line = self.verify(self.target("sig/p256"), self.keys["p256"].priv, expect=2)
        self.assertIn("private key", line)
        junk = work("keys", "junk.pub")
        with open(junk, "w") as f:
            f.write("not a key\n")
        line = self.verify(self.target("sig/p256"), junk, expect=2)
        self.assertIn("not a PEM public key", line)
        dsa = work("keys", "dsa.pub")
        openssl("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024",
                "-out", work("keys", "dsa.params"))
        openssl("genpkey", "-paramfile", work("keys", "dsa.params"), "-out", work("keys", "dsa.pem"))
        openssl("pkey", "-in", work("keys", "dsa.pem"), "-pubout", "-out", dsa)
        line = self.verify(self.target("sig/p256"), dsa, expect=2)
        self.assertIn("DSA key", line)

    def test_unreadable_target(self):
        line = self.verify(self.target("sig/no-such-repo"), self.keys["p256"].pub, expect=2)
        self.assertIn("not found", line)
        line = self.verify("oci:" + work("no-such-layout"), self.keys["p256"].pub, expect=2)
        self.assertIn("no-such-layout", line)
        line = self.verify("docker-archive:/tmp/x.tar", self.keys["p256"].pub, expect=2)
        self.assertIn("holds no signatures", line)
        code, _, err = run("verify", self.target("sig/p256"), env=self.env())
        self.assertEqual(code, 2)
        self.assertIn("no --key", err)

    def test_registry_credentials(self):
        t = "docker://%s/sig/p256:1.0" % self.basic.host
        r = self.verify(t, self.keys["p256"].pub,
                        args=("--insecure", "--username", USER, "--password-stdin"),
                        stdin=(PASSWORD + "\n").encode())
        self.assertTrue(r["verified"])
        line = self.verify(t, self.keys["p256"].pub, expect=2)
        self.assertIn("authentication", line)

    # -- Sigstore bundles ---------------------------------------------------------
    def test_bundle_dsse(self):
        r = self.verify(self.target("bundle/dsse"), self.keys["p256"].pub)
        s = self.only_sig(r)
        self.assertEqual(s["kind"], "sigstore-bundle")
        self.assertTrue(s["verified"])
        self.assertIn("DSSE envelope signed by", s["reason"])
        self.assertTrue(s["source"].startswith("referrer sha256:"))

    def test_bundle_message_signature(self):
        r = self.verify(self.target("bundle/message"), self.keys["ed25519"].pub)
        s = self.only_sig(r)
        self.assertTrue(s["verified"])
        self.assertIn("message signature over the image manifest", s["reason"])

    def test_bundle_attestation_is_not_a_signature(self):
        r = self.verify(self.target("bundle/attestation"), self.keys["p256"].pub, expect=1)
        self.assertIn("attestation with predicate type https://slsa.dev/provenance/v1",
                      self.only_sig(r)["reason"])

    def test_bundle_wrong_key(self):
        r = self.verify(self.target("bundle/wrongkey"), self.keys["p256"].pub, expect=1)
        self.assertIn("DSSE signature does not verify", self.only_sig(r)["reason"])

    def test_bundle_referrers_api(self):
        md = self.img["bundle/api"][0]
        # without the API there is nothing: no fallback tag was pushed
        r = self.verify(self.target("bundle/api"), self.keys["rsa"].pub, expect=1)
        self.assertIn("no signature found", r["reason"])
        man, _ = self.api_ref
        self.proxy.override = {"/v2/bundle/api/referrers/%s" % md:
                               (200, [("Content-Type", MT_OCI_INDEX)], referrers_index([man]))}
        try:
            r = self.verify("docker://%s/bundle/api:1.0" % self.proxy.host, self.keys["rsa"].pub)
            self.assertTrue(self.only_sig(r)["verified"])
            self.assertEqual(self.only_sig(r)["source"], "referrer " + sha256(man))
            # a referrers list naming a manifest whose subject is another image
            other = self.img["bundle/dsse"][0]
            self.proxy.override = {"/v2/bundle/dsse/referrers/%s" % other:
                                   (200, [("Content-Type", MT_OCI_INDEX)],
                                    referrers_index([man]))}
            skopeo("oci:%s:r" % work("refs", "bundle_api-%s-0" % md[7:19]),
                   "docker://%s/bundle/dsse:stray" % self.reg.host)
            r = self.verify("docker://%s/bundle/dsse:1.0" % self.proxy.host,
                            self.keys["p256"].pub, self.keys["rsa"].pub)
            stray = [s for s in r["signatures"] if s["source"] == "referrer " + sha256(man)]
            self.assertEqual(len(stray), 1, r)
            self.assertIn("subject is %s, not this image" % md, stray[0]["reason"])
            self.assertTrue(r["verified"])  # the image's own bundle still counts
        finally:
            self.proxy.reset()

    # -- OCI layouts ---------------------------------------------------------------
    def test_layout_from_skopeo(self):
        """The image and its .sig tag copied out of the registry by skopeo into one layout."""
        md = self.img["sig/p384"][0]
        d = work("layout-skopeo")
        shutil.rmtree(d, ignore_errors=True)
        skopeo(self.target("sig/p384"), "oci:%s:1.0" % d)
        sig = "sha256-%s.sig" % md[7:]
        skopeo(self.target("sig/p384", sig), "oci:%s:%s" % (d, sig))
        r = self.verify("oci:%s:1.0" % d, self.keys["p384"].pub, args=())
        self.assertEqual(r["image_digest"], md)
        self.assertTrue(self.only_sig(r)["verified"])
        # the bare path names the same layout, but it holds one image: no tag needed
        r = self.verify(d, self.keys["p384"].pub, args=())
        self.assertTrue(r["verified"])
        r = self.verify("oci:%s:1.0" % d, self.keys["p256"].pub, args=(), expect=1)
        self.assertIn("does not verify", self.only_sig(r)["reason"])

    def layout_with_everything(self, path, tamper=False):
        img = Image([debian_base(), Layer().file("srv/layout.txt", b"layout\n")])
        blobs, man, _, _, _ = img.build()
        md = sha256(man)
        p = payload(md)
        sig = b64(self.keys["ed25519"].sign(p))
        if tamper:
            p = p.replace(b"cosign", b"cosigN", 1)
        sman, sblobs = sig_manifest([(p, sig)])
        blobs.update(sblobs)
        rman, rblobs = referrer(dsse_bundle(self.keys["p256"], md), md, len(man))
        blobs.update(rblobs)
        idx = referrers_index([rman])
        tagged_layout(path, [("1.0", MT_OCI_MANIFEST, man, None),
                             ("sha256-%s.sig" % md[7:], MT_OCI_MANIFEST, sman, None),
                             ("sha256-%s" % md[7:], MT_OCI_INDEX, idx, None)], blobs)
        return md

    def test_layout_sig_and_bundle(self):
        d = work("layout-all")
        md = self.layout_with_everything(d)
        r = self.verify("oci:%s:1.0" % d, self.keys["ed25519"].pub, self.keys["p256"].pub,
                        args=())
        self.assertEqual(r["image_digest"], md)
        self.assertEqual(sorted((s["kind"], s["verified"]) for s in r["signatures"]),
                         [("cosign", True), ("sigstore-bundle", True)])
        # only the bundle's key
        r = self.verify("oci:%s:1.0" % d, self.keys["p256"].pub, args=())
        self.assertEqual(sorted((s["kind"], s["verified"]) for s in r["signatures"]),
                         [("cosign", False), ("sigstore-bundle", True)])
        # the same as an OCI archive
        a = work("layout-all.tar")
        tar_dir(d, a)
        r = self.verify("oci-archive:%s:1.0" % a, self.keys["ed25519"].pub, args=())
        self.assertTrue(r["verified"])

    def test_layout_tampered(self):
        d = work("layout-tampered")
        self.layout_with_everything(d, tamper=True)
        r = self.verify("oci:%s:1.0" % d, self.keys["ed25519"].pub, args=(), expect=1)
        cos = [s for s in r["signatures"] if s["kind"] == "cosign"]
        self.assertIn("does not verify", cos[0]["reason"])
        # a payload blob whose bytes do not match its digest
        d = work("layout-bad-blob")
        md = self.layout_with_everything(d)
        p = payload(md)
        with open(os.path.join(d, "blobs", "sha256", sha256(p)[7:]), "r+b") as f:
            f.write(b"X")
        r = self.verify("oci:%s:1.0" % d, self.keys["ed25519"].pub, args=(), expect=1)
        cos = [s for s in r["signatures"] if s["kind"] == "cosign"]
        self.assertIn("digest mismatch", cos[0]["reason"])

    def test_layout_cosign_save(self):
        """`cosign save` names entries by a kind annotation, not by tag."""
        img = Image([debian_base(), Layer().file("srv/saved.txt", b"saved\n")])
        blobs, man, _, _, _ = img.build()
        md = sha256(man)
        sman, sblobs = sig_manifest([(payload(md), b64(self.keys["rsa"].sign(payload(md))))])
        blobs.update(sblobs)
        d = work("layout-cosign-save")
        tagged_layout(d, [(None, MT_OCI_MANIFEST, man, {"kind": "dev.cosignproject.cosign/image"}),
                          (None, MT_OCI_MANIFEST, sman, {"kind": "dev.cosignproject.cosign/sigs"})],
                      blobs)
        r = self.verify("oci:" + d, self.keys["rsa"].pub, args=())
        self.assertEqual(r["image_digest"], md)
        s = self.only_sig(r)
        self.assertTrue(s["verified"])
        self.assertEqual(s["source"], "cosign save signatures layer 1")

    def test_layout_unsigned(self):
        d = work("layout-unsigned")
        md = Image([debian_base()]).oci_layout(d, tag="1.0")
        r = self.verify("oci:%s:1.0" % d, self.keys["p256"].pub, args=(), expect=1)
        self.assertIn("no signature found", r["reason"])
        self.assertIn(md, r["reason"])
        line = self.verify("oci:%s:2.0" % d, self.keys["p256"].pub, args=(), expect=2)
        self.assertIn("no image named 2.0", line)


if __name__ == "__main__":
    main()
