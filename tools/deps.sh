#!/bin/sh
# Install the Debian packages listed in tools/debian-packages.txt that are
# missing. Silent when nothing is missing; installs them when run as root;
# otherwise prints the apt-get command to run and fails.
#   tools/deps.sh [LIST]   (default: tools/debian-packages.txt)
set -eu
list=${1:-$(dirname "$0")/debian-packages.txt}
missing=""
for p in $(grep -v '^#' "$list" | tr -s ' \n' ' '); do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "merit: missing Debian packages:$missing" >&2
	echo "hint: run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "merit: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
