#!/bin/sh
# Acceptance test of the Debian package (issue 17), `make test-deb`:
#   1. builds it (make deb: dpkg-buildpackage -us -uc -b, lintian),
#   2. debootstraps a fresh minimal Debian 12 (bookworm) root and installs
#      the package there with apt-get (dependencies from the mirror),
#   3. there: merit --version, man merit, man merit.ini, the merit user and
#      /var/lib/merit, the units installed but not enabled, systemd-analyze
#      verify on them (systemd and man-db are added for that), then
#      merit validate and merit run, as the merit user, on a copy of the
#      shipped example (/usr/share/doc/merit/examples),
#   4. compares that run's results.csv with `make run`'s, byte for byte
#      (and reports whether workbook and letters are identical too).
# Prints PASS/FAIL lines, each step's time, and "N passed, N failed".
# Needs root, debootstrap and the Debian mirror; ~5-10 minutes.
#   sh tools/check-deb.sh [ROOTFS]      (default: a new /var/tmp/merit-deb.XXXXXX,
#                                        removed afterwards unless KEEP=1)
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ "$(id -u)" = 0 ] || { echo "check-deb: needs root (debootstrap, chroot)" >&2; exit 1; }
F=${1:-$(mktemp -d /var/tmp/merit-deb.XXXXXX)}
# mktemp makes it 0700: the root's / must let user merit through.
chmod 755 "$F"
MIRROR=${MIRROR:-http://deb.debian.org/debian}
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
arch=$(dpkg --print-architecture)
deb=out/deb/merit_${version}_${arch}.deb
passed=0 failed=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1: $2"; failed=$((failed + 1)); }
t0=$(date +%s)
step() { echo "== $1 ($(($(date +%s) - t0)) s)"; }

cleanup() {
	for m in "$F/dev/pts" "$F/dev" "$F/proc"; do
		mountpoint -q "$m" 2>/dev/null && umount "$m"
	done
	# Never remove a root that still has something mounted in it.
	if [ -z "${KEEP:-}" ] && ! grep -q " $F/" /proc/mounts; then
		rm -rf "$F"
		[ "$failed" = 0 ] && rm -f "$F".*
	fi
	[ "$failed" = 0 ] || echo "logs: $F.*"
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM

step "make deb"
if make --no-print-directory deb >"$F.build.log" 2>&1 && [ -f "$deb" ]; then
	pass "make deb builds $deb ($(du -k "$deb" | cut -f1) KiB)"
	grep '^[EWI]: ' "$F.build.log" | sed 's/^/  lintian: /'
else
	fail "make deb" "$(tail -n 20 "$F.build.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi

step "make run (the figures to compare with)"
make --no-print-directory run >"$F.run.log" 2>&1 || fail "make run" "$(tail -n 5 "$F.run.log")"

step "debootstrap bookworm into $F"
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
if [ ! -x "$F/bin/bash" ]; then
	debootstrap --variant=minbase bookworm "$F" "$MIRROR" >"$F.debootstrap.log" 2>&1 ||
		{ fail "debootstrap" "$(tail -n 5 "$F.debootstrap.log")"; exit 1; }
fi
cp /etc/resolv.conf "$F/etc/resolv.conf"
mount -t proc proc "$F/proc"
mount --bind /dev "$F/dev"
mount --bind /dev/pts "$F/dev/pts"
cp "$deb" "$F/tmp/"

step "apt-get install ./$(basename "$deb") in the fresh root"
chroot "$F" /bin/sh -c "export DEBIAN_FRONTEND=noninteractive
	apt-get update -q && apt-get install -y -q /tmp/$(basename "$deb")" >"$F.install.log" 2>&1
if [ $? = 0 ]; then
	pass "apt-get install ./$(basename "$deb") on a fresh Debian $(cat "$F/etc/debian_version")"
else
	fail "apt-get install" "$(tail -n 10 "$F.install.log")"
	exit 1
fi

# Everything below runs inside the root; one line per check.
in_root() { chroot "$F" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

got=$(in_root merit --version 2>&1)
case "$got" in
"merit $version (commit "*) pass "installed merit --version: $got" ;;
*) fail "installed merit --version" "$got" ;;
esac
# (stat inside the root: its uids are not the host's)
owner=$(in_root stat -c '%U %a' /var/lib/merit 2>&1)
if in_root id merit >/dev/null 2>&1 && [ "$owner" = "merit 700" ]; then
	pass "system user merit ($(in_root id merit)), /var/lib/merit: $owner"
else
	fail "system user merit" "$(in_root id merit 2>&1); /var/lib/merit: $owner"
fi

step "man-db and systemd for the man and unit checks"
chroot "$F" /bin/sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends man-db systemd" \
	>"$F.install2.log" 2>&1 || fail "apt-get install man-db systemd" "$(tail -n 5 "$F.install2.log")"
units=$(cd "$F/lib/systemd/system" && ls merit* | tr '\n' ' ')
enabled=$(in_root systemctl is-enabled merit.timer 2>&1)
if [ "$enabled" = disabled ] && [ ! -e "$F/etc/systemd/system/timers.target.wants/merit.timer" ]; then
	pass "units in /lib/systemd/system ($units), merit.timer $enabled"
else
	fail "units installed, not enabled" "$units; merit.timer: $enabled"
fi
for page in merit merit.ini; do
	if in_root sh -c "MANWIDTH=80 man --warnings $page" >"$F.man" 2>"$F.manerr" &&
	   [ ! -s "$F.manerr" ] && grep -q '^SEE ALSO' "$F.man"; then
		pass "man $page ($(wc -l <"$F.man") lines, no warning)"
	else
		fail "man $page" "$(head -c 400 "$F.manerr")"
	fi
done
in_root systemd-analyze verify /lib/systemd/system/merit.service /lib/systemd/system/merit.timer \
	/lib/systemd/system/merit-mail.service /lib/systemd/system/merit-failure@.service >"$F.verify" 2>&1
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$F.verify" ]; then
	pass "systemd-analyze verify on the installed units (man pages checked too)"
else
	fail "systemd-analyze verify" "rc=$rc $(head -c 600 "$F.verify")"
fi

step "merit validate and merit run on the shipped example, as user merit"
in_root sh -c 'cp -r /usr/share/doc/merit/examples /var/lib/merit/demo && chown -R merit:merit /var/lib/merit/demo'
in_root runuser -u merit -- merit validate -c /var/lib/merit/demo/config/merit.ini >"$F.validate" 2>&1
rc=$?
if [ "$rc" = 0 ]; then
	pass "merit validate: $(head -n 1 "$F.validate")"
else
	fail "merit validate" "rc=$rc $(head -c 600 "$F.validate")"
fi
s=$(date +%s)
in_root runuser -u merit -- merit run -c /var/lib/merit/demo/config/merit.ini >"$F.runout" 2>&1
rc=$?
secs=$(($(date +%s) - s))
P=$F/var/lib/merit/demo/out/2026-10
if [ "$rc" = 0 ] && [ ! -s "$F.runout" ] && [ -f "$P/results.csv" ]; then
	pass "merit run: exit 0, silent, $(ls "$P/letters" | wc -l) letters in $secs s"
else
	fail "merit run" "rc=$rc $(head -c 600 "$F.runout")"
fi

step "compare with make run"
R=out/2026-10
if cmp -s "$P/results.csv" "$R/results.csv"; then
	# bonus is column 10 (SPEC 10); the sum is the pool.
	sum=$(awk -F, 'NR > 1 { s += $10 } END { printf "%.2f", s }' "$R/results.csv")
	pass "results.csv identical to make run's ($(($(wc -l <"$R/results.csv") - 1)) employees, bonuses sum to $sum, sha256 $(sha256sum "$R/results.csv" | cut -c1-16))"
else
	fail "results.csv identical to make run's" "$(diff "$P/results.csv" "$R/results.csv" | head -n 10)"
fi
same=0 differ=""
for f in "$R"/merit-*.xlsx "$R"/letters/*.pdf; do
	rel=${f#"$R"/}
	if cmp -s "$f" "$P/$rel"; then same=$((same + 1)); else differ="$differ $rel"; fi
done
echo "  workbook and letters byte-identical to make run's: $same files${differ:+; differ:$differ}"

step "done"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
