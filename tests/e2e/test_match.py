"""Vulnerability matching end to end.

Hand-written OSV records (no Debian, Alpine or RPM corpus is available
here) check distro semantics: source packages, binNMUs, releases,
out-of-order events, last_affected, withdrawn, explicit version lists,
malicious packages, alias merging, severities, noise controls and the
remediation plan. The real PyPI/Go/crates.io corpora then check that the
ranges agree with the records' explicit version lists as an independent
evaluator (python3-packaging) sees them, and that an image with old
Python, Go and Rust packages yields exactly the advisories the corpora
imply, computed by an independent evaluator written here."""

import json
import os
import shutil
import subprocess
import sys
import unittest
import zipfile

try:
    import packaging.version  # noqa: F401
except ImportError:  # Debian's python3-packaging, when python3 is another build
    sys.path.append("/usr/lib/python3/dist-packages")

from util import SHARED, SRC, MoatTest, all_packages, by_name, main, run, scan_json, work

from mkimage import (ALPINE_OS_RELEASE, Image, Layer, debian_base, dpkg_status)

sys.path.insert(0, os.path.join(SRC, "tests", "data", "bin"))
import binfix  # noqa: E402

OSV = os.path.join(SHARED, "data", "osv")
CVSS_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def record(id_, eco, name, ranges=None, versions=None, aliases=(), **extra):
    r = {"schema_version": "1.6.0", "id": id_, "modified": "2024-06-01T00:00:00Z",
         "published": "2024-05-01T00:00:00Z", "aliases": list(aliases),
         "summary": "summary of " + id_,
         "affected": [{"package": {"ecosystem": eco, "name": name}}]}
    if ranges is not None:
        r["affected"][0]["ranges"] = [{"type": "ECOSYSTEM", "events": ranges}]
    if versions is not None:
        r["affected"][0]["versions"] = versions
    r.update(extra)
    return r


DISTRO_RECORDS = [
    record("DSA-5532-1", "Debian:12", "openssl", [{"introduced": "0"},
                                                  {"fixed": "3.0.13-1~deb12u1"}],
           aliases=["CVE-2023-5678"]),
    record("DEBIAN-CVE-2023-5678", "Debian:12", "openssl",
           [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}], aliases=["CVE-2023-5678"],
           severity=[{"type": "CVSS_V3", "score": CVSS_CRITICAL}]),
    # events published out of order
    record("DEBIAN-CVE-2024-0001", "Debian:12", "openssl",
           [{"fixed": "3.0.15-1~deb12u1"}, {"introduced": "3.0.0-1"}]),
    record("DEBIAN-CVE-2024-0099", "Debian:11", "bash", [{"introduced": "0"}, {"fixed": "9.9"}]),
    # bash 5.2.15-2+b2 is a binNMU of source 5.2.15-2: fixed at 5.2.15-2 means not affected
    record("DEBIAN-CVE-2024-0002", "Debian:12", "bash", [{"introduced": "0"},
                                                         {"fixed": "5.2.15-2"}]),
    record("DEBIAN-CVE-2024-0003", "Debian:12", "bash", [{"introduced": "0"},
                                                         {"fixed": "5.2.15-3"}]),
    record("DEBIAN-CVE-2024-0004", "Debian:12", "zlib",
           [{"introduced": "0"}, {"last_affected": "1:1.2.13.dfsg-1"}]),
    record("DEBIAN-CVE-2024-0005", "Debian:12", "zlib", [{"introduced": "0"}],
           withdrawn="2024-06-02T00:00:00Z"),
    record("DEBIAN-CVE-2024-0006", "Debian:12", "tzdata", versions=["2024a-0+deb12u1"]),
    record("MAL-2024-0001", "npm", "evil-pkg", [{"introduced": "0"}]),
    record("GHSA-aaaa-bbbb-cccc", "npm", "lodash", [{"introduced": "0"}, {"fixed": "4.17.21"}],
           database_specific={"severity": "HIGH"}),
    record("ALPINE-CVE-2024-0001", "Alpine:v3.20", "openssl", [{"introduced": "0"},
                                                               {"fixed": "3.3.2-r0"}]),
    record("ALPINE-CVE-2024-0002", "Alpine:v3.19", "openssl", [{"introduced": "0"},
                                                               {"fixed": "9.9-r0"}]),
    record("ALSA-2024:0001", "AlmaLinux:9", "openssl", [{"introduced": "0"},
                                                        {"fixed": "1:3.0.7-25.el9"}]),
]

