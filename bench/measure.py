#!/usr/bin/env python3
"""The measuring half of bench/run.sh: times moat against its baselines.

Every number is taken in this one invocation on this machine, so the ratios
hold even when the absolute times drift between machines or runs: ISA-L
`igzip -dc` over the image's gzip layer blobs is the floor (moat cannot read a
layer faster than it can inflate it), Trivy's package listing of the same
tarball is the competitor. N rounds run every case once each (order rotated
per round); a case's time is its median, a ratio is the median of the ratios
within each round, so load from other work that shifts during the run hits
both sides of a ratio alike. CPU time (user+sys) is reported too: it hardly
moves with load. Peak RSS comes from /usr/bin/time -v (the largest of the N
runs). Every file is read once, untimed, first so all runs see a warm page
cache.

Prints a table (Markdown, so it can go into docs/PERFORMANCE.md as is), the
ratios and PASS/FAIL against the goals of issue 2, and writes the same text
plus raw samples (JSON) next to the image. Exit status: 0 all goals pass,
1 a goal fails, 2 the benchmark itself could not run."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

GOAL_IGZIP = 1.5      # moat sbom wall time at most this times igzip -dc over the layers
GOAL_TRIVY = 5.0      # Trivy's wall time at least this times moat's on the same tarball
GOAL_RSS_MIB = 64     # moat's peak RSS whatever the image size


def die(msg):
    print("measure.py: " + msg, file=sys.stderr)
    sys.exit(2)


def blobs_of(layout, tag):
    """Paths of the layer blobs of `tag` in an OCI layout, in layer order."""
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    for m in index["manifests"]:
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            algo, hexd = m["digest"].split(":", 1)
            with open(os.path.join(layout, "blobs", algo, hexd)) as f:
                manifest = json.load(f)
            out = []
            for layer in manifest["layers"]:
                if not layer["mediaType"].endswith("gzip"):
                    die("layer %s of %s is %s, not gzip" % (layer["digest"], tag, layer["mediaType"]))
                algo, hexd = layer["digest"].split(":", 1)
                out.append(os.path.join(layout, "blobs", algo, hexd))
            return out
    die("tag %s not in %s" % (tag, layout))


def warm(paths):
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 20):
                pass


def timed(argv, stdout=subprocess.DEVNULL, env=None):
    """Runs argv under /usr/bin/time -v; returns {wall, user, sys, rss_kib}.
    Wall time is taken here (monotonic clock, finer than time's %e)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + argv, stdout=stdout,
                           stderr=subprocess.PIPE, env=env)
        wall = time.monotonic() - t0
        report = tf.read()
    if p.returncode != 0:
        die("%s exited %d: %s" % (" ".join(argv), p.returncode,
                                  p.stderr.decode("utf-8", "replace")[-2000:]))
    fields = {}
    for line in report.splitlines():
        key, _, val = line.strip().rpartition(": ")
        fields[key] = val
    return {"wall": wall, "user": float(fields["User time (seconds)"]),
            "sys": float(fields["System time (seconds)"]),
            "rss_kib": int(fields["Maximum resident set size (kbytes)"])}


def igzip_all(blobs):
    """igzip -dc of every blob to /dev/null, one after the other, summed."""
    tot = {"wall": 0.0, "user": 0.0, "sys": 0.0, "rss_kib": 0}
    for b in blobs:
        s = timed(["igzip", "-dc", b])
        for k in ("wall", "user", "sys"):
            tot[k] += s[k]
        tot["rss_kib"] = max(tot["rss_kib"], s["rss_kib"])
    return tot


def summarize(samples):
    return {"wall": statistics.median(s["wall"] for s in samples),
            "cpu": statistics.median(s["user"] + s["sys"] for s in samples),
            "rss_mib": max(s["rss_kib"] for s in samples) / 1024.0,
            "n": len(samples), "samples": samples}


def moat_cmd(moat, target, threads=None):
    argv = [moat, "sbom", "--quiet"]
    if threads:
        argv += ["--threads", str(threads)]
    return argv + [target]


def trivy_cmd(trivy, tarball, cache):
    return [trivy, "image", "--input", tarball, "--offline-scan", "--skip-db-update",
            "--skip-java-db-update", "--scanners", "license", "--list-all-pkgs",
            "--format", "json", "--cache-dir", cache, "--quiet"]


