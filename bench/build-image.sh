#!/bin/sh
# Builds the benchmark image for bench/run.sh from real Debian packages and
# caches it, so the timing runs never pay for the build.
#
# Layer 1 is a debootstrap minbase bookworm root filesystem packed by umoci;
# layers 2-4 each install one group of real packages with apt-get inside a
# chroot of the unpacked bundle and are packed with `umoci repack` (gzip
# layers, ~1 GB together). The OCI layout keeps the gzip blobs; skopeo then
# writes an oci-archive (the same gzip blobs) and a docker-archive (skopeo
# stores its layers uncompressed there), and oci2docker.py a docker-archive
# holding the gzip blobs themselves: the tarball both moat and Trivy read
# with the same inflating to do. The layout's tags base, l2 and l3 (the
# first 1, 2, 3 layers) serve the memory-scaling check.
#
# Reproducible in content, not bit for bit: the recipe (package groups below)
# names the cache directory, and the exact package versions that went in are
# written to packages.txt (bookworm moves only with point releases).
#
# Usage: bench/build-image.sh            builds if missing, prints the directory
# Env:   MOAT_BENCH_CACHE  cache root (default ~/.cache/moat-bench)
#        MOAT_DEBIAN_MIRROR (default http://deb.debian.org/debian)
# Needs: root, debootstrap, umoci, skopeo, python3, network to the mirror.
set -eu

CACHE=${MOAT_BENCH_CACHE:-$HOME/.cache/moat-bench}
MIRROR=${MOAT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm

# One group per layer, chosen so the four gzip layers add up to ~1 GB of
# real, varied content: ELF toolchains (C, C++, Go), then runtimes with
# language packages (a JDK and Maven's jars, Python dist-info, node modules,
# Ruby gemspecs), then an office suite and TeX. Sizes at the time of writing:
# ~1.2 GB, ~1.1 GB and ~0.5 GB installed (dpkg Installed-Size).
L2="build-essential git cmake ninja-build gdb clang golang-go"
L3="openjdk-17-jdk-headless maven python3-numpy python3-scipy python3-pandas nodejs npm ruby"
L4="libreoffice-core libreoffice-writer libreoffice-calc texlive-latex-base"

RECIPE_ID=$(printf '%s\n' "$SUITE" "$L2" "$L3" "$L4" | sha256sum | cut -c1-12)
DIR=$CACHE/image-$RECIPE_ID

# The gzip docker-archive is derived from the layout; made here too so an
# image cached before it existed gains it without a rebuild.
gzip_docker_archive() {
    if [ ! -f "$DIR/image.docker-gz.tar" ]; then
        python3 "$(dirname "$0")/oci2docker.py" "$DIR/layout" bench "$DIR/image.docker-gz.tar" moat-bench:gzip
    fi
}

if [ -f "$DIR/done" ]; then
    gzip_docker_archive
    echo "$DIR"
    exit 0
fi

for tool in debootstrap umoci skopeo python3 chroot mount; do
    command -v "$tool" >/dev/null 2>&1 || { echo "build-image.sh: missing $tool (apt-get install $tool)" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "build-image.sh: needs root (debootstrap, chroot)" >&2; exit 2; }

say() { printf '[build-image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

ROOT=$DIR/bundle/rootfs
unmount_all() {
    for m in "$ROOT/proc" "$ROOT/dev/pts" "$ROOT/dev"; do
        if mountpoint -q "$m" 2>/dev/null; then umount "$m" || umount -l "$m" || :; fi
    done
}
trap unmount_all EXIT
trap 'unmount_all; exit 130' INT TERM

rm -rf "$DIR"
mkdir -p "$DIR"
LOG=$DIR/build.log
say "building in $DIR (log: $LOG)"

say "layer 1: debootstrap --variant=minbase $SUITE"
debootstrap --variant=minbase "$SUITE" "$DIR/rootfs" "$MIRROR" >>"$LOG" 2>&1
umoci init --layout "$DIR/layout" >>"$LOG" 2>&1
umoci new --image "$DIR/layout:base" >>"$LOG" 2>&1
umoci insert --image "$DIR/layout:base" --history.created_by "debootstrap --variant=minbase $SUITE" \
    "$DIR/rootfs" / >>"$LOG" 2>&1
rm -rf "$DIR/rootfs"
umoci unpack --image "$DIR/layout:base" "$DIR/bundle" >>"$LOG" 2>&1

# Installs one package group into the bundle the way a Dockerfile RUN line
# would (apt lists and downloaded .debs removed in the same step), then packs
# the difference as a new layer.
add_layer() {
    tag=$1
    shift
    say "layer $tag: apt-get install $*"
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod 755 "$ROOT/usr/sbin/policy-rc.d"
    mount -t proc proc "$ROOT/proc"
    mount --bind /dev "$ROOT/dev"
    mount --bind /dev/pts "$ROOT/dev/pts"
    chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin sh -c \
        'apt-get -o Acquire::Retries=3 update && apt-get -o Acquire::Retries=3 install -y --no-install-recommends "$@" && apt-get clean && rm -rf /var/lib/apt/lists/*' \
        apt "$@" >>"$LOG" 2>&1
    unmount_all
    rm -f "$ROOT/usr/sbin/policy-rc.d"
    umoci repack --refresh-bundle --image "$DIR/layout:$tag" \
        --history.created_by "apt-get install --no-install-recommends $*" "$DIR/bundle" >>"$LOG" 2>&1
}

# shellcheck disable=SC2086 # the groups are word lists on purpose
add_layer l2 $L2
# shellcheck disable=SC2086
add_layer l3 $L3
# shellcheck disable=SC2086
add_layer bench $L4

say "packages.txt: what went in"
dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Package}\t${Version}\t${Architecture}\n' \
    >"$DIR/packages.txt"

say "skopeo: oci-archive and docker-archive"
skopeo copy "oci:$DIR/layout:bench" "oci-archive:$DIR/image.oci.tar:bench" >>"$LOG" 2>&1
skopeo copy "oci:$DIR/layout:bench" "docker-archive:$DIR/image.docker.tar:moat-bench:latest" >>"$LOG" 2>&1

gzip_docker_archive

rm -rf "$DIR/bundle"
touch "$DIR/done"
say "done"
echo "$DIR"
