#!/usr/bin/env bash
# Check a built .deb the way the studio's IT person meets it, on a Debian/Ubuntu machine
# where this may install packages (CI): packaging/check-deb.sh dist/xinhe_VERSION_amd64.deb
#  1. dpkg-deb --info / --contents: control fields, the Qt libraries .ci/run lists in
#     Depends, gnome-keyring in Recommends, the files and nothing outside /opt and /usr;
#  2. dpkg -i, a vault made in a user's data folder, the smoke test through /usr/bin/xinhe;
#  3. dpkg -r: the program is gone and the vault is still there, byte for byte.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DEB="$1"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
fail() { echo "FAILED: $1"; exit 1; }

echo "checking $DEB"
field() { dpkg-deb --field "$DEB" "$1"; }
[ "$(field Package)" = xinhe ] || fail "Package"
[ "$(field Architecture)" = amd64 ] || fail "Architecture"
[[ "$(field Version)" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "Version"
# Package names in Depends, alternatives included, without version constraints.
depends="$(field Depends | tr ',|' '\n\n' | sed 's/(.*)//; s/ //g')"
# Every Qt runtime library the CI installs for the app is a dependency of the package.
for lib in $(sed -n '/^PACKAGES=(/,/^)/p' "$HERE/../.ci/run" | tr ' ' '\n' \
             | grep -E '^lib(egl|gl|fontconfig|freetype|dbus|xkbcommon|x11-xcb|xcb-)'); do
  grep -qx "$lib" <<<"$depends" || fail "Depends lacks $lib"
done
[ "$(field Recommends)" = gnome-keyring ] || fail "Recommends"
# Read the whole output first: under pipefail, grep -q closing the pipe early would make
# dpkg-deb die of SIGPIPE and fail the check at random.
info="$(dpkg-deb --info "$DEB")"
grep -q "Description: Xinhe" <<<"$info" || fail "Description"

contents="$(dpkg-deb --contents "$DEB" \
  | awk '{line = $6; if ($7 != "") line = line " " $7 " " $8; print line}')"
for path in ./opt/xinhe/xinhe ./usr/share/applications/xinhe.desktop \
            ./usr/share/icons/hicolor/256x256/apps/xinhe.png ./usr/share/doc/xinhe/copyright \
            ./opt/xinhe/_internal/xinhe/resources/templates/general_intake.json \
            ./opt/xinhe/_internal/xinhe/resources/i18n/xinhe_zh_CN.qm; do
  grep -qx "$path" <<<"$contents" || fail "missing $path"
done
grep -qx "./usr/bin/xinhe -> /opt/xinhe/xinhe" <<<"$contents" || fail "/usr/bin/xinhe link"
outside="$(grep -vE '^\./((opt|usr|usr/share)/)?$|^\./opt/xinhe/|^\./usr/bin/|^\./usr/share/(applications|icons|doc)/' \
           <<<"$contents" || true)"
[ -z "$outside" ] || fail "files outside /opt/xinhe and /usr: $outside"
echo "  control fields and contents ok"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
$SUDO dpkg -i "$DEB" >/dev/null || fail "dpkg -i"
[ "$(command -v xinhe)" = /usr/bin/xinhe ] || fail "xinhe is not on the PATH"
echo "  installed: $(xinhe --version)"

# A studio's vault in a user's data folder, made by the installed program.
export XDG_DATA_HOME="$WORK/data"
printf 'studio-admin-pass\n' | xinhe --lang en init --org "Test studio" --admin admin \
  >"$WORK/init.txt" || fail "xinhe init: $(tail -2 "$WORK/init.txt")"
VAULT="$XDG_DATA_HOME/xinhe/vault"
[ -f "$VAULT/vault.db" ] || fail "no vault in the data folder"
(cd "$VAULT" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$WORK/before"

"$HERE/smoke.sh" /usr/bin/xinhe

$SUDO dpkg -r xinhe >/dev/null || fail "dpkg -r"
[ ! -e /opt/xinhe ] && [ ! -e /usr/bin/xinhe ] || fail "the program is still installed"
(cd "$VAULT" && sha256sum --quiet -c "$WORK/before") || fail "the vault changed on removal"
echo "  removed: the program is gone, the vault in the data folder is unchanged"
echo "package check passed"