def trivy_once(trivy, tarball, scratch):
    """One Trivy run with a cache directory of its own, so it does all the
    work (a warm Trivy cache would skip every layer it has seen)."""
    cache = tempfile.mkdtemp(prefix="trivy-cache-", dir=scratch)
    try:
        return timed(trivy_cmd(trivy, tarball, cache))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def count_moat(moat, target):
    p = subprocess.run(moat_cmd(moat, target), capture_output=True)
    if p.returncode != 0:
        die("moat sbom %s exited %d: %s" % (target, p.returncode, p.stderr.decode()[-2000:]))
    doc = json.loads(p.stdout)
    # Language packages owned by an OS package are nested under it.
    flat = []
    todo = list(doc.get("components", []))
    while todo:
        c = todo.pop()
        flat.append(c)
        todo.extend(c.get("components", []))
    return {"components": len(flat),
            "deb": sum(1 for c in flat if c.get("purl", "").startswith("pkg:deb/"))}


def count_trivy(trivy, tarball, scratch):
    cache = tempfile.mkdtemp(prefix="trivy-cache-", dir=scratch)
    try:
        p = subprocess.run(trivy_cmd(trivy, tarball, cache), capture_output=True)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    if p.returncode != 0:
        return {"error": p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]}
    doc = json.loads(p.stdout)
    n = deb = 0
    for res in doc.get("Results", []):
        pk = res.get("Packages", []) or []
        n += len(pk)
        if res.get("Class") == "os-pkgs":
            deb += len(pk)
    return {"packages": n, "deb": deb}


def paired(cases, num, den):
    """Median over rounds of num/den measured in the same round."""
    return statistics.median(a["wall"] / b["wall"] for a, b in zip(cases[num]["samples"],
                                                                  cases[den]["samples"]))


