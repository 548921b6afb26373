"""End-to-end tests of the language and Alpine package analyzers: one
Debian-based fixture image holding every language ecosystem (npm with nested
node_modules and a scope, Python dist-info and egg-info, a gem, Composer,
.NET), packages deleted or replaced in a later layer, the application's own
package.json, and language packages owned by Debian packages (merged /usr);
and one Alpine image whose apk database changes between layers and owns a
Python package. The expected packages are listed exactly."""

import json

from util import MoatTest, all_packages, by_name, main, scan_json, work

from mkimage import ALPINE_OS_RELEASE, Image, Layer, debian_base


def pkg_json(name, version, **extra):
    d = {"name": name, "version": version, "description": "fixture", "main": "index.js"}
    d.update(extra)
    return json.dumps(d, indent=2) + "\n"


def metadata(name, version, license_=None, classifiers=(), body="A fixture.\n"):
    out = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
    if license_:
        out += "License: %s\n" % license_
    for c in classifiers:
        out += "Classifier: %s\n" % c
    return out + "\n" + body


GEMSPEC = """# -*- encoding: utf-8 -*-
# stub: rack 3.0.8 ruby lib

Gem::Specification.new do |s|
  s.name = "rack".freeze
  s.version = "3.0.8"

  s.require_paths = ["lib".freeze]
  s.authors = ["Leah Neukirchen".freeze]
  s.licenses = ["MIT".freeze]
  s.summary = "A modular Ruby webserver interface.".freeze
end
"""

COMPOSER = json.dumps({
    "packages": [
        {"name": "symfony/console", "version": "v5.4.1", "version_normalized": "5.4.1.0",
         "type": "library", "license": ["MIT"], "install-path": "../symfony/console"},
        {"name": "phpunit/phpunit", "version": "9.6.19", "license": ["BSD-3-Clause"],
         "install-path": "../phpunit/phpunit"},
    ],
    "dev": True,
    "dev-package-names": ["phpunit/phpunit"],
}, indent=4)

DEPS = json.dumps({
    "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0/linux-x64", "signature": ""},
    "targets": {".NETCoreApp,Version=v8.0/linux-x64": {}},
    "libraries": {
        "MyApp/1.0.0": {"type": "project", "serviceable": False, "sha512": ""},
        "Newtonsoft.Json/13.0.3": {"type": "package", "serviceable": True,
                                   "sha512": "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLc==",
                                   "path": "newtonsoft.json/13.0.3"},
    },
}, indent=2)

URLLIB3_DIR = "usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info"
SITE = "usr/local/lib/python3.11/site-packages"
NM = "app/node_modules"


