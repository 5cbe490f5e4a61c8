#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Plots Set5 PSNR against training steps for every curves/*.csv (written by
train.py) into models/learning-curves.png, with bicubic's PSNR as a dashed line.
A run warm-started from another scale (train.py --init-from) says so in its label:
its hours and steps are its own, on top of its source's.

    /usr/bin/python3 models/training/plot_curves.py
"""
import csv
import glob
import os

import matplotlib
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# Bicubic on Set5 with the same protocol (checked by the bicubic-protocol test).
BICUBIC = {2: 33.65, 3: 30.39, 4: 28.42}


def warm_start_source(name):
    """The run @name started from (train.py --init-from), or None, as its
    checkpoint records it."""
    path = os.path.join(HERE, "checkpoints", name + ".pt")
    if not os.path.exists(path):
        return None
    return torch.load(path).get("init_from")


def main():
    curves = sorted(glob.glob(os.path.join(HERE, "curves", "*.csv")))
    scales = sorted({int(os.path.basename(p).split("_x")[1][0]) for p in curves})
    fig, axes = plt.subplots(1, len(scales), figsize=(5 * len(scales), 4), squeeze=False)
    for ax, scale in zip(axes[0], scales):
        for path in curves:
            name = os.path.basename(path)[:-4]
            if not name.endswith("_x%d" % scale):
                continue
            rows = list(csv.reader(open(path)))
            steps = [int(r[0]) / 1000 for r in rows]
            psnr = [float(r[2]) for r in rows]
            hours = float(rows[-1][1]) / 3600
            source = warm_start_source(name)
            label = "%s (%.1f h%s)" % (name, hours, ", from " + source if source else "")
            ax.plot(steps, psnr, marker="o", label=label)
        ax.axhline(BICUBIC[scale], color="gray", linestyle="--", label="bicubic")
        ax.set_title("x%d" % scale)
        ax.set_xlabel("training steps (thousands)")
        ax.set_ylabel("Set5 Y-PSNR (dB)")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    fig.tight_layout()
    out = os.path.join(os.path.dirname(HERE), "learning-curves.png")
    fig.savefig(out, dpi=80)
    print(out)


if __name__ == "__main__":
    main()
