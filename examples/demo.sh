#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# From a fresh clone on Debian 12 to an upscaled video, in one command.
#
#   examples/demo.sh [INPUT] [OUTPUT]
#
# 1. installs the packages listed in .ci/packages.txt that are missing (with
#    apt-get as root, or through sudo);
# 2. builds the plugin (meson setup build; ninja -C build);
# 3. upscales INPUT 2x into OUTPUT (default build/demo-upscaled.mp4) with
#    examples/transcode.sh, and prints where it went and the frames per second.
#
# Without INPUT it takes a real camera clip that Debian ships: vtest.avi from
# the opencv-doc package, a street camera filming people walking (768x576,
# 10 frames/s, 795 frames). Only that file is taken out of the package, which
# is downloaded but not installed. To finish in about a minute on two cores,
# about its first DEMO_FRAMES frames (default 300, 30 seconds) are shrunk to
# 384x288 and upscaled back to 768x576: put the result beside the original to
# judge it.
#
# Environment: SCALE (2, 3 or 4; default 2), DEMO_FRAMES, and the variables of
# transcode.sh (MAX_FRAMES, PRESCALE, ENCODER, N_THREADS) for your own INPUT.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
input=${1:+$(realpath -m "$1")}
output=$(realpath -m "${2:-$root/build/demo-upscaled.mp4}")
scale=${SCALE:-2}
cd "$root"

step () {
  printf '\n== %s\n' "$*"
}

die () {
  echo "demo.sh: $*" >&2
  exit 1
}

as_root () {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "run this as root or install sudo: it needs '$*'"
  fi
}

apt_updated=false
apt_update () {
  $apt_updated || as_root apt-get update
  apt_updated=true
}

# (this machine's architecture or "all": an :arm64 copy of a -dev package does not count)
installed () {
  dpkg-query -W -f='${db:Status-Abbrev} ${Architecture}\n' "$1" 2>/dev/null \
    | grep -Eq "^ii +($(dpkg --print-architecture)|all)\$"
}

install_packages () {
  if ! command -v dpkg-query >/dev/null; then
    echo "Not a Debian system: install the equivalents of .ci/packages.txt yourself."
    return
  fi
  local package missing=()
  while read -r package; do
    installed "$package" || missing+=("$package")
  done < <(sed 's/#.*//' .ci/packages.txt | tr -s ' \t' '\n' | grep .)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "All the packages in .ci/packages.txt are installed."
    return
  fi
  echo "Installing ${missing[*]}"
  apt_update
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

build () {
  [ -f build/build.ninja ] || meson setup build
  ninja -C build
}

# Sets input to vtest.avi: the installed one if opencv-doc is installed, else
# one taken out of the downloaded package once and kept in build/demo-data.
find_camera_clip () {
  local member=usr/share/doc/opencv-doc/examples/data/vtest.avi
  local kept=$root/build/demo-data/vtest.avi
  if [ -r "/$member" ]; then
    input=/$member
    return
  fi
  input=$kept
  [ -s "$kept" ] && return
  echo "Downloading opencv-doc (95 MB) to take vtest.avi out of it"
  apt-cache show opencv-doc >/dev/null 2>&1 || apt_update
  local tmp
  tmp=$(mktemp -d)
  # apt drops its rights to user _apt while downloading: let it write here.
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
    chown _apt "$tmp"
  fi
  (cd "$tmp" && apt-get download opencv-doc)
  mkdir -p "$(dirname "$kept")"
  dpkg-deb --fsys-tarfile "$tmp"/opencv-doc_*.deb | tar -xO "./$member" >"$kept.part"
  rm -rf "$tmp"
  [ -s "$kept.part" ] || die "opencv-doc has no $member"
  mv "$kept.part" "$kept"
}

step "Packages"
install_packages

step "Build"
build

step "Upscale"
# The element just built, ahead of any installed one.
export GST_PLUGIN_PATH=$root/build/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}
if [ -z "$input" ]; then
  find_camera_clip
  export MAX_FRAMES=${DEMO_FRAMES:-300} PRESCALE=384x288
  echo "Input: $input, about its first $MAX_FRAMES frames shrunk to $PRESCALE"
else
  echo "Input: $input"
fi
summary=$(bash examples/transcode.sh "$input" "$output" "$scale")
echo "$summary"
# transcode.sh may have written WebM instead of MP4: take the name it printed.
written=$(sed -n 's/^Output: //p' <<<"$summary")
echo "Play it with any video player, or: gst-launch-1.0 playbin uri=file://$written"
