#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite; ctest's summary is the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
cd "${SB_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 600 -j "$(nproc)"
