#!/usr/bin/env python3
"""mkrpmdb - real rpm package databases for moat's tests, made by real tools.

  rpmbuild      builds small .rpm packages from the spec files below (epochs,
                licenses, vendor, sub-packages with a shared source rpm, a
                modularity label, SHA-1 and SHA-256 file digests, config/ghost
                files, a symlink, a package big enough to need overflow pages)
  rpm           installs them (--justdb) into an SQLite rpmdb (Debian's rpm
                4.18 writes only SQLite) and imports a gpg-pubkey
  db5.3_load    writes the same header blobs into a Berkeley DB Hash
                Packages file (the real Berkeley DB library), which rpm's own
                bdb_ro backend then reads back as the oracle
  (this file)   writes an ndb Packages.db around the same blobs, following
                rpm's lib/backend/ndb/rpmpkg.c layout. Debian's rpm is built
                without ndb, so no tool here can write or read one: that
                backend is tested against a container constructed from the
                documented format, with real header blobs inside.

Used by tests/e2e/test_rpm.py at test time. Run as a script to regenerate
the small unit-test fixtures next to it:

    python3 tests/data/rpm/mkrpmdb.py fixtures
"""

import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = ("rpmbuild", "rpm", "db5.3_load")

# %{EPOCHNUM} is 0 when no epoch; %{EPOCH} tells whether one is set
QF = ("%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}"
      "\\t%{VENDOR}\\t%{MODULARITYLABEL}\\t%{FILEDIGESTALGO}\\n[%{FILENAMES}\\n]--\\n")

HELLO = """
Name: hello
Epoch: 2
Version: 1.2
Release: 3.fc40
Summary: greets
License: MIT AND (GPL-2.0-or-later OR BSD-3-Clause)
Vendor: Moat Test Vendor
BuildArch: x86_64
%description
Says hello.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/hello %{buildroot}/etc %{buildroot}/var/log
printf '#!/bin/sh\\necho hello\\n' > %{buildroot}/usr/bin/hello
chmod 755 %{buildroot}/usr/bin/hello
ln -s hello %{buildroot}/usr/bin/hi
echo data > %{buildroot}/usr/share/hello/data.txt
echo 'greeting=hi' > %{buildroot}/etc/hello.conf
%files
/usr/bin/hello
/usr/bin/hi
/usr/share/hello
%config(noreplace) /etc/hello.conf
%ghost /var/log/hello.log
"""

ZERO_EPOCH = """
Name: zero-epoch-meta
Epoch: 0
Version: 0.1
Release: 1.el9
Summary: a meta package with an explicit epoch 0 and no files
License: Public Domain
BuildArch: noarch
%description
No files.
%files
"""

MULTI = """
Name: multi
Version: 1.0
Release: 1.module+el8.3.0+1234+abcd
Summary: source of sub-packages
License: GPL-2.0-only
%description
Main.
%package -n libmulti
Summary: the library
License: LGPL-2.1-or-later
%description -n libmulti
Library.
%install
mkdir -p %{buildroot}/usr/lib64
echo a > %{buildroot}/usr/lib64/libmulti.so.1
%files
%files -n libmulti
/usr/lib64/libmulti.so.1
"""

ODD = """
Name: python3-odd-name
Version: 1.0~rc1^git2
Release: 0.1
Summary: tilde and caret in the version
License: Apache-2.0
BuildArch: noarch
%description
Odd.
%install
mkdir -p %{buildroot}/usr/lib/python3/site-packages/odd
touch %{buildroot}/usr/lib/python3/site-packages/odd/__init__.py
%files
/usr/lib/python3/site-packages/odd
"""

LEFTPAD_JSON = '{"name": "left-pad", "version": "1.3.0", "license": "WTFPL"}\n'

