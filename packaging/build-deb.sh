#!/usr/bin/env bash
# Package a frozen build as a Debian package (amd64):
#   packaging/build-deb.sh [FROZEN_DIR] [OUT_DIR]   (defaults: dist/xinhe, dist)
# The frozen folder goes to /opt/xinhe, the command to /usr/bin/xinhe (a symlink), the menu
# entry and icon to /usr/share. No maintainer scripts: dpkg's triggers refresh the menu and
# icon caches, and nothing outside these paths (no user's vault) is ever touched.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
FROZEN="${1:-$HERE/../dist/xinhe}"
OUT="${2:-$HERE/../dist}"
[ -x "$FROZEN/xinhe" ] || { echo "no frozen build at $FROZEN (run packaging/build-linux.sh)"; exit 1; }
[ "$(dpkg --print-architecture)" = amd64 ] || { echo "this script builds amd64 only"; exit 1; }

VERSION="$("$FROZEN/xinhe" --version | awk '{print $2}')"
GLIBC="$(dpkg-query -W -f='${Version}' libc6 | sed 's/-.*//')"  # the build machine's: the floor
ROOT="$(mktemp -d)"
chmod 0755 "$ROOT"
trap 'rm -rf "$ROOT"' EXIT

mkdir -p "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/icons/hicolor/256x256/apps" "$ROOT/usr/share/doc/xinhe" "$ROOT/DEBIAN"
cp -a "$FROZEN" "$ROOT/opt/xinhe"
ln -s /opt/xinhe/xinhe "$ROOT/usr/bin/xinhe"
install -m 0644 "$HERE/linux/xinhe.desktop" "$ROOT/usr/share/applications/xinhe.desktop"
install -m 0644 "$HERE/xinhe.png" "$ROOT/usr/share/icons/hicolor/256x256/apps/xinhe.png"
install -m 0644 "$HERE/linux/copyright" "$ROOT/usr/share/doc/xinhe/copyright"
chmod -R u=rwX,go=rX "$ROOT/opt/xinhe"

SIZE="$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$SIZE/" -e "s/@GLIBC@/$GLIBC/" \
  "$HERE/linux/control.in" >"$ROOT/DEBIAN/control"
(cd "$ROOT" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z \
  | xargs -0 md5sum | sed 's| \./| |' >DEBIAN/md5sums)

mkdir -p "$OUT"
DEB="$OUT/xinhe_${VERSION}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$ROOT" "$DEB" >/dev/null
echo "$DEB"
