#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Shows a webcam upscaled live.
#
#   webcam.sh [SCALE]
#
# Environment:
#   SRC    the source part of the pipeline (default: v4l2src, the first camera);
#          e.g. "v4l2src device=/dev/video2 ! video/x-raw,width=320,height=240"
#   SINK   the sink part (default: autovideosink); fakesink to show nothing.
#          sync=false is added to its last element, which must be the sink
#   SCALE  2, 3 or 4 (default 2; the argument wins)
#   N_THREADS  srupscale n-threads (default 0: one per core)
#   GST_PLUGIN_PATH  where libgstsrupscale.so is; when the element is not found,
#          build/gst of this checkout is tried
#
# Small camera modes keep up best: at 2x the network does about as much work
# per second as the input has pixels, so ask the camera for 320x240 or 640x480.
# Stop with Ctrl-C. A test runs it as
#   SRC="videotestsrc num-buffers=20 ! video/x-raw,width=320,height=240" SINK=fakesink webcam.sh
set -euo pipefail

src=${SRC:-v4l2src}
sink=${SINK:-autovideosink}
scale=${1:-${SCALE:-2}}
case $scale in 2|3|4) ;; *) echo "webcam.sh: SCALE must be 2, 3 or 4" >&2; exit 2 ;; esac

# Without a display autovideosink has nothing to show on (and in GStreamer 1.22
# some of the sinks it tries crash instead of failing).
if [ -z "${SINK:-}" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "webcam.sh: no display (DISPLAY and WAYLAND_DISPLAY are unset); run it on a desktop or set SINK, e.g. SINK=fakesink" >&2
  exit 1
fi

if ! gst-inspect-1.0 --exists --atleast-version=0.0 srupscale 2>/dev/null; then
  build_gst=$(cd "$(dirname "$0")/.." && pwd)/build/gst
  export GST_PLUGIN_PATH=$build_gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}
fi

# Why the queues and sync=false:
# - The camera fills a few buffers of its own and stalls when all of them wait
#   downstream. "queue max-size-buffers=1 leaky=downstream" before the upscaler
#   keeps only the newest frame: when the upscaler is slower than the camera,
#   old frames are dropped there, the camera never stalls and what is shown is
#   as recent as can be, instead of falling further behind every second.
# - The second queue puts the upscaler in a thread of its own, so that it works
#   on frame N+1 while the sink is still drawing frame N.
# - sync=false on the sink: upscaling takes longer than the latency the camera
#   announces, so with sync=true every frame would be late and the sink would
#   drop it (and ask the upscaler, through QoS, to drop them too). sync=false
#   shows each frame as soon as it is ready.
# SRC and SINK are pipeline fragments, split into words on purpose (set -f:
# but never expanded as file names).
set -f
# shellcheck disable=SC2086
exec gst-launch-1.0 -e \
  $src ! queue max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream ! \
  videoconvert ! srupscale scale="$scale" n-threads="${N_THREADS:-0}" ! \
  queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 ! \
  videoconvert ! $sink sync=false