LEFTPAD = """
Name: nodejs-left-pad
Version: 1.3.0
Release: 5.fc40
Summary: an npm package owned by an rpm
License: WTFPL
BuildArch: noarch
%%description
Pads.
%%install
mkdir -p %%{buildroot}/usr/lib/node_modules/left-pad
cat > %%{buildroot}/usr/lib/node_modules/left-pad/package.json <<'EOF'
%s
EOF
echo 'module.exports = 1' > %%{buildroot}/usr/lib/node_modules/left-pad/index.js
%%files
/usr/lib/node_modules/left-pad
""" % LEFTPAD_JSON.strip()


def big_spec(nfiles=400):
    """Enough files (long names in many directories) for a header of ~40 KiB:
    several overflow pages even with 4 KiB Berkeley DB pages."""
    lines = ["mkdir -p %{buildroot}/usr/share/bigpkg"]
    for d in range(20):
        lines.append("mkdir -p %%{buildroot}/usr/share/bigpkg/directory-number-%02d" % d)
    for i in range(nfiles):
        lines.append("echo %d > %%{buildroot}/usr/share/bigpkg/directory-number-%02d/"
                     "a-rather-long-file-name-to-grow-the-header-%04d.txt" % (i, i % 20, i))
    return """
Name: bigpkg
Version: 3.4.5
Release: 7.el8
Summary: many files
License: BSD-3-Clause
BuildArch: noarch
%%description
Big.
%%install
%s
%%files
/usr/share/bigpkg
""" % "\n".join(lines)


# (spec, extra rpmbuild defines)
SPECS = [
    ("hello", HELLO, {}),
    ("zero-epoch-meta", ZERO_EPOCH, {}),
    ("multi", MULTI, {"modularitylabel": "perl:5.30:8030020200923135914:466e8a5d",
                      "_binary_filedigest_algorithm": "2"}),
    ("python3-odd-name", ODD, {}),
    ("nodejs-left-pad", LEFTPAD, {}),
    ("bigpkg", big_spec(), {}),
]


def missing_tools():
    return [t for t in TOOLS if not shutil.which(t)]


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, **kw)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (cmd[0], p.returncode,
                                                   p.stderr.decode("utf-8", "replace")[-2000:]))
    return p.stdout


def build_rpms(work, specs=SPECS):
    """Builds every spec; returns the paths of the binary rpms."""
    top = os.path.join(work, "rpmbuild")
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(os.path.join(top, "SPECS"))
    for name, text, defines in specs:
        spec = os.path.join(top, "SPECS", name + ".spec")
        with open(spec, "w") as f:
            f.write(text)
        cmd = ["rpmbuild", "--define", "_topdir " + top, "--define", "_build_id_links none",
               "--define", "__brp_mangle_shebangs %{nil}", "--target", "x86_64"]
        for k, v in defines.items():
            cmd += ["--define", "%s %s" % (k, v)]
        run(cmd + ["-bb", spec])
    out = []
    for root, _, names in os.walk(os.path.join(top, "RPMS")):
        out += [os.path.join(root, n) for n in names if n.endswith(".rpm")]
    return sorted(out)


def make_pubkey(work):
    """An armored OpenPGP public key made by gpg, or None without gpg."""
    if not shutil.which("gpg"):
        return None
    home = os.path.join(work, "gnupg")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home, mode=0o700)
    env = dict(os.environ, GNUPGHOME=home)
    run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "Moat Test <moat@example.com>",
         "rsa2048", "default", "never"], env=env)
    key = os.path.join(work, "pubkey.asc")
    with open(key, "wb") as f:
        f.write(run(["gpg", "--armor", "--export", "moat@example.com"], env=env))
    return key


def install_sqlite(dbdir, rpms, pubkey=None):
    """rpm --justdb into an SQLite rpmdb at dbdir; returns the rpmdb.sqlite path."""
    shutil.rmtree(dbdir, ignore_errors=True)
    os.makedirs(dbdir)
    base = ["rpm", "--dbpath", dbdir, "--define", "_db_backend sqlite"]
    run(base + ["--initdb"])
    run(base + ["-i", "--justdb", "--nodeps", "--noscripts", "--notriggers", "--ignorearch",
                "--ignoreos"] + list(rpms))
    if pubkey:
        run(base + ["--import", pubkey])
    return os.path.join(dbdir, "rpmdb.sqlite")


