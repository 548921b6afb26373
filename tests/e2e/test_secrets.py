"""The secret detector end to end: a fixture image with inert, well-formed
fake credentials planted in files (one per credential family), in the image
config (ENV, labels, build arguments in the history) and in a file a later
layer deletes, scanned with `moat scan --scanners secret`: the exact
findings come out, none shows a secret, a clean image gives none, files owned
by a distro package are skipped unless --secrets-in-packages, and
--secret-config adds rules and allows others away.

Pathological inputs run here at a size that keeps the suite fast (the big
ones are in bench/secrets.sh): a 100 MiB single line with a secret at its
end, a 300 MiB text file (more than the per-file cap), a file made of
pattern prefixes, a binary full of them, and 20,000 tiny files. They are
written as streamed gzip layers, never held in memory whole.

No secret here is or was ever valid: tokens are random strings in the
documented formats (generated below from a fixed seed), keys random bytes
in PEM armour."""

import base64
import gzip
import hashlib
import io
import json
import os
import random
import string
import tarfile
import time

from util import MoatTest, main, run, scan_json, work

from mkimage import Image, Layer, debian_base, dpkg_status, write_tar

R = random.Random(4)
ALNUM = string.ascii_letters + string.digits


def rnd(n, cs=ALNUM):
    return "".join(R.choice(cs) for _ in range(n))


def pem(kind):
    body = base64.b64encode(bytes(R.getrandbits(8) for _ in range(600))).decode()
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (kind, lines, kind)


# every secret planted, by name: the report must show none of them
S = {
    "gh": "ghp_" + rnd(36),
    "dbpw": "Pw9!" + rnd(12),
    "akid": "AKIA" + rnd(16, string.ascii_uppercase + string.digits),
    "aksk": rnd(40, ALNUM + "+/"),
    "npm": "npm_" + rnd(36),
    "pypi": "pypi-AgEIcHlwaS5vcmc" + rnd(120, ALNUM + "_-"),
    "gitcred": rnd(20) + "7",
    "kube": rnd(6, string.ascii_lowercase + string.digits) + "." + rnd(16, string.ascii_lowercase) + "4",
    "pgurl": "Qw7" + rnd(13),
    "stripe": "sk_live_" + rnd(40),
    "slack": "xoxb-" + rnd(12, string.digits) + "-" + rnd(13, string.digits) + "-" + rnd(24),
    "gl": "glpat-" + rnd(20, ALNUM + "_-"),
    "openai": "sk-proj-" + rnd(60, ALNUM + "_-") + "T3BlbkFJ" + rnd(60, ALNUM + "_-"),
    "hf": "hf_" + rnd(34),
    "sendgrid": "SG." + rnd(22, ALNUM + "_-") + "." + rnd(43, ALNUM + "_-"),
    "envpw": "Zt5" + rnd(11),
    "envurl": "Kd8" + rnd(10),
    "label": "Lb3" + rnd(17),
    "argnpm": "npm_" + rnd(36),
    "curlpw": "Cu7" + rnd(10),
    "deleted": "rk_live_" + rnd(40),
    "vendor": "ghp_" + rnd(36),
    "acme": "acme_" + rnd(32, string.ascii_lowercase + string.digits),
    "test": "ghp_" + rnd(36),
    "owned": rnd(40),
}
S["dockerauth"] = base64.b64encode(("deploy:" + rnd(18)).encode()).decode()
RSA = pem("RSA PRIVATE KEY")
OWNED_KEY = pem("PRIVATE KEY")
SA_BODY = base64.b64encode(bytes(R.getrandbits(8) for _ in range(400))).decode()

DEMO_PKG = [{"Package": "base-files", "Version": "12.4+deb12u5"},
            {"Package": "demo-certs", "Version": "1.0-1"}]


def base_layer():
    """Debian base whose package demo-certs owns a (test) private key."""
    l = debian_base(DEMO_PKG)
    l.dir("usr/share/demo-certs").file("usr/share/demo-certs/server.key", OWNED_KEY)
    l.dir("var/lib/dpkg/info").file("var/lib/dpkg/info/demo-certs.list",
                                    "/.\n/usr\n/usr/share\n/usr/share/demo-certs\n"
                                    "/usr/share/demo-certs/server.key\n")
    return l