APK_DB = b"""C:Q1abcdefghijklmnopqrstuvwxyzA=
P:libcrypto3
V:3.3.1-r0
A:x86_64
o:openssl
L:Apache-2.0

C:Q1bbcdefghijklmnopqrstuvwxyzA=
P:musl
V:1.2.5-r0
A:x86_64
o:musl
L:MIT
"""


def vulns(report):
    """The advisory findings: vulnerabilities and malicious packages (MAL-
    records); the detectors and configuration checks add findings of other
    kinds, without a package."""
    return [f for f in report["findings"] if f.get("package")]


def debian_image():
    base = debian_base([
        {"Package": "libssl3", "Version": "3.0.11-1~deb12u2", "Source": "openssl"},
        {"Package": "openssl", "Version": "3.0.11-1~deb12u2"},
        {"Package": "bash", "Version": "5.2.15-2+b2", "Source": "bash (5.2.15-2)"},
        {"Package": "zlib1g", "Version": "1:1.2.13.dfsg-1", "Source": "zlib"},
        {"Package": "tzdata", "Version": "2024a-0+deb12u1", "Architecture": "all"},
    ])
    app = (Layer().file("app/node_modules/lodash/package.json",
                        b'{"name": "lodash", "version": "4.17.20"}')
           .file("app/node_modules/evil-pkg/package.json",
                 b'{"name": "evil-pkg", "version": "1.0.0"}'))
    return Image([base, app], history=[
        {"created_by": "ADD rootfs.tar /"},
        {"created_by": '/bin/sh -c #(nop)  CMD ["bash"]', "empty_layer": True},
        {"created_by": "COPY app /app"}])


