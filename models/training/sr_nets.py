"""The super-resolution networks, on one luma channel in [0,1].

Parameter names are the tensor names of the model files the C engine loads,
so a network trained here loads in the plugin as it is.
"""
import torch
import torch.nn as nn


class ESPCN(nn.Module):
    """Shi et al., CVPR 2016: two tanh feature layers at low resolution, then a
    convolution to scale^2 channels rearranged by a sub-pixel (pixel) shuffle."""

    family = "espcn"

    def __init__(self, scale, c1=64, c2=32):
        super().__init__()
        self.scale = scale
        self.conv1 = nn.Conv2d(1, c1, 5, padding=2)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.conv3 = nn.Conv2d(c2, scale * scale, 3, padding=1)
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        x = torch.tanh(self.conv1(x))
        x = torch.tanh(self.conv2(x))
        return self.shuffle(self.conv3(x))

    def metadata(self):
        return {"family": self.family, "scale": str(self.scale),
                "channels": "%d,%d" % (self.conv1.out_channels, self.conv2.out_channels),
                "activation": "tanh"}


FAMILIES = {"espcn": ESPCN}


def build(family, scale):
    return FAMILIES[family](scale)
