#!/usr/bin/env bash
# Installs whatever the build needs that is missing (Debian 12, as root or with sudo), then
# configures and builds into build/. Safe to run again: it only installs and rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-websockets-dev qt6-charts-dev qt6-svg-dev
    qt6-httpserver-dev libqt6sql6-sqlite qt6-tools-dev qt6-l10n-tools qt6-tools-dev-tools
    libsodium-dev qtkeychain-qt6-dev libsqlite3-dev qt6-translations-l10n libgoogle-perftools-dev
    dbus gnome-keyring
    xvfb xauth fonts-noto-cjk
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    echo "switchboard: installing ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

BUILD_DIR="${SB_BUILD_DIR:-build}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${SB_BUILD_TYPE:-RelWithDebInfo}"
fi
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
