"""End-to-end tests of the SBOM writers and of moat's JSON report schema.

Every document moat writes here is checked by validators moat did not write,
installed from npm into a cache outside the repository at test time:
  CycloneDX 1.5  ajv (strict mode) + ajv-formats + ajv-formats-draft2019 with
                 the schemas shipped by @cyclonedx/cyclonedx-library
                 (bom-1.5, spdx, jsf)
  SPDX 2.3       ajv with the official SPDX 2.3 JSON schema, vendored in
                 tests/schemas/ (see its README for provenance)
  moat JSON      ajv (draft 2020-12) with docs/report.schema.json
  licenses       spdx-expression-parse decides what a valid SPDX expression
                 is, independently of moat's own checker
Beyond validity, the content is checked against `moat scan --format json` of
the same image: every package exactly once, nesting of owned packages,
dependency edges of embedded packages, licenses, escaping, reproducibility.

The node cache is $MOAT_NODE_CACHE, else ~/.cache/moat/node.
"""

import collections
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import unittest
import uuid
import zipfile
import io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from util import MoatTest, SRC, main, run, scan_json, work, all_packages  # noqa: E402
from mkimage import Image, Layer, debian_base, dpkg_status, DEBIAN_OS_RELEASE  # noqa: E402

NODE_PKGS = {
    "ajv": "8.20.0",
    "ajv-formats": "3.0.1",
    "ajv-formats-draft2019": "1.6.1",
    "@cyclonedx/cyclonedx-library": "10.3.0",
    "spdx-expression-parse": "4.0.0",
    "spdx-license-ids": "3.0.24",
    "spdx-exceptions": "2.5.0",
}
NODE_CACHE = os.environ.get("MOAT_NODE_CACHE") or os.path.join(
    os.path.expanduser("~"), ".cache", "moat", "node")
NODE_MODULES = os.path.join(NODE_CACHE, "node_modules")
VALIDATE = os.path.join(SRC, "tests", "schemas", "validate.js")
SPDX_SCHEMA = os.path.join(SRC, "tests", "schemas", "spdx-2.3.schema.json")
REPORT_SCHEMA = os.path.join(SRC, "docs", "report.schema.json")
CREATED = "2024-01-01T00:00:00Z"


