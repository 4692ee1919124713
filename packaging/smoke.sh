#!/usr/bin/env bash
# Smoke test of an installed or frozen Xinhe:
#   packaging/smoke.sh [XINHE_COMMAND [OLD_VAULTS_DIR]]   (default: dist/xinhe/xinhe)
# With OLD_VAULTS_DIR (tests/fixtures/vaults), every old-version vault there is also opened
# and upgraded by this program, after its automatic backup. Checks what an IT person checks after installing:
# the version line, the shipped templates, a demo vault (production KDF), a signed referral
# that verifies (and a tampered copy that does not), the vault opened from the command
# line, and the desktop app's unlock window (offscreen). Exit 0 when all pass.
set -euo pipefail
XINHE="${1:-$(dirname "$0")/../dist/xinhe/xinhe}"
OLD_VAULTS="${2:-}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
VAULT="$WORK/vault"
export QT_QPA_PLATFORM=offscreen

step() { printf '  %-58s' "$1"; }
ok() { echo "ok${1:+ ($1)}"; }
fail() { echo "FAILED: $1"; exit 1; }

echo "smoke test of $XINHE"
step "xinhe --version names version, schema and SQLCipher"
version="$("$XINHE" --version)"
pattern='^xinhe [0-9.]+ [(]schema [0-9]+, SQLCipher [0-9]'
[[ "$version" =~ $pattern ]] || fail "$version"
ok "$version"

step "xinhe templates check"
"$XINHE" --lang en templates check >"$WORK/templates.txt" || fail "$(tail -3 "$WORK/templates.txt")"
grep -q "general_intake" "$WORK/templates.txt" || fail "the shipped templates are not listed"
ok

step "xinhe demo (production KDF)"
"$XINHE" --lang en demo --vault "$VAULT" >"$WORK/demo.txt" 2>&1 || fail "$(tail -3 "$WORK/demo.txt")"
ok

step "xinhe verify: a signed referral from the demo"
echo xinhe-admin | "$XINHE" signing-identity export "$WORK/studio.pem" --vault "$VAULT" \
  --user admin >/dev/null
# Any signed packet the demo delivered: which agencies it reached depends on the day it runs.
packet="$(ls "$VAULT"/outbox/*.pdf 2>/dev/null | head -1 || true)"
[ -n "$packet" ] || fail "the demo delivered no signed packet to its outbox"
"$XINHE" --lang en verify "$packet" --trust "$WORK/studio.pem" >"$WORK/verify.txt" \
  || fail "$(tail -2 "$WORK/verify.txt")"
grep -q "valid" "$WORK/verify.txt" || fail "no verdict"
ok

step "xinhe verify: a tampered copy is refused"
cp "$packet" "$WORK/tampered.pdf"
size=$(stat -c %s "$WORK/tampered.pdf")
printf 'X' | dd of="$WORK/tampered.pdf" bs=1 seek=$((size / 2)) conv=notrunc status=none
if "$XINHE" --lang en verify "$WORK/tampered.pdf" --trust "$WORK/studio.pem" >/dev/null 2>&1; then
  fail "a changed PDF passed"
fi
ok

step "the demo vault opens: cases list as a counsellor"
echo xinhe-wangli | "$XINHE" --lang en cases list --vault "$VAULT" --user wangli \
  >"$WORK/cases.txt" || fail "$(tail -2 "$WORK/cases.txt")"
grep -q "XH-" "$WORK/cases.txt" || fail "no cases listed"
ok

step "desktop app: the unlock window opens (offscreen)"
shown="$(XINHE_STARTUP_PROBE=1 "$XINHE" --vault "$VAULT" 2>/dev/null | grep '^SHOWN' || true)"
[[ "$shown" == *UnlockWindow* ]] || fail "shown: ${shown:-nothing}"
ok

if [ -n "$OLD_VAULTS" ]; then
  # Logins from tests/fixtures/vaults/README.md.
  declare -A PASSWORD=([v1]=fixture-admin-1 [v2]=xinhe-admin [v3]=xinhe-admin [v4]=fixture-admin-4)
  for old in "$OLD_VAULTS"/v*/; do
    name="$(basename "$old")"
    step "an old vault ($name) opens after its backup"
    [ -n "${PASSWORD[$name]:-}" ] || fail "no login known for $name"
    cp -r "$old" "$WORK/$name"
    echo "${PASSWORD[$name]}" | "$XINHE" --lang en audit verify --vault "$WORK/$name" \
      --user admin >"$WORK/$name.txt" 2>&1 || fail "$(head -2 "$WORK/$name.txt")"
    grep -q "^pre-migration-${name}-.*-vault.db$" <<<"$(ls "$WORK/$name/backups/")" || fail "no backup"
    ok
  done
fi

echo "smoke test passed"
