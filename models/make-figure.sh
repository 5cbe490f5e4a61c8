#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerates models/figures/ (the README's side-by-side crops) from the shipped
# models, and prints the Markdown table to paste into the README.
#
#   bash models/make-figure.sh            # after meson setup build && ninja -C build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
datasets=${DATASETS:-$root/tests/data}   # Set14 is in the repository
scale=${SCALE:-3}   # SCALE=2 bash models/make-figure.sh for another scale
models=()
for family in espcn fsrcnn sesr lesrcnn; do
  [ -f "$root/models/${family}_x$scale.safetensors" ] && models+=("$root/models/${family}_x$scale.safetensors")
done
mkdir -p "$root/models/figures"
"$root/build/tests/sr-figure" --image "$datasets/Set14/zebra.png" --scale "$scale" \
  --crop 270,90,150,110 --zoom 2 --out-dir "$root/models/figures" \
  --link-prefix models/figures "${models[@]}"
