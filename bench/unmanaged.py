#!/usr/bin/env python3
"""Pathological inputs for the unmanaged-software detector (issue 4).

Builds, streamed to disk (never held in memory), one OCI layout per case
with an uncompressed layer, and times `moat scan --no-vulns --scanners
unmanaged` against `--scanners vuln --no-vulns` (no detector at all) on it:

  zeros-elf   an ELF header and 2 GiB of one byte (0x00), x bit: searched up
              to MOAT_LIMIT_CLASSIFY_BYTES (256 MiB), then a warning
  zeros       2 GiB of one byte without the ELF magic: not read past 4 bytes
  prefixes    an ELF file of 512 MiB made of the classifiers' pattern
              prefixes and isolated version strings: bounded candidates, cut
              at 256 MiB
  line        a 100 MB single line, x bit (a "script")
  files       1,000,000 tiny executable files: the unowned list is cut at
              MOAT_LIMIT_UNOWNED_FILES, all are counted

    python3 bench/unmanaged.py [BUILD_DIR] [CASE...]

Needs ~4 GB of disk under $MOAT_BENCH_CACHE (default ~/.cache/moat-bench);
prints a table for docs/PERFORMANCE.md. Not part of ctest.
"""

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import time

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CACHE = os.path.join(os.environ.get("MOAT_BENCH_CACHE",
                                    os.path.expanduser("~/.cache/moat-bench")), "unmanaged")
GiB = 1 << 30


class Pattern:
    """A read()-able file of `size` bytes repeating `unit` after `head`."""

    def __init__(self, size, unit, head=b""):
        self.size, self.unit, self.head, self.pos = size, unit, head, 0
        rep = max(1, (1 << 20) // len(unit))
        self.block = unit * rep

    def read(self, n=-1):
        if n < 0:
            n = self.size - self.pos
        n = min(n, self.size - self.pos)
        out = bytearray()
        while len(out) < n:
            if self.pos < len(self.head):
                piece = self.head[self.pos:self.pos + n - len(out)]
            else:
                off = (self.pos - len(self.head)) % len(self.unit)
                piece = self.block[off:off + n - len(out)]
            out += piece
            self.pos += len(piece)
        return bytes(out)


class HashingWriter:
    def __init__(self, f):
        self.f, self.h, self.n = f, hashlib.sha256(), 0

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        return self.f.write(b)

    def tell(self):
        return self.n


ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
PREFIXES = (b"\x001.2.3\x00OpenSSL 3.0.1 1 Jan 2023\x00nginx version: nginx/1.2.3\n"
            b"\x007.0.15\x00Redis server v=%s sha=%s\x00PYTHONINSPECT\x003.11.2\x00"
            b"Apache/2.4.1 \x00BusyBox v1.2.3 \x00libcurl/8.0.0\x00 version 2.8.1, released "
            b"2023/01/01\x00")


def entries(case):
    if case == "zeros-elf":
        yield "opt/huge", 2 * GiB, Pattern(2 * GiB, b"\x00", ELF), 0o755
    elif case == "zeros":
        yield "opt/huge", 2 * GiB, Pattern(2 * GiB, b"\x00"), 0o755
    elif case == "prefixes":
        yield "opt/prefixes", 512 << 20, Pattern(512 << 20, PREFIXES, ELF), 0o755
    elif case == "line":
        yield "opt/line", 100 << 20, Pattern(100 << 20, b"a"), 0o755
    elif case == "files":
        for i in range(1000000):
            yield "opt/many/%03d/%04d" % (i // 10000, i % 10000), 10, Pattern(10, b"#!/bin/sh\n"), \
                0o755


def build(case):
    layout = os.path.join(CACHE, case)
    if os.path.exists(os.path.join(layout, "done")):
        return layout
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    tmp = os.path.join(layout, "layer.tmp")
    with open(tmp, "wb") as raw:
        hw = HashingWriter(raw)
        with tarfile.open(fileobj=hw, mode="w|", format=tarfile.PAX_FORMAT) as t:
            for name, size, data, mode in entries(case):
                ti = tarfile.TarInfo(name)
                ti.size, ti.mode, ti.mtime = size, mode, 0
                t.addfile(ti, data)
    layer_d = hw.h.hexdigest()
    os.rename(tmp, os.path.join(layout, "blobs", "sha256", layer_d))
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": ["sha256:" + layer_d]}}).encode()
    cfg_d = hashlib.sha256(cfg).hexdigest()
    man = json.dumps({"schemaVersion": 2,
                      "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": "sha256:" + cfg_d, "size": len(cfg)},
                      "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                  "digest": "sha256:" + layer_d, "size": hw.n}]}).encode()
    man_d = hashlib.sha256(man).hexdigest()
    for d, b in ((cfg_d, cfg), (man_d, man)):
        with open(os.path.join(layout, "blobs", "sha256", d), "wb") as f:
            f.write(b)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": "sha256:" + man_d, "size": len(man),
             "annotations": {"org.opencontainers.image.ref.name": "p"}}]}, f)
    open(os.path.join(layout, "done"), "w").close()
    return layout


def timed(moat, layout, scanners):
    cmd = ["/usr/bin/time", "-f", "%e %U %S %M", moat, "scan", "--no-vulns", "--scanners",
           scanners, "-f", "json", "oci:%s:p" % layout]
    p = subprocess.run(cmd, capture_output=True)
    wall, user, sys_, rss = p.stderr.decode().strip().splitlines()[-1].split()
    rep = json.loads(p.stdout) if p.stdout else None
    return float(wall), float(user) + float(sys_), int(rss) / 1024, rep


def main():
    args = sys.argv[1:]
    build_dir = args.pop(0) if args and os.path.isdir(args[0]) else os.path.join(SRC, "build")
    moat = os.path.join(build_dir, "moat")
    cases = args or ["zeros-elf", "zeros", "prefixes", "line", "files"]
    print("| case | detector off: wall s / cpu s / RSS MiB | unmanaged: wall s / cpu s / RSS MiB "
          "| what it reported |")
    print("|---|---|---|---|")
    for case in cases:
        t0 = time.monotonic()
        layout = build(case)
        built = time.monotonic() - t0
        off = timed(moat, layout, "vuln")
        on = timed(moat, layout, "unmanaged")
        um = on[3]["unmanaged"] if on[3] else None
        errs = [e["message"] for e in on[3]["errors"] if e["source"] == "unmanaged"] \
            if on[3] else ["no report"]
        gen = [p for p in on[3]["packages"] if p["type"] == "generic"] if on[3] else []
        what = "%s executables, %s unowned, %d listed, %d generic packages; %s" % (
            um["executables"], um["unowned"], len(um["files"]), len(gen),
            "; ".join(errs) or "no warning") if um else "no report"
        print("| %s | %.1f / %.1f / %.0f | %.1f / %.1f / %.0f | %s |" % (
            case, off[0], off[1], off[2], on[0], on[1], on[2], what))
        sys.stdout.flush()
        print("  (%s built in %.0f s)" % (case, built), file=sys.stderr)


if __name__ == "__main__":
    main()
