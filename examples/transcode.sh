#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Upscales a video file with srupscale and writes a file a person can play.
#
#   transcode.sh INPUT OUTPUT [SCALE] [MODEL]
#
# INPUT is anything GStreamer can decode (MP4, AVI, MKV, WebM, raw .h264, ...).
# OUTPUT is written as MP4 (H.264, x264enc from gstreamer1.0-plugins-ugly) when
# that encoder is installed, otherwise as WebM (VP8, gstreamer1.0-plugins-good);
# a name ending in .webm or .mkv picks that container.  SCALE is 2, 3 or 4
# (default 2); MODEL is an optional .safetensors file for model-location.
#
# Environment:
#   MAX_FRAMES=N      stop after about N frames (default: the whole file); a
#                     decoder may add the few frames it was holding back
#   PRESCALE=WxH      shrink the decoded video to WxH before upscaling, e.g. to
#                     upscale a 768x576 clip from 384x288 back to 768x576
#   ENCODER=x264|vp8  force an encoder instead of picking the best installed one
#   N_THREADS=N       srupscale n-threads (default 0: one per core)
#   GST_PLUGIN_PATH   where libgstsrupscale.so is, e.g. build/gst; when the
#                     element is not found, build/gst of this checkout is tried
#
# Prints the output path and the frames per second of the whole transcode.
set -euo pipefail

usage () {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
  exit 2
}

die () {
  echo "transcode.sh: $*" >&2
  exit 1
}

# --atleast-version=0.0: plain --exists also wants the plugin to be at least
# GStreamer's own version, which a third-party plugin like this one is not.
have_element () {
  gst-inspect-1.0 --exists --atleast-version=0.0 "$1" 2>/dev/null
}

if [ $# -lt 2 ] || [ $# -gt 4 ]; then usage; fi
input=$1
output=$2
scale=${3:-2}
model=${4:-}

command -v gst-launch-1.0 >/dev/null || die "gst-launch-1.0 not found (apt-get install gstreamer1.0-tools)"
[ -r "$input" ] || die "cannot read $input"
case $scale in 2|3|4) ;; *) die "SCALE must be 2, 3 or 4, not '$scale'" ;; esac
[ -z "$model" ] || [ -r "$model" ] || die "cannot read model file $model"
case ${MAX_FRAMES:-} in ''|*[!0-9]*|0) [ -z "${MAX_FRAMES:-}" ] || die "MAX_FRAMES must be a positive number" ;; esac

# From a checkout, run the element that was just built without installing it.
if ! have_element srupscale; then
  build_gst=$(cd "$(dirname "$0")/.." && pwd)/build/gst
  if [ -e "$build_gst/libgstsrupscale.so" ]; then
    export GST_PLUGIN_PATH=$build_gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}
  fi
  have_element srupscale || die "the srupscale element is not installed; build it (ninja -C build) and set GST_PLUGIN_PATH=build/gst"
fi

# The encoder and container: H.264 in MP4 plays everywhere; VP8 in WebM needs
# only plugins-good.  A name that does not fit the container gets a new suffix.
case $output in
  *.webm) container=webm ;;
  *.mkv) container=mkv ;;
  *) container=mp4 ;;
esac
encoder=${ENCODER:-}
if [ -z "$encoder" ]; then
  if [ "$container" != webm ] && have_element x264enc; then
    encoder=x264
  else
    encoder=vp8
  fi
fi
case $encoder in
  x264)
    have_element x264enc || die "x264enc not found (apt-get install gstreamer1.0-plugins-ugly)"
    # Constant quality, fast preset: the upscaler, not the encoder, should get the CPU.
    enc=(x264enc pass=qual quantizer=20 speed-preset=veryfast)
    [ "$container" != webm ] || die "WebM cannot hold H.264; name the output .mp4 or .mkv"
    ;;
  vp8)
    have_element vp8enc || die "vp8enc not found (apt-get install gstreamer1.0-plugins-good)"
    # deadline=1 is libvpx's real-time mode; constant quality keeps the detail
    # the upscaler made instead of the 256 kbit/s default.
    enc=(vp8enc deadline=1 cpu-used=8 end-usage=cq cq-level=8 target-bitrate=20000000)
    if [ "$container" = mp4 ]; then
      container=webm
      case $output in *.mp4|*.m4v|*.mov) output=${output%.*} ;; esac
      output=$output.webm
      if [ -n "${ENCODER:-}" ]; then
        echo "transcode.sh: VP8 goes in WebM, writing $output" >&2
      else
        echo "transcode.sh: x264enc is not installed (gstreamer1.0-plugins-ugly), writing WebM instead" >&2
      fi
    fi
    ;;
  *) die "ENCODER must be x264 or vp8, not '$encoder'" ;;
