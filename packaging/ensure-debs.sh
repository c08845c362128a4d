#!/usr/bin/env bash
# Usage: ensure-debs.sh PACKAGE...  Installs the Debian packages that are not installed yet.
# As root it uses apt-get; otherwise it prints the command a user should run and goes on.
set -euo pipefail
command -v dpkg-query >/dev/null 2>&1 || exit 0
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing system packages; run: sudo apt-get install ${missing[*]}" >&2
fi
