# Sourced by scripts/*: installs the Debian 12 packages ComfyVideo needs, only those missing.
# Usage: cv_install_deps build|run|test|bench ...

cv_pkgs_build="cmake ninja-build pkg-config g++ ccache qt6-base-dev qt6-websockets-dev
  qt6-multimedia-dev qtkeychain-qt6-dev qt6-tools-dev qt6-l10n-tools libqt6sql6-sqlite
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev qt6-image-formats-plugins"
cv_pkgs_run="gstreamer1.0-plugins-good gstreamer1.0-libav"
cv_pkgs_test="xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools ffmpeg clang-format"
cv_pkgs_bench="curl time" # bench_download's reference client and its memory meter

cv_install_deps() {
    local wanted="" missing="" p
    for group in "$@"; do
        case "$group" in
            build) wanted="$wanted $cv_pkgs_build" ;;
            run) wanted="$wanted $cv_pkgs_run" ;;
            test) wanted="$wanted $cv_pkgs_test" ;;
            bench) wanted="$wanted $cv_pkgs_bench" ;;
        esac
    done
    for p in $wanted; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "error: need root or sudo to install:$missing" >&2; return 1; }
        sudo="sudo"
    fi
    echo "Installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >&2
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing >&2
}
