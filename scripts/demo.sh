#!/usr/bin/env bash
# Installs what is missing, builds, and starts the desktop app hosting a demo site on this computer,
# with simulated customers writing in and simulated colleagues at their desks; you are one of the
# agents. Without a display it runs the headless coordinator's demo instead. Extra arguments go to
# the program (e.g. --speed 10, --lang zh_CN, --theme dark).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
BUILD="${SB_BUILD_DIR:-build}"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec "$BUILD/app/desktop/switchboard" --demo --speed 5 "$@"
fi
echo "switchboard: no display here, so the headless coordinator runs the demo (the desktop needs X11 or Wayland)."
exec "$BUILD/app/coordinator/switchboard-coordinator" --demo --speed 5 "$@"
