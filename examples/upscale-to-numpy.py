#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Upscaled frames into NumPy arrays, through an appsink.

    /usr/bin/python3 examples/upscale-to-numpy.py [INPUT] [--scale N] [--frames N]

Decodes INPUT (any file GStreamer plays; without one, a test pattern), upscales it
with srupscale and hands each frame to Python as an RGB array of shape
(height, width, 3). Here it prints each frame's shape and mean; put your own code
where it does. Needs Debian's python3-gi, gir1.2-gst-plugins-base-1.0 and
python3-numpy (use /usr/bin/python3, which sees them).
"""
import argparse
import sys

import gi
import numpy as np

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", help="a video file (default: a test pattern)")
    parser.add_argument("--scale", type=int, default=2, choices=(2, 3, 4))
    parser.add_argument("--frames", type=int, default=10, help="stop after this many")
    parser.add_argument("--model", default="espcn")
    args = parser.parse_args()

    Gst.init(None)
    if args.input:
        source = 'filesrc name=src ! decodebin'
    else:
        source = "videotestsrc pattern=ball num-buffers=%d ! video/x-raw,width=160,height=120" % args.frames
    pipeline = Gst.parse_launch(
        "%s ! videoconvert ! srupscale model=%s scale=%d ! videoconvert ! "
        "video/x-raw,format=RGB ! appsink name=sink sync=false max-buffers=4"
        % (source, args.model, args.scale))
    if args.input:
        pipeline.get_by_name("src").set_property("location", args.input)
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)

    count = 0
    while count < args.frames:
        sample = sink.emit("pull-sample")   # None at the end of the stream
        if sample is None:
            break
        caps = sample.get_caps().get_structure(0)
        width, height = caps.get_value("width"), caps.get_value("height")
        buffer = sample.get_buffer()
        ok, info = buffer.map(Gst.MapFlags.READ)
        try:
            # RGB rows are padded to 4 bytes: take the stride from the size
            stride = info.size // height
            frame = np.ndarray((height, stride), np.uint8, info.data)[:, :width * 3]
            frame = frame.reshape(height, width, 3).copy()
        finally:
            buffer.unmap(info)
        print("frame %d: %s, mean %.1f" % (count, frame.shape, frame.mean()))
        count += 1

    # an error (a missing plugin, a bad file) is on the bus
    message = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message is not None:
        error, debug = message.parse_error()
        sys.exit("error: %s (%s)" % (error.message, debug))
    if count == 0:
        sys.exit("error: no frame came out")


if __name__ == "__main__":
    main()
