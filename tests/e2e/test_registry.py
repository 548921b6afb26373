"""End-to-end tests of the registry transport (docker://HOST/REPO[:TAG|@DIGEST])
against Debian's docker-registry on 127.0.0.1: images built with mkimage are
pushed with skopeo, then scanned from the registry and compared with scanning
the same fixture from disk.

Covers anonymous, Basic (htpasswd; --username/--password-stdin and docker
config files) and token auth (a token server of our own, JWTs the registry
verifies), platform choice from an index, @digest references, redirected blob
downloads (with no Authorization leaking to the other host), and what must
fail with one clear line: wrong passwords, tampered or truncated blobs,
schema 1, oversize and mislabelled manifests, redirect loops, missing TLS.

Loopback only; every server is started in setUpClass and stopped in
tearDownClass.
"""

import base64
import json
import os
import platform
import random
import sys
import unittest

from util import MOAT as MOAT_BIN, MoatTest, all_packages, main, run, work, WORK

from mkimage import Image, Layer, debian_base, dpkg_status, oci_multiplatform, sha256

import registry_helpers as rh

USER, PASSWORD = "moat-user", "s3cret-Pa55"


def pkgset(report):
    return sorted((p["type"], p["name"], p["version"]) for p in all_packages(report))


def app_image(extra_pkgs, arch="amd64", compression="gzip"):
    base = debian_base()
    app = Layer().file("var/lib/dpkg/status", dpkg_status(
        [{"Package": "base-files", "Version": "12.4+deb12u5"},
         {"Package": "bash", "Version": "5.2.15-2+b7", "Source": "bash (5.2.15-2)"}] +
        [{"Package": n, "Version": v, "Architecture": arch} for n, v in extra_pkgs]))
    extra = Layer().file("srv/readme.txt", b"a third layer so that downloads overlap\n" * 200)
    return Image([base, app, extra], arch=arch)


