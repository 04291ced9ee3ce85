#!/usr/bin/env bash
# Hearth's entry point on a fresh Debian 12 machine.
#   ./run.sh          install dependencies, build, and start the app
#   ./run.sh test     install dependencies, build, and run every test (what CI runs)
#   ./run.sh build    install dependencies and build only
# Environment: BUILD_DIR (default build), HEARTH_CUDA (AUTO|ON|OFF, default AUTO),
# CUDA_ARCHS (e.g. 86; default: the release set), HEARTH_SKIP_DEPS=1 to skip apt-get.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-app}"
BUILD_DIR="${BUILD_DIR:-build}"

deps=(build-essential cmake ninja-build pkg-config ccache git
      qt6-base-dev qt6-declarative-dev qt6-tools-dev libgl-dev
      qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
      qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
      qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel qml6-module-qtcore libqt6sql6-sqlite
      libcurl4-openssl-dev nlohmann-json3-dev libpcre2-dev libsqlite3-dev libcpp-httplib-dev
      librsvg2-bin)
test_deps=(xvfb xauth clang clang-format libclang-rt-14-dev desktop-file-utils appstream dpkg-dev nodejs npm)

install_deps() {
  [ "${HEARTH_SKIP_DEPS:-0}" = 1 ] && return
  local want=("${deps[@]}")
  [ "$mode" = test ] && want+=("${test_deps[@]}")
  local missing=()
  for p in "${want[@]}"; do
    # node and npm may come from elsewhere (nodesource bundles npm in nodejs).
    case "$p" in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure_and_build() {
  local args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEARTH_CUDA="${HEARTH_CUDA:-AUTO}")
  [ -n "${CUDA_ARCHS:-}" ] && args+=(-DCMAKE_CUDA_ARCHITECTURES="$CUDA_ARCHS")
  [ "$mode" = test ] && args+=(-DHEARTH_BUILD_TESTS=ON -DHEARTH_WERROR=ON)
  # ccache (installed with the dependencies) makes rebuilds and CI reruns fast.
  command -v ccache >/dev/null && args+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$BUILD_DIR" "${args[@]}"
  cmake --build "$BUILD_DIR" --parallel "$(nproc)"
}

install_deps
configure_and_build
case "$mode" in
  app) exec "$BUILD_DIR/src/app/hearth" ;;
  build) ;;
  test) cd "$BUILD_DIR" && ctest --output-on-failure --parallel "$(nproc)" ;;
  *) echo "usage: ./run.sh [app|test|build]" >&2; exit 2 ;;
esac