esac
case $container in
  mp4) mux=(mp4mux) ;;
  webm) mux=(webmmux) ;;
  mkv) mux=(matroskamux) ;;
esac

mkdir -p "$(dirname "$output")"
output=$(realpath -m "$output")

# Optional stages before the upscaler.
pre=()
if [ -n "${PRESCALE:-}" ]; then
  [[ $PRESCALE =~ ^([0-9]+)x([0-9]+)$ ]] || die "PRESCALE must look like 384x288"
  pre+=(videoscale ! "video/x-raw,width=${BASH_REMATCH[1]},height=${BASH_REMATCH[2]},pixel-aspect-ratio=1/1" !)
fi
if [ -n "${MAX_FRAMES:-}" ]; then
  # identity answers EOS to buffer number eos-after (dropping it), so upstream
  # stops and the muxer still finishes the file.  A decoder may then hand over
  # the few frames it held back: the count printed below includes them.
  pre+=(identity eos-after="$((MAX_FRAMES + 1))" !)
fi
sr=(srupscale name=sr scale="$scale" n-threads="${N_THREADS:-0}")
[ -z "$model" ] || sr+=(model-location="$model")

# x264 wants even sizes, and 3 times an odd size is odd: then the last column
# or row is cropped. The decoded size comes from decoding one frame.
decoded_size () {
  local probe
  probe=$(gst-launch-1.0 -v filesrc location="$input" ! decodebin ! \
    fakesink name=probe num-buffers=1 2>&1 || true)
  grep -m1 'probe.GstPad:sink: caps = ' <<<"$probe" \
    | sed -n 's/.*width=(int)\([0-9]*\), height=(int)\([0-9]*\).*/\1x\2/p'
}
post=()
if [ "$encoder" = x264 ] && [ "$scale" = 3 ]; then
  size=${PRESCALE:-$(decoded_size)}
  if [[ $size =~ ^([0-9]+)x([0-9]+)$ ]]; then
    crop_w=$((BASH_REMATCH[1] % 2)) crop_h=$((BASH_REMATCH[2] % 2))
    [ $((crop_w + crop_h)) -eq 0 ] || post+=(videocrop "right=$crop_w" "bottom=$crop_h" !)
  fi
fi

# "identity name=count silent=false" plus -v prints one line per upscaled frame:
# the frame count comes from what really went through, not from a guess.
log=$(mktemp "${TMPDIR:-/tmp}/transcode.XXXXXX")
trap 'rm -f "$log"' EXIT
start=$(date +%s.%N)
status=0
gst-launch-1.0 -e -v \
  filesrc location="$input" ! decodebin ! videoconvert ! "${pre[@]}" \
  "${sr[@]}" ! identity name=count silent=false ! "${post[@]}" \
  videoconvert ! video/x-raw,format=I420 ! "${enc[@]}" ! "${mux[@]}" ! \
  filesink location="$output" >"$log" 2>&1 || status=$?
end=$(date +%s.%N)

if [ $status -ne 0 ] || grep -q '^ERROR' "$log"; then
  rm -f "$output"
  echo "transcode.sh: the pipeline failed:" >&2
  sed -n '/^ERROR/,$p' "$log" | grep -v '^/GstPipeline' >&2 || tail -n 20 "$log" >&2
  if grep -q 'Missing decoder: H.264' "$log" && ! have_element h264parse; then
    echo "transcode.sh: raw H.264 needs h264parse: apt-get install gstreamer1.0-plugins-bad" >&2
  elif grep -q 'missing a plug-in' "$log"; then
    echo "transcode.sh: the packages in .ci/packages.txt give the usual decoders" >&2
  fi
  exit 1
fi

frames=$(grep -c 'count: last-message = chain' "$log" || true)
[ "$frames" -gt 0 ] || die "no frame came out of the upscaler"
size_of () {
  grep -m1 "sr.GstPad:$1: caps = " "$log" \
    | sed -n 's/.*width=(int)\([0-9]*\), height=(int)\([0-9]*\).*/\1x\2/p'
}
awk -v n="$frames" -v t0="$start" -v t1="$end" -v from="$(size_of sink)" \
    -v to="$(size_of src)" -v s="$scale" -v out="$output" 'BEGIN {
  t = t1 - t0
  printf "Upscaled %d frames %s -> %s (x%d) in %.1f s: %.2f frames per second\n", n, from, to, s, t, n / t
  printf "Output: %s\n", out
}'
if [ ${#post[@]} -gt 0 ]; then
  echo "(x264 takes even sizes only: the last odd column or row was cropped)"
fi