def app_layer():
    l = Layer().dir("app").dir("root").dir("home")
    l.file("app/.env", "# settings\nDB_PASSWORD=%s\nGITHUB_TOKEN=%s\n" % (S["dbpw"], S["gh"]))
    l.file("root/.aws/credentials", "[default]\naws_access_key_id = %s\n"
           "aws_secret_access_key = %s\n" % (S["akid"], S["aksk"]))
    l.file("root/.docker/config.json", json.dumps({"auths": {"registry.internal:5000": {
        "auth": S["dockerauth"]}}}, indent=2) + "\n")
    l.file("app/.npmrc", "registry=https://registry.npmjs.org/\n"
           "//registry.npmjs.org/:_authToken=%s\n" % S["npm"])
    l.file("root/.pypirc", "[pypi]\nusername = __token__\npassword = %s\n" % S["pypi"])
    l.file("root/.git-credentials", "https://builder:%s@git.internal.net\n" % S["gitcred"])
    l.file("root/.kube/config", "apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: %s\n"
           % S["kube"])
    l.file("app/config.yml", "db:\n  url: postgres://app:%s@db.internal:5432/app\n" % S["pgurl"])
    l.file("home/app/.ssh/id_rsa", RSA, mode=0o600)
    l.file("app/sa.json", json.dumps({"type": "service_account", "project_id": "demo",
                                      "private_key": "-----BEGIN PRIVATE KEY-----\n%s\n"
                                      "-----END PRIVATE KEY-----\n" % SA_BODY,
                                      "client_email": "svc@demo.iam.gserviceaccount.com"}) + "\n")
    l.file("app/payments.py", 'STRIPE_KEY = "%s"\nSLACK = "%s"\n' % (S["stripe"], S["slack"]))
    l.file("app/ci.sh", "export GITLAB_TOKEN=%s\nOPENAI=%s\n" % (S["gl"], S["openai"]))
    l.file("app/ml.cfg", "[hub]\nhf = %s\nmail = %s\n" % (S["hf"], S["sendgrid"]))
    l.file("app/tests/fixtures/creds.env", "TOKEN=%s\n" % S["test"])
    l.file("app/vendor/lib/client.js", 'const t = "%s";\n' % S["vendor"])
    l.file("app/acme.conf", "key %s\n" % S["acme"])
    l.file("app/leak.env", "STRIPE=%s\n" % S["deleted"])
    # inert look-alikes: placeholders, code, a token after a NUL byte
    l.file("app/README.md", "Set `DB_PASSWORD=changeme` and `GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxx"
           "xxxxxxxxxxxxxxxx`; see postgres://user:password@localhost/db.\n")
    l.file("app/auth.py", "def login(user, password):\n    token = make_token(user)\n"
           "    return check(password=password, token=token)\n")
    l.file("app/blob.bin", b"\x00\x01\x02" + ("GH=" + S["gh"]).encode() + b"\n")
    return l


def later_layer():
    return Layer().whiteout("app/leak.env").file("app/notes.txt", "nothing here\n")


CONFIG = {
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "DB_PASSWORD=" + S["envpw"],
            "DATABASE_URL=mysql://root:%s@mysql:3306/app" % S["envurl"],
            "PASSWORD_FILE=/run/secrets/db_password",
            "TOKENIZERS_PARALLELISM=false",
            "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D"],
    "Labels": {"org.opencontainers.image.title": "demo", "com.example.deploy-token": S["label"]},
}
HISTORY = [{"created_by": "ADD rootfs.tar /"},
           {"created_by": "RUN |1 NPM_TOKEN=%s /bin/sh -c npm ci && "
                          "curl -u admin:%s https://repo.internal/upload" % (S["argnpm"], S["curlpw"])},
           {"created_by": "RUN rm /app/leak.env"}]

