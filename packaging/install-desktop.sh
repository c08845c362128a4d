#!/usr/bin/env bash
# Usage: install-desktop.sh [--no-udev] [BINARY]
# Puts SerialPOS in the desktop's application menu for this user: the .desktop file into
# $XDG_DATA_HOME/applications and the icon into $XDG_DATA_HOME/icons/hicolor (XDG_DATA_HOME
# defaults to ~/.local/share). The installed .desktop file starts BINARY by its absolute
# path; without one: the built app next to this script (a copied dist/serialpos/ folder),
# else the repository's dist/serialpos/serialpos, else `serialpos` on PATH.
# As root it also installs the udev rule for scanners and printers; otherwise it says how.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
udev=1
if [ "${1:-}" = "--no-udev" ]; then udev=0; shift; fi

# Our files: next to this script in a built folder, or in the repository's layout.
find_file() {
  for candidate in "$here/$1" "$here/../$2/$1"; do
    [ -f "$candidate" ] && { echo "$candidate"; return; }
  done
  echo "install-desktop: $1 not found next to $here" >&2
  exit 1
}
desktop_in="$(find_file serialpos.desktop packaging)"
icon="$(find_file serialpos.svg resources)"
rules="$(find_file 99-serialpos.rules packaging)"

binary="${1:-}"
if [ -z "$binary" ]; then
  for candidate in "$here/serialpos" "$here/../dist/serialpos/serialpos"; do
    [ -x "$candidate" ] && [ -f "$candidate" ] && { binary="$candidate"; break; }
  done
fi
[ -n "$binary" ] || binary="$(command -v serialpos || true)"
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
  echo "install-desktop: no SerialPOS binary found: run 'make dist' first, or name it" >&2
  exit 1
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

data="${XDG_DATA_HOME:-$HOME/.local/share}"
apps="$data/applications"
icons="$data/icons/hicolor/scalable/apps"
mkdir -p "$apps" "$icons"
install -m 644 "$icon" "$icons/serialpos.svg"
# The committed file says `Exec=serialpos gui`; the installed one names the binary itself.
sed "s|^Exec=.*|Exec=\"$binary\" gui|" "$desktop_in" > "$apps/serialpos.desktop.new"
chmod 644 "$apps/serialpos.desktop.new"
mv "$apps/serialpos.desktop.new" "$apps/serialpos.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 \
  && gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
echo "installed $apps/serialpos.desktop (Exec=\"$binary\" gui) and $icons/serialpos.svg"

[ "$udev" -eq 1 ] || exit 0
group="$(grep -o 'GROUP="[^"]*"' "$rules" | head -1 | cut -d'"' -f2)"
if [ "$(id -u)" -eq 0 ]; then
  install -m 644 "$rules" /etc/udev/rules.d/99-serialpos.rules
  groupadd -f --system "$group"
  if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload || true
    udevadm trigger || true
  fi
  echo "installed /etc/udev/rules.d/99-serialpos.rules; add the till's user to the group:"
  echo "  usermod -aG $group USER   (then log out and in again)"
else
  echo "scanners and printers without root: as root, install the udev rule and join its group:"
  echo "  sudo install -m 644 $rules /etc/udev/rules.d/"
  echo "  sudo groupadd -f --system $group; sudo usermod -aG $group ${USER:-$(id -un)}"
  echo "  sudo udevadm control --reload && sudo udevadm trigger   (then log out and in again)"
fi
