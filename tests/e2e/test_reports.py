"""End-to-end tests of the reports of `moat scan` (docs/REPORT.md): the
table, SARIF, CycloneDX with vulnerabilities, HTML, and the progress line.

One fixture image carries something of every kind: vulnerable Debian and npm
packages matched against hand-written OSV records (a critical CVE with a
CVSS vector shared by two binary packages of one source, a high GHSA, an
unfixed one), a malicious npm package (MAL-), the EICAR test file, an
ld.so.preload entry, a GitHub token, the configuration checks of an image
without USER, and hostile strings: a file named <script>..., a history line
with markup, and an npm package whose name holds a terminal escape sequence.
The baseline policy denies it.

Validators moat did not write: Microsoft's SARIF validator (as
test_audit.py installs it), the CycloneDX 1.5 JSON schema with ajv (as
test_sbom.py installs it), moat's JSON schema, Python's html.parser, and
headless Chromium to render the HTML page (skipped, saying why, when it
cannot start). The progress line is checked on a pseudo-terminal.
"""

import html.parser
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from util import MOAT, MoatTest, main, run, work  # noqa: E402
from mkimage import Image, Layer, debian_base  # noqa: E402
import test_audit  # noqa: E402
import test_sbom  # noqa: E402

EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" + "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()
CVSS_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
ESC_PATH = "/app/conf\u001b]0;pwned\u0007\u001b[2J.env"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def shown(s, repl):
    """s as the reports show it: control characters replaced."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", repl, s)


def record(id_, eco, name, ranges, aliases=(), **extra):
    r = {"schema_version": "1.6.0", "id": id_, "modified": "2024-06-01T00:00:00Z",
         "published": "2024-05-01T00:00:00Z", "aliases": list(aliases),
         "summary": "summary of " + id_,
         "affected": [{"package": {"ecosystem": eco, "name": name},
                       "ranges": [{"type": "ECOSYSTEM", "events": ranges}]}]}
    r.update(extra)
    return r


RECORDS = [
    record("DEBIAN-CVE-2023-5678", "Debian:12", "openssl",
           [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}], aliases=["CVE-2023-5678"],
           severity=[{"type": "CVSS_V3", "score": CVSS_CRITICAL}]),
    record("DEBIAN-CVE-2024-0003", "Debian:12", "bash", [{"introduced": "0"},
                                                         {"fixed": "5.2.15-3"}]),
    record("DEBIAN-CVE-2024-0004", "Debian:12", "zlib", [{"introduced": "0"}]),
    record("GHSA-aaaa-bbbb-cccc", "npm", "lodash", [{"introduced": "0"}, {"fixed": "4.17.21"}],
           database_specific={"severity": "HIGH"}),
    record("MAL-2024-0001", "npm", "evil-pkg", [{"introduced": "0"}]),
]

# (id, package names, severity) of every vulnerability the fixture has
VULNS = {
    ("CVE-2023-5678", ("libssl3", "openssl"), "critical"),
    ("GHSA-aaaa-bbbb-cccc", ("lodash",), "high"),
    ("DEBIAN-CVE-2024-0003", ("bash",), "unknown"),
    ("DEBIAN-CVE-2024-0004", ("zlib1g",), "unknown"),
    ("MAL-2024-0001", ("evil-pkg",), "critical"),
}
SCRIPT_PATH = "/app/<script>alert(2)</script>.txt"


def fixture():
    base = debian_base([
        {"Package": "libssl3", "Version": "3.0.11-1~deb12u2", "Source": "openssl"},
        {"Package": "openssl", "Version": "3.0.11-1~deb12u2"},
        {"Package": "bash", "Version": "5.2.15-2+b2", "Source": "bash (5.2.15-2)"},
        {"Package": "zlib1g", "Version": "1:1.2.13.dfsg-1", "Source": "zlib"},
    ])
    app = (Layer()
           .file("app/node_modules/lodash/package.json",
                 b'{"name": "lodash", "version": "4.17.20"}')
           .file("app/node_modules/evil-pkg/package.json",
                 b'{"name": "evil-pkg", "version": "1.0.0"}')
           .file(SCRIPT_PATH[1:], EICAR)
           .file("etc/ld.so.preload", "/usr/local/lib/libprocesshider.so\n")
           .file(ESC_PATH[1:], "GITHUB_TOKEN=ghp_R7kq2Lm9Xv4Tz8Wn3Bc6Hd1Jf5Gs0PaYeUiO\n"))
    return Image([base, app], history=[
        {"created_by": "ADD rootfs.tar /"},
        {"created_by": '/bin/sh -c #(nop)  CMD ["bash"]', "empty_layer": True},
        {"created_by": "COPY app /app # <b>not bold</b>"}])


class Reports(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(work("records"), exist_ok=True)
        for r in RECORDS:
            with open(work("records", r["id"] + ".json"), "w") as f:
                json.dump(r, f)
        cls.db = work("reports.db")
        code, _, err = run("db", "import", "--db", cls.db, work("records"))
        assert code == 0, err
        fixture().oci_layout(work("img"))
        cls.target = "oci:" + work("img")
        cls.args = ("--db", cls.db, "--policy", "baseline")
        cls.out = {}
        for fmt in ("json", "table", "sarif", "cyclonedx", "html"):
            dest = work("out", "report." + fmt)
            code, _, err = run("scan", "--format", fmt, "-o", dest, *cls.args, cls.target)
            assert code == 1, (fmt, code, err)
            with open(dest, encoding="utf-8") as f:
                cls.out[fmt] = f.read()
        cls.report = json.loads(cls.out["json"])

    # -- the table ------------------------------------------------------------

    def table(self, *extra, env=None):
        code, out, err = run("scan", *(self.args + extra + (self.target,)), env=env)
        self.assertEqual(code, 1, err)
        return out

    def test_table_order_and_content(self):
        t = self.out["table"]
        lines = t.splitlines()
        reasons = self.report["verdict"]["reasons"]
        self.assertEqual(self.report["verdict"]["decision"], "deny")
        # verdict first, with its reasons, then the image, then the summary
        self.assertEqual(lines[0], "verdict  deny  %d reasons" % len(reasons))
        for i, r in enumerate(reasons):
            self.assertEqual(lines[1 + i], "  - " + shown(r, "?"))
        self.assertTrue(lines[len(reasons) + 2].startswith(self.target))
        summary = [x for x in lines if x.startswith("  summary  ")]
        self.assertEqual(len(summary), 1)
        for needle in ("6 packages", "5 vulnerabilities (2 critical, 1 high, 2 unknown",
                       "2 malware", "1 persistence", "1 secret", "config", "0 errors"):
            self.assertIn(needle, summary[0])
        # sections in the order a person acts on them
        order = ["VULNERABILITIES", "MALWARE", "PERSISTENCE", "SECRET", "CONFIG",
                 "REMEDIATION", "UNMANAGED SOFTWARE", "deb packages", "npm packages"]
        at = [next(i for i, x in enumerate(lines) if x.startswith(h)) for h in order]
        self.assertEqual(at, sorted(at))
        # vulnerabilities grouped by package, with the upgrade that fixes them
        i = lines.index(next(x for x in lines if x.startswith("  libssl3 3.0.11-1~deb12u2")))
        self.assertIn("upgrade openssl to 3.0.13-1~deb12u1 (base image)", lines[i])
        self.assertRegex(lines[i + 1], r"^    critical\s+CVE-2023-5678\s+9\.8\s+3\.0\.13-1~deb12u1")
        z = next(x for x in lines if x.startswith("  zlib1g "))
        self.assertIn("no fix yet", z)
        b = next(x for x in lines if x.startswith("  bash "))
        self.assertIn("(compared as 5.2.15-2)", b)
        # other findings by kind, worst first
        mal = lines[at[1]:at[2]]
        self.assertTrue(any(re.match(r"  critical\s+MAL-2024-0001\s+layer 1\s+evil-pkg 1\.0\.0", x)
                            for x in mal), mal)
        self.assertTrue(any(SCRIPT_PATH in x for x in mal))
        sev = [x.split()[0] for x in lines[at[4] + 2:at[5]] if re.match(r"  \S", x)]
        ranks = ["critical", "high", "medium", "low", "info", "unknown"]
        self.assertEqual(sev, sorted(sev, key=ranks.index))
        # every piece of the old table is still there
        for needle in ("image    sha256:", "linux/amd64", "2 layers", "distro   Debian GNU/Linux 12",
                       "upgrade npm lodash to 4.17.21: fixes 1 (1 high)",
                       "/var/lib/dpkg/status", "/app/node_modules/lodash/package.json"):
            self.assertIn(needle, t)

    def test_table_escapes_and_colour(self):
        plain = self.table()
        self.assertNotIn("\x1b", plain)              # a pipe: no colour, no escapes
        self.assertIn("/app/conf?]0;pwned??[2J.env", plain)
        coloured = self.table("--color", "always")
        self.assertIn("verdict  \x1b[1m\x1b[31mdeny", coloured)
        self.assertIn("\x1b[1m\x1b[31mcritical", coloured)
        # only colour sequences, none from the image
        self.assertNotIn("\x1b]", coloured)
        self.assertNotIn("\x1b[2J", coloured)
        self.assertEqual(ANSI.sub("", coloured), plain)
        self.assertNotIn("\x1b", self.table("--color", "never"))

    def test_table_colour_on_a_terminal(self):
        out = self.on_pty(["scan"] + list(self.args) + [self.target], pty_stdout=True)
        self.assertIn("verdict  \x1b[1m\x1b[31mdeny", out)
        out = self.on_pty(["scan"] + list(self.args) + [self.target], pty_stdout=True,
                          env={"NO_COLOR": "1"})
        self.assertIn("verdict  deny", out)
        self.assertNotIn("\x1b[", out)

    def test_table_width(self):
        wide = self.table(env={"COLUMNS": "200"})
        for cols in (60, 100):
            t = self.table(env={"COLUMNS": str(cols)})
            lines = t.splitlines()
            self.assertTrue(all(len(x) <= cols for x in lines),
                            [x for x in lines if len(x) > cols])
            self.assertIn("\u2026", t)           # something was cut
            # prose wraps instead of being cut: every word of every reason is there
            words = shown(" ".join(self.report["verdict"]["reasons"]), "?").split()
            flat = " ".join(t.split())
            for w in words:
                self.assertIn(w.split(":")[0], flat)
        # not on a terminal and no COLUMNS: nothing is cut
        self.assertNotIn("\u2026", self.out["table"])
        self.assertGreater(max(len(x) for x in self.out["table"].splitlines()), 100)
        self.assertLessEqual(max(len(x) for x in wide.splitlines()), 200)

    # -- JSON -----------------------------------------------------------------

    def test_json_schema(self):
        why = test_sbom.node_ready()
        if why:
            self.skipTest("validators unavailable: " + why)
        path = work("out", "report.json")
        res = test_sbom.validate("report", test_sbom.REPORT_SCHEMA, path)
        self.assertIsNone(res[path])
        self.assertEqual(self.report["schema_version"], "1.2")

    # -- SARIF ----------------------------------------------------------------

    def test_sarif(self):
        doc = json.loads(self.out["sarif"])
        run0 = doc["runs"][0]
        rules = {r["id"]: r for r in run0["tool"]["driver"]["rules"]}
        results = run0["results"]
        self.assertEqual(len(results), len(self.report["findings"]))
        # vulnerability rules link to the advisory
        self.assertEqual(rules["CVE-2023-5678"]["helpUri"],
                         "https://nvd.nist.gov/vuln/detail/CVE-2023-5678")
        self.assertEqual(rules["GHSA-aaaa-bbbb-cccc"]["helpUri"],
                         "https://github.com/advisories/GHSA-aaaa-bbbb-cccc")
        self.assertEqual(rules["CVE-2023-5678"]["defaultConfiguration"]["level"], "error")
        # detector and check rules are there with their texts
        for rid in ("moat.eicar_test_file", "persistence.ld-so-preload", "github-pat",
                    "MOAT-IMG-001"):
            self.assertIn(rid, rules)
            self.assertTrue(rules[rid]["fullDescription"]["text"])
        self.assertIn("USER", rules["MOAT-IMG-001"]["help"]["text"])
        by_rule = {}
        for r in results:
            by_rule.setdefault(r["ruleId"], []).append(r)
            self.assertEqual(run0["tool"]["driver"]["rules"][r["ruleIndex"]]["id"], r["ruleId"])
        self.assertEqual(len(by_rule["CVE-2023-5678"]), 2)
        eicar = by_rule["moat.eicar_test_file"][0]
        loc = eicar["locations"][0]
        self.assertEqual(loc["physicalLocation"]["artifactLocation"],
                         {"uri": "app/%3Cscript%3Ealert%282%29%3C/script%3E.txt",
                          "uriBaseId": "IMAGEROOT"})
        self.assertEqual(loc["logicalLocations"][0]["name"], "layer 1")
        self.assertEqual(eicar["properties"]["layer-diff-id"],
                         self.report["image"]["layers"][1]["diff_id"])
        self.assertEqual(run0["originalUriBaseIds"]["IMAGEROOT"]["uri"], "file:///")
        self.assertEqual(run0["properties"]["verdict"], "deny")
        # Microsoft's validator accepts it
        why = test_audit.sarif_tool_ready()
        if why:
            self.skipTest("SARIF validator unavailable: " + why)
        self.assertEqual(test_audit.sarif_errors(work("out", "report.sarif")), [])

    def test_sarif_suppressed_and_audit_unchanged(self):
        ign = work("ignore.yaml")
        with open(ign, "w") as f:
            f.write("vulnerabilities:\n  - id: CVE-2023-5678\n"
                    "    purls: [pkg:deb/debian/libssl3]\n    reason: only the CLI uses it\n")
        dest = work("out", "suppressed.sarif")
        code, _, err = run("scan", "--format", "sarif", "-o", dest, "--ignorefile", ign,
                           *self.args, self.target)
        self.assertEqual(code, 1, err)
        with open(dest) as f:
            res = json.load(f)["runs"][0]["results"]
        sup = [r for r in res if r.get("suppressions")]
        self.assertEqual(len(sup), 1)
        self.assertEqual(sup[0]["ruleId"], "CVE-2023-5678")
        self.assertEqual(sup[0]["suppressions"][0]["kind"], "external")
        self.assertIn("only the CLI uses it", sup[0]["suppressions"][0]["justification"])
        # moat audit does not use the scan's extensions of the writer
        df = work("audit", "Dockerfile")
        with open(df, "w") as f:
            f.write("FROM debian:latest\nADD https://example.com/x.tgz /x\n")
        code, out, err = run("audit", "--format", "sarif", df)
        self.assertIn(code, (0, 1), err)
        a = json.loads(out)["runs"][0]
        for key in ("originalUriBaseIds", "invocations", "properties"):
            self.assertNotIn(key, a)
        self.assertTrue(a["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                        ["uri"].startswith("file:///"))
        why = test_audit.sarif_tool_ready()
        if not why:
            self.assertEqual(test_audit.sarif_errors(dest), [])

    # -- CycloneDX ------------------------------------------------------------

    def test_cyclonedx_vulnerabilities(self):
        doc = json.loads(self.out["cyclonedx"])
        comps = {c["bom-ref"]: c["name"] for c in doc["components"]}
        got = set()
        for v in doc["vulnerabilities"]:
            names = tuple(sorted(comps[a["ref"]] for a in v["affects"]))
            got.add((v["id"], names, v["ratings"][0]["severity"]))
        self.assertEqual(got, VULNS)
        cve = next(v for v in doc["vulnerabilities"] if v["id"] == "CVE-2023-5678")
        self.assertEqual(cve["ratings"], [{"score": 9.8, "severity": "critical",
                                           "method": "CVSSv31", "vector": CVSS_CRITICAL}])
        self.assertEqual(cve["source"], {"name": "NVD",
                                         "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-5678"})
        self.assertEqual([r["id"] for r in cve["references"]], ["DEBIAN-CVE-2023-5678"])
        self.assertEqual(cve["published"], "2024-05-01T00:00:00Z")
        self.assertEqual(cve["description"], "summary of DEBIAN-CVE-2023-5678")
        for a in cve["affects"]:
            self.assertEqual(a["versions"], [
                {"version": "3.0.11-1~deb12u2", "status": "affected"},
                {"version": "3.0.13-1~deb12u1", "status": "unaffected"}])
        self.assertNotIn("analysis", cve)
        # moat sbom stays an SBOM
        code, out, err = run("sbom", self.target)
        self.assertEqual(code, 0, err)
        self.assertNotIn("vulnerabilities", json.loads(out))

    def test_cyclonedx_vex_and_schema(self):
        ign = work("ignore-cdx.yaml")
        with open(ign, "w") as f:
            f.write("vulnerabilities:\n  - id: GHSA-aaaa-bbbb-cccc\n    reason: test only\n")
        vex = work("vex.json")
        with open(vex, "w") as f:
            json.dump({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
                {"vulnerability": {"name": "DEBIAN-CVE-2024-0003"},
                 "products": [{"@id": "pkg:deb/debian/bash"}], "status": "not_affected",
                 "justification": "vulnerable_code_not_present"}]}, f)
        dest = work("out", "vex.cdx.json")
        code, _, err = run("scan", "--format", "cyclonedx", "-o", dest, "--ignorefile", ign,
                           "--vex", vex, *self.args, self.target)
        self.assertEqual(code, 1, err)
        with open(dest) as f:
            doc = json.load(f)
        by_id = {v["id"]: v for v in doc["vulnerabilities"]}
        self.assertEqual(by_id["DEBIAN-CVE-2024-0003"]["analysis"]["state"], "not_affected")
        self.assertEqual(by_id["DEBIAN-CVE-2024-0003"]["analysis"]["justification"],
                         "code_not_present")
        self.assertEqual(by_id["GHSA-aaaa-bbbb-cccc"]["analysis"]["state"], "not_affected")
        self.assertNotIn("justification", by_id["GHSA-aaaa-bbbb-cccc"]["analysis"])
        self.assertIn("test only", by_id["GHSA-aaaa-bbbb-cccc"]["analysis"]["detail"])
        self.assertNotIn("analysis", by_id["CVE-2023-5678"])
        why = test_sbom.node_ready()
        if why:
            self.skipTest("validators unavailable: " + why)
        main_doc = work("out", "report.cyclonedx")
        res = test_sbom.validate("cyclonedx", main_doc, dest)
        self.assertEqual(res, {main_doc: None, dest: None})

    # -- HTML -----------------------------------------------------------------

    def test_html_well_formed_and_self_contained(self):
        page = self.out["html"]
        p = Checker()
        p.feed(page)
        p.close()
        self.assertEqual(p.errors, [])
        self.assertEqual(p.stack, [])
        self.assertEqual(p.scripts_with_src, 0)
        self.assertLessEqual(p.scripts, 1)
        for tag, attr, url in p.urls:
            if re.match(r"(?i)\s*(https?:)?//", url):
                self.assertEqual((tag, attr), ("a", "href"), url)
                self.assertRegex(url, r"^https://(nvd\.nist\.gov/vuln/detail/|github\.com/"
                                      r"advisories/|osv\.dev/vulnerability/)")
            else:
                self.assertTrue(url.startswith("#"), (tag, attr, url))
        self.assertIn("Content-Security-Policy", page)
        self.assertNotIn("@import", page)
        self.assertNotRegex(page, r"url\(\s*['\"]?(https?:)?//")

    def test_html_content_and_escaping(self):
        page = self.out["html"]
        text = " ".join(Checker.text_of(page).split())
        self.assertIn("deny", text)
        for r in self.report["verdict"]["reasons"]:
            self.assertIn(" ".join(shown(r.split(": ", 2)[2], "\ufffd").split()), text)
        for vid, _, _ in VULNS:
            self.assertIn(vid, text)
        self.assertIn("Layers (2)", text)
        self.assertIn("COPY app /app # <b>not bold</b>", text)
        self.assertIn(self.report["image"]["digest"], text)
        self.assertIn("Debian GNU/Linux 12 (bookworm)", text)
        # hostile strings are text, never markup
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("<b>not bold", page)
        self.assertIn("&lt;script&gt;alert(2)&lt;/script&gt;", page)
        self.assertIn(SCRIPT_PATH, text)
        self.assertNotIn("\x1b", page)
        self.assertIn("<svg", page)

    def test_html_renders_in_chromium(self):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            self.skipTest("chromium not installed (scripts/install-deps.sh installs it)")
        path = work("out", "report.html")
        png = work("out", "report.png")
        base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + work("chromium-profile")]
        try:
            dom = subprocess.run(base + ["--dump-dom", "file://" + path], capture_output=True,
                                 text=True, timeout=120)
            shot = subprocess.run(base + ["--window-size=1280,2400", "--screenshot=" + png,
                                          "file://" + path], capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            self.skipTest("chromium did not finish in 120 s")
        if dom.returncode != 0 or "<html" not in dom.stdout:
            self.skipTest("chromium cannot start here: " + dom.stderr[-500:])
        # the page as the browser built it, script run
        self.assertIn("CVE-2023-5678", dom.stdout)
        self.assertIn('id="layer-1"', dom.stdout)
        self.assertNotIn("<script>alert", dom.stdout)
        self.assertEqual(shot.returncode, 0, shot.stderr[-500:])
        with open(png, "rb") as f:
            head = f.read(24)
        self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(int.from_bytes(head[16:20], "big"), 1280)
        self.assertGreater(os.path.getsize(png), 50000)   # not a blank page

    # -- formats and progress ---------------------------------------------------

    def test_format_errors(self):
        code, out, err = run("scan", "--format", "pdf", self.target)
        self.assertEqual((code, out), (2, ""))
        self.assertIn("table, json, sarif, cyclonedx, spdx, html", err)
        code, out, err = run("sbom", "--format", "html", self.target)
        self.assertEqual((code, out), (2, ""))

    def on_pty(self, args, pty_stdout=False, env=None):
        """Runs moat with stderr (or stdout) on a pseudo-terminal; returns what
        the terminal received."""
        master, slave = pty.openpty()
        e = dict(os.environ)
        e.pop("NO_COLOR", None)
        e.pop("COLUMNS", None)
        e.update(env or {})
        p = subprocess.Popen([MOAT] + args, stdin=subprocess.DEVNULL,
                             stdout=slave if pty_stdout else subprocess.DEVNULL,
                             stderr=slave if not pty_stdout else subprocess.DEVNULL, env=e)
        os.close(slave)
        got = b""
        while True:
            r, _, _ = select.select([master], [], [], 60)
            if not r:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:   # EIO: the child closed the terminal
                break
            if not chunk:
                break
            got += chunk
        p.wait(timeout=60)
        os.close(master)
        return got.decode("utf-8", "replace")

    def test_progress_on_a_terminal_only(self):
        got = self.on_pty(["scan", "--format", "json", "--db", self.db, self.target])
        self.assertRegex(got, r"\rmoat: 2/2 layers read \([0-9.]+ MiB in [0-9.]+ s\), analysing")
        # cleared at the end: the last thing written is spaces over the line
        last = got.rsplit("\r", 2)
        self.assertEqual(last[-1], "")
        self.assertEqual(last[-2].strip(" "), "")
        self.assertNotIn("\n", got.replace("\r\n", "\n").split("warning")[0])
        # --quiet: nothing
        self.assertNotIn("moat:", self.on_pty(["scan", "--quiet", "--format", "json", "--db",
                                                self.db, self.target]))
        # not a terminal: nothing of it
        code, out, err = run("scan", "--format", "json", "--db", self.db, self.target)
        self.assertEqual(code, 0, err)
        self.assertNotIn("\r", err)
        self.assertNotIn("layers read", err)


class Checker(html.parser.HTMLParser):
    """Well-formedness (every element closed in order, void elements aside),
    and every URL-bearing attribute."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}
    URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "xlink:href",
                 "srcset", "background"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.urls = [], [], []
        self.scripts = self.scripts_with_src = 0
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in self.URL_ATTRS:
                self.urls.append((tag, k, v or ""))
            if k.startswith("on"):
                self.errors.append("inline handler %s on <%s>" % (k, tag))
        if tag == "script":
            self.scripts += 1
            self.scripts_with_src += any(k == "src" for k, _ in attrs)
        if tag in ("script", "style"):
            self.skip += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        for k, v in attrs:
            if k in self.URL_ATTRS:
                self.urls.append((tag, k, v or ""))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else ""))
            return
        self.stack.pop()
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    @classmethod
    def text_of(cls, page):
        p = cls()
        p.feed(page)
        p.close()
        return " ".join(p.parts)


if __name__ == "__main__":
    main()