# (id, path or "" for the config, layer, removed, severity)
EXPECTED = sorted([
    ("generic-password", "/app/.env", 1, False, "medium"),
    ("github-pat", "/app/.env", 1, False, "critical"),
    ("aws-access-key-id", "/root/.aws/credentials", 1, False, "high"),
    ("aws-secret-access-key", "/root/.aws/credentials", 1, False, "critical"),
    ("docker-config-auth", "/root/.docker/config.json", 1, False, "high"),
    ("npm-access-token", "/app/.npmrc", 1, False, "high"),
    ("pypirc-password", "/root/.pypirc", 1, False, "high"),
    ("git-credentials", "/root/.git-credentials", 1, False, "high"),
    ("kubeconfig-token", "/root/.kube/config", 1, False, "high"),
    ("url-password", "/app/config.yml", 1, False, "high"),
    ("private-key", "/home/app/.ssh/id_rsa", 1, False, "critical"),
    ("gcp-service-account-key", "/app/sa.json", 1, False, "critical"),
    ("stripe-secret-key", "/app/payments.py", 1, False, "critical"),
    ("slack-token", "/app/payments.py", 1, False, "high"),
    ("gitlab-pat", "/app/ci.sh", 1, False, "critical"),
    ("openai-api-key", "/app/ci.sh", 1, False, "high"),
    ("huggingface-token", "/app/ml.cfg", 1, False, "high"),
    ("sendgrid-api-token", "/app/ml.cfg", 1, False, "high"),
    ("github-pat", "/app/tests/fixtures/creds.env", 1, False, "low"),
    ("github-pat", "/app/vendor/lib/client.js", 1, False, "critical"),
    ("stripe-secret-key", "/app/leak.env", 1, True, "critical"),
    ("config-env-secret", "", -1, False, "high"),
    ("url-password", "", -1, False, "high"),
    ("config-label-secret", "", -1, False, "high"),
    ("npm-access-token", "", -1, False, "high"),
    ("curl-basic-auth", "", -1, False, "medium"),
])


def planted_image():
    return Image([base_layer(), app_layer(), later_layer()], config=CONFIG, history=HISTORY)


def clean_image():
    app = Layer().dir("app")
    app.file("app/.env", "DB_PASSWORD=${DB_PASSWORD}\nGITHUB_TOKEN=\nAPI_KEY=<your-api-key>\n")
    app.file("app/README.md", "Export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx first.\n"
             "Example: postgres://user:password@localhost/db\n")
    app.file("app/auth.py", "def login(user, password):\n    token = make_token(user)\n"
             "    return check(password=password, token=token)\n")
    app.file("app/settings.yaml", "database:\n  password: changeme\n  password_file: /run/secrets/db\n")
    cfg = {"Env": ["PATH=/usr/bin:/bin", "PASSWORD_FILE=/run/secrets/pw", "DB_PASSWORD=",
                   "TOKEN_TTL=3600", "SECRET_KEY_BASE=${SECRET_KEY_BASE}"],
           "Labels": {"maintainer": "ops@example.com"}}
    return Image([debian_base(), app], config=cfg,
                 history=[{"created_by": "ADD rootfs.tar /"},
                          {"created_by": "RUN |1 NPM_TOKEN=$NPM_TOKEN /bin/sh -c npm ci"}])


def key(f):
    layer = f["layer"]["index"] if f.get("layer") else -1
    return (f["id"], f["path"] or "", layer, f["removed"], f["severity"])


def scan_secrets(target, *extra):
    """The report, with only the secret findings (other checks may add
    findings of their own kinds whatever the scanners chosen)."""
    r = scan_json(target, "--scanners", "secret", *extra)
    r["findings"] = [f for f in r["findings"] if f["kind"] == "secret"]
    return r


# ---- streamed fixtures for the pathological inputs -------------------------

