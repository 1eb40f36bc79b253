#!/bin/sh
# Runs a test against a real system keychain: a private D-Bus session (start this script under
# dbus-run-session) with an unlocked GNOME keyring, the Secret Service QtKeychain talks to on
# Linux, in a throw-away home so no person's keyring is touched.
set -eu
HOME="$(mktemp -d)"
export HOME
XDG_RUNTIME_DIR="$HOME/run"
export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"
command -v gnome-keyring-daemon >/dev/null || { echo "with-keyring: gnome-keyring-daemon is missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
eval "$(printf 'switchboard-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
status=0
"$@" || status=$?
rm -rf "$HOME"
exit "$status"