def debian_lang_image():
    deb = [{"Package": "base-files", "Version": "12.4+deb12u5"},
           {"Package": "python3-urllib3", "Version": "1.26.12-1", "Architecture": "all",
            "Source": "python-urllib3"},
           {"Package": "python3-legacy", "Version": "1.0-1", "Architecture": "all"},
           {"Package": "node-semver", "Version": "7.5.4+~7.5.0-1", "Architecture": "all"}]
    base = debian_base(pkgs=deb)
    # what dpkg lists: /usr/... for urllib3; the pre-usrmerge /lib/... for the
    # egg-info file, which the merged-/usr tar stores under usr/lib
    base.file("var/lib/dpkg/info/python3-urllib3.list",
              "/.\n/usr\n/usr/lib\n/usr/lib/python3\n/usr/lib/python3/dist-packages\n"
              "/%s\n/%s/METADATA\n/%s/RECORD\n" % (URLLIB3_DIR, URLLIB3_DIR, URLLIB3_DIR))
    base.file("var/lib/dpkg/info/python3-legacy.list",
              "/.\n/lib/python3/dist-packages/Legacy_Pkg-1.0.egg-info\n")
    base.file("var/lib/dpkg/info/node-semver.list",
              "/.\n/usr/share/nodejs/semver\n/usr/share/nodejs/semver/package.json\n")
    base.file(URLLIB3_DIR + "/METADATA",
              metadata("urllib3", "1.26.12", "MIT",
                       ["License :: OSI Approved :: MIT License"]))
    base.file(URLLIB3_DIR + "/RECORD", "urllib3/__init__.py,,\n")
    base.file("usr/lib/python3/dist-packages/Legacy_Pkg-1.0.egg-info",
              "Metadata-Version: 1.0\nName: Legacy_Pkg\nVersion: 1.0\nLicense: GPL-2+\n")
    base.file("usr/share/nodejs/semver/package.json", pkg_json("semver", "7.5.4", license="ISC"))

    app = Layer()
    app.file("app/package.json", pkg_json("my-app", "0.0.1", private=True,
                                           dependencies={"express": "^4.19.2"}))
    app.file(NM + "/express/package.json", pkg_json("express", "4.19.2", license="MIT"))
    app.file(NM + "/express/lib/package.json", pkg_json("express-lib-internal", "0.0.0"))
    app.file(NM + "/express/node_modules/debug/package.json",
             pkg_json("debug", "2.6.9", license="MIT"))
    app.file(NM + "/debug/package.json", pkg_json("debug", "4.3.4", license="MIT"))
    app.file(NM + "/@types/node/package.json", pkg_json("@types/node", "20.12.7", license="MIT"))
    app.file(NM + "/left-pad/package.json", pkg_json("left-pad", "1.3.0", license="WTFPL"))
    app.file(NM + "/lodash/package.json", pkg_json("lodash", "4.17.20", license="MIT"))
    app.file(NM + "/.bin/package.json", pkg_json("not-a-package", "1"))
    app.file("usr/local/lib/node_modules/npm/package.json",
             pkg_json("npm", "10.5.0", license="Artistic-2.0"))
    app.file(SITE + "/requests-2.31.0.dist-info/METADATA",
             metadata("requests", "2.31.0", "Apache 2.0"))
    app.file(SITE + "/six-1.16.0.dist-info/METADATA", metadata("six", "1.16.0", "MIT"))
    app.file("usr/local/bundle/specifications/rack-3.0.8.gemspec", GEMSPEC)
    app.file("var/www/html/vendor/composer/installed.json", COMPOSER)
    app.file("app/MyApp.deps.json", DEPS)

    # a later layer deletes one npm package and one Python package, and
    # replaces lodash with another version
    fix = Layer()
    fix.whiteout(NM + "/left-pad")
    fix.opaque(SITE + "/six-1.16.0.dist-info")
    fix.file(NM + "/lodash/package.json", pkg_json("lodash", "4.17.21", license="MIT"))
    return Image([base, app, fix], history=[{"created_by": "debian"}, {"created_by": "app"},
                                            {"created_by": "fix"}])


# (type, namespace, name, version, purl, path, layer)
EXPECTED = sorted([
    ("npm", None, "express", "4.19.2", "pkg:npm/express@4.19.2",
     "/app/node_modules/express/package.json", 1),
    ("npm", None, "debug", "2.6.9", "pkg:npm/debug@2.6.9",
     "/app/node_modules/express/node_modules/debug/package.json", 1),
    ("npm", None, "debug", "4.3.4", "pkg:npm/debug@4.3.4",
     "/app/node_modules/debug/package.json", 1),
    ("npm", "types", "node", "20.12.7", "pkg:npm/%40types/node@20.12.7",
     "/app/node_modules/@types/node/package.json", 1),
    ("npm", None, "lodash", "4.17.21", "pkg:npm/lodash@4.17.21",
     "/app/node_modules/lodash/package.json", 2),
    ("npm", None, "npm", "10.5.0", "pkg:npm/npm@10.5.0",
     "/usr/local/lib/node_modules/npm/package.json", 1),
    ("npm", None, "semver", "7.5.4", "pkg:npm/semver@7.5.4",
     "/usr/share/nodejs/semver/package.json", 0),
    ("pypi", None, "urllib3", "1.26.12", "pkg:pypi/urllib3@1.26.12", "/" + URLLIB3_DIR + "/METADATA", 0),
    ("pypi", None, "Legacy_Pkg", "1.0", "pkg:pypi/legacy-pkg@1.0",
     "/usr/lib/python3/dist-packages/Legacy_Pkg-1.0.egg-info", 0),
    ("pypi", None, "requests", "2.31.0", "pkg:pypi/requests@2.31.0",
     "/" + SITE + "/requests-2.31.0.dist-info/METADATA", 1),
    ("gem", None, "rack", "3.0.8", "pkg:gem/rack@3.0.8",
     "/usr/local/bundle/specifications/rack-3.0.8.gemspec", 1),
    ("composer", "symfony", "console", "v5.4.1", "pkg:composer/symfony/console@v5.4.1",
     "/var/www/html/vendor/composer/installed.json", 1),
    ("composer", "phpunit", "phpunit", "9.6.19", "pkg:composer/phpunit/phpunit@9.6.19",
     "/var/www/html/vendor/composer/installed.json", 1),
    ("nuget", None, "Newtonsoft.Json", "13.0.3", "pkg:nuget/Newtonsoft.Json@13.0.3",
     "/app/MyApp.deps.json", 1),
], key=lambda t: (t[0], t[2], t[3]))