class _Repeat(io.RawIOBase):
    """A readable stream of `size` bytes of `pattern`, then `tail`."""

    def __init__(self, pattern, size, tail=b""):
        self.pattern, self.left, self.tail = pattern, size, tail
        self.block = pattern * max(1, (1 << 20) // len(pattern))

    def readable(self):
        return True

    def readinto(self, b):
        if self.left > 0:
            n = min(len(b), self.left, len(self.block))
            b[:n] = self.block[:n]
            self.left -= n
            return n
        n = min(len(b), len(self.tail))
        b[:n] = self.tail[:n]
        self.tail = self.tail[n:]
        return n


class _Hashing(io.RawIOBase):
    """Writes through to f, hashing what passes."""

    def __init__(self, f):
        self.f, self.h = f, hashlib.sha256()

    def writable(self):
        return True

    def write(self, b):
        self.h.update(b)
        return self.f.write(b)


def streamed_archive(path, entries):
    """A one-layer docker-archive at path whose gzip layer holds entries
    (name, size, stream factory), built without holding any in memory."""
    blob = path + ".layer.gz"
    with open(blob, "wb") as raw:
        gz = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0)
        tar_out = _Hashing(gz)
        with tarfile.open(fileobj=tar_out, mode="w|", format=tarfile.PAX_FORMAT) as t:
            for name, size, stream in entries:
                ti = tarfile.TarInfo(name)
                ti.size, ti.mode, ti.mtime = size, 0o644, 0
                t.addfile(ti, stream())
        gz.close()
    diff_id = "sha256:" + tar_out.h.hexdigest()
    h = hashlib.sha256()
    with open(blob, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    digest = h.hexdigest()
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                      "history": [{"created_by": "streamed"}]}).encode()
    cfg_name = "blobs/sha256/" + hashlib.sha256(cfg).hexdigest()
    man = json.dumps([{"Config": cfg_name, "RepoTags": ["big:1"],
                       "Layers": ["blobs/sha256/" + digest]}]).encode()
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        for name, data in ((cfg_name, cfg),):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        ti = tarfile.TarInfo("blobs/sha256/" + digest)
        ti.size = os.path.getsize(blob)
        with open(blob, "rb") as f:
            t.addfile(ti, f)
        ti = tarfile.TarInfo("manifest.json")
        ti.size = len(man)
        t.addfile(ti, io.BytesIO(man))
    os.remove(blob)
    return path


