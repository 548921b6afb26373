#!/usr/bin/env python3
"""How moat's peak memory grows with the number of files in an image
(issue 2: "peak RSS at most 64 MiB whatever the image size"). Not part of
ctest: the images are big and the runs take minutes. Results go into
docs/PERFORMANCE.md, section "Memory and the number of files".

    bench/files.py [--moat build-bench/moat] [--baseline OTHER/moat]
                   [--rounds 3] [--work DIR] [--counts 100000,300000,1000000]

For each count N, a one-layer image of N empty files laid out like a
package tree (usr/share/p<k>/d<j>/file-<i>.txt, 100 files a directory, 50
directories a package: names of 30-40 bytes, as in real layers) is written
once into the work directory (the tar streams to disk, never held in
memory). `moat sbom` runs on each, rounds times (order rotated), and the
median wall and CPU time and the largest peak RSS are printed, then the
slope: bytes of peak RSS per file between the smallest and the largest N.
With --baseline another build runs in the same rounds (before/after).

With --cgroup-mib M (root, cgroup v1 or v2 memory controller), each build
also scans each image once inside a memory cgroup limited to M MiB (swap
included): does the scan finish, or is it killed? The spill file's page
cache is charged to the cgroup, and the kernel writes it back and reclaims
it there; heap memory it cannot reclaim (no swap).
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "fixtures"))
import mkimage  # noqa: E402


def info(name, mode, kind=tarfile.REGTYPE):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = mode
    ti.mtime = 1700000000
    return ti


def build(n, work):
    dest = os.path.join(work, "files-%d" % n)
    if os.path.exists(os.path.join(dest, "index.json")):
        return "oci:%s:x" % dest
    os.makedirs(work, exist_ok=True)
    tmp = os.path.join(work, "files-%d.tar" % n)
    with tarfile.open(tmp, "w", format=tarfile.GNU_FORMAT) as t:
        for d in ("usr", "usr/share"):
            t.addfile(info(d, 0o755, tarfile.DIRTYPE))
        for i in range(n):
            pkg, rest = divmod(i, 5000)
            sub, k = divmod(rest, 100)
            if rest == 0:
                t.addfile(info("usr/share/p%05d" % pkg, 0o755, tarfile.DIRTYPE))
            if k == 0:
                t.addfile(info("usr/share/p%05d/d%02d" % (pkg, sub), 0o755, tarfile.DIRTYPE))
            t.addfile(info("usr/share/p%05d/d%02d/file-%07d.txt" % (pkg, sub, i), 0o644))
    if os.path.exists(dest):
        subprocess.run(["rm", "-rf", dest], check=True)
    return mkimage.layout_from_tar(tmp, dest)


def timed(cmd):
    """(wall, cpu, peak RSS MiB), or the error line when moat failed."""
    t = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M"] + cmd, capture_output=True)
    lines = t.stderr.decode().strip().splitlines()
    if t.returncode != 0:
        return next((ln for ln in lines if ln.startswith("moat:")), "exit %d" % t.returncode)
    wall, user, sys_, rss = lines[-1].split()
    return float(wall), float(user) + float(sys_), int(rss) / 1024.0


@contextlib.contextmanager
def memory_cgroup(limit):
    """A fresh memory cgroup of limit bytes; yields the file to write a pid
    into and a function returning (peak usage MiB, OOM kills)."""
    v2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
    path = "/sys/fs/cgroup/moat-bench-%d" % os.getpid() if v2 else \
        "/sys/fs/cgroup/memory/moat-bench-%d" % os.getpid()
    os.mkdir(path)
    try:
        def put(name, value):
            with open(os.path.join(path, name), "w") as f:
                f.write(str(value))

        def get(name):
            with open(os.path.join(path, name)) as f:
                return f.read()
        if v2:
            put("memory.max", limit)
            put("memory.swap.max", 0)
        else:
            put("memory.limit_in_bytes", limit)
            with contextlib.suppress(OSError):
                put("memory.memsw.limit_in_bytes", limit)

        def stats():
            if v2:
                peak = int(get("memory.peak")) if os.path.exists(
                    os.path.join(path, "memory.peak")) else 0
                kills = int(dict(ln.split() for ln in get("memory.events").splitlines())
                            .get("oom_kill", 0))
            else:
                peak = int(get("memory.max_usage_in_bytes"))
                kills = int(dict(ln.split() for ln in get("memory.oom_control").splitlines())
                            .get("oom_kill", 0))
            return peak / 1048576.0, kills
        yield os.path.join(path, "cgroup.procs"), stats
    finally:
        os.rmdir(path)


def in_cgroup(cmd, limit):
    with memory_cgroup(limit) as (procs, stats):
        t = subprocess.run(["sh", "-c", 'echo $$ > "$0"; exec "$@"', procs,
                            "/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True)
        peak, kills = stats()
    lines = t.stderr.decode().strip().splitlines()
    if t.returncode != 0:
        why = "killed (OOM)" if kills else next(
            (ln for ln in lines if ln.startswith("moat:")), "exit %d" % t.returncode)
        return "%s, cgroup peak %.0f MiB" % (why, peak)
    wall, rss = lines[-1].split()
    return "finished in %s s, peak RSS %.1f MiB, cgroup peak %.0f MiB" % (
        wall, int(rss) / 1024.0, peak)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moat", default=os.path.join(REPO, "build-bench", "moat"))
    ap.add_argument("--baseline")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", default=os.path.expanduser("~/.cache/moat-bench/files"))
    ap.add_argument("--counts", default="100000,300000,1000000")
    ap.add_argument("--cgroup-mib", type=int)
    a = ap.parse_args()
    counts = [int(x) for x in a.counts.split(",")]
    builds = [("moat", a.moat)] + ([("baseline", a.baseline)] if a.baseline else [])
    targets = {n: build(n, a.work) for n in counts}
    runs = [(name, exe, n) for name, exe in builds for n in counts]
    res = {(name, n): [] for name, _, n in runs}
    for r in range(a.rounds):
        k = r % len(runs)
        for name, exe, n in runs[k:] + runs[:k]:
            # a layer of more than 2,000,000 entries needs the limit raised
            res[(name, n)].append(timed([exe, "sbom", "--limit", "entries=%d" % (n * 2),
                                         targets[n], "-o", "/dev/null"]))
    print("| build | files | wall s (median) | cpu s (median) | peak RSS MiB (max) |")
    print("|---|---|---|---|---|")
    peak = {}
    for name, _ in builds:
        for n in counts:
            v = res[(name, n)]
            bad = [x for x in v if isinstance(x, str)]
            if bad:
                print("| %s | %d | failed: %s | | |" % (name, n, bad[0]))
                continue
            peak[(name, n)] = max(x[2] for x in v)
            print("| %s | %d | %.2f | %.2f | %.1f |" % (
                name, n, statistics.median(x[0] for x in v), statistics.median(x[1] for x in v),
                peak[(name, n)]))
    for name, _ in builds:
        ok = sorted(n for n in counts if (name, n) in peak)
        if len(ok) >= 2:
            lo, hi = ok[0], ok[-1]
            print("%s: %.0f bytes of peak RSS per file (%d -> %d files)" % (
                name, (peak[(name, hi)] - peak[(name, lo)]) * 1048576.0 / (hi - lo), lo, hi))
    if a.cgroup_mib:
        print()
        print("In a memory cgroup of %d MiB (swap included):" % a.cgroup_mib)
        print()
        for name, exe in builds:
            for n in counts:
                print("- %s, %d files: %s" % (name, n, in_cgroup(
                    [exe, "sbom", "--limit", "entries=%d" % (n * 2), targets[n], "-o",
                     "/dev/null"], a.cgroup_mib << 20)))


if __name__ == "__main__":
    main()
