#!/bin/sh
# Installs everything moat needs to build and to run its test suite on Debian 12.
# Build dependencies are Debian packages only; the test oracles and validators
# (reference implementations we did not write) come from Debian and npm.
set -eu
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

BUILD="build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libarchive-dev libisal-dev libzstd-dev libjansson-dev libyaml-dev libsqlite3-dev
  libcurl4-openssl-dev libssl-dev libcmocka-dev zlib1g-dev libyara-dev libhyperscan-dev"
TEST="python3 zstd isal docker-registry apache2-utils skopeo umoci debootstrap dpkg
  ca-certificates curl ruby rpm db5.3-util gpg gpg-agent openssl
  golang-go binutils zip unzip libslf4j-java libcommons-io-java libguava-java
  liberror-prone-java libatinject-jsr330-api-java
  python3-apt python3-rpm lz4
  golang-golang-x-mod-dev librust-semver-dev
  maven openjdk-17-jdk-headless python3-packaging php-cli php-composer-semver time
  chromium"
# Node.js runs the schema validators and the npm semver oracle; use the
# machine's own when it has one (Debian's nodejs conflicts with other installs).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || TEST="$TEST nodejs npm"
# Rust builds the cargo-auditable test program; a rustup toolchain in ~/.cargo
# does as well as Debian's.
command -v cargo >/dev/null 2>&1 || [ -x "$HOME/.cargo/bin/cargo" ] || TEST="$TEST cargo rustc"

if [ "${1:-}" = "--build-only" ]; then PKGS="$BUILD"; else PKGS="$BUILD $TEST"; fi
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
  $SUDO apt-get update -q
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi
