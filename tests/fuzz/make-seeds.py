#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the fuzz target's small seed corpus (corpus/): each network family at each
scale with the tensor names and layout of the shipped models (models/FORMAT.md), but
a few channels wide, so that the fuzzer's mutations run fast. The shipped models
themselves are seeds too (tests/fuzz/meson.build)."""
import json
import os
import random
import struct

rng = random.Random(10)


def tensors_conv(out, prefix, cout, cin, k):
    out.append((prefix + ".weight", [cout, cin, k, k]))
    out.append((prefix + ".bias", [cout]))


def espcn(scale):
    t = []
    tensors_conv(t, "conv1", 4, 1, 5)
    tensors_conv(t, "conv2", 3, 4, 3)
    tensors_conv(t, "conv3", scale * scale, 3, 3)
    return t


def fsrcnn(scale):
    t = []
    tensors_conv(t, "first", 4, 1, 5)
    t.append(("first_act.weight", [4]))
    tensors_conv(t, "shrink", 2, 4, 1)
    t.append(("shrink_act.weight", [2]))
    tensors_conv(t, "map.0", 2, 2, 3)
    t.append(("map_act.0.weight", [2]))
    tensors_conv(t, "expand", 4, 2, 1)
    t.append(("expand_act.weight", [4]))
    t.append(("deconv.weight", [4, 1, 5, 5]))
    t.append(("deconv.bias", [1]))
    return t


def lesrcnn(scale):
    c, hr = 3, 2
    t = []
    tensors_conv(t, "head", c, 1, 3)
    for i in range(2):
        tensors_conv(t, "pointwise.%d" % i, c, c, 1)
        tensors_conv(t, "spatial.%d" % i, c, c, 3)
    if scale == 4:
        tensors_conv(t, "up.0", 4 * c, c, 3)
        tensors_conv(t, "up.1", 4 * c, c, 3)
    else:
        tensors_conv(t, "up.0", scale * scale * c, c, 3)
    tensors_conv(t, "refine.0", hr, c, 3)
    tensors_conv(t, "tail", 1, hr, 3)
    return t


def serialize(family, scale, tensors):
    header = {"__metadata__": {"family": family, "scale": str(scale)}}
    data = b""
    for name, shape in tensors:
        n = 1
        for d in shape:
            n *= d
        values = [rng.uniform(-0.5, 0.5) for _ in range(n)]
        header[name] = {"dtype": "F32", "shape": shape,
                        "data_offsets": [len(data), len(data) + 4 * n]}
        data += struct.pack("<%df" % n, *values)
    h = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h)) + h + data


here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "corpus"), exist_ok=True)
for family, make in (("espcn", espcn), ("fsrcnn", fsrcnn), ("lesrcnn", lesrcnn)):
    for scale in (2, 3, 4):
        path = os.path.join(here, "corpus", "tiny_%s_x%d.safetensors" % (family, scale))
        with open(path, "wb") as f:
            f.write(serialize(family, scale, make(scale)))
