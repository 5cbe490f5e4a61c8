#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-app-files.sh UPSCALE_APP
#
# upscale-app's --output feeds its --input: the pattern is upscaled 4x into a
# raw file, which is upscaled 3x again. Every frame must come through, and the
# second file must hold exactly three frames of 480x360 I420.
set -euo pipefail

app=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/test-app-files.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$app" --scale 4 --frames 3 --width 40 --height 30 --output "$work/a.yuv"
out=$("$app" --scale 3 --input "$work/a.yuv" --width 160 --height 120 \
  --output "$work/b.yuv")
echo "$out"
grep -q '^Upscaled 3 frames 160x120 -> 480x360 (x3)' <<<"$out" \
  || { echo "FAIL: not the 3 frames of a.yuv"; exit 1; }
size=$(stat -c %s "$work/b.yuv")
[ "$size" -eq $((3 * 480 * 360 * 3 / 2)) ] \
  || { echo "FAIL: b.yuv has $size bytes"; exit 1; }
echo "ok: b.yuv holds 3 frames of 480x360"
