# SPDX-License-Identifier: LGPL-2.1-or-later
"""Images, luma and the degradation of the standard SR protocol (DESIGN.md section 4).

MATLAB's rgb2ycbcr and imresize(..., 'bicubic') are re-implemented here in numpy so
that training, evaluation and the C tools degrade images the same way.
"""
import glob
import os

import numpy as np
from PIL import Image


def rgb_to_y_u8(rgb):
    """BT.601 studio-range luma as MATLAB rgb2ycbcr computes it on uint8 input."""
    rgb = rgb.astype(np.float64) / 255.0
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    y = 16.0 + 65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]
    return np.clip(np.round(y), 0, 255).astype(np.uint8)


def load_y(path):
    """The Y channel (uint8) of an image file, grey images taken as R = G = B."""
    img = np.asarray(Image.open(path).convert("RGB"))
    return rgb_to_y_u8(img)


def modcrop(img, scale):
    h, w = img.shape[:2]
    return img[: h - h % scale, : w - w % scale]


def _cubic(x):
    ax = np.abs(x)
    ax2, ax3 = ax * ax, ax * ax * ax
    return ((1.5 * ax3 - 2.5 * ax2 + 1.0) * (ax <= 1)
            + (-0.5 * ax3 + 2.5 * ax2 - 4.0 * ax + 2.0) * ((ax > 1) & (ax <= 2)))


def _resize_matrix(in_len, out_len, scale):
    """Dense (out_len x in_len) matrix of MATLAB imresize's bicubic weights.

    When shrinking, the kernel is stretched by 1/scale (antialiasing), as MATLAB does.
    Borders are mirrored (symmetric padding), as MATLAB does.
    """
    kernel_width = 4.0
    if scale < 1:
        kernel_width /= scale
    x = np.arange(1, out_len + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - kernel_width / 2)
    taps = int(np.ceil(kernel_width)) + 2
    idx = left[:, None] + np.arange(taps)[None, :]
    dist = u[:, None] - idx
    if scale < 1:
        w = scale * _cubic(dist * scale)
    else:
        w = _cubic(dist)
    w /= w.sum(axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(in_len), np.arange(in_len - 1, -1, -1)])
    cols = mirror[np.mod(idx - 1, 2 * in_len).astype(np.int64)]
    m = np.zeros((out_len, in_len))
    for t in range(taps):
        np.add.at(m, (np.arange(out_len), cols[:, t]), w[:, t])
    return m


def imresize(img, scale):
    """MATLAB imresize(img, scale, 'bicubic') on a float64 2-D array."""
    h, w = img.shape
    oh, ow = int(np.ceil(h * scale)), int(np.ceil(w * scale))
    rows = _resize_matrix(h, oh, scale)
    cols = _resize_matrix(w, ow, scale)
    return rows @ img @ cols.T


def degrade(hr_y_u8, scale):
    """HR luma (uint8, already modcropped) -> LR luma in [0,1], quantised to 8 bits.

    The LR image is rounded to uint8 because that is what the element receives from
    a real video: the network is trained and evaluated on 8-bit input.
    """
    lr = imresize(hr_y_u8.astype(np.float64) / 255.0, 1.0 / scale)
    return np.clip(np.round(lr * 255.0), 0, 255) / 255.0


def psnr_y(sr_u8, hr_u8, shave):
    a = sr_u8.astype(np.float64)[shave:-shave, shave:-shave]
    b = hr_u8.astype(np.float64)[shave:-shave, shave:-shave]
    mse = np.mean((a - b) ** 2)
    return 10 * np.log10(255.0 ** 2 / mse)


def to_u8(x):
    return np.clip(np.round(x * 255.0), 0, 255).astype(np.uint8)


def image_paths(root, names):
    paths = []
    for name in names:
        for ext in ("png", "bmp"):
            paths += sorted(glob.glob(os.path.join(root, name, "*." + ext)))
    return paths
