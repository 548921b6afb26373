"""rpm package databases end to end, against rpm itself.

Small packages are built with rpmbuild and installed with rpm --justdb into
an SQLite rpmdb (tests/data/rpm/mkrpmdb.py); the same header blobs go into
a Berkeley DB Hash Packages file written by db5.3_load (and read back by
rpm's bdb_ro backend, which must agree) and into an ndb Packages.db that
mkrpmdb.py constructs from rpm's documented layout (Debian's rpm cannot
write or read ndb: that backend is checked against the SQLite oracle, since
its blobs are the very same). Each database is put into a Fedora, RHEL or
SLES-like image; `moat scan --format json` must list exactly the packages
`rpm -qa` lists, gpg-pubkey excepted (moat does not report keys as
packages, by design), with the same epoch, version, release, arch, source
rpm, license, vendor, modularity label and as many files as rpm -ql.
"""

import os
import sys
import unittest
from urllib.parse import quote

from util import SRC, MoatTest, all_packages, main, scan_json, work

from mkimage import Image, Layer

sys.path.insert(0, os.path.join(SRC, "tests", "data", "rpm"))
import mkrpmdb  # noqa: E402

FEDORA = (b'NAME="Fedora Linux"\nVERSION="40 (Container Image)"\nID=fedora\nVERSION_ID=40\n'
          b'PRETTY_NAME="Fedora Linux 40 (Container Image)"\n')
RHEL8 = (b'NAME="Red Hat Enterprise Linux"\nVERSION="8.9 (Ootpa)"\nID="rhel"\n'
         b'ID_LIKE="fedora"\nVERSION_ID="8.9"\nPRETTY_NAME="Red Hat Enterprise Linux 8.9 (Ootpa)"\n')
RHEL9 = (b'NAME="Red Hat Enterprise Linux"\nVERSION="9.4 (Plow)"\nID="rhel"\n'
         b'ID_LIKE="fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n')
SLES = (b'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nID="sles"\n'
        b'PRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\n')

MISSING = mkrpmdb.missing_tools()
if MISSING:
    print("test_rpm: skipping: %s not installed (scripts/install-deps.sh installs rpm, "
          "db5.3-util)" % ", ".join(MISSING))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def db_layer(files, symlinks=()):
    """A layer holding the given {path: bytes} and symlinks, with parents."""
    l = Layer()
    dirs = set()
    for p in list(files) + [s for s, _ in symlinks]:
        parts = p.split("/")[:-1]
        for k in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:k]))
    for d in sorted(dirs):
        l.dir(d)
    for s, t in symlinks:
        l.symlink(s, t)
    for p, b in files.items():
        l.file(p, b)
    return l


