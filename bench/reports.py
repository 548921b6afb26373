#!/usr/bin/env python3
"""Report writers benchmark: `moat scan --format F -o FILE` on the benchmark
image (bench/README.md) for every format, against `--format json`.

No Debian advisory corpus is available, so the advisory database is made
up: for every binary package of the image's packages.txt, three Debian:12
records (one critical with a CVSS vector and a fix, one high without a fix,
one medium fixed in an old version that does not apply), which gives the
writers some 1,600 vulnerability findings on 811 packages to lay out, plus
the detectors' findings and the remediation plan. Each round runs every
format once, order rotated; wall and CPU times are medians over the rounds.

    bench/reports.py [ROUNDS]     (default 5)
Environment: MOAT_BENCH_CACHE, MOAT_BENCH_BUILD (a RelWithDebInfo build).
"""

import glob
import json
import os
import resource
import statistics
import subprocess
import sys
import time

CACHE = os.environ.get("MOAT_BENCH_CACHE", os.path.expanduser("~/.cache/moat-bench"))
SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.environ.get("MOAT_BENCH_BUILD", os.path.join(SRC, "build-bench"))
MOAT = os.path.join(BUILD, "moat")
FORMATS = ["json", "table", "sarif", "cyclonedx", "html"]
VEC = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    images = sorted(glob.glob(os.path.join(CACHE, "image-*", "layout")))
    if not images or not os.access(MOAT, os.X_OK):
        print("need the benchmark image (bench/run.sh) and %s" % MOAT, file=sys.stderr)
        return 2
    layout = images[-1]
    work = os.path.join(CACHE, "reports")
    os.makedirs(os.path.join(work, "records"), exist_ok=True)
    n = 0
    with open(os.path.join(os.path.dirname(layout), "packages.txt")) as f:
        for line in f:
            name = line.split("\t")[0]
            for k, (extra, events) in enumerate([
                    ({"severity": [{"type": "CVSS_V3", "score": VEC}]},
                     [{"introduced": "0"}, {"fixed": "999:1"}]),
                    ({"database_specific": {"severity": "HIGH"}}, [{"introduced": "0"}]),
                    ({}, [{"introduced": "0"}, {"fixed": "0.0.1"}])]):
                r = {"schema_version": "1.6.0", "id": "BENCH-%s-%d" % (name, k),
                     "modified": "2024-06-01T00:00:00Z", "published": "2024-05-01T00:00:00Z",
                     "summary": "made-up advisory %d for %s <with markup & quotes\">" % (k, name),
                     "aliases": ["CVE-2099-%05d" % n],
                     "affected": [{"package": {"ecosystem": "Debian:12", "name": name},
                                   "ranges": [{"type": "ECOSYSTEM", "events": events}]}]}
                r.update(extra)
                n += 1
                with open(os.path.join(work, "records", r["id"] + ".json"), "w") as o:
                    json.dump(r, o)
    db = os.path.join(work, "bench.db")
    if os.path.exists(db):
        os.unlink(db)
    subprocess.run([MOAT, "db", "import", "--db", db, os.path.join(work, "records")],
                   check=True, capture_output=True)
    target = "oci:%s:bench" % layout
    times = {f: [] for f in FORMATS}
    cpu = {f: [] for f in FORMATS}
    sizes = {}
    for r in range(rounds + 1):             # round 0 warms the page cache, untimed
        order = FORMATS[r % len(FORMATS):] + FORMATS[:r % len(FORMATS)]
        for fmt in order:
            out = os.path.join(work, "report." + fmt)
            t0 = time.monotonic()
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            p = subprocess.run([MOAT, "scan", "--quiet", "--db", db, "--format", fmt, "-o", out,
                                target], capture_output=True)
            t = time.monotonic() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            c = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            if p.returncode not in (0, 1):
                print("%s failed: %s" % (fmt, p.stderr.decode()[-500:]), file=sys.stderr)
                return 2
            if r:
                times[fmt].append(t)
                cpu[fmt].append(c)
            sizes[fmt] = os.path.getsize(out)
    with open(os.path.join(work, "report.json")) as f:
        rep = json.load(f)
    print("findings: %d (%d vulnerabilities), packages: %d" % (
        len(rep["findings"]), sum(1 for x in rep["findings"] if x["kind"] == "vulnerability"),
        rep["summary"]["packages"]))
    base = statistics.median(times["json"])
    cbase = statistics.median(cpu["json"])
    print("| format | wall (median of %d) | vs json | CPU user+sys | vs json | output |" % rounds)
    print("| --- | --- | --- | --- | --- | --- |")
    for fmt in FORMATS:
        m = statistics.median(times[fmt])
        c = statistics.median(cpu[fmt])
        print("| %s | %.2f s | %+.2f s | %.2f s | %+.2f s | %.1f MiB |" % (
            fmt, m, m - base, c, c - cbase, sizes[fmt] / 1048576))
    return 0


if __name__ == "__main__":
    sys.exit(main())