def fmt_row(name, s, extra=""):
    return "| %s | %.2f | %.2f | %.1f | %d | %s |" % (name, s["wall"], s["cpu"], s["rss_mib"], s["n"], extra)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image-dir", required=True)
    ap.add_argument("--moat", required=True)
    ap.add_argument("--trivy", default="")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--moat-version", default="unknown", help="commit (and uncommitted diff) built")
    ap.add_argument("--out", required=True, help="directory for results.md/results.json")
    args = ap.parse_args()
    if args.runs < 1:
        die("--runs must be >= 1")
    d = args.image_dir
    layout = os.path.join(d, "layout")
    tarballs = {"oci_archive": os.path.join(d, "image.oci.tar"),
                "docker_gz": os.path.join(d, "image.docker-gz.tar"),
                "docker": os.path.join(d, "image.docker.tar")}
    blobs = blobs_of(layout, "bench")
    n = args.runs
    scratch = tempfile.mkdtemp(prefix="moat-bench-")
    res = {"runs": n, "cases": {}, "counts": {}, "sizes": {}, "load_before": os.getloadavg()}
    cases = res["cases"]

    gz = sum(os.path.getsize(b) for b in blobs)
    res["sizes"] = {"gzip_layers": gz, "layers": len(blobs)}
    res["sizes"].update({k: os.path.getsize(v) for k, v in tarballs.items()})
    with tarfile.open(tarballs["docker"]) as t:  # headers only: the layer tars skopeo wrote
        res["sizes"]["uncompressed_layers"] = sum(m.size for m in t.getmembers()
                                                  if m.isfile() and m.name.endswith(".tar"))
    print("warming the page cache (%d layer blobs, %.0f MiB gzip)" % (len(blobs), gz / 2**20),
          file=sys.stderr, flush=True)
    warm(blobs + list(tarballs.values()))

    # What each tool found, once, untimed: a fast run that found nothing
    # would be no result at all. A tarball Trivy cannot read is reported,
    # not timed.
    res["counts"]["moat"] = count_moat(args.moat, "oci:%s:bench" % layout)
    trivy_ok = []
    if args.trivy:
        for key, path in tarballs.items():
            c = count_trivy(args.trivy, path, scratch)
            res["counts"]["trivy_" + key] = c
            if "error" not in c:
                trivy_ok.append(key)
    with open(os.path.join(d, "packages.txt")) as f:
        res["counts"]["dpkg"] = sum(1 for _ in f)

    # Rounds: every case once per round, the order rotated each round, so
    # load from other work on the machine lands on all cases alike and each
    # ratio can be taken within a round (paired) before the median.
    plan = [("igzip", "igzip -dc (sum of layers)", lambda: igzip_all(blobs))]
    for key, target, threads, label in (
            ("moat_oci", "oci:%s:bench" % layout, None, "moat oci layout"),
            ("moat_oci_archive", "oci-archive:" + tarballs["oci_archive"], None, "moat oci-archive"),
            ("moat_docker_gz", "docker-archive:" + tarballs["docker_gz"], None, "moat docker-archive (gzip)"),
            ("moat_docker", "docker-archive:" + tarballs["docker"], None, "moat docker-archive (plain)"),
            ("moat_oci_t1", "oci:%s:bench" % layout, 1, "moat --threads 1 oci layout")):
        argv = moat_cmd(args.moat, target, threads)
        plan.append((key, label, lambda argv=argv: timed(argv)))
    for key in trivy_ok:
        plan.append(("trivy_" + key, "trivy " + key,
                     lambda path=tarballs[key]: trivy_once(args.trivy, path, scratch)))
    # Memory scaling: the same scanner on the 1, 2, 3 and 4 layer images.
    for tag in ("base", "l2", "l3"):
        argv = moat_cmd(args.moat, "oci:%s:%s" % (layout, tag))
        plan.append(("moat_scale_" + tag, "moat oci layout:" + tag, lambda argv=argv: timed(argv)))
    samples = {key: [] for key, _, _ in plan}
    print("measuring: %d rounds of %d cases" % (n, len(plan)), file=sys.stderr, flush=True)
    for r in range(n):
        for i in range(len(plan)):
            key, label, fn = plan[(i + r) % len(plan)]
            smp = fn()
            samples[key].append(smp)
            res["load_max"] = max(res.get("load_max", 0.0), os.getloadavg()[0])
            print("  round %d/%d  %-30s %6.2f s wall, %6.2f s cpu, %6.1f MiB" % (
                r + 1, n, label, smp["wall"], smp["user"] + smp["sys"], smp["rss_kib"] / 1024.0),
                file=sys.stderr, flush=True)
    for key in samples:
        cases[key] = summarize(samples[key])

    scaling = []
    for tag in ("base", "l2", "l3", "bench"):
        tb = blobs_of(layout, tag)
        c = count_moat(args.moat, "oci:%s:%s" % (layout, tag))
        s = cases["moat_oci" if tag == "bench" else "moat_scale_" + tag]
        scaling.append({"tag": tag, "layers": len(tb), "gzip": sum(os.path.getsize(b) for b in tb),
                        "components": c["components"], "wall": s["wall"], "rss_mib": s["rss_mib"]})
    res["scaling"] = scaling
    res["load_after"] = os.getloadavg()
    shutil.rmtree(scratch, ignore_errors=True)

    # The report.
    L = []
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    igz = subprocess.run(["igzip", "--version"], capture_output=True, text=True)
    L.append("%s; %d CPUs (%s); moat %s; igzip %s." % (
        time.strftime("%Y-%m-%d %H:%M %Z"), os.cpu_count(), cpu, args.moat_version,
        (igz.stdout + igz.stderr).strip().splitlines()[0].split()[-1]))
    L.append("")
    L.append("Image: %d gzip layers, %.0f MiB compressed, %.0f MiB uncompressed (layer tars); "
             "%d packages in dpkg's status." % (len(blobs), gz / 2**20,
                                               res["sizes"]["uncompressed_layers"] / 2**20,
                                               res["counts"]["dpkg"]))
    L.append("")
    L.append("| case | wall s (median) | cpu s (median) | peak RSS MiB (max) | runs | found |")
    L.append("|---|---|---|---|---|---|")
    mc = res["counts"]["moat"]
    found = {"moat_oci": "%d packages (%d deb)" % (mc["components"], mc["deb"])}
    for key in tarballs:
        c = res["counts"].get("trivy_" + key)
        if c is not None:
            found["trivy_" + key] = ("%d packages (%d deb)" % (c["packages"], c["deb"]) if "error" not in c
                                     else "could not read it: %s" % (" ".join(c["error"]) or "exit 1, no message"))
    names = [("igzip", "igzip -dc of the 4 gzip blobs (baseline)"),
             ("moat_oci", "moat sbom oci:LAYOUT (the gzip blobs)"),
             ("moat_oci_archive", "moat sbom oci-archive (gzip layers)"),
             ("moat_docker_gz", "moat sbom docker-archive, gzip layers"),
             ("moat_docker", "moat sbom docker-archive, uncompressed layers (skopeo)"),
             ("moat_oci_t1", "moat sbom --threads 1 oci:LAYOUT"),
             ("trivy_oci_archive", "trivy --input oci-archive (gzip layers)"),
             ("trivy_docker_gz", "trivy --input docker-archive, gzip layers"),
             ("trivy_docker", "trivy --input docker-archive, uncompressed layers (skopeo)")]
    for key, label in names:
        if key in cases:
            L.append(fmt_row(label, cases[key], found.get(key, "")))
        elif key in found:
            L.append("| %s | - | - | - | 0 | %s |" % (label, found[key]))
    L.append("")

    verdicts = []
    for key, label in (("moat_oci", "oci layout"), ("moat_docker_gz", "docker-archive, gzip layers")):
        r = paired(cases, key, "igzip")
        verdicts.append(("moat sbom (%s) / igzip -dc, wall" % label, r, "<= %.1f" % GOAL_IGZIP,
                         r <= GOAL_IGZIP))
    for key, label in (("docker_gz", "docker-archive, gzip layers"),
                       ("docker", "docker-archive, uncompressed layers"),
                       ("oci_archive", "oci-archive")):
        if "trivy_" + key in cases:
            r = paired(cases, "trivy_" + key, "moat_" + key)
            verdicts.append(("trivy / moat (%s), wall" % label, r, ">= %.0f" % GOAL_TRIVY, r >= GOAL_TRIVY))
    # A fast scan that missed packages would be no result: every package in
    # dpkg's status must be in moat's SBOM.
    verdicts.append(("moat deb packages found / in dpkg status", mc["deb"] / max(res["counts"]["dpkg"], 1),
                     "= 1", mc["deb"] == res["counts"]["dpkg"]))
    rss = max(c["rss_mib"] for k, c in cases.items() if k.startswith("moat"))
    rss = max([rss] + [s["rss_mib"] for s in scaling])
    verdicts.append(("moat peak RSS, any image, MiB", rss, "<= %d" % GOAL_RSS_MIB, rss <= GOAL_RSS_MIB))
    r_t1 = paired(cases, "moat_oci_t1", "moat_oci")
    L.append("Ratios are medians over rounds of the ratio within each round (wall time).")
    L.append("")
    L.append("| goal | measured | target | result |")
    L.append("|---|---|---|---|")
    for label, val, target, ok in verdicts:
        L.append("| %s | %.2f | %s | %s |" % (label, val, target, "PASS" if ok else "FAIL"))
    L.append("")
    cpu_ratios = ["moat (oci layout) / igzip = %.2f" % (cases["moat_oci"]["cpu"] / cases["igzip"]["cpu"])]
    for key in trivy_ok:
        cpu_ratios.append("trivy / moat (%s) = %.2f" % (
            key, cases["trivy_" + key]["cpu"] / cases["moat_" + key]["cpu"]))
    L.append("CPU time (user+sys, all threads; steadier than wall on a busy machine): %s." %
             ", ".join(cpu_ratios))
    L.append("Threads: --threads 1 / default (%d CPUs) = %.2f (wall)." % (os.cpu_count(), r_t1))
    L.append("")
    L.append("Memory scaling (moat sbom oci:LAYOUT:TAG, %d runs each):" % n)
    L.append("")
    L.append("| image | layers | gzip MiB | components | wall s | peak RSS MiB |")
    L.append("|---|---|---|---|---|---|")
    for s in scaling:
        L.append("| %s | %d | %.0f | %d | %.2f | %.1f |" % (s["tag"], s["layers"], s["gzip"] / 2**20,
                                                          s["components"], s["wall"], s["rss_mib"]))
    L.append("")
    busy = res["load_max"] > 1.5 * os.cpu_count()  # the benchmark alone keeps ~2 threads runnable
    L.append("Load average (1 min) before / highest during / after: %.2f / %.2f / %.2f on %d CPUs%s" % (
        res["load_before"][0], res["load_max"], res["load_after"][0], os.cpu_count(),
        " -- the machine was busy: other work shared the CPUs, ratios are noisy" if busy else "."))
    text = "\n".join(L) + "\n"
    if not trivy_ok:
        text += "\nTrivy was not measured (not installed or it read no tarball); the 5x goal is unchecked.\n"
    print(text)
    os.makedirs(args.out, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(args.out, "results-%s.md" % stamp), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "results-%s.json" % stamp), "w") as f:
        json.dump(res, f, indent=1)
    print("results written to %s/results-%s.{md,json}" % (args.out, stamp), file=sys.stderr)
    return 0 if all(v[3] for v in verdicts) and trivy_ok else 1


if __name__ == "__main__":
    sys.exit(main())
