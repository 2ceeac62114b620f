#!/bin/sh
# Proves the README's two commands on a fresh Debian 12: debootstraps a
# minimal bookworm into a folder, clones this repository's HEAD into it and
# runs `make run` and `make test` there as root (only `make` itself is
# installed first; everything else comes from tools/deps.sh). Needs root,
# debootstrap and the Debian mirror; takes ~10 minutes. Not part of make test.
#   sh tools/check-fresh-debian.sh [ROOTFS]     (default /var/tmp/merit-fresh)
set -eu
F=${1:-/var/tmp/merit-fresh}
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap
[ -x "$F/bin/bash" ] || debootstrap --variant=minbase bookworm "$F" http://deb.debian.org/debian
cp /etc/resolv.conf "$F/etc/resolv.conf"
mountpoint -q "$F/proc" || mount -t proc proc "$F/proc"
mountpoint -q "$F/dev" || mount --bind /dev "$F/dev"
mountpoint -q "$F/dev/pts" || mount --bind /dev/pts "$F/dev/pts"
trap 'umount "$F/dev/pts" "$F/dev" "$F/proc" 2>/dev/null || true' EXIT
rm -rf "$F/root/merit"
git clone -q "$repo" "$F/root/merit"
chroot "$F" /bin/sh -eu -c '
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null && apt-get install -y -q make >/dev/null
	cd /root/merit
	make run
	ls -l out/*/
	make test 2>&1 | tail -n 3
'