def node_ready():
    """Installs the pinned validators into the cache unless they are there.
    Returns None, or why the validators cannot be had."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "node/npm not installed (scripts/install-deps.sh installs them)"
    os.makedirs(NODE_CACHE, exist_ok=True)
    with open(os.path.join(NODE_CACHE, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = []
        for name, ver in NODE_PKGS.items():
            pj = os.path.join(NODE_MODULES, name, "package.json")
            try:
                with open(pj) as f:
                    ok = json.load(f).get("version") == ver
            except (OSError, ValueError):
                ok = False
            if not ok:
                missing.append("%s@%s" % (name, ver))
        if missing:
            p = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix",
                                NODE_CACHE] + missing, capture_output=True, text=True,
                               timeout=900)
            if p.returncode != 0:
                raise AssertionError("npm install %s failed:\n%s" % (" ".join(missing),
                                                                     p.stderr[-3000:]))
    return None


def validate(mode, *args):
    p = subprocess.run(["node", VALIDATE, NODE_MODULES, mode] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise AssertionError("validate.js %s failed: %s" % (mode, p.stderr[-3000:]))
    return json.loads(p.stdout)


# -- fixtures ------------------------------------------------------------------

def copyright_dep5(*licenses):
    paras = ["Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"]
    for i, l in enumerate(licenses):
        paras.append("Files: part%d/*\nCopyright: someone\nLicense: %s\n" % (i, l))
    return "\n".join(paras)


def debian_many():
    """A Debian-like image with 60 packages, maintainers, sources and DEP-5
    copyright files; a second layer adds packages and a file list."""
    pkgs = []
    lay = Layer().dir("etc").dir("usr").dir("usr/lib").dir("usr/share").dir("usr/share/doc")
    lay.symlink("lib", "usr/lib").symlink("bin", "usr/bin")
    lay.file("usr/lib/os-release", DEBIAN_OS_RELEASE).symlink("etc/os-release",
                                                              "../usr/lib/os-release")
    lics = ["GPL-2+", "GPL-2+ or Artistic", "Expat", "BSD-3-clause", "public-domain",
            "LGPL-2.1+", "Apache-2.0", "Zlib", "custom-weird license"]
    for i in range(60):
        name = "libexample%d" % i
        p = {"Package": name, "Version": "1.%d.0-%d+deb12u1" % (i, i % 3),
             "Maintainer": ["Debian Example Maintainers <pkg-example@lists.debian.org>",
                            "Jane Doe <jane@example.org>", "No Mail Person"][i % 3]}
        if i % 2:
            p["Source"] = "example-src (1.%d.0-%d)" % (i, i % 3)
        if i % 7 == 0:
            p["Architecture"] = "all"
        pkgs.append(p)
        d = "usr/share/doc/" + name
        lay.dir(d).file(d + "/copyright", copyright_dep5(lics[i % len(lics)]))
    lay.dir("var/lib/dpkg").file("var/lib/dpkg/status", dpkg_status(pkgs))
    top = Layer().dir("var/lib/dpkg").file(
        "var/lib/dpkg/status", dpkg_status(pkgs + [
            {"Package": "later-tool", "Version": "2.0-1", "Maintainer": "Tooling Team <t@x.org>"},
            {"Package": "libexample0", "Version": "1.0.0-0+deb12u1", "Architecture": "i386",
             "Multi-Arch": "same"},
        ]))
    return Image([lay, top], created=CREATED)


def python_metadata(name, version, license_=None, extra=""):
    s = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
    if license_:
        s += "License: %s\n" % license_
    return s + extra + "\n"


def npm_pkg(name, version, license_=None, author=None):
    d = {"name": name, "version": version}
    if license_ is not None:
        d["license"] = license_
    if author:
        d["author"] = author
    return json.dumps(d)


def fat_jar():
    """A Spring-Boot-style jar embedding two library jars, each with Maven
    coordinates, so the java analyzer reports embedded (parent) packages."""
    def jar(group, artifact, version, inner=()):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"
                       "Implementation-Title: %s\nImplementation-Version: %s\n"
                       % (artifact, version))
            z.writestr("META-INF/maven/%s/%s/pom.properties" % (group, artifact),
                       "groupId=%s\nartifactId=%s\nversion=%s\n" % (group, artifact, version))
            for n, data in inner:
                z.writestr(n, data)
        return buf.getvalue()
    libs = [("BOOT-INF/lib/commons-lang3-3.12.0.jar",
             jar("org.apache.commons", "commons-lang3", "3.12.0")),
            ("BOOT-INF/lib/jackson-core-2.15.2.jar",
             jar("com.fasterxml.jackson.core", "jackson-core", "2.15.2"))]
    return jar("com.example", "app", "1.0.0", libs)


def language_image():
    """Debian base; a python3-six deb owning its dist-info (the pypi package
    must be nested under it); npm packages with a scope, odd licenses and a
    duplicate purl; a fat jar with embedded jars."""
    six_info = "usr/lib/python3/dist-packages/six-1.16.0.dist-info"
    status = dpkg_status([
        {"Package": "base-files", "Version": "12.4+deb12u5",
         "Maintainer": "Santiago Vila <sanvila@debian.org>"},
        {"Package": "python3-six", "Version": "1.16.0-4", "Architecture": "all",
         "Source": "six", "Maintainer": "Debian Python Team <team+python@tracker.debian.org>"},
    ])
    base = Layer().dir("etc").dir("usr").dir("usr/lib")
    base.symlink("lib", "usr/lib").symlink("bin", "usr/bin")
    base.file("usr/lib/os-release", DEBIAN_OS_RELEASE).symlink("etc/os-release",
                                                               "../usr/lib/os-release")
    base.dir("var/lib/dpkg").file("var/lib/dpkg/status", status)
    base.dir("var/lib/dpkg/info").file(
        "var/lib/dpkg/info/python3-six.list",
        "/.\n/usr\n/usr/lib\n/usr/lib/python3\n/usr/lib/python3/dist-packages\n"
        "/%s\n/%s/METADATA\n/%s/RECORD\n/usr/lib/python3/dist-packages/six.py\n"
        % (six_info, six_info, six_info))
    base.dir("usr/lib/python3").dir("usr/lib/python3/dist-packages").dir(six_info)
    base.file(six_info + "/METADATA", python_metadata("six", "1.16.0", "MIT"))
    base.file("usr/lib/python3/dist-packages/six.py", "# six\n")
    app = Layer().dir("app").dir("app/node_modules")
    nm = "app/node_modules/"
    app.file("app/package.json", npm_pkg("my-app", "1.0.0", "UNLICENSED"))
    app.file(nm + "@types/node/package.json", npm_pkg("@types/node", "20.1.0", "MIT"))
    app.file(nm + "lodash/package.json", npm_pkg("lodash", "4.17.21", "MIT",
                                                 "John-David Dalton <john.david.dalton@gmail.com>"))
    app.file(nm + "perlish/package.json", npm_pkg("perlish", "1.0.0", "GPL-2+ or Artistic"))
    app.file(nm + "dual/package.json", npm_pkg("dual", "2.0.0", "(MIT OR Apache-2.0)"))
    app.file(nm + "lower/package.json", npm_pkg("lower", "1.0.0", "mit"))
    app.file(nm + "refd/package.json", npm_pkg("refd", "1.0.0", "LicenseRef-Acme-1.0"))
    app.file(nm + "seefile/package.json", npm_pkg("seefile", "1.0.0",
                                                  "SEE LICENSE IN LICENSE.txt"))
    app.file(nm + "withexc/package.json", npm_pkg(
        "withexc", "1.0.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"))
    # the same package twice (nested copy): one purl, two packages
    app.file(nm + "dual/node_modules/lodash/package.json", npm_pkg("lodash", "4.17.21", "MIT"))
    app.file(nm + "we\"ird/package.json", npm_pkg("we\"ird\\name<&>", "1.0.0-\u00fc\u00f1\u00ee",
                                                  "Apache-2.0", "R\u00e9my \"Q\" <remy@example.org>"))
    app.dir("app/lib").file("app/lib/app.jar", fat_jar())
    return Image([base, app], created=CREATED)


def odd_image():
    """Odd licenses and names through dpkg and Python metadata, including
    bytes that are not UTF-8 and a supplier with a control character."""
    status = dpkg_status([
        {"Package": "perl-base", "Version": "5.36.0-7+deb12u1", "Source": "perl",
         "Maintainer": "Niko Tyni <ntyni@debian.org>"},
        {"Package": "latin1-maint", "Version": "1.0-1",
         "Maintainer": "Ren\xe9 L\xe9vesque <rene@example.org>"},
        {"Package": "tabs\tand-quotes", "Version": "1\"2'3\\4"},
    ])
    base = debian_base()
    base.entries = [e for e in base.entries if e[0].name != "var/lib/dpkg/status"]
    base.file("var/lib/dpkg/status", status.replace("Ren\xe9 L\xe9vesque".encode(),
                                                    b"Ren\xe9 L\xe9vesque"))
    base.dir("usr/share/doc").dir("usr/share/doc/perl-base").file(
        "usr/share/doc/perl-base/copyright", copyright_dep5("GPL-1+ or Artistic", "Artistic-dist"))
    sp = "usr/lib/python3/dist-packages/"
    base.dir("usr/lib/python3").dir(sp[:-1])
    for name, lic in [("oddlic", "GPL-2+ or Artistic"), ("multi", "MIT, Apache-2.0"),
                      ("plusone", "GPL-2.0+"), ("emptyish", "   "),
                      ("longlic", "Custom " * 40)]:
        d = sp + name + "-1.0.dist-info"
        base.dir(d).file(d + "/METADATA", python_metadata(name, "1.0", lic))
    return Image([base], created="2023-06-13T17:52:37.123456789+02:00")


def empty_image():
    return Image([Layer().dir("data").file("data/readme.txt", "nothing to see\n")],
                 created=CREATED)


def broken_image():
    """A dpkg file list with binary data: a FAILED problem, packages still found."""
    base = debian_base()
    base.dir("var/lib/dpkg/info").file("var/lib/dpkg/info/bash.list", b"/bin/bash\n\0\0\0garbage")
    return Image([base], created=CREATED)


class Sbom(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.node_problem = node_ready()
        cls.targets = {}
        debian_many().docker_archive(work("debian.tar"), compression="gzip")
        cls.targets["debian"] = work("debian.tar")
        language_image().docker_archive(work("lang.tar"), tags=("example.org/team/lang-app:1.0",))
        cls.targets["lang"] = work("lang.tar")
        odd_image().docker_archive(work("odd.tar"))
        cls.targets["odd"] = work("odd.tar")
        empty_image().docker_archive(work("empty.tar"))
        cls.targets["empty"] = work("empty.tar")
        cls.manifest_digest = debian_many().oci_layout(work("oci"), tag="1.2")
        cls.targets["oci"] = "oci:" + work("oci")
        broken_image().docker_archive(work("broken.tar"))
        cls.targets["broken"] = work("broken.tar")
        # a root filesystem has no config, so no creation time: dated now
        root = work("rootfs", "etc", "os-release")
        with open(root, "wb") as f:
            f.write(DEBIAN_OS_RELEASE)
        with open(work("rootfs", "var", "lib", "dpkg", "status"), "wb") as f:
            f.write(dpkg_status([{"Package": "tzdata", "Version": "2024a-0+deb12u1"}]))
        cls.targets["rootfs"] = os.path.dirname(os.path.dirname(root))
        cls.cdx, cls.spdx, cls.report = {}, {}, {}
        cls.files = {"cyclonedx": {}, "spdx": {}, "json": {}}
        for name, target in cls.targets.items():
            for fmt, store in (("cyclonedx", cls.cdx), ("spdx", cls.spdx)):
                code, out, err = run("sbom", "--format", fmt, target)
                if code != 0:
                    raise AssertionError("moat sbom -f %s %s exited %d: %s"
                                         % (fmt, target, code, err))
                path = work("out", "%s.%s.json" % (name, fmt))
                with open(path, "w") as f:
                    f.write(out)
                cls.files[fmt][name] = path
                store[name] = json.loads(out)
            cls.report[name] = scan_json(target)
            path = work("out", "%s.report.json" % name)
            with open(path, "w") as f:
                json.dump(cls.report[name], f)
            cls.files["json"][name] = path

    def need_node(self):
        if self.node_problem:
            print("skipping: %s" % self.node_problem)
            self.skipTest(self.node_problem)

    # -- validity ------------------------------------------------------------

    def test_cyclonedx_valid(self):
        self.need_node()
        res = validate("cyclonedx", *self.files["cyclonedx"].values())
        self.assertEqual(len(res), len(self.targets))
        for f, errs in res.items():
            self.assertIsNone(errs, "%s is not valid CycloneDX 1.5: %s" % (f, errs))

    def test_spdx_valid(self):
        self.need_node()
        res = validate("spdx", SPDX_SCHEMA, *self.files["spdx"].values())
        self.assertEqual(len(res), len(self.targets))
        for f, errs in res.items():
            self.assertIsNone(errs, "%s is not valid SPDX 2.3: %s" % (f, errs))

    def test_report_schema_valid(self):
        self.need_node()
        res = validate("report", REPORT_SCHEMA, *self.files["json"].values())
        self.assertEqual(len(res), len(self.targets))
        for f, errs in res.items():
            self.assertIsNone(errs, "%s does not match docs/report.schema.json: %s" % (f, errs))

    def test_validators_reject_broken_documents(self):
        """The validators must be able to fail: a broken copy of each kind of
        document is rejected."""
        self.need_node()
        bad = {}
        c = json.loads(json.dumps(self.cdx["lang"]))
        c["components"][1]["type"] = "gizmo"
        c["serialNumber"] = "urn:uuid:not-a-uuid"
        bad["cyclonedx"] = c
        c2 = json.loads(json.dumps(self.cdx["lang"]))
        c2["components"][1]["licenses"] = [{"license": {"id": "Not-A-License"}}]
        bad["cyclonedx-license"] = c2
        s = json.loads(json.dumps(self.spdx["lang"]))
        del s["packages"][1]["downloadLocation"]
        bad["spdx"] = s
        r = json.loads(json.dumps(self.report["lang"]))
        r["packages"][0]["undocumented"] = 1
        bad["report"] = r
        paths = {}
        for k, doc in bad.items():
            paths[k] = work("bad", k + ".json")
            with open(paths[k], "w") as f:
                json.dump(doc, f)
        res = validate("cyclonedx", paths["cyclonedx"], paths["cyclonedx-license"])
        self.assertIsNotNone(res[paths["cyclonedx"]])
        self.assertIsNotNone(res[paths["cyclonedx-license"]])
        self.assertIsNotNone(validate("spdx", SPDX_SCHEMA, paths["spdx"])[paths["spdx"]])
        self.assertIsNotNone(validate("report", REPORT_SCHEMA, paths["report"])[paths["report"]])

    # -- content: CycloneDX -----------------------------------------------------

    def cdx_components(self, doc):
        """(component, owner component or None) for every component, recursively."""
        out = []

        def walk(comps, owner):
            for c in comps:
                out.append((c, owner))
                walk(c.get("components", []), c)
        walk(doc["components"], None)
        return out

    def test_every_package_once(self):
        for name in self.targets:
            want = collections.Counter(p["purl"] for p in all_packages(self.report[name]))
            cdx = collections.Counter(c["purl"] for c, _ in self.cdx_components(self.cdx[name])
                                      if c["type"] != "operating-system")
            self.assertEqual(cdx, want, name)
            spdx = collections.Counter(
                r["referenceLocator"] for p in self.spdx[name]["packages"]
                if p.get("primaryPackagePurpose") == "LIBRARY"
                for r in p.get("externalRefs", []) if r["referenceType"] == "purl")
            self.assertEqual(spdx, want, name)
            self.assertEqual(len(self.spdx[name]["packages"]),
                             len(all_packages(self.report[name])) + 1
                             + (1 if self.report[name]["distro"] else 0), name)
        self.assertGreaterEqual(len(all_packages(self.report["debian"])), 61)

    def test_bom_refs(self):
        for name, doc in self.cdx.items():
            refs = [c["bom-ref"] for c, _ in self.cdx_components(doc)]
            refs.append(doc["metadata"]["component"]["bom-ref"])
            self.assertEqual(len(refs), len(set(refs)), "duplicate bom-ref in %s" % name)
            known = set(refs)
            image = doc["metadata"]["component"]["bom-ref"]
            deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
            self.assertEqual(len(deps), len(doc["dependencies"]))
            for ref, on in deps.items():
                self.assertIn(ref, known)
                for r in on:
                    self.assertIn(r, known)
            top = [c["bom-ref"] for c in doc["components"]]
            self.assertEqual(deps[image], top, name)
            nested = [c["bom-ref"] for c, owner in self.cdx_components(doc) if owner]
            for r in nested:
                self.assertNotIn(r, deps[image])
        # the lodash copies share a purl: the second gets a suffix
        lodash = [c["bom-ref"] for c, _ in self.cdx_components(self.cdx["lang"])
                  if c["name"] == "lodash"]
        if len(lodash) == 2:
            self.assertEqual(sorted(lodash), ["pkg:npm/lodash@4.17.21",
                                              "pkg:npm/lodash@4.17.21#2"])
        else:
            print("note: the npm analyzer reported %d lodash copies" % len(lodash))

    def owned_pairs(self, name):
        return sorted((p["purl"], c["purl"]) for p in self.report[name]["packages"]
                      for c in p.get("contains", []))

    def test_nested_owned_packages(self):
        pairs = self.owned_pairs("lang")
        if not pairs:
            print("skipping: no analyzer reported a package owned by an OS package")
            self.skipTest("no owned packages in the scan result")
        self.assertIn(("pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12",
                       "pkg:pypi/six@1.16.0"), pairs)
        got = sorted((owner["purl"], c["purl"]) for c, owner in
                     self.cdx_components(self.cdx["lang"]) if owner)
        self.assertEqual(got, pairs)
        doc = self.spdx["lang"]
        purl_of = {p["SPDXID"]: r["referenceLocator"] for p in doc["packages"]
                   for r in p.get("externalRefs", [])}
        contains = sorted((purl_of[r["spdxElementId"]], purl_of[r["relatedSpdxElement"]])
                          for r in doc["relationships"] if r["relationshipType"] == "CONTAINS"
                          and r["spdxElementId"] != "SPDXRef-Image")
        self.assertEqual(contains, pairs)
        from_image = [r["relatedSpdxElement"] for r in doc["relationships"]
                      if r["spdxElementId"] == "SPDXRef-Image"]
        owned = {c for _, c in pairs}
        for r in from_image:
            self.assertNotIn(purl_of.get(r), owned)

    def test_dependency_edges(self):
        pairs = sorted((p["parent"], p["purl"]) for name in ("lang",)
                       for p in all_packages(self.report[name]) if p["parent"])
        if not pairs:
            print("skipping: no analyzer reported an embedded (parent) package")
            self.skipTest("no parent edges in the scan result")
        doc = self.cdx["lang"]
        purl_of = {c["bom-ref"]: c.get("purl") for c, _ in self.cdx_components(doc)}
        image = doc["metadata"]["component"]["bom-ref"]
        got = sorted((purl_of[d["ref"]], purl_of[r]) for d in doc["dependencies"]
                     if d["ref"] != image for r in d["dependsOn"])
        self.assertEqual(got, pairs)
        sdoc = self.spdx["lang"]
        spurl = {p["SPDXID"]: r["referenceLocator"] for p in sdoc["packages"]
                 for r in p.get("externalRefs", [])}
        sgot = sorted((spurl[r["spdxElementId"]], spurl[r["relatedSpdxElement"]])
                      for r in sdoc["relationships"] if r["relationshipType"] == "DEPENDS_ON")
        self.assertEqual(sgot, pairs)

    # -- licenses -----------------------------------------------------------------

    def license_oracle(self, strings):
        path = work("expr.json")
        with open(path, "w") as f:
            json.dump(sorted(set(strings)), f)
        return validate("expr", path)

    def test_licenses(self):
        self.need_node()
        with open(os.path.join(NODE_MODULES, "spdx-license-ids", "index.json")) as f:
            ids = set(json.load(f))
        with open(os.path.join(NODE_MODULES, "spdx-license-ids", "deprecated.json")) as f:
            ids |= set(json.load(f))
        exprs, names, declared = [], [], {}
        for name in self.targets:
            for c, _ in self.cdx_components(self.cdx[name]):
                for l in c.get("licenses", []):
                    if "expression" in l:
                        exprs.append(l["expression"])
                    elif "id" in l["license"]:
                        self.assertIn(l["license"]["id"], ids)
                    else:
                        names.append(l["license"]["name"])
            for p in all_packages(self.report[name]):
                if p["license"] and p["license"].strip():
                    declared[p["purl"]] = p["license"].strip()
        oracle = self.license_oracle(exprs + names)
        for e in exprs:
            self.assertIs(oracle[e], True, "moat wrote %r as an SPDX expression: %s"
                          % (e, oracle[e]))
        for n in names:
            self.assertIsNot(oracle[n], True, "%r is a valid SPDX expression but was "
                             "written as a license name" % n)
        self.assertIn("GPL-2+ or Artistic", names)
        # every declared license made it into the CycloneDX output unchanged
        written = {}
        for name in self.targets:
            for c, _ in self.cdx_components(self.cdx[name]):
                for l in c.get("licenses", []):
                    written[c["purl"]] = l.get("expression") or l["license"].get("id") \
                        or l["license"].get("name")
        for purl, lic in declared.items():
            self.assertEqual(written.get(purl), lic, purl)

    def test_spdx_licenses(self):
        self.need_node()
        for name, doc in self.spdx.items():
            refs = {e["licenseId"]: e for e in doc.get("hasExtractedLicensingInfos", [])}
            exprs = [p["licenseDeclared"] for p in doc["packages"]
                     if p["licenseDeclared"] != "NOASSERTION"]
            oracle = self.license_oracle(exprs) if exprs else {}
            for e in exprs:
                self.assertIs(oracle[e], True, "%s: licenseDeclared %r: %s" % (name, e, oracle[e]))
                for ref in re.findall(r"LicenseRef-[A-Za-z0-9.-]+", e):
                    self.assertIn(ref, refs, "%s: %s used but not declared" % (name, ref))
            for ref, e in refs.items():
                self.assertRegex(ref, r"^LicenseRef-[A-Za-z0-9.-]+$")
                self.assertTrue(e["extractedText"])
        doc = self.spdx["lang"]
        by_name = {p["name"]: p for p in doc["packages"]}
        if "perlish" in by_name:
            ref = by_name["perlish"]["licenseDeclared"]
            self.assertTrue(ref.startswith("LicenseRef-"), ref)
            ext = {e["licenseId"]: e for e in doc["hasExtractedLicensingInfos"]}
            self.assertEqual(ext[ref]["extractedText"], "GPL-2+ or Artistic")
            self.assertEqual(by_name["dual"]["licenseDeclared"], "(MIT OR Apache-2.0)")
        else:
            print("note: the npm analyzer did not report the fixture packages")

    def test_spdx_table_matches_npm_lists(self):
        """lib/analyze/spdx_ids.c is what scripts/gen-spdx-ids.py makes of the
        pinned spdx-license-ids and spdx-exceptions packages."""
        self.need_node()
        p = subprocess.run([sys.executable, os.path.join(SRC, "scripts", "gen-spdx-ids.py"),
                            "--check", NODE_MODULES], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    # -- identity, escaping, edge cases --------------------------------------------

    def test_reproducible_and_identified(self):
        serials, namespaces = set(), set()
        for name, target in self.targets.items():
            for fmt in ("cyclonedx", "spdx") if name != "rootfs" else ():
                code, out, _ = run("sbom", "--format", fmt, target)
                self.assertEqual(code, 0)
                with open(self.files[fmt][name]) as f:
                    self.assertEqual(out, f.read(), "%s %s output is not reproducible"
                                     % (name, fmt))
            serial = self.cdx[name]["serialNumber"]
            u = uuid.UUID(serial[len("urn:uuid:"):])
            self.assertEqual(u.version, 5)
            self.assertEqual(u.variant, uuid.RFC_4122)
            serials.add(serial)
            ns = self.spdx[name]["documentNamespace"]
            self.assertRegex(ns, r"^https://moat\.invalid/spdx/[A-Za-z0-9._-]+-[0-9a-f-]{36}$")
            self.assertNotIn("#", ns)
            namespaces.add(ns)
        self.assertEqual(len(serials), len(self.targets))
        self.assertEqual(len(namespaces), len(self.targets))
        self.assertEqual(self.cdx["debian"]["metadata"]["timestamp"], CREATED)
        self.assertEqual(self.spdx["debian"]["creationInfo"]["created"], CREATED)
        # +02:00 with nanoseconds becomes whole-second UTC
        self.assertEqual(self.cdx["odd"]["metadata"]["timestamp"], "2023-06-13T15:52:37Z")
        self.assertEqual(self.spdx["odd"]["creationInfo"]["created"], "2023-06-13T15:52:37Z")

    def test_spdx_ids(self):
        for name, doc in self.spdx.items():
            ids = [p["SPDXID"] for p in doc["packages"]] + ["SPDXRef-DOCUMENT"]
            self.assertEqual(len(ids), len(set(ids)), name)
            for i in ids:
                self.assertRegex(i, r"^SPDXRef-[A-Za-z0-9.-]+$")
            known = set(ids)
            for r in doc["relationships"]:
                self.assertIn(r["spdxElementId"], known)
                self.assertIn(r["relatedSpdxElement"], known)
            self.assertIn({"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                           "relatedSpdxElement": "SPDXRef-Image"}, doc["relationships"])
            self.assertRegex(doc["creationInfo"]["created"],
                             r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertEqual(doc["creationInfo"]["creators"], ["Tool: moat-0.1.0"])

    def test_escaping(self):
        names = {c["name"] for c, _ in self.cdx_components(self.cdx["odd"])}
        self.assertIn("tabs\tand-quotes", names)
        comp = [c for c, _ in self.cdx_components(self.cdx["odd"])
                if c["name"] == "tabs\tand-quotes"][0]
        self.assertEqual(comp["version"], "1\"2'3\\4")
        # the Latin-1 maintainer is not UTF-8: replaced, not dropped
        latin = [c for c, _ in self.cdx_components(self.cdx["odd"])
                 if c["name"] == "latin1-maint"][0]
        self.assertEqual(latin["supplier"]["name"], "Ren\ufffd L\ufffdvesque")
        self.assertEqual(latin["supplier"]["contact"][0]["email"], "rene@example.org")
        spdx_latin = [p for p in self.spdx["odd"]["packages"] if p["name"] == "latin1-maint"][0]
        self.assertEqual(spdx_latin["supplier"], "Person: Ren\ufffd L\ufffdvesque (rene@example.org)")
        weird = [c for c, _ in self.cdx_components(self.cdx["lang"])
                 if c["name"].startswith("we\"ird")]
        if weird:
            self.assertEqual(weird[0]["name"], "we\"ird\\name<&>")
            self.assertEqual(weird[0]["version"], "1.0.0-\u00fc\u00f1\u00ee")
        else:
            print("note: the npm analyzer did not report the oddly named package")

    def test_suppliers(self):
        comps = {c["name"]: c for c, _ in self.cdx_components(self.cdx["debian"])}
        spdx = {p["name"]: p for p in self.spdx["debian"]["packages"]}
        self.assertEqual(comps["libexample3"]["supplier"],
                         {"name": "Debian Example Maintainers",
                          "contact": [{"email": "pkg-example@lists.debian.org"}]})
        self.assertEqual(spdx["libexample3"]["supplier"],
                         "Organization: Debian Example Maintainers (pkg-example@lists.debian.org)")
        self.assertEqual(spdx["libexample1"]["supplier"], "Person: Jane Doe (jane@example.org)")
        self.assertEqual(comps["libexample2"]["supplier"], {"name": "No Mail Person"})
        self.assertEqual(spdx["libexample2"]["supplier"], "Person: No Mail Person")

    def test_image_component(self):
        doc = self.cdx["oci"]
        img = doc["metadata"]["component"]
        self.assertEqual(img["type"], "container")
        self.assertEqual(img["version"], self.manifest_digest)
        self.assertTrue(img["purl"].startswith("pkg:oci/"), img)
        self.assertIn("@sha256%3A" + self.manifest_digest[7:], img["purl"])
        self.assertIn("arch=amd64", img["purl"])
        self.assertEqual(img["bom-ref"], img["purl"])
        spdx_img = self.spdx["oci"]["packages"][0]
        self.assertEqual(spdx_img["primaryPackagePurpose"], "CONTAINER")
        self.assertEqual(spdx_img["externalRefs"][0]["referenceLocator"], img["purl"])
        # docker-archive: no manifest digest, so the image ID and no purl
        lang = self.cdx["lang"]["metadata"]["component"]
        self.assertEqual(lang["name"], "example.org/team/lang-app")
        self.assertEqual(lang["version"], self.report["lang"]["image"]["config_digest"])
        self.assertNotIn("purl", lang)
        os_ = [c for c in self.cdx["debian"]["components"] if c["type"] == "operating-system"]
        self.assertEqual([(o["name"], o["version"]) for o in os_], [("debian", "12")])

    def test_empty_image(self):
        doc = self.cdx["empty"]
        self.assertEqual(doc["components"], [])
        self.assertEqual(doc["dependencies"], [{"ref": doc["metadata"]["component"]["bom-ref"],
                                                "dependsOn": []}])
        s = self.spdx["empty"]
        self.assertEqual(len(s["packages"]), 1)
        self.assertEqual(s["relationships"], [{"spdxElementId": "SPDXRef-DOCUMENT",
                                               "relationshipType": "DESCRIBES",
                                               "relatedSpdxElement": "SPDXRef-Image"}])

    def test_incomplete_scan_is_said(self):
        failed = [e for e in self.report["broken"]["errors"] if e["severity"] in ("failed",)]
        self.assertTrue(failed, "the fixture no longer produces a failed problem")
        doc = self.cdx["broken"]
        self.assertEqual(doc["compositions"], [{"aggregate": "incomplete", "assemblies":
                                                [doc["metadata"]["component"]["bom-ref"]]}])
        probs = [p["value"] for p in doc["metadata"]["properties"] if p["name"] == "moat:problem"]
        self.assertEqual(len(probs), len(failed))
        self.assertIn(failed[0]["message"], probs[0])
        self.assertIn(failed[0]["message"], self.spdx["broken"]["comment"])
        self.assertNotIn("compositions", self.cdx["debian"])
        self.assertNotIn("comment", self.spdx["debian"])


    def test_report_invalid_utf8_name(self):
        """A package name that is not UTF-8 must still be a string in the
        report (bytes that are not UTF-8 become U+FFFD, as in the SBOMs)."""
        self.need_node()
        st = dpkg_status([{"Package": "bad-name", "Version": "1.0"}]).replace(b"bad-name",
                                                                             b"bad\xffname")
        base = debian_base()
        base.entries = [e for e in base.entries if e[0].name != "var/lib/dpkg/status"]
        base.file("var/lib/dpkg/status", st)
        Image([base], created=CREATED).docker_archive(work("badutf8.tar"))
        path = work("out", "badutf8.report.json")
        with open(path, "w") as f:
            json.dump(scan_json(work("badutf8.tar")), f)
        errs = validate("report", REPORT_SCHEMA, path)[path]
        self.assertIsNone(errs)
        with open(path) as f:
            names = [p["name"] for p in json.load(f)["packages"]]
        self.assertIn("bad\ufffdname", names)


if __name__ == "__main__":
    main()
