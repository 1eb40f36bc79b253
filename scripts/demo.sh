#!/usr/bin/env bash
# Installs what is missing, builds, and starts the coordinator with the demo site and live
# simulated customers. Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
exec "${SB_BUILD_DIR:-build}/app/coordinator/switchboard-coordinator" --demo --speed 5 "$@"