class Secrets(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planted = work("planted.tar")
        planted_image().docker_archive(cls.planted, compression="gzip")
        cls.report = scan_secrets("docker-archive:" + cls.planted)

    def test_exact_findings(self):
        got = sorted(key(f) for f in self.report["findings"])
        self.assertEqual(got, EXPECTED)
        for f in self.report["findings"]:
            self.assertEqual(f["kind"], "secret")
            self.assertTrue(f["title"] and f["evidence"], f)
            if f["path"]:
                self.assertTrue(f["evidence"].startswith("line "), f["evidence"])
                self.assertGreaterEqual(f["offset"], 0)

    def test_no_secret_in_any_output(self):
        text = json.dumps(self.report)
        code, table, _ = run("scan", "--no-vulns", "--scanners", "secret", "-f", "table",
                             "docker-archive:" + self.planted)
        self.assertIn(code, (0, 1))
        secrets = list(S.values()) + [SA_BODY[:40]] + RSA.splitlines()[1:4]
        for out in (text, table):
            for s in secrets:
                for i in range(0, len(s) - 5):
                    self.assertNotIn(s[i:i + 6], out, "a secret leaks into the report")

    def test_config_evidence(self):
        ev = {f["id"]: f["evidence"] for f in self.report["findings"] if f["path"] is None}
        self.assertTrue(ev["config-env-secret"].startswith("ENV DB_PASSWORD: "), ev)
        self.assertTrue(ev["url-password"].startswith("ENV DATABASE_URL: mysql://root:"), ev)
        self.assertTrue(ev["config-label-secret"].startswith("label com.example.deploy-token"), ev)
        self.assertTrue(ev["npm-access-token"].startswith("build arg NPM_TOKEN"), ev)
        self.assertTrue(ev["curl-basic-auth"].startswith("history 1: "), ev)

    def test_deleted_file_is_reported_removed(self):
        (f,) = [f for f in self.report["findings"] if f["path"] == "/app/leak.env"]
        self.assertTrue(f["removed"])
        self.assertEqual(f["layer"]["index"], 1)
        code, table, _ = run("scan", "--no-vulns", "--scanners", "secret", "-f", "table",
                             "docker-archive:" + self.planted)
        self.assertIn("/app/leak.env  [deleted later, still in the image]", table)

    def test_owned_files_only_when_asked(self):
        owned = [f for f in self.report["findings"] if f["path"] == "/usr/share/demo-certs/server.key"]
        self.assertEqual(owned, [])
        r = scan_secrets("docker-archive:" + self.planted, "--secrets-in-packages")
        got = sorted(key(f) for f in r["findings"])
        self.assertEqual(got, sorted(EXPECTED + [("private-key", "/usr/share/demo-certs/server.key",
                                                  0, False, "critical")]))

    def test_clean_image(self):
        p = work("clean.tar")
        clean_image().docker_archive(p, compression="gzip")
        r = scan_secrets("docker-archive:" + p)
        self.assertEqual(r["findings"], [])
        self.assertEqual([e for e in r["errors"] if e["source"] == "secrets"], [])

    def test_secret_config(self):
        cfg = work("secrets.yaml")
        with open(cfg, "w") as f:
            f.write("rules:\n"
                    "  - id: acme-api-key\n"
                    "    regex: 'acme_[a-z0-9]{32}'\n"
                    "    severity: high\n"
                    "    title: ACME API key\n"
                    "allow-rules:\n"
                    "  - path: /app/vendor/*\n"
                    "  - rule: curl-basic-auth\n")
        r = scan_secrets("docker-archive:" + self.planted, "--secret-config", cfg)
        got = sorted(key(f) for f in r["findings"])
        want = [k for k in EXPECTED if k[1] != "/app/vendor/lib/client.js" and k[0] != "curl-basic-auth"]
        want.append(("acme-api-key", "/app/acme.conf", 1, False, "high"))
        self.assertEqual(got, sorted(want))
        # a malformed configuration stops the scan and names its line
        with open(cfg, "w") as f:
            f.write("rules:\n  - id: x\n    regex: 'a('\n")
        code, out, err = run("scan", "--no-vulns", "--scanners", "secret", "--secret-config", cfg,
                             "docker-archive:" + self.planted)
        self.assertEqual(code, 2)
        self.assertEqual(out, "")
        self.assertIn("%s:2: rule x: regex:" % cfg, err)

    def test_pathological_inputs(self):
        tok = ("GH=" + S["gh"] + "\n").encode()
        line = b"abcdefgh" * ((100 << 20) // 8)  # 100 MiB, no line break
        big = 300 << 20
        p = streamed_archive(work("patho.tar"), [
            ("data/one-line.txt", len(line) + len(tok), lambda: _Repeat(b"abcdefgh", len(line), tok)),
            ("data/big.txt", big, lambda: _Repeat(b"x", big)),
            ("data/prefixes.txt", 4 << 20, lambda: _Repeat(b"AKIA", 4 << 20)),
            ("data/prefixes.bin", 4 << 20, lambda: _Repeat(b"\x00AKIAghp_xoxb-", 4 << 20)),
        ] + [("tiny/%05d.txt" % i, 6, lambda: io.BytesIO(b"hello\n")) for i in range(20000)])
        t0 = time.monotonic()
        r = scan_secrets("docker-archive:" + p)
        took = time.monotonic() - t0
        got = sorted(key(f) for f in r["findings"])
        self.assertEqual(got, [("github-pat", "/data/one-line.txt", 0, False, "critical")])
        (f,) = r["findings"]
        self.assertEqual(f["offset"], len(line) + 3)
        self.assertTrue(f["evidence"].startswith("line 1: "), f["evidence"])
        probs = {(e["path"], e["message"].split(";")[0]) for e in r["errors"] if e["source"] == "secrets"}
        self.assertEqual(probs, {
            ("/data/big.txt", "secrets: only the first %d of %d bytes were searched" % (256 << 20, big)),
            ("/data/prefixes.txt", "secrets: more than 100000 candidate matches"),
        })
        # bounded: generous for a loaded CI machine (~2 s when quiet)
        self.assertLess(took, 120)



class Debootstrap(MoatTest):
    """A real Debian root filesystem (tests/e2e/test_debootstrap.py builds and
    caches it) holds no secret: zero findings, also when the files distro
    packages own are searched too."""

    def test_zero_findings(self):
        import shutil
        import test_debootstrap as deb
        if not os.path.exists(os.path.join(deb.DIR, "done")):
            missing = [t for t in ("debootstrap", "umoci", "skopeo", "apt-get", "dpkg")
                       if not shutil.which(t)]
            if missing:
                self.skipTest("cannot build the debootstrap image: %s missing" % ", ".join(missing))
        deb.build()
        image = os.path.join(deb.DIR, "image.tar")
        for extra in ((), ("--secrets-in-packages",)):
            r = scan_secrets("docker-archive:" + image, *extra)
            self.assertEqual(r["findings"], [], extra)
            self.assertEqual([e for e in r["errors"] if e["source"] == "secrets"], [], extra)
        r = scan_secrets("rootfs:" + os.path.join(deb.DIR, "rootfs"), "--secrets-in-packages")
        self.assertEqual(r["findings"], [])


if __name__ == "__main__":
    main()