def blobs_of(sqlite_path):
    """(hnum, header blob) of every package, read with Python's sqlite3."""
    con = sqlite3.connect("file:%s?mode=ro&immutable=1" % sqlite_path, uri=True)
    try:
        return [(h, bytes(b)) for h, b in con.execute("SELECT hnum, blob FROM Packages ORDER BY hnum")]
    finally:
        con.close()


def write_bdb(path, blobs, pagesize=4096, big_endian=False, chksum=False):
    """A Berkeley DB Hash Packages file written by db5.3_load, keyed the way
    rpm keys it: 4-byte record numbers in the file's byte order, record 0
    holding the next free record number."""
    order = ">" if big_endian else "<"
    hdr = ["VERSION=3", "format=bytevalue", "type=hash", "db_pagesize=%d" % pagesize,
           "db_lorder=%s" % ("4321" if big_endian else "1234")]
    if chksum:
        hdr.append("chksum=1")
    lines = hdr + ["HEADER=END"]
    nxt = max([h for h, _ in blobs] + [0]) + 1
    for key, val in [(0, struct.pack(order + "I", nxt))] + list(blobs):
        lines.append(" " + struct.pack(order + "I", key).hex())
        lines.append(" " + val.hex())
    lines.append("DATA=END")
    dump = path + ".dump"
    with open(dump, "w") as f:
        f.write("\n".join(lines) + "\n")
    if os.path.exists(path):
        os.unlink(path)
    run(["db5.3_load", "-f", dump, path])
    os.unlink(dump)
    return path


# ---- ndb (rpm's lib/backend/ndb/rpmpkg.c layout) --------------------------
NDB_PAGE = 4096
BLK = 16


def _le(*v):
    return struct.pack("<%dI" % len(v), *v)