class Registry(MoatTest):
    servers = []

    @classmethod
    def setUpClass(cls):
        missing = rh.missing_tools()
        if missing:
            print("SKIP: registry tests need Debian packages: %s" % ", ".join(missing),
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
    def _start(cls, server):
        cls.servers.append(server)
        return server.start()

    @classmethod
    def _setup(cls):
        storage = work("storage", "x")[:-2]
        # fixtures on disk
        cls.oci_dir = work("oci-debian")
        cls.oci_md = app_image([("curl", "7.88.1-10+deb12u8"), ("zlib1g", "1:1.2.13.dfsg-1")]
                               ).oci_layout(cls.oci_dir, tag="1.0")
        cls.da_path = work("docker-archive.tar")
        app_image([("openssl", "3.0.15-1~deb12u1")]).docker_archive(cls.da_path,
                                                                    tags=["da:v1"])
        cls.multi_dir = work("oci-multi")
        amd = app_image([("only-on-amd64", "1.0")], arch="amd64")
        arm = app_image([("only-on-arm64", "2.0")], arch="arm64")
        cls.multi_index, cls.multi_mds = oci_multiplatform(cls.multi_dir, [amd, arm])
        cls.plain_dir = work("oci-plain")
        plain = app_image([("plain-pkg", "0.1")])
        cls.plain_md = plain.oci_layout(cls.plain_dir, tag="1")
        with open(os.path.join(cls.plain_dir, "blobs", "sha256", cls.plain_md[7:]), "rb") as f:
            cls.plain_layers = [l["digest"] for l in json.load(f)["layers"]]

        # the anonymous registry takes the pushes; the others share its storage
        cls.anon = cls._start(rh.Registry(WORK, storage, name="anon"))
        a = cls.anon.host
        rh.skopeo_copy("oci:%s:1.0" % cls.oci_dir, "docker://%s/moat/debian:1.0" % a)
        rh.skopeo_copy("docker-archive:%s" % cls.da_path, "docker://%s/moat/da:v1" % a)
        rh.skopeo_copy("oci:%s:latest" % cls.multi_dir, "docker://%s/moat/multi:latest" % a,
                       all_images=True)
        rh.skopeo_copy("oci:%s:1" % cls.plain_dir, "docker://%s/moat/plain:1" % a)

        cls.basic = cls._start(rh.Registry(
            WORK, storage, auth=("htpasswd", rh.htpasswd_file(work("htpasswd"), USER, PASSWORD)),
            name="basic"))
        cls.tokens = rh.TokenServer(WORK, {USER: PASSWORD})
        cls._start(cls.tokens)
        cls.token_reg = cls._start(rh.Registry(
            WORK, storage, auth=("token", cls.tokens.url + "/token", cls.tokens.service,
                                 cls.tokens.issuer, cls.tokens.cert), name="token"))
        cls.blobs = cls._start(rh.BlobServer([cls.oci_dir, cls.plain_dir]))
        cls.proxy = cls._start(rh.Proxy(cls.anon.port))
        cls.basic_proxy = cls._start(rh.Proxy(cls.basic.port))
        cls.token_proxy = cls._start(rh.Proxy(cls.token_reg.port))
        cert, key = rh.self_signed(WORK, "tls-registry")
        cls.tls = cls._start(rh.Registry(WORK, storage, name="tls", tls=(cert, key)))
        cls.empty_home = work("home-empty", "x")[:-2]
        os.makedirs(cls.empty_home, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        for s in reversed(cls.servers):
            try:
                s.stop()
            except Exception as e:  # keep stopping the others
                print("stopping %r: %s" % (s, e), file=sys.stderr)
        cls.servers = []

    def setUp(self):
        self.proxy.reset()
        self.basic_proxy.reset()
        self.token_proxy.reset()

    # -- helpers ------------------------------------------------------------
    def env(self, **kw):
        e = {"HOME": self.empty_home, "DOCKER_CONFIG": os.path.join(self.empty_home, "none")}
        e.update(kw)
        return e

    def scan(self, target, *args, env=None, stdin=None):
        code, out, err = run("scan", "--format", "json", "--no-vulns", *args, target,
                             env=env or self.env(), stdin=stdin, timeout=300)
        self.assertIn(code, (0, 1), "moat scan %s exited %d: %s" % (target, code, err))
        return json.loads(out)

    def fatal(self, target, *needles, args=(), env=None, stdin=None):
        code, out, err = run("scan", "--format", "json", *args, target, env=env or self.env(),
                             stdin=stdin, timeout=300)
        self.assertEqual(code, 2, "expected exit 2, got %d; stderr: %s" % (code, err))
        self.assertEqual(out, "", "a failed scan must not print a report")
        lines = [l for l in err.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, "expected one error line, got: %r" % err)
        for n in needles:
            self.assertIn(n, lines[0])
        return lines[0]

    def disk(self, target, *args):
        return self.scan(target, *args)

    def same_image(self, reg, disk, compare_blobs=True):
        self.assertEqual(pkgset(reg), pkgset(disk))
        self.assertTrue(pkgset(reg), "the fixture has packages")
        self.assertEqual(reg["image"]["config_digest"], disk["image"]["config_digest"])
        self.assertEqual([l["diff_id"] for l in reg["image"]["layers"]],
                         [l["diff_id"] for l in disk["image"]["layers"]])
        if compare_blobs:
            self.assertEqual([l["digest"] for l in reg["image"]["layers"]],
                             [l["digest"] for l in disk["image"]["layers"]])
        self.assertEqual(reg["image"]["transport"], "docker")
        self.assertEqual(reg["errors"], [])

    def docker_config(self, name, auths):
        d = work(name, "config.json")
        with open(d, "w") as f:
            json.dump(auths, f)
        return os.path.dirname(d)

    # -- anonymous ------------------------------------------------------------
    def test_anonymous_oci_image(self):
        t = "docker://%s/moat/debian:1.0" % self.anon.host
        r = self.scan(t, "--insecure", "--threads", "4")
        self.same_image(r, self.disk("oci:%s:1.0" % self.oci_dir))
        self.assertEqual(r["image"]["digest"], self.oci_md)
        self.assertEqual(r["image"]["name"], "%s/moat/debian:1.0" % self.anon.host)
        self.assertIn(("deb", "curl", "7.88.1-10+deb12u8"), pkgset(r))

    def test_anonymous_docker_archive_image(self):
        r = self.scan("docker://%s/moat/da:v1" % self.anon.host, "--insecure")
        # skopeo compresses the layers on the way, so only diff_ids agree
        self.same_image(r, self.disk("docker-archive:" + self.da_path), compare_blobs=False)
        self.assertIn(("deb", "openssl", "3.0.15-1~deb12u1"), pkgset(r))

    def test_platform_from_index(self):
        t = "docker://%s/moat/multi:latest" % self.anon.host
        arm = self.scan(t, "--insecure", "--platform", "linux/arm64")
        self.same_image(arm, self.disk("oci:%s:latest" % self.multi_dir, "--platform",
                                       "linux/arm64"))
        self.assertIn(("deb", "only-on-arm64", "2.0"), pkgset(arm))
        self.assertEqual(arm["image"]["architecture"], "arm64")
        self.assertEqual(arm["image"]["digest"], self.multi_mds[1])
        amd = self.scan(t, "--insecure", "--platform", "linux/amd64")
        self.assertIn(("deb", "only-on-amd64", "1.0"), pkgset(amd))
        self.assertEqual(amd["image"]["digest"], self.multi_mds[0])
        self.fatal(t, "linux/s390x", "linux/amd64", args=("--insecure", "--platform",
                                                          "linux/s390x"))
        # no --platform: linux/<the host's architecture>
        host = {"x86_64": 0, "aarch64": 1}.get(platform.machine())
        if host is None:
            self.fatal(t, "no manifest for platform", args=("--insecure",))
        else:
            self.assertEqual(self.scan(t, "--insecure")["image"]["digest"],
                             self.multi_mds[host])

    def test_digest_references(self):
        h = self.anon.host
        r = self.scan("docker://%s/moat/debian@%s" % (h, self.oci_md), "--insecure")
        self.same_image(r, self.disk("oci:%s:1.0" % self.oci_dir))
        self.assertEqual(r["image"]["name"], "%s/moat/debian" % h)
        self.assertEqual(r["image"]["digest"], self.oci_md)
        # an index digest, then the platform
        r = self.scan("docker://%s/moat/multi@%s" % (h, self.multi_index), "--insecure",
                      "--platform", "linux/arm64")
        self.assertEqual(r["image"]["digest"], self.multi_mds[1])
        self.assertIn(("deb", "only-on-arm64", "2.0"), pkgset(r))
        # tag and digest: the digest decides
        r = self.scan("docker://%s/moat/debian:nonexistent@%s" % (h, self.oci_md), "--insecure")
        self.assertEqual(r["image"]["digest"], self.oci_md)
        self.fatal("docker://%s/moat/debian@sha256:%s" % (h, "0" * 64), "not found",
                   args=("--insecure",))

    def test_unknown_tag_and_repository(self):
        self.fatal("docker://%s/moat/debian:nope" % self.anon.host, "manifest nope",
                   "not found", "MANIFEST_UNKNOWN", args=("--insecure",))
        self.fatal("docker://%s/moat/nothing:1" % self.anon.host, "not found",
                   args=("--insecure",))

    def test_plain_http_needs_insecure(self):
        line = self.fatal("docker://%s/moat/debian:1.0" % self.anon.host, self.anon.host)
        self.assertNotIn("not found", line)

    def test_tls_registry(self):
        t = "docker://%s/moat/debian:1.0" % self.tls.host
        # a self-signed certificate is refused unless --insecure says otherwise
        self.fatal(t, self.tls.host, "--insecure", "certificate")
        r = self.scan(t, "--insecure")
        self.same_image(r, self.disk("oci:%s:1.0" % self.oci_dir))

    def test_connection_refused(self):
        port = rh.free_port()
        self.fatal("docker://127.0.0.1:%d/moat/debian:1.0" % port, "127.0.0.1:%d" % port,
                   args=("--insecure",))

    def test_bad_references(self):
        for ref, needle in (("127.0.0.1:5000/Moat/Debian", "lower-case"),
                            ("127.0.0.1:5000/moat/debian:bad tag", "tag"),
                            ("127.0.0.1:5000/moat@sha256:abc", "digest"),
                            ("127.0.0.1:99999/moat", "port"),
                            ("[::1]:5000/moat", "IPv6")):
            self.fatal("docker://" + ref, needle, args=("--insecure",))

    def test_large_layer_streams_in_bounded_memory(self):
        """A 96 MiB layer must not be held in memory: the peak RSS of the scan
        grows far less than the blob compared with a small image."""
        size = 96 << 20
        d = work("oci-big")
        big = Layer().file("srv/big.bin", random.Random(7).randbytes(size))
        Image([debian_base(), big]).oci_layout(d, tag="big", compression="none")
        rh.skopeo_copy("oci:%s:big" % d, "docker://%s/moat/big:1" % self.anon.host)
        env = dict(os.environ)
        env.update(self.env())
        # under AddressSanitizer freed memory sits in a quarantine of up to
        # 256 MiB, which would count as peak RSS here
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=4").lstrip(":")
        small = rh.moat_peak_rss(MOAT_BIN, ["scan", "--format", "json", "--insecure",
                                          "docker://%s/moat/debian:1.0" % self.anon.host], env)
        large = rh.moat_peak_rss(MOAT_BIN, ["scan", "--format", "json", "--insecure",
                                          "docker://%s/moat/big:1" % self.anon.host], env)
        self.assertEqual(small[0], 0, small[2])
        self.assertEqual(large[0], 0, large[2])
        rep = json.loads(large[1])
        self.assertGreater(rep["image"]["layers"][1]["size"], size // 2)
        grew_kib = large[3] - small[3]
        self.assertLess(grew_kib, 32 << 10, "peak RSS grew by %d KiB for a %d MiB layer" %
                        (grew_kib, size >> 20))

    # -- Basic auth -----------------------------------------------------------
    def test_basic_auth_username_password_stdin(self):
        t = "docker://%s/moat/debian:1.0" % self.basic.host
        r = self.scan(t, "--insecure", "--username", USER, "--password-stdin",
                      stdin=(PASSWORD + "\n").encode())
        self.same_image(r, self.disk("oci:%s:1.0" % self.oci_dir))

    def test_basic_auth_docker_config(self):
        t = "docker://%s/moat/debian:1.0" % self.basic.host
        auth = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
        d = self.docker_config("dc-basic", {"auths": {self.basic.host: {"auth": auth}}})
        r = self.scan(t, "--insecure", env=self.env(DOCKER_CONFIG=d))
        self.same_image(r, self.disk("oci:%s:1.0" % self.oci_dir))
        # ~/.docker/config.json with a URL-style key
        home = work("home-basic", "x")[:-2]
        os.makedirs(os.path.join(home, ".docker"), exist_ok=True)
        with open(os.path.join(home, ".docker", "config.json"), "w") as f:
            json.dump({"auths": {"http://%s/v2/" % self.basic.host: {"auth": auth}}}, f)
        # an empty DOCKER_CONFIG counts as unset, as in docker
        r2 = self.scan(t, "--insecure", env=self.env(HOME=home, DOCKER_CONFIG=""))
        self.assertEqual(pkgset(r2), pkgset(r))

    def test_basic_auth_wrong_password(self):
        t = "docker://%s/moat/debian:1.0" % self.basic.host
        self.fatal(t, "authentication failed", USER, args=("--insecure", "--username", USER,
                                                           "--password-stdin"),
                   stdin=b"wrong\n")
        bad = base64.b64encode(("%s:wrong" % USER).encode()).decode()
        d = self.docker_config("dc-wrong", {"auths": {self.basic.host: {"auth": bad}}})
        self.fatal(t, "authentication failed", args=("--insecure",),
                   env=self.env(DOCKER_CONFIG=d))

    def test_basic_auth_without_credentials(self):
        t = "docker://%s/moat/debian:1.0" % self.basic.host
        self.fatal(t, "requires authentication", "--username", args=("--insecure",))
        d = self.docker_config("dc-helper", {"credHelpers": {self.basic.host: "secretservice"}})
        self.fatal(t, "docker-credential-secretservice", args=("--insecure",),
                   env=self.env(DOCKER_CONFIG=d))
        d = self.docker_config("dc-broken", {"auths": {self.basic.host: {"auth": "%%%"}}})
        self.fatal(t, "base64", "config.json", args=("--insecure",),
                   env=self.env(DOCKER_CONFIG=d))

    # -- token auth -----------------------------------------------------------
    def test_token_auth(self):
        t = "docker://%s/moat/debian:1.0" % self.token_reg.host
        before = len(self.tokens.requests)
        r = self.scan(t, "--insecure", "--threads", "4", "--username", USER,
                      "--password-stdin", stdin=(PASSWORD + "\n").encode())
        self.same_image(r, self.disk("oci:%s:1.0" % self.oci_dir))
        reqs = self.tokens.requests[before:]
        # one token, reused by the manifest, config and all parallel layers
        self.assertEqual(len(reqs), 1, reqs)
        account, scopes, had_creds = reqs[0]
        self.assertEqual(account, USER)
        self.assertEqual(scopes, ["repository:moat/debian:pull"])
        self.assertTrue(had_creds)

    def test_token_auth_docker_config_access_token(self):
        t = "docker://%s/moat/multi:latest" % self.token_reg.host
        auth = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
        d = self.docker_config("dc-token", {"auths": {"https://" + self.token_reg.host:
                                                      {"auth": auth}}})
        self.tokens.field = "access_token"
        try:
            r = self.scan(t, "--insecure", "--platform", "linux/arm64",
                          env=self.env(DOCKER_CONFIG=d))
        finally:
            self.tokens.field = "token"
        self.assertIn(("deb", "only-on-arm64", "2.0"), pkgset(r))

    def test_token_refreshed_when_refused_mid_scan(self):
        """A registry that stops accepting the token (it expired) gets a new
        one, once, and the scan goes on."""
        layer = self.plain_layers[1]
        self.token_proxy.drop_auth_once = {"/v2/moat/plain/blobs/" + layer}
        before = len(self.tokens.requests)
        r = self.scan("docker://%s/moat/plain:1" % self.token_proxy.host, "--insecure",
                      "--username", USER, "--password-stdin", stdin=(PASSWORD + "\n").encode())
        self.assertIn(("deb", "plain-pkg", "0.1"), pkgset(r))
        self.assertEqual(len(self.tokens.requests) - before, 2, self.tokens.requests[before:])
        self.assertEqual(self.token_proxy.drop_auth_once, set())

    def test_token_auth_refused(self):
        t = "docker://%s/moat/debian:1.0" % self.token_reg.host
        self.fatal(t, "token server", "refused", USER, "401",
                   args=("--insecure", "--username", USER, "--password-stdin"),
                   stdin=b"wrong\n")
        self.fatal(t, "token server", "requires credentials", args=("--insecure",))

    # -- redirects, tampering, hostile answers ---------------------------------
    def test_redirected_blobs(self):
        self.proxy.redirect_blobs = self.blobs.url
        before = len(self.blobs.seen)
        r = self.scan("docker://%s/moat/debian:1.0" % self.proxy.host, "--insecure")
        self.same_image(r, self.disk("oci:%s:1.0" % self.oci_dir))
        got = [p for p, _ in self.blobs.seen[before:]]
        for l in r["image"]["layers"]:
            self.assertIn("/blobs/sha256/" + l["digest"][7:], got)

    def test_redirect_does_not_leak_authorization(self):
        self.basic_proxy.redirect_blobs = self.blobs.url
        before = len(self.blobs.seen)
        r = self.scan("docker://%s/moat/debian:1.0" % self.basic_proxy.host, "--insecure",
                      "--username", USER, "--password-stdin", stdin=(PASSWORD + "\n").encode())
        self.same_image(r, self.disk("oci:%s:1.0" % self.oci_dir))
        seen = self.blobs.seen[before:]
        self.assertGreaterEqual(len(seen), 4)  # config + 3 layers
        self.assertEqual([a for _, a in seen], [None] * len(seen))
        # the registry itself did get the credentials for the same requests
        blob_gets = [a for m, p, a in self.basic_proxy.seen if "/blobs/" in p and a]
        self.assertGreaterEqual(len(blob_gets), 4)

    def test_redirect_loop(self):
        layer = self.plain_layers[0]
        self.proxy.override["/v2/moat/plain/blobs/" + layer] = (
            302, [("Location", self.blobs.url + "/loop/0")], b"")
        self.fatal("docker://%s/moat/plain:1" % self.proxy.host, "layer 0", "redirects",
                   args=("--insecure",))

    def test_redirect_to_other_schemes_refused(self):
        layer = self.plain_layers[0]
        for loc in ("file:///etc/passwd", "ftp://127.0.0.1/blob"):
            self.proxy.override["/v2/moat/plain/blobs/" + layer] = (307, [("Location", loc)], b"")
            self.fatal("docker://%s/moat/plain:1" % self.proxy.host, "layer 0", loc, "refused",
                       args=("--insecure",))

    def test_tampered_blob(self):
        # a changed gzip header still inflates to the same tar: only the blob
        # digest can tell
        self.proxy.tamper = {self.plain_layers[1]: 4}
        self.fatal("docker://%s/moat/plain:1" % self.proxy.host, "layer 1",
                   self.plain_layers[1], "digest mismatch", args=("--insecure",))
        # a byte of the deflate stream: whatever notices first, the layer is named
        self.proxy.tamper = {self.plain_layers[2]: None}
        self.fatal("docker://%s/moat/plain:1" % self.proxy.host, "layer 2",
                   args=("--insecure",))

    def test_truncated_blob(self):
        self.proxy.truncate = {self.plain_layers[2]}
        self.fatal("docker://%s/moat/plain:1" % self.proxy.host, "layer 2", "declares",
                   args=("--insecure",))

    def manifest_override(self, status, body, headers):
        self.proxy.override["/v2/moat/plain/manifests/1"] = (status, headers, body)
        return "docker://%s/moat/plain:1" % self.proxy.host

    def test_schema1_manifest(self):
        body = json.dumps({"schemaVersion": 1, "name": "moat/plain", "tag": "1",
                           "fsLayers": [], "history": []}).encode()
        t = self.manifest_override(200, body, [
            ("Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws")])
        self.fatal(t, "schema 1", args=("--insecure",))

    def test_oversize_manifest(self):
        body = b'{"schemaVersion": 2, "pad": "' + b"x" * (9 << 20) + b'"}'
        t = self.manifest_override(200, body, [
            ("Content-Type", "application/vnd.oci.image.manifest.v1+json")])
        self.fatal(t, "limit", "manifest 1", args=("--insecure",))

    def test_manifest_digest_mismatch(self):
        with open(os.path.join(self.plain_dir, "blobs", "sha256", self.plain_md[7:]), "rb") as f:
            body = f.read()
        tampered = body.replace(b'"schemaVersion": 2', b'"schemaVersion":  2')
        self.assertNotEqual(body, tampered)
        t = self.manifest_override(200, tampered, [
            ("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
            ("Docker-Content-Digest", self.plain_md)])
        self.fatal(t, "digest mismatch", self.plain_md, args=("--insecure",))
        # pinned by digest: the registry's own header cannot vouch for it
        self.proxy.override = {"/v2/moat/plain/manifests/" + self.plain_md: (200, [
            ("Content-Type", "application/vnd.oci.image.manifest.v1+json")], tampered)}
        self.fatal("docker://%s/moat/plain@%s" % (self.proxy.host, self.plain_md),
                   "digest mismatch", args=("--insecure",))

    def test_not_an_image(self):
        body = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json",
                                      "digest": sha256(b"{}"), "size": 2},
                           "layers": []}).encode()
        t = self.manifest_override(200, body, [
            ("Content-Type", "application/vnd.oci.image.manifest.v1+json")])
        self.fatal(t, "helm", args=("--insecure",))
        t = self.manifest_override(200, b"{}", [("Content-Type", "application/x-whatever")])
        self.fatal(t, "application/x-whatever", args=("--insecure",))

    def test_server_error_message(self):
        t = self.manifest_override(503, b'{"errors":[{"code":"UNAVAILABLE","message":"down '
                                        b'for\\nmaintenance"}]}',
                                   [("Content-Type", "application/json")])
        self.fatal(t, "HTTP 503", "UNAVAILABLE", "down for maintenance", args=("--insecure",))


if __name__ == "__main__":
    main()
