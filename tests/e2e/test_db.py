"""moat db import / update / info end to end.

The shared OSV corpora (../shared/data/osv/{PyPI,Go,crates.io}/all.zip) are
imported and every count is checked against what Python's zipfile + json
read from the same zips: records per ecosystem, withdrawn and MAL- records,
affected entries, and per record the ranges, GIT ranges and versions the
database stores. `db update` is driven against an HTTP server of this test's
own on 127.0.0.1 that serves the same folder with ETag / Last-Modified and
can be told (by the first path component of the mirror URL) to fail, cut a
download short or send garbage; each failure must exit 2 and leave the
database byte for byte as it was.
"""

import hashlib
import http.server
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
import zipfile

import util
from util import run, work

OSV = os.path.join(util.SHARED, "data", "osv")
CORPORA = ["PyPI", "Go", "crates.io"]


def zip_oracle(path):
    """What the zip holds, read with Python's own zip and JSON readers."""
    eco_records, withdrawn, malware = {}, {}, {}
    records = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith(".json"):
                continue
            r = json.loads(z.read(name))
            ecos = {a["package"]["ecosystem"].split(":")[0] for a in r["affected"] if "package" in a}
            for e in ecos:
                eco_records[e] = eco_records.get(e, 0) + 1
                if r.get("withdrawn"):
                    withdrawn[e] = withdrawn.get(e, 0) + 1
                if r["id"].startswith("MAL-"):
                    malware[e] = malware.get(e, 0) + 1
            records[r["id"]] = r
    return eco_records, withdrawn, malware, records


def info(db, *extra):
    code, out, err = run("db", "info", "--db", db, "--json", *extra)
    if code != 0:
        raise AssertionError("db info exited %d: %s" % (code, err))
    return json.loads(out)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def dump(db):
    """Every stored record and entry, for comparing two databases."""
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    rows = c.execute(
        "SELECT r.id, r.modified_text, r.flags, r.aliases, r.severity, a.ecosystem, a.release,"
        " a.key, a.seq, a.ranges, a.versions, a.git_ranges FROM record r JOIN affected a"
        " ON a.rid = r.rid ORDER BY r.id, a.seq").fetchall()
    c.close()
    return rows


class Mirror(http.server.ThreadingHTTPServer):
    daemon_threads = True