class Distros(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = work("records", "x")
        os.makedirs(os.path.dirname(d), exist_ok=True)
        for r in DISTRO_RECORDS:
            with open(work("records", r["id"].replace(":", "_") + ".json"), "w") as f:
                json.dump(r, f)
        cls.db = work("distro.db")
        code, out, err = run("db", "import", "--db", cls.db, work("records"))
        assert code == 0, err
        cls.img = work("debian")
        debian_image().oci_layout(cls.img)
        cls.target = "oci:" + cls.img

    def scan(self, *args, target=None):
        return scan_json(target or self.target, "--db", self.db, *args)

    def findings(self, r):
        out = {}
        for f in vulns(r):
            pkg = f["package"].split("@")[0].split("/")[-1]
            out.setdefault(pkg, {})[f["id"]] = f
        return out

    def test_debian(self):
        r = self.scan()
        got = self.findings(r)
        for pkg in ("libssl3", "openssl"):
            self.assertEqual(sorted(got[pkg]), ["CVE-2023-5678", "DEBIAN-CVE-2024-0001"], pkg)
            merged = got[pkg]["CVE-2023-5678"]
            self.assertEqual(sorted(merged["aliases"]), ["DEBIAN-CVE-2023-5678", "DSA-5532-1"])
            self.assertEqual((merged["severity"], merged["score"]), ("critical", 9.8))
            self.assertEqual(merged["score_vector"], CVSS_CRITICAL)
            self.assertEqual(merged["fixed"], "3.0.13-1~deb12u1")
            self.assertEqual(merged["ecosystem"], "Debian:12")
            self.assertEqual(got[pkg]["DEBIAN-CVE-2024-0001"]["fixed"], "3.0.15-1~deb12u1")
        # bash: compared by source version; Debian:11 records do not apply
        self.assertEqual(sorted(got["bash"]), ["DEBIAN-CVE-2024-0003"])
        self.assertEqual(got["bash"]["DEBIAN-CVE-2024-0003"]["installed"], "5.2.15-2")
        # last_affected: affected, no fix; the withdrawn record is not used
        self.assertEqual(sorted(got["zlib1g"]), ["DEBIAN-CVE-2024-0004"])
        self.assertIsNone(got["zlib1g"]["DEBIAN-CVE-2024-0004"]["fixed"])
        # explicit versions list only
        self.assertEqual(sorted(got["tzdata"]), ["DEBIAN-CVE-2024-0006"])
        self.assertEqual(got["lodash"]["GHSA-aaaa-bbbb-cccc"]["severity"], "high")
        mal = got["evil-pkg"]["MAL-2024-0001"]
        self.assertEqual((mal["kind"], mal["severity"]), ("malware", "critical"))
        total = sum(len(v) for v in got.values())
        self.assertEqual(total, 9)
        self.assertEqual(r["summary"]["vulnerabilities"]["critical"], 2)
        self.assertEqual(r["summary"]["vulnerabilities"]["without_fix"], 2)

    def test_remediation_plan(self):
        rem = self.scan()["remediation"]
        self.assertEqual(rem["base_layers"], 1)
        ups = [(u["name"], u["target"], u["fixes"], u["base_image"]) for u in rem["upgrades"]]
        # the image's own upgrade first, then the base image's, by severity
        self.assertEqual(ups, [("lodash", "4.17.21", 1, False),
                               ("openssl", "3.0.15-1~deb12u1", 4, True),
                               ("bash", "5.2.15-3", 1, True)])
        openssl = rem["upgrades"][1]
        self.assertEqual(openssl["critical"], 2)
        self.assertEqual(sorted(p.split("@")[0] for p in openssl["packages"]),
                         ["pkg:deb/debian/libssl3", "pkg:deb/debian/openssl"])
        self.assertEqual(rem["without_fix"], 2)
        code, out, err = run("scan", "--db", self.db, self.target)
        self.assertEqual(code, 0, err)
        self.assertIn("upgrade npm lodash to 4.17.21: fixes 1 (1 high)", out)
        self.assertIn("base image (layers 0-0): rebuild on a newer base image", out)
        self.assertIn("upgrade deb openssl to 3.0.15-1~deb12u1: fixes 4 (2 critical)", out)

    def test_alpine(self):
        d = work("alpine")
        Image([Layer().file("etc/os-release", ALPINE_OS_RELEASE)
               .file("lib/apk/db/installed", APK_DB)]).oci_layout(d)
        r = self.scan(target="oci:" + d)
        got = self.findings(r)
        self.assertEqual(list(got), ["libcrypto3"])
        f = got["libcrypto3"]["ALPINE-CVE-2024-0001"]
        self.assertEqual((f["fixed"], f["ecosystem"]), ("3.3.2-r0", "Alpine:v3.20"))

    def test_rpm_query(self):
        lines = "".join("AlmaLinux:9\topenssl\t%s\n" % v for v in
                        ("1:3.0.7-24.el9", "1:3.0.7-25.el9", "3.0.7-30.el9", "2:1.0-1.el9"))
        code, out, err = run("db", "query", "--db", self.db, "--batch", stdin=lines.encode())
        self.assertEqual(code, 0, err)
        ids = [l.split("\t")[3] for l in out.splitlines()]
        # epoch 0 (none) is below epoch 1 whatever the version
        self.assertEqual(ids, ["ALSA-2024:0001", "-", "ALSA-2024:0001", "-"])

    def test_query_explains(self):
        code, out, err = run("db", "query", "--db", self.db, "Debian:12", "bash", "5.2.15-2")
        self.assertEqual(code, 1, err)
        self.assertIn("DEBIAN-CVE-2024-0002", out)
        self.assertIn("not affected: at or above fixed 5.2.15-2", out)
        self.assertIn("=> AFFECTED, fixed in 5.2.15-3", out)
        self.assertNotIn("DEBIAN-CVE-2024-0099", out)
        code, out, _ = run("db", "query", "--db", self.db, "Debian:12", "bash", "5.2.15-3")
        self.assertEqual(code, 0)
        self.assertIn("is affected by 0 of 2 entries", out)

    def test_severity_and_unfixed_filters(self):
        got = self.findings(self.scan("--severity", "CRITICAL"))
        ids = sorted((p, i) for p, v in got.items() for i in v)
        # malware is always reported
        self.assertEqual(ids, [("evil-pkg", "MAL-2024-0001"), ("libssl3", "CVE-2023-5678"),
                               ("openssl", "CVE-2023-5678")])
        got = self.findings(self.scan("--ignore-unfixed"))
        self.assertNotIn("zlib1g", got)
        self.assertNotIn("tzdata", got)
        self.assertIn("bash", got)

    def test_ignore_file_and_vex(self):
        ign = work("ignore.yaml")
        with open(ign, "w") as f:
            f.write("vulnerabilities:\n"
                    "  - id: CVE-2023-5678\n"
                    "    purls: [pkg:deb/debian/libssl3]\n"
                    "    reason: only the CLI uses it\n"
                    "    expires: 2099-01-01\n"
                    "  - id: DEBIAN-CVE-2024-0004\n"
                    "    reason: old exception\n"
                    "    expires: 2020-01-01\n")
        vex = work("vex.json")
        with open(vex, "w") as f:
            json.dump({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
                {"vulnerability": {"name": "DEBIAN-CVE-2024-0003"},
                 "products": [{"@id": "pkg:deb/debian/bash"}], "status": "not_affected",
                 "justification": "vulnerable_code_not_present"}]}, f)
        r = self.scan("--ignorefile", ign, "--vex", vex)
        got = self.findings(r)
        self.assertIn("only the CLI uses it", got["libssl3"]["CVE-2023-5678"]["suppressed"])
        self.assertIsNone(got["openssl"]["CVE-2023-5678"]["suppressed"])
        self.assertIn("not_affected", got["bash"]["DEBIAN-CVE-2024-0003"]["suppressed"])
        # expired: not suppressed, and said
        self.assertIsNone(got["zlib1g"]["DEBIAN-CVE-2024-0004"]["suppressed"])
        self.assertTrue(any("expired" in e["message"] and "old exception" in e["message"]
                            for e in r["errors"]))
        self.assertEqual(r["summary"]["vulnerabilities"]["suppressed"], 2)
        ups = {u["name"]: u for u in r["remediation"]["upgrades"]}
        self.assertNotIn("bash", ups)
        self.assertEqual(ups["openssl"]["fixes"], 3)
        # malformed files are an error, not ignored
        with open(ign, "w") as f:
            f.write("vulnerabilities:\n  - reason: no id\n")
        code, out, err = run("scan", "--db", self.db, "--ignorefile", ign, self.target)
        self.assertEqual((code, out), (2, ""))
        self.assertIn("ignore.yaml:2", err)

    def test_corrupt_database_is_fatal(self):
        bad = work("truncated.db")
        with open(self.db, "rb") as f:
            data = f.read()
        with open(bad, "wb") as f:
            f.write(data[: len(data) // 2])
        code, out, err = run("scan", "--format", "json", "--db", bad, self.target)
        self.assertEqual((code, out), (2, ""))
        self.assertIn("truncated.db", err)

    def test_missing_default_database_is_said(self):
        code, out, err = run("scan", "--format", "json", self.target,
                             env={"MOAT_DB": "", "XDG_DATA_HOME": work("nowhere"),
                                  "HOME": work("nowhere")})
        self.assertEqual(code, 0, err)
        r = json.loads(out)
        self.assertEqual(vulns(r), [])
        self.assertTrue(any("vulnerabilities were not checked" in e["message"]
                            for e in r["errors"]))


# -- an independent OSV evaluator for the real corpora ----------------------

def load_corpus(eco):
    with zipfile.ZipFile(os.path.join(OSV, eco, "all.zip")) as z:
        for n in z.namelist():
            if n.endswith(".json"):
                yield json.loads(z.read(n))


def semver_key(v):
    """SemVer 2.0 precedence key (Go/crates versions in these corpora)."""
    v = v[1:] if v.startswith("v") else v
    v = v.split("+", 1)[0]
    core, _, pre = v.partition("-")
    nums = tuple(int(x) for x in core.split("."))
    if not pre:
        return (nums, 1, ())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (nums, 0, parts)


def affected(events, key, version):
    """OSV's evaluation: events sorted by version, introduced 0 first."""
    def k(e):
        kind, ver = next(iter(e.items()))
        return (0,) if ver == "0" and kind == "introduced" else (1, key(ver))
    state = False
    mine = key(version)
    for e in sorted(events, key=k):
        kind, ver = next(iter(e.items()))
        if kind == "introduced" and (ver == "0" or mine >= key(ver)):
            state = True
        elif kind == "fixed" and mine >= key(ver):
            state = False
        elif kind == "last_affected" and mine > key(ver):
            state = False
        elif kind == "limit" and mine >= key(ver):
            state = False
    return state


def expected_ids(records, eco, name, version, key, norm=lambda s: s):
    ids = set()
    for r in records:
        if r.get("withdrawn"):
            continue
        for a in r.get("affected", []):
            p = a.get("package", {})
            if p.get("ecosystem") != eco or norm(p.get("name", "")) != norm(name):
                continue
            hit = version in a.get("versions", [])
            for rg in a.get("ranges", []):
                if rg.get("type") in ("ECOSYSTEM", "SEMVER") and affected(rg["events"], key, version):
                    hit = True
            if hit:
                ids.add(r["id"])
    return ids


@unittest.skipUnless(os.path.exists(os.path.join(OSV, "PyPI", "all.zip")),
                     "the shared OSV corpora are not present")
class RealCorpora(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = work("osv.db")
        code, out, err = run("db", "import", "--db", cls.db,
                             *[os.path.join(OSV, e, "all.zip") for e in ("PyPI", "Go", "crates.io")])
        assert code == 0, err

    def test_pypi_ranges_agree_with_version_lists(self):
        from packaging.version import InvalidVersion, Version
        from packaging.utils import canonicalize_name
        lines, want = [], {}
        for r in load_corpus("PyPI"):
            if r.get("withdrawn"):
                continue
            for a in r["affected"]:
                if not a.get("ranges") or not a.get("versions"):
                    continue
                name = a["package"]["name"]
                for v in a["versions"]:
                    try:
                        Version(v)
                    except InvalidVersion:
                        continue  # not PEP 440: neither evaluator can place it
                    in_ranges = any(affected(rg["events"], Version, v) for rg in a["ranges"]
                                    if rg["type"] == "ECOSYSTEM")
                    lines.append("PyPI\t%s\t%s\n" % (name, v))
                    want[(canonicalize_name(name), v, r["id"])] = in_ranges
        code, out, err = run("db", "query", "--db", self.db, "--batch", "--ranges-only",
                             stdin="".join(lines).encode(), timeout=900)
        self.assertEqual(code, 0, err)
        got = {}
        for l in out.splitlines():
            eco, name, v, ids = l.split("\t")
            for rid in ids.split(","):
                got[(canonicalize_name(name), v, rid)] = True
        mismatch = [k for k, inr in want.items() if inr != got.get(k, False)]
        outside = sorted(k for k, inr in want.items() if not inr)
        print("\n%d listed versions checked; %d lie outside their own ranges (data, both "
              "evaluators agree), e.g. %s" % (len(want), len(outside), outside[:3]))
        self.assertGreater(len(want), 50000)
        self.assertEqual(mismatch[:10], [])
        self.assertIn(("gevent", "23.9.0", "PYSEC-2023-177"), outside)

    def test_old_packages_in_an_image(self):
        from packaging.version import Version
        from packaging.utils import canonicalize_name
        py = {"requests": "2.19.0", "Jinja2": "2.10", "urllib3": "1.24.1", "PyYAML": "5.3",
              "Django": "3.2.0"}
        rust = [{"name": "rustapp", "version": "0.1.0", "source": "local", "root": True,
                 "dependencies": [1, 2]},
                {"name": "smallvec", "version": "0.6.9", "source": "crates.io"},
                {"name": "time", "version": "0.1.43", "source": "crates.io"}]
        layer = Layer()
        for n, v in py.items():
            layer.file("usr/local/lib/python3.11/site-packages/%s-%s.dist-info/METADATA" % (n, v),
                       ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (n, v)).encode())
        rbin, why = binfix.build_rust(work("rust"), rust)
        gobin, gwhy = build_old_go(work("go"))
        if rbin:
            layer.file("usr/local/bin/rustapp", open(rbin, "rb").read(), mode=0o755)
        else:
            print("\nRust part skipped: " + why)
        if gobin:
            layer.file("usr/local/bin/goapp", open(gobin, "rb").read(), mode=0o755)
        else:
            print("\nGo part skipped: " + gwhy)
        d = work("old")
        Image([debian_base(), layer]).oci_layout(d)
        r = scan_json("oci:" + d, "--db", self.db)
        self.assertEqual(r["errors"], [])
        found = {}
        for f in vulns(r):
            p = next(x for x in all_packages(r) if x["purl"] == f["package"])
            found.setdefault((p["type"], p["name"]), set()).update([f["id"]] + f["aliases"])
        checks = [("pypi", n, v, "PyPI", Version, canonicalize_name) for n, v in py.items()]
        if rbin:
            checks += [("cargo", c["name"], c["version"], "crates.io", semver_key, lambda s: s)
                       for c in rust[1:]]
        if gobin:
            for p in all_packages(r):
                if p["type"] == "golang" and p["name"] != "example.com/oldapp":
                    checks.append(("golang", p["name"], p["version"].lstrip("v"), "Go", semver_key,
                                   lambda s: s))
        corpora = {e: list(load_corpus(e)) for e in ("PyPI", "Go", "crates.io")}
        total = 0
        for typ, name, ver, eco, key, norm in checks:
            want = expected_ids(corpora[eco], eco, name, ver, key, norm)
            got = found.get((typ, name), set())
            total += len(want)
            self.assertTrue(want <= got, "%s %s %s: missing %s" % (typ, name, ver, want - got))
            # every finding comes from an expected record (ids are merged with aliases)
            groups = [f for f in vulns(r) if f["package"].split("@")[0].endswith(
                canonicalize_name(name) if typ == "pypi" else name.split("/")[-1])]
            for f in groups:
                self.assertTrue(set([f["id"]] + f["aliases"]) & want,
                                "%s %s: unexpected %s" % (name, ver, f["id"]))
        print("\n%d advisories expected and found across %d packages" % (total, len(checks)))
        self.assertGreater(total, 30)


def build_old_go(workdir):
    """A Go program depending on old golang.org/x/text and golang.org/x/net
    versions, served by a local module proxy (no network)."""
    go = shutil.which("go")
    if not go:
        return None, "go not installed (Debian package golang-go)"
    shutil.rmtree(workdir, ignore_errors=True)
    proxy = os.path.join(workdir, "proxy")
    binfix._go_proxy_add(proxy, "golang.org/x/text", "v0.3.5", {
        "go.mod": "module golang.org/x/text\n",
        "text.go": 'package text\n\nfunc T() string { return "t" }\n'})
    binfix._go_proxy_add(proxy, "golang.org/x/net", "v0.7.0", {
        "go.mod": "module golang.org/x/net\n\ngo 1.17\n",
        "net.go": 'package net\n\nfunc N() string { return "n" }\n'})
    app = os.path.join(workdir, "app")
    os.makedirs(app)
    with open(os.path.join(app, "go.mod"), "w") as f:
        f.write("module example.com/oldapp\n\ngo 1.18\n\nrequire (\n"
                "\tgolang.org/x/text v0.3.5\n\tgolang.org/x/net v0.7.0\n)\n")
    with open(os.path.join(app, "main.go"), "w") as f:
        f.write('package main\n\nimport (\n\t"fmt"\n\n\t"golang.org/x/net"\n'
                '\t"golang.org/x/text"\n)\n\nfunc main() { fmt.Println(text.T(), net.N()) }\n')
    env = {"GOPROXY": "file://" + proxy, "GOFLAGS": "-mod=mod", "GOSUMDB": "off",
           "GONOSUMDB": "*", "GOPATH": os.path.join(workdir, "gopath"),
           "GOCACHE": os.path.join(workdir, "gocache"), "GO111MODULE": "on",
           "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "HOME": workdir,
           "PATH": os.environ.get("PATH", "")}
    out = os.path.join(workdir, "goapp")
    p = subprocess.run([go, "build", "-o", out, "."], cwd=app, env=env, capture_output=True,
                       text=True)
    subprocess.run(["chmod", "-R", "u+w", os.path.join(workdir, "gopath")])
    if p.returncode != 0:
        return None, "go build failed: " + p.stderr[-500:]
    return out, None


if __name__ == "__main__":
    main()