def lang_rows(report):
    return sorted([(p["type"], p["namespace"], p["name"], p["version"], p["purl"], p["path"],
                    p["layer"]["index"])
                   for p in all_packages(report) if p["type"] not in ("deb", "apk", "rpm")],
                  key=lambda t: (t[0], t[2], t[3]))


class LanguagePackages(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        path = work("lang.tar")
        debian_lang_image().docker_archive(path, compression="gzip")
        cls.report = scan_json("docker-archive:" + path)

    def test_exact_packages(self):
        self.assertEqual(lang_rows(self.report), EXPECTED)

    def test_found_by(self):
        found = {p["type"]: p["found_by"] for p in all_packages(self.report)}
        self.assertEqual(found, {"deb": "dpkg", "npm": "npm", "pypi": "python", "gem": "gem",
                                 "composer": "composer", "nuget": "dotnet"})

    def test_no_problems(self):
        self.assertEqual(self.report["errors"], [])

    def test_not_reported(self):
        names = {p["name"] for p in all_packages(self.report)}
        for n in ("my-app", "left-pad", "six", "express-lib-internal", "not-a-package", "MyApp"):
            self.assertNotIn(n, names)

    def test_fields(self):
        self.assertEqual(by_name(self.report, "urllib3", "pypi")[0]["license"], "MIT")
        self.assertEqual(by_name(self.report, "requests")[0]["license"], "Apache 2.0")
        self.assertEqual(by_name(self.report, "rack")[0]["license"], "MIT")
        self.assertEqual(by_name(self.report, "rack")[0]["supplier"], "Leah Neukirchen")
        node = by_name(self.report, "node", "npm")[0]
        self.assertEqual(node["license"], "MIT")
        phpunit = by_name(self.report, "phpunit")[0]
        self.assertEqual(phpunit["properties"], {"composer:dev": "true"})
        self.assertEqual(by_name(self.report, "console")[0]["properties"], {})
        nj = by_name(self.report, "Newtonsoft.Json")[0]
        self.assertTrue(nj["properties"]["nuget:sha512"].startswith("sha512-"))

    def test_owned_by_debian_packages(self):
        """Language packages whose files a deb lists are nested under it."""
        top = {p["name"]: p for p in self.report["packages"]}
        for deb, inner in (("python3-urllib3", "urllib3"), ("python3-legacy", "Legacy_Pkg"),
                           ("node-semver", "semver")):
            self.assertIn(deb, top)
            self.assertEqual(top[deb]["type"], "deb")
            self.assertEqual([c["name"] for c in top[deb]["contains"]], [inner],
                             "%s should contain %s" % (deb, inner))
            self.assertNotIn(inner, top, "%s must not also be top-level" % inner)
        self.assertEqual(top["python3-urllib3"]["contains"][0]["purl"],
                         "pkg:pypi/urllib3@1.26.12")
        # and nothing else is owned
        for p in self.report["packages"]:
            if p["name"] not in ("python3-urllib3", "python3-legacy", "node-semver"):
                self.assertEqual(p["contains"], [], p["name"])

    def test_summary_counts(self):
        by_type = self.report["summary"]["packages_by_type"]
        self.assertEqual(by_type, {"deb": 4, "npm": 7, "pypi": 3, "gem": 1, "composer": 2,
                                   "nuget": 1})


APK_DB_0 = """C:Q1Fk2SkFqIYbYvZsDP5jwH5EkLnFs=
P:musl
V:1.2.5-r0
A:x86_64
S:411323
I:663552
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teras <timo.teras@iki.fi>
t:1712610203
c:c4f0f0b4d6b9ed3c3e6ac6e5a9bca7b7e6e5c1a0
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1pzUB8rSaOSF2e8DRRqeRm4uQaQM=
R:libc.musl-x86_64.so.1
Z:Q1vJ4ZOp8FoO6cdgWgK8fGqwZcMl4=

C:Q1tWcf5anrGdXd56gL9MW0a3EE7ok=
P:busybox-binsh
V:1.36.1-r29
A:x86_64
L:GPL-2.0-only
o:busybox
m:Soren Tempel <soeren+alpine@soeren-tempel.net>
F:bin
R:sh
Z:Q1pcfTfDNEbNKQc2s1tia7da05M8Q=

"""

SIX_DIR = "usr/lib/python3.12/site-packages/six-1.16.0.dist-info"
APK_DB_1 = APK_DB_0 + """C:Q1eM9ZbKz6pEBa6k0fCz7m0G1m0Ao=
P:py3-six
V:1.16.0-r9
A:noarch
L:MIT
o:py3-six
m:Natanael Copa <ncopa@alpinelinux.org>
F:%s
R:METADATA
Z:Q1aN9ObTUCtb4ZjgTz7vGmB4dbEfA=
R:RECORD

""" % SIX_DIR


class AlpinePackages(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base = (Layer().dir("etc").dir("lib").dir("lib/apk").dir("lib/apk/db")
                .file("etc/os-release", ALPINE_OS_RELEASE).file("etc/alpine-release", "3.20.3\n")
                .file("lib/apk/db/installed", APK_DB_0)
                .file("lib/ld-musl-x86_64.so.1", b"\x7fELF").symlink("lib/libc.musl-x86_64.so.1",
                                                                    "ld-musl-x86_64.so.1"))
        py = (Layer().file("lib/apk/db/installed", APK_DB_1)
              .file(SIX_DIR + "/METADATA", metadata("six", "1.16.0", "MIT"))
              .file(SIX_DIR + "/RECORD", ""))
        path = work("alpine.tar")
        Image([base, py]).oci_archive(path)
        cls.report = scan_json("oci-archive:" + path)

    def test_apk_packages(self):
        rows = sorted((p["name"], p["version"], p["arch"], p["purl"], p["path"], p["layer"]["index"])
                      for p in all_packages(self.report) if p["type"] == "apk")
        self.assertEqual(rows, [
            ("busybox-binsh", "1.36.1-r29", "x86_64",
             "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=3.20.3",
             "/lib/apk/db/installed", 0),
            ("musl", "1.2.5-r0", "x86_64", "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.3",
             "/lib/apk/db/installed", 0),
            ("py3-six", "1.16.0-r9", "noarch",
             "pkg:apk/alpine/py3-six@1.16.0-r9?arch=noarch&distro=3.20.3",
             "/lib/apk/db/installed", 1),
        ])
        self.assertEqual(self.report["distro"]["id"], "alpine")
        self.assertEqual(self.report["errors"], [])

    def test_apk_fields(self):
        busybox = by_name(self.report, "busybox-binsh")[0]
        self.assertEqual(busybox["source"], {"name": "busybox", "version": "1.36.1-r29"})
        self.assertEqual(busybox["license"], "GPL-2.0-only")
        self.assertEqual(busybox["files"], 1)
        self.assertEqual(busybox["properties"]["apk:checksum"], "Q1tWcf5anrGdXd56gL9MW0a3EE7ok=")
        musl = by_name(self.report, "musl")[0]
        self.assertEqual(musl["files"], 2)
        self.assertEqual(musl["supplier"], "Timo Teras <timo.teras@iki.fi>")

    def test_python_owned_by_apk(self):
        top = {p["name"]: p for p in self.report["packages"]}
        self.assertNotIn("six", top)
        self.assertEqual([(c["type"], c["name"], c["purl"], c["layer"]["index"])
                          for c in top["py3-six"]["contains"]],
                         [("pypi", "six", "pkg:pypi/six@1.16.0", 1)])


if __name__ == "__main__":
    main()
