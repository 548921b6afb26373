#!/bin/sh
# bench/integrity.sh - the integrity detector's cost on the benchmark image
# (docs/PERFORMANCE.md, "Integrity detector"): ROUNDS rounds of `moat sbom`,
# `moat scan` with no detector and no vulnerability database, and `moat
# scan --scanners integrity`, each under GNU time. One line per run: case,
# wall s, user s, sys s, peak RSS KiB, load average. CPU (user+sys) is the
# comparable figure on a shared machine.
#
#     bench/integrity.sh [MOAT] [ROUNDS]
set -eu
M=${1:-$(dirname "$0")/../build/moat}
R=${2:-3}
L=$(ls -d "$HOME"/.cache/moat-bench/image-*/layout | head -n 1)
T=$(mktemp)
trap 'rm -f "$T"' EXIT
i=1
while [ "$i" -le "$R" ]; do
    for c in sbom base integrity; do
        case $c in
        sbom) set -- sbom "oci:$L:bench" ;;
        base) set -- scan --no-vulns --scanners vuln -f json "oci:$L:bench" ;;
        integrity) set -- scan --no-vulns --scanners integrity -f json "oci:$L:bench" ;;
        esac
        /usr/bin/time -f "$c %e %U %S %M" -o "$T" "$M" "$@" > /dev/null 2>&1 || true
        echo "round $i $(cat "$T") load $(cut -d' ' -f1 /proc/loadavg)"
    done
    i=$((i + 1))
done
