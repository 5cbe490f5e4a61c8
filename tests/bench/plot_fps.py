#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Frames per second against input size, from sr-bench's summary table.

    build/tests/bench/sr-bench --sizes 320x180,480x270,640x360,960x540,1280x720 \\
        --no-element > bench.md
    /usr/bin/python3 tests/bench/plot_fps.py bench.md tests/bench/fps-vs-size.png

One line per model for the engine in float32 (solid), in bfloat16 (dashed) and
PyTorch's best mode (dotted), on log-log axes: input pixels across, fps up.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def summary_rows(path):
    """The summary table's rows as dicts keyed by its header."""
    lines = open(path).read().split("## Summary", 1)[1].splitlines()
    table = [l for l in lines if l.startswith("|")]
    header = [c.strip() for c in table[0].strip("|").split("|")]
    for line in table[2:]:
        yield dict(zip(header, (c.strip() for c in line.strip("|").split("|"))))


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def main():
    src, out = sys.argv[1], sys.argv[2]
    series = {}
    for row in summary_rows(src):
        w, h = (int(v) for v in row["input"].split("x"))
        series.setdefault(row["model"], []).append(
            (w * h, number(row["fps (engine)"]), number(row["fps (bf16)"]),
             number(row["PyTorch best fps"]), row["input"]))
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=110)
    for i, (model, pts) in enumerate(sorted(series.items())):
        pts.sort()
        colour = "C%d" % i
        for k, style, label in ((1, "-o", "fp32"), (2, "--s", "bf16"), (3, ":^", "PyTorch")):
            xs = [p[0] for p in pts if p[k]]
            ys = [p[k] for p in pts if p[k]]
            if xs:
                ax.plot(xs, ys, style, color=colour, label="%s %s" % (model, label),
                        markersize=4)
    sizes = sorted({(p[0], p[4]) for pts in series.values() for p in pts})
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks([s[0] for s in sizes])
    ax.set_xticklabels([s[1] for s in sizes], rotation=30)
    ax.minorticks_off()
    ax.axhline(30, color="grey", linewidth=0.8)
    ax.text(sizes[0][0], 31, "30 fps", color="grey", fontsize=8)
    ax.set_xlabel("input size")
    ax.set_ylabel("frames per second (2 threads)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out)
    print("wrote", out)


if __name__ == "__main__":
    main()
