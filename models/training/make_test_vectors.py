#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes small random-weight networks of every family and scale, with PyTorch's
output on a real image crop, for the C engine's structural tests:

    /usr/bin/python3 models/training/make_test_vectors.py tests/golden/random [FAMILY...]

<family>_x<scale>.safetensors is the model; <family>_x<scale>.golden.safetensors
holds "input" and "output" as the trained models' golden files do. Widths are
small (files of a few kB) but every kind of layer is there: these test the graph
the engine builds, where the shipped models' golden files test their weights.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import sr_data  # noqa: E402
import sr_nets  # noqa: E402

SMALL = {
    "espcn": dict(c1=8, c2=6),
    "fsrcnn": dict(d=8, s=4, m=2),
    "lesrcnn": dict(c=8, hr=4, units=3, refine=2),
    "sesr": dict(c=6, blocks=2, p=8),
}


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    image = os.path.join(here, "..", "..", "..", "shared", "datasets", "Set5", "butterfly.png")
    torch.manual_seed(7)
    only = sys.argv[2:]
    for family, widths in SMALL.items():
        if only and family not in only:
            continue
        for scale in (2, 3, 4):
            net = sr_nets.FAMILIES[family](scale, **widths).eval()
            with torch.no_grad():   # biases and PReLU slopes away from their defaults
                for p in net.parameters():
                    if p.dim() == 1:
                        p.uniform_(-0.2, 0.3)
                if family == "fsrcnn":   # trained deconvs start near zero: not here
                    torch.nn.init.normal_(net.deconv.weight, std=0.05)
            hr = sr_data.modcrop(sr_data.load_y(image), scale)
            lr = sr_data.degrade(hr, scale)
            x = torch.from_numpy(lr[20:20 + 23, 31:31 + 19].astype(np.float32))[None, None]
            expanded = getattr(net, "forward_expanded", net)
            with torch.no_grad():
                y = expanded(x)   # a re-parameterised net: as trained, the long way
            name = os.path.join(out_dir, "%s_x%d" % (family, scale))
            if hasattr(net, "export_tensors"):
                tensors = net.export_tensors()
            else:
                tensors = {k: v.detach().numpy() for k, v in net.state_dict().items()}
            safetensors_io.save(name + ".safetensors", tensors, net.metadata())
            safetensors_io.save(name + ".golden.safetensors",
                                {"input": x.numpy()[0, 0], "output": y.numpy()[0, 0]},
                                {"family": family, "scale": str(scale)})
            print(name, tuple(y.shape[2:]), "output std %.3f" % y.std().item())


if __name__ == "__main__":
    main()
