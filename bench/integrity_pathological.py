#!/usr/bin/env python3
"""Pathological inputs for the integrity detector (issue 4), timed.

Each case is a one-layer OCI layout with an uncompressed layer whose files
a dpkg database owns (status, .list, md5sums), so the detector hashes every
byte and checks every file. Layers are generated at run time, written
sparse where they are zeros, and deleted afterwards; nothing is stored in
the repository:

  one-byte-2gib   one file of 2 GiB of zero bytes
  line-100mb      one 100 MB "line" (no newline), the malware/secret case
  elf-prefixes    100 MB of ELF magic numbers back to back
  tiny-1m         a million 2-byte files

For each case `moat sbom` (the core alone) and `moat scan --scanners
integrity` run under GNU time; the table gives wall and CPU seconds and
peak RSS of both, and the difference is the detector's. Results go to
docs/PERFORMANCE.md ("Integrity detector") by hand.

    python3 bench/integrity_pathological.py [MOAT] [WORKDIR]
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures"))
from mkimage import SparseTar, layout_from_tar  # noqa: E402

MOAT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..",
                                                          "build", "moat")
WORK = sys.argv[2] if len(sys.argv) > 2 else "/tmp/moat-integrity-bench"


def dpkg_db(t, pkg, files):
    """files: [(path, md5 hex)]"""
    t.add("var/lib/dpkg/status", ("Package: %s\nStatus: install ok installed\nVersion: 1\n"
                                  "Architecture: all\n" % pkg).encode())
    t.add("var/lib/dpkg/info/%s.list" % pkg, "".join("/%s\n" % p for p, _ in files).encode())
    t.add("var/lib/dpkg/info/%s.md5sums" % pkg,
          "".join("%s  %s\n" % (h, p) for p, h in files).encode())


def md5_of_zeros(size):
    h = hashlib.md5()
    z = bytes(1 << 20)
    while size:
        n = min(size, len(z))
        h.update(z[:n])
        size -= n
    return h.hexdigest()


def case_one_byte_2gib(tar):
    t = SparseTar(tar)
    size = 2 << 30
    dpkg_db(t, "big", [("usr/share/big/zeros", md5_of_zeros(size))])
    t.add_zeros("usr/share/big/zeros", size)
    t.close()


def case_line_100mb(tar):
    data = b"A" * (100 << 20)
    t = SparseTar(tar)
    dpkg_db(t, "line", [("usr/share/line/one", hashlib.md5(data).hexdigest())])
    t.add("usr/share/line/one", data)
    t.close()


def case_elf_prefixes(tar):
    data = b"\x7fELF" * (25 << 20)
    t = SparseTar(tar)
    dpkg_db(t, "elf", [("usr/lib/elf/prefixes", hashlib.md5(data).hexdigest())])
    t.add("usr/lib/elf/prefixes", data, mode=0o755)
    t.close()


def case_tiny_1m(tar):
    n = 1000000
    files = []
    t = SparseTar(tar)
    for i in range(n):
        p = "usr/share/t/%03d/%06d" % (i // 1000, i)
        data = b"%d\n" % (i % 10)
        files.append((p, hashlib.md5(data).hexdigest()))
        t.add(p, data)
    dpkg_db(t, "tiny", files)
    t.close()


def timed(args):
    out = os.path.join(WORK, "time.txt")
    t0 = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", out, MOAT] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(out) as f:
        wall, user, sys_, rss = f.read().split()[-4:]
    return p, float(wall), float(user) + float(sys_), int(rss) / 1024.0


def main():
    os.makedirs(WORK, exist_ok=True)
    cases = [("one-byte-2gib", case_one_byte_2gib), ("line-100mb", case_line_100mb),
             ("elf-prefixes", case_elf_prefixes), ("tiny-1m", case_tiny_1m)]
    rows = []
    for name, make in cases:
        tar = os.path.join(WORK, name + ".tar")
        make(tar)
        target = layout_from_tar(tar, os.path.join(WORK, name))
        _, w0, c0, r0 = timed(["sbom", target])
        p, w1, c1, r1 = timed(["scan", "--scanners", "integrity", "-f", "json", target])
        rep = json.loads(p.stdout) if p.stdout else {}
        found = [f for f in rep.get("findings", []) if f["kind"] == "integrity"]
        errs = [e["message"] for e in rep.get("errors", []) if e["source"] == "integrity"]
        rows.append((name, w0, c0, r0, w1, c1, r1, len(found), len(errs)))
        print("%s: exit %d, %d integrity findings, %d integrity errors %s" % (
            name, p.returncode, len(found), len(errs), errs[:1]), flush=True)
        shutil.rmtree(os.path.join(WORK, name))
    print()
    print("| case | sbom wall s | sbom cpu s | sbom RSS MiB | integrity wall s | integrity cpu s "
          "| integrity RSS MiB | findings |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %.1f | %.1f | %.0f | %.1f | %.1f | %.0f | %d |" % r[:8])


if __name__ == "__main__":
    main()
