#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-transcode.sh TRANSCODE_SH INPUT|--synthetic SCALE [MAX_FRAMES]
#
# Runs transcode.sh and checks what it claims against the file it wrote: the
# output must decode to as many frames as it printed, at SCALE times the size.
# --synthetic makes a short Theora clip with videotestsrc first.
# Fails when INPUT or a decoder it needs is missing: CI installs both.
set -euo pipefail

transcode=$1
input=$2
scale=$3
max_frames=${4:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/test-transcode.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ "$input" = --synthetic ]; then
  input=$work/input.ogv
  gst-launch-1.0 -q videotestsrc num-buffers=12 pattern=ball ! \
    video/x-raw,width=160,height=120,framerate=25/1 ! theoraenc ! oggmux ! \
    filesink location="$input"
  expected_frames=12
else
  [ -r "$input" ] || { echo "FAIL: no $input (tests/data is part of the repository: is the clone complete?)"; exit 1; }
  case $input in
    *.h264|*.264)
      gst-inspect-1.0 --exists h264parse || { echo "FAIL: no h264parse (install gstreamer1.0-plugins-bad)"; exit 1; } ;;
  esac
  expected_frames=
fi

out=$(MAX_FRAMES=$max_frames bash "$transcode" "$input" "$work/out.mp4" "$scale")
echo "$out"

# "Upscaled N frames AxB -> CxD (xS) in T s: F frames per second"
summary='^Upscaled ([0-9]+) frames ([0-9]+)x([0-9]+) -> ([0-9]+)x([0-9]+) \(x([0-9])\) in [0-9.]+ s: [0-9.]+ frames per second$'
line=$(grep -E "$summary" <<<"$out") || { echo "FAIL: no summary line"; exit 1; }
[[ $line =~ $summary ]]
frames=${BASH_REMATCH[1]}
in_w=${BASH_REMATCH[2]} in_h=${BASH_REMATCH[3]}
out_w=${BASH_REMATCH[4]} out_h=${BASH_REMATCH[5]}
file=$(sed -n 's/^Output: //p' <<<"$out")

fail () { echo "FAIL: $*"; exit 1; }
[ -s "$file" ] || fail "no output file $file"
if [ "$out_w" -ne $((in_w * scale)) ] || [ "$out_h" -ne $((in_h * scale)) ]; then
  fail "${out_w}x$out_h is not $scale times ${in_w}x$in_h"
fi
[ -z "$expected_frames" ] || [ "$frames" -eq "$expected_frames" ] \
  || fail "printed $frames frames, the input has $expected_frames"
if [ -n "$max_frames" ]; then
  # a decoder may flush a few frames it held back when told to stop
  if [ "$frames" -lt "$max_frames" ] || [ "$frames" -gt $((max_frames + 8)) ]; then
    fail "printed $frames frames for MAX_FRAMES=$max_frames"
  fi
fi

# Decode what was written: the count and size must be what was printed.
decoded=$(gst-launch-1.0 -v filesrc location="$file" ! decodebin ! \
  identity name=check silent=false ! fakesink 2>&1)
n=$(grep -c 'check: last-message = chain' <<<"$decoded" || true)
size=$(grep -m1 'check.GstPad:src: caps = ' <<<"$decoded" \
  | sed -n 's/.*width=(int)\([0-9]*\), height=(int)\([0-9]*\).*/\1x\2/p')
[ "$n" -eq "$frames" ] || fail "$file holds $n frames, transcode.sh printed $frames"
[ "$size" = "${out_w}x$out_h" ] || fail "$file is $size, transcode.sh printed ${out_w}x$out_h"
echo "ok: $file holds $n frames of $size"