@unittest.skipIf(MISSING, "rpm tools missing: %s" % ", ".join(MISSING))
class Rpm(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbs = mkrpmdb.build_all(work("build", "x"))
        cls.oracle = mkrpmdb.rpm_query(cls.dbs["sqlite"], "sqlite")

    # -- helpers ---------------------------------------------------------
    def scan(self, name, layers):
        path = work(name + ".tar")
        Image(layers).docker_archive(path)
        return scan_json("docker-archive:" + path)

    def scan_db(self, name, os_release, files, symlinks=()):
        base = db_layer({"etc/os-release": os_release})
        return self.scan(name, [base, db_layer(files, symlinks)])

    def expected(self):
        return {n: p for n, p in self.oracle.items() if n != "gpg-pubkey"}

    def check(self, report, dbpath, distro):
        exp = self.expected()
        rpms = [p for p in all_packages(report) if p["type"] == "rpm"]
        self.assertEqual(sorted(p["name"] for p in rpms), sorted(exp))
        for p in rpms:
            o = exp[p["name"]]
            vr = o["version"] + "-" + o["release"]
            ver = ("%s:%s" % (o["epoch"], vr)) if o["epoch"] is not None else vr
            self.assertEqual(p["version"], ver, p["name"])
            self.assertEqual(p["arch"], o["arch"], p["name"])
            self.assertEqual(p["license"], o["license"], p["name"])
            self.assertEqual(p["supplier"], o["vendor"], p["name"])
            self.assertEqual(p["files"], len(o["files"]), p["name"])
            self.assertEqual(p["path"], "/" + dbpath)
            self.assertEqual(p["found_by"], "rpm")
            self.assertEqual(p["properties"].get("rpm:modularitylabel"), o["modularitylabel"])
            # the source rpm file name, rebuilt from what moat split it into
            src = p["source"]
            sv = src["version"].split(":", 1)[-1]
            self.assertEqual("%s-%s.src.rpm" % (src["name"], sv), o["sourcerpm"], p["name"])
            purl = "pkg:rpm/%s/%s@%s?arch=%s&distro=%s" % (
                distro[0], quote(p["name"], safe=":"), quote(vr, safe=":"), o["arch"],
                "-".join(distro))
            if o["epoch"] not in (None, "0"):
                purl += "&epoch=" + o["epoch"]
            self.assertEqual(p["purl"], purl)
        self.assertEqual([e for e in report["errors"] if e["source"] == "rpm"], [])
        self.assertEqual(report["distro"]["id"], distro[0])

    # -- the oracles themselves ------------------------------------------
    def test_oracle_has_what_the_test_needs(self):
        o = self.oracle
        self.assertEqual(o["hello"]["epoch"], "2")
        self.assertEqual(o["zero-epoch-meta"]["epoch"], "0")
        self.assertEqual(o["libmulti"]["sourcerpm"].split("-1.0-")[0], "multi")
        self.assertEqual(o["libmulti"]["digestalgo"], "2")   # SHA-1
        self.assertEqual(o["hello"]["digestalgo"], "8")      # SHA-256
        self.assertGreater(len(o["bigpkg"]["files"]), 400)
        if self.dbs["pubkey"]:
            self.assertIn("gpg-pubkey", o)
        else:
            print("test_rpm: gpg missing, the gpg-pubkey case is not exercised")

    def test_bdb_oracle_agrees(self):
        """rpm reading the db5.3_load files (bdb_ro) sees what it wrote to SQLite."""
        self.assertEqual(mkrpmdb.rpm_query(self.dbs["bdb"], "bdb_ro"), self.oracle)
        self.assertEqual(mkrpmdb.rpm_query(self.dbs["bdb-be"], "bdb_ro"), self.oracle)

    # -- each backend ------------------------------------------------------
    def test_sqlite_fedora(self):
        """Fedora: the database under /usr/lib/sysimage, /var/lib/rpm a symlink to it,
        the -shm and empty -wal files rpm leaves beside it."""
        d = self.dbs["sqlite"]
        files = {"usr/lib/sysimage/rpm/rpmdb.sqlite": read(os.path.join(d, "rpmdb.sqlite"))}
        for extra in ("rpmdb.sqlite-shm", "rpmdb.sqlite-wal"):
            if os.path.exists(os.path.join(d, extra)):
                files["usr/lib/sysimage/rpm/" + extra] = read(os.path.join(d, extra))
        r = self.scan_db("fedora", FEDORA, files,
                         symlinks=[("var/lib/rpm", "../../usr/lib/sysimage/rpm")])
        self.check(r, "usr/lib/sysimage/rpm/rpmdb.sqlite", ("fedora", "40"))
        self.assertEqual(r["errors"], [])

    def test_sqlite_rhel9(self):
        d = self.dbs["sqlite"]
        r = self.scan_db("rhel9", RHEL9,
                         {"var/lib/rpm/rpmdb.sqlite": read(os.path.join(d, "rpmdb.sqlite"))})
        self.check(r, "var/lib/rpm/rpmdb.sqlite", ("rhel", "9.4"))

    def test_bdb_rhel8(self):
        r = self.scan_db("rhel8", RHEL8,
                         {"var/lib/rpm/Packages": read(os.path.join(self.dbs["bdb"], "Packages"))})
        self.check(r, "var/lib/rpm/Packages", ("rhel", "8.9"))

    def test_bdb_big_endian(self):
        """A big-endian (s390x-style) Berkeley DB with 512-byte pages: long
        overflow chains, keys and page numbers in the other byte order."""
        r = self.scan_db("rhel8-be", RHEL8, {
            "var/lib/rpm/Packages": read(os.path.join(self.dbs["bdb-be"], "Packages"))})
        self.check(r, "var/lib/rpm/Packages", ("rhel", "8.9"))

    def test_ndb_sles(self):
        """ndb, constructed by mkrpmdb.py (no Debian tool writes it): checked
        against the SQLite oracle, whose header blobs it holds."""
        data = read(os.path.join(self.dbs["ndb"], "Packages.db"))
        r = self.scan_db("sles", SLES, {"usr/lib/sysimage/rpm/Packages.db": data},
                         symlinks=[("var/lib/rpm", "../../usr/lib/sysimage/rpm")])
        self.check(r, "usr/lib/sysimage/rpm/Packages.db", ("sles", "15.5"))

    # -- around the database ---------------------------------------------
    def test_owned_files(self):
        """Paths of the file lists are real: the npm package that an rpm
        installed is reported inside that rpm."""
        d = self.dbs["sqlite"]
        r = self.scan_db("owner", FEDORA, {
            "var/lib/rpm/rpmdb.sqlite": read(os.path.join(d, "rpmdb.sqlite")),
            "usr/lib/node_modules/left-pad/package.json": mkrpmdb.LEFTPAD_JSON.encode(),
            "usr/lib/node_modules/left-pad/index.js": b"module.exports = 1\n"})
        npm = [p for p in all_packages(r) if p["type"] == "npm" and p["name"] == "left-pad"]
        if not npm:
            self.skipTest("the npm analyzer did not report left-pad; ownership not checked")
        owner = [p for p in r["packages"] if p["name"] == "nodejs-left-pad"][0]
        self.assertEqual([c["name"] for c in owner["contains"]], ["left-pad"])

    def test_history(self):
        """A later layer that rewrites the database: packages it did not
        change keep the layer that installed them."""
        first = [p for p in self.dbs["rpms"] if "/bigpkg-" not in p]
        d1 = mkrpmdb.install_sqlite(work("history", "db1"), first)
        d2 = os.path.join(self.dbs["sqlite"], "rpmdb.sqlite")
        base = db_layer({"etc/os-release": RHEL9, "var/lib/rpm/rpmdb.sqlite": read(d1)})
        r = self.scan("history", [base, db_layer({"var/lib/rpm/rpmdb.sqlite": read(d2)})])
        layers = {p["name"]: p["layer"]["index"] for p in all_packages(r) if p["type"] == "rpm"}
        self.assertEqual(layers["bigpkg"], 1)
        self.assertEqual(layers["hello"], 0)
        self.assertEqual(len(layers), len(self.expected()))

    def test_two_databases(self):
        """A stale Berkeley DB beside the SQLite one: one is reported, and
        the report says which and why."""
        r = self.scan_db("two", RHEL9, {
            "var/lib/rpm/Packages": read(os.path.join(self.dbs["bdb"], "Packages")),
            "var/lib/rpm/rpmdb.sqlite": read(os.path.join(self.dbs["sqlite"], "rpmdb.sqlite"))})
        names = [p["name"] for p in all_packages(r) if p["type"] == "rpm"]
        self.assertEqual(sorted(names), sorted(self.expected()))
        self.assertTrue(all(p["path"] == "/var/lib/rpm/rpmdb.sqlite"
                            for p in all_packages(r) if p["type"] == "rpm"))
        warn = [e for e in r["errors"] if e["source"] == "rpm"]
        self.assertEqual(len(warn), 1, warn)
        self.assertEqual(warn[0]["path"], "/var/lib/rpm/Packages")
        self.assertIn("rpmdb.sqlite", warn[0]["message"])

    def test_uncheckpointed_wal(self):
        d = os.path.join(self.dbs["sqlite"], "rpmdb.sqlite")
        r = self.scan_db("wal", FEDORA, {"var/lib/rpm/rpmdb.sqlite": read(d),
                                         "var/lib/rpm/rpmdb.sqlite-wal": b"\0" * 4096})
        warn = [e for e in r["errors"] if e["source"] == "rpm"]
        self.assertEqual(len(warn), 1, warn)
        self.assertEqual(warn[0]["path"], "/var/lib/rpm/rpmdb.sqlite-wal")
        self.assertIn("checkpointed", warn[0]["message"])

    def test_damaged_databases(self):
        """Damage is reported under errors; the scan and the rest of the
        database go on."""
        sq = read(os.path.join(self.dbs["sqlite"], "rpmdb.sqlite"))
        bdb = bytearray(read(os.path.join(self.dbs["bdb"], "Packages")))
        # break the first overflow page's type: that package is lost, others stay
        for pg in range(1, len(bdb) // 4096):
            if bdb[pg * 4096 + 25] == 7:
                bdb[pg * 4096 + 25] = 0x55
                break
        cases = [("sqlite-truncated", "var/lib/rpm/rpmdb.sqlite", sq[:len(sq) // 3]),
                 ("bdb-page", "var/lib/rpm/Packages", bytes(bdb)),
                 ("garbage", "var/lib/rpm/Packages.db", b"RpmP" + b"\xff" * 4092)]
        for name, path, data in cases:
            r = self.scan_db(name, RHEL9, {path: data})
            errs = [e for e in r["errors"] if e["source"] == "rpm"]
            self.assertTrue(errs, name)
            self.assertTrue(all(e["path"] == "/" + path for e in errs), (name, errs))
            self.assertEqual(r["distro"]["id"], "rhel")
            n = len([p for p in all_packages(r) if p["type"] == "rpm"])
            self.assertLess(n, len(self.expected()), name)
            if name == "bdb-page":
                self.assertEqual(n, len(self.expected()) - 1)


if __name__ == "__main__":
    main()