class Handler(http.server.BaseHTTPRequestHandler):
    """GET /<mode>/<Ecosystem>/all.zip, mode: ok, fail, truncate, garbage, cutzip."""
    requests = []

    def log_message(self, *a):
        pass

    def do_GET(self):
        parts = self.path.split("/", 2)
        Handler.requests.append((self.path, self.headers.get("If-None-Match"),
                                 self.headers.get("If-Modified-Since")))
        if len(parts) < 3:
            self.send_error(404)
            return
        mode, rest = parts[1], parts[2].replace("%20", " ")
        path = os.path.join(OSV, rest)
        if mode == "fail":
            self.send_error(500, "the test told me to fail")
            return
        if not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            body = f.read()
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:32]
        last_modified = "Tue, 01 Oct 2024 12:00:00 GMT"
        if mode == "ok" and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        if mode == "garbage":
            body = hashlib.sha256(b"x").digest() * 4096
        elif mode == "cutzip":
            body = body[: len(body) // 2]
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


def hostile_zip(path):
    """A zip of good and bad records; returns what the import must report."""
    def rec(id_, eco="PyPI", name="pkg", modified="2024-01-01T00:00:00Z", **kw):
        r = {"id": id_, "modified": modified,
             "affected": [{"package": {"ecosystem": eco, "name": name},
                           "ranges": [{"type": "ECOSYSTEM",
                                       "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}]}
        r.update(kw)
        return json.dumps(r)

    members = [
        ("GOOD-1.json", rec("GOOD-1")),
        ("GOOD-2.json", rec("GOOD-2", eco="npm", name="left-pad")),
        ("MAL-2024-7.json", rec("MAL-2024-7", eco="npm", name="evil")),
        ("WD-1.json", rec("WD-1", withdrawn="2024-02-01T00:00:00Z")),
        # the same id twice: the later `modified` wins, whatever the order
        ("DUP-new.json", rec("DUP-1", modified="2024-03-01T00:00:00Z", summary="newer")),
        ("DUP-old.json", rec("DUP-1", modified="2024-01-01T00:00:00Z", summary="older")),
        ("bad1.json", "{\"id\": \"BAD-1\", "),
        ("bad2.json", "\xff\xfe not json"),
        ("deep.json", "[" * 5000 + "]" * 5000),
        ("huge.json", rec("HUGE-1", name="n" * 5000)),
        ("unknown.json", rec("UNK-1", eco="Plan9")),
        ("noid.json", json.dumps({"modified": "2024-01-01T00:00:00Z", "affected": []})),
        ("noaffected.json", json.dumps({"id": "NOAFF-1", "modified": "2024-01-01T00:00:00Z"})),
        ("badrange.json", rec("BADR-1").replace("ECOSYSTEM", "RANGE")),
        ("README.txt", "not a record"),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return {"read": 14, "imported": 5, "kept_newer": 1, "skipped": 8,
            "reasons": {"bad JSON": 2, "nested too deeply": 1, "huge string": 1,
                        "unknown ecosystem": 1, "missing field": 2, "invalid field": 1}}


class DbTest(util.MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oracle = {e: zip_oracle(os.path.join(OSV, e, "all.zip")) for e in CORPORA}
        cls.server = Mirror(("127.0.0.1", 0), Handler)
        cls.port = cls.server.server_address[1]
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def mirror(self, mode):
        return "http://127.0.0.1:%d/%s" % (self.port, mode)

    def assertCounts(self, db, ecosystems):
        """The database holds exactly what the zips hold, per ecosystem and per record."""
        got = info(db)
        want_records, want_wd, want_mal = {}, {}, {}
        all_records = {}
        for e in ecosystems:
            recs, wd, mal, records = self.oracle[e]
            for k, v in recs.items():
                want_records[k] = want_records.get(k, 0) + v
            for k, v in wd.items():
                want_wd[k] = want_wd.get(k, 0) + v
            for k, v in mal.items():
                want_mal[k] = want_mal.get(k, 0) + v
            all_records.update(records)
        self.assertEqual({e["name"]: e["records"] for e in got["ecosystems"]}, want_records)
        self.assertEqual({e["name"]: e["withdrawn"] for e in got["ecosystems"] if e["withdrawn"]},
                         want_wd)
        self.assertEqual({e["name"]: e["malware"] for e in got["ecosystems"] if e["malware"]},
                         want_mal)
        self.assertEqual(got["records"], len(all_records))
        self.assertEqual(got["affected"], sum(len(r["affected"]) for r in all_records.values()))
        # per record: ranges, GIT ranges and versions as stored
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        stored = {}
        for id_, seq, ranges, versions, git in c.execute(
                "SELECT r.id, a.seq, a.ranges, a.versions, a.git_ranges FROM record r"
                " JOIN affected a ON a.rid = r.rid"):
            stored[(id_, seq)] = (ranges, versions, git)
        c.close()
        for id_, r in all_records.items():
            for seq, a in enumerate(r["affected"]):
                ranges, versions, git = stored[(id_, seq)]
                want_ranges = "\n".join(
                    {"ECOSYSTEM": "E", "SEMVER": "S"}[rg["type"]] + "".join(
                        "\t" + {"introduced": "i", "fixed": "f", "last_affected": "l",
                                "limit": "m"}[k] + v for ev in rg["events"] for k, v in ev.items())
                    for rg in a.get("ranges", []) if rg["type"] != "GIT")
                self.assertEqual(ranges, want_ranges, id_)
                self.assertEqual(versions, "\n".join(a.get("versions") or []), id_)
                self.assertEqual(git, sum(rg["type"] == "GIT" for rg in a.get("ranges", [])), id_)
        return got

    def test_import_corpora(self):
        for e in CORPORA:
            db = work(e, "osv.db")
            code, out, err = run("db", "import", "--db", db, os.path.join(OSV, e, "all.zip"))
            self.assertEqual(code, 0, err)
            n = len(self.oracle[e][3])
            self.assertIn("imported %d records, skipped 0" % n, out)
            self.assertCounts(db, [e])
        db = work("all", "osv.db")
        code, out, err = run("db", "import", "--db", db,
                             *[os.path.join(OSV, e, "all.zip") for e in CORPORA])
        self.assertEqual(code, 0, err)
        print("\n  " + out.strip().replace("\n", "\n  "))
        got = self.assertCounts(db, CORPORA)
        self.assertEqual(len(got["sources"]), 3)
        self.assertTrue(info(db, "--verify")["verified"])
        self.assertEqual(os.listdir(os.path.dirname(db)), ["osv.db"])

    def test_reimport_idempotent(self):
        db = work("again", "osv.db")
        z = os.path.join(OSV, "PyPI", "all.zip")
        self.assertEqual(run("db", "import", "--db", db, z)[0], 0)
        before = dump(db)
        code, out, err = run("db", "import", "--db", db, z)
        self.assertEqual(code, 0, err)
        self.assertIn("imported %d records, skipped 0" % len(self.oracle["PyPI"][3]), out)
        self.assertNotIn("removed", out)
        self.assertEqual(dump(db), before)
        self.assertCounts(db, ["PyPI"])

    def test_hostile_records(self):
        z = work("hostile", "all.zip")
        want = hostile_zip(z)
        db = work("hostile", "osv.db")
        code, out, err = run("db", "import", "--db", db, z)
        self.assertEqual(code, 0, err)
        line = out.splitlines()[0]
        self.assertTrue(line.startswith("imported %d records, skipped %d: " %
                                        (want["imported"], want["skipped"])), line)
        reasons = dict((p.split(" ", 1)[1], int(p.split(" ", 1)[0]))
                       for p in line.split(": ", 1)[1].split(", "))
        self.assertEqual(reasons, want["reasons"])
        self.assertIn("%d not imported: the database holds a newer version" % want["kept_newer"], out)
        self.assertIn("1 withdrawn", out)
        self.assertIn("1 malicious packages", out)
        self.assertIn("skipped", err)
        self.assertIn("bad1.json: bad JSON", err)
        got = info(db)
        self.assertEqual(got["records"], want["imported"])
        self.assertEqual(got["malware"], 1)
        self.assertEqual(got["withdrawn"], 1)
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        self.assertEqual(c.execute("SELECT summary FROM record WHERE id = 'DUP-1'").fetchone()[0],
                         "newer")
        c.close()

    def test_directory_and_files(self):
        d = work("dir", "in", "x")
        os.makedirs(d, exist_ok=True)
        recs = self.oracle["crates.io"][3]
        ids = sorted(recs)[:20]
        for i, id_ in enumerate(ids):
            sub = os.path.join(os.path.dirname(d), "sub%d" % (i % 3))
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, id_ + ".json"), "w") as f:
                json.dump(recs[id_], f)
        single = work("dir", "single.json")
        with open(single, "w") as f:
            json.dump(recs[sorted(recs)[-1]], f)
        db = work("dir", "osv.db")
        code, out, err = run("db", "import", "--db", db, os.path.dirname(d), single)
        self.assertEqual(code, 0, err)
        self.assertIn("imported 21 records, skipped 0", out)
        self.assertEqual(info(db)["records"], 21)

    def test_update(self):
        db = work("update", "osv.db")
        eco_args = [a for e in CORPORA for a in ("--ecosystem", e)]
        Handler.requests.clear()
        code, out, err = run("db", "update", "--db", db, "--mirror", self.mirror("ok"), *eco_args)
        self.assertEqual(code, 0, err)
        self.assertEqual(len(Handler.requests), 3)
        self.assertTrue(all(r[1] is None for r in Handler.requests), "first update is unconditional")
        got = self.assertCounts(db, CORPORA)
        for s in got["sources"]:
            self.assertEqual(s["kind"], "mirror")
            self.assertTrue(s["etag"].startswith('"'), s)
            self.assertEqual(s["last_modified"], "Tue, 01 Oct 2024 12:00:00 GMT")
            self.assertTrue(s["location"].startswith(self.mirror("ok")), s)
        st, digest = os.stat(db), sha(db)

        # second update: conditional, 304, the file is not even rewritten
        Handler.requests.clear()
        code, out, err = run("db", "update", "--db", db, "--mirror", self.mirror("ok"), *eco_args)
        self.assertEqual(code, 0, err)
        self.assertEqual(out.count("not modified"), 3, out)
        self.assertIn("up to date", out)
        self.assertTrue(all(r[1] and r[1].startswith('"') for r in Handler.requests), Handler.requests)
        self.assertTrue(all(r[2] == "Tue, 01 Oct 2024 12:00:00 GMT" for r in Handler.requests))
        st2 = os.stat(db)
        self.assertEqual((st.st_ino, st.st_mtime_ns), (st2.st_ino, st2.st_mtime_ns))
        self.assertEqual(sha(db), digest)
        # no --ecosystem: the ecosystems updated before
        Handler.requests.clear()
        code, out, err = run("db", "update", "--db", db, "--mirror", self.mirror("ok"))
        self.assertEqual(code, 0, err)
        self.assertEqual(sorted(r[0] for r in Handler.requests),
                         sorted("/ok/%s/all.zip" % e for e in CORPORA))

        # broken downloads: exit 2, a clear message, the database untouched
        for mode, needle in [("garbage", "not a complete zip"), ("cutzip", "not a complete zip"),
                             ("truncate", "truncated"), ("fail", "HTTP status 500")]:
            code, out, err = run("db", "update", "--db", db, "--mirror", self.mirror(mode),
                                 "--ecosystem", "Go", "--ecosystem", "PyPI")
            self.assertEqual(code, 2, "%s: %s" % (mode, err))
            self.assertIn(needle, err, mode)
            self.assertIn("the database was not changed", err, mode)
            self.assertEqual(sha(db), digest, mode)
            self.assertEqual(os.stat(db).st_ino, st.st_ino, mode)
        self.assertEqual(sorted(os.listdir(os.path.dirname(db))), ["osv.db"])

        # a first update that fails creates nothing
        fresh = work("update2", "osv.db")
        code, out, err = run("db", "update", "--db", fresh, "--mirror", self.mirror("garbage"),
                             "--ecosystem", "PyPI")
        self.assertEqual(code, 2)
        self.assertFalse(os.path.exists(fresh))
        code, out, err = run("db", "update", "--db", fresh, "--mirror", self.mirror("ok"),
                             "--ecosystem", "NoSuchEcosystem")
        self.assertEqual(code, 2)
        self.assertIn("unknown ecosystem", err)

    def test_interrupted_import(self):
        """A writer killed at any point leaves the old database or a complete
        new one, never a mix; its temporary file goes with the next write."""
        db = work("killed", "osv.db")
        small = os.path.join(OSV, "crates.io", "all.zip")
        self.assertEqual(run("db", "import", "--db", db, small)[0], 0)
        old = sha(db)
        total = sum(len(self.oracle[e][3]) for e in CORPORA)
        zips = [os.path.join(OSV, e, "all.zip") for e in CORPORA]
        midway = 0
        for delay in (0.05, 0.1, 0.2, 0.4):
            p = subprocess.Popen([util.MOAT, "db", "import", "--db", db] + zips,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            got = info(db, "--verify")
            self.assertTrue(got["verified"])
            if sha(db) == old:
                midway += 1
                self.assertEqual(got["records"], len(self.oracle["crates.io"][3]))
            else:
                self.assertEqual(got["records"], total)
                old = sha(db)
        print("\n  %d of 4 kills landed before the rename" % midway)
        self.assertEqual(run("db", "import", "--db", db, small)[0], 0)
        self.assertEqual(os.listdir(os.path.dirname(db)), ["osv.db"])

    def test_default_paths(self):
        z = os.path.join(OSV, "crates.io", "all.zip")
        home = work("home")
        env = {"HOME": home, "MOAT_DB": "", "XDG_DATA_HOME": ""}
        code, out, err = run("db", "import", z, env=env)
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.isfile(os.path.join(home, ".local", "share", "moat", "osv.db")))
        # a relative XDG_DATA_HOME is ignored, as the spec says
        code, out, err = run("db", "info", env=dict(env, XDG_DATA_HOME="rel/dir"))
        self.assertEqual(code, 0, err)
        xdg = work("xdg")
        code, out, err = run("db", "import", z, env=dict(env, XDG_DATA_HOME=xdg))
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.isfile(os.path.join(xdg, "moat", "osv.db")))
        # update into the default place, whose directories do not exist yet
        home2 = work("home2")
        code, out, err = run("db", "update", "--mirror", self.mirror("ok"), "--ecosystem",
                             "crates.io", env=dict(env, HOME=home2))
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.isfile(os.path.join(home2, ".local", "share", "moat", "osv.db")))
        mdb = work("env", "mine.db")
        code, out, err = run("db", "import", z, env=dict(env, XDG_DATA_HOME=xdg, MOAT_DB=mdb))
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.isfile(mdb))
        self.assertEqual(info(mdb)["records"], len(self.oracle["crates.io"][3]))
        # --db beats the environment
        other = work("env", "other.db")
        code, out, err = run("db", "import", "--db", other, z, env=dict(env, MOAT_DB=mdb))
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.isfile(other))
        code, out, err = run("db", "info", env=dict(env, MOAT_DB=work("env", "missing.db")))
        self.assertEqual(code, 2)
        self.assertIn("no advisory database at", err)

    def test_corrupt(self):
        db = work("corrupt", "osv.db")
        self.assertEqual(run("db", "import", "--db", db, os.path.join(OSV, "Go", "all.zip"))[0], 0)
        with open(db, "rb") as f:
            data = f.read()
        cases = {
            "truncated": data[: len(data) // 2],
            "truncated-page": data[:-4096],
            "flipped-middle": data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 0x08]) +
            data[len(data) // 2 + 1:],
            "flipped-header": data[:100] + bytes([data[100] ^ 1]) + data[101:],
            "zeroed-tail": data[:-8192] + b"\0" * 8192,
        }
        for name, content in cases.items():
            p = work("corrupt", name + ".db")
            with open(p, "wb") as f:
                f.write(content)
            code, out, err = run("db", "info", "--db", p, "--verify")
            self.assertEqual(code, 2, name)
            self.assertEqual(out, "", name)
            self.assertTrue("corrupt" in err or "truncated" in err, "%s: %s" % (name, err))
            # and nothing is built on top of it
            code, out, err = run("db", "import", "--db", p, os.path.join(OSV, "crates.io", "all.zip"))
            self.assertEqual(code, 2, name)
            with open(p, "rb") as f:
                self.assertEqual(f.read(), content, name)
        code, out, err = run("db", "info", "--db", work("corrupt", "truncated.db"))
        self.assertIn("truncated", err)
        with open(work("corrupt", "foreign.db"), "wb") as f:
            f.write(b"SQLite format 3\0" + b"\0" * 4000)
        code, out, err = run("db", "info", "--db", work("corrupt", "foreign.db"))
        self.assertEqual(code, 2)


if __name__ == "__main__":
    util.main()
