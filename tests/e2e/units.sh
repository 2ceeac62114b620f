#!/bin/sh
# contrib/systemd: `systemd-analyze verify` accepts the units (with
# /usr/bin/merit pointed at the binary under test, and the man page check
# off: the pages are not installed here; tools/check-deb.sh verifies the
# installed units as they are), and the timer and the sandbox say what
# README promises.
. "$(dirname "$0")/lib.sh"
T=$(scratch units)
U=contrib/systemd

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze not installed"
	exit 0
fi
for f in "$U"/*.service "$U"/*.timer; do
	sed "s|/usr/bin/merit |$MERIT |" "$f" >"$T/$(basename "$f")"
done
( cd "$T" && systemd-analyze verify --man=no merit.service merit.timer merit-mail.service \
	merit-failure@.service ) >"$T/verify" 2>&1
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$T/verify" ]; then
	pass "systemd-analyze verify contrib/systemd/*"
else
	fail "systemd-analyze verify contrib/systemd/*" "rc=$rc $(head -c 800 "$T/verify")"
fi

# What the issue asks of the units, key by key.
missing=""
for kv in Type=oneshot User=merit UMask=0077 ProtectSystem=strict ReadWritePaths=/var/lib/merit \
	  PrivateTmp=yes NoNewPrivileges=yes OnFailure=merit-failure@%n.service; do
	for s in merit.service merit-mail.service; do
		grep -qx "$kv" "$U/$s" || missing="$missing $s:$kv"
	done
done
grep -qx 'EnvironmentFile=-/etc/merit/merit.env' "$U/merit-mail.service" || missing="$missing merit-mail.service:EnvironmentFile"
grep -qx 'OnCalendar=\*-\*-01 06:00' "$U/merit.timer" || missing="$missing merit.timer:OnCalendar"
grep -qx 'Persistent=true' "$U/merit.timer" || missing="$missing merit.timer:Persistent"
if [ -z "$missing" ]; then
	pass "units: oneshot, user merit, UMask, sandbox, OnFailure, timer on the 1st at 06:00"
else
	fail "units: oneshot, user merit, UMask, sandbox, OnFailure, timer on the 1st at 06:00" "missing:$missing"
fi

# The timer fires on the 1st at 06:00 (systemd's own calendar parser).
next=$(systemd-analyze calendar --iterations=2 '*-*-01 06:00' 2>&1 | sed -n 's/.*Next elapse: *[A-Za-z]* //p; s/.*Iter. #2: *[A-Za-z]* //p' | tr '\n' ' ')
case "$next" in
*-01\ 06:00:00*-01\ 06:00:00*) pass "OnCalendar=*-*-01 06:00 elapses on the 1st at 06:00 ($next)" ;;
*) fail "OnCalendar=*-*-01 06:00 elapses on the 1st at 06:00" "got: $next" ;;
esac

# The cron line runs the same command as the service.
cmd=$(sed -n 's/^ExecStart=//p' "$U/merit.service")
if grep -q "^0 6 1 \* \*  merit  $cmd\$" contrib/cron/merit; then
	pass "contrib/cron/merit runs what merit.service runs, on the 1st at 06:00"
else
	fail "contrib/cron/merit runs what merit.service runs" "ExecStart '$cmd'"
fi
