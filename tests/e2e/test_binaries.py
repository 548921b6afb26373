"""End-to-end tests of the binary and archive analyzers on real artefacts
built at test time (tests/data/bin/binfix.py), put into a fixture image and
scanned by the moat binary:

  Go      a program built by the Go toolchain with versioned, module-replaced
          and directory-replaced dependencies; the oracle is `go version -m`.
  Rust    a cargo-built program with a cargo-auditable .dep-v0 section added
          by objcopy; the oracle is the JSON that went into the section.
  Java    jars shipped by Debian (their pom.properties, read with `unzip -p`,
          are the oracle), and a WAR, an EAR, a shaded jar and a Spring Boot
          jar (stored nested jars) assembled with zip(1) from those jars, plus
          a jar whose entries all use data descriptors.

A toolchain that is missing makes its test skip, saying which package to
install (scripts/install-deps.sh installs them all).
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import unittest

from util import MoatTest, SRC, all_packages, main, scan_json, work

from mkimage import Image, Layer, debian_base

sys.path.insert(0, os.path.join(SRC, "tests", "data", "bin"))
import binfix  # noqa: E402

RUST_PACKAGES = [
    {"name": "rustapp", "version": "0.3.1", "source": "local", "dependencies": [1, 2, 3],
     "root": True},
    {"name": "serde", "version": "1.0.190", "source": "crates.io", "dependencies": [4]},
    {"name": "cc", "version": "1.0.83", "source": "crates.io", "kind": "build"},
    {"name": "mygit", "version": "0.1.0", "source": "git"},
    {"name": "serde_derive", "version": "1.0.190", "source": "crates.io"},
]

# jars Debian ships (libslf4j-java, libcommons-io-java, libguava-java,
# liberror-prone-java, libatinject-jsr330-api-java); versions vary by release
REAL_JARS = ["slf4j-api-*.jar", "slf4j-nop-*.jar", "commons-io-*.jar", "guava-*.jar",
             "error-prone-type-annotations-*.jar", "atinject-jsr330-api-*.jar"]


def real_jars():
    out = {}
    for pat in REAL_JARS:
        # the versioned names are symlinks to the unversioned files
        hits = sorted(glob.glob(os.path.join("/usr/share/java", pat)))
        if hits:
            out[pat.split("-*")[0]] = hits[0]
    return out


def pom_oracle(path):
    """(group, artifact, version) of every pom.properties in a jar, read
    with unzip, the reference implementation."""
    names = subprocess.run(["unzip", "-Z1", path], capture_output=True, text=True,
                           check=True).stdout.split("\n")
    out = set()
    for n in names:
        if not (n.startswith("META-INF/maven/") and n.endswith("/pom.properties")):
            continue
        text = subprocess.run(["unzip", "-p", path, n], capture_output=True, text=True,
                              check=True).stdout
        kv = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line[0] in "#!" or "=" not in line:
                continue
            k, _, v = line.partition("=")
            kv[k.strip()] = v.strip()
        out.add((kv.get("groupId"), kv["artifactId"], kv["version"]))
    return out


def zip_dir(src, dest, store=False):
    if os.path.exists(dest):
        os.unlink(dest)
    subprocess.run(["zip", "-q", "-r", "-X"] + (["-0"] if store else []) + [dest, "."],
                   cwd=src, check=True)


def go_unquote(v):
    # build settings are quoted like Go strings, which JSON reads for ASCII
    return json.loads(v) if v.startswith('"') else v


class Binaries(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.why = {}
        files = {}
        go, why = binfix.build_go(work("go"))
        if go:
            cls.go_oracle = binfix.go_version_m(go)
            files["usr/local/bin/goapp"] = (go, 0o755)
        cls.why["go"] = why
        rust, why = binfix.build_rust(work("rust"), RUST_PACKAGES)
        if rust:
            files["usr/local/bin/rustapp"] = (rust, 0o755)
        cls.why["rust"] = why
        cls.java = {}
        jars = real_jars()
        if not shutil.which("zip") or not shutil.which("unzip"):
            cls.why["java"] = "zip/unzip not installed (Debian packages zip, unzip)"
        elif not all(k in jars for k in ("slf4j-api", "slf4j-nop", "commons-io")):
            cls.why["java"] = ("Debian jars missing (libslf4j-java libcommons-io-java; "
                               "libguava-java liberror-prone-java are used when present)")
        else:
            cls.why["java"] = None
            cls.java = cls.make_java(jars)
            for name, path in cls.java["files"].items():
                files["opt/java/" + name] = (path, 0o644)
        layer = Layer().dir("usr/local/bin").dir("opt/java")
        for dest, (src, mode) in sorted(files.items()):
            with open(src, "rb") as f:
                layer.file(dest, f.read(), mode=mode)
        img = work("binaries.tar")
        Image([debian_base(), layer]).docker_archive(img, compression="gzip")
        cls.report = scan_json("docker-archive:" + img)
        cls.pkgs = all_packages(cls.report)

    @classmethod
    def make_java(cls, jars):
        files = {}
        oracle = {}  # archive file name -> {(group, artifact, version, inner path)}
        for key in ("slf4j-api", "commons-io", "error-prone-type-annotations"):
            if key in jars:
                base = os.path.basename(jars[key])
                files[base] = jars[key]
                oracle[base] = {g + (None,) for g in pom_oracle(jars[key])}
        if "atinject-jsr330-api" in jars:
            files[os.path.basename(jars["atinject-jsr330-api"])] = jars["atinject-jsr330-api"]

        def own_pom(d, group, artifact, version):
            p = os.path.join(d, "META-INF", "maven", group, artifact)
            os.makedirs(p)
            with open(os.path.join(p, "pom.properties"), "wb") as f:
                f.write(binfix.pom_properties(group, artifact, version))

        def copy_in(d, rel, src):
            os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
            shutil.copy(src, os.path.join(d, rel))

        # WAR: real jars deflated in WEB-INF/lib
        war_dir = work("java", "war", "x")
        war_dir = os.path.dirname(war_dir)
        shutil.rmtree(war_dir, ignore_errors=True)
        os.makedirs(os.path.join(war_dir, "WEB-INF", "lib"))
        with open(os.path.join(war_dir, "WEB-INF", "web.xml"), "w") as f:
            f.write("<web-app/>\n")
        own_pom(war_dir, "org.demo", "webapp", "1.4.2")
        war_oracle = {("org.demo", "webapp", "1.4.2", None)}
        for key in ("slf4j-api", "commons-io"):
            rel = "WEB-INF/lib/" + os.path.basename(jars[key])
            copy_in(war_dir, rel, jars[key])
            war_oracle |= {g + (rel,) for g in pom_oracle(jars[key])}
        war = work("java", "webapp.war")
        zip_dir(war_dir, war)
        files["webapp.war"] = war
        oracle["webapp.war"] = war_oracle

        # EAR: the WAR and guava stored, as application servers expect
        ear_dir = os.path.dirname(work("java", "ear", "x"))
        shutil.rmtree(ear_dir, ignore_errors=True)
        os.makedirs(ear_dir)
        copy_in(ear_dir, "webapp.war", war)
        ear_oracle = {(g, a, v, "webapp.war!/" + p if p else "webapp.war")
                      for g, a, v, p in war_oracle}
        if "guava" in jars:
            rel = "lib/" + os.path.basename(jars["guava"])
            copy_in(ear_dir, rel, jars["guava"])
            ear_oracle |= {g + (rel,) for g in pom_oracle(jars["guava"])}
        # the EAR has no metadata of its own: it is named from its file name
        ear_oracle.add((None, "bundle", None, None))
        ear = work("java", "bundle.ear")
        zip_dir(ear_dir, ear, store=True)
        files["bundle.ear"] = ear
        oracle["bundle.ear"] = ear_oracle

        # shaded: the classes and pom.properties of slf4j-api inside another jar
        sh_dir = os.path.dirname(work("java", "shaded", "x"))
        shutil.rmtree(sh_dir, ignore_errors=True)
        os.makedirs(sh_dir)
        subprocess.run(["unzip", "-q", jars["slf4j-api"], "-x", "META-INF/MANIFEST.MF"],
                       cwd=sh_dir, check=True)
        own_pom(sh_dir, "org.demo", "shaded-app", "2.0.0")
        shaded = work("java", "shaded-app-2.0.0.jar")
        zip_dir(sh_dir, shaded)
        files["shaded-app-2.0.0.jar"] = shaded
        oracle["shaded-app-2.0.0.jar"] = pom_oracle(shaded)
        oracle["shaded-app-2.0.0.jar"] = {g + (None,) for g in oracle["shaded-app-2.0.0.jar"]}

        # Spring Boot: nested jars stored in BOOT-INF/lib
        sb_dir = os.path.dirname(work("java", "boot", "x"))
        shutil.rmtree(sb_dir, ignore_errors=True)
        os.makedirs(os.path.join(sb_dir, "META-INF"))
        with open(os.path.join(sb_dir, "META-INF", "MANIFEST.MF"), "w") as f:
            f.write("Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader."
                    "JarLauncher\nStart-Class: org.demo.Boot\n\n")
        os.makedirs(os.path.join(sb_dir, "BOOT-INF", "classes", "org", "demo"))
        with open(os.path.join(sb_dir, "BOOT-INF", "classes", "org", "demo", "Boot.class"),
                  "wb") as f:
            f.write(b"\xca\xfe\xba\xbe")
        own_pom(sb_dir, "org.demo", "boot", "3.1.0")
        sb_oracle = {("org.demo", "boot", "3.1.0", None)}
        for key in ("slf4j-nop", "commons-io", "guava"):
            if key in jars:
                rel = "BOOT-INF/lib/" + os.path.basename(jars[key])
                copy_in(sb_dir, rel, jars[key])
                sb_oracle |= {g + (rel,) for g in pom_oracle(jars[key])}
        boot = work("java", "boot.jar")
        zip_dir(sb_dir, boot, store=True)
        files["boot.jar"] = boot
        oracle["boot.jar"] = sb_oracle

        # every entry with a trailing data descriptor, nested jar stored
        with open(jars["slf4j-api"], "rb") as f:
            inner = f.read()
        dd = work("java", "stream-1.0.jar")
        with open(dd, "wb") as f:
            f.write(binfix.jar({
                "META-INF/maven/org.demo/stream/pom.properties":
                    binfix.pom_properties("org.demo", "stream", "1.0"),
                "lib/" + os.path.basename(jars["slf4j-api"]): inner},
                stored=("lib/" + os.path.basename(jars["slf4j-api"]),), descriptor=True))
        files["stream-1.0.jar"] = dd
        oracle["stream-1.0.jar"] = {("org.demo", "stream", "1.0", None)} | {
            g + ("lib/" + os.path.basename(jars["slf4j-api"]),) for g in pom_oracle(jars["slf4j-api"])}
        return {"files": files, "oracle": oracle, "jars": jars}

    def need(self, what):
        if self.why.get(what):
            print("SKIP %s: %s" % (what, self.why[what]), file=sys.stderr)
            self.skipTest(self.why[what])

    def found(self, path, type_):
        return [p for p in self.pkgs if p["path"] == path and p["type"] == type_]

    def by_purl(self, purl):
        hits = [p for p in self.pkgs if p["purl"] == purl]
        self.assertEqual(len(hits), 1, purl)
        return hits[0]

    # -- Go ---------------------------------------------------------------
    def test_go_matches_go_version_m(self):
        self.need("go")
        o = self.go_oracle
        got = {p["name"]: p for p in self.found("/usr/local/bin/goapp", "golang")}
        main_mod = got[o["mod"][0]]
        self.assertEqual(main_mod["version"], o["mod"][1])
        self.assertIsNone(main_mod["parent"])
        self.assertEqual(main_mod["properties"]["go:runtime"], o["go"])
        self.assertEqual(main_mod["properties"]["go:path"], o["path"])
        self.assertEqual(main_mod["found_by"], "gobinary")
        for k, v in o["build"].items():
            self.assertEqual(main_mod["properties"]["go:build:" + k], go_unquote(v), k)
        expected = {o["mod"][0], "stdlib"}
        for path, ver, repl in o["deps"]:
            local = bool(repl) and repl[0].startswith(("./", "../", "/"))
            # a directory replacement keeps the module's name (no PURL can be
            # "../dir"): version "(devel)", the directory as a property
            name, version = (path, "(devel)") if local else (repl if repl else (path, ver))
            expected.add(name)
            self.assertIn(name, got, "dependency %s missing" % name)
            p = got[name]
            self.assertEqual(p["version"], version, name)
            self.assertEqual(p["parent"], main_mod["purl"], name)
            if repl:
                self.assertEqual(p["properties"]["go:replaces"], "%s@%s" % (path, ver))
            else:
                self.assertNotIn("go:replaces", p["properties"])
            if local:
                self.assertEqual(p["properties"]["go:replaced-by"], repl[0])
                self.assertNotIn("..", p["purl"])
        self.assertEqual(set(got), expected)
        self.assertEqual(len(o["deps"]), 3)  # the program did pull its modules in
        std = got["stdlib"]
        self.assertEqual(std["version"], "v" + o["go"][2:].split()[0])
        self.assertEqual(std["purl"], "pkg:golang/stdlib@" + std["version"])
        self.assertEqual(std["parent"], main_mod["purl"])
        self.assertEqual(self.by_purl("pkg:golang/example.com/greet@v1.2.0")["name"],
                         "example.com/greet")

    # -- Rust -------------------------------------------------------------
    def test_rust_matches_embedded_json(self):
        self.need("rust")
        got = {(p["name"], p["version"]): p for p in self.found("/usr/local/bin/rustapp", "cargo")}
        want = {(p["name"], p["version"]) for p in RUST_PACKAGES}
        self.assertEqual(set(got), want)
        root = got[("rustapp", "0.3.1")]
        self.assertIsNone(root["parent"])
        self.assertEqual(root["purl"], "pkg:cargo/rustapp@0.3.1")
        for p in RUST_PACKAGES:
            g = got[(p["name"], p["version"])]
            self.assertEqual(g["found_by"], "cargo-auditable")
            self.assertEqual(g["properties"]["cargo:source"], p["source"])
            if not p.get("root"):
                self.assertEqual(g["parent"], root["purl"])
            self.assertEqual(g["properties"].get("cargo:kind"), p.get("kind"))

    # -- Java -------------------------------------------------------------
    def java_found(self, archive):
        top = "/opt/java/" + archive
        return [p for p in self.pkgs if p["type"] == "maven"
                and (p["path"] == top or p["path"].startswith(top + "!/"))]

    def check_archive(self, archive):
        top = "/opt/java/" + archive
        got = self.java_found(archive)
        seen = set()
        for p in got:
            inner = p["path"][len(top) + 2:] if p["path"] != top else None
            seen.add((p["namespace"], p["name"], p["version"], inner))
        self.assertEqual(seen, self.java["oracle"][archive], archive)
        return got

    def test_java_debian_jars(self):
        self.need("java")
        for key in ("slf4j-api", "commons-io", "error-prone-type-annotations"):
            if key in self.java["jars"]:
                got = self.check_archive(os.path.basename(self.java["jars"][key]))
                self.assertTrue(all(p["properties"]["java:metadata"] == "pom.properties"
                                    for p in got))
        if "atinject-jsr330-api" in self.java["jars"]:
            # no pom.properties: named from its manifest or file name, not dropped
            got = self.java_found(os.path.basename(self.java["jars"]["atinject-jsr330-api"]))
            self.assertEqual(len(got), 1)
            self.assertIn(got[0]["properties"]["java:metadata"], ("MANIFEST.MF", "file name"))
            self.assertTrue(got[0]["version"])

    def parent_of(self, p):
        return self.by_purl(p["parent"]) if p["parent"] else None

    def test_java_war_and_ear(self):
        self.need("java")
        got = self.check_archive("webapp.war")
        war = [p for p in got if p["path"] == "/opt/java/webapp.war"][0]
        for p in got:
            if p is not war:
                self.assertEqual(p["parent"], war["purl"])
                self.assertTrue(p["path"].startswith("/opt/java/webapp.war!/WEB-INF/lib/"))
        got = self.check_archive("bundle.ear")
        ear = [p for p in got if p["path"] == "/opt/java/bundle.ear"][0]
        self.assertEqual(ear["properties"]["java:metadata"], "file name")
        for p in got:
            if p["path"].count("!/") == 1:
                self.assertEqual(p["parent"], ear["purl"])
            if "!/webapp.war!/" in p["path"]:
                parent = [q for q in got if q["path"] == "/opt/java/bundle.ear!/webapp.war"]
                self.assertEqual(len(parent), 1)
                self.assertEqual(p["parent"], parent[0]["purl"])

    def test_java_shaded_and_boot(self):
        self.need("java")
        got = self.check_archive("shaded-app-2.0.0.jar")
        own = [p for p in got if p["name"] == "shaded-app"][0]
        self.assertIsNone(own["parent"])
        for p in got:
            if p is not own:
                self.assertEqual(p["parent"], own["purl"])
        got = self.check_archive("boot.jar")
        boot = [p for p in got if p["name"] == "boot"][0]
        for p in got:
            if p is not boot:
                self.assertEqual(p["parent"], boot["purl"])
                self.assertIn("!/BOOT-INF/lib/", p["path"])

    def test_java_data_descriptors(self):
        self.need("java")
        # either read completely or reported: never a silent miss
        got = {(p["namespace"], p["name"], p["version"]) for p in self.java_found("stream-1.0.jar")}
        want = {g[:3] for g in self.java["oracle"]["stream-1.0.jar"]}
        errs = [e for e in self.report["errors"] if e["path"] == "/opt/java/stream-1.0.jar"]
        if got != want:
            self.assertTrue(errs, "packages missing from stream-1.0.jar without an error")
        else:
            self.assertEqual(errs, [])

    def test_no_errors_elsewhere(self):
        errs = [e for e in self.report["errors"] if e["path"] != "/opt/java/stream-1.0.jar"]
        self.assertEqual(errs, [])


if __name__ == "__main__":
    main()