def write_ndb(path, blobs, generation=7):
    """An ndb Packages.db holding blobs [(pkgidx, blob)]: header, slot pages,
    then each blob as head + blob + zero pad + tail (Adler-32, length,
    magic), in block units of 16 bytes."""
    slots_per_page = NDB_PAGE // 16
    npages = max(1, (len(blobs) + 2 + slots_per_page - 1) // slots_per_page)
    blk = npages * NDB_PAGE // BLK
    slots = []
    data = b""
    for idx, blob in blobs:
        head = b"BlbS" + _le(idx, generation, len(blob))
        cnt = (16 + len(blob) + 12 + BLK - 1) // BLK
        pad = b"\0" * (cnt * BLK - 16 - len(blob) - 12)
        adler = zlib.adler32(head + blob + pad) & 0xffffffff
        data += head + blob + pad + _le(adler, len(blob)) + b"Blb" + b"E"
        slots.append((idx, blk, cnt))
        blk += cnt
    table = b"".join(b"Slot" + _le(*s) for s in slots)
    table += b"".join(b"Slot" + _le(0, 0, 0) for _ in range(npages * slots_per_page - 2 - len(slots)))
    header = b"RpmP" + _le(0, generation, npages, max([i for i, _ in blobs] + [0]) + 1) + b"\0" * 12
    with open(path, "wb") as f:
        f.write(header + table + data)
    return path


# ---- the oracle -------------------------------------------------------------
def rpm_query(dbdir, backend):
    """rpm -qa over a database: {name: {fields..., files: [...]}}, gpg-pubkey
    included (callers decide what to do with it)."""
    out = run(["rpm", "--dbpath", dbdir, "--define", "_db_backend " + backend, "-qa",
               "--qf", QF]).decode("utf-8")
    pkgs = {}
    for rec in out.split("--\n"):
        if not rec.strip():
            continue
        lines = rec.strip("\n").split("\n")
        f = lines[0].split("\t")
        pkgs[f[0]] = {
            "name": f[0], "epoch": None if f[1] == "(none)" else f[1], "version": f[2],
            "release": f[3], "arch": None if f[4] == "(none)" else f[4],
            "sourcerpm": None if f[5] == "(none)" else f[5],
            "license": None if f[6] == "(none)" else f[6],
            "vendor": None if f[7] == "(none)" else f[7],
            "modularitylabel": None if f[8] == "(none)" else f[8],
            "digestalgo": f[9], "files": [l for l in lines[1:] if l and l != "(contains no files)"],
        }
    return pkgs


def build_all(work):
    """Everything the e2e test needs: {'sqlite': dbdir, 'bdb': ..., 'ndb': ...,
    'rpms': [...], 'pubkey': bool}."""
    os.makedirs(work, exist_ok=True)
    rpms = build_rpms(work)
    key = make_pubkey(work)
    sq = install_sqlite(os.path.join(work, "db-sqlite"), rpms, key)
    blobs = blobs_of(sq)
    bdb_dir = os.path.join(work, "db-bdb")
    os.makedirs(bdb_dir, exist_ok=True)
    write_bdb(os.path.join(bdb_dir, "Packages"), blobs)
    be_dir = os.path.join(work, "db-bdb-be")
    os.makedirs(be_dir, exist_ok=True)
    write_bdb(os.path.join(be_dir, "Packages"), blobs, pagesize=512, big_endian=True)
    ndb_dir = os.path.join(work, "db-ndb")
    os.makedirs(ndb_dir, exist_ok=True)
    write_ndb(os.path.join(ndb_dir, "Packages.db"), blobs)
    return {"sqlite": os.path.dirname(sq), "bdb": bdb_dir, "bdb-be": be_dir, "ndb": ndb_dir,
            "rpms": rpms, "pubkey": key is not None, "blobs": blobs}


def fixtures(dest=HERE):
    """The unit-test fixtures: small, real, with rpm's own answers beside them."""
    work = os.path.join("/tmp", "moat-mkrpmdb")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    specs = [s for s in SPECS if s[0] in ("hello", "zero-epoch-meta", "multi")]
    rpms = build_rpms(work, specs)
    sq = install_sqlite(os.path.join(work, "db"), rpms)
    blobs = blobs_of(sq)
    hello = [b for _, b in blobs if b"hello.conf" in b][0]
    with open(os.path.join(dest, "hello.hdr"), "wb") as f:
        f.write(hello)
    write_bdb(os.path.join(dest, "Packages-le-4096"), blobs)
    write_bdb(os.path.join(dest, "Packages-be-512"), blobs, pagesize=512, big_endian=True)
    write_bdb(os.path.join(dest, "Packages-chksum-512"), blobs, pagesize=512, chksum=True)
    write_ndb(os.path.join(dest, "Packages.db"), blobs)
    # rpm's answer, read back from the Berkeley DB file (bdb_ro) so the
    # fixture itself is what rpm vouches for
    bdir = os.path.join(work, "bdb")
    os.makedirs(bdir)
    shutil.copy(os.path.join(dest, "Packages-le-4096"), os.path.join(bdir, "Packages"))
    q = rpm_query(bdir, "bdb_ro")
    with open(os.path.join(dest, "expected.txt"), "w") as f:
        f.write("# rpm -qa over Packages-le-4096 (rpm %s, bdb_ro): name epoch version release "
                "arch sourcerpm files...\n" % run(["rpm", "--version"]).decode().split()[-1])
        for n in sorted(q):
            p = q[n]
            f.write("%s\t%s\t%s\t%s\t%s\t%s\t%s\n" % (p["name"], p["epoch"] or "-", p["version"],
                                                     p["release"], p["arch"] or "-",
                                                     p["sourcerpm"] or "-", len(p["files"])))
            for fn in p["files"]:
                f.write("\t%s\n" % fn)


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "fixtures":
        miss = missing_tools()
        if miss:
            sys.exit("missing tools: %s (scripts/install-deps.sh installs them)" % " ".join(miss))
        fixtures()
    else:
        sys.exit(__doc__)
